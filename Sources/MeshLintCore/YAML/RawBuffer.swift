// Storage for the tree builder's hot loop and for the finished tree.
//
// The builder appends a node, a child slot or a scalar's bytes for almost every libyaml event,
// so an append must be a capacity check and a store: `RawBuffer` is a growable array of trivial
// values in malloc'd memory (no copy-on-write uniqueness check, no bounds check on the builder's
// own indices, which are correct by construction). When a file is finished its buffers are
// shrunk in place and handed to the `YAMLFile` as `FrozenBuffer`s, without a copy; the file
// frees them in its deinit. Reads through `FrozenBuffer` are bounds-checked, because node
// indices can come from outside (`YAMLNode(file:index:)` is public).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable buffer of trivial values, owned by whoever holds it (call `deallocate` or `freeze`).
struct RawBuffer<Element: BitwiseCopyable> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    /// Number of elements in use; lowering it drops the elements past it.
    var count = 0

    init(capacity: Int) {
        let c = Swift.max(capacity, 16)
        guard let p = malloc(c * MemoryLayout<Element>.stride) else { fatalError("out of memory") }
        base = p.bindMemory(to: Element.self, capacity: c)
        self.capacity = c
    }

    @inline(__always)
    mutating func append(_ element: Element) {
        if count == capacity { grow(minimum: count + 1) }
        (base + count).initialize(to: element)
        count += 1
    }

    @inline(__always)
    mutating func append(_ source: UnsafePointer<Element>, count n: Int) {
        if count + n > capacity { grow(minimum: count + n) }
        (base + count).initialize(from: source, count: n)
        count += n
    }

    /// Element `i` (unchecked in release builds: only for indices the builder produced).
    @inline(__always)
    subscript(i: Int) -> Element {
        get { assert(i >= 0 && i < count); return base[i] }
        nonmutating set { assert(i >= 0 && i < count); base[i] = newValue }
    }

    @inline(never)
    mutating func grow(minimum: Int) {
        let c = Swift.max(minimum, capacity * 2)
        guard let p = realloc(base, c * MemoryLayout<Element>.stride) else { fatalError("out of memory") }
        base = p.bindMemory(to: Element.self, capacity: c)
        capacity = c
    }

    func deallocate() { free(base) }

    /// Shrinks the buffer to its count (in place: no copy) and hands it over; `self` must not be used after.
    func freeze() -> FrozenBuffer<Element> {
        let bytes = Swift.max(count, 1) * MemoryLayout<Element>.stride
        let p = realloc(base, bytes).map { $0.bindMemory(to: Element.self, capacity: Swift.max(count, 1)) } ?? base
        return FrozenBuffer(base: p, count: count)
    }
}

/// An immutable, exactly-sized buffer owned by a `YAMLFile`; reads are bounds-checked.
struct FrozenBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    fileprivate init(base: UnsafeMutablePointer<Element>, count: Int) {
        self.base = base
        self.count = count
    }

    /// A view of memory another buffer owns (a slice of another file's arena): the `YAMLFile`
    /// holding it keeps that owner alive and does not free it.
    init(borrowing base: UnsafeMutablePointer<Element>, count: Int) {
        self.base = base
        self.count = count
    }

    /// An empty buffer (still a real allocation, so `base` is always valid).
    init() {
        self = RawBuffer<Element>(capacity: 0).freeze()
    }

    /// A copy of `elements` (for tests and small trees built outside the parser).
    init(_ elements: [Element]) {
        var b = RawBuffer<Element>(capacity: elements.count)
        elements.withUnsafeBufferPointer { if let p = $0.baseAddress { b.append(p, count: $0.count) } }
        self = b.freeze()
    }

    @inline(__always)
    subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "node index out of range")
        return base[i]
    }

    var isEmpty: Bool { count == 0 }

    @inline(__always)
    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    func deallocate() { free(base) }
}
