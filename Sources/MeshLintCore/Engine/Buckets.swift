/// Item indices grouped by a small integer key (a cluster, a secret), in two flat arrays: the
/// items of key `k` are `items[offsets[k]..<offsets[k + 1]]`, in item order. An array of
/// arrays costs an allocation and a header per key, which for an index keyed by a million
/// remote secrets was larger than the data; this costs four bytes per item and per key.
struct Buckets: Sendable {
    private let offsets: [Int32]
    private let items: [Int32]

    /// Groups `0..<count` by `key(i)` into `keys` buckets; items whose key is nil or outside
    /// `0..<keys` are left out.
    init(keys: Int, count: Int, key: (Int) -> Int?) {
        var bucketOf = [Int32](repeating: -1, count: count)
        var sizes = [Int32](repeating: 0, count: keys + 1)
        for i in 0..<count {
            guard let k = key(i), k >= 0, k < keys else { continue }
            bucketOf[i] = Int32(k)
            sizes[k + 1] += 1
        }
        for k in 0..<keys { sizes[k + 1] += sizes[k] }
        var next = sizes
        var items = [Int32](repeating: 0, count: Int(sizes[keys]))
        for i in 0..<count where bucketOf[i] >= 0 {
            let k = Int(bucketOf[i])
            items[Int(next[k])] = Int32(i)
            next[k] += 1
        }
        self.offsets = sizes
        self.items = items
    }

    /// The items of bucket `k`, in item order (empty for a key outside the range).
    subscript(k: Int) -> ArraySlice<Int32> {
        guard k >= 0, k + 1 < offsets.count else { return [] }
        return items[Int(offsets[k])..<Int(offsets[k + 1])]
    }

    /// The number of items in bucket `k`.
    func count(_ k: Int) -> Int { self[k].count }
}
