import XCTest
@testable import MeshLint

/// Fingerprints and `--baseline` / `--write-baseline`.
final class BaselineTests: XCTestCase {
    /// A two-cluster set with findings of several kinds: a value type (with a field path), a
    /// duplicate key (no resource, a line number in the message), an unknown suppression and a
    /// syntax error.
    static let files: [String: String] = [
        "east/secret.yaml": """
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-west
          namespace: istio-system
          annotations:
            meshlint.io/ignore: "MC03"
          labels:
            istio/multiCluster: true
        """,
        "east/cm.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: istio
          namespace: istio-system
        data:
          mesh: "x"
          mesh: "y"
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: other
          namespace: istio-system
        data:
          mesh: "x"
          mesh: "y"
        """,
        "west/gateway.yaml": """
        apiVersion: networking.istio.io/v1beta1
        kind: Gateway
        metadata:
          name: cross-network-gateway
          namespace: istio-system
          labels:
            topology.istio.io/network: 1
        spec:
          selector:
            istio: eastwestgateway
          servers: [{port: {number: 15443, name: tls, protocol: TLS}, hosts: ["*.local"]}]
        """,
        "west/broken.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: broken
        data:
          hosts: [a, b
        """,
    ]

    /// Doubles every indentation (2 → 4 spaces) and inserts blank lines: positions change,
    /// meaning does not. (Block sequences of mappings would need a YAML-aware re-indenter, so
    /// the fixtures write those in flow style.)
    static func reindent(_ text: String) -> String {
        var out = "\n# re-formatted\n\n"
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let spaces = line.prefix { $0 == " " }.count
            out += String(repeating: " ", count: spaces * 2) + line.dropFirst(spaces) + "\n"
            if spaces == 0 && line.hasSuffix(":") { out += "\n" }
        }
        return out
    }

    func testBaselineSurvivesReindentationAndBlankLines() throws {
        let dir = TempSet()
        for (path, text) in Self.files { dir.write(path, text) }
        let linter = try Linter()
        let before = try linter.lint(paths: [dir.path])
        XCTAssertEqual(Set(before.findings.map(\.rule)), ["MC001", "MC002", "MC003", "MC005"], "\(before.findings)")
        let baselineFile = dir.path + "/../" + (dir.path as NSString).lastPathComponent + ".baseline.json"
        defer { try? FileManager.default.removeItem(atPath: baselineFile) }
        try Baseline(report: before).write(to: baselineFile)

        for path in Self.files.keys { dir.write(path, Self.reindent(dir.read(path))) }
        let after = try linter.lint(paths: [dir.path])
        XCTAssertEqual(after.findings.count, before.findings.count)
        XCTAssertNotEqual(after.findings.map(\.line), before.findings.map(\.line), "the files did move")
        let baseline = try Baseline(contentsOfFile: baselineFile)
        XCTAssertEqual(baseline.apply(to: after).findings, [])

        // A new finding is still reported.
        dir.write("west/new.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n  labels:\n    istio-injection: yes\n")
        let withNew = baseline.apply(to: try linter.lint(paths: [dir.path]))
        XCTAssertEqual(withNew.findings.map { "\($0.rule) \($0.file)" }, ["MC003 west/new.yaml"])
    }

    func testMatchingIsCountAware() throws {
        let report = try Linter(only: ["MC002"]).lint(documents: [("east/cm.yaml", Self.files["east/cm.yaml"]!)])
        XCTAssertEqual(report.findings.count, 2)
        let fps = report.findings.map(Fingerprint.of)
        XCTAssertEqual(fps[0], fps[1], "same rule, cluster, file and message: same fingerprint")
        let one = Baseline(findings: [report.findings[0]])
        XCTAssertEqual(one.entries.map(\.count), [1])
        XCTAssertEqual(one.apply(to: report).findings.count, 1)
        XCTAssertEqual(Baseline(report: report).entries.map(\.count), [2])
        XCTAssertEqual(Baseline(report: report).apply(to: report).findings.count, 0)
    }

    func testFingerprintIgnoresPositionButNotIdentity() {
        let f = Finding(rule: "MC401", name: "cross-cluster-port", severity: .error, message: "port 80 at line 3",
                        cluster: "east", file: "east/se.yaml", line: 14, column: 9,
                        resource: FindingResource(apiVersion: "networking.istio.io/v1alpha3", kind: "ServiceEntry",
                                                  namespace: "foo", name: "httpbin-bar"),
                        fieldPath: "spec.endpoints[0].ports.http1")
        var moved = f
        moved.line = 40
        moved.column = 2
        moved.file = "east/moved.yaml"
        moved.message = "port 80 at line 37"
        moved.resource?.apiVersion = "networking.istio.io/v1beta1"
        XCTAssertEqual(Fingerprint.of(f), Fingerprint.of(moved))
        for change in [{ (x: inout Finding) in x.cluster = "west" }, { $0.rule = "MC402" },
                       { $0.resource?.name = "other" }, { $0.resource?.namespace = "bar" },
                       { $0.resource?.kind = "Gateway" }, { $0.fieldPath = "spec.endpoints[1].ports.http1" }] {
            var g = f
            change(&g)
            XCTAssertNotEqual(Fingerprint.of(f), Fingerprint.of(g))
        }
        XCTAssertEqual(Fingerprint.of(f).count, 32)
        XCTAssertEqual(Fingerprint.normalisedMessage("duplicate key 'a' (first at line 12)\n  at 3:4"),
                       "duplicate key 'a' (first at line #) at #:#")
    }

    func testFileRoundTripsAndIsDeterministic() throws {
        let report = try Linter().lint(documents: Self.files.map { ($0.key, $0.value) })
        let text = Baseline(report: report).rendered()
        XCTAssertEqual(text, Baseline(report: try Linter().lint(documents: Self.files.map { ($0.key, $0.value) })).rendered())
        let parsed = try Baseline(parsing: text)
        XCTAssertEqual(parsed, Baseline(report: report))
        XCTAssertEqual(parsed.entries.map(\.fingerprint), parsed.entries.map(\.fingerprint).sorted())
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        XCTAssertEqual(json["schemaVersion"] as? Int, 1)
        let first = (json["fingerprints"] as! [[String: Any]]).first {
            $0["rule"] as? String == "MC003" && $0["cluster"] as? String == "east"
        }!
        XCTAssertEqual((first["resource"] as? [String: Any])?["name"] as? String, "istio-remote-secret-west")
        XCTAssertEqual(first["fieldPath"] as? String, "metadata.labels.istio/multiCluster")
        XCTAssertThrowsError(try Baseline(parsing: "{\"schemaVersion\": 2, \"fingerprints\": []}"))
        XCTAssertThrowsError(try Baseline(parsing: "[]"))
    }

    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }
}
