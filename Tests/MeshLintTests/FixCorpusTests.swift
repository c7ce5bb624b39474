import Foundation
import XCTest
@testable import MeshLint

/// `meshlint fix` over every Corpus/ set, on a copy: the diff matches the set's golden
/// `expected-fix.diff`, every finding that had a fix is gone, no finding is added, correct sets
/// are left alone and a second run changes nothing.
///
/// After an intended change: `MESHLINT_UPDATE_GOLDEN=1 swift test --filter FixCorpusTests`,
/// then read the diffs.
final class FixCorpusTests: XCTestCase {
    static let goldenName = "expected-fix.diff"

    /// What identifies a finding across edits that move lines.
    static func key(_ f: Finding) -> String {
        "\(f.rule)|\(f.cluster ?? "-")|\(f.file)|\(f.resource.map { "\($0.kind)/\($0.namespace ?? "")/\($0.name)" } ?? "-")|\(f.fieldPath ?? f.message)"
    }

    /// A copy of a corpus set in a scratch directory.
    func copy(_ dir: URL) throws -> TempSet {
        let tmp = TempSet()
        let fm = FileManager.default
        for rel in fm.enumerator(atPath: dir.path)?.allObjects as? [String] ?? [] {
            var isDir: ObjCBool = false
            let src = dir.appendingPathComponent(rel).path
            guard fm.fileExists(atPath: src, isDirectory: &isDir), !isDir.boolValue else { continue }
            let dst = tmp.path + "/" + rel
            try fm.createDirectory(atPath: (dst as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try fm.copyItem(atPath: src, toPath: dst)
        }
        return tmp
    }

    func testFixEveryCorpusSet() throws {
        let update = ProcessInfo.processInfo.environment["MESHLINT_UPDATE_GOLDEN"] == "1"
        var fixedSomething = false
        for dir in CorpusTests.sets {
            let name = dir.lastPathComponent
            let tmp = try copy(dir)
            let before = try CorpusTests.linter().lint(paths: [tmp.path])
            let result = try CorpusTests.linter().fix(paths: [tmp.path])
            XCTAssertEqual(result.refused, [], "Corpus/\(name): refused fixes")

            // Only the intended lines: the diff is the golden one.
            let golden = dir.appendingPathComponent(Self.goldenName)
            if name.hasSuffix("-ok") {
                XCTAssertEqual(result.diff, "", "Corpus/\(name) is correct; fix must change nothing")
            } else if update {
                // A missing golden reads as the empty diff: do not create empty files in sets
                // without fixes (an existing one is kept, and emptied when its fixes went away).
                if !result.diff.isEmpty || FileManager.default.fileExists(atPath: golden.path) {
                    try result.diff.write(to: golden, atomically: true, encoding: .utf8)
                }
            } else {
                let expected = (try? String(contentsOf: golden, encoding: .utf8)) ?? ""
                XCTAssertEqual(result.diff, expected, "Corpus/\(name): fix diff differs from \(Self.goldenName) (MESHLINT_UPDATE_GOLDEN=1 swift test --filter FixCorpusTests)")
            }
            fixedSomething = fixedSomething || !result.files.isEmpty

            // Every finding with a fix is gone and none is added.
            let after = Set(result.report.findings.map(Self.key))
            for f in before.findings where f.fix != nil {
                XCTAssertFalse(after.contains(Self.key(f)), "Corpus/\(name): \(f.rule) at \(f.file):\(f.line) still reported after its fix")
            }
            let old = Set(before.findings.map(Self.key))
            for f in result.report.findings {
                XCTAssertTrue(old.contains(Self.key(f)), "Corpus/\(name): fix added \(f.rule) at \(f.file):\(f.line): \(f.message)")
            }
            XCTAssertFalse(result.report.findings.contains { $0.fix != nil }, "Corpus/\(name): fixable findings left")

            // Written to disk, a second run changes nothing.
            for f in result.files { try Data(f.fixed).write(to: URL(fileURLWithPath: f.location!)) }
            let again = try CorpusTests.linter().fix(paths: [tmp.path])
            XCTAssertEqual(again.files.count, 0, "Corpus/\(name): a second fix run changed \(again.files.map(\.path))")
            XCTAssertEqual(Set(again.report.findings.map(Self.key)), after)
        }
        XCTAssertTrue(fixedSomething, "no corpus set was fixed at all")
    }
}
