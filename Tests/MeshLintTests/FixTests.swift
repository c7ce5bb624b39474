import Foundation
import XCTest
@testable import MeshLint

/// Fixes on in-memory documents: the edits keep line endings, comments, flow style, quoting and
/// the other documents of a file; a fix that would break the YAML is refused.
final class FixTests: XCTestCase {
    func fix(_ path: String, _ text: String, only: [String]? = nil) throws -> (text: String, result: FixResult) {
        let result = try Linter(only: only).fix(documents: [(path: path, text: text)])
        let fixed = result.files.first { $0.path == path }.map { String(decoding: $0.fixed, as: UTF8.self) } ?? text
        return (fixed, result)
    }

    func testMissingLabelIsAddedToABlockMappingKeepingCRLF() throws {
        let text = [
            "apiVersion: v1", "kind: Secret", "metadata:", "    name: istio-remote-secret-west",
            "    namespace: istio-system", "    labels:", "        app: istio", "stringData:", "    west: x", "",
        ].joined(separator: "\r\n")
        let (fixed, result) = try fix("east/secret.yaml", text, only: ["MC201"])
        XCTAssertEqual(fixed, [
            "apiVersion: v1", "kind: Secret", "metadata:", "    name: istio-remote-secret-west",
            "    namespace: istio-system", "    labels:", "        app: istio", "        istio/multiCluster: \"true\"",
            "stringData:", "    west: x", "",
        ].joined(separator: "\r\n"))
        XCTAssertFalse(fixed.utf8.enumerated().contains { i, b in b == 0x0A && Array(fixed.utf8)[i - 1] != 0x0D }, "a bare LF crept in")
        XCTAssertEqual(result.report.findings.filter { $0.rule == "MC201" }, [])
        XCTAssertEqual(result.applied.count, 1)
    }

    func testQuotingKeepsTheCommentNextToTheValue() throws {
        let text = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-west
              namespace: istio-system
              labels:
                istio/multiCluster: true   # istiod selects on this
                # a comment line below
            """
        let (fixed, result) = try fix("east/secret.yaml", text)
        XCTAssertTrue(fixed.contains("    istio/multiCluster: \"true\"   # istiod selects on this\n    # a comment line below"), fixed)
        XCTAssertEqual(result.report.findings.filter { $0.rule == "MC003" || $0.rule == "MC201" }, [])
        // The file quoted nothing; single-quoted files get single quotes.
        let single = try fix("east/secret.yaml", text.replacingOccurrences(of: "name: istio-remote-secret-west", with: "name: 'istio-remote-secret-west'"))
        XCTAssertTrue(single.text.contains("istio/multiCluster: 'true'   #"), single.text)
    }

    func testFlowMappingGetsTheLabelInline() throws {
        let text = """
            apiVersion: v1
            kind: Secret
            metadata: {name: istio-remote-secret-west, namespace: istio-system, labels: {app: istio}}
            """
        let (fixed, _) = try fix("east/secret.yaml", text, only: ["MC201"])
        XCTAssertEqual(fixed, text.replacingOccurrences(of: "{app: istio}", with: "{app: istio, istio/multiCluster: \"true\"}"))
    }

    func testMultiDocumentFileStaysIntact() throws {
        let text = """
            # remote secrets
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: a
              namespace: istio-system
            data:
              x: "1"
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-west
              namespace: istio-system
            stringData:
              west: x
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: b
              namespace: istio-system

            """
        let (fixed, result) = try fix("east/all.yaml", text, only: ["MC201"])
        XCTAssertEqual(fixed, text.replacingOccurrences(of: "  namespace: istio-system\nstringData:",
                                                        with: "  namespace: istio-system\n  labels:\n    istio/multiCluster: \"true\"\nstringData:"))
        XCTAssertEqual(YAMLParser.parse(bytes: Array(fixed.utf8), path: "x").documents.count, 3)
        XCTAssertEqual(result.report.findings.filter { $0.rule == "MC201" }, [])
    }

    func testFixesAreIdempotent() throws {
        let text = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-west
              namespace: istio-system
              labels: {}
            """
        let once = try fix("east/secret.yaml", text)
        XCTAssertTrue(once.text.contains("labels: {istio/multiCluster: \"true\"}"), once.text)
        let twice = try fix("east/secret.yaml", once.text)
        XCTAssertEqual(twice.result.files.count, 0)
        XCTAssertEqual(twice.text, once.text)
    }

    func testFindingsCarryTheirFixInJSONAndSARIF() throws {
        let report = try Linter(only: ["MC003"]).lint(documents: [(path: "east/secret.yaml", text: """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-west
              namespace: istio-system
              labels:
                istio/multiCluster: true
            """)])
        let f = try XCTUnwrap(report.findings.first)
        let fix = try XCTUnwrap(f.fix)
        XCTAssertEqual(fix.edits, [TextEdit(file: "east/secret.yaml", startOffset: 131, endOffset: 135, startLine: 7, startColumn: 25,
                                            endLine: 7, endColumn: 29, replacement: "\"true\"")])
        let json = JSONReporter.render(report)
        XCTAssertTrue(json.contains("\"replacement\": \"\\\"true\\\"\""), json)
        let sarif = SARIFReporter.render(report)
        XCTAssertTrue(sarif.contains("\"artifactChanges\""), sarif)
        XCTAssertTrue(sarif.contains("\"byteOffset\": 131"), sarif)
        XCTAssertTrue(TextReporter.render(report).contains("fix available: Quote the value"))
    }

    func testAFixThatWouldBreakTheYAMLIsRefused() {
        let text = Array("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n".utf8)
        let source = SourceText(path: "east/cm.yaml", bytes: text)
        let bad = Fix(title: "break it", edits: [source.edit(42..<43, "\"a")])
        let outside = Fix(title: "elsewhere", edits: [TextEdit(file: "west/other.yaml", startOffset: 0, endOffset: 0, startLine: 1,
                                                               startColumn: 1, endLine: 1, endColumn: 1, replacement: "x")])
        let result = Fixes.apply([bad, outside], to: ["east/cm.yaml": text])
        XCTAssertEqual(result.texts["east/cm.yaml"], text)
        XCTAssertEqual(result.applied, [])
        XCTAssertEqual(result.refused.map(\.file), ["east/cm.yaml", "west/other.yaml"])
        XCTAssertTrue(result.refused[0].description.contains("would no longer parse"), result.refused[0].description)
        XCTAssertTrue(result.refused[1].reason.contains("not part of the set"))
    }

    func testOverlappingFixesWaitForTheNextPass() {
        let text = Array("a: 1\n".utf8)
        let source = SourceText(path: "f.yaml", bytes: text)
        let one = Fix(title: "one", edits: [source.edit(3..<4, "2")])
        let two = Fix(title: "two", edits: [source.edit(3..<4, "3")])
        let result = Fixes.apply([one, two], to: ["f.yaml": text])
        XCTAssertEqual(result.applied, [one])
        XCTAssertEqual(result.deferred, [two])
        XCTAssertEqual(String(decoding: result.texts["f.yaml"]!, as: UTF8.self), "a: 2\n")
    }

    func testSourceTextConvertsCharacterColumnsToBytes() {
        let s = SourceText(path: "f", bytes: Array("k: é\r\nnext: ü x\n".utf8))
        XCTAssertEqual(s.offset(line: 2, column: 7), 13)   // "ü" is two bytes
        XCTAssertEqual(s.offset(line: 2, column: 9), 16)
        XCTAssertEqual(s.position(of: 16), SourcePosition(line: 2, column: 9))
        XCTAssertEqual(s.lineBreak, "\r\n")
    }

    func testUnifiedDiffOfInsertedAndReplacedLines() {
        let a = Array("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl".utf8)
        let b = Array("a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm".utf8)
        XCTAssertEqual(UnifiedDiff.render(path: "f.yaml", a, b), """
            --- a/f.yaml
            +++ b/f.yaml
            @@ -1,5 +1,5 @@
             a
            -b
            +B
             c
             d
             e
            @@ -9,4 +9,5 @@
             i
             j
             k
            -l
            \\ No newline at end of file
            +l
            +m
            \\ No newline at end of file

            """)
        XCTAssertEqual(UnifiedDiff.render(path: "f.yaml", a, a), "")
    }

    /// A rule whose fix never repairs its finding: appends to a list every time.
    struct NeverSatisfied: FixProvider {
        let code = "MC999"
        let reads: Set<String> = ["ConfigMap"]
        func check(_ context: RuleContext) -> [Finding] { context.set.resources.map { context.finding("x", resource: $0) } }
        func fix(for finding: Finding, in context: RuleContext) -> Fix? {
            guard let r = context.resource(of: finding), var b = FixBuilder(r.root, sources: context.sources) else { return nil }
            b.append(.string("more"), toSequenceAt: ["list"])
            return b.fix("Append more")
        }
    }

    func testAFixThatDoesNotRepairItsFindingIsNotRepeated() throws {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nlist:\n- one\n"
        let result = try Linter(rules: [NeverSatisfied()]).fix(documents: [(path: "east/a.yaml", text: text)])
        XCTAssertEqual(result.files.map { String(decoding: $0.fixed, as: UTF8.self) }, [text + "- more\n"])
        XCTAssertEqual(result.refused.count, 1)
        XCTAssertTrue(result.refused[0].reason.contains("not applied again"), result.refused[0].reason)
    }

    func testFixesApplyToInMemoryDocuments() throws {
        let docs = [(path: "east/secret.yaml", text: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: istio-remote-secret-west\n  namespace: istio-system\n  labels: {istio/multiCluster: yes}\n")]
        let report = try Linter(only: ["MC003"]).lint(documents: docs)
        let (fixed, application) = Fixes.apply(report.findings.compactMap(\.fix), to: docs)
        XCTAssertEqual(application.applied.count, 1)
        XCTAssertEqual(fixed[0].text, docs[0].text.replacingOccurrences(of: ": yes}", with: ": \"yes\"}"))
    }
}
