import Foundation
import XCTest
@testable import MeshLint

/// MC307 (cacerts-key-or-expiry) over the throw-away PKI in Tests/Fixtures/secrets-pki
/// (written by Corpus/secrets-broken/generate.py): key match, chain order and validity at
/// reference times chosen around the certificates' dates, in `data` and `stringData`.
final class CACertsKeyOrExpiryTests: XCTestCase {
    typealias PKI = RemoteSecretTLSAndDuplicateTests

    static func date(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

    /// A `cacerts` Secret with these files, base64 in `data` or PEM text in `stringData`.
    static func cacerts(_ files: [(String, String)], encoded: Bool) -> String {
        var out = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: cacerts\n  namespace: istio-system\n"
        if encoded {
            out += "data:\n" + files.map { "  \($0.0): \(PKI.b64($0.1))\n" }.joined()
        } else {
            out += "stringData:\n" + files.map { f in
                "  \(f.0): |\n" + f.1.split(separator: "\n").map { "    \($0)\n" }.joined()
            }.joined()
        }
        return out
    }

    /// east's correct plug-in CA: intermediate 2026-01-01..2028-01-01, root 2026-01-01..2036-01-01.
    static func east(key: String = PKI.pem("east-ca-key.pem"), chain: String? = nil) -> [(String, String)] {
        [("ca-cert.pem", PKI.pem("east-ca-cert.pem")), ("ca-key.pem", key),
         ("root-cert.pem", PKI.pem("root-cert.pem")),
         ("cert-chain.pem", chain ?? PKI.pem("east-ca-cert.pem") + PKI.pem("root-cert.pem"))]
    }

    func lint(_ files: [String: String], at now: String = "2026-12-01T00:00:00Z") -> [Finding] {
        var linter = try! Linter(only: ["MC307"])
        linter.now = Self.date(now)
        return linter.lint(documents: files.map { ($0.key, $0.value) }, options: LoadOptions(parallel: false)).findings
    }

    func testACorrectPlugInCAIsQuietInBothEncodings() {
        for encoded in [true, false] {
            XCTAssertEqual(lint(["east/cacerts.yaml": Self.cacerts(Self.east(), encoded: encoded)]).map(\.message), [], "encoded: \(encoded)")
        }
        // Istio 1.1–1.4 docs: cert-chain.pem holding only the intermediate.
        XCTAssertEqual(lint(["east/cacerts.yaml": Self.cacerts(Self.east(chain: PKI.pem("east-ca-cert.pem")), encoded: true)]).map(\.message), [])
        // `openssl ecparam -genkey` output: EC PARAMETERS before the key.
        let params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
        XCTAssertEqual(lint(["east/cacerts.yaml": Self.cacerts(Self.east(key: params + PKI.pem("east-ca-key.pem")), encoded: false)]).map(\.message), [])
    }

    func testValidityAgainstTheReferenceTime() {
        let files = ["east/cacerts.yaml": Self.cacerts(Self.east(), encoded: true)]
        let soon = lint(files, at: "2027-12-15T00:00:00Z")
        XCTAssertEqual(soon.map(\.severity), [.warning])
        XCTAssertTrue(soon.first?.message.contains("expires on 2028-01-01, in 17 days") ?? false, soon.first?.message ?? "")
        XCTAssertEqual(soon.first?.fieldPath, "data.ca-cert.pem")
        XCTAssertEqual(soon.first?.line, 7)
        let expired = lint(files, at: "2028-02-01T00:00:00Z")
        XCTAssertEqual(expired.map(\.severity), [.error])
        XCTAssertTrue(expired.first?.message.contains("expired on 2028-01-01") ?? false)
        // Before 2026-01-01 neither the intermediate nor the root is valid yet.
        let early = lint(files, at: "2025-06-01T00:00:00Z")
        XCTAssertEqual(early.map(\.fieldPath), ["data.ca-cert.pem", "data.root-cert.pem"])
        XCTAssertTrue(early.allSatisfy { $0.severity == .error && $0.message.contains("not valid before 2026-01-01") })
        // A configured severity below warning applies to expiring certificates too.
        var linter = try! Linter(settings: ["MC307": .severity(.info)], only: ["MC307"])
        linter.now = Self.date("2027-12-15T00:00:00Z")
        XCTAssertEqual(linter.lint(documents: files.map { ($0.key, $0.value) }).findings.map(\.severity), [.info])
    }

    func testKeyThatIsNotTheCertificatesIsReportedWithoutQuotingIt() {
        let other = PKI.pem("unrelated-key.pem")
        for encoded in [true, false] {
            let got = lint(["east/cacerts.yaml": Self.cacerts(Self.east(key: other), encoded: encoded)])
            XCTAssertEqual(got.count, 1, got.map(\.message).joined(separator: "\n"))
            guard let f = got.first else { continue }
            XCTAssertEqual(f.fieldPath, "data.ca-key.pem")
            if encoded {
                XCTAssertEqual(f.line, 8)
                XCTAssertEqual(f.related.first?.line, 7)
            }
            XCTAssertTrue(f.message.contains("public keys differ"), f.message)
            let body = other.split(separator: "\n").dropFirst().first.map(String.init) ?? "-"
            XCTAssertFalse(f.message.contains("PRIVATE KEY") || f.message.contains(body) || f.message.contains(PKI.b64(other).prefix(40)), f.message)
        }
        let unreadable: [(String, String)] = [
            ("no PEM", "this is not a key"),
            ("a certificate", PKI.pem("root-cert.pem")),
            ("encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n"),
            ("bad body", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
        ]
        for (label, key) in unreadable {
            let got = lint(["east/cacerts.yaml": Self.cacerts(Self.east(key: key), encoded: true)])
            XCTAssertEqual(got.count, 1, label)
            XCTAssertTrue(got.first?.message.contains("cannot be read as a private key") ?? false, "\(label): \(got.first?.message ?? "")")
            XCTAssertFalse(got.first?.message.contains("AAAA") ?? true, label)
        }
    }

    /// RSA plug-in CAs (the openssl-made corpus material): swapping two clusters' keys is caught.
    func testRSAKeysOfAnotherClusterAreCaught() throws {
        let dir = CrossClusterTrafficTests.packageRoot.appendingPathComponent("Corpus/multi-primary-multi-network-broken")
        let one = try String(contentsOf: dir.appendingPathComponent("cluster1/cacerts.yaml"), encoding: .utf8)
        let two = try String(contentsOf: dir.appendingPathComponent("cluster2/cacerts.yaml"), encoding: .utf8)
        func keyLine(_ s: String) -> String { s.split(separator: "\n").first { $0.contains("ca-key.pem:") }.map(String.init)! }
        XCTAssertEqual(lint(["cluster1/cacerts.yaml": one]).map(\.message), [])
        let swapped = one.replacingOccurrences(of: keyLine(one), with: keyLine(two))
        XCTAssertEqual(lint(["cluster1/cacerts.yaml": swapped]).map(\.fieldPath), ["data.ca-key.pem"])
    }

    func testChainThatDoesNotStartWithTheIntermediate() {
        let rootFirst = PKI.pem("root-cert.pem") + PKI.pem("east-ca-cert.pem")
        let got = lint(["east/cacerts.yaml": Self.cacerts(Self.east(chain: rootFirst), encoded: true)])
        XCTAssertEqual(got.map(\.fieldPath), ["data.cert-chain.pem"])
        XCTAssertTrue(got.first?.message.contains("starts with CN=Mesh Root CA") ?? false)
        XCTAssertTrue(got.first?.message.contains("out-of-order") ?? false, got.first?.message ?? "")
        // Another cluster's intermediate first.
        let foreign = PKI.pem("west-ca-cert.pem") + PKI.pem("root-cert.pem")
        let other = lint(["east/cacerts.yaml": Self.cacerts(Self.east(chain: foreign), encoded: true)])
        XCTAssertTrue(other.contains { $0.fieldPath == "data.cert-chain.pem" && $0.message.contains("starts with CN=Intermediate CA west")
                          && $0.message.contains("without the intermediate in it") },
                      other.map(\.message).joined(separator: "\n"))
    }

    func testASharedCacertsIsReportedOnce() {
        let files = ["cacerts.yaml": Self.cacerts(Self.east(key: PKI.pem("unrelated-key.pem")), encoded: true),
                     "east/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n",
                     "west/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n"]
        XCTAssertEqual(lint(files).count, 1)
    }
}
