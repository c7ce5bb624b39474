import Foundation
import MeshLint

/// The fast fuzz target: the YAML layer, the loader and the graph's facts, without rules or
/// reporters (about what one file costs before any rule runs). The same input format as
/// ``FuzzOracle`` (`--- file:` headers), so the two targets share seeds and corpus.
///
/// Checks, any failure traps (a crash for libFuzzer):
/// - each file parsed from its raw bytes (invalid UTF-8, byte order marks and encodings other
///   than UTF-8 included, which the documents API cannot carry): every node and diagnostic
///   lies inside the file, every node's scalar, type, int, bool, tag, items and pairs can be
///   read, a mapping has as many keys as values;
/// - the whole input loaded as a set through the in-memory documents API and its graph built
///   (every cluster's facts): every resource's node lies inside its file;
/// - each file loaded four times in one set (the fourth after a document of its own), so that
///   its documents are recorded, cached and then copied (`LoadOptions.reusesRepeatedDocuments`):
///   every copy reads exactly as the file parsed alone.
public enum LoadOracle {
    public static func run(_ bytes: [UInt8]) {
        for (path, raw) in rawFiles(bytes) {
            let file = YAMLParser.parse(bytes: raw, path: path)
            check(file, lines: byteLineLengths(raw), raw: raw)
        }
        let docs = FuzzOracle.documents(bytes)
        let set = ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: docs)
        let graph = MeshGraph(set: set)
        var lines: [String: [Int]] = [:]
        for d in docs { lines[d.path] = FuzzOracle.lineLengths(d.text) }
        for r in set.resources where !r.isImplied {
            guard let fileLines = lines[r.file] else { continue }  // embedded documents live in their host's text
            inBounds(SourcePosition(line: r.root.line, column: r.root.column), fileLines, "resource \(r.identity.display) in \(r.file)")
            inBounds(r.nameNode.position, fileLines, "name of \(r.identity.display) in \(r.file)")
        }
        FuzzOracle.require(graph.facts.count == set.clusters.count, "facts for \(graph.facts.count) of \(set.clusters.count) clusters")
        checkRepeatedDocuments(docs)
        for f in graph.facts {
            for fact in [f.clusterName, f.network, f.meshID, f.trustDomain] {
                for s in fact.sources { _ = OutputEscaping.text(s.value) }
            }
        }
    }

    /// The input's files as raw bytes, split at the same header lines as ``FuzzOracle/documents(_:)``
    /// (paths unchecked: only the parser sees them).
    static func rawFiles(_ bytes: [UInt8]) -> [(String, [UInt8])] {
        let header = Array(FuzzOracle.header.utf8)
        var out: [(String, [UInt8])] = []
        var path = "shared.yaml"
        var start = 0
        var i = 0
        func flush(_ end: Int) {
            // The newline before a header belongs to the header.
            let stop = end > start && bytes[end - 1] == 0x0A && end != bytes.count ? end - 1 : end
            if !(path == "shared.yaml" && stop <= start) { out.append((path, Array(bytes[start..<max(start, stop)]))) }
        }
        while i <= bytes.count {
            let lineStart = i
            while i < bytes.count && bytes[i] != 0x0A { i += 1 }
            if bytes[lineStart..<i].starts(with: header) {
                flush(lineStart)
                path = String(decoding: bytes[(lineStart + header.count)..<i], as: UTF8.self)
                start = min(i + 1, bytes.count)
            }
            i += 1
        }
        flush(bytes.count)
        return out
    }

    /// Byte length of each line for the positions the parser reports: LF, CR, CRLF and the
    /// UTF-8 encodings of NEL, LS and PS break lines.
    static func byteLineLengths(_ b: [UInt8]) -> [Int] {
        var out: [Int] = []
        var n = 0
        var i = 0
        while i < b.count {
            if b[i] == 0x0A { out.append(n); n = 0; i += 1; continue }
            if b[i] == 0x0D { out.append(n); n = 0; i += (i + 1 < b.count && b[i + 1] == 0x0A) ? 2 : 1; continue }
            if b[i] == 0xC2, i + 1 < b.count, b[i + 1] == 0x85 { out.append(n); n = 0; i += 2; continue }
            if b[i] == 0xE2, i + 2 < b.count, b[i + 1] == 0x80, b[i + 2] == 0xA8 || b[i + 2] == 0xA9 { out.append(n); n = 0; i += 3; continue }
            n += 1
            i += 1
        }
        out.append(n)
        return out
    }

    static func check(_ file: YAMLFile, lines: [Int], raw: [UInt8]) {
        // Positions are UTF-8 byte columns; a file in UTF-16 (with its byte order mark) has
        // other columns, so only its structure is checked.
        let utf16 = raw.count >= 2 && ((raw[0] == 0xFF && raw[1] == 0xFE) || (raw[0] == 0xFE && raw[1] == 0xFF))
        for d in file.diagnostics where !utf16 {
            inBounds(d.position, lines, "\(d.kind) diagnostic '\(d.message)' of \(file.path)")
            if let r = d.related { inBounds(r, lines, "related position of \(d.kind) diagnostic of \(file.path)") }
            if let n = d.nodeIndex { FuzzOracle.require(n >= 0 && Int(n) < file.nodeCount, "diagnostic node \(n) of \(file.nodeCount)") }
        }
        for doc in file.documents {
            FuzzOracle.require(doc.root >= 0 && Int(doc.root) < file.nodeCount, "document root \(doc.root) of \(file.nodeCount) nodes")
        }
        for i in 0..<file.nodeCount {
            let node = file.node(Int32(i))
            if !utf16 { inBounds(node.position, lines, "node \(i) (\(node.kind)) of \(file.path)") }
            _ = node.tag
            switch node.kind {
            case .scalar:
                _ = node.scalar
                _ = node.resolvedType
                _ = node.int
                _ = node.bool
                FuzzOracle.require(node.count == 0, "scalar with children")
            case .sequence:
                for item in node.items { FuzzOracle.require(Int(item.index) < file.nodeCount, "item out of the file") }
            case .mapping:
                let pairs = node.pairs
                FuzzOracle.require(pairs.count == node.count, "mapping pairs \(pairs.count) != count \(node.count)")
                _ = node.mergedPairs
                if let k = pairs.first?.key.scalar { FuzzOracle.require(node.keyNode(k) != nil, "key '\(k)' not found in its mapping") }
            }
        }
    }

    /// Loads every file four times (`r1/` to `r4/`, in that order, the last after a document of
    /// its own) and compares each loaded tree with the file parsed alone.
    static func checkRepeatedDocuments(_ docs: [(path: String, text: String)]) {
        var texts: [String: String] = [:]
        var repeated: [(path: String, text: String)] = []
        for d in docs where !d.path.hasSuffix("meshlint.yaml") {
            for copy in 1...4 {
                let path = "r\(copy)/\(d.path)"
                let text = copy == 4 ? "---\nleading: document\n" + d.text : d.text
                texts[path] = text
                repeated.append((path, text))
            }
        }
        let set = ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: repeated)
        for file in set.files {
            // Go templates are kept without their parse (the loader replaces the tree).
            guard let text = texts[file.path], file.nodeCount > 0 || !file.diagnostics.isEmpty else { continue }
            let alone = YAMLParser.parse(bytes: Array(text.utf8), path: file.path)
            FuzzOracle.require(dump(file) == dump(alone), "\(file.path): the loaded tree differs from the file parsed alone")
        }
    }

    /// Every node (kind, style, tag, position, text, children), document and diagnostic.
    static func dump(_ f: YAMLFile) -> [String] {
        var out = f.documents.map { "doc \($0.root) \($0.position.line):\($0.position.column)" }
        for i in 0..<f.nodeCount {
            let n = f.node(Int32(i))
            let kids = n.isMapping ? n.pairs.flatMap { [$0.key.index, $0.value.index] } : n.items.map(\.index)
            out.append("\(n.kind) \(n.style) \(n.tag ?? "-") \(n.line):\(n.column) \(n.scalar ?? "") \(kids)")
        }
        out += f.diagnostics.map { "\($0.kind) \($0.message) \($0.position.line):\($0.position.column)" }
        return out
    }

    static func inBounds(_ p: SourcePosition, _ lines: [Int], _ what: @autoclosure () -> String) {
        FuzzOracle.require(p.line >= 1 && p.line <= lines.count, "\(what()) at line \(p.line) of \(lines.count)")
        FuzzOracle.require(p.column >= 1 && p.column <= lines[p.line - 1] + 1,
                           "\(what()) at \(p.line):\(p.column), line has \(lines[p.line - 1]) bytes")
    }
}
