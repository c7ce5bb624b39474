import Foundation
import XCTest
@testable import MeshLintCore

/// A document copied from the `DocumentCache` reads exactly as the same text parsed where it
/// stands: same nodes, lines, columns, tags, texts, documents and diagnostics.
final class DocumentCacheTests: XCTestCase {
    static let long = String(repeating: "0123456789abcdef", count: 20)  // pooled (320 bytes)

    /// Documents that exercise what a copy must carry over: anchors and aliases, explicit and
    /// custom tags, long (pooled) and short scalars, a literal block that keeps its trailing
    /// lines before the next `---`, an empty document, a top-level block scalar, flow
    /// collections, a comment-only tail, `...`, text that is not ASCII and CRLF line breaks.
    static let documents: [String] = [
        "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: remote\nstringData:\n  c1: |\n    \(long)\n    server: https://a:6443\n",
        "--- &top\nbase: &b {x: 1, y: [a, \"b\", 'c']}\nderived:\n  <<: *b\n  z: !custom 3\nflag: !!str true\n",
        "---\nkeep: |+\n  text\n\n\n",
        "---\n",
        "--- |\n  a top-level\n  block\n",
        "---\n# only a comment, then the end marker\nkey: value\n...\n# trailing comment\n",
        "---\nnaïve: \"ünïcödé\"\nlist:\n- \(long)\n- short\n",
        "---\r\ncrlf: yes\r\nnested:\r\n  k: v\r\n",
        "--- # comment on the marker line\nempty:\nnull: ~\n",
    ]

    static func file(_ docs: [String], header: String = "") -> [UInt8] {
        Array((header + docs.joined()).utf8)
    }

    func testCopiedDocumentsReadExactlyAsParsedOnes() {
        let cache = DocumentCache(pool: ScalarPool())
        let docs = Self.documents
        // Each document is seen in four files, in different orders and at different lines, so
        // that it is parsed twice (recorded, then cached) and copied from the third file on.
        let files: [[UInt8]] = [
            Self.file(docs),
            Self.file(docs.reversed(), header: "# generated\n"),
            Self.file(Array(docs[3...] + docs[..<3]), header: "first: document\n"),
            Self.file(docs, header: "---\nunique: \(UUID().uuidString)\n"),
            Self.file(docs.shuffled() + ["---\nlast: without a final line break"]),
        ]
        for (i, bytes) in files.enumerated() {
            let cached = YAMLParser.parse(bytes: bytes, path: "f\(i).yaml", limits: YAMLLimits(), cache: cache)
            let plain = YAMLParser.parse(bytes: bytes, path: "f\(i).yaml")
            XCTAssertEqual(treeDump(cached), treeDump(plain), "file \(i)")
            XCTAssertTrue(cached.diagnostics.isEmpty, "file \(i)")
        }
        XCTAssertGreaterThanOrEqual(cache.hitCount, 2 * docs.count, "the last files copy their documents")
    }

    func testTheLoaderReadsRepeatedDocumentsAlikeWithOrWithoutTheCache() {
        let text = Self.documents.joined()
        let docs = (1...5).map { (path: "c\($0)/remote-secrets.yaml", text: $0 == 5 ? "---\nown: doc\n" + text : text) }
        let cached = ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: docs)
        let parsed = ConfigSetLoader(options: LoadOptions(parallel: false, reusesRepeatedDocuments: false)).load(documents: docs)
        XCTAssertEqual(cached.files.map(\.path), parsed.files.map(\.path))
        XCTAssertEqual(cached.files.count, 5)
        for (a, b) in zip(cached.files, parsed.files) { XCTAssertEqual(treeDump(a), treeDump(b), a.path) }
        XCTAssertEqual(cached.resources.map(\.identity.display), parsed.resources.map(\.identity.display))
    }

    func testDocumentsNextToProblemsReadAsParsedWhole() {
        let cache = DocumentCache(pool: ScalarPool())
        let docs = Self.documents
        for i in 0..<3 {
            _ = YAMLParser.parse(bytes: Self.file(docs), path: "warm\(i).yaml", limits: YAMLLimits(), cache: cache)
        }
        let hits = cache.hitCount
        // Cached documents before and after a duplicate key, an unknown alias, a syntax error,
        // an unterminated quote that runs into the next `---`, and an alias bomb limit.
        let problems = [
            "---\na: 1\na: 2\n",
            "---\nx: *nowhere\n",
            "---\nkey: [unclosed\n",
            "---\nq: \"runs on\n",
            "---\nkey: value\n  bad indentation: here\n",
        ]
        for (i, p) in problems.enumerated() {
            let bytes = Self.file(Array(docs[..<4]) + [p] + Array(docs[4...]))
            let cached = YAMLParser.parse(bytes: bytes, path: "p\(i).yaml", limits: YAMLLimits(), cache: cache)
            let plain = YAMLParser.parse(bytes: bytes, path: "p\(i).yaml")
            XCTAssertEqual(treeDump(cached), treeDump(plain), "problem \(i)")
            XCTAssertFalse(cached.diagnostics.isEmpty, "problem \(i) is reported")
        }
        XCTAssertGreaterThan(cache.hitCount, hits, "the documents around the problems were looked up")
    }

    func testFilesThatCannotBeSplitAtLinesAreParsedWhole() {
        func chunks(_ text: String) -> [DocumentChunk]? {
            let bytes = Array(text.utf8)
            return bytes.withUnsafeBufferPointer { DocumentChunk.split($0) }
        }
        XCTAssertNil(chunks("%YAML 1.1\n---\na: 1\n"), "directives")
        XCTAssertNil(chunks("a: 1\r---\nb: 2\n"), "a lone carriage return is a line break to libyaml")
        XCTAssertNil(chunks("a: \"x\u{85}y\"\n---\nb: 2\n"), "NEL")
        XCTAssertNil(chunks("a: x\u{2028}y\n"), "line separator")
        XCTAssertNil(chunks(""), "nothing to split")
        let split = chunks("# head\n---\na: 1\n--- \nb: 2\n---x\n----\n---\tc\n---")!
        XCTAssertEqual(split.map(\.line), [0, 1, 3, 7, 8])
        XCTAssertEqual(split.map(\.explicit), [false, true, true, true, true])
        XCTAssertEqual(split.map(\.endsWithBreak), [true, true, true, true, false])
    }

    /// Every YAML and JSON file of the corpus and the fixtures, seen three times (recorded,
    /// cached, copied) and at a shifted line, reads as its plain parse.
    func testEveryCorpusFileReadsAlikeWhenCopied() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var paths: [String] = []
        for dir in ["Corpus", "Tests/Fixtures"] {
            let base = root.appendingPathComponent(dir)
            guard let e = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let rel as String in e where [".yaml", ".yml", ".json"].contains(where: rel.hasSuffix) {
                paths.append(base.appendingPathComponent(rel).path)
            }
        }
        XCTAssertGreaterThan(paths.count, 100)
        let cache = DocumentCache(pool: ScalarPool())
        var compared = 0
        for path in paths.sorted() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            let shifted = Array("---\nfirst: \(compared)\n".utf8) + bytes
            for (name, b) in [("a", bytes), ("b", bytes), ("c", bytes), ("d", shifted)] {
                let cached = YAMLParser.parse(bytes: b, path: name, limits: YAMLLimits(), cache: cache)
                let plain = YAMLParser.parse(bytes: b, path: name)
                XCTAssertEqual(treeDump(cached), treeDump(plain), "\(path) (\(name))")
            }
            compared += 1
        }
        XCTAssertGreaterThan(cache.hitCount, paths.count, "copies were made")
    }
}
