import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
///
/// `a` runs on the calling thread and the others each on a thread of their own, not as the
/// iterations of a `concurrentPerform` and not as blocks on a global queue:
/// - libdispatch runs a `concurrentPerform` nested in another one on a single thread, so every
///   per-cluster `concurrentMap` inside a stage lost its parallelism;
/// - a block that waits for blocks it queued on the same bounded pool can wait for ever.
/// Starting a thread costs tens of microseconds, and the graph does it a handful of times.
public func concurrently<A, B, C>(parallel: Bool = true, _ a: () -> A, _ b: () -> B, _ c: () -> C) -> (A, B, C) {
    let (ra, (rb, rc)) = concurrently(parallel: parallel, a, { concurrently(parallel: parallel, b, c) })
    return (ra, rb, rc)
}

/// `concurrently` for two computations: `a` on the calling thread, `b` on a thread of its own.
public func concurrently<A, B>(parallel: Bool = true, _ a: () -> A, _ b: () -> B) -> (A, B) {
    guard parallel else { return (a(), b()) }
    return withoutActuallyEscaping(b) { b in
        // `b` runs exactly once and writes only its own result slot; the join orders the write
        // before the read.
        nonisolated(unsafe) var rb: B?
        let tb = SideThread { rb = b() }
        let ra = a()
        tb.join()
        return (ra, rb!)
    }
}

/// A body run on a new POSIX thread; `join` waits for it. The body is released on that thread
/// before it ends, so a non-escaping closure wrapped with `withoutActuallyEscaping` is gone
/// when `join` returns. When no thread can be started, the body runs in `join` instead.
private struct SideThread {
    private final class Box {
        var body: (() -> Void)?
        init(_ body: @escaping () -> Void) { self.body = body }
    }
    private var thread: pthread_t?
    private var inline: Box?

    init(_ body: @escaping () -> Void) {
        let box = Box(body)
        let context = Unmanaged.passRetained(box).toOpaque()
        #if canImport(Darwin)
        var t: pthread_t?
        #else
        var t = pthread_t()
        #endif
        let started = pthread_create(&t, nil, { raw in
            #if canImport(Darwin)
            let box = Unmanaged<Box>.fromOpaque(raw).takeRetainedValue()
            #else
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            #endif
            box.body?()
            box.body = nil
            return nil
        }, context)
        if started == 0 {
            thread = t
        } else {
            Unmanaged<Box>.fromOpaque(context).release()
            inline = box
        }
    }

    func join() {
        if let thread {
            pthread_join(thread, nil)
        } else if let inline {
            inline.body?()
            inline.body = nil
        }
    }
}

/// `body(c)` for every cluster `c` in `0..<n`, in cluster order, run in parallel when there
/// are several clusters. `body` must read only shared immutable data.
func perCluster<T>(_ n: Int, _ body: (Int) -> T) -> [T] {
    guard n > 1 else { return (0..<n).map(body) }
    // Each cluster's result goes to its own preallocated slot (writing `array[c]` of a shared
    // Swift array from several threads is a data race; TSan reports it).
    return withoutActuallyEscaping(body) { body in
        nonisolated(unsafe) let body = body
        return concurrentMap(count: n) { c in body(c) }
    }
}
