import Foundation
import XCTest
@testable import MeshLint

/// MC206 (remote-secret-tls-suspect) and MC207 (remote-secret-duplicate): each condition on a
/// minimal set, the quiet cases (placeholders, unlabelled copies, one Secret written twice, a
/// shared file), and silence on the official samples and their istioctl remote secrets.
final class RemoteSecretTLSAndDuplicateTests: XCTestCase {
    static let pki = CrossClusterTrafficTests.fixtures.appendingPathComponent("secrets-pki")

    static func pem(_ name: String) -> String {
        try! String(contentsOf: pki.appendingPathComponent(name), encoding: .utf8)
    }

    static func b64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

    func lint(_ files: [String: String], _ rules: [String]) -> [Finding] {
        try! Linter(only: rules).lint(documents: files.map { ($0.key, $0.value) },
                                      options: LoadOptions(parallel: false)).findings.filter { rules.contains($0.rule) }
    }

    /// A labelled remote secret in istio-system holding one kubeconfig whose cluster entry has
    /// `clusterFields` (indented under `- cluster:`).
    static func secret(name: String = "istio-remote-secret-west", key: String = "west", server: String = "https://198.51.100.20:6443",
                       clusterFields: [String] = [], labelled: Bool = true) -> String {
        let fields = (clusterFields + ["server: \(server)"]).map { "            " + $0 }.joined(separator: "\n")
        return """
            apiVersion: v1
            kind: Secret
            metadata:
            \(labelled ? "  labels:\n    istio/multiCluster: \"true\"\n" : "")  name: \(name)
              namespace: istio-system
            stringData:
              \(key): |
                apiVersion: v1
                kind: Config
                clusters:
                - cluster:
            \(fields)
                  name: \(key)
                contexts:
                - context: {cluster: \(key), user: \(key)}
                  name: \(key)
                current-context: \(key)
                users:
                - name: \(key)
                  user: {token: PLACEHOLDER_SERVICE_ACCOUNT_TOKEN}

            """
    }

    static let westNamespace = ["west/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n"]

    func testEachTLSConditionIsReportedAtItsNode() {
        let ca = Self.b64(Self.pem("apiserver-ca.pem"))
        let cases: [(String, [String], String, String)] = [
            ("skip verify", ["insecure-skip-tls-verify: true"], "https://198.51.100.20:6443", "insecure-skip-tls-verify"),
            ("skip verify as a string", ["insecure-skip-tls-verify: \"true\""], "https://198.51.100.20:6443", "insecure-skip-tls-verify"),
            ("proxy path + CA", ["certificate-authority-data: \(ca)"], "https://proxy.example.com/kubernetes/west", "server"),
            ("plain http", [], "http://198.51.100.20:8080", "server"),
            ("serving cert as CA", ["certificate-authority-data: \(Self.b64(Self.pem("apiserver-serving.pem")))"], "https://198.51.100.20:6443", "certificate-authority-data"),
            ("encoded twice", ["certificate-authority-data: \(Self.b64(ca))"], "https://198.51.100.20:6443", "certificate-authority-data"),
        ]
        for (label, fields, server, field) in cases {
            var files = Self.westNamespace
            files["east/rs.yaml"] = Self.secret(server: server, clusterFields: fields)
            let got = lint(files, ["MC206"])
            XCTAssertEqual(got.count, 1, "\(label): \(got.map(\.message))")
            guard let f = got.first else { continue }
            XCTAssertEqual(f.severity, .warning, label)
            XCTAssertEqual(f.cluster, "east", label)
            XCTAssertEqual(f.fieldPath, "stringData.west.clusters[0].cluster.\(field)", label)
            let line = files["east/rs.yaml"]!.split(separator: "\n", omittingEmptySubsequences: false)[f.line - 1]
            XCTAssertTrue(line.contains(field + ":"), "\(label): points at line \(f.line): \(line)")
            XCTAssertFalse(f.message.contains("PLACEHOLDER_SERVICE_ACCOUNT_TOKEN"), label)
        }
    }

    func testCorrectAndUnjudgeableTLSSettingsAreQuiet() {
        let ca = Self.b64(Self.pem("apiserver-ca.pem"))
        let quiet: [(String, [String], String)] = [
            ("cluster CA, direct address", ["certificate-authority-data: \(ca)"], "https://198.51.100.20:6443"),
            ("trailing slash only", ["certificate-authority-data: \(ca)"], "https://198.51.100.20:6443/"),
            ("path without pinned CA", [], "https://proxy.example.com/k8s/clusters/c-1"),
            ("placeholder CA", ["certificate-authority-data: PLACEHOLDER_BASE64_CA"], "https://198.51.100.20:6443"),
            ("truncated PEM", ["certificate-authority-data: \(Self.b64("-----BEGIN CERTIFICATE-----\n"))"], "https://198.51.100.20:6443"),
            ("text that is no base64", ["certificate-authority-data: Sis3WWhtcHNI"], "https://198.51.100.20:6443"),
            ("skip verify false", ["insecure-skip-tls-verify: false", "certificate-authority-data: \(ca)"], "https://198.51.100.20:6443"),
            ("templated server", [], "http://${WEST_API}"),
        ]
        for (label, fields, server) in quiet {
            var files = Self.westNamespace
            files["east/rs.yaml"] = Self.secret(server: server, clusterFields: fields)
            XCTAssertEqual(lint(files, ["MC206"]).map(\.message), [], label)
        }
    }

    func testASharedSecretIsReportedOnceWithoutACluster() {
        var files = Self.westNamespace
        files["east/ns.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n"
        files["shared.yaml"] = Self.secret(key: "north", clusterFields: ["insecure-skip-tls-verify: true"])
        let got = lint(files, ["MC206"])
        XCTAssertEqual(got.count, 1, got.map(\.message).joined(separator: "\n"))
        XCTAssertNil(got.first?.cluster)
    }

    func testTwoSecretsRegisteringOneClusterID() {
        var files = Self.westNamespace
        files["east/a.yaml"] = Self.secret()
        files["east/b.yaml"] = Self.secret(name: "west-old", server: "https://198.51.100.99:6443")
        let got = lint(files, ["MC207"])
        XCTAssertEqual(got.count, 1, got.map(\.message).joined(separator: "\n"))
        guard let f = got.first else { return }
        XCTAssertEqual(f.file, "east/b.yaml")
        XCTAssertEqual(f.severity, .error)
        XCTAssertEqual(f.fieldPath, "stringData.west")
        XCTAssertEqual(f.related.map(\.file), ["east/a.yaml"])
        XCTAssertTrue(f.message.contains("different API servers"), f.message)
        // Three secrets: two findings, each pointing back at the first.
        files["east/c.yaml"] = Self.secret(name: "west-older")
        let three = lint(files, ["MC207"])
        XCTAssertEqual(three.map(\.file).sorted(), ["east/b.yaml", "east/c.yaml"])
        XCTAssertEqual(Set(three.flatMap { $0.related.map(\.file) }), ["east/a.yaml"])
    }

    func testDuplicatesIstiodDoesNotSeeAreQuiet() {
        var files = Self.westNamespace
        files["east/a.yaml"] = Self.secret()
        // The same Secret in two files is one object.
        files["east/copy/a.yaml"] = Self.secret()
        // Unlabelled: istiod does not watch it (MC201 reports that).
        files["east/b.yaml"] = Self.secret(name: "istio-remote-secret-west-backup", labelled: false)
        // In two different clusters: each istiod has one.
        files["north/a.yaml"] = Self.secret()
        XCTAssertEqual(lint(files, ["MC207"]).map(\.message), [])
    }

    /// The istio.io install pages with the remote secrets their commands create (see
    /// IdentityPublicSamplesTests) hold no suspect TLS setting and no duplicate.
    func testOfficialSamplesAreQuiet() {
        let samples: [(String, [String: String])] = [
            ("multi-primary multi-network", IdentityPublicSamplesTests.multiPrimaryMultiNetwork),
            ("primary-remote multi-network", IdentityPublicSamplesTests.primaryRemoteMultiNetwork),
            ("1.1-1.4 split horizon", IdentityPublicSamplesTests.sharedGateways14),
            ("1.5-1.7 shared control plane", IdentityPublicSamplesTests.shared15()),
        ]
        for (label, files) in samples {
            XCTAssertEqual(lint(files, ["MC206", "MC207"]).map(\.message), [], label)
        }
    }
}
