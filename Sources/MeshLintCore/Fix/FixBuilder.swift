/// One step of a path inside a document: a mapping key or a sequence index.
public enum FixPathStep: Hashable, Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, CustomStringConvertible {
    case key(String)
    case index(Int)

    public init(stringLiteral value: String) { self = .key(value) }
    public init(integerLiteral value: Int) { self = .index(value) }

    public var description: String {
        switch self {
        case .key(let k): return ".\(k)"
        case .index(let i): return "[\(i)]"
        }
    }
}

/// A value a fix writes; rendered in the file's own style.
public enum FixValue: Sendable, Hashable {
    /// A string: plain when YAML reads it back as the same string, else quoted the way the file
    /// quotes (double quotes when it does not say).
    case string(String)
    /// A string that must be quoted (e.g. `"true"` as a label value).
    case quotedString(String)
    /// An integer.
    case int(Int)
    /// A list of strings, written in flow style (`[a, b]`).
    case stringList([String])

    func matches(_ node: YAMLNode?) -> Bool {
        guard let node else { return false }
        if case .stringList = self {} else if !node.isScalar { return false }
        switch self {
        case .string(let s), .quotedString(let s): return node.resolvedType == .string && node.scalar == s
        case .int(let n): return node.int == n
        case .stringList(let l): return node.isSequence && node.items.map { $0.string } == l.map { Optional($0) }
        }
    }
}

/// Builds a fix for one document of one file with the edit helpers every rule shares: replace
/// a scalar keeping its quotes, set a key (inserting the missing mappings with the file's
/// indentation, in block or flow style), append to a sequence, replace a block scalar's text.
/// ``fix(_:)`` applies the edits, parses the result with the project's loader and checks that
/// the document now holds the intended values and every other value is unchanged; when any
/// step is uncertain the builder gives no fix at all.
public struct FixBuilder {
    /// The file's text.
    public let source: SourceText
    /// The parsed file the document belongs to.
    public let file: YAMLFile
    /// The document's root.
    public let root: YAMLNode
    private let sources: SourceStore
    private(set) var edits: [TextEdit] = []
    private var expected: [(path: [FixPathStep], check: @Sendable (YAMLNode?) -> Bool)] = []
    private var failed = false

    /// A builder for the document whose root is `root`, reading the text from `sources`; nil
    /// when the text is unavailable or the node was not read from that text (rendered or
    /// embedded documents).
    public init?(_ root: YAMLNode, sources: SourceStore) {
        guard let text = sources.text(of: root.file.path), text.bytes.count == root.file.byteCount,
              root.file.documents.contains(where: { $0.root == root.index }) else { return nil }
        source = text
        file = root.file
        self.root = root
        self.sources = sources
    }

    // MARK: Finding nodes

    /// The path from the document root to `node`; nil when it is not in this document.
    public func path(of node: YAMLNode) -> [FixPathStep]? {
        func walk(_ n: YAMLNode, _ acc: inout [FixPathStep]) -> Bool {
            if n == node { return true }
            if n.isMapping {
                for (k, v) in n.pairs {
                    if k == node { return true }
                    guard let key = k.scalar else { continue }
                    acc.append(.key(key))
                    if walk(v, &acc) { return true }
                    acc.removeLast()
                }
            } else if n.isSequence {
                for (i, item) in n.items.enumerated() {
                    acc.append(.index(i))
                    if walk(item, &acc) { return true }
                    acc.removeLast()
                }
            }
            return false
        }
        var acc: [FixPathStep] = []
        return walk(root, &acc) ? acc : nil
    }

    /// The node at `path` in the document.
    public func node(at path: [FixPathStep]) -> YAMLNode? { Self.node(at: path, in: root) }

    static func node(at path: [FixPathStep], in root: YAMLNode) -> YAMLNode? {
        var cur: YAMLNode? = root
        for step in path {
            guard let c = cur else { return nil }
            switch step {
            case .key(let k): cur = c.isMapping ? c[k] : nil
            case .index(let i): cur = c.isSequence && i < c.count ? c.items[i] : nil
            }
        }
        return cur
    }

    // MARK: Edits

    /// Replaces the scalar at `path` with `value`, keeping its quote style when it is quoted.
    public mutating func replace(at path: [FixPathStep], with value: FixValue) {
        guard let n = node(at: path), let range = source.scalarRange(n) else { return fail() }
        edits.append(source.edit(range, render(value, keepingStyleOf: n)))
        expect(path) { value.matches($0) }
    }

    /// Sets `path` to `value`: replaces the scalar when it is there, else inserts the missing
    /// keys under the deepest mapping that exists.
    public mutating func set(_ path: [FixPathStep], to value: FixValue) {
        guard case .key(let key)? = path.last else { return fail() }
        set(Array(path.dropLast()), entries: [(key, value)])
    }

    /// Sets each `key: value` of `entries` in the mapping at `path` (replacing scalars that are
    /// there, inserting the others together), creating the mapping and its missing parents
    /// when needed.
    public mutating func set(_ path: [FixPathStep], entries: [(key: String, value: FixValue)]) {
        var missing: [(key: String, value: FixValue)] = []
        if let map = node(at: path) {
            guard map.isMapping else { return fail() }
            for e in entries {
                let p = path + [.key(e.key)]
                if let n = node(at: p) {
                    guard n.isScalar else { return fail() }
                    if e.value.matches(n) && !(isQuoted(e.value) && n.style == .plain) { continue }
                    replace(at: p, with: e.value)
                } else {
                    missing.append(e)
                }
            }
            guard !missing.isEmpty else { return }
            insert(into: map, chain: [], entries: missing)
        } else {
            var depth = path.count - 1
            while depth > 0 && node(at: Array(path[..<depth])) == nil { depth -= 1 }
            let chain = path[depth...].compactMap { step -> String? in if case .key(let k) = step { return k } else { return nil } }
            guard chain.count == path.count - depth, let parent = node(at: Array(path[..<depth])), parent.isMapping else { return fail() }
            missing = entries
            insert(into: parent, chain: chain, entries: missing)
        }
        for e in missing { let v = e.value; expect(path + [.key(e.key)]) { v.matches($0) } }
    }

    private mutating func insert(into parent: YAMLNode, chain: [String], entries: [(key: String, value: FixValue)]) {
        if parent.style == .flow {
            insertFlow(into: parent, chain: chain, entries: entries)
        } else {
            insertBlock(into: parent, chain: chain, entries: entries)
        }
    }

    /// Appends `value` to the sequence at `path`.
    public mutating func append(_ value: FixValue, toSequenceAt path: [FixPathStep]) {
        guard let seq = node(at: path), seq.isSequence, let last = seq.items.last else { return fail() }
        let count = seq.count
        let text = render(value, like: last)
        if seq.style == .flow {
            guard let before = flowClose(seq, open: UInt8(ascii: "["), close: UInt8(ascii: "]"))?.1 else { return fail() }
            edits.append(source.edit(before..<before, ", " + text))
        } else {
            guard let first = seq.items.first, let dash = dashColumn(first) else { return fail() }
            let lastLine = blockLastLine(from: last.line) { col, text in col > dash || (col == dash && text.hasPrefix("-")) }
            let at = source.contentEnd(ofLine: lastLine)
            edits.append(source.edit(at..<at, lineBreak(at: lastLine) + String(repeating: " ", count: dash - 1) + "- " + text))
        }
        expect(path + [.index(count)]) { value.matches($0) }
        expect(path) { $0?.count == count + 1 }
    }

    /// Appends `lines` (without indentation; "" for an empty line) to the literal block scalar
    /// at `path` (`|` or `|-`), indented like its text, so that its value ends with them.
    public mutating func append(lines: [String], toBlockScalarAt path: [FixPathStep]) {
        guard let n = node(at: path), n.style == .literal, let value = n.scalar,
              let start = source.offset(line: n.line, column: n.column) else { return fail() }
        let header = source.text(start..<source.contentEnd(ofLine: n.line))
        guard header == "|" || header == "|-" || header.hasPrefix("| #") || header.hasPrefix("|- #") else { return fail() }
        let parentIndent = source.indentColumn(ofLine: n.line) ?? 1
        var indent: Int?
        var lastContent = n.line
        var l = n.line + 1
        while l <= source.lineCount {
            if let c = source.indentColumn(ofLine: l) {
                if let i = indent { if c < i { break } } else if c <= parentIndent { break } else { indent = c }
                lastContent = l
            }
            l += 1
        }
        guard let indent, lastContent > n.line else { return fail() }
        let lb = lineBreak(at: lastContent)
        let pad = String(repeating: " ", count: indent - 1)
        let text = lines.map { lb + ($0.isEmpty ? "" : pad + $0) }.joined()
        let at = source.contentEnd(ofLine: lastContent)
        edits.append(source.edit(at..<at, text))
        let added = lines.joined(separator: "\n")
        let expectedValue = value.hasSuffix("\n") ? value + added + "\n" : value + "\n" + added
        expect(path) { $0?.scalar == expectedValue }
    }

    /// Replaces `old`, written at `line`:`column` inside the scalar at `path` (a word of a
    /// Corefile, an address in JSON text), with `new`; only when `old` occurs once in the value.
    public mutating func replaceText(_ old: String, with new: String, at line: Int, column: Int, inScalarAt path: [FixPathStep]) {
        guard let n = node(at: path), let value = n.scalar, !old.isEmpty,
              value.components(separatedBy: old).count == 2,
              var start = source.offset(line: line, column: column) else { return fail() }
        // A location may name a JSON string by its opening quote.
        if start < source.bytes.count && source.bytes[start] == UInt8(ascii: "\"") { start += 1 }
        guard start + old.utf8.count <= source.bytes.count, source.text(start..<(start + old.utf8.count)) == old else { return fail() }
        edits.append(source.edit(start..<(start + old.utf8.count), new))
        let expectedValue = value.replacingOccurrences(of: old, with: new)
        expect(path) { $0?.scalar == expectedValue }
    }

    /// The fix titled `title`, after checking the edited file; nil when an edit was uncertain,
    /// the result does not parse as before, or a value outside the intended ones changed.
    public func fix(_ title: String) -> Fix? {
        guard !failed, !edits.isEmpty, let doc = file.documents.firstIndex(where: { $0.root == root.index }) else { return nil }
        // Only the edited document is parsed again (a file may hold thousands); the fixer
        // parses the whole file once more before it writes it.
        let range = documentRange(doc)
        guard edits.allSatisfy({ $0.startOffset >= range.lowerBound && $0.endOffset <= range.upperBound }) else { return nil }
        let local = edits.map { e -> TextEdit in
            var e = e
            e.startOffset -= range.lowerBound
            e.endOffset -= range.lowerBound
            return e
        }
        let before = Array(source.bytes[range])
        guard let bytes = FixApplier.apply(local, to: before) else { return nil }
        let old = YAMLParser.parse(bytes: before, path: file.path), new = YAMLParser.parse(bytes: bytes, path: file.path)
        guard old.documents.count == 1, new.documents.count == 1, new.diagnostics.count == old.diagnostics.count else { return nil }
        let newRoot = new.node(new.documents[0].root)
        for e in expected where !e.check(Self.node(at: e.path, in: newRoot)) { return nil }
        // Every other value of the document is as it was.
        var was: [String: String] = [:], now: [String: String] = [:]
        Self.leaves(root, "", &was)
        Self.leaves(newRoot, "", &now)
        let touched = expected.map { $0.path.map(\.description).joined() }
        for (p, v) in was where now[p] != v && !touched.contains(where: { p.hasPrefix($0) }) { return nil }
        return Fix(title: title, edits: edits)
    }

    /// The bytes of document `index`: from its start (`---` or first content) to the next
    /// document's start.
    private func documentRange(_ index: Int) -> Range<Int> {
        let docs = file.documents
        let start = source.offset(line: docs[index].position.line, column: docs[index].position.column) ?? 0
        let end = index + 1 < docs.count
            ? source.offset(line: docs[index + 1].position.line, column: docs[index + 1].position.column) ?? source.bytes.count
            : source.bytes.count
        return start..<max(start, end)
    }

    static func leaves(_ n: YAMLNode, _ path: String, _ out: inout [String: String]) {
        switch n.kind {
        case .scalar: out[path] = "\(n.resolvedType.rawValue):\(n.scalar ?? "")"
        case .mapping: for (k, v) in n.pairs { leaves(v, path + ".\(k.scalar ?? "?")", &out) }
        case .sequence: for (i, v) in n.items.enumerated() { leaves(v, path + "[\(i)]", &out) }
        }
    }

    // MARK: Helpers

    private mutating func fail() { failed = true }

    private mutating func expect(_ path: [FixPathStep], _ check: @escaping @Sendable (YAMLNode?) -> Bool) {
        expected.append((path, check))
    }

    private func isQuoted(_ v: FixValue) -> Bool {
        if case .quotedString = v { return true }
        return false
    }

    private func lineBreak(at line: Int) -> String {
        let lb = source.lineBreak(ofLine: line)
        return lb.isEmpty ? source.lineBreak : lb
    }

    /// The quote character the file uses most (double when it uses none).
    private var preferredQuote: YAMLScalarStyle { sources.preferredQuote(of: file) }

    static func quote(_ s: String, _ style: YAMLScalarStyle) -> String {
        if style == .singleQuoted { return "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }

    /// True when `s` written plain reads back as the same string.
    static func isPlainSafe(_ s: String) -> Bool {
        guard let f = s.utf8.first, !s.isEmpty else { return false }
        let allowed = s.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_")
                || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "/")
        }
        guard allowed, f != UInt8(ascii: "-"), f != UInt8(ascii: ".") else { return false }
        return Array(s.utf8).withUnsafeBufferPointer { YAMLResolver.resolvePlain($0) } == .string
    }

    func render(_ value: FixValue, keepingStyleOf node: YAMLNode? = nil) -> String {
        switch value {
        case .int(let n): return String(n)
        case .stringList(let l): return "[" + l.map { render(.string($0)) }.joined(separator: ", ") + "]"
        case .string(let s):
            if let node, node.style == .singleQuoted || node.style == .doubleQuoted { return Self.quote(s, node.style) }
            return Self.isPlainSafe(s) ? s : Self.quote(s, preferredQuote)
        case .quotedString(let s):
            if let node, node.style == .singleQuoted || node.style == .doubleQuoted { return Self.quote(s, node.style) }
            return Self.quote(s, preferredQuote)
        }
    }

    /// Renders a new sequence item like its neighbour (its quotes when it is quoted).
    private func render(_ value: FixValue, like neighbour: YAMLNode) -> String {
        if case .string(let s) = value, neighbour.style == .singleQuoted || neighbour.style == .doubleQuoted {
            return Self.quote(s, neighbour.style)
        }
        return render(value)
    }

    private func renderKey(_ k: String) -> String { Self.isPlainSafe(k) ? k : Self.quote(k, preferredQuote) }

    /// Column of the `-` that introduces a block sequence item.
    private func dashColumn(_ item: YAMLNode) -> Int? {
        guard var i = source.offset(line: item.line, column: item.column) else { return nil }
        let lineStart = source.lineStarts[item.line - 1]
        while i > lineStart {
            i -= 1
            if source.bytes[i] == UInt8(ascii: "-") { return source.position(of: i).column }
            if source.bytes[i] != 0x20 { return nil }
        }
        return nil
    }

    /// The last line of a block node that starts at `line`: following lines belong while they
    /// are blank, comments, or `belongs(indentColumn, text)`; trailing blank and comment lines
    /// are left outside.
    private func blockLastLine(from line: Int, belongs: (Int, Substring) -> Bool) -> Int {
        var last = line
        var l = line + 1
        while l <= source.lineCount {
            if source.isBlankOrComment(l) { l += 1; continue }
            let text = source.text(ofLine: l)
            if text.hasPrefix("---") || text.hasPrefix("...") { break }
            let col = source.indentColumn(ofLine: l)!
            guard belongs(col, text.dropFirst(col - 1)) else { break }
            last = l
            l += 1
        }
        return last
    }

    /// Spaces per nesting level: taken from the document's first nested block mapping, else 2.
    private var indentStep: Int {
        func find(_ n: YAMLNode) -> Int? {
            guard n.isMapping || n.isSequence else { return nil }
            for (k, v) in n.pairs where v.isMapping && v.style != .flow && v.count > 0 && v.line > k.line {
                let d = v.pairs[0].key.column - k.column
                if d > 0 { return d }
            }
            for child in (n.isMapping ? n.pairs.map { $0.value } : n.items) { if let d = find(child) { return d } }
            return nil
        }
        return find(root) ?? 2
    }

    private mutating func insertBlock(into mapping: YAMLNode, chain: [String], entries: [(key: String, value: FixValue)]) {
        let pairs = mapping.pairs
        guard let first = pairs.first, let last = pairs.last else { return fail() }
        let kc = first.key.column
        let lastLine = blockLastLine(from: last.key.line) { col, text in col > kc || (col == kc && text.hasPrefix("-")) }
        let lb = lineBreak(at: lastLine)
        let step = indentStep
        var text = ""
        for (i, k) in chain.enumerated() {
            text += lb + String(repeating: " ", count: kc - 1 + i * step) + renderKey(k) + ":"
        }
        let pad = String(repeating: " ", count: kc - 1 + chain.count * step)
        for e in entries { text += lb + pad + renderKey(e.key) + ": " + render(e.value) }
        let at = source.contentEnd(ofLine: lastLine)
        edits.append(source.edit(at..<at, text))
    }

    private mutating func insertFlow(into mapping: YAMLNode, chain: [String], entries: [(key: String, value: FixValue)]) {
        guard let before = flowClose(mapping, open: UInt8(ascii: "{"), close: UInt8(ascii: "}"))?.1 else { return fail() }
        var text = entries.map { renderKey($0.key) + ": " + render($0.value) }.joined(separator: ", ")
        for k in chain.reversed() { text = renderKey(k) + ": {" + text + "}" }
        let prev = source.bytes[before - 1]
        let sep = prev == UInt8(ascii: "{") ? "" : prev == UInt8(ascii: ",") ? " " : ", "
        edits.append(source.edit(before..<before, sep + text))
    }

    /// The offset of a flow collection's closing bracket and the offset just past the last
    /// character before it that is not a space (where new entries go).
    private func flowClose(_ node: YAMLNode, open: UInt8, close: UInt8) -> (Int, Int)? {
        guard let start = source.offset(line: node.line, column: node.column), source.bytes[start] == open else { return nil }
        let b = source.bytes
        var depth = 0
        var i = start
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                i += 1
                while i < b.count && b[i] != c { if c == UInt8(ascii: "\"") && b[i] == UInt8(ascii: "\\") { i += 1 }; i += 1 }
            } else if c == UInt8(ascii: "#") && i > 0 && (b[i - 1] == 0x20 || b[i - 1] == 0x0A) {
                while i < b.count && b[i] != 0x0A { i += 1 }
            } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                depth -= 1
                if depth == 0 {
                    guard c == close else { return nil }
                    var j = i
                    while j > start && [0x20, 0x09, 0x0A, 0x0D].contains(b[j - 1]) { j -= 1 }
                    return (i, j)
                }
            }
            i += 1
        }
        return nil
    }
}
