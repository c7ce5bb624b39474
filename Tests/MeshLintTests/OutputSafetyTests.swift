import Foundation
import XCTest
@testable import MeshLint
import MeshLintCore

/// SPEC 7: hostile names and values cannot move the terminal or write a workflow command, no
/// secret value reaches any output, and one mistake repeated many times gives bounded output.
final class OutputSafetyTests: XCTestCase {
    // MARK: - Escaping

    func testEscapingMakesUnsafeScalarsVisible() {
        XCTAssertEqual(OutputEscaping.text("plain east/se.yaml ünïcode"), "plain east/se.yaml ünïcode")
        XCTAssertEqual(OutputEscaping.text("a\nb\r\tc\u{1B}[2J"), "a\\nb\\r\\tc\\e[2J")
        XCTAssertEqual(OutputEscaping.text("\u{7F}\u{9B}\u{0}"), "\\u{7F}\\u{9B}\\u{00}")
        XCTAssertEqual(OutputEscaping.text("x\u{202E}y\u{2066}\u{2028}\u{2029}\u{200F}"),
                       "x\\u{202E}y\\u{2066}\\u{2028}\\u{2029}\\u{200F}")
    }

    /// A file name and a key that try to clear the screen, set the terminal title, reorder the
    /// line and start GitHub workflow commands.
    static let hostile = "k\u{1B}[2J\u{1B}]0;pwned\u{07}\n::error::injected\r\n::add-mask::x\u{202E}\u{2028}\u{85}"
    /// `s` inside a YAML double-quoted scalar, every unsafe scalar as a `\\uXXXX` escape.
    static func yamlQuoted(_ s: String) -> String {
        s.unicodeScalars.map { OutputEscaping.isUnsafe($0) ? "\\u" + OutputEscaping.hex($0.value, width: 4) : String($0) }.joined()
    }

    static let hostileDocuments: [(path: String, text: String)] = [
        ("east/evil\u{1B}[31m\n::warning::name\u{202E}.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          name: b
        data:
          "\(yamlQuoted(hostile))": "1"
          "\(yamlQuoted(hostile))": "2"
        """),
        ("west/ok.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"x\\e]8;;http://evil\\a\"\n  name: y\n"),
    ]

    func testHostileNamesAndValuesStayInsideTheirLine() throws {
        let report = try Linter().lint(documents: Self.hostileDocuments)
        XCTAssertGreaterThanOrEqual(report.findings.count, 3, "the duplicate keys are reported")
        XCTAssert(report.findings.contains { $0.message.contains("::add-mask::") }, "the value really reaches the message")

        for (name, out) in [("text", OutputFormat.text.render(report)),
                            ("text+color", OutputFormat.text.render(report, color: true)),
                            ("github", OutputFormat.github.render(report))] {
            for u in out.unicodeScalars where u != "\n" && OutputEscaping.isUnsafe(u) {
                // Only the reporter's own colour codes may contain ESC.
                if name == "text+color" && u == "\u{1B}" { continue }
                XCTFail("\(name) prints U+\(String(u.value, radix: 16))")
            }
            for line in out.split(separator: "\n") {
                if name == "github" {
                    XCTAssert(line.hasPrefix("::error ") || line.hasPrefix("::warning ") || line.hasPrefix("::notice "), "github: \(line)")
                    XCTAssertEqual(line.components(separatedBy: "::add-mask::").count, 1 + (line.contains("add-mask") ? 1 : 0))
                } else {
                    XCTAssertFalse(line.hasPrefix("::"), "\(name) line starts a workflow command: \(line)")
                }
            }
        }
        let github = OutputFormat.github.render(report)
        XCTAssertEqual(github.split(separator: "\n").count, report.findings.count, "one command per finding")
        let text = OutputFormat.text.render(report, color: true)
        XCTAssertFalse(text.contains("\u{1B}]"), "no OSC sequence from a value")
        XCTAssertFalse(text.contains("\u{1B}[2J"), "no CSI sequence from a value")
        XCTAssert(text.contains("evil\\e[31m\\n::warning::name\\u{202E}.yaml"), text)

        // JSON and SARIF keep the value, as \u escapes.
        for out in [OutputFormat.json.render(report), OutputFormat.sarif.render(report)] {
            XCTAssertFalse(out.unicodeScalars.contains { $0 != "\n" && OutputEscaping.isUnsafe($0) })
            // (SARIF messages escape a literal `[` as `\[`, so it cannot start a related-location link.)
            XCTAssert(out.contains("\\u001b[2J") || out.contains("\\u001b\\\\[2J"), "the value survives in the document")
            XCTAssert(out.contains("\\u202e"))
            let doc = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
            XCTAssertNotNil(doc)
        }
        let decoded = try JSONSerialization.jsonObject(with: Data(OutputFormat.json.render(report).utf8)) as! [String: Any]
        let files = (decoded["findings"] as! [[String: Any]]).compactMap { $0["file"] as? String }
        XCTAssert(files.contains(Self.hostileDocuments[0].path), "JSON keeps the real file name")
    }

    func testCLIErrorLineIsEscaped() throws {
        let r = try CLI.run(["lint", "/nonexistent/\u{1B}[2Jdir\n::error::x"])
        XCTAssertEqual(r.status, 2)
        XCTAssertFalse(r.stderr.contains("\u{1B}"))
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
    }

    // MARK: - Secrets

    /// Recognisable secret strings, each placed where a rule reads it.
    static let secrets = ["S3cretPassw0rd-A", "tok-SECRET-B-9f8e7d", "S3CRET-KEY-DATA-C", "918273645", "tok-SECRET-D-query",
                          "S3cret-E-inbroken", "4455667788", "c2VjcmV0LUY=", "S3cret-G-user", "S3cret-H-mc202"]

    static func istioOperator(_ cluster: String) -> String {
        """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        metadata:
          name: \(cluster)
          namespace: istio-system
        spec:
          values:
            global:
              meshID: mesh1
              multiCluster:
                clusterName: \(cluster)
              network: net1
        """
    }

    static let secretSet: [(path: String, text: String)] = [
        ("east/istio.yaml", istioOperator("east")),
        ("west/istio.yaml", istioOperator("west")),
        ("east/remote-secret-west.yaml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-west
          namespace: istio-system
          annotations:
            networking.istio.io/cluster: west
          labels:
            istio/multiCluster: "true"
        stringData:
          west: |
            apiVersion: v1
            kind: Config
            clusters:
            - name: west
              cluster:
                server: https://admin:\(secrets[0])@127.0.0.1:6443/api?token=\(secrets[4])
                certificate-authority-data: \(secrets[2])
            contexts:
            - name: west
              context: {cluster: west, user: west}
            current-context: west
            users:
            - name: west
              user:
                token: \(secrets[1])
                client-key-data: \(secrets[2])
          other: |
            apiVersion: v1
            kind: Config
            clusters:
            - name: other
              cluster:
                server: https://\(secrets[8]):pw@kubernetes.default.svc
            users:
            - name: x
              user:
                password: \(secrets[0])
        """),
        ("west/remote-secret-east.yaml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-east
          namespace: istio-system
          labels:
            istio/multiCluster: "true"
        stringData:
          east: |
            apiVersion: v1
            kind: Config
            clusters: [{name: east, cluster: {server: "https://east.example.com"
            users: [{name: east, user: {token: \(secrets[5])}}]
        """),
        ("east/app-secret.yaml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: db
          namespace: default
        data:
          password: \(secrets[3])
          key: \(secrets[7])
        stringData:
          pin: \(secrets[6])
          flag: true
        """),
        ("east/kubeadm.yaml", """
        apiVersion: kubeadm.k8s.io/v1beta3
        kind: ClusterConfiguration
        metadata:
          name: east
        controlPlaneEndpoint: east-api.example.com:6443
        """),
        ("west/remote-secret-typo.yaml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-eastt
          namespace: istio-system
          labels:
            istio/multiCluster: "true"
        stringData:
          eastt: |
            apiVersion: v1
            kind: Config
            clusters:
            - name: eastt
              cluster:
                server: https://ops:\(secrets[9])@east-api.example.com:6443
            users:
            - name: eastt
              user:
                token: \(secrets[1])
        """),
        ("east/app.yaml", """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: app
          namespace: default
        spec:
          template:
            spec:
              containers:
              - name: app
                env:
                - name: DB_PASSWORD
                  value: \(secrets[6])
        """),
    ]

    func testNoSecretReachesAnyFormat() throws {
        let report = try Linter().lint(documents: Self.secretSet)
        let rules = Set(report.findings.map(\.rule))
        XCTAssert(rules.isSuperset(of: ["MC003", "MC202", "MC204"]), "the secrets are read by the rules: \(rules)")
        XCTAssert(report.findings.contains { $0.rule == "MC202" && $0.message.contains("https://***@east-api.example.com:6443") },
                  report.findings.filter { $0.rule == "MC202" }.map(\.message).joined(separator: "\n"))
        XCTAssert(report.findings.contains { $0.rule == "MC204" && $0.message.contains("https://***@127.0.0.1:6443/api?***") },
                  report.findings.map(\.message).joined(separator: "\n"))
        XCTAssert(report.findings.contains { $0.rule == "MC003" && $0.message.contains("data.password") && $0.message.contains("an integer value") })
        for format in OutputFormat.allCases {
            let out = format.render(report)
            for s in Self.secrets {
                XCTAssertFalse(out.contains(s), "\(format) output contains the secret \(s)")
            }
        }
    }

    func testURLRedaction() {
        XCTAssertEqual(Redact.url("https://admin:password@10.0.0.1:6443"), "https://***@10.0.0.1:6443")
        XCTAssertEqual(Redact.url("https://user@host/path?token=abc#frag"), "https://***@host/path?***#frag")
        XCTAssertEqual(Redact.url("https://10.0.0.1:6443/k8s/clusters/c-1"), "https://10.0.0.1:6443/k8s/clusters/c-1")
        XCTAssertEqual(Redact.url("a@b:443"), "***@b:443")
    }

    // MARK: - Finding storms

    /// 400 clusters on one network declaring the same pod CIDR: one finding per cluster at most
    /// before the per-file cap, related locations capped, output small.
    func testManyClustersSharingOnePodCIDRGiveBoundedOutput() throws {
        let n = 400
        var manifest = "apiVersion: meshlint/v1\nkind: ConfigSet\nclusters:\n"
        var docs: [(path: String, text: String)] = []
        for i in 0..<n {
            manifest += "- name: c\(i)\n  paths: [\"c\(i)/**\"]\n  network: net1\n  podCIDRs: [\"10.0.0.0/16\"]\n"
            docs.append(("c\(i)/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n"))
        }
        docs.append(("meshlint.yaml", manifest))
        let set = ConfigSetLoader().load(documents: docs)
        let graph = MeshGraph(set: set)
        XCTAssertEqual(graph.cidrIndex.overlaps.count, n - 1, "one overlap per later cluster, not per pair")
        XCTAssert(graph.cidrIndex.overlaps.allSatisfy { $0.others.count <= CIDRIndex.overlapOthersCap })
        XCTAssertEqual(graph.cidrIndex.overlaps.last!.othersNotListed, n - 2 - CIDRIndex.overlapOthersCap)

        let report = try Linter(only: ["MC101"]).lint(set)
        let limits = FindingLimits()
        XCTAssertEqual(report.findings.count, limits.perRuleAndFile + 1, "all in meshlint.yaml: capped, plus the count")
        XCTAssert(report.findings.last!.message.contains("and \(n - 1 - limits.perRuleAndFile) more MC101 findings"), report.findings.last!.message)
        XCTAssert(report.findings.allSatisfy { $0.related.count <= CIDRIndex.overlapOthersCap + 1 })
        let json = OutputFormat.json.render(report)
        XCTAssertLessThan(json.utf8.count, 150_000, "bounded JSON")
    }

    /// Without the per-file cap, clusters in their own files still get one finding each.
    func testSharedPodCIDRInClusterFilesIsOneFindingPerCluster() throws {
        let n = 60
        var docs: [(path: String, text: String)] = []
        for i in 0..<n {
            docs.append(("c\(String(format: "%02d", i))/kubeadm.yaml", "apiVersion: kubeadm.k8s.io/v1beta3\nkind: ClusterConfiguration\nmetadata:\n  name: c\(i)\nnetworking:\n  podSubnet: 10.0.0.0/16\n"))
        }
        let report = try Linter(only: ["MC101"]).lint(documents: docs)
        XCTAssertEqual(report.findings.count, n - 1)
        let last = report.findings.first { $0.cluster == "c\(n - 1)" }!
        XCTAssertEqual(Set(report.findings.compactMap(\.cluster)).count, n - 1, "one per later cluster")
        XCTAssert(last.message.contains("and pod CIDRs of \(n - 2) more clusters on the same network, \(n - 2 - CIDRIndex.overlapOthersCap) of them not listed"), last.message)
        XCTAssertEqual(last.related.count, 1 + CIDRIndex.overlapOthersCap)
    }

    func testRepeatedDuplicateKeysAndSkippedDocumentsAreCappedPerFile() throws {
        let n = 5_000
        var dup = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n"
        for _ in 0..<n { dup += "  k: v\n" }
        let skipped = (0..<n).map { "x\($0): 1\n" }.joined(separator: "---\n")
        let report = try Linter().lint(documents: [("east/dup.yaml", dup), ("east/notk8s.yaml", skipped)])
        let limits = FindingLimits()
        let mc002 = report.findings.filter { $0.rule == "MC002" }
        let mc004 = report.findings.filter { $0.rule == "MC004" }
        XCTAssertEqual(mc002.count, limits.perRuleAndFile + 1)
        XCTAssertEqual(mc004.count, limits.perRuleAndFile + 1)
        XCTAssert(mc002.last!.message.hasPrefix("... and \((n - 1 - limits.perRuleAndFile).withThousandsSeparators) more MC002 findings"), mc002.last!.message)
        XCTAssert(mc004.last!.message.hasPrefix("... and \((n - limits.perRuleAndFile).withThousandsSeparators) more MC004 findings"), mc004.last!.message)
        let empty = try Linter().lint(documents: [])
        for format in OutputFormat.allCases {
            // SARIF carries every rule's documentation whatever the findings: count past that.
            XCTAssertLessThan(format.render(report).utf8.count - format.render(empty).utf8.count, 60_000, "\(format) stays small")
        }
    }

    func testThousandsSeparators() {
        XCTAssertEqual(999_990.withThousandsSeparators, "999,990")
        XCTAssertEqual(12.withThousandsSeparators, "12")
        XCTAssertEqual(1_000.withThousandsSeparators, "1,000")
    }
}

/// Rule documentation read with `--rules DIR` is printed by `rules` and `explain`: it cannot
/// move the terminal either.
final class RuleDocOutputSafetyTests: XCTestCase {
    func testDocumentEscapingKeepsLineBreaksOnly() {
        XCTAssertEqual(OutputEscaping.document("a\nb\u{1B}[2J\r\n::error::x"), "a\nb\\e[2J\\r\n::error::x")
    }

    func testRulesAndExplainEscapeDocumentationFromADirectory() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("meshlint-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let original = try String(contentsOf: repo.appendingPathComponent("Rules/MC001.yaml"), encoding: .utf8)
        let hostile = original.replacingOccurrences(
            of: "summary: A file is not valid YAML or JSON, or cannot be read.",
            with: "summary: \"A file \\e]0;pwned\\a is not valid\\e[2J\"")
        XCTAssertNotEqual(hostile, original, "the summary line was found")
        try hostile.write(to: dir.appendingPathComponent("MC001.yaml"), atomically: true, encoding: .utf8)
        for args in [["rules", "--rules", dir.path], ["explain", "MC001", "--rules", dir.path]] {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertFalse(r.stdout.unicodeScalars.contains { $0 != "\n" && OutputEscaping.isUnsafe($0) }, r.stdout)
            XCTAssertTrue(r.stdout.contains("\\e]0;pwned\\u{07} is not valid\\e[2J"), r.stdout)
        }
    }
}
