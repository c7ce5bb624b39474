import Dispatch

/// Runs `transform` for every index in `0..<count`, on all cores when `parallel`, and returns
/// the results in index order.
///
/// Each iteration writes its result into its own element of a buffer allocated before the loop
/// and never resized, so no two threads touch the same memory (writing `array[i]` of a Swift
/// array shared between threads is a data race: the write goes through the array's
/// copy-on-write check and exclusivity tracking of the whole array).
public func concurrentMap<T>(count: Int, parallel: Bool = true,
                             _ transform: @Sendable (Int) -> T) -> [T] {
    guard count > 0 else { return [] }
    let buffer = UnsafeMutablePointer<T?>.allocate(capacity: count)
    buffer.initialize(repeating: nil, count: count)
    defer {
        buffer.deinitialize(count: count)
        buffer.deallocate()
    }
    if parallel && count > 1 {
        // The pointer value is shared, the memory each iteration writes is not.
        nonisolated(unsafe) let slots = buffer
        DispatchQueue.concurrentPerform(iterations: count) { i in
            slots[i] = transform(i)
        }
    } else {
        for i in 0..<count { buffer[i] = transform(i) }
    }
    return (0..<count).map { buffer[$0]! }
}

/// Runs independent computations at the same time (on all cores when `parallel`) and returns
/// their results; the graph uses it for stages that only read what earlier stages built.
public func concurrently<A, B, C>(parallel: Bool = true, _ a: () -> A, _ b: () -> B, _ c: () -> C) -> (A, B, C) {
    withoutActuallyEscaping(a) { a in
        withoutActuallyEscaping(b) { b in
            withoutActuallyEscaping(c) { c in
                // Each closure runs exactly once and writes only its own result slot.
                nonisolated(unsafe) let (a, b, c) = (a, b, c)
                nonisolated(unsafe) var ra: A?
                nonisolated(unsafe) var rb: B?
                nonisolated(unsafe) var rc: C?
                _ = concurrentMap(count: 3, parallel: parallel) { i -> Bool in
                    switch i {
                    case 0: ra = a()
                    case 1: rb = b()
                    default: rc = c()
                    }
                    return true
                }
                return (ra!, rb!, rc!)
            }
        }
    }
}

/// `concurrently` for two computations.
public func concurrently<A, B>(parallel: Bool = true, _ a: () -> A, _ b: () -> B) -> (A, B) {
    let (x, y, _) = concurrently(parallel: parallel, a, b, { () })
    return (x, y)
}
