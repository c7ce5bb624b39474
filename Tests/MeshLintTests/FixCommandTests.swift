import Foundation
import XCTest

/// `meshlint fix` as a user runs it: `--diff` and `--dry-run` write nothing, a plain run writes
/// the fixed files and reports what is left, a second run changes nothing, `--select` limits
/// the rules, and an unknown rule is a usage error.
final class FixCommandTests: XCTestCase {
    static let secret = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-west   # written by hand
          namespace: istio-system
          labels:
            istio/multiCluster: true

        """

    func testFixWritesOnlyWithoutDiffOrDryRun() throws {
        let set = TempSet()
        set.write("east/secret.yaml", Self.secret)
        set.write("west/notes.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes, namespace: default}\n")

        let diff = try CLI.run(["fix", set.path, "--diff"])
        XCTAssertEqual(diff.stdout, """
            --- a/east/secret.yaml
            +++ b/east/secret.yaml
            @@ -4,4 +4,4 @@
               name: istio-remote-secret-west   # written by hand
               namespace: istio-system
               labels:
            -    istio/multiCluster: true
            +    istio/multiCluster: "true"

            """)
        XCTAssertTrue(diff.stderr.contains("would fix 1 finding in 1 file: east/secret.yaml"), diff.stderr)
        XCTAssertEqual(diff.status, 0)
        XCTAssertEqual(set.read("east/secret.yaml"), Self.secret)

        let dry = try CLI.run(["fix", set.path, "--dry-run"])
        XCTAssertEqual(set.read("east/secret.yaml"), Self.secret)
        XCTAssertTrue(dry.stdout.contains("0 errors"), dry.stdout)

        let run = try CLI.run(["fix", set.path])
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertTrue(run.stderr.contains("fixed 1 finding in 1 file"), run.stderr)
        XCTAssertEqual(set.read("east/secret.yaml"), Self.secret.replacingOccurrences(of: ": true", with: ": \"true\""))
        XCTAssertEqual(try CLI.run(["lint", set.path]).status, 0)

        let again = try CLI.run(["fix", set.path])
        XCTAssertTrue(again.stderr.contains("fixed 0 findings in 0 files"), again.stderr)
        XCTAssertEqual(set.read("east/secret.yaml"), Self.secret.replacingOccurrences(of: ": true", with: ": \"true\""))
    }

    func testSelectLimitsTheRulesFixed() throws {
        let set = TempSet()
        set.write("east/secret.yaml", Self.secret)
        let other = try CLI.run(["fix", set.path, "--select", "MC401", "--format", "json"])
        XCTAssertEqual(set.read("east/secret.yaml"), Self.secret)
        XCTAssertTrue(other.stdout.contains("\"findings\": []"), other.stdout)
        let unknown = try CLI.run(["fix", set.path, "--select", "MC999"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("unknown rule"), unknown.stderr)
    }

    func testALinkedFileIsNotWrittenThrough() throws {
        // A link inside the set is read, but its fixes are written only to the file it names.
        let set = TempSet()
        set.write("real/secret.yaml", Self.secret)
        try FileManager.default.createDirectory(atPath: set.path + "/east", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: set.path + "/east/secret.yaml", withDestinationPath: "../real/secret.yaml")
        let run = try CLI.run(["fix", set.path])
        XCTAssertTrue(run.stderr.contains("east/secret.yaml: is a symbolic link"), run.stderr)
        XCTAssertTrue(run.stderr.contains("fixed 1 finding in 1 file: real/secret.yaml"), run.stderr)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: set.path + "/east/secret.yaml"), "../real/secret.yaml")
        XCTAssertEqual(set.read("real/secret.yaml"), Self.secret.replacingOccurrences(of: ": true", with: ": \"true\""))
    }

    func testALinkOutOfTheSetIsNeitherReadNorWritten() throws {
        let set = TempSet(), outside = TempSet()
        outside.write("secret.yaml", Self.secret)
        try FileManager.default.createDirectory(atPath: set.path + "/east", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: set.path + "/east/secret.yaml", withDestinationPath: outside.path + "/secret.yaml")
        let run = try CLI.run(["fix", set.path])
        XCTAssertTrue(run.stdout.contains("target is outside the config set's root"), run.stdout)
        XCTAssertTrue(run.stderr.contains("fixed 0 findings in 0 files"), run.stderr)
        XCTAssertEqual(run.status, 0)
        XCTAssertEqual(outside.read("secret.yaml"), Self.secret)
    }
}
