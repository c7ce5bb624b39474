import Foundation
import XCTest
@testable import MeshLint

/// `--rules DIR`: rule documents read from a directory replace the built-in ones.
final class RuleBookTests: XCTestCase {
    func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "meshlint-rules-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func testADocumentFromTheDirectoryChangesTheDefaultSeverity() throws {
        let dir = try tempDir()
        let original = RuleCatalog.sources.first { $0.path == "Rules/MC002.yaml" }!.text
        try original.replacingOccurrences(of: "severity: error", with: "severity: warning")
            .write(toFile: dir + "/MC002.yaml", atomically: true, encoding: .utf8)
        let book = try RuleBook.load(directory: dir)
        XCTAssertEqual(book.doc("MC002")?.severity, .warning)
        XCTAssertEqual(book.doc("MC001")?.severity, .error, "rules without a document in DIR keep the built-in one")
        XCTAssertEqual(book.docs.count, RuleBook.builtin.docs.count)

        let report = try Linter(ruleBook: book).lint(documents: [("east/a.yaml", "kind: Namespace\nmetadata:\n  name: a\n  name: b\n")])
        XCTAssertEqual(report.findings.filter { $0.rule == "MC002" }.map(\.severity), [.warning])
        XCTAssertTrue(SARIFReporter.render(report).contains("\"level\": \"warning\""))
    }

    func testUnknownCodesAndBrokenDocumentsAreErrors() throws {
        let dir = try tempDir()
        try "id: MC999\nname: no-such-rule\nseverity: error\nsummary: x\n".write(toFile: dir + "/MC999.yaml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RuleBook.load(directory: dir)) { e in
            XCTAssertTrue("\(e)".contains("no meshlint rule implements"), "\(e)")
        }
        try "id: MC001\nname: [broken\n".write(toFile: dir + "/MC999.yaml", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RuleBook.load(directory: dir))
        XCTAssertThrowsError(try RuleBook.load(directory: dir + "/missing"))
    }
}
