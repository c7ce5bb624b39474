import CYAML

/// Limits that keep hostile or accidental input from exhausting memory or time.
public struct YAMLLimits: Sendable {
    /// Files larger than this are not parsed (reported instead).
    public var maxFileBytes: Int
    /// Nodes that alias expansion may add to one document before it is rejected (alias bombs).
    public var maxAliasExpansion: UInt64
    /// Collections nested deeper than this stop the parse of the file. Kubernetes objects nest a
    /// few dozen levels; libyaml's scanner slows down quadratically with flow nesting depth, so
    /// a hostile `[[[[…]]]]` would otherwise take minutes.
    public var maxDepth: Int

    public init(maxFileBytes: Int = 64 << 20, maxAliasExpansion: UInt64 = 200_000, maxDepth: Int = 1_000) {
        self.maxFileBytes = maxFileBytes
        self.maxAliasExpansion = maxAliasExpansion
        self.maxDepth = maxDepth
    }
}

/// Parses YAML (and JSON) with libyaml's event API straight into a `YAMLFile`.
public enum YAMLParser {
    /// Parses `bytes` as a YAML stream. Never throws: problems become `diagnostics`, and every
    /// document that completed before a syntax error is kept.
    public static func parse(bytes: [UInt8], path: String, limits: YAMLLimits = YAMLLimits()) -> YAMLFile {
        bytes.withUnsafeBufferPointer { parse(buffer: $0, path: path, limits: limits) }
    }

    /// `parse(bytes:path:limits:)` keeping long scalars in `pool` (shared with the other files
    /// parsed with it) instead of in the file's own arena.
    static func parse(bytes: [UInt8], path: String, limits: YAMLLimits, pool: ScalarPool?) -> YAMLFile {
        bytes.withUnsafeBufferPointer { parse(buffer: $0, path: path, limits: limits, pool: pool) }
    }

    /// `parse(bytes:path:limits:pool:)` with the cache's pool, copying (instead of parsing
    /// again) each document `cache` already holds from another file of the load (see
    /// `DocumentCache`). The tree is the same as without the cache.
    static func parse(bytes: [UInt8], path: String, limits: YAMLLimits, cache: DocumentCache) -> YAMLFile {
        let pool = cache.pool
        return bytes.withUnsafeBufferPointer { buffer in
            guard buffer.count <= limits.maxFileBytes, encodingCheck(buffer) == nil, binaryCheck(buffer) == nil,
                  let chunks = DocumentChunk.split(buffer) else {
                return parse(buffer: buffer, path: path, limits: limits, pool: pool)
            }
            var builder = TreeBuilder(limits: limits, estimatedBytes: buffer.count, pool: pool)
            guard let toPublish = builder.runChunked(buffer, chunks: chunks, cache: cache) else {
                builder.discard()
                return parse(buffer: buffer, path: path, limits: limits, pool: pool)
            }
            let file = builder.finish(path: path, byteCount: buffer.count)
            // A full tag table left some tags unnamed (-1); a copy elsewhere might have named them.
            for c in toPublish where file.tags.count < Int(Int16.max) {
                cache.publish(c.hash, DocumentCache.Entry(bytes: c.bytes, file: file, nodes: c.nodes, children: c.children,
                                                          documents: c.documents, line: c.line))
            }
            return file
        }
    }

    /// `parse(bytes:path:limits:)` on bytes the caller holds (e.g. a scalar's text in another
    /// file's arena, so embedded YAML is parsed without copying it out first). With `shift`,
    /// every position (nodes, documents, diagnostics) is moved down by `lines` and right by
    /// `columns` as the tree is finished, in the tree's own buffers (no shifted copy).
    /// `buffer` may lie in the arena of `arenaOwner` (immutable): when every scalar's text is
    /// its own bytes of the input (plain scalars, as in every kubeconfig istioctl writes), the
    /// tree reads its scalars there and keeps no arena of its own (one copy of each remote
    /// secret's kubeconfig in memory, not two).
    static func parse(buffer: UnsafeBufferPointer<UInt8>, path: String, limits: YAMLLimits = YAMLLimits(),
                      shift: (lines: Int, columns: Int)? = nil, arenaOwner: YAMLFile? = nil, pool: ScalarPool? = nil) -> YAMLFile {
        if buffer.count > limits.maxFileBytes {
            let d = YAMLDiagnostic(kind: .tooLarge,
                                   message: "file is \(buffer.count) bytes, over the \(limits.maxFileBytes)-byte limit; it was not parsed",
                                   position: SourcePosition(line: 1, column: 1), related: nil, nodeIndex: nil)
            return YAMLFile(path: path, byteCount: buffer.count, diagnostics: [d]).shiftingPositions(shift)
        }
        if let d = encodingCheck(buffer) ?? binaryCheck(buffer) {
            return YAMLFile(path: path, byteCount: buffer.count, diagnostics: [d]).shiftingPositions(shift)
        }
        var builder = TreeBuilder(limits: limits, estimatedBytes: buffer.count, tracksInputOffsets: arenaOwner != nil, pool: pool)
        if !buffer.isEmpty { builder.run(buffer) }
        if let shift { builder.shift(lines: shift.lines, columns: shift.columns) }
        if let arenaOwner, let base = buffer.baseAddress, builder.scalarsAreInput {
            return builder.finish(path: path, byteCount: buffer.count,
                                  borrowing: (UnsafeMutablePointer(mutating: base), buffer.count, arenaOwner))
        }
        return builder.finish(path: path, byteCount: buffer.count)
    }

    /// Encodings libyaml cannot read, told by the first bytes as the YAML spec (5.2) does: UTF-32
    /// with or without a byte order mark, and UTF-16 without one (libyaml reads UTF-16 only after
    /// a BOM). Reported as that encoding, not as binary content.
    static func encodingCheck(_ bytes: UnsafeBufferPointer<UInt8>) -> YAMLDiagnostic? {
        guard bytes.count >= 2 else { return nil }
        let b0 = bytes[0], b1 = bytes[1]
        let b2: UInt8? = bytes.count > 2 ? bytes[2] : nil, b3: UInt8? = bytes.count > 3 ? bytes[3] : nil
        let name: String
        if b0 == 0, b1 == 0, b2 == 0xFE, b3 == 0xFF { name = "UTF-32 (big-endian, with a byte order mark)" }
        else if b0 == 0xFF, b1 == 0xFE, b2 == 0, b3 == 0 { name = "UTF-32 (little-endian, with a byte order mark)" }
        else if b0 == 0, b1 == 0, b2 == 0, let b3, b3 != 0 { name = "UTF-32 (big-endian)" }
        else if b0 != 0, b1 == 0, b2 == 0, b3 == 0 { name = "UTF-32 (little-endian)" }
        else if (b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF) { return nil }
        else if b0 == 0, b1 != 0 { name = "UTF-16 (big-endian, without a byte order mark)" }
        else if b0 != 0, b1 == 0 { name = "UTF-16 (little-endian, without a byte order mark)" }
        else { return nil }
        return YAMLDiagnostic(kind: .encoding, message: "the file is encoded as \(name), which YAML tools do not read",
                              position: SourcePosition(line: 1, column: 1), related: nil, nodeIndex: nil)
    }

    /// Offset of the first byte that does not start a valid UTF-8 sequence (nil when all is valid).
    static func firstInvalidUTF8(_ buf: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = buf.count
        while i < n {
            let c = buf[i]
            if c < 0x80 { i += 1; continue }
            let len: Int
            var minSecond: UInt8 = 0x80, maxSecond: UInt8 = 0xBF
            switch c {
            case 0xC2...0xDF: len = 2
            case 0xE0: len = 3; minSecond = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: len = 3
            case 0xED: len = 3; maxSecond = 0x9F
            case 0xF0: len = 4; minSecond = 0x90
            case 0xF1...0xF3: len = 4
            case 0xF4: len = 4; maxSecond = 0x8F
            default: return i
            }
            guard i + len <= n else { return i }
            guard buf[i + 1] >= minSecond && buf[i + 1] <= maxSecond else { return i }
            for k in 2..<len where buf[i + k] & 0xC0 != 0x80 { return i }
            i += len
        }
        return nil
    }

    /// A NUL byte outside a UTF-16/32 stream means this is not a text file.
    static func binaryCheck(_ buf: UnsafeBufferPointer<UInt8>) -> YAMLDiagnostic? {
        if buf.count >= 2 && ((buf[0] == 0xFF && buf[1] == 0xFE) || (buf[0] == 0xFE && buf[1] == 0xFF)) {
            return nil
        }
        guard let base = buf.baseAddress, buf.count > 0,
              let hit = memchr(base, 0, buf.count) else { return nil }
        let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
        let pos = position(ofByte: offset, in: buf)
        return YAMLDiagnostic(kind: .binary,
                              message: "binary content (NUL byte at offset \(offset)); not a YAML or JSON text file",
                              position: pos, related: nil, nodeIndex: nil)
    }

    static func position(ofByte offset: Int, in buf: UnsafeBufferPointer<UInt8>) -> SourcePosition {
        var line = 1, col = 1
        var i = 0
        while i < offset && i < buf.count {
            let c = buf[i]
            // Line breaks as libyaml counts them: LF, CRLF, a lone CR (fuzzer: crash-b6ad74db),
            // and NEL, LS and PS in UTF-8 (C2 85, E2 80 A8, E2 80 A9).
            let lineBreak = c == 10 || (c == 13 && (i + 1 >= buf.count || buf[i + 1] != 10))
            if c == 0xC2, i + 1 < offset, i + 1 < buf.count, buf[i + 1] == 0x85 {
                line += 1; col = 1; i += 2; continue
            }
            if c == 0xE2, i + 2 < offset, i + 2 < buf.count, buf[i + 1] == 0x80, buf[i + 2] == 0xA8 || buf[i + 2] == 0xA9 {
                line += 1; col = 1; i += 3; continue
            }
            if lineBreak { line += 1; col = 1 } else if c & 0xC0 != 0x80 && c != 13 { col += 1 }
            i += 1
        }
        return SourcePosition(line: line, column: col)
    }
}

/// The tree's size when a chunk started (or a run of chunks ended).
struct ChunkBound {
    let nodes: Int32
    let children: Int
    let documents: Int
}

/// A chunk parsed on its second sighting, to hand to the `DocumentCache`.
struct ChunkToPublish {
    let hash: Int
    let bytes: UnsafeBufferPointer<UInt8>
    let nodes: Range<Int32>
    let children: Range<Int>
    let documents: Range<Int>
    let line: UInt32
}

private struct Frame {
    var node: Int32
    var scratchStart: Int
}

/// Builds one file's tree from libyaml events. Every buffer is a `RawBuffer`: the node, child and
/// arena buffers become the `YAMLFile`'s storage in `finish`, the others are freed there.
private struct TreeBuilder {
    let limits: YAMLLimits
    var nodes: RawBuffer<RawNode>
    var children: RawBuffer<Int32>
    var arena: RawBuffer<UInt8>
    var tags: [String] = []
    var tagIndex: [String: Int16] = [:]
    var documents: [YAMLDocumentInfo] = []
    var diagnostics: [YAMLDiagnostic] = []
    /// The file's last line and the column after its last character, when the file does not end
    /// with a line break: libyaml then starts a line the file does not have for the stream's end,
    /// and an event there (the null root of an empty last document, after `---` or a comment)
    /// is placed at the end of the file instead.
    var endLine = UInt32.max
    var endColumn: UInt32 = 1
    /// With a pool: where long scalars are kept (see `ScalarPool`), and this file's pointers
    /// into it, in node order.
    let pool: ScalarPool?
    var sharedPointers: [UnsafePointer<UInt8>] = []

    // Per-document state.
    /// Child slots of the open collections, innermost last.
    var scratch: RawBuffer<Int32>
    var stack: RawBuffer<Frame>
    var anchors: [String: Int32] = [:]
    /// Expanded size (in nodes, aliases expanded) of every node from `sizesBase` on; 0 while a
    /// collection is open. Only anchored nodes can be alias targets, and an anchored node's
    /// descendants and alias children are all created after the document's first anchor, so
    /// sizes are tracked from that anchor on and not at all in documents without anchors.
    var sizes: RawBuffer<UInt64>
    var sizesBase: Int32 = -1
    /// With `tracksInputOffsets`: per node, the offset in the input where a scalar's text stands
    /// as written; `scalarsAreInput` stays true while every scalar's decoded text is exactly
    /// those bytes (so the input itself can serve as the arena).
    let tracksInputOffsets: Bool
    var inputOffsets: RawBuffer<UInt32>
    var scalarsAreInput: Bool
    var input = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    /// Added to every line libyaml reports: the line (0-based) its input starts on in the file,
    /// when it parses a run of chunks (see `runChunked`).
    var lineOffset: UInt32 = 0
    /// While a run of chunks is parsed: the tree's size at each explicit document start (`---`),
    /// and its 0-based line and column.
    var documentStarts: [(bound: ChunkBound, line: UInt32, column: UInt32)]? = nil
    var docRoot: Int32 = -1
    var docStart = SourcePosition(line: 1, column: 1)
    var docRejected = false
    var aliasExpansion: UInt64 = 0

    init(limits: YAMLLimits, estimatedBytes: Int, tracksInputOffsets: Bool = false, pool: ScalarPool? = nil) {
        self.limits = limits
        self.pool = tracksInputOffsets ? nil : pool
        self.tracksInputOffsets = tracksInputOffsets
        self.scalarsAreInput = tracksInputOffsets
        inputOffsets = RawBuffer(capacity: tracksInputOffsets ? estimatedBytes / 8 + 16 : 0)
        // Kubernetes YAML has about one node per 12 bytes; decoded UTF-8 scalar text is never
        // longer than the input. Reserving generously costs only address space: pages that are
        // never written are never faulted in, and `finish` shrinks each buffer in place.
        nodes = RawBuffer(capacity: estimatedBytes / 8 + 16)
        children = RawBuffer(capacity: estimatedBytes / 8 + 16)
        arena = RawBuffer(capacity: estimatedBytes + 16)
        scratch = RawBuffer(capacity: 256)
        stack = RawBuffer(capacity: 64)
        sizes = RawBuffer(capacity: 0)
    }

    /// Moves every position built so far down by `lines` and right by `columns`, in place.
    mutating func shift(lines: Int, columns: Int) {
        let dl = UInt32(max(0, lines)), dc = UInt32(max(0, columns))
        for i in 0..<nodes.count {
            var n = nodes[i]
            n.line += dl
            n.column += dc
            nodes[i] = n
        }
        documents = documents.map { YAMLDocumentInfo(root: $0.root, position: $0.position.shifted(lines, columns)) }
        diagnostics = diagnostics.map { $0.shifted(lines, columns) }
    }

    /// Hands the tree to a `YAMLFile` and frees the working buffers; the builder is spent.
    /// With `borrowing` (only when `scalarsAreInput`), scalars point into the input, which
    /// lies in the owner's arena, and the builder's own arena is freed.
    func finish(path: String, byteCount: Int,
                borrowing: (base: UnsafeMutablePointer<UInt8>, count: Int, owner: YAMLFile)? = nil) -> YAMLFile {
        scratch.deallocate()
        stack.deallocate()
        sizes.deallocate()
        defer { inputOffsets.deallocate() }
        if let borrowing {
            precondition(scalarsAreInput && inputOffsets.count == nodes.count)
            for i in 0..<nodes.count where nodes[i].kind == .scalar { nodes[i].start = inputOffsets[i] }
            arena.deallocate()
            return YAMLFile(path: path, byteCount: byteCount, documents: documents, diagnostics: diagnostics,
                            nodes: nodes.freeze(), children: children.freeze(),
                            arena: FrozenBuffer(borrowing: borrowing.base, count: borrowing.count),
                            arenaOwner: borrowing.owner, tags: tags)
        }
        return YAMLFile(path: path, byteCount: byteCount, documents: documents, diagnostics: diagnostics,
                        nodes: nodes.freeze(), children: children.freeze(), arena: arena.freeze(), tags: tags,
                        sharedScalars: pool.flatMap { p in sharedPointers.isEmpty ? nil : SharedScalars(pointers: sharedPointers, pool: p) })
    }

    mutating func run(_ input: UnsafeBufferPointer<UInt8>) {
        self.input = input
        findEnd(input)
        parseStream(input)
    }

    /// Sets `endLine` and `endColumn` for a file that does not end with a line break.
    mutating func findEnd(_ input: UnsafeBufferPointer<UInt8>) {
        if let last = input.last, last != 10 && last != 13 {
            let end = YAMLParser.position(ofByte: input.count, in: input)
            endLine = UInt32(end.line)
            endColumn = UInt32(end.column)
        }
    }

    /// Parses `stream` (the file, or a run of its chunks starting on line `lineOffset`); false
    /// after a syntax error or when it nests too deep (both reported).
    @discardableResult
    mutating func parseStream(_ stream: UnsafeBufferPointer<UInt8>) -> Bool {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else {
            diagnostics.append(YAMLDiagnostic(kind: .syntax, message: "libyaml could not initialise a parser",
                                              position: SourcePosition(line: 1, column: 1), related: nil, nodeIndex: nil))
            return false
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, stream.baseAddress, stream.count)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) != 0 else {
                reportParserError(&parser, input)
                return false
            }
            let done = event.type == YAML_STREAM_END_EVENT
            let mark = event.start_mark
            handle(&event)
            yaml_event_delete(&event)
            if done { return true }
            if stack.count > limits.maxDepth {
                diagnostics.append(YAMLDiagnostic(
                    kind: .tooDeep,
                    message: "collections are nested more than \(limits.maxDepth) levels deep here; the rest of the file was not parsed",
                    position: SourcePosition(line: Int(mark.line) + 1 + Int(lineOffset), column: Int(mark.column) + 1),
                    related: nil, nodeIndex: nil))
                return false
            }
        }
    }

    /// Where the tree stands now.
    var bound: ChunkBound {
        ChunkBound(nodes: Int32(nodes.count), children: children.count, documents: documents.count)
    }

    /// Builds the file from its chunks (see `DocumentCache`): each chunk the cache holds is
    /// copied, each run of the others is parsed by one libyaml parser. Returns the chunks to
    /// hand to the cache once the file is finished, or nil when the file must be parsed whole
    /// instead (the builder is then spent): any diagnostic, or a document start libyaml did not
    /// see at exactly a chunk's first line.
    mutating func runChunked(_ input: UnsafeBufferPointer<UInt8>, chunks: [DocumentChunk], cache: DocumentCache) -> [ChunkToPublish]? {
        self.input = input
        findEnd(input)
        let base = input.baseAddress!
        func bytes(_ c: DocumentChunk) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(start: base + c.start, count: c.end - c.start)
        }
        let looked = chunks.map { c -> (hash: Int, lookup: DocumentCache.Lookup) in
            let b = bytes(c)
            let h = cache.hash(b.baseAddress!, b.count)
            return (h, cache.lookup(h, b))
        }
        var toPublish: [ChunkToPublish] = []
        var i = 0
        while i < chunks.count {
            if case .hit(let entry) = looked[i].lookup {
                copy(entry, toLine: chunks[i].line)
                i += 1
                continue
            }
            var j = i + 1
            while j < chunks.count, case .miss = looked[j].lookup { j += 1 }
            let first = bound
            lineOffset = chunks[i].line
            documentStarts = []
            let parsed = parseStream(UnsafeBufferPointer(start: base + chunks[i].start, count: chunks[j - 1].end - chunks[i].start))
            guard parsed, diagnostics.isEmpty, let starts = documentStarts else { return nil }
            documentStarts = nil
            let explicit = chunks[i..<j].filter(\.explicit)
            guard starts.count == explicit.count,
                  zip(starts, explicit).allSatisfy({ $0.line == $1.line && $0.column == 0 }) else { return nil }
            var bounds = (chunks[i].explicit ? [] : [first]) + starts.map(\.bound)
            bounds.append(bound)
            for k in i..<j {
                guard case .miss(publish: true) = looked[k].lookup, chunks[k].endsWithBreak else { continue }
                let (a, b) = (bounds[k - i], bounds[k - i + 1])
                toPublish.append(ChunkToPublish(hash: looked[k].hash, bytes: bytes(chunks[k]), nodes: a.nodes..<b.nodes,
                                                children: a.children..<b.children, documents: a.documents..<b.documents,
                                                line: chunks[k].line))
            }
            i = j
        }
        return toPublish
    }

    /// Appends a cached chunk's tree as if its text had been parsed here, starting on `line`
    /// (0-based): the same nodes in the same order, moved to their lines, with their scalars
    /// in this file's arena (or the same pooled text) and their tags in this file's table.
    mutating func copy(_ e: DocumentCache.Entry, toLine line: UInt32) {
        let src = e.file
        let lineDelta = Int64(line) - Int64(e.line)
        let nodeDelta = Int32(nodes.count) - e.nodes.lowerBound
        let childDelta = Int64(children.count) - Int64(e.children.lowerBound)
        src.nodes.withUnsafeBufferPointer { srcNodes in
            for k in e.nodes {
                var n = srcNodes[Int(k)]
                n.line = UInt32(truncatingIfNeeded: Int64(n.line) + lineDelta)
                if n.kind == .scalar {
                    if n.isShared {
                        sharedPointers.append(src.sharedScalars!.pointer(Int(n.start)))
                        n.start = UInt32(truncatingIfNeeded: sharedPointers.count - 1)
                    } else {
                        let text = src.bytes(of: n)
                        n.start = UInt32(truncatingIfNeeded: arena.count)
                        if n.count > 0 { arena.append(text.baseAddress!, count: text.count) }
                    }
                } else {
                    n.start = UInt32(truncatingIfNeeded: Int64(n.start) + childDelta)
                }
                if n.tag >= 0 { n.tag = internTag(name: src.tags[Int(n.tag)]) }
                nodes.append(n)
            }
        }
        src.children.withUnsafeBufferPointer { srcChildren in
            for k in e.children { children.append(srcChildren[k] + nodeDelta) }
        }
        for d in src.storedDocuments[e.documents] {
            documents.append(YAMLDocumentInfo(root: d.root + nodeDelta,
                                              position: SourcePosition(line: Int(Int64(d.position.line) + lineDelta), column: d.position.column)))
        }
    }

    /// Frees the buffers of a builder whose tree is not wanted.
    func discard() {
        nodes.deallocate()
        children.deallocate()
        arena.deallocate()
        scratch.deallocate()
        stack.deallocate()
        sizes.deallocate()
        inputOffsets.deallocate()
    }

    mutating func reportParserError(_ parser: inout yaml_parser_t, _ input: UnsafeBufferPointer<UInt8>) {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var message = problem
        if let ctx = parser.context.map({ String(cString: $0) }) {
            message += " " + ctx
        }
        var position = SourcePosition(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        if parser.error == YAML_READER_ERROR {
            message = "cannot decode the file as UTF-8/UTF-16 text: \(problem)"
            var offset = Int(parser.problem_offset)
            var value = Int(parser.problem_value)
            // libyaml reports a bad continuation byte, not the byte that started the sequence: in
            // UTF-8 input, point at the first byte that is not UTF-8 (a Latin-1 'é' is one byte).
            let isUTF16 = input.count >= 2 && ((input[0] == 0xFF && input[1] == 0xFE) || (input[0] == 0xFE && input[1] == 0xFF))
            if !isUTF16, let bad = YAMLParser.firstInvalidUTF8(input) {
                offset = bad
                value = Int(input[bad])
                message = "cannot decode the file as UTF-8: byte 0x\(String(value, radix: 16, uppercase: true)) at offset \(bad) is not UTF-8"
                if value >= 0x80 { message += " (the file is probably Latin-1 or Windows-1252)" }
            } else if value >= 0 {
                message += " (byte 0x\(String(value, radix: 16)))"
            }
            position = YAMLParser.position(ofByte: offset, in: input)
        }
        let related: SourcePosition? = parser.context != nil
            ? SourcePosition(line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1)
            : nil
        // libyaml starts a new line at the end of a stream without a final line break, so an
        // end-of-input error lands on a line the file does not have: report the file's end.
        let end = YAMLParser.position(ofByte: input.count, in: input)
        func inFile(_ p: SourcePosition) -> SourcePosition { p.line > end.line ? end : p }
        diagnostics.append(YAMLDiagnostic(
            kind: parser.error == YAML_READER_ERROR ? .encoding : .syntax,
            message: message,
            position: inFile(position), related: related.map(inFile), nodeIndex: nil))
    }

    @inline(__always)
    mutating func internTag(_ p: UnsafeMutablePointer<yaml_char_t>?) -> Int16 {
        guard let p else { return -1 }
        return internTagSlow(p)
    }

    @inline(never)
    mutating func internTagSlow(_ p: UnsafeMutablePointer<yaml_char_t>) -> Int16 {
        internTag(name: String(cString: p))
    }

    mutating func internTag(name s: String) -> Int16 {
        if let i = tagIndex[s] { return i }
        guard tags.count < Int(Int16.max) else { return -1 }
        let i = Int16(tags.count)
        tags.append(s)
        tagIndex[s] = i
        return i
    }

    /// Appends a node (attached to the open collection or as the document root). `anchored`
    /// starts size tracking at this node when it is the document's first anchor.
    @inline(__always)
    mutating func addNode(_ node: RawNode, size: UInt64, anchored: Bool, inputOffset: UInt32 = 0) -> Int32 {
        let id = Int32(nodes.count)
        nodes.append(node)
        if tracksInputOffsets { inputOffsets.append(inputOffset) }
        if anchored && sizesBase < 0 {
            sizesBase = id
            sizes.count = 0
        }
        if sizesBase >= 0 { sizes.append(size) }
        if stack.count == 0 {
            docRoot = id
        } else {
            scratch.append(id)
        }
        return id
    }

    /// A null scalar where an alias could not be resolved, so that a mapping keeps a value for
    /// every key: without it the keys and values after the alias shifted by one (the fuzzer: an
    /// unknown alias as a key made later values duplicate "keys" and `pairs` read past the
    /// mapping). The document is rejected anyway; its nodes stay well-formed.
    mutating func attachPlaceholder(line: UInt32, column: UInt32) {
        _ = addNode(RawNode(kind: .scalar, style: .plain, tag: -1, line: line, column: column,
                            start: UInt32(truncatingIfNeeded: arena.count), count: 0),
                    size: 1, anchored: false)
    }

    @inline(__always)
    mutating func attachExisting(_ id: Int32) {
        if stack.count == 0 { docRoot = id } else { scratch.append(id) }
    }

    @inline(__always)
    mutating func recordAnchor(_ p: UnsafeMutablePointer<yaml_char_t>?, _ id: Int32) {
        guard let p else { return }
        anchors[String(cString: p)] = id
    }

    /// The expanded size of a tracked node (every anchored node and its descendants are tracked).
    @inline(__always)
    func size(of id: Int32) -> UInt64 {
        assert(sizesBase >= 0 && id >= sizesBase)
        return sizes[Int(id - sizesBase)]
    }

    mutating func handle(_ event: inout yaml_event_t) {
        let mark = event.start_mark
        var line = UInt32(mark.line + 1) &+ lineOffset, column = UInt32(mark.column + 1)
        if line > endLine { line = endLine; column = endColumn }
        switch event.type {
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let style: YAMLScalarStyle
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            var start = UInt32(truncatingIfNeeded: arena.count)
            let length = Int(s.length)
            var shared = false
            if let pool, length >= ScalarPool.minimumLength, let v = s.value {
                start = UInt32(truncatingIfNeeded: sharedPointers.count)
                sharedPointers.append(pool.intern(v, count: length))
                shared = true
            } else if length > 0, let v = s.value {
                arena.append(v, count: length)
            }
            // A plain scalar written with the non-specific tag "!" is a string; libyaml reports
            // explicit tags only, so `s.tag` is nil for ordinary scalars.
            let tag = internTag(s.tag)
            var inputOffset: UInt32 = 0
            if scalarsAreInput {
                // The text as written at the scalar's start (a plain scalar on one line), or
                // the input cannot serve as the arena.
                let at = Int(mark.index)
                if at >= 0, at + length <= input.count, at <= Int(UInt32.max),
                   length == 0 || memcmp(input.baseAddress! + at, s.value!, length) == 0 {
                    inputOffset = UInt32(at)
                } else {
                    scalarsAreInput = false
                }
            }
            var node = RawNode(kind: .scalar, style: style, tag: tag, line: line, column: column,
                               start: start, count: UInt32(truncatingIfNeeded: length))
            node.isShared = shared
            let id = addNode(node, size: 1, anchored: s.anchor != nil, inputOffset: inputOffset)
            recordAnchor(s.anchor, id)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMap = event.type == YAML_MAPPING_START_EVENT
            let flow = isMap ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                             : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
            let tag = internTag(isMap ? event.data.mapping_start.tag : event.data.sequence_start.tag)
            let anchor = isMap ? event.data.mapping_start.anchor : event.data.sequence_start.anchor
            let id = addNode(RawNode(kind: isMap ? .mapping : .sequence, style: flow ? .flow : .block, tag: tag,
                                     line: line, column: column, start: 0, count: 0),
                             size: 0, anchored: anchor != nil)
            recordAnchor(anchor, id)
            stack.append(Frame(node: id, scratchStart: scratch.count))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard stack.count > 0 else { return }
            let frame = stack[stack.count - 1]
            stack.count -= 1
            let start = children.count
            let n = scratch.count - frame.scratchStart
            children.append(scratch.base + frame.scratchStart, count: n)
            if sizesBase >= 0 && frame.node >= sizesBase {
                var size: UInt64 = 1
                for k in frame.scratchStart..<scratch.count {
                    let c = scratch[k]
                    // Every child of a tracked node is tracked (see `sizes`); 1 is a safe default.
                    size = size &+ (c >= sizesBase ? sizes[Int(c - sizesBase)] : 1)
                }
                sizes[Int(frame.node - sizesBase)] = max(size, 1)
            }
            scratch.count = frame.scratchStart
            let node = Int(frame.node)
            nodes[node].start = UInt32(truncatingIfNeeded: start)
            nodes[node].count = UInt32(truncatingIfNeeded: n)
            if event.type == YAML_MAPPING_END_EVENT {
                checkDuplicateKeys(mapping: frame.node, from: start, to: children.count)
            }
        case YAML_ALIAS_EVENT:
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            let pos = SourcePosition(line: Int(line), column: Int(column))
            guard let target = anchors[name] else {
                diagnostics.append(YAMLDiagnostic(kind: .syntax, message: "unknown anchor '\(name)' referenced by an alias",
                                                  position: pos, related: nil, nodeIndex: nil))
                docRejected = true
                attachPlaceholder(line: line, column: column)
                return
            }
            let tsize = size(of: target)
            if tsize == 0 {
                if !docRejected {
                    diagnostics.append(YAMLDiagnostic(kind: .aliasExpansion,
                                                      message: "alias '*\(name)' refers to a node that contains it (recursive structure); the document was skipped",
                                                      position: pos, related: nodes[Int(target)].position, nodeIndex: nil))
                }
                docRejected = true
                attachPlaceholder(line: line, column: column)
                return
            }
            aliasExpansion = aliasExpansion &+ tsize
            if aliasExpansion > limits.maxAliasExpansion && !docRejected {
                docRejected = true
                diagnostics.append(YAMLDiagnostic(kind: .aliasExpansion,
                                                  message: "alias expansion exceeds \(limits.maxAliasExpansion) nodes (an alias bomb?); the document was skipped",
                                                  position: pos, related: nodes[Int(target)].position, nodeIndex: nil))
            }
            attachExisting(target)
        case YAML_DOCUMENT_START_EVENT:
            if documentStarts != nil && event.data.document_start.implicit == 0 {
                documentStarts!.append((bound, line - 1, column - 1))
            }
            docRoot = -1
            docStart = SourcePosition(line: Int(line), column: Int(column))
            docRejected = false
            aliasExpansion = 0
            if !anchors.isEmpty { anchors.removeAll(keepingCapacity: true) }
            sizesBase = -1
            sizes.count = 0
        case YAML_DOCUMENT_END_EVENT:
            if docRoot >= 0 && !docRejected {
                documents.append(YAMLDocumentInfo(root: docRoot, position: docStart))
            }
        default:
            break
        }
    }

    /// Reports every key of the mapping whose scalar text repeats an earlier key's.
    mutating func checkDuplicateKeys(mapping: Int32, from: Int, to: Int) {
        let n = (to - from) / 2
        guard n > 1 else { return }
        let nodes = self.nodes, children = self.children
        if n <= 24 {
            var i = from + 2
            while i < to {
                let a = nodes[Int(children[i])]
                if a.kind == .scalar {
                    var j = from
                    while j < i {
                        let b = nodes[Int(children[j])]
                        if b.kind == .scalar && sameText(a, b) {
                            reportDuplicate(key: a, first: b, mapping: mapping)
                            break
                        }
                        j += 2
                    }
                }
                i += 2
            }
            return
        }
        var seen: [UInt64: [Int32]] = [:]
        seen.reserveCapacity(n)
        var i = from
        while i < to {
            let id = children[i]
            let a = nodes[Int(id)]
            if a.kind == .scalar {
                let h = hashText(a)
                if let prior = seen[h], let hit = prior.first(where: { sameText(nodes[Int($0)], a) }) {
                    reportDuplicate(key: a, first: nodes[Int(hit)], mapping: mapping)
                } else {
                    seen[h, default: []].append(id)
                }
            }
            i += 2
        }
    }

    /// Where scalar `a`'s bytes are (the arena, or the pool).
    @inline(__always)
    func bytes(of a: RawNode) -> UnsafePointer<UInt8> {
        a.isShared ? sharedPointers[Int(a.start)] : UnsafePointer(arena.base + Int(a.start))
    }

    @inline(__always)
    func sameText(_ a: RawNode, _ b: RawNode) -> Bool {
        guard a.count == b.count else { return false }
        if a.count == 0 { return true }
        return memcmp(bytes(of: a), bytes(of: b), Int(a.count)) == 0
    }

    func hashText(_ a: RawNode) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        var p = bytes(of: a)
        let end = p + Int(a.count)
        while p < end {
            h = (h ^ UInt64(p.pointee)) &* 0x100000001b3
            p += 1
        }
        return h
    }

    mutating func reportDuplicate(key: RawNode, first: RawNode, mapping: Int32) {
        let text = String(decoding: UnsafeBufferPointer(start: bytes(of: key), count: Int(key.count)), as: UTF8.self)
        diagnostics.append(YAMLDiagnostic(
            kind: .duplicateKey,
            message: "duplicate key '\(text)' (first at line \(first.line))",
            position: key.position, related: first.position, nodeIndex: mapping))
    }
}

extension RawNode {
    var position: SourcePosition { SourcePosition(line: Int(line), column: Int(column)) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
