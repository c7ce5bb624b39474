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

    /// `templateMetadata` and `templateSpec` are `spec.template.metadata` and `.spec` for every
    /// kind: kept when the resource is made for workloads, found on demand for the rest.
    func testPodTemplateNodesAreTheTemplatePaths() {
        let text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d}
            spec:
              template:
                metadata: {labels: {app: d}}
                spec: {containers: [{name: c}]}
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: merged}
            spec:
              template:
                <<: {metadata: {labels: {app: m}}, spec: {containers: []}}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: cron}
            spec: {jobTemplate: {spec: {template: {spec: {containers: []}}}}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec: {template: {spec: {}}, containers: []}
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: no-template}
            spec: {template: scalar}

            """
        let set = ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: [(path: "a.yaml", text: text)])
        XCTAssertEqual(set.resources.count, 5)
        for r in set.resources {
            XCTAssertEqual(r.templateSpec, r.spec?.at("template", "spec"), r.name)
            XCTAssertEqual(r.templateMetadata, r.spec?.at("template", "metadata"), r.name)
        }
        XCTAssertEqual(set.resources[0].templateMetadata?.at("labels", "app")?.text, "d")
        XCTAssertEqual(set.resources[1].templateMetadata?.at("labels", "app")?.text, "m", "through a merge key")
        XCTAssertNil(set.resources[2].templateSpec, "a CronJob's template is under jobTemplate")
        XCTAssertNotNil(set.resources[3].templateSpec, "found on demand for other kinds")
        XCTAssertNil(set.resources[4].templateSpec)
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
        write("east/secret.yaml", "kind: Namespace\n")
        chmod(dir + "/east/secret.yaml", 0)
        let set = try asUnprivilegedUser { try ConfigSetLoader().load(paths: [dir]) }
        XCTAssertEqual(set.unreadable.map(\.path), ["east/secret.yaml"])
        XCTAssertEqual(set.resources.count, 1)
    }

    /// Runs `body` with an unprivileged effective user when the tests run as root (root reads
    /// every file whatever its mode), so permission errors can be tested for real.
    func asUnprivilegedUser<T>(_ body: () throws -> T) throws -> T {
        guard getuid() == 0 else { return try body() }
        chmod(dir, 0o755)
        guard seteuid(65534) == 0 else { throw XCTSkip("cannot drop privileges to test permission errors") }
        defer { _ = seteuid(0) }
        return try body()
    }

    func testUnreadableDirectoryIsAnErrorOfItsCluster() throws {
        write("east/a.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n")
        write("west/b.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: b}\n")
        write("east/locked/c.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: c}\n")
        chmod(dir + "/west", 0)
        chmod(dir + "/east/locked", 0)
        defer { chmod(dir + "/west", 0o755); chmod(dir + "/east/locked", 0o755) }
        let set = try asUnprivilegedUser { try ConfigSetLoader().load(paths: [dir]) }
        // The unreadable cluster directory still makes a cluster: one that was not checked.
        XCTAssertEqual(set.clusters.map(\.name), ["east", "west"])
        XCTAssertEqual(set.unreadableDirectories.map(\.path), ["east/locked", "west"])
        XCTAssertEqual(set.unreadableDirectories.map(\.clusterIndex), [0, 1])
        XCTAssertTrue(set.notes.isEmpty, "\(set.notes)")
        XCTAssertEqual(set.resources.map(\.name), ["a"])
    }

    func testFIFOsSocketsAndDevicesAreNotRead() throws {
        write("east/a.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n")
        XCTAssertEqual(mkfifo(dir + "/east/fifo.yaml", 0o644), 0)
        // A link to a device inside the set's own tree is refused for its type, not its place.
        XCTAssertEqual(mkfifo(dir + "/east/inner-fifo", 0o644), 0)
        try FileManager.default.createSymbolicLink(atPath: dir + "/east/via-link.yaml", withDestinationPath: "inner-fifo")
        try FileManager.default.createSymbolicLink(atPath: dir + "/east/zero.yaml", withDestinationPath: "/dev/zero")
        let set = try ConfigSetLoader().load(paths: [dir])
        XCTAssertEqual(set.files.map(\.path), ["east/a.yaml"])
        XCTAssertTrue(set.unreadable.isEmpty)
        XCTAssertEqual(set.notes.map(\.path), ["east/fifo.yaml", "east/via-link.yaml", "east/zero.yaml"])
        XCTAssertTrue(set.notes[0].message.contains("FIFO"), set.notes[0].message)
        XCTAssertTrue(set.notes[1].message.contains("FIFO"), set.notes[1].message)
        XCTAssertTrue(set.notes[2].message.contains("outside the config set"), set.notes[2].message)
    }

    func testSymlinksLeavingTheRootAreNotFollowed() throws {
        let outside = dir + "-outside"
        try FileManager.default.createDirectory(atPath: outside + "/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try "kind: Namespace\napiVersion: v1\nmetadata: {name: secret}\n".write(toFile: outside + "/sub/x.yaml", atomically: true, encoding: .utf8)
        write("set/east/a.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n")
        write("set/west/b.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: b}\n")
        let root = dir + "/set"
        let fm = FileManager.default
        try fm.createSymbolicLink(atPath: root + "/east/kubeconfig.yaml", withDestinationPath: outside + "/sub/x.yaml")
        try fm.createSymbolicLink(atPath: root + "/east/etc", withDestinationPath: outside)
        try fm.createSymbolicLink(atPath: root + "/north", withDestinationPath: outside + "/sub")
        try fm.createSymbolicLink(atPath: root + "/west/up", withDestinationPath: "../..")
        // Links that stay inside the set are followed.
        try fm.createSymbolicLink(atPath: root + "/west/shared.yaml", withDestinationPath: "../east/a.yaml")
        let set = try ConfigSetLoader().load(paths: [root])
        XCTAssertEqual(set.clusters.map(\.name), ["east", "west"])
        XCTAssertEqual(set.files.map(\.path), ["east/a.yaml", "west/b.yaml", "west/shared.yaml"])
        XCTAssertFalse(set.resources.contains { $0.name == "secret" })
        let outsideNotes = set.notes.filter { $0.message.contains("outside the config set") }.map(\.path)
        XCTAssertEqual(outsideNotes, ["east/etc", "east/kubeconfig.yaml", "north", "west/up"])

        // Given the set through a symlink, its real tree is the boundary.
        try fm.createSymbolicLink(atPath: dir + "/alias", withDestinationPath: root)
        let viaAlias = try ConfigSetLoader().load(paths: [dir + "/alias"])
        XCTAssertEqual(viaAlias.files.map(\.path), set.files.map(\.path))
    }

    func testFileSymlinkLoopIsNotCalledDangling() throws {
        write("east/a.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n")
        try FileManager.default.createSymbolicLink(atPath: dir + "/east/l1.yaml", withDestinationPath: "l2.yaml")
        try FileManager.default.createSymbolicLink(atPath: dir + "/east/l2.yaml", withDestinationPath: "l1.yaml")
        try FileManager.default.createSymbolicLink(atPath: dir + "/east/gone.yaml", withDestinationPath: "nothing.yaml")
        let set = try ConfigSetLoader().load(paths: [dir])
        XCTAssertEqual(set.notes.map(\.path), ["east/gone.yaml", "east/l1.yaml", "east/l2.yaml"])
        XCTAssertTrue(set.notes[0].message.hasPrefix("dangling symlink"), set.notes[0].message)
        XCTAssertTrue(set.notes[1].message.hasPrefix("symlink loop"), set.notes[1].message)
        XCTAssertTrue(set.notes[2].message.hasPrefix("symlink loop"), set.notes[2].message)
    }

    func testExplicitFIFOsAndDevicesAreRefusedNotOpened() throws {
        write("east/a.yaml", "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\n")
        XCTAssertEqual(mkfifo(dir + "/pipe.yaml", 0o644), 0)
        for manifest in [dir + "/pipe.yaml", "/dev/zero"] {
            XCTAssertThrowsError(try ConfigSetLoader(options: LoadOptions(manifestPath: manifest)).load(paths: [dir + "/east"])) { e in
                guard case .manifestUnreadable(_, let reason)? = e as? LoadError else { return XCTFail("\(e)") }
                XCTAssertTrue(reason.contains("not a regular file"), reason)
            }
        }
        XCTAssertThrowsError(try ConfigSetLoader().load(paths: [dir + "/pipe.yaml"])) { e in
            guard case .unreadable(_, let reason)? = e as? LoadError else { return XCTFail("\(e)") }
            XCTAssertTrue(reason.contains("FIFO"), reason)
        }
        guard case .failure(.unreadable(_, let reason)) = ConfigSetLoader.readRegularFile(dir + "/pipe.yaml") else {
            return XCTFail("a FIFO must not be read")
        }
        XCTAssertTrue(reason.contains("FIFO"), reason)
        // An explicit regular file elsewhere is the user's choice and is read, even through a symlink.
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.yaml", withDestinationPath: dir + "/east/a.yaml")
        XCTAssertEqual(try ConfigSetLoader().load(paths: [dir + "/link.yaml"]).resources.map(\.name), ["a"])
    }

    func testFileThatGrowsPastTheLimitIsNotReadWithoutBound() {
        // /dev/zero opened by name is refused before any read; a regular file over the limit is
        // reported as too large rather than read.
        write("big.yaml", String(repeating: "a: 1\n", count: 100))
        guard case .failure(let e) = FileReader.read(dir + "/big.yaml", maxBytes: 64) else { return XCTFail() }
        XCTAssertTrue(e.tooLarge)
        guard case .failure(let z) = FileReader.read("/dev/zero", maxBytes: 64, followSymlinks: true) else { return XCTFail() }
        XCTAssertTrue(z.notRegular)
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
