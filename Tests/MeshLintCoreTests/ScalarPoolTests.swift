import XCTest
@testable import MeshLintCore

/// Files parsed with one `ScalarPool` keep each long scalar text once, and read exactly as
/// files parsed without one: same nodes, texts, types, keys, duplicate-key reports and
/// structural comparisons.
final class ScalarPoolTests: XCTestCase {
    static let long = String(repeating: "0123456789abcdef", count: 20)  // 320 bytes
    static let longKey = String(repeating: "k", count: ScalarPool.minimumLength)

    /// A file with long scalars in every style and place: plain, quoted, a literal block, a
    /// long key (twice, for a duplicate-key report), a tagged one and one in a sequence.
    static func text(_ prefix: String) -> String {
        """
        \(prefix): \(long)
        quoted: "\(long)"
        block: |
          \(long)
          \(long)
        \(longKey): first
        \(longKey): second
        tagged: !!str \(long)
        list:
        - \(long)
        - short
        number: 42

        """
    }

    func testPooledFilesReadExactlyAsUnpooledOnes() {
        let pool = ScalarPool()
        let a = YAMLParser.parse(bytes: Array(Self.text("a").utf8), path: "a.yaml", limits: YAMLLimits(), pool: pool)
        let b = YAMLParser.parse(bytes: Array(Self.text("b").utf8), path: "b.yaml", limits: YAMLLimits(), pool: pool)
        let plainA = YAMLParser.parse(bytes: Array(Self.text("a").utf8), path: "a.yaml")
        XCTAssertEqual(treeDump(a), treeDump(plainA))
        XCTAssertEqual(treeDump(b).count, treeDump(plainA).count)
        XCTAssertNil(plainA.sharedScalars, "no pool, nothing shared")
        XCTAssertEqual(a.diagnostics.map(\.kind), [.duplicateKey], "the long key repeated is reported")

        // Lookups by a long key, equality and type resolution go through the shared bytes.
        let root = a.roots[0]
        XCTAssertEqual(root[Self.longKey]?.scalar, "first")
        XCTAssertTrue(root["quoted"]!.scalarEquals(Self.long))
        XCTAssertEqual(root["a"]?.string, Self.long)
        XCTAssertEqual(root["number"]?.resolvedType, .int)

        // The same text in both files is one copy: both nodes point at the same bytes.
        let x = root["a"]!, y = b.roots[0]["b"]!
        XCTAssertTrue(x.raw.isShared && y.raw.isShared)
        XCTAssertEqual(a.bytes(of: x.raw).baseAddress, b.bytes(of: y.raw).baseAddress)
        XCTAssertFalse(root["number"]!.raw.isShared, "short scalars stay in the file's arena")
        XCTAssertEqual(x.style, .plain)
        XCTAssertEqual(root["quoted"]!.style, .doubleQuoted)
    }

    func testStructuralComparisonAndRepositionedCopiesSeeTheSameText() {
        let pool = ScalarPool()
        let a = YAMLParser.parse(bytes: Array(Self.text("x").utf8), path: "a.yaml", limits: YAMLLimits(), pool: pool)
        let plain = YAMLParser.parse(bytes: Array(Self.text("x").utf8), path: "b.yaml")
        XCTAssertTrue(StructuralDiff.identical(a.roots[0], plain.roots[0]), "shared and own bytes compare equal")
        XCTAssertEqual(StructuralDiff.canonical(a.roots[0]), StructuralDiff.canonical(plain.roots[0]))
        let moved = a.shifted(lines: 3, columns: 2)
        XCTAssertEqual(moved.roots[0]["block"]?.scalar, "\(Self.long)\n\(Self.long)\n")
        XCTAssertEqual(moved.roots[0]["block"]?.line, a.roots[0]["block"]!.line + 3)
    }

    func testALoadSharesTheKubeconfigOfEveryCopyOfARemoteSecret() throws {
        // The same remote secret in two clusters' files: its kubeconfig text is kept once, and
        // both copies read it (and its server) at their own places.
        XCTAssertGreaterThanOrEqual(EmbeddedParseCacheTests.kubeconfig.utf8.count, ScalarPool.minimumLength)
        let secret = EmbeddedParseCacheTests.remoteSecretC(EmbeddedParseCacheTests.kubeconfig)
        let set = ConfigSetLoader(options: LoadOptions(parallel: true))
            .load(documents: [("a/s.yaml", secret), ("b/s.yaml", "# moved down\n" + secret)])
        let values = set.resources.compactMap { $0.root["stringData"]?["c"] }
        XCTAssertEqual(values.count, 2)
        XCTAssertTrue(values.allSatisfy { $0.raw.isShared })
        XCTAssertEqual(values[0].file.bytes(of: values[0].raw).baseAddress, values[1].file.bytes(of: values[1].raw).baseAddress)
        // One parse serves the pooled copies and an unpooled file with the same text.
        let cache = EmbeddedParseCache()
        let unpooled = YAMLParser.parse(bytes: Array(secret.utf8), path: "c/s.yaml").roots[0]["stringData"]!["c"]!
        let parses = (values + [unpooled]).map { EmbeddedYAML(scalarOf: $0, key: nil, cache: cache) }
        XCTAssertEqual(cache.stored, 1)
        XCTAssertEqual(cache.hits, 2)
        XCTAssertEqual(Set(parses.map { $0.root?["kind"]?.scalar }), ["Config"])
        let graph = MeshGraph(set: set)
        let servers = graph.identity.remoteSecrets.map { try? XCTUnwrap($0.entries.first?.kubeconfig?.servers.first) }
        XCTAssertEqual(servers.map { $0?.value }, ["https://api.east.example.com:6443", "https://api.east.example.com:6443"])
        XCTAssertEqual(servers.map { $0?.node.line }, [12, 13])
    }
}
