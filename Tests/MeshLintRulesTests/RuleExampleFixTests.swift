import XCTest
@testable import MeshLint

/// Applies the fixes of every rule to every triggering example of `Rules/` (as written and
/// with CRLF line endings): nothing is refused, every finding with a fix goes away, no finding
/// is added, line endings stay, and a second run changes nothing.
final class RuleExampleFixTests: XCTestCase {
    func key(_ f: Finding) -> String { "\(f.rule)|\(f.cluster ?? "-")|\(f.file)|\(f.fieldPath ?? f.message)" }

    func testFixesOfEveryTriggeringExample() throws {
        var fixedRules = Set<String>()
        for d in RuleCatalog.docs {
            for (i, ex) in d.triggering.enumerated() {
                let clean = ex.files.mapValues { RuleExamplesTests.stripMarkers($0, file: "").0 }
                for crlf in [false, true] {
                    let files = crlf ? clean.mapValues { $0.replacingOccurrences(of: "\n", with: "\r\n") } : clean
                    let label = "\(d.code) triggering example \(i + 1)\(crlf ? " [CRLF]" : "")"
                    let linter = try Linter(only: [d.code])
                    let options = LoadOptions(manifestPath: ex.manifest, parallel: false)
                    let docs = files.sorted { $0.key < $1.key }.map { (path: $0.key, text: $0.value) }
                    let before = linter.lint(documents: docs, options: options)
                    let result = linter.fix(documents: docs, options: options)
                    XCTAssertEqual(result.refused, [], label)
                    let after = Set(result.report.findings.map(key))
                    for f in before.findings where f.fix != nil {
                        fixedRules.insert(f.rule)
                        XCTAssertFalse(after.contains(key(f)), "\(label): \(f.file):\(f.line) still reported after its fix")
                    }
                    let old = Set(before.findings.map(key))
                    for f in result.report.findings { XCTAssertTrue(old.contains(key(f)), "\(label): fix added \(f.message)") }
                    for file in result.files {
                        let text = String(decoding: file.fixed, as: UTF8.self)
                        if crlf {
                            XCTAssertEqual(text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), false, "\(label): bare LF in \(file.path)")
                        }
                        XCTAssertEqual(YAMLParser.parse(bytes: file.fixed, path: file.path).documents.count,
                                       YAMLParser.parse(bytes: file.original, path: file.path).documents.count, label)
                    }
                    var fixedDocs = docs
                    for file in result.files {
                        let j = fixedDocs.firstIndex { $0.path == file.path }!
                        fixedDocs[j].text = String(decoding: file.fixed, as: UTF8.self)
                    }
                    XCTAssertEqual(linter.fix(documents: fixedDocs, options: options).files.count, 0, "\(label): second run changed files")
                }
            }
        }
        // Rules whose own examples exercise their fix.
        for code in ["MC003", "MC201", "MC302", "MC401", "MC501", "MC502", "MC601", "MC603"] {
            XCTAssertTrue(fixedRules.contains(code), "no \(code) example has a fix")
        }
    }
}
