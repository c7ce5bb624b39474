import Foundation

/// Documents that repeat, byte for byte, across the files of one load.
///
/// A multi-primary mesh kept in git holds cluster X's remote secret in every other cluster's
/// directory: at 100 clusters each secret is written 99 times, and at 1,000 clusters the copies
/// are most of the set's bytes. A parse given a cache splits its file at the lines that start a
/// document (`---` in column 1), hashes each piece (a *chunk*) and, for a chunk already parsed
/// in another file, copies that tree (moved to its own lines) instead of running libyaml over
/// the same bytes again. Every byte is still read: a hit compares the whole chunk with the
/// cached one.
///
/// A document that starts with `---` parses the same wherever it stands: libyaml resets its
/// anchors and tags there, a document cannot refer to another one, and columns do not change
/// because a chunk starts a line. Only its lines move. The parse checks, for every file it
/// splits, that libyaml started a document at exactly the lines it split at, and parses the
/// file whole when that fails or the file has any diagnostic (see `TreeBuilder.runChunked`).
///
/// A chunk is kept on its second sighting (the first only records its hash), so text that never
/// repeats costs no copy. A cache belongs to one load (no process-wide state) and may be used
/// from several threads: the table is split in shards by hash, each with its own lock.
final class DocumentCache: @unchecked Sendable {
    /// Where a cached chunk's tree lies in the file that parsed it.
    final class Entry: @unchecked Sendable {
        /// A copy of the chunk's bytes, to compare with.
        let bytes: UnsafeBufferPointer<UInt8>
        let file: YAMLFile
        let nodes: Range<Int32>
        let children: Range<Int>
        let documents: Range<Int>
        /// The chunk's first line in `file` (0-based).
        let line: UInt32

        init(bytes: UnsafeBufferPointer<UInt8>, file: YAMLFile, nodes: Range<Int32>, children: Range<Int>,
             documents: Range<Int>, line: UInt32) {
            // A chunk is never empty (it holds at least its `---` line or one byte of text).
            let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
            _ = copy.initialize(from: bytes)
            self.bytes = UnsafeBufferPointer(copy)
            self.file = file
            self.nodes = nodes
            self.children = children
            self.documents = documents
            self.line = line
        }

        deinit { UnsafeMutableRawPointer(mutating: bytes.baseAddress!).deallocate() }
    }

    enum Lookup {
        /// The chunk's tree, to copy.
        case hit(Entry)
        /// Not cached: parse it. With `publish`, this is its second sighting and the parse
        /// should hand its tree to the cache (`publish(_:)`).
        case miss(publish: Bool)
    }

    private enum Slot {
        /// Seen once: only the hash is kept.
        case seen
        /// Seen twice: one parse will publish the tree. It stays pending when that file turned
        /// out to need a whole-file parse (the chunk is then parsed wherever it repeats).
        case pending
        case cached(Entry)
    }

    private final class Shard {
        let lock = NSLock()
        var table: [Int: Slot] = [:]
        var hits = 0
    }

    private let shards: [Shard]
    let hash = SeededTextHash()
    /// The pool of the files it copies from and to: a copied scalar keeps pointing at the same
    /// pooled text.
    let pool: ScalarPool

    init(pool: ScalarPool) {
        self.pool = pool
        shards = (0..<16).map { _ in Shard() }
    }

    private func shard(_ h: Int) -> Shard { shards[Int(UInt(bitPattern: h) % UInt(shards.count))] }

    /// What to do with a chunk of hash `h`.
    func lookup(_ h: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Lookup {
        let s = shard(h)
        s.lock.lock()
        defer { s.lock.unlock() }
        switch s.table[h] {
        case nil:
            s.table[h] = .seen
            return .miss(publish: false)
        case .seen:
            s.table[h] = .pending
            return .miss(publish: true)
        case .pending:
            return .miss(publish: false)
        case .cached(let e):
            // Equal hashes of different texts stay uncached (the first one keeps the slot).
            guard e.bytes.count == bytes.count,
                  bytes.isEmpty || memcmp(e.bytes.baseAddress!, bytes.baseAddress!, bytes.count) == 0 else {
                return .miss(publish: false)
            }
            s.hits += 1
            return .hit(e)
        }
    }

    /// How many chunks were copied (for tests).
    var hitCount: Int {
        shards.reduce(0) { n, s in s.lock.lock(); defer { s.lock.unlock() }; return n + s.hits }
    }

    /// Keeps the tree of a chunk whose lookup asked for it.
    func publish(_ h: Int, _ entry: Entry) {
        let s = shard(h)
        s.lock.lock()
        defer { s.lock.unlock() }
        if case .pending = s.table[h] { s.table[h] = .cached(entry) }
    }
}

/// One piece of a file as `DocumentCache` sees it: from a line that starts with `---` (or the
/// file's start) to the next such line.
struct DocumentChunk {
    let start: Int
    let end: Int
    /// The 0-based line the chunk starts on.
    let line: UInt32
    /// True when the chunk starts with `---` (every chunk but a first one without it).
    let explicit: Bool
    /// True when its last byte is `\n`: only such a chunk is cached (a file's last line without
    /// a break moves positions at the end of the stream, see `TreeBuilder.endLine`).
    let endsWithBreak: Bool
}

extension DocumentChunk {
    /// The chunks of `buffer`, or nil when the file must be parsed whole: it has a line
    /// starting with `%` (directives apply across a document start), a line break libyaml
    /// counts that is not `\n` (a lone `\r`, NEL, LS or PS, so that lines counted here could
    /// differ from libyaml's), or starts with a UTF-16 byte order mark.
    static func split(_ buffer: UnsafeBufferPointer<UInt8>) -> [DocumentChunk]? {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return nil }
        let n = buffer.count
        if n >= 2 && ((base[0] == 0xFF && base[1] == 0xFE) || (base[0] == 0xFE && base[1] == 0xFF)) { return nil }
        guard onlyNewlineBreaks(base, n) else { return nil }
        var chunks: [DocumentChunk] = []
        var chunkStart = 0, chunkLine: UInt32 = 0, chunkExplicit = false
        var line: UInt32 = 0
        var at = 0  // start of the current line
        func close(at end: Int) {
            chunks.append(DocumentChunk(start: chunkStart, end: end, line: chunkLine, explicit: chunkExplicit, endsWithBreak: base[end - 1] == UInt8(ascii: "\n")))
        }
        while at < n {
            if base[at] == UInt8(ascii: "%") { return nil }
            if at + 3 <= n && base[at] == UInt8(ascii: "-") && base[at + 1] == UInt8(ascii: "-") && base[at + 2] == UInt8(ascii: "-")
                && (at + 3 == n || isBlankOrBreak(base[at + 3])) {
                if at > chunkStart { close(at: at) }
                chunkStart = at
                chunkLine = line
                chunkExplicit = true
            }
            guard let nl = memchr(base + at, Int32(UInt8(ascii: "\n")), n - at) else { break }
            at = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
            line += 1
        }
        close(at: n)
        return chunks
    }

    @inline(__always)
    private static func isBlankOrBreak(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r")
    }

    /// True when every line break of the text is `\n` or `\r\n`.
    private static func onlyNewlineBreaks(_ base: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        func each(_ byte: UInt8, _ ok: (Int) -> Bool) -> Bool {
            var at = 0
            while at < n, let p = memchr(base + at, Int32(byte), n - at) {
                let i = base.distance(to: p.assumingMemoryBound(to: UInt8.self))
                if !ok(i) { return false }
                at = i + 1
            }
            return true
        }
        return each(0x0D) { i in i + 1 < n && base[i + 1] == 0x0A }
            && each(0xC2) { i in i + 1 >= n || base[i + 1] != 0x85 }
            && each(0xE2) { i in i + 2 >= n || base[i + 1] != 0x80 || (base[i + 2] != 0xA8 && base[i + 2] != 0xA9) }
    }
}
