import XCTest
@testable import MeshLint

/// SARIF and GitHub workflow-command output, and the `OutputFormat` facade.
final class ReporterTests: XCTestCase {
    static let documents: [(path: String, text: String)] = [
        ("east/secret.yaml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-west
          namespace: istio-system
          annotations:
            meshlint.io/ignore: "MC03"
          labels:
            istio/multiCluster: true
        """),
        ("west/my gateway,v1.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: a
          name: a
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: b
          name: b
        """),
    ]

    func sarif(root: String = ".", configuration: LintConfiguration? = nil) throws -> [String: Any] {
        let set = ConfigSetLoader().load(documents: Self.documents, root: root)
        let report = try Linter(configuration: configuration).lint(set)
        let text = SARIFReporter.render(report)
        XCTAssertEqual(text, SARIFReporter.render(try Linter(configuration: configuration).lint(set)), "deterministic")
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    }

    func testSARIFRulesResultsAndLocations() throws {
        let log = try sarif(root: "mesh")
        XCTAssertEqual(log["version"] as? String, "2.1.0")
        let run = (log["runs"] as! [[String: Any]])[0]
        let driver = (run["tool"] as! [String: Any])["driver"] as! [String: Any]
        XCTAssertEqual(driver["name"] as? String, "meshlint")
        XCTAssertEqual(driver["version"] as? String, MeshLintVersion.version)
        XCTAssertNotNil(driver["informationUri"] as? String)
        let rules = driver["rules"] as! [[String: Any]]
        XCTAssertEqual(rules.map { $0["id"] as! String }, RuleCatalog.docs.map(\.code))
        let mc005 = rules.first { $0["id"] as? String == "MC005" }!
        XCTAssertEqual(mc005["name"] as? String, "unknown-suppression")
        XCTAssertEqual((mc005["shortDescription"] as! [String: Any])["text"] as? String, RuleCatalog.doc("MC005")!.summary)
        XCTAssertEqual((mc005["defaultConfiguration"] as! [String: Any])["level"] as? String, "warning")
        let help = mc005["help"] as! [String: String]
        XCTAssertTrue(help["text"]!.contains("Why it breaks traffic") && help["markdown"]!.contains("**How to fix**"))
        XCTAssertEqual(((rules.first { $0["id"] as? String == "MC004" }!)["defaultConfiguration"] as! [String: Any])["level"] as? String, "note")

        let results = run["results"] as! [[String: Any]]
        XCTAssertEqual(results.map { $0["ruleId"] as! String }, ["MC005", "MC003", "MC002", "MC002"])
        for r in results {
            XCTAssertEqual(rules[r["ruleIndex"] as! Int]["id"] as? String, r["ruleId"] as? String)
        }
        XCTAssertEqual(results.map { $0["level"] as! String }, ["warning", "error", "error", "error"])
        let loc = ((results[2]["locations"] as! [[String: Any]])[0]["physicalLocation"]) as! [String: Any]
        let artifact = loc["artifactLocation"] as! [String: String]
        XCTAssertEqual(artifact["uri"], "mesh/west/my%20gateway%2Cv1.yaml")
        XCTAssertEqual(artifact["uriBaseId"], "%SRCROOT%")
        XCTAssertEqual(loc["region"] as? [String: Int], ["startLine": 5, "startColumn": 3])
        let related = results[2]["relatedLocations"] as! [[String: Any]]
        XCTAssertEqual(related.count, 1)
        XCTAssertEqual(related[0]["id"] as? Int, 1)
        XCTAssertEqual((related[0]["message"] as! [String: String])["text"], "first occurrence of the key")
        let fps = results.map { ($0["partialFingerprints"] as! [String: String])["meshlintFingerprint/v1"]! }
        XCTAssertTrue(fps[2].hasSuffix(":1") && fps[3].hasSuffix(":2"), "\(fps)")
        XCTAssertEqual(fps[2].dropLast(2), fps[3].dropLast(2), "same finding twice in one file")
        XCTAssertEqual(Set(fps).count, fps.count)
        XCTAssertEqual((results[1]["properties"] as! [String: String])["cluster"], "east")
        let invocation = (run["invocations"] as! [[String: Any]])[0]
        XCTAssertEqual(invocation["executionSuccessful"] as? Bool, true)
    }

    func testSARIFLevelsFollowTheConfiguredSeverity() throws {
        let log = try sarif(configuration: try LintConfiguration(rules: ["MC003": .severity(.info)]))
        let results = ((log["runs"] as! [[String: Any]])[0]["results"]) as! [[String: Any]]
        XCTAssertEqual(results.first { $0["ruleId"] as? String == "MC003" }?["level"] as? String, "note")
        let loc = ((results[0]["locations"] as! [[String: Any]])[0]["physicalLocation"]) as! [String: Any]
        XCTAssertEqual((loc["artifactLocation"] as! [String: String])["uri"], "east/secret.yaml")
    }

    func testSARIFFailureDocument() throws {
        let text = try XCTUnwrap(OutputFormat.sarif.renderFailure(root: ".", error: "nope: no such file or directory"))
        let log = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let run = (log["runs"] as! [[String: Any]])[0]
        XCTAssertEqual((run["results"] as! [Any]).count, 0)
        let invocation = (run["invocations"] as! [[String: Any]])[0]
        XCTAssertEqual(invocation["executionSuccessful"] as? Bool, false)
        let note = (invocation["toolExecutionNotifications"] as! [[String: Any]])[0]
        XCTAssertEqual(note["level"] as? String, "error")
        XCTAssertEqual((note["message"] as! [String: String])["text"], "nope: no such file or directory")
        XCTAssertNil(OutputFormat.text.renderFailure(root: ".", error: "x"))
        XCTAssertNil(OutputFormat.github.renderFailure(root: ".", error: "x"))
        XCTAssertNotNil(OutputFormat.json.renderFailure(root: ".", error: "x"))
    }

    func testGitHubWorkflowCommands() throws {
        let set = ConfigSetLoader().load(documents: [])
        let f = Finding(rule: "MC401", name: "cross-cluster-port", severity: .error,
                        message: "endpoint port 80 is not 15443", cluster: nil, file: "east/se.yaml", line: 14, column: 9)
        XCTAssertEqual(GitHubReporter.render(LintReport(set: set, graph: MeshGraph(set: set), findings: [f])),
                       "::error file=east/se.yaml,line=14,col=9,title=MC401 cross-cluster-port::endpoint port 80 is not 15443\n")
        var g = f
        g.severity = .info
        g.file = "we st/a:b,c.yaml"
        g.message = "100% wrong\r\nreally"  // a line break in a value is shown, not sent (SPEC 7)
        g.cluster = "west"
        g.related = [RelatedLocation(cluster: "east", file: "east/gw.yaml", line: 3, column: 1, message: "the gateway")]
        XCTAssertEqual(GitHubReporter.render(LintReport(set: set, graph: MeshGraph(set: set), findings: [g])),
                       "::notice file=we st/a%3Ab%2Cc.yaml,line=14,col=9,title=MC401 cross-cluster-port::100%25 wrong\\r\\nreally (cluster west)%0Arelated: east/gw.yaml:3:1 (east): the gateway\n")
        g.severity = .warning
        XCTAssertTrue(GitHubReporter.render(LintReport(set: set, graph: MeshGraph(set: set), findings: [g])).hasPrefix("::warning "))
        let rooted = ConfigSetLoader().load(documents: [], root: "mesh")
        XCTAssertTrue(GitHubReporter.render(LintReport(set: rooted, graph: MeshGraph(set: rooted), findings: [f])).hasPrefix("::error file=mesh/east/se.yaml,"))
    }

    func testEveryFormatRenders() throws {
        let report = try Linter().lint(documents: Self.documents)
        for format in OutputFormat.allCases {
            XCTAssertFalse(format.render(report).isEmpty, format.rawValue)
            XCTAssertEqual(format.render(report), format.render(report), format.rawValue)
        }
        XCTAssertEqual(OutputFormat(rawValue: "sarif"), .sarif)
    }
}
