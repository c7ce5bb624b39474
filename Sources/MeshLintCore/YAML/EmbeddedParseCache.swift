import Foundation

/// Parses of embedded YAML text, shared by every host scalar with the same bytes.
///
/// In a multi-primary mesh kept in git, cluster X's remote secret (the kubeconfig `istioctl
/// create-remote-secret` wrote for it) is the same text in every other cluster's directory:
/// 100 clusters hold 9,900 kubeconfigs but only 100 distinct texts. libyaml parses each distinct
/// text once; every other copy gets the same tree, re-homed: its positions moved to where its
/// own host sits and its scalars read in its own host's bytes. The result is exactly what parsing
/// that copy would give (same nodes, kinds, styles, children, tags and documents), at the cost
/// of copying a few dozen nodes.
///
/// Only clean parses are shared: text whose scalars are all its own bytes (what lets a tree read
/// them in its host's arena) and that parsed without a diagnostic. Anything else is parsed
/// anew every time, as before. A cache belongs to one graph build (no process-wide state) and
/// may be used from several threads; parses under non-default `YAMLLimits` must not use one.
final class EmbeddedParseCache: @unchecked Sendable {
    /// A parsed text with its positions before any shift.
    private struct Entry {
        let text: [UInt8]
        let nodes: [RawNode]
        let children: [Int32]
        let documents: [YAMLDocumentInfo]
        let tags: [String]
    }

    private let lock = NSLock()
    private var entries: [Int: [Entry]] = [:]
    /// Lookups answered from the cache, and distinct texts kept (for tests).
    private(set) var hits = 0, stored = 0

    init() {}

    /// The parse of the `count` bytes of `host`'s arena at `start` (the host scalar's text),
    /// with positions moved by `shift`, borrowing `host`'s arena; nil when the text has not
    /// been parsed cleanly before.
    func file(for host: YAMLNode, shift: (lines: Int, columns: Int)?) -> YAMLFile? {
        let r = host.raw
        let text = host.file.arena.base + Int(r.start)
        let count = Int(r.count)
        let key = Self.hash(text, count)
        lock.lock()
        let entry = entries[key]?.first { $0.text.count == count && memcmp($0.text, text, count) == 0 }
        if entry != nil { hits += 1 }
        lock.unlock()
        guard let entry else { return nil }
        let dl = UInt32(max(0, shift?.lines ?? 0)), dc = UInt32(max(0, shift?.columns ?? 0))
        let nodes = entry.nodes.map { n -> RawNode in
            var n = n
            n.line += dl
            n.column += dc
            return n
        }
        let documents = shift.map { s in
            entry.documents.map { YAMLDocumentInfo(root: $0.root, position: $0.position.shifted(s.lines, s.columns)) }
        } ?? entry.documents
        return YAMLFile(path: host.file.path, byteCount: count, documents: documents, diagnostics: [],
                        nodes: FrozenBuffer(nodes), children: FrozenBuffer(entry.children),
                        arena: FrozenBuffer(borrowing: text, count: count), arenaOwner: host.file, tags: entry.tags)
    }

    /// Keeps `parsed`, the parse of `host`'s text moved by `shift`, when it is clean (see above).
    func insert(_ parsed: YAMLFile, for host: YAMLNode, shift: (lines: Int, columns: Int)?) {
        guard parsed.diagnostics.isEmpty, parsed.arenaOwner === host.file else { return }
        let r = host.raw
        let text = host.file.arena.base + Int(r.start)
        let count = Int(r.count)
        let dl = UInt32(max(0, shift?.lines ?? 0)), dc = UInt32(max(0, shift?.columns ?? 0))
        let nodes = parsed.nodes.withUnsafeBufferPointer { buf in
            buf.map { n -> RawNode in
                var n = n
                n.line -= dl
                n.column -= dc
                return n
            }
        }
        let documents = shift.map { s in
            parsed.documents.map { YAMLDocumentInfo(root: $0.root, position: $0.position.shifted(-s.lines, -s.columns)) }
        } ?? parsed.documents
        let entry = Entry(text: Array(UnsafeBufferPointer(start: text, count: count)), nodes: nodes,
                          children: parsed.children.withUnsafeBufferPointer { Array($0) },
                          documents: documents, tags: parsed.tags)
        let key = Self.hash(text, count)
        lock.lock()
        if !(entries[key]?.contains { $0.text.count == count && memcmp($0.text, text, count) == 0 } ?? false) {
            entries[key, default: []].append(entry)
            stored += 1
        }
        lock.unlock()
    }

    private static func hash(_ text: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var h = Hasher()
        h.combine(bytes: UnsafeRawBufferPointer(start: text, count: count))
        return h.finalize()
    }
}
