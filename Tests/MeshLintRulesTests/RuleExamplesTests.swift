import XCTest
@testable import MeshLint

/// Runs every example of every `Rules/` file: triggering examples must produce exactly the
/// marked findings (file:line:column), passing ones none — also after CRLF conversion, an
/// extra leading comment, and (for passing examples) splitting multi-document files.
final class RuleExamplesTests: XCTestCase {
    struct Expected: Hashable, CustomStringConvertible {
        let file: String
        let line: Int
        let column: Int
        var description: String { "\(file):\(line):\(column)" }
    }

    /// Removes `↓` markers, returning clean text and the marked positions.
    static func stripMarkers(_ text: String, file: String) -> (String, [Expected]) {
        var clean = ""
        var marks: [Expected] = []
        var line = 1, col = 1
        for ch in text.unicodeScalars {
            if ch == "↓" {
                marks.append(Expected(file: file, line: line, column: col))
                continue
            }
            clean.unicodeScalars.append(ch)
            if ch == "\n" { line += 1; col = 1 } else { col += 1 }
        }
        return (clean, marks)
    }

    /// Examples are judged at this time (certificate expiry, MC307), as the corpus is.
    static let referenceTime = ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z")!

    func run(_ doc: RuleDoc, _ files: [String: String], manifest: String?) -> [Finding] {
        var linter = try! Linter(only: [doc.code])
        linter.now = Self.referenceTime
        let set = ConfigSetLoader(options: LoadOptions(manifestPath: manifest, parallel: false))
            .load(documents: files.map { ($0.key, $0.value) })
        return linter.lint(set).findings.filter { $0.rule == doc.code }
    }

    func testEmbeddedDocsParse() {
        XCTAssertEqual(RuleCatalog.errors, [])
        XCTAssertFalse(RuleCatalog.docs.isEmpty)
    }

    /// A lint run resolves names and severities from the entries the build read off each
    /// file's top lines, never parsing the documents: they must say what the documents say.
    func testEntriesAreTheDocumentsCodesNamesAndSeverities() {
        let fromDocs = RuleCatalog.docs.map { RuleDescriptor(code: $0.code, name: $0.name, severity: $0.severity) }
        XCTAssertEqual(RuleCatalog.entries, fromDocs)
        XCTAssertEqual(RuleCatalog.entries.count, RuleCatalog.sources.count)
        XCTAssertEqual(RuleBook.builtin.entries, fromDocs)
        XCTAssertEqual(RuleBook.builtin.docs.map(\.code), fromDocs.map(\.code))
        XCTAssertEqual(RuleCatalog.entry("CROSS-CLUSTER-PORT")?.code, RuleCatalog.doc("cross-cluster-port")?.code)
        XCTAssertEqual(RuleBook(docs: Array(RuleCatalog.docs.reversed())).entries, fromDocs)
    }

    func testEveryRuleHasExamplesOfEachKind() {
        for d in RuleCatalog.docs {
            XCTAssertFalse(d.triggering.isEmpty, "\(d.code) has no triggering example")
            XCTAssertFalse(d.passing.isEmpty, "\(d.code) has no passing example")
        }
    }

    func testTriggeringExamples() {
        for d in RuleCatalog.docs {
            for (i, ex) in d.triggering.enumerated() {
                var files: [String: String] = [:]
                var expected: [Expected] = []
                for (path, text) in ex.files {
                    let (clean, marks) = Self.stripMarkers(text, file: path)
                    files[path] = clean
                    expected += marks
                }
                XCTAssertFalse(expected.isEmpty, "\(d.code) triggering example \(i + 1) has no ↓ marker")
                let label = "\(d.code) triggering example \(i + 1) (\(ex.description))"
                check(d, files, manifest: ex.manifest, expected: expected, label: label)
                // Variation: CRLF line endings keep every position.
                check(d, files.mapValues { $0.replacingOccurrences(of: "\n", with: "\r\n") }, manifest: ex.manifest,
                      expected: expected, label: label + " [CRLF]")
                // Variation: a leading comment line shifts every position down by one.
                if d.code != "MC004" {
                    check(d, files.mapValues { "# reviewed by the platform team\n" + $0 }, manifest: ex.manifest,
                          expected: expected.map { Expected(file: $0.file, line: $0.line + 1, column: $0.column) },
                          label: label + " [leading comment]")
                }
            }
        }
    }

    func check(_ d: RuleDoc, _ files: [String: String], manifest: String?, expected: [Expected], label: String) {
        let got = run(d, files, manifest: manifest)
        let gotPositions = got.map { Expected(file: $0.file, line: $0.line, column: $0.column) }
        XCTAssertEqual(Set(gotPositions), Set(expected),
                       "\(label): expected findings at \(expected.sorted { $0.description < $1.description }), got:\n"
                       + got.map { "  \($0.file):\($0.line):\($0.column) \($0.message)" }.joined(separator: "\n"))
        XCTAssertEqual(gotPositions.count, Set(gotPositions).count, "\(label): duplicate findings \(gotPositions)")
        for f in got {
            XCTAssertFalse(f.message.isEmpty, label)
            XCTAssertEqual(f.name, d.name, label)
        }
    }

    func testPassingExamples() {
        for d in RuleCatalog.docs {
            for (i, ex) in d.passing.enumerated() {
                let label = "\(d.code) passing example \(i + 1) (\(ex.description))"
                let variants: [(String, [String: String])] = [
                    ("", ex.files),
                    (" [CRLF]", ex.files.mapValues { $0.replacingOccurrences(of: "\n", with: "\r\n") }),
                    (" [leading comment]", ex.files.mapValues { "# reviewed\n" + $0 }),
                    (" [split documents]", Self.split(ex.files)),
                ]
                for (suffix, files) in variants {
                    let got = run(d, files, manifest: ex.manifest)
                    XCTAssertEqual(got.count, 0, "\(label)\(suffix) produced findings:\n"
                                   + got.map { "  \($0.file):\($0.line):\($0.column) \($0.message)" }.joined(separator: "\n"))
                }
            }
        }
    }

    /// Every document of a multi-document file in a file of its own, next to the original.
    static func split(_ files: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for (path, text) in files {
            let docs = text.components(separatedBy: "\n---\n")
            guard docs.count > 1, path != "meshlint.yaml" else { out[path] = text; continue }
            let base = path.hasSuffix(".yaml") ? String(path.dropLast(5)) : path
            for (i, doc) in docs.enumerated() { out["\(base)-part\(i).yaml"] = doc }
        }
        return out
    }
}
