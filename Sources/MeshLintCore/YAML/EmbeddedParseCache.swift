import Foundation

/// Parses of embedded YAML text, shared by every host scalar with the same bytes.
///
/// In a multi-primary mesh kept in git, cluster X's remote secret (the kubeconfig `istioctl
/// create-remote-secret` wrote for it) is the same text in every other cluster's directory:
/// 100 clusters hold 9,900 kubeconfigs but only 100 distinct texts. libyaml parses each distinct
/// text once; every other copy gets the same tree, re-homed: its positions moved to where its
/// own host sits and its scalars read in its own host's bytes. The result is exactly what parsing
/// that copy would give (same nodes, kinds, styles, children, tags and documents), at the cost
/// of one small object: the node and child tables are shared, not copied.
///
/// Only clean parses are shared: text whose scalars are all its own bytes (what lets a tree read
/// them in its host's arena) and that parsed without a diagnostic. Anything else is parsed
/// anew every time, as before. A cache belongs to one graph build (no process-wide state) and
/// may be used from several threads; parses under non-default `YAMLLimits` must not use one.
final class EmbeddedParseCache: @unchecked Sendable {
    /// A parsed text with its positions before any shift. Its node and child tables are shared
    /// by every copy (each copy adds its own line and column shift when a position is read), so
    /// it lives as long as the last copy, and frees them then.
    final class SharedTree: Sendable {
        let text: [UInt8]
        let nodes: FrozenBuffer<RawNode>
        let children: FrozenBuffer<Int32>
        let documents: [YAMLDocumentInfo]
        let tags: [String]

        init(text: [UInt8], nodes: FrozenBuffer<RawNode>, children: FrozenBuffer<Int32>,
             documents: [YAMLDocumentInfo], tags: [String]) {
            self.text = text
            self.nodes = nodes
            self.children = children
            self.documents = documents
            self.tags = tags
        }

        deinit {
            nodes.deallocate()
            children.deallocate()
        }

        func matches(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> Bool {
            text.count == count && memcmp(text, bytes, count) == 0
        }
    }

    private let lock = NSLock()
    private var entries: [Int: [SharedTree]] = [:]
    /// Trees by the address of their text, for host scalars kept in the load's `ScalarPool`:
    /// there, one address is one text, so a copy is found without hashing its bytes.
    private var byAddress: [UnsafeRawPointer: SharedTree] = [:]
    /// Lookups answered from the cache, and distinct texts kept (for tests).
    private(set) var hits = 0, stored = 0

    init() {}

    /// The parse of the `count` bytes of `host`'s arena at `start` (the host scalar's text),
    /// with positions moved by `shift`, borrowing `host`'s arena and the shared tree; nil when
    /// the text has not been parsed cleanly before.
    func file(for host: YAMLNode, shift: (lines: Int, columns: Int)?) -> YAMLFile? {
        let (text, count) = Self.bytes(of: host)
        let address = host.raw.isShared ? UnsafeRawPointer(text) : nil
        lock.lock()
        var tree = address.flatMap { byAddress[$0] }.flatMap { $0.text.count == count ? $0 : nil }
        if tree != nil { hits += 1 }
        lock.unlock()
        if tree == nil {
            let key = hash(text, count)
            lock.lock()
            tree = entries[key]?.first { $0.matches(text, count) }
            if let tree {
                hits += 1
                if let address { byAddress[address] = tree }
            }
            lock.unlock()
        }
        guard let tree else { return nil }
        // The documents are shared too: `YAMLFile.documents` adds the shift.
        return YAMLFile(path: host.file.path, byteCount: count, documents: tree.documents, diagnostics: [],
                        nodes: tree.nodes, children: tree.children,
                        arena: FrozenBuffer(borrowing: UnsafeMutablePointer(mutating: text), count: count), arenaOwner: host.file, treeOwner: tree,
                        lineShift: UInt32(max(0, shift?.lines ?? 0)), columnShift: UInt32(max(0, shift?.columns ?? 0)),
                        tags: tree.tags)
    }

    /// Keeps `parsed`, the parse of `host`'s text moved by `shift`, when it is clean (see above).
    /// `EmbeddedYAML` inserts only after `file(for:shift:)` found nothing; a text two threads
    /// parsed at once is kept once.
    func insert(_ parsed: YAMLFile, for host: YAMLNode, shift: (lines: Int, columns: Int)?) {
        guard parsed.diagnostics.isEmpty, parsed.arenaOwner === host.file else { return }
        let (text, count) = Self.bytes(of: host)
        // Positions as if the text started at line 1, column 1: each node's position in the
        // file (its line plus the parse's own shift), less `shift`.
        let dl = UInt32(max(0, shift?.lines ?? 0)), dc = UInt32(max(0, shift?.columns ?? 0))
        let nodes = parsed.nodes.withUnsafeBufferPointer { buf in
            buf.map { n -> RawNode in
                var n = n
                n.line = n.line &+ parsed.lineShift &- dl
                n.column = n.column &+ parsed.columnShift &- dc
                return n
            }
        }
        let documents = shift.map { s in
            parsed.documents.map { YAMLDocumentInfo(root: $0.root, position: $0.position.shifted(-s.lines, -s.columns)) }
        } ?? parsed.documents
        let tree = SharedTree(text: Array(UnsafeBufferPointer(start: text, count: count)), nodes: FrozenBuffer(nodes),
                              children: parsed.children.withUnsafeBufferPointer { FrozenBuffer(Array($0)) },
                              documents: documents, tags: parsed.tags)
        let key = hash(text, count)
        lock.lock()
        if !(entries[key]?.contains { $0.matches(text, count) } ?? false) {
            entries[key, default: []].append(tree)
            if host.raw.isShared { byAddress[UnsafeRawPointer(text)] = tree }
            stored += 1
        }
        lock.unlock()
    }

    /// The bytes of a host scalar's text (in its file's arena, or shared).
    private static func bytes(of host: YAMLNode) -> (UnsafePointer<UInt8>, Int) {
        let b = host.file.bytes(of: host.raw)
        return (b.baseAddress!, b.count)
    }

    /// Seeded per cache (see `SeededTextHash`).
    private let hash = SeededTextHash()
}
