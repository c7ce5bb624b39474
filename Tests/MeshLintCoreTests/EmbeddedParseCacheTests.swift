import XCTest
@testable import MeshLintCore

/// A kubeconfig text parsed once and handed to every other host with the same bytes must give
/// exactly the tree a parse of that host gives: every node's kind, style, tag, position and
/// text, the children, the documents; and only clean, borrowed parses are shared.
final class EmbeddedParseCacheTests: XCTestCase {
    static let kubeconfig = """
    apiVersion: v1
    clusters:
    - cluster:
        certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t
        server: https://api.east.example.com:6443
      name: east
    contexts:
    - context: {cluster: east, user: east}
      name: east
    current-context: east
    kind: Config
    preferences: {}
    users:
    - name: east
      user:
        token: eyJhbGciOiJSUzI1NiIsImtpZCI6I
    ---
    kind: Second
    """

    /// Every line of `text` moved right by `indent` spaces (a block scalar's body).
    static func indented(_ text: String, by indent: Int) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String(repeating: " ", count: indent) + $0 }.joined(separator: "\n")
    }

    /// A Secret named like cluster c's remote secret, without the multicluster label, whose
    /// `stringData.c` is `value` as a literal block.
    static func remoteSecretC(_ value: String) -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-c
          namespace: istio-system
        stringData:
          c: |
        \(indented(value, by: 4))

        """
    }

    /// The same kubeconfig as literal blocks under three keys at different lines and
    /// indentations, and a fourth copy whose server differs.
    static func file() -> YAMLFile {
        func block(_ indent: Int) -> String { indented(kubeconfig, by: indent) }
        let text = """
        s1:
          east: |
        \(block(4))
        s2:
              deep:
                east: |
        \(block(10))
        s3:
          east: |
        \(block(4).replacingOccurrences(of: "east.example", with: "west.example"))
        s4:
          east: |
        \(block(4))

        """
        return YAMLParser.parse(bytes: Array(text.utf8), path: "secrets.yaml")
    }

    func hosts(_ root: YAMLNode) -> [(YAMLNode, YAMLNode?)] {
        let s2 = root["s2"]!["deep"]!
        return [(root["s1"]!["east"]!, root["s1"]!.keyNode("east")),
                (s2["east"]!, s2.keyNode("east")),
                (root["s3"]!["east"]!, root["s3"]!.keyNode("east")),
                (root["s4"]!["east"]!, root["s4"]!.keyNode("east"))]
    }

    func testCopiesGetExactlyTheTreeTheirOwnParseGives() throws {
        let root = Self.file().roots[0]
        let cache = EmbeddedParseCache()
        for mapPositions in [true, false] {
            for (host, key) in hosts(root) {
                let fresh = EmbeddedYAML(scalarOf: host, key: key, mapPositions: mapPositions)
                let shared = EmbeddedYAML(scalarOf: host, key: key, mapPositions: mapPositions, cache: cache)
                XCTAssertEqual(treeDump(shared.file), treeDump(fresh.file), "host at line \(host.line)")
                XCTAssertEqual(shared.exact, fresh.exact)
                XCTAssertTrue(shared.file.arenaOwner === host.file, "reads its own host's bytes")
                XCTAssertEqual(shared.root?.at("clusters")?.items.first?.at("cluster", "server")?.position,
                               fresh.root?.at("clusters")?.items.first?.at("cluster", "server")?.position)
            }
        }
        // Two distinct texts (s3 differs), each parsed once; the other six lookups were copies.
        XCTAssertEqual(cache.stored, 2)
        XCTAssertEqual(cache.hits, 6)
        // The positions really moved: s2's copy sits six columns right of s1's.
        let (h1, k1) = hosts(root)[0], (h2, k2) = hosts(root)[1]
        let a = EmbeddedYAML(scalarOf: h1, key: k1, cache: cache).root!["kind"]!
        let b = EmbeddedYAML(scalarOf: h2, key: k2, cache: cache).root!["kind"]!
        XCTAssertEqual(b.column - a.column, 6)
        XCTAssertNotEqual(a.line, b.line)
    }

    func testCopiesShareOneNodeTableAndKeepTheirPositionsWhenRepositioned() throws {
        let root = Self.file().roots[0]
        let cache = EmbeddedParseCache()
        let (h1, k1) = hosts(root)[0], (h2, k2) = hosts(root)[1]
        let first = EmbeddedYAML(scalarOf: h1, key: k1, cache: cache)
        let a = EmbeddedYAML(scalarOf: h1, key: k1, cache: cache)
        let b = EmbeddedYAML(scalarOf: h2, key: k2, cache: cache)
        XCTAssertEqual(cache.hits, 2)
        // Copies borrow the kept tree (one node table for every copy), not a copy of it each.
        XCTAssertNotNil(a.file.treeOwner)
        XCTAssertTrue(a.file.treeOwner === b.file.treeOwner)
        XCTAssertEqual(a.file.nodes.base, b.file.nodes.base)
        XCTAssertNil(first.file.treeOwner, "the first parse owns its own tables")
        // A copy made of a shifted copy (as rendered or relocated files are) keeps its positions.
        let moved = b.file.repositioned { _ in }
        XCTAssertNil(moved.treeOwner)
        XCTAssertEqual(treeDump(moved), treeDump(b.file))
        let fresh = EmbeddedYAML(scalarOf: h2, key: k2)
        XCTAssertEqual(treeDump(b.file), treeDump(fresh.file))
    }

    func testTextsWithDiagnosticsOrTheirOwnArenaAreNotShared() throws {
        let cache = EmbeddedParseCache()
        // A syntax error: parsed anew each time (its diagnostics are clamped and shifted apart).
        let broken = YAMLParser.parse(bytes: Array("a: |\n  k: [1, 2\nb: |\n  k: [1, 2\n".utf8), path: "f.yaml").roots[0]
        for key in ["a", "b"] {
            let fresh = EmbeddedYAML(scalarOf: broken[key]!, key: broken.keyNode(key))
            let viaCache = EmbeddedYAML(scalarOf: broken[key]!, key: broken.keyNode(key), cache: cache)
            XCTAssertFalse(viaCache.syntaxErrors.isEmpty)
            XCTAssertEqual(treeDump(viaCache.file), treeDump(fresh.file))
        }
        // Quoted scalars decode to other bytes than written, and a tagged scalar's start is its
        // tag: the tree keeps its own arena.
        let quoted = YAMLParser.parse(bytes: Array("a: |\n  k: 'x'\nb: |\n  k: 'x'\nc: |\n  k: !!str x\nd: |\n  k: !!str x\n".utf8),
                                      path: "f.yaml").roots[0]
        for key in ["a", "b", "c", "d"] {
            let e = EmbeddedYAML(scalarOf: quoted[key]!, key: quoted.keyNode(key), cache: cache)
            XCTAssertEqual(e.root?["k"]?.text, "x")
        }
        XCTAssertEqual(cache.stored, 0)
        XCTAssertEqual(cache.hits, 0)
    }

    /// The graph of in-memory files (path → text; the first path component is the cluster).
    func graph(_ files: [String: String]) -> MeshGraph {
        MeshGraph(set: ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: files.map { ($0.key, $0.value) }))
    }

    func testTheGraphParsesEachDistinctKubeconfigOnce() throws {
        // Three clusters, each holding the same remote secrets for the other two.
        let secret = { (name: String) in
            """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-\(name)
              namespace: istio-system
              labels:
                istio/multiCluster: "true"
              annotations:
                networking.istio.io/cluster: \(name)
            stringData:
              \(name): |
                apiVersion: v1
                kind: Config
                clusters:
                - cluster:
                    server: https://\(name).example.com:6443
                  name: \(name)
                contexts:
                - context: {cluster: \(name), user: \(name)}
                  name: \(name)
                current-context: \(name)
                users:
                - name: \(name)
                  user: {token: abc}

            """
        }
        var files: [String: String] = [:]
        for c in ["a", "b", "c"] {
            files["\(c)/secrets.yaml"] = ["a", "b", "c"].filter { $0 != c }.map(secret).joined(separator: "---\n")
        }
        let graph = graph(files)
        XCTAssertEqual(graph.identity.remoteSecrets.count, 6)
        for s in graph.identity.remoteSecrets {
            let entry = try XCTUnwrap(s.entries.first)
            let server = try XCTUnwrap(entry.kubeconfig?.servers.first)
            XCTAssertEqual(server.value, "https://\(entry.key.value).example.com:6443")
            // Each copy points into its own file, at its own line and column.
            XCTAssertEqual(server.node.file.path, s.resource.file)
            XCTAssertEqual(server.node.line, entry.key.node.line + 5)
            XCTAssertEqual(server.node.column, 17)
        }
    }

    func testCopiesOfOneKubeconfigGetItsDefectsAtTheirOwnPlaces() throws {
        // The same faulty kubeconfig (loopback server, TLS not verified, an exec credential, a
        // context naming no user) held by two clusters: its facts and checks are read once, and
        // every finding of each copy points into that copy's file.
        let secret = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-c
              namespace: istio-system
              labels:
                istio/multiCluster: "true"
            stringData:
              c: |
                apiVersion: v1
                kind: Config
                clusters:
                - cluster:
                    insecure-skip-tls-verify: true
                    server: https://127.0.0.1:6443
                  name: c
                contexts:
                - context: {cluster: c, user: nobody}
                  name: c
                current-context: c
                users:
                - name: c
                  user:
                    exec: {command: aws}

            """
        let files = ["a/secret.yaml": secret, "b/secret.yaml": "# two lines\n# further down\n" + secret,
                     "d/secret.yaml": "#\n#\n" + secret,
                     "c/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n"]
        let graph = graph(files)
        XCTAssertEqual(graph.identity.remoteSecrets.count, 3)
        // The first parse reads its own facts; the copies that share its tree share one read.
        // (Read here one after the other: the graph reads clusters at the same time, and two
        // clusters that parse one text at once both keep their own parse.)
        let parses = EmbeddedParseCache(), reads = KubeconfigReadCache()
        let set = ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: files.map { ($0.key, $0.value) })
        let copies = set.resources.compactMap { RemoteSecret.read($0, parses: parses, kubeconfigs: reads) }
            .map { $0.entries[0].kubeconfig! }
        XCTAssertEqual(copies.count, 3)
        XCTAssertTrue(copies[0].isSource)
        XCTAssertTrue(copies[1].facts === copies[2].facts, "one text, read once for the copies")
        XCTAssertFalse(copies[2].isSource)

        func lines(_ list: [(String, Int, String)]) -> [String: [String]] {
            Dictionary(grouping: list, by: \.0).mapValues { $0.map { "\($0.1) \($0.2)" }.sorted() }
        }
        let defects = lines(graph.remoteSecretDefects().map { ($0.location.file, $0.location.line, "\($0.kind)") })
        let tls = lines(graph.remoteSecretTLSProblems().map { ($0.node.file.path, $0.node.line, "\($0.kind)") })
        let auth = lines(graph.remoteSecretAuthProblems().map { ($0.location.file, $0.location.line, "\($0.kind)") })
        for report in [defects, tls, auth] {
            let inA = try XCTUnwrap(report["a/secret.yaml"])
            XCTAssertFalse(inA.isEmpty)
            // The same findings, two lines further down in b's and d's files.
            let moved = inA.map { line in
                let parts = line.split(separator: " ", maxSplits: 1)
                return "\(Int(parts[0])! + 2) \(parts[1])"
            }.sorted()
            XCTAssertEqual(report["b/secret.yaml"], moved)
            XCTAssertEqual(report["d/secret.yaml"], moved)
        }
        XCTAssertEqual(auth["a/secret.yaml"]?.count, 2, "exec and the dangling user: \(auth)")
        XCTAssertTrue(defects["a/secret.yaml"]!.contains { $0.hasPrefix("15 loopbackServer") }, "\(defects)")
        XCTAssertTrue(tls["a/secret.yaml"]!.contains { $0.hasPrefix("14 insecureSkipVerify") }, "\(tls)")
    }

    func testCopiesOfAValueThatIsNoKubeconfigReportItAtTheirOwnValue() throws {
        // A remote secret (by name) whose value is a bare token, the same text in three
        // clusters' files: each copy's "not a kubeconfig" points at its own value.
        let secret = Self.remoteSecretC("just-a-token")
        let graph = graph(["a/secret.yaml": secret, "b/secret.yaml": "#\n" + secret, "d/secret.yaml": "#\n#\n#\n" + secret])
        XCTAssertEqual(graph.identity.remoteSecrets.count, 3)
        for (s, padding) in zip(graph.identity.remoteSecrets, [0, 1, 3]) {
            let entry = try XCTUnwrap(s.entries.first)
            let err = try XCTUnwrap(entry.kubeconfig?.syntaxError, "a bare token is no kubeconfig")
            XCTAssertEqual(err.position, entry.value.position)
            XCTAssertEqual(err.position.line, 7 + padding)
        }
        let malformed = graph.remoteSecretDefects().filter { if case .malformed = $0.kind { return true } else { return false } }
        XCTAssertEqual(malformed.map { "\($0.location.file):\($0.location.line)" }.sorted(),
                       ["a/secret.yaml:7", "b/secret.yaml:8", "d/secret.yaml:10"])
    }
}
