import XCTest
@testable import MeshLintCore

/// Cluster assignment, file walking and bad input on disk.
final class ConfigSetLoaderTests: XCTestCase {
    var dir: String!

    override func setUp() {
        dir = NSTemporaryDirectory() + "meshlint-loader-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func write(_ rel: String, _ text: String) {
        let path = dir + "/" + rel
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func testTopLevelDirectoriesAreClustersAndTopLevelFilesShared() throws {
        write("west/a.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: foo}\n")
        write("east/sub/b.yml", "kind: Service\napiVersion: v1\nmetadata: {name: s, namespace: foo}\n")
        write("common.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: shared}\n")
        write("east/README.md", "not yaml")
        write(".git/config.yaml", "kind: Namespace\n")
        let set = try ConfigSetLoader().load(paths: [dir])
        XCTAssertEqual(set.clusters.map(\.name), ["east", "west"])
        XCTAssertEqual(set.files.map(\.path), ["common.yaml", "east/sub/b.yml", "west/a.yaml"])
        XCTAssertEqual(set.assignments["common.yaml"], .shared)
        XCTAssertEqual(set.resources(in: 0).map(\.name).sorted(), ["s", "shared"])
        XCTAssertEqual(set.resources(in: 1).map(\.name).sorted(), ["foo", "shared"])
        XCTAssertEqual(set.resources(in: 0).first { $0.name == "s" }?.namespace, "foo")
        XCTAssertEqual(set.distinctResourceCount, 3)
    }

    func testManifestAssignsClustersByGlob() throws {
        write("meshlint.yaml", """
        apiVersion: meshlint/v1
        kind: ConfigSet
        clusters:
        - name: east
          paths: ["clusters/east/**", "extra/east-*.yaml"]
          network: network1
          podCIDRs: ["10.10.0.0/16"]
        - name: west
          paths: ["clusters/west/**"]
        shared: ["common/**"]
        """)
        write("clusters/east/a.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n")
        write("extra/east-b.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: b}\n")
        write("clusters/west/c.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: c}\n")
        write("common/d.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: d}\n")
        write("stray/e.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: e}\n")
        let set = try ConfigSetLoader().load(paths: [dir])
        XCTAssertEqual(set.clusters.map(\.name), ["east", "west"])
        XCTAssertEqual(set.clusters[0].declaration?.network?.value, "network1")
        XCTAssertEqual(set.clusters[0].declaration?.podCIDRs.first?.value, "10.10.0.0/16")
        XCTAssertEqual(set.resources(in: 0).map(\.name).sorted(), ["a", "b", "d"])
        XCTAssertEqual(set.resources(in: 1).map(\.name).sorted(), ["c", "d"])
        XCTAssertEqual(set.assignments["stray/e.yaml"], .unassigned)
        XCTAssertEqual(set.assignments["meshlint.yaml"], .meta)
    }

    func testSymlinkLoopIsDetected() throws {
        write("east/a.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n")
        try FileManager.default.createSymbolicLink(atPath: dir + "/east/loop", withDestinationPath: dir + "/east")
        let set = try ConfigSetLoader().load(paths: [dir])
        XCTAssertEqual(set.files.map(\.path), ["east/a.yaml"])
        XCTAssertTrue(set.notes.contains { $0.path == "east/loop" && $0.message.contains("loop") })
    }

    func testUnreadableFileIsReportedAndOthersStillLoad() throws {
        write("east/a.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n")
        if getuid() != 0 {
            write("east/secret.yaml", "kind: Namespace\n")
            chmod(dir + "/east/secret.yaml", 0)
        } else {
            // root reads every file whatever its mode; reading /proc/self/mem at offset 0 fails
            // with EIO for anyone, which is just as unreadable.
            guard FileManager.default.fileExists(atPath: "/proc/self/mem") else { throw XCTSkip("no /proc/self/mem to stand in for an unreadable file") }
            try FileManager.default.createSymbolicLink(atPath: dir + "/east/secret.yaml", withDestinationPath: "/proc/self/mem")
        }
        let set = try ConfigSetLoader().load(paths: [dir])
        XCTAssertEqual(set.unreadable.map(\.path), ["east/secret.yaml"])
        XCTAssertEqual(set.resources.count, 1)
    }

    func testMissingRootThrows() {
        XCTAssertThrowsError(try ConfigSetLoader().load(paths: [dir + "/nope"])) { e in
            XCTAssertEqual(e as? LoadError, .pathNotFound(dir + "/nope"))
        }
    }

    func testHelmValuesAndUnrecognizedDocuments() {
        let set = ConfigSetLoader().load(documents: [
            ("east/values.yaml", "global:\n  multiCluster:\n    enabled: true\n"),
            ("east/notes.yaml", "owner: me\n---\n- a\n"),
        ])
        XCTAssertEqual(set.helmValues.count, 1)
        XCTAssertEqual(set.unrecognized.count, 2)
    }

    func testParallelAndSerialLoadsAgree() {
        var docs: [(path: String, text: String)] = []
        for c in 0..<4 {
            for i in 0..<50 {
                docs.append(("c\(c)/f\(i).yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\(i)\n  namespace: ns\(c)\n"))
            }
        }
        let a = ConfigSetLoader(options: LoadOptions(parallel: true)).load(documents: docs)
        let b = ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: docs)
        XCTAssertEqual(a.resources.map(\.identity), b.resources.map(\.identity))
        XCTAssertEqual(a.resources.count, 200)
    }

    func testGlobs() {
        XCTAssertTrue(Glob("east/**").matches("east/a/b.yaml"))
        XCTAssertTrue(Glob("east/**").matches("east/a.yaml"))
        XCTAssertFalse(Glob("east/**").matches("eastern/a.yaml"))
        XCTAssertTrue(Glob("**/east-*.yaml").matches("x/y/east-1.yaml"))
        XCTAssertTrue(Glob("east").matches("east/a.yaml"))
        XCTAssertTrue(Glob("c[0-9]/*.yaml").matches("c7/a.yaml"))
        XCTAssertFalse(Glob("*.yaml").matches("a/b.yaml"))
    }
}
