import XCTest
@testable import MeshLintCore

/// The parts of the tree builder and loader that the load benchmark's optimisations touched:
/// alias-size tracking that starts at a document's first anchor, one-pass key lookups,
/// resource classification, exact-size tree storage and whole-file reads.
final class TreeBuilderTests: XCTestCase {
    func parse(_ text: String, limits: YAMLLimits = YAMLLimits()) -> YAMLFile {
        YAMLParser.parse(bytes: Array(text.utf8), path: "f.yaml", limits: limits)
    }

    // MARK: Alias sizes

    func testAnchorAfterOpenCollectionsIsSizedFromItsOwnSubtree() {
        // The first anchor appears deep inside collections opened before it; each alias expands
        // to the anchored subtree only (the mapping and its 4 scalars), 3 × 5 = 15 nodes.
        let text = """
        outer:
          inner:
            - x
            - &a {k: v, l: w}
          refs: [*a, *a, *a]
        """
        let f = parse(text, limits: YAMLLimits(maxAliasExpansion: 15))
        XCTAssertEqual(f.diagnostics, [])
        XCTAssertEqual(f.roots[0].at("outer", "refs")?.items.first?["l"]?.scalar, "w")
        let g = parse(text, limits: YAMLLimits(maxAliasExpansion: 14))
        XCTAssertEqual(g.diagnostics.map(\.kind), [.aliasExpansion], "3 × 5 nodes > 14")
        XCTAssertEqual(g.documents.count, 0)
    }

    func testNestedAliasesExpandRecursively() {
        // a is 3 nodes; b holds two aliases of a, so it expands to 1 + 2 keys + 2 × 3 = 9 nodes.
        let text = """
        a: &a [1, 2]
        b: &b {x: *a, y: *a}
        c: [*b, *b]
        """
        // Expansion: 3 + 3 (inside b) + 9 + 9 (c) = 24.
        XCTAssertEqual(parse(text, limits: YAMLLimits(maxAliasExpansion: 24)).diagnostics, [])
        XCTAssertEqual(parse(text, limits: YAMLLimits(maxAliasExpansion: 23)).diagnostics.map(\.kind), [.aliasExpansion])
    }

    func testRecursiveAliasOnTheFirstAnchor() {
        let f = parse("a: &a\n  b: [1, *a]\n---\nkind: Namespace\n")
        XCTAssertEqual(f.diagnostics.map(\.kind), [.aliasExpansion])
        XCTAssertTrue(f.diagnostics[0].message.contains("recursive"))
        XCTAssertEqual(f.diagnostics[0].related, SourcePosition(line: 1, column: 4))
        XCTAssertEqual(f.documents.count, 1)
        XCTAssertEqual(f.roots[0]["kind"]?.scalar, "Namespace")
    }

    func testAnchorsAndExpansionAreCountedPerDocument() {
        // Each document stays under the limit on its own (the count restarts), and an anchor of
        // one document is unknown in the next.
        let doc = "a: &a [1, 2, 3, 4]\nb: [*a, *a]\n"
        let f = parse(doc + "---\n" + doc + "---\nc: *a\n", limits: YAMLLimits(maxAliasExpansion: 10))
        XCTAssertEqual(f.documents.count, 2)
        XCTAssertEqual(f.diagnostics.map(\.kind), [.syntax])
        XCTAssertTrue(f.diagnostics[0].message.contains("unknown anchor 'a'"))
    }

    func testScalarAnchorsAndAliasesShareNodes() {
        let f = parse("plain: x\nname: &n istio-system\nns: *n\nlist: [*n, *n]\n")
        XCTAssertEqual(f.diagnostics, [])
        let r = f.roots[0]
        XCTAssertEqual(r["ns"], r["name"])
        XCTAssertEqual(r["list"]?.items, [r["name"]!, r["name"]!])
        XCTAssertEqual(f.nodeCount, 8, "root, 4 keys, 2 scalar values, the list: aliases add no nodes")
    }

    // MARK: Duplicate keys

    func testDuplicateKeysInSmallAndLargeMappingsInOrder() {
        var big = "big:\n"
        for i in 0..<30 { big += "  k\(i % 26): \(i)\n" }
        let f = parse("small: {a: 1, b: 2, a: 3, 'b': 4, [a]: 5, [a]: 6}\n" + big)
        let dups = f.diagnostics.filter { $0.kind == .duplicateKey }
        XCTAssertEqual(dups.map(\.message), [
            "duplicate key 'a' (first at line 1)", "duplicate key 'b' (first at line 1)",
            "duplicate key 'k0' (first at line 3)", "duplicate key 'k1' (first at line 4)",
            "duplicate key 'k2' (first at line 5)", "duplicate key 'k3' (first at line 6)",
        ])
        XCTAssertEqual(dups[1].position, SourcePosition(line: 1, column: 27))
        XCTAssertEqual(dups[1].related, SourcePosition(line: 1, column: 15))
    }

    // MARK: Storage

    func testTreeStorageIsExactAndChecked() {
        let f = parse("a: [1, 2]\n")
        XCTAssertEqual(f.nodeCount, 5)
        XCTAssertEqual(f.nodes.count, 5)
        XCTAssertEqual(f.children.count, 4)
        XCTAssertEqual(f.arena.count, 3)
        let empty = parse("")
        XCTAssertEqual(empty.nodeCount, 0)
        XCTAssertTrue(empty.roots.isEmpty)
    }

    func testLargeFileGrowsEveryBuffer() {
        // Many tiny nodes per byte (more than the reservation assumes) and long scalars.
        var text = "x: [" + Array(repeating: "a", count: 50_000).joined(separator: ",") + "]\n"
        text += "y: \"" + String(repeating: "\\u00e9", count: 20_000) + "\"\n"
        let f = parse(text)
        XCTAssertEqual(f.diagnostics, [])
        XCTAssertEqual(f.roots[0]["x"]?.count, 50_000)
        XCTAssertEqual(f.roots[0]["x"]?.items.last?.scalar, "a")
        XCTAssertEqual(f.roots[0]["y"]?.scalar, String(repeating: "é", count: 20_000))
    }

    // MARK: One-pass key lookup and classification

    func testValuesMatchesSubscriptIncludingMergeKeys() {
        let f = parse("""
        base: &base {kind: FromMerge, apiVersion: v9, extra: 1}
        plain:
          "kind": Quoted
          kind: Second
          metadata: {name: n}
        merged:
          <<: *base
          apiVersion: own
        notAMap: [kind]
        """)
        let r = f.roots[0]
        for key in ["plain", "merged", "notAMap", "base"] {
            let n = r[key]!
            let (a, b, c) = n.values("kind", "apiVersion", "metadata")
            XCTAssertEqual(a, n["kind"], key)
            XCTAssertEqual(b, n["apiVersion"], key)
            XCTAssertEqual(c, n["metadata"], key)
            let (d, e) = n.values("metadata", "missing")
            XCTAssertEqual(d, n["metadata"], key)
            XCTAssertNil(e, key)
        }
        XCTAssertEqual(r["plain"]?.values("kind", "x").0?.scalar, "Quoted", "the first equal key wins, quoted or not")
        XCTAssertEqual(r["merged"]?.values("kind", "apiVersion").0?.scalar, "FromMerge")
        XCTAssertEqual(r["merged"]?.values("kind", "apiVersion").1?.scalar, "own")
    }

    func testLastTextIsWhatTheMapOfThePairsHolds() {
        // Duplicate keys (the last text wins), a key whose value is not text, merge keys (a
        // written key, even without text, hides the merged one) and a non-mapping.
        let f = parse("""
        base: &base {istio: merged, app: merged, only: merged}
        m:
          <<: *base
          istio: first
          istio: second
          app: [not, text]
          "<<": quoted
        s: [istio]
        """)
        let r = f.roots[0]
        for key in ["m", "s", "base"] {
            let n = r[key]!
            var written: [String: String] = [:], merged: [String: String] = [:]
            for (k, v) in n.pairs { if let k = k.scalar, let t = v.text { written[k] = t } }
            for (k, v) in n.mergedPairs { if let k = k.scalar, let t = v.text { merged[k] = t } }
            for name in ["istio", "app", "only", "<<", "absent"] {
                XCTAssertEqual(n.lastText(forKey: name, merged: false), written[name], "\(key).\(name)")
                XCTAssertEqual(n.lastText(forKey: name, merged: true), merged[name], "\(key).\(name) merged")
            }
        }
        XCTAssertEqual(r["m"]?.lastText(forKey: "istio", merged: true), "second")
        XCTAssertEqual(r["m"]?.lastText(forKey: "only", merged: true), "merged")
        XCTAssertNil(r["m"]?.lastText(forKey: "only", merged: false))
        XCTAssertNil(r["m"]?.lastText(forKey: "app", merged: true), "the written app hides the merged one")
    }

    func testIsInGroupIsTheGroupComparison() {
        for apiVersion in ["v1", "networking.istio.io/v1", "networking.istio.io", "networking.istio.io.x/v1", "apps/v1", "/v1", ""] {
            let id = ResourceIdentity(apiVersion: apiVersion, kind: "K", namespace: nil, name: "n")
            for group in ["", "networking.istio.io", "networking.istio", "apps", "v1"] {
                XCTAssertEqual(id.isInGroup(group), id.group == group, "\(apiVersion) in \(group)")
            }
        }
    }

    func testClassifyHonoursMergeKeysAndScopes() {
        let f = parse("""
        meta: &meta {name: from-merge, namespace: ns1}
        doc:
          <<: {kind: Service, apiVersion: v1}
          metadata: *meta
        ns:
          kind: Namespace
          metadata: {name: n, namespace: ignored}
        cm:
          kind: ConfigMap
          metadata: {name: c}
        kubeadm:
          kind: ClusterConfiguration
          clusterName: kc
        capi:
          apiVersion: cluster.x-k8s.io/v1beta1
          kind: Cluster
          metadata: {name: cc, namespace: capi}
        metaScalar:
          kind: Secret
          metadata: oops
        """)
        let r = f.roots[0]
        func identity(_ key: String) -> ResourceIdentity? {
            if case .resource(let id) = ResourceFactory.classify(r[key]!) { return id }
            return nil
        }
        XCTAssertEqual(identity("doc"), ResourceIdentity(apiVersion: "v1", kind: "Service", namespace: "ns1", name: "from-merge"))
        XCTAssertEqual(identity("ns"), ResourceIdentity(apiVersion: "", kind: "Namespace", namespace: nil, name: "n"))
        XCTAssertEqual(identity("cm"), ResourceIdentity(apiVersion: "", kind: "ConfigMap", namespace: "default", name: "c"))
        XCTAssertEqual(identity("kubeadm"), ResourceIdentity(apiVersion: "", kind: "ClusterConfiguration", namespace: nil, name: "kc"))
        XCTAssertEqual(identity("capi"), ResourceIdentity(apiVersion: "cluster.x-k8s.io/v1beta1", kind: "Cluster", namespace: "capi", name: "cc"))
        XCTAssertEqual(identity("metaScalar"), ResourceIdentity(apiVersion: "", kind: "Secret", namespace: "default", name: ""))
        XCTAssertNil(identity("meta"), "no kind")
    }

    // MARK: Reading files

    func testFileReaderReadsWholeFilesAndFilesThatReportNoSize() throws {
        let path = NSTemporaryDirectory() + "meshlint-read-\(UUID().uuidString).yaml"
        defer { unlink(path) }
        let text = String(repeating: "key: value\n", count: 10_000)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        guard case .success(let bytes) = FileReader.read(path, maxBytes: 1 << 20) else { return XCTFail("read failed") }
        XCTAssertEqual(bytes, Array(text.utf8))
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        guard case .success(let none) = FileReader.read(path, maxBytes: 1 << 20) else { return XCTFail("read failed") }
        XCTAssertEqual(none, [])
        guard case .failure(let e) = FileReader.read(path + ".missing", maxBytes: 1 << 20) else { return XCTFail("no error") }
        XCTAssertEqual(e.message, String(cString: strerror(ENOENT)))
        #if os(Linux)
        // /proc files report size 0 but have content: read on past the fstat size.
        guard case .success(let status) = FileReader.read("/proc/self/status", maxBytes: 1 << 20) else { return XCTFail("read failed") }
        XCTAssertTrue(String(decoding: status, as: UTF8.self).contains("VmRSS"))
        #endif
    }
}
