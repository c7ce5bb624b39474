import XCTest
import MeshLint

/// The README's "Use as a library" example, compiled and run; a second test checks that the
/// README shows exactly this code.
final class LibraryExampleTests: XCTestCase {
    func testReadmeExampleRuns() throws {
        // README:begin
        let linter = try Linter(only: ["duplicate-key", "MC003"])    // all rules when `only` is nil
        let report = linter.lint(documents: [                       // or: try linter.lint(paths: ["mesh"])
            (path: "east/remote-secret.yaml", text: """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: istio-remote-secret-west
                  namespace: istio-system
                  labels:
                    istio/multiCluster: true
                """),
        ])
        for finding in report.findings {
            print("\(finding.file):\(finding.line):\(finding.column): \(finding.rule) \(finding.message)")
        }
        let sarif = OutputFormat.sarif.render(report)               // .text, .json, .sarif, .github
        let baseline = Baseline(report: report)                     // record today's findings…
        let newFindings = baseline.apply(to: report).findings       // …and report only new ones later
        // README:end

        XCTAssertEqual(report.findings.map { "\($0.file):\($0.line):\($0.column) \($0.rule)" },
                       ["east/remote-secret.yaml:7:25 MC003"])
        XCTAssertTrue(sarif.contains("\"ruleId\": \"MC003\""))
        XCTAssertEqual(baseline.count, 1)
        XCTAssertEqual(newFindings, [])
    }

    /// Lines strictly between the two lines containing `begin` and `end`, without their common indentation.
    static func block(_ text: String, from begin: String, to end: String) -> [String] {
        let lines = text.components(separatedBy: "\n")
        guard let b = lines.firstIndex(where: { $0.contains(begin) }),
              let e = lines[(b + 1)...].firstIndex(where: { $0.contains(end) }) else { return [] }
        let body = Array(lines[(b + 1)..<e])
        let indent = body.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return body.map { String($0.dropFirst(min(indent, $0.prefix { $0 == " " }.count))) }
    }

    func testReadmeShowsTheCodeThatRuns() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        var shown = Self.block(readme, from: "<!-- library-example:begin", to: "<!-- library-example:end")
        XCTAssertEqual(shown.first, "```swift")
        XCTAssertEqual(shown.last, "```")
        shown = Array(shown.dropFirst().dropLast())
        XCTAssertEqual(Array(shown.prefix(2)), ["import MeshLint", ""], "the README example starts with its import")
        let tested = Self.block(source, from: "// README:" + "begin", to: "// README:" + "end")
        XCTAssertFalse(tested.isEmpty)
        XCTAssertEqual(Array(shown.dropFirst(2)), tested,
                       "README.md's library example and LibraryExampleTests.testReadmeExampleRuns differ; update one from the other")
    }
}
