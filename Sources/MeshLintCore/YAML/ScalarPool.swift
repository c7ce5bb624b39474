import Foundation

/// Long scalar texts shared by the files of one load.
///
/// A mesh kept in git repeats its long texts: cluster X's remote secret (a kubeconfig of a
/// kilobyte or more, or its base64) is the same text in every other cluster's directory, and
/// so are CA bundles and mesh-wide ConfigMaps. At 1,000 clusters a million kubeconfig copies were
/// half of all scalar bytes held. A parse given a pool keeps each scalar of `minimumLength`
/// bytes or more once per distinct text: the node marks its bytes as shared, and its file holds
/// the pointer (in `SharedScalars`) and keeps the pool alive. Nothing else changes: a node reads
/// the same bytes either way.
///
/// A pool belongs to one load (no process-wide state) and may be used from several threads:
/// the table is split in shards by hash, each with its own lock.
final class ScalarPool: @unchecked Sendable {
    /// Shorter scalars are kept in each file's own arena (hashing them costs more than it saves).
    static let minimumLength = 256

    private final class Shard {
        let lock = NSLock()
        var table: [Int: [UnsafeBufferPointer<UInt8>]] = [:]
    }

    private let shards: [Shard]
    private let hash = SeededTextHash()

    init() {
        shards = (0..<16).map { _ in Shard() }
    }

    deinit {
        for s in shards { for list in s.table.values { for b in list { b.deallocate() } } }
    }

    /// The pool's copy of the `count` bytes at `bytes`, made on first sight of the text.
    func intern(_ bytes: UnsafePointer<UInt8>, count: Int) -> UnsafePointer<UInt8> {
        let h = hash(bytes, count)
        let shard = shards[Int(UInt(bitPattern: h) % UInt(shards.count))]
        shard.lock.lock()
        defer { shard.lock.unlock() }
        if let found = shard.table[h]?.first(where: { $0.count == count && memcmp($0.baseAddress!, bytes, count) == 0 }) {
            return found.baseAddress!
        }
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: count)
        _ = copy.initialize(from: UnsafeBufferPointer(start: bytes, count: count))
        shard.table[h, default: []].append(UnsafeBufferPointer(copy))
        return UnsafePointer(copy.baseAddress!)
    }
}

/// The pointers of one file's shared scalars (a node marked `isShared` has its index here as
/// `start`), and the pool that owns their bytes. Immutable, and the bytes it points at are
/// never written after they were interned, so it may be read from any thread.
final class SharedScalars: @unchecked Sendable {
    private let pointers: [UnsafePointer<UInt8>]
    private let pool: ScalarPool

    init(pointers: [UnsafePointer<UInt8>], pool: ScalarPool) {
        self.pointers = pointers
        self.pool = pool
    }

    @inline(__always)
    func bytes(_ index: Int, count: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: pointers[index], count: count)
    }

    /// Where the bytes of shared scalar `index` are (to share them again, see `DocumentCache`).
    func pointer(_ index: Int) -> UnsafePointer<UInt8> { pointers[index] }
}

/// A hash of a whole text, eight bytes at a time (a multiply-xorshift mix with a random seed,
/// so that texts cannot be written to collide on purpose): for tables keyed by long texts
/// (kubeconfigs, certificates), where SipHash cost as much as reading them. Equal hashes must
/// still be compared byte for byte.
struct SeededTextHash: Sendable {
    private let seed = UInt64.random(in: .min ... .max)

    func callAsFunction(_ text: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var h = seed ^ (UInt64(count) &* 0x9E37_79B9_7F4A_7C15)
        let raw = UnsafeRawPointer(text)
        var i = 0
        while i + 8 <= count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        while i < count {
            tail = tail << 8 | UInt64(text[i])
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return Int(bitPattern: UInt(h))
    }
}
