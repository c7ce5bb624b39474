// The compact, immutable YAML document tree that every later stage reads.
//
// A parsed file is one `YAMLFile`: a flat array of nodes, one array of child slots and one
// byte arena holding every scalar's decoded text (exactly-sized buffers the file owns; embedded
// YAML written as plain scalars reads its text in its host's arena instead). Nodes are addressed by index, so building
// the tree costs a few appends per event and no per-node allocation; `YAMLNode` is a
// (file, index) handle that decodes strings only when a rule asks for them.

/// The structural kind of a YAML node.
public enum YAMLNodeKind: UInt8, Sendable, BitwiseCopyable {
    case scalar, sequence, mapping
}

/// How a scalar was written; quoted and block scalars are always strings.
public enum YAMLScalarStyle: UInt8, Sendable, BitwiseCopyable {
    case plain, singleQuoted, doubleQuoted, literal, folded, flow, block

    /// True for every style that makes the scalar a string regardless of its text.
    public var isQuotedOrBlock: Bool { self != .plain && self != .flow && self != .block }
}

/// The type a scalar resolves to under the YAML 1.1 rules Kubernetes' YAML decoder applies.
public enum YAMLScalarType: String, Sendable {
    case null, bool, int, float, string
}

/// A 1-based position in a source file.
public struct SourcePosition: Hashable, Sendable, Comparable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public static func < (a: SourcePosition, b: SourcePosition) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

struct RawNode: BitwiseCopyable {
    var kind: YAMLNodeKind
    private var styleBits: UInt8  // YAMLScalarStyle's raw value, plus `sharedBit`
    var tag: Int16          // index into YAMLFile.tags, -1 when untagged
    var line: UInt32
    var column: UInt32
    var start: UInt32       // scalar: offset in arena (or index in the shared scalars); collection: offset in children
    var count: UInt32       // scalar: byte length; collection: number of child slots

    private static let sharedBit: UInt8 = 0x80

    init(kind: YAMLNodeKind, style: YAMLScalarStyle, tag: Int16, line: UInt32, column: UInt32, start: UInt32, count: UInt32) {
        self.kind = kind
        self.styleBits = style.rawValue
        self.tag = tag
        self.line = line
        self.column = column
        self.start = start
        self.count = count
    }

    var style: YAMLScalarStyle {
        get { YAMLScalarStyle(rawValue: styleBits & ~Self.sharedBit) ?? .plain }
        set { styleBits = newValue.rawValue | (styleBits & Self.sharedBit) }
    }

    /// True for a scalar whose bytes are not in the file's arena but in its `SharedScalars`
    /// (`start` is then an index there): a long text that repeats across the files of a set.
    var isShared: Bool {
        get { styleBits & Self.sharedBit != 0 }
        set { styleBits = newValue ? styleBits | Self.sharedBit : styleBits & ~Self.sharedBit }
    }
}

/// One document of a multi-document stream.
public struct YAMLDocumentInfo: Sendable {
    /// Index of the document's root node.
    public let root: Int32
    /// Position of the document start (`---` or first content).
    public let position: SourcePosition
}

/// A problem found while reading a file: syntax errors, duplicate keys, limits.
public struct YAMLDiagnostic: Sendable, Hashable {
    /// What kind of problem this is.
    public enum Kind: String, Sendable {
        case syntax, duplicateKey, binary, tooLarge, aliasExpansion, tooDeep, unreadable, encoding
    }
    public let kind: Kind
    public let message: String
    public let position: SourcePosition
    /// Where a related node lives (for duplicate keys: the first occurrence).
    public let related: SourcePosition?
    /// For duplicate keys: the mapping that repeats the key.
    public let nodeIndex: Int32?
}

/// A parsed file: all documents, nodes and scalar text of one YAML or JSON file.
public final class YAMLFile: Sendable {
    /// The path used in findings (relative to the config set's root, with `/`).
    public let path: String
    /// Number of bytes read.
    public let byteCount: Int
    /// The documents that parsed completely, in order (positions with the file's shift).
    public var documents: [YAMLDocumentInfo] {
        guard lineShift != 0 || columnShift != 0 else { return storedDocuments }
        let (dl, dc) = (Int(lineShift), Int(columnShift))
        return storedDocuments.map { YAMLDocumentInfo(root: $0.root, position: $0.position.shifted(dl, dc)) }
    }
    /// The documents as stored: before the file's shift (a copy of a shared tree shares the
    /// array too).
    let storedDocuments: [YAMLDocumentInfo]
    /// Problems found while reading.
    public let diagnostics: [YAMLDiagnostic]

    // Owned, immutable storage (see RawBuffer.swift); freed in deinit.
    let nodes: FrozenBuffer<RawNode>
    let children: FrozenBuffer<Int32>
    let arena: FrozenBuffer<UInt8>
    /// The file whose arena `arena` lies in, when it is borrowed (embedded YAML whose scalars
    /// are the host scalar's own bytes); nil when this file owns its arena.
    let arenaOwner: YAMLFile?
    /// What owns `nodes` and `children` when they are shared with other files (copies of one
    /// embedded parse, see `EmbeddedParseCache`); nil when this file owns them.
    let treeOwner: (any AnyObject & Sendable)?
    /// Added to every node's and document's line and column (a shared tree placed where this
    /// copy lies). Diagnostic positions are stored already moved.
    let lineShift: UInt32, columnShift: UInt32
    let tags: [String]
    /// Where the scalars marked `isShared` keep their bytes; nil when there are none.
    let sharedScalars: SharedScalars?

    init(path: String, byteCount: Int, documents: [YAMLDocumentInfo], diagnostics: [YAMLDiagnostic],
         nodes: FrozenBuffer<RawNode>, children: FrozenBuffer<Int32>, arena: FrozenBuffer<UInt8>,
         arenaOwner: YAMLFile? = nil, treeOwner: (any AnyObject & Sendable)? = nil,
         lineShift: UInt32 = 0, columnShift: UInt32 = 0, tags: [String], sharedScalars: SharedScalars? = nil) {
        self.sharedScalars = sharedScalars
        self.path = path
        self.byteCount = byteCount
        self.storedDocuments = documents
        self.diagnostics = diagnostics
        self.nodes = nodes
        self.children = children
        self.arena = arena
        self.arenaOwner = arenaOwner
        self.treeOwner = treeOwner
        self.lineShift = lineShift
        self.columnShift = columnShift
        self.tags = tags
    }

    /// A file without content: only diagnostics (unparsable, too large, binary).
    convenience init(path: String, byteCount: Int, diagnostics: [YAMLDiagnostic]) {
        self.init(path: path, byteCount: byteCount, documents: [], diagnostics: diagnostics,
                  nodes: FrozenBuffer(), children: FrozenBuffer(), arena: FrozenBuffer(), tags: [])
    }

    deinit {
        if treeOwner == nil {
            nodes.deallocate()
            children.deallocate()
        }
        if arenaOwner == nil { arena.deallocate() }
    }

    /// Total number of nodes in the file.
    public var nodeCount: Int { nodes.count }

    /// The root node of every complete document.
    public var roots: [YAMLNode] { storedDocuments.map { YAMLNode(file: self, index: $0.root) } }

    /// The root of the first complete document (without building `roots`).
    public var firstRoot: YAMLNode? { storedDocuments.first.map { YAMLNode(file: self, index: $0.root) } }

    /// A handle on node `index`.
    public func node(_ index: Int32) -> YAMLNode { YAMLNode(file: self, index: index) }

    /// The bytes of scalar `r` (a node of this file): in the arena, or shared with other files.
    @inline(__always)
    func bytes(of r: RawNode) -> UnsafeBufferPointer<UInt8> {
        if r.isShared { return sharedScalars!.bytes(Int(r.start), count: Int(r.count)) }
        assert(Int(r.start) + Int(r.count) <= arena.count, "scalar outside its arena")
        return UnsafeBufferPointer(start: arena.base + Int(r.start), count: Int(r.count))
    }
}

/// A handle on one node of a `YAMLFile`. Cheap to copy; strings are decoded on demand.
public struct YAMLNode: Sendable, Hashable {
    /// The file holding the node.
    public let file: YAMLFile
    /// The node's index in its file.
    public let index: Int32

    public init(file: YAMLFile, index: Int32) {
        self.file = file
        self.index = index
    }

    public static func == (a: YAMLNode, b: YAMLNode) -> Bool { a.file === b.file && a.index == b.index }
    public func hash(into h: inout Hasher) {
        h.combine(ObjectIdentifier(file))
        h.combine(index)
    }

    @inline(__always) var raw: RawNode { file.nodes[Int(index)] }

    /// Scalar, sequence or mapping.
    public var kind: YAMLNodeKind { raw.kind }
    /// The scalar style (`.block`/`.flow` for collections).
    public var style: YAMLScalarStyle { raw.style }
    /// 1-based line of the node's first character.
    public var line: Int { Int(raw.line) + Int(file.lineShift) }
    /// 1-based column of the node's first character.
    public var column: Int { Int(raw.column) + Int(file.columnShift) }
    /// Line and column together.
    public var position: SourcePosition { SourcePosition(line: line, column: column) }
    /// The explicit tag (`!!str`, `tag:yaml.org,2002:int`, ...), if any.
    public var tag: String? {
        let t = raw.tag
        return t < 0 ? nil : file.tags[Int(t)]
    }

    public var isScalar: Bool { raw.kind == .scalar }
    public var isMapping: Bool { raw.kind == .mapping }
    public var isSequence: Bool { raw.kind == .sequence }

    // MARK: Scalars

    /// The scalar's text; nil for collections.
    public var scalar: String? {
        let r = raw
        guard r.kind == .scalar else { return nil }
        return String(decoding: file.bytes(of: r), as: UTF8.self)
    }

    /// The scalar's text if the node is a scalar that resolves to a string, a number or a bool
    /// (anything but null); handy for fields that Kubernetes coerces to strings in tools.
    public var text: String? {
        guard isScalar, resolvedType != .null else { return nil }
        return scalar
    }

    /// The scalar's text only when it resolves to a string (quoted, block, or plain non-special).
    public var string: String? {
        guard isScalar, resolvedType == .string else { return nil }
        return scalar
    }

    /// True when this node is a scalar whose text equals `s` (compared without allocating).
    public func scalarEquals(_ s: String) -> Bool {
        let r = raw
        guard r.kind == .scalar else { return false }
        var s = s
        return s.withUTF8 { other in
            guard other.count == Int(r.count) else { return false }
            if other.count == 0 { return true }
            return memcmp(file.bytes(of: r).baseAddress!, other.baseAddress!, other.count) == 0
        }
    }

    /// The scalar's type under YAML 1.1 resolution (quoted and block scalars are strings).
    public var resolvedType: YAMLScalarType {
        let r = raw
        guard r.kind == .scalar else { return .string }
        if let tag = tag { return YAMLResolver.typeForTag(tag) ?? .string }
        if r.style != .plain { return .string }
        return YAMLResolver.resolvePlain(file.bytes(of: r))
    }

    /// The value as a Bool when it resolves to one.
    public var bool: Bool? {
        guard resolvedType == .bool, let s = scalar else { return nil }
        return YAMLResolver.boolValue(s)
    }

    /// The value as an Int when it resolves to one (decimal, 0x, 0o, 0b, legacy octal).
    public var int: Int? {
        guard resolvedType == .int, let s = scalar else { return nil }
        return YAMLResolver.intValue(s)
    }

    /// True when the node is a null scalar (`~`, `null`, empty).
    public var isNull: Bool { isScalar && resolvedType == .null }

    // MARK: Collections

    /// Number of items (sequence) or key/value pairs (mapping); 0 for scalars.
    public var count: Int {
        let r = raw
        switch r.kind {
        case .scalar: return 0
        case .sequence: return Int(r.count)
        case .mapping: return Int(r.count) / 2
        }
    }

    /// The items of a sequence (empty for anything else).
    public var items: [YAMLNode] {
        let r = raw
        guard r.kind == .sequence else { return [] }
        let f = file
        return (0..<Int(r.count)).map { YAMLNode(file: f, index: f.children[Int(r.start) + $0]) }
    }

    /// Calls `body` with each key/value pair of a mapping as written (merge keys not expanded),
    /// in order; nothing for other nodes. `pairs` without building an array, for loops that
    /// visit every resource.
    @inline(__always)
    public func forEachPair(_ body: (_ key: YAMLNode, _ value: YAMLNode) throws -> Void) rethrows {
        let r = raw
        guard r.kind == .mapping else { return }
        let f = file
        var i = Int(r.start)
        let end = i + Int(r.count)
        while i < end {
            try body(YAMLNode(file: f, index: f.children[i]), YAMLNode(file: f, index: f.children[i + 1]))
            i += 2
        }
    }

    /// The key/value pairs of a mapping as written (merge keys not expanded).
    public var pairs: [(key: YAMLNode, value: YAMLNode)] {
        var out: [(key: YAMLNode, value: YAMLNode)] = []
        out.reserveCapacity(raw.kind == .mapping ? Int(raw.count) / 2 : 0)
        forEachPair { out.append(($0, $1)) }
        return out
    }

    /// The pairs of a mapping with `<<` merge keys expanded (explicit keys win).
    public var mergedPairs: [(key: YAMLNode, value: YAMLNode)] {
        let own = pairs
        guard own.contains(where: { $0.key.scalarEquals("<<") && $0.key.style == .plain }) else { return own }
        var result: [(key: YAMLNode, value: YAMLNode)] = []
        var seen = Set<String>()
        for p in own where !(p.key.scalarEquals("<<") && p.key.style == .plain) {
            result.append(p)
            if let k = p.key.scalar { seen.insert(k) }
        }
        for p in own where p.key.scalarEquals("<<") && p.key.style == .plain {
            let sources = p.value.isSequence ? p.value.items : [p.value]
            for src in sources where src.isMapping {
                for q in src.mergedPairs {
                    if let k = q.key.scalar, !seen.contains(k) {
                        seen.insert(k)
                        result.append(q)
                    }
                }
            }
        }
        return result
    }

    /// What a map built from this mapping's `pairs` (or, with `merged`, `mergedPairs`) keeping
    /// each scalar key's text value, the last one winning, holds for `key`; without building
    /// the map (a check that decides whether the whole map is needed).
    func lastText(forKey key: String, merged: Bool) -> String? {
        var found: String?
        var hasMerge = false
        forEachPair { k, v in
            if k.scalarEquals(key) {
                if let t = v.text { found = t }
            } else if merged && k.raw.style == .plain && k.scalarEquals("<<") {
                hasMerge = true
            }
        }
        guard found == nil && hasMerge else { return found }
        // Merged pairs come after the written ones, once per key not written.
        for (k, v) in mergedPairs where k.scalarEquals(key) {
            if let t = v.text { return t }
        }
        return nil
    }

    /// The value for `key` in a mapping (honouring `<<` merge keys); nil if absent or not a mapping.
    public subscript(key: String) -> YAMLNode? {
        lookup(key)?.value
    }

    /// The key node for `key` in a mapping, to point findings at the key itself.
    public func keyNode(_ key: String) -> YAMLNode? {
        lookup(key)?.key
    }

    private func lookup(_ key: String) -> (key: YAMLNode, value: YAMLNode)? {
        let r = raw
        guard r.kind == .mapping else { return nil }
        let f = file
        // One pass over the keys' bytes: a length check, then memcmp for keys of the same length
        // (the key's UTF-8 is taken once, not once per key compared).
        var key = key
        let (slot, hasMerge): (Int, Bool) = key.withUTF8 { k in
            var hasMerge = false
            var i = Int(r.start)
            let end = i + Int(r.count)
            while i < end {
                let kn = f.nodes[Int(f.children[i])]
                if kn.kind == .scalar {
                    let n = Int(kn.count)
                    let text = f.bytes(of: kn).baseAddress!
                    if n == k.count && (n == 0 || memcmp(text, k.baseAddress!, n) == 0) { return (i, hasMerge) }
                    if kn.style == .plain && n == 2 && text[0] == UInt8(ascii: "<") && text[1] == UInt8(ascii: "<") {
                        hasMerge = true
                    }
                }
                i += 2
            }
            return (-1, hasMerge)
        }
        if slot >= 0 { return (YAMLNode(file: f, index: f.children[slot]), YAMLNode(file: f, index: f.children[slot + 1])) }
        guard hasMerge else { return nil }
        var i = Int(r.start)
        let end = i + Int(r.count)
        while i < end {
            let k = YAMLNode(file: f, index: f.children[i])
            if k.raw.style == .plain && k.scalarEquals("<<") {
                let v = YAMLNode(file: f, index: f.children[i + 1])
                for src in (v.isSequence ? v.items : [v]) where src.isMapping {
                    if let hit = src.lookup(key) { return hit }
                }
            }
            i += 2
        }
        return nil
    }

    /// The values of two keys of a mapping, found in one pass over its keys; the same as
    /// `(self[k0], self[k1])`.
    func values(_ k0: StaticString, _ k1: StaticString) -> (YAMLNode?, YAMLNode?) {
        var found: (Int32, Int32) = (-1, -1)
        let hasMerge = withUnsafeMutableBytes(of: &found) { raw in
            scanKeys(k0, k1, nil, into: raw.bindMemory(to: Int32.self))
        }
        return (resolve(found.0, k0, hasMerge), resolve(found.1, k1, hasMerge))
    }

    /// The values of three keys of a mapping, found in one pass over its keys; the same as
    /// `(self[k0], self[k1], self[k2])`.
    func values(_ k0: StaticString, _ k1: StaticString, _ k2: StaticString) -> (YAMLNode?, YAMLNode?, YAMLNode?) {
        var found: (Int32, Int32, Int32) = (-1, -1, -1)
        let hasMerge = withUnsafeMutableBytes(of: &found) { raw in
            scanKeys(k0, k1, k2, into: raw.bindMemory(to: Int32.self))
        }
        return (resolve(found.0, k0, hasMerge), resolve(found.1, k1, hasMerge), resolve(found.2, k2, hasMerge))
    }

    /// A key found directly, else (only when the mapping has a `<<` merge key) the subscript's
    /// merge lookup, else nil.
    private func resolve(_ found: Int32, _ key: StaticString, _ hasMerge: Bool) -> YAMLNode? {
        if found >= 0 { return YAMLNode(file: file, index: found) }
        return hasMerge ? self[key.description] : nil
    }

    /// Records in `found[j]` the value of the first scalar key whose text equals key j (like
    /// `lookup`); returns whether a plain `<<` key was seen. Stops early once every key is found
    /// (merges only matter for keys not found). Leaves `found` untouched for non-mappings.
    private func scanKeys(_ k0: StaticString, _ k1: StaticString, _ k2: StaticString?,
                          into found: UnsafeMutableBufferPointer<Int32>) -> Bool {
        let r = raw
        guard r.kind == .mapping else { return false }
        let f = file
        let keyCount = k2 == nil ? 2 : 3
        var missing = keyCount
        var hasMerge = false
        var i = Int(r.start)
        let end = i + Int(r.count)
        while i < end {
            let k = f.nodes[Int(f.children[i])]
            if k.kind == .scalar {
                let text = f.bytes(of: k).baseAddress!
                let n = Int(k.count)
                for j in 0..<keyCount where found[j] < 0 {
                    let key = j == 0 ? k0 : j == 1 ? k1 : k2!
                    if key.utf8CodeUnitCount == n && (n == 0 || memcmp(text, key.utf8Start, n) == 0) {
                        found[j] = f.children[i + 1]
                        missing -= 1
                    }
                }
                if missing == 0 { return hasMerge }
                if k.style == .plain && n == 2 && text[0] == UInt8(ascii: "<") && text[1] == UInt8(ascii: "<") {
                    hasMerge = true
                }
            }
            i += 2
        }
        return hasMerge
    }

    /// Follows a dotted path of mapping keys, e.g. `node.at("spec", "values", "global")`.
    public func at(_ keys: String...) -> YAMLNode? { at(keys) }

    /// Follows a path of mapping keys.
    public func at(_ keys: [String]) -> YAMLNode? {
        var cur: YAMLNode? = self
        for k in keys {
            guard let c = cur else { return nil }
            cur = c[k]
        }
        return cur
    }

    /// String values of a sequence of scalars (non-scalars skipped).
    public var stringItems: [String] { items.compactMap { $0.text } }
}

/// YAML 1.1 scalar resolution as applied by Kubernetes' decoder (go-yaml v2 semantics).
public enum YAMLResolver {
    static func typeForTag(_ tag: String) -> YAMLScalarType? {
        switch tag {
        case "tag:yaml.org,2002:str", "!!str": return .string
        case "tag:yaml.org,2002:int", "!!int": return .int
        case "tag:yaml.org,2002:bool", "!!bool": return .bool
        case "tag:yaml.org,2002:float", "!!float": return .float
        case "tag:yaml.org,2002:null", "!!null": return .null
        case "!": return .string
        default: return nil
        }
    }

    static let boolWords: Set<String> = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ]
    static let trueWords: Set<String> = ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]

    static func boolValue(_ s: String) -> Bool? {
        guard boolWords.contains(s) else { return nil }
        return trueWords.contains(s)
    }

    static func intValue(_ s: String) -> Int? {
        var t = String(s.filter { $0 != "_" })
        var sign = 1
        if t.hasPrefix("-") { sign = -1; t.removeFirst() } else if t.hasPrefix("+") { t.removeFirst() }
        let v: Int?
        if t.hasPrefix("0x") { v = Int(t.dropFirst(2), radix: 16) }
        else if t.hasPrefix("0o") { v = Int(t.dropFirst(2), radix: 8) }
        else if t.hasPrefix("0b") { v = Int(t.dropFirst(2), radix: 2) }
        else if t.count > 1 && t.hasPrefix("0") { v = Int(t.dropFirst(1), radix: 8) }
        else { v = Int(t) }
        return v.map { $0 * sign }
    }

    /// Resolves a plain scalar's bytes without allocating in the common cases.
    static func resolvePlain(_ b: UnsafeBufferPointer<UInt8>) -> YAMLScalarType {
        let n = b.count
        if n == 0 { return .null }
        let c0 = b[0]
        // Fast exit: most scalars start with a letter that cannot begin a special value.
        switch c0 {
        case UInt8(ascii: "~"):
            return n == 1 ? .null : .string
        case UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"),
             UInt8(ascii: "f"), UInt8(ascii: "F"), UInt8(ascii: "y"), UInt8(ascii: "Y"),
             UInt8(ascii: "o"), UInt8(ascii: "O"):
            guard n <= 5 else { return .string }
            let s = String(decoding: b, as: UTF8.self)
            if s == "null" || s == "Null" || s == "NULL" { return .null }
            return boolWords.contains(s) ? .bool : .string
        case UInt8(ascii: "."):
            if n <= 5 {
                let s = String(decoding: b, as: UTF8.self)
                if [".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"].contains(s) { return .float }
            }
            return isNumber(b) ?? .string
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"):
            if n <= 5 {
                let s = String(decoding: b, as: UTF8.self)
                if ["-.inf", "+.inf", "-.Inf", "+.Inf", "-.INF", "+.INF"].contains(s) { return .float }
            }
            return isNumber(b) ?? .string
        default:
            return .string
        }
    }

    /// Int or float per the YAML 1.1 core-ish patterns go-yaml accepts; nil if neither.
    static func isNumber(_ b: UnsafeBufferPointer<UInt8>) -> YAMLScalarType? {
        var i = 0
        let n = b.count
        if b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") { i = 1 }
        guard i < n else { return nil }
        // Prefixed integers.
        if n - i > 2 && b[i] == UInt8(ascii: "0") {
            let p = b[i + 1]
            let body = (i + 2)..<n
            func all(_ pred: (UInt8) -> Bool) -> Bool { body.allSatisfy { pred(b[$0]) || b[$0] == UInt8(ascii: "_") } }
            if p == UInt8(ascii: "x") { return all { isHex($0) } ? .int : nil }
            if p == UInt8(ascii: "o") { return all { $0 >= 48 && $0 <= 55 } ? .int : nil }
            if p == UInt8(ascii: "b") { return all { $0 == 48 || $0 == 49 } ? .int : nil }
        }
        var digits = 0, dots = 0, exp = false, expDigits = 0
        var j = i
        while j < n {
            let c = b[j]
            if c >= 48 && c <= 57 {
                if exp { expDigits += 1 } else { digits += 1 }
            } else if c == UInt8(ascii: "_") && !exp {
                // digit separator
            } else if c == UInt8(ascii: ".") && !exp {
                dots += 1
                if dots > 1 { return nil }
            } else if (c == UInt8(ascii: "e") || c == UInt8(ascii: "E")) && !exp && digits > 0 {
                exp = true
                if j + 1 < n && (b[j + 1] == UInt8(ascii: "-") || b[j + 1] == UInt8(ascii: "+")) { j += 1 }
            } else if c == UInt8(ascii: ":") && !exp && dots == 0 {
                // YAML 1.1 sexagesimal (e.g. 190:20:30) is an int in go-yaml v2.
                return sexagesimal(b, from: i) ? .int : nil
            } else {
                return nil
            }
            j += 1
        }
        if digits == 0 { return nil }
        if exp && expDigits == 0 { return nil }
        return (dots == 0 && !exp) ? .int : .float
    }

    private static func isHex(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
    }

    private static func sexagesimal(_ b: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
        // [1-9][0-9_]*(:[0-5]?[0-9])+
        guard start < b.count, b[start] >= 49 && b[start] <= 57 else { return false }
        var parts = String(decoding: UnsafeBufferPointer(rebasing: b[start...]), as: UTF8.self).split(separator: ":", omittingEmptySubsequences: false)
        let head = parts.removeFirst()
        guard head.allSatisfy({ $0.isNumber || $0 == "_" }) else { return false }
        return !parts.isEmpty && parts.allSatisfy { p in !p.isEmpty && p.count <= 2 && p.allSatisfy(\.isNumber) && (Int(p) ?? 99) < 60 }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
