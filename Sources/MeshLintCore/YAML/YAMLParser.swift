import CYAML

/// Limits that keep hostile or accidental input from exhausting memory or time.
public struct YAMLLimits: Sendable {
    /// Files larger than this are not parsed (reported instead).
    public var maxFileBytes: Int
    /// Nodes that alias expansion may add to one document before it is rejected (alias bombs).
    public var maxAliasExpansion: UInt64

    public init(maxFileBytes: Int = 64 << 20, maxAliasExpansion: UInt64 = 200_000) {
        self.maxFileBytes = maxFileBytes
        self.maxAliasExpansion = maxAliasExpansion
    }
}

/// Parses YAML (and JSON) with libyaml's event API straight into a `YAMLFile`.
public enum YAMLParser {
    /// Parses `bytes` as a YAML stream. Never throws: problems become `diagnostics`, and every
    /// document that completed before a syntax error is kept.
    public static func parse(bytes: [UInt8], path: String, limits: YAMLLimits = YAMLLimits()) -> YAMLFile {
        if bytes.count > limits.maxFileBytes {
            let d = YAMLDiagnostic(kind: .tooLarge,
                                   message: "file is \(bytes.count) bytes, over the \(limits.maxFileBytes)-byte limit; it was not parsed",
                                   position: SourcePosition(line: 1, column: 1), related: nil, nodeIndex: nil)
            return YAMLFile(path: path, byteCount: bytes.count, documents: [], diagnostics: [d],
                            nodes: [], children: [], arena: [], tags: [])
        }
        if let d = binaryCheck(bytes) {
            return YAMLFile(path: path, byteCount: bytes.count, documents: [], diagnostics: [d],
                            nodes: [], children: [], arena: [], tags: [])
        }
        var builder = TreeBuilder(limits: limits, estimatedBytes: bytes.count)
        if !bytes.isEmpty {
            bytes.withUnsafeBufferPointer { buf in
                builder.run(buf)
            }
        }
        return YAMLFile(path: path, byteCount: bytes.count, documents: builder.documents,
                        diagnostics: builder.diagnostics, nodes: builder.nodes, children: builder.children,
                        arena: builder.arena, tags: builder.tags)
    }

    /// A NUL byte outside a UTF-16/32 stream means this is not a text file.
    static func binaryCheck(_ bytes: [UInt8]) -> YAMLDiagnostic? {
        if bytes.count >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF)) {
            return nil
        }
        return bytes.withUnsafeBufferPointer { buf -> YAMLDiagnostic? in
            guard let base = buf.baseAddress, buf.count > 0,
                  let hit = memchr(base, 0, buf.count) else { return nil }
            let offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
            let pos = position(ofByte: offset, in: buf)
            return YAMLDiagnostic(kind: .binary,
                                  message: "binary content (NUL byte at offset \(offset)); not a YAML or JSON text file",
                                  position: pos, related: nil, nodeIndex: nil)
        }
    }

    static func position(ofByte offset: Int, in buf: UnsafeBufferPointer<UInt8>) -> SourcePosition {
        var line = 1, col = 1
        var i = 0
        while i < offset && i < buf.count {
            let c = buf[i]
            if c == 10 { line += 1; col = 1 } else if c & 0xC0 != 0x80 { col += 1 }
            i += 1
        }
        return SourcePosition(line: line, column: col)
    }
}

private struct Frame {
    var node: Int32
    var scratchStart: Int
}

private struct TreeBuilder {
    let limits: YAMLLimits
    var nodes: [RawNode] = []
    var children: [Int32] = []
    var arena: [UInt8] = []
    var tags: [String] = []
    var tagIndex: [String: Int16] = [:]
    var documents: [YAMLDocumentInfo] = []
    var diagnostics: [YAMLDiagnostic] = []

    // Per-document state.
    var sizes: [UInt64] = []          // expanded size per node; 0 while a collection is open
    var scratch: [Int32] = []
    var stack: [Frame] = []
    var anchors: [String: Int32] = [:]
    var docRoot: Int32 = -1
    var docStart = SourcePosition(line: 1, column: 1)
    var docRejected = false
    var aliasExpansion: UInt64 = 0

    init(limits: YAMLLimits, estimatedBytes: Int) {
        self.limits = limits
        // Rough shape of Kubernetes YAML: one node per ~12 bytes, half the bytes are scalar text.
        nodes.reserveCapacity(estimatedBytes / 12 + 16)
        sizes.reserveCapacity(estimatedBytes / 12 + 16)
        children.reserveCapacity(estimatedBytes / 10 + 16)
        arena.reserveCapacity(estimatedBytes / 2 + 16)
    }

    mutating func run(_ input: UnsafeBufferPointer<UInt8>) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) != 0 else {
            diagnostics.append(YAMLDiagnostic(kind: .syntax, message: "libyaml could not initialise a parser",
                                              position: SourcePosition(line: 1, column: 1), related: nil, nodeIndex: nil))
            return
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, input.baseAddress, input.count)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) != 0 else {
                reportParserError(&parser, input)
                return
            }
            let done = event.type == YAML_STREAM_END_EVENT
            handle(&event)
            yaml_event_delete(&event)
            if done { return }
        }
    }

    mutating func reportParserError(_ parser: inout yaml_parser_t, _ input: UnsafeBufferPointer<UInt8>) {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        var message = problem
        if let ctx = parser.context.map({ String(cString: $0) }) {
            message += " " + ctx
        }
        if parser.error == YAML_READER_ERROR {
            message = "cannot decode the file as UTF-8/UTF-16 text: \(problem)"
            if parser.problem_value >= 0 { message += " (byte 0x\(String(parser.problem_value, radix: 16)))" }
        }
        let position = parser.error == YAML_READER_ERROR
            ? YAMLParser.position(ofByte: Int(parser.problem_offset), in: input)
            : SourcePosition(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        let related: SourcePosition? = parser.context != nil
            ? SourcePosition(line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1)
            : nil
        diagnostics.append(YAMLDiagnostic(
            kind: parser.error == YAML_READER_ERROR ? .encoding : .syntax,
            message: message,
            position: position, related: related, nodeIndex: nil))
    }

    mutating func internTag(_ p: UnsafeMutablePointer<yaml_char_t>?) -> Int16 {
        guard let p else { return -1 }
        let s = String(cString: p)
        if let i = tagIndex[s] { return i }
        guard tags.count < Int(Int16.max) else { return -1 }
        let i = Int16(tags.count)
        tags.append(s)
        tagIndex[s] = i
        return i
    }

    mutating func addNode(_ node: RawNode, size: UInt64) -> Int32 {
        let id = Int32(nodes.count)
        nodes.append(node)
        sizes.append(size)
        if stack.isEmpty {
            docRoot = id
        } else {
            scratch.append(id)
        }
        return id
    }

    mutating func attachExisting(_ id: Int32) {
        if stack.isEmpty { docRoot = id } else { scratch.append(id) }
    }

    mutating func recordAnchor(_ p: UnsafeMutablePointer<yaml_char_t>?, _ id: Int32) {
        guard let p else { return }
        anchors[String(cString: p)] = id
    }

    mutating func handle(_ event: inout yaml_event_t) {
        let mark = event.start_mark
        let line = UInt32(mark.line + 1), column = UInt32(mark.column + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            docRoot = -1
            docStart = SourcePosition(line: Int(line), column: Int(column))
            docRejected = false
            aliasExpansion = 0
            anchors.removeAll(keepingCapacity: true)
        case YAML_DOCUMENT_END_EVENT:
            if docRoot >= 0 && !docRejected {
                documents.append(YAMLDocumentInfo(root: docRoot, position: docStart))
            }
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
            let start = UInt32(truncatingIfNeeded: arena.count)
            if s.length > 0, let v = s.value {
                arena.append(contentsOf: UnsafeBufferPointer(start: v, count: Int(s.length)))
            }
            // A plain scalar written with the non-specific tag "!" is a string; libyaml reports
            // explicit tags only, so `s.tag` is nil for ordinary scalars.
            let tag = internTag(s.tag)
            let id = addNode(RawNode(kind: .scalar, style: style, tag: tag, line: line, column: column,
                                     start: start, count: UInt32(truncatingIfNeeded: s.length)), size: 1)
            recordAnchor(s.anchor, id)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isMap = event.type == YAML_MAPPING_START_EVENT
            let flow = isMap ? event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                             : event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
            let tag = internTag(isMap ? event.data.mapping_start.tag : event.data.sequence_start.tag)
            let id = addNode(RawNode(kind: isMap ? .mapping : .sequence, style: flow ? .flow : .block, tag: tag,
                                     line: line, column: column, start: 0, count: 0), size: 0)
            recordAnchor(isMap ? event.data.mapping_start.anchor : event.data.sequence_start.anchor, id)
            stack.append(Frame(node: id, scratchStart: scratch.count))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let start = children.count
            let slice = scratch[frame.scratchStart...]
            var size: UInt64 = 1
            for c in slice { size = size &+ sizes[Int(c)] }
            children.append(contentsOf: slice)
            scratch.removeSubrange(frame.scratchStart...)
            nodes[Int(frame.node)].start = UInt32(truncatingIfNeeded: start)
            nodes[Int(frame.node)].count = UInt32(truncatingIfNeeded: children.count - start)
            sizes[Int(frame.node)] = max(size, 1)
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
                return
            }
            let tsize = sizes[Int(target)]
            if tsize == 0 {
                if !docRejected {
                    diagnostics.append(YAMLDiagnostic(kind: .aliasExpansion,
                                                      message: "alias '*\(name)' refers to a node that contains it (recursive structure); the document was skipped",
                                                      position: pos, related: nodes[Int(target)].position, nodeIndex: nil))
                }
                docRejected = true
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
        default:
            break
        }
    }

    mutating func checkDuplicateKeys(mapping: Int32, from: Int, to: Int) {
        let n = (to - from) / 2
        guard n > 1 else { return }
        if n <= 24 {
            var i = from
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

    func sameText(_ a: RawNode, _ b: RawNode) -> Bool {
        guard a.count == b.count else { return false }
        if a.count == 0 { return true }
        return arena.withUnsafeBufferPointer { buf in
            memcmp(buf.baseAddress! + Int(a.start), buf.baseAddress! + Int(b.start), Int(a.count)) == 0
        }
    }

    func hashText(_ a: RawNode) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        var i = Int(a.start)
        let end = i + Int(a.count)
        while i < end {
            h = (h ^ UInt64(arena[i])) &* 0x100000001b3
            i += 1
        }
        return h
    }

    mutating func reportDuplicate(key: RawNode, first: RawNode, mapping: Int32) {
        let text = String(decoding: arena[Int(key.start)..<Int(key.start + key.count)], as: UTF8.self)
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
