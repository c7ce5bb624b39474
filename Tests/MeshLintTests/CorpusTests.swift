import Foundation
import XCTest
@testable import MeshLint

/// Runs meshlint on every config set under `Corpus/` and compares with the set's golden file
/// `expected-findings.txt` (one line per finding: rule, severity, cluster, file:line:column).
///
/// After an intended change, regenerate every golden file with
/// `MESHLINT_UPDATE_GOLDEN=1 swift test --filter CorpusTests` and review the diff.
final class CorpusTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = packageRoot.appendingPathComponent("Corpus")
    static let goldenName = "expected-findings.txt"

    static var sets: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return names.sorted().map { corpus.appendingPathComponent($0) }.filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDir) && isDir.boolValue
        }
    }

    /// The golden lines for a report.
    static func lines(_ report: LintReport) -> [String] {
        report.findings.map { f in
            "\(f.rule) \(f.severity.rawValue) \(f.cluster ?? "-") \(f.file):\(f.line):\(f.column)"
        }
    }

    static func golden(for report: LintReport, set: String) -> String {
        var out = "# Golden findings for Corpus/\(set): rule severity cluster file:line:column\n"
        out += "# Regenerate: MESHLINT_UPDATE_GOLDEN=1 swift test --filter CorpusTests\n"
        for l in lines(report) { out += l + "\n" }
        return out
    }

    /// The reference time every set is linted at (certificate expiry, MC307), so that the goldens
    /// do not change as the calendar moves: `meshlint lint --now 2026-12-01T00:00:00Z Corpus/<set>`
    /// prints what the golden file records.
    static let referenceTime = ISO8601DateFormatter().date(from: "2026-12-01T00:00:00Z")!

    /// A linter that judges certificate expiry at ``referenceTime``.
    static func linter() throws -> Linter {
        var linter = try Linter()
        linter.now = referenceTime
        return linter
    }

    func lint(_ dir: URL) throws -> LintReport {
        try Self.linter().lint(paths: [dir.path])
    }

    func testCorpusHasSets() {
        XCTAssertGreaterThanOrEqual(Self.sets.count, 12, "Corpus/ should hold at least 12 config sets")
    }

    func testEverySetMatchesItsGoldenFile() throws {
        let update = ProcessInfo.processInfo.environment["MESHLINT_UPDATE_GOLDEN"] == "1"
        for dir in Self.sets {
            let name = dir.lastPathComponent
            let report = try lint(dir)
            let goldenURL = dir.appendingPathComponent(Self.goldenName)
            let actual = Self.golden(for: report, set: name)
            if update {
                try actual.write(to: goldenURL, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOf: goldenURL, encoding: .utf8) else {
                XCTFail("Corpus/\(name) has no \(Self.goldenName); run MESHLINT_UPDATE_GOLDEN=1 swift test --filter CorpusTests")
                continue
            }
            if expected != actual {
                let want = expected.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init)
                let got = Self.lines(report)
                let missing = want.filter { !got.contains($0) }
                let unexpected = got.filter { !want.contains($0) }
                var msg = "Corpus/\(name) differs from \(Self.goldenName):\n"
                for m in missing { msg += "  - missing:    \(m)\n" }
                for u in unexpected {
                    let f = report.findings.first { Self.lines(LintReport(set: report.set, graph: report.graph, findings: [$0])).first == u }
                    msg += "  + unexpected: \(u)\(f.map { "  (\($0.message))" } ?? "")\n"
                }
                if missing.isEmpty && unexpected.isEmpty { msg += "  (same findings, different order or header)\n" }
                msg += "If the change is intended: MESHLINT_UPDATE_GOLDEN=1 swift test --filter CorpusTests"
                XCTFail(msg)
            }
        }
    }

    /// Golden files are regenerated mechanically; EXPECTED.md is the human statement of what
    /// each set is meant to show (`- MC401 error cluster=east file=east/se.yaml:14 — why`).
    /// Both must agree on rule, severity, cluster, file and line.
    func testFindingsMatchTheIntentWrittenInExpectedMd() throws {
        let pattern = try NSRegularExpression(pattern: #"^- (MC\d+) (\w+) cluster=(\S+) file=(\S+?):(\d+)"#, options: [.anchorsMatchLines])
        for dir in Self.sets {
            guard let text = try? String(contentsOf: dir.appendingPathComponent("EXPECTED.md"), encoding: .utf8) else {
                XCTFail("Corpus/\(dir.lastPathComponent) has no EXPECTED.md")
                continue
            }
            let ns = text as NSString
            let intended = Set(pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { m in
                (1...5).map { ns.substring(with: m.range(at: $0)) }.joined(separator: " ")
            })
            let actual = Set(try lint(dir).findings.map { "\($0.rule) \($0.severity.rawValue) \($0.cluster ?? "-") \($0.file) \($0.line)" })
            XCTAssertEqual(actual, intended, "Corpus/\(dir.lastPathComponent): findings differ from EXPECTED.md")
        }
    }

    func testCorrectSetsHaveNoErrors() throws {
        for dir in Self.sets where dir.lastPathComponent.hasSuffix("-ok") {
            let errors = try lint(dir).findings.filter { $0.severity == .error }
            XCTAssertEqual(errors.count, 0, "Corpus/\(dir.lastPathComponent) is meant to be correct but has errors:\n"
                           + errors.map { "  \($0.file):\($0.line):\($0.column) \($0.rule) \($0.message)" }.joined(separator: "\n"))
        }
    }

    /// Sets assembled from the current official install pages (`official-*`) must not get an
    /// error or a warning: a linter that flags the documented install path gets uninstalled.
    func testOfficialSetsHaveNoErrorsOrWarnings() throws {
        for dir in Self.sets where dir.lastPathComponent.hasPrefix("official-") && !dir.lastPathComponent.hasSuffix("-broken") {
            let bad = try lint(dir).findings.filter { $0.severity == .error || $0.severity == .warning }
            XCTAssertEqual(bad.count, 0, "Corpus/\(dir.lastPathComponent) follows the official docs but has findings:\n"
                           + bad.map { "  \($0.file):\($0.line):\($0.column) \($0.rule) \($0.message)" }.joined(separator: "\n"))
        }
    }

    func testBrokenSetsHaveErrors() throws {
        for dir in Self.sets where dir.lastPathComponent.hasSuffix("-broken") || dir.lastPathComponent.hasSuffix("-problems") {
            let errors = try lint(dir).findings.filter { $0.severity == .error }
            XCTAssertGreaterThan(errors.count, 0, "Corpus/\(dir.lastPathComponent) is meant to be broken but lints clean")
        }
    }

    func testEveryRuleFiresInSomeCorpusSet() throws {
        var fired = Set<String>()
        for dir in Self.sets { fired.formUnion(try lint(dir).findings.map(\.rule)) }
        for rule in BuiltinRules.all {
            XCTAssertTrue(fired.contains(rule.code), "\(rule.code) fires in no Corpus/ set; add a set (or a file to one) that shows it")
        }
    }

    func testJSONOutputIsDeterministic() throws {
        guard let dir = Self.sets.first else { return }
        let a = JSONReporter.render(try lint(dir))
        let b = JSONReporter.render(try lint(dir))
        XCTAssertEqual(a, b)
    }
}
