import Foundation
import XCTest
import MeshLint

/// Issue 9: a directory meshlint cannot read is an error of the run, not a note, so that
/// `--fail-on error` cannot pass a run that did not check part of the set.
final class UnreadableInputTests: XCTestCase {
    func testUnreadableDirectoryIsAnErrorFindingOfItsCluster() throws {
        let set = TempSet()
        set.write("east/a.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n")
        set.write("west/b.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: b}\n")
        set.write("west/locked/c.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: c}\n")
        chmod(set.path + "/west/locked", 0)
        defer { chmod(set.path + "/west/locked", 0o755) }
        // Root reads every directory whatever its mode: lint as an unprivileged user.
        var report: LintReport?
        if getuid() == 0 {
            chmod(set.path, 0o755)
            guard seteuid(65534) == 0 else { throw XCTSkip("cannot drop privileges to test permission errors") }
            defer { _ = seteuid(0) }
            report = try Linter().lint(paths: [set.path])
        } else {
            report = try Linter().lint(paths: [set.path])
        }
        let r = try XCTUnwrap(report)
        let f = try XCTUnwrap(r.findings.first { $0.file == "west/locked" }, "\(r.findings.map(\.message))")
        XCTAssertEqual(f.rule, "MC001")
        XCTAssertEqual(f.severity, .error)
        XCTAssertEqual(f.cluster, "west")
        XCTAssertTrue(f.message.contains("cannot read directory west/locked"), f.message)
        XCTAssertTrue(r.fails(at: .error))
        XCTAssertEqual(r.set.resources.map(\.name), ["a", "b"], "the rest of the set is still checked")
    }
}
