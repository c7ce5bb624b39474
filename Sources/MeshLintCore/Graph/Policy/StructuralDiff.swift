#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A structural comparison of two YAML trees, as the API server would see them: mapping keys
/// in sorted order, a key whose value is null or an empty collection counts as absent, scalars
/// compare by text (booleans by value, so `True` equals `true`), DestinationRule `subsets`
/// (unique names) are matched by name, and every other list by position (the order of routes
/// and rules matters: the first match wins).
public enum StructuralDiff {
    /// One difference: the path, and the node on each side (nil where the field is absent).
    public struct Difference: Sendable {
        /// Dotted path in the left tree's terms (`spec.subsets[1].labels.version`).
        public let path: String
        /// The node in the left tree, or nil when the left tree lacks the field.
        public let left: YAMLNode?
        /// The node in the right tree, or nil when the right tree lacks the field.
        public let right: YAMLNode?
        /// The nearest node of the left tree that exists at or above the path (where to point).
        public let leftAnchor: YAMLNode
        /// The same for the right tree.
        public let rightAnchor: YAMLNode

        public init(path: String, left: YAMLNode?, right: YAMLNode?, leftAnchor: YAMLNode, rightAnchor: YAMLNode) {
            self.path = path
            self.left = left
            self.right = right
            self.leftAnchor = leftAnchor
            self.rightAnchor = rightAnchor
        }
    }

    /// A canonical text of `node`: equal for trees with no difference.
    public static func canonical(_ node: YAMLNode?) -> String {
        // Built as bytes (scalars copied from the file's text, no String per scalar): the
        // canonical text of every compared resource of every primary is built once per run.
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(node, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// True when two trees are written identically: the same kinds, styles, tags and scalar
    /// bytes, with the same children in the same order. Identical trees have the same
    /// canonical text; compared without building it.
    public static func identical(_ a: YAMLNode?, _ b: YAMLNode?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return identical(a.index, in: a.file, b.index, in: b.file)
    }

    private static func identical(_ i: Int32, in f: YAMLFile, _ j: Int32, in g: YAMLFile) -> Bool {
        let x = f.nodes[Int(i)], y = g.nodes[Int(j)]
        guard x.kind == y.kind, x.style == y.style, x.count == y.count else { return false }
        if x.tag >= 0 || y.tag >= 0 {
            guard x.tag >= 0, y.tag >= 0, f.tags[Int(x.tag)] == g.tags[Int(y.tag)] else { return false }
        }
        if x.kind == .scalar {
            return x.count == 0 || memcmp(f.bytes(of: x).baseAddress!, g.bytes(of: y).baseAddress!, Int(x.count)) == 0
        }
        for k in 0..<Int(x.count) where !identical(f.children[Int(x.start) + k], in: f, g.children[Int(y.start) + k], in: g) {
            return false
        }
        return true
    }

    private static func write(_ node: YAMLNode?, into out: inout [UInt8]) {
        guard let node else { out.append(UInt8(ascii: "~")); return }
        writeRaw(node.index, in: node.file, into: &out)
    }

    /// `write` on the file's node table: no node handles or arrays for the common case of a
    /// mapping whose keys are ASCII and that has no `<<` merge key (any other mapping takes the
    /// node path, `writeNode`).
    private static func writeRaw(_ index: Int32, in f: YAMLFile, into out: inout [UInt8]) {
        let r = f.nodes[Int(index)]
        switch r.kind {
        case .scalar:
            let bytes = f.bytes(of: r)
            let type: YAMLScalarType
            if r.tag >= 0 { type = YAMLResolver.typeForTag(f.tags[Int(r.tag)]) ?? .string }
            else if r.style != .plain { type = .string }
            else { type = YAMLResolver.resolvePlain(bytes) }
            if type == .null { out.append(UInt8(ascii: "~")); return }
            if type == .bool, let b = YAMLResolver.boolValue(String(decoding: bytes, as: UTF8.self)) {
                appendQuoted(b ? "true" : "false", into: &out)
            } else {
                appendQuoted(bytes, into: &out)
            }
        case .sequence:
            if r.count == 0 { out.append(UInt8(ascii: "~")); return }
            out.append(UInt8(ascii: "["))
            for j in 0..<Int(r.count) {
                writeRaw(f.children[Int(r.start) + j], in: f, into: &out)
                out.append(UInt8(ascii: ","))
            }
            out.append(UInt8(ascii: "]"))
        case .mapping:
            if r.count / 2 == 0 { out.append(UInt8(ascii: "~")); return }
            // The scalar keys with their value's index, in order; a merge key or a non-ASCII
            // key sends the whole mapping to the node path instead.
            var pairs: [(key: RawNode, value: Int32)] = []
            pairs.reserveCapacity(Int(r.count) / 2)
            var j = Int(r.start)
            let end = j + Int(r.count)
            while j < end {
                let k = f.nodes[Int(f.children[j])]
                if k.kind == .scalar {
                    let text = f.bytes(of: k).baseAddress!
                    for i in 0..<Int(k.count) where text[i] >= 0x80 { writeNode(YAMLNode(file: f, index: index), into: &out); return }
                    if k.style == .plain && k.count == 2 && text[0] == UInt8(ascii: "<") && text[1] == UInt8(ascii: "<") {
                        writeNode(YAMLNode(file: f, index: index), into: &out)
                        return
                    }
                    pairs.append((k, f.children[j + 1]))
                }
                j += 2
            }
            // Keys in byte order (the String order for ASCII), equal keys in document order.
            func less(_ a: RawNode, _ b: RawNode) -> Bool {
                let n = min(Int(a.count), Int(b.count))
                let c = n == 0 ? 0 : memcmp(f.bytes(of: a).baseAddress!, f.bytes(of: b).baseAddress!, n)
                return c != 0 ? c < 0 : a.count < b.count
            }
            let order = pairs.indices.sorted { less(pairs[$0].key, pairs[$1].key) || (!less(pairs[$1].key, pairs[$0].key) && $0 < $1) }
            out.append(UInt8(ascii: "{"))
            for i in order where !isAbsent(YAMLNode(file: f, index: pairs[i].value)) {
                let k = pairs[i].key
                appendQuoted(f.bytes(of: k), into: &out)
                out.append(UInt8(ascii: ":"))
                writeRaw(pairs[i].value, in: f, into: &out)
                out.append(UInt8(ascii: ","))
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `write` through node handles (merge keys expanded, keys in String order).
    private static func writeNode(_ node: YAMLNode?, into out: inout [UInt8]) {
        guard let node, !isAbsent(node) else { out.append(UInt8(ascii: "~")); return }
        switch node.kind {
        case .scalar:
            if let b = node.bool {
                appendQuoted(b ? "true" : "false", into: &out)
            } else {
                let r = node.raw
                appendQuoted(node.file.bytes(of: r), into: &out)
            }
        case .sequence:
            out.append(UInt8(ascii: "["))
            for item in node.items { write(item, into: &out); out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "]"))
        case .mapping:
            out.append(UInt8(ascii: "{"))
            for (k, v) in entries(node) where !isAbsent(v) {
                appendQuoted(k, into: &out)
                out.append(UInt8(ascii: ":"))
                write(v, into: &out)
                out.append(UInt8(ascii: ","))
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `'text'` with each `'` doubled.
    private static func appendQuoted(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendQuoted($0, into: &out) }
    }

    private static func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "'"))
        if bytes.contains(UInt8(ascii: "'")) {
            for b in bytes {
                out.append(b)
                if b == UInt8(ascii: "'") { out.append(b) }
            }
        } else {
            out.append(contentsOf: bytes)
        }
        out.append(UInt8(ascii: "'"))
    }

    /// The differences between `left` and `right` under `path`, in path order; at most `limit`.
    public static func differences(_ left: YAMLNode, _ right: YAMLNode, path: String, limit: Int = 50) -> [Difference] {
        var out: [Difference] = []
        compare(left, right, path: path, leftAnchor: left, rightAnchor: right, into: &out, limit: limit)
        return out
    }

    private static func compare(_ l: YAMLNode?, _ r: YAMLNode?, path: String, leftAnchor: YAMLNode, rightAnchor: YAMLNode,
                                into out: inout [Difference], limit: Int) {
        guard out.count < limit else { return }
        let la = l.flatMap { isAbsent($0) ? nil : $0 }, ra = r.flatMap { isAbsent($0) ? nil : $0 }
        switch (la, ra) {
        case (nil, nil):
            return
        case (let l?, let r?) where l.kind == r.kind && l.kind == .mapping:
            let le = Dictionary(entries(l), uniquingKeysWith: { a, _ in a }), re = Dictionary(entries(r), uniquingKeysWith: { a, _ in a })
            for key in Set(le.keys).union(re.keys).sorted() {
                compare(le[key], re[key], path: "\(path).\(key)", leftAnchor: le[key] ?? l, rightAnchor: re[key] ?? r, into: &out, limit: limit)
            }
        case (let l?, let r?) where l.kind == r.kind && l.kind == .sequence:
            let li = l.items, ri = r.items
            // Subsets are a set keyed by name; the order of routes and rules matters.
            if path.hasSuffix(".subsets"), let ln = uniqueNames(li), let rn = uniqueNames(ri) {
                var rightByName: [String: YAMLNode] = [:]
                for (i, n) in rn.enumerated() { rightByName[n] = ri[i] }
                let leftNames = Set(ln)
                for (i, n) in ln.enumerated() {
                    compare(li[i], rightByName[n], path: "\(path)[\(i)]", leftAnchor: li[i], rightAnchor: rightByName[n] ?? r, into: &out, limit: limit)
                }
                for (j, n) in rn.enumerated() where !leftNames.contains(n) {
                    compare(nil, ri[j], path: "\(path)[name=\(n)]", leftAnchor: l, rightAnchor: ri[j], into: &out, limit: limit)
                }
            } else {
                for i in 0..<max(li.count, ri.count) {
                    let a = i < li.count ? li[i] : nil, b = i < ri.count ? ri[i] : nil
                    compare(a, b, path: "\(path)[\(i)]", leftAnchor: a ?? l, rightAnchor: b ?? r, into: &out, limit: limit)
                }
            }
        case (let l?, let r?) where l.isScalar && r.isScalar:
            if scalarKey(l) != scalarKey(r) {
                out.append(Difference(path: path, left: l, right: r, leftAnchor: l, rightAnchor: r))
            }
        default:
            out.append(Difference(path: path, left: la, right: ra, leftAnchor: la ?? leftAnchor, rightAnchor: ra ?? rightAnchor))
        }
    }

    /// A short text of a node for messages: a scalar's text (shortened), else "a list of N"/"a mapping".
    public static func describe(_ node: YAMLNode?) -> String {
        guard let node, !isAbsent(node) else { return "absent" }
        switch node.kind {
        case .scalar:
            let t = node.scalar ?? ""
            return t.count > 60 ? "`\(t.prefix(57))...`" : "`\(t)`"
        case .sequence:
            return node.count == 1 ? "a list of 1 entry" : "a list of \(node.count) entries"
        case .mapping:
            if let n = node["name"]?.text { return "the entry `\(n)`" }
            return "a mapping of \(node.count) field\(node.count == 1 ? "" : "s")"
        }
    }

    private static func isAbsent(_ n: YAMLNode) -> Bool {
        switch n.kind {
        case .scalar: return n.isNull
        case .sequence, .mapping: return n.count == 0
        }
    }

    private static func scalarKey(_ n: YAMLNode) -> String {
        if let b = n.bool { return b ? "true" : "false" }
        return n.scalar ?? ""
    }

    private static func entries(_ m: YAMLNode) -> [(String, YAMLNode)] {
        m.mergedPairs.compactMap { k, v in k.scalar.map { ($0, v) } }.sorted { $0.0 < $1.0 }
    }

    private static func uniqueNames(_ items: [YAMLNode]) -> [String]? {
        guard !items.isEmpty else { return nil }
        var names: [String] = []
        var seen = Set<String>()
        for i in items {
            guard i.isMapping, let n = i["name"]?.text, seen.insert(n).inserted else { return nil }
            names.append(n)
        }
        return names
    }
}
