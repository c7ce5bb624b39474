import XCTest
@testable import MeshLint

/// `--only-changed` (pre-commit): the whole set is checked, only what the changed files are
/// involved in is reported.
final class OnlyChangedTests: XCTestCase {
    /// A rule of an embedder: a finding in west whose related location is east's file, as a
    /// cross-cluster rule reports a remote secret in one cluster that names the other.
    struct CrossClusterProbe: Rule {
        let code = "MC990"
        let reads: Set<String> = ["Secret"]

        func check(_ context: RuleContext) -> [Finding] {
            guard let west = context.set.resources.first(where: { $0.name == "istio-remote-secret-east" }),
                  let east = context.set.resources.first(where: { $0.name == "istio-reader" }) else { return [] }
            return [context.finding("the remote secret for east names a service account that east does not grant",
                                    resource: west, related: [context.related("the account in east", at: east.nameNode,
                                                                              cluster: east.clusterIndex)])]
        }
    }

    func makeSet() -> TempSet {
        let dir = TempSet()
        dir.write("west/a.yaml", """
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-east
          labels: {istio/multiCluster: "true"}
          namespace: istio-system
          namespace: istio-system
        """)
        dir.write("east/b.yaml", """
        apiVersion: v1
        kind: ServiceAccount
        metadata:
          name: istio-reader
          name: istio-reader
          namespace: istio-system
        """)
        dir.write("east/c.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: foo\n  name: foo\n")
        return dir
    }

    func testReportsOnlyTheChangedFilesFindings() throws {
        let dir = makeSet()
        let report = try Linter().lint(paths: [dir.path])
        XCTAssertEqual(report.findings.map(\.file), ["east/b.yaml", "east/c.yaml", "west/a.yaml"])
        XCTAssertEqual(report.onlyChanged(["east/b.yaml"]).findings.map { "\($0.rule) \($0.file)" }, ["MC002 east/b.yaml"])
        // Relative to the current directory, absolute, or with ./ — all name the same file.
        let parent = (dir.path as NSString).deletingLastPathComponent
        let name = (dir.path as NSString).lastPathComponent
        XCTAssertEqual(report.onlyChanged(["\(name)/east/b.yaml"], currentDirectory: parent).findings.map(\.file), ["east/b.yaml"])
        XCTAssertEqual(report.onlyChanged([dir.path + "/east/b.yaml"]).findings.map(\.file), ["east/b.yaml"])
        XCTAssertEqual(report.onlyChanged(["./west/a.yaml"]).findings.map(\.file), ["west/a.yaml"])
        XCTAssertEqual(report.onlyChanged(["west/untouched.yaml", "README.md"]).findings, [])
    }

    func testKeepsCrossClusterFindingsThroughRelatedFiles() throws {
        let dir = makeSet()
        let linter = try Linter(rules: BuiltinRules.all + [CrossClusterProbe()])
        let report = try linter.lint(paths: [dir.path]).onlyChanged(["east/b.yaml"])
        XCTAssertEqual(report.findings.map { "\($0.rule) \($0.file)" }, ["MC002 east/b.yaml", "MC990 west/a.yaml"])
        XCTAssertEqual(report.findings.last?.related.map(\.file), ["east/b.yaml"])
    }

    func testAChangedManifestReportsEverything() throws {
        let report = try Linter().lint(documents: [
            ("meshlint.yaml", "apiVersion: meshlint/v1\nkind: ConfigSet\nclusters:\n- name: east\n  paths: [\"east/**\"]\n"),
            ("east/c.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: foo\n  name: foo\n"),
        ])
        XCTAssertEqual(report.onlyChanged(["meshlint.yaml"]).findings.count, 1)
        XCTAssertEqual(report.onlyChanged([".meshlint.yaml"]).findings.count, 1)
    }

    func testCommandLineAsPreCommitRunsIt() throws {
        let dir = makeSet()
        // pre-commit runs `entry args files` from the repository root.
        let r = try CLI.run(["lint", "--only-changed", "--format", "json", "east/b.yaml"], in: dir.path)
        XCTAssertEqual(r.status, 1, r.stderr)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let files = (doc["findings"] as! [[String: Any]]).map { $0["file"] as! String }
        XCTAssertEqual(files, ["east/b.yaml"])
        // The set in a sub-directory, file names relative to the repository root.
        let parent = (dir.path as NSString).deletingLastPathComponent
        let name = (dir.path as NSString).lastPathComponent
        let r2 = try CLI.run(["lint", name, "--only-changed", "\(name)/west/a.yaml"], in: parent)
        XCTAssertEqual(r2.status, 1, r2.stderr)
        XCTAssertTrue(r2.stdout.contains("west/a.yaml:6:3"), r2.stdout)
        XCTAssertFalse(r2.stdout.contains("east/"), r2.stdout)
        let clean = try CLI.run(["lint", "--only-changed", "west/unrelated.yaml"], in: dir.path)
        XCTAssertEqual(clean.status, 0, clean.stdout)
    }
}
