import Foundation
import XCTest
@testable import MeshLint

/// `--now` / `Linter.now`: the reference time of MC307 makes the same set give the same output
/// whatever the calendar says, and a bad value is a usage error.
final class ReferenceTimeTests: XCTestCase {
    static let set = CorpusTests.corpus.appendingPathComponent("secrets-broken").path

    func testTheCLIJudgesExpiryAtTheGivenTime() throws {
        guard FileManager.default.isExecutableFile(atPath: CLI.binary) else { throw XCTSkip("meshlint binary not built") }
        let before = try CLI.run(["lint", Self.set, "--select", "MC307", "--now", "2026-12-01T00:00:00Z"], in: CLI.packageRoot)
        XCTAssertEqual(before.status, 1)
        XCTAssertTrue(before.stdout.contains("expires on 2026-12-20, in 19 days"), before.stdout)
        // Two hours ahead in +02:00 is the same instant as 00:00Z: same output.
        let offset = try CLI.run(["lint", Self.set, "--select", "MC307", "--now", "2026-12-01T02:00:00+02:00"], in: CLI.packageRoot)
        XCTAssertEqual(offset.stdout, before.stdout)
        let lower = try CLI.run(["lint", Self.set, "--select", "MC307", "--now", "2026-12-01t00:00:00z"], in: CLI.packageRoot)
        XCTAssertEqual(lower.stdout, before.stdout)
        let after = try CLI.run(["lint", Self.set, "--select", "MC307", "--now", "2026-12-21T12:00:00.5Z"], in: CLI.packageRoot)
        XCTAssertTrue(after.stdout.contains("expired on 2026-12-20"), after.stdout)
        XCTAssertFalse(after.stdout.contains("warning:"), after.stdout)
        for bad in ["yesterday", "2026-12-01", "2026-13-01T00:00:00Z"] {
            let r = try CLI.run(["lint", Self.set, "--now", bad], in: CLI.packageRoot)
            XCTAssertEqual(r.status, 2, bad)
            XCTAssertTrue(r.stderr.contains("RFC 3339"), r.stderr)
            XCTAssertEqual(r.stdout, "", bad)
        }
    }

    func testTheLibrarySettingIsUnsetByDefaultAndApplies() throws {
        var linter = try Linter(only: ["MC307"])
        XCTAssertNil(linter.now)
        // Far in the future every certificate of the set has expired; today none of the
        // intermediates that are still valid in 2026-12 has (north's expired already).
        linter.now = ISO8601DateFormatter().date(from: "2040-01-01T00:00:00Z")!
        let future = try linter.lint(paths: [Self.set]).findings.filter { $0.message.contains("expired on") }
        XCTAssertEqual(future.count, 6, future.map(\.message).joined(separator: "\n"))
    }
}
