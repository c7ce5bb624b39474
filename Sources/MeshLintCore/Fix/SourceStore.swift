import Foundation

/// Where the bytes of a set's files come from, for the rare paths that need the text as
/// written (fixes). The loader records how to read each file; nothing is read or kept until a
/// rule proposes a fix, so loading costs nothing more.
public final class SourceStore: @unchecked Sendable {
    private let readers: [String: @Sendable () -> [UInt8]?]
    /// The path each file was read from, by path in findings (nil for in-memory documents).
    public let locations: [String: String]
    private var cache: [String: SourceText] = [:]
    private var quotes: [ObjectIdentifier: YAMLScalarStyle] = [:]
    private let lock = NSLock()

    /// A store with a reader per file (by path in findings) and, for files on disk, where they live.
    public init(readers: [String: @Sendable () -> [UInt8]?] = [:], locations: [String: String] = [:]) {
        self.readers = readers
        self.locations = locations
    }

    /// The text of `path` as loaded (read again from its source the first time it is asked for).
    public func text(of path: String) -> SourceText? {
        lock.lock()
        if let t = cache[path] { lock.unlock(); return t }
        lock.unlock()
        guard let bytes = readers[path]?() else { return nil }
        let t = SourceText(path: path, bytes: bytes)
        lock.lock()
        cache[path] = t
        lock.unlock()
        return t
    }

    /// The quote style `file` uses most (double quotes when it quotes nothing), counted once per file.
    func preferredQuote(of file: YAMLFile) -> YAMLScalarStyle {
        lock.lock()
        if let q = quotes[ObjectIdentifier(file)] { lock.unlock(); return q }
        lock.unlock()
        var single = 0, double = 0
        file.nodes.withUnsafeBufferPointer { buf in
            for n in buf {
                if n.style == .singleQuoted { single += 1 } else if n.style == .doubleQuoted { double += 1 }
            }
        }
        let q: YAMLScalarStyle = single > double ? .singleQuoted : .doubleQuoted
        lock.lock()
        quotes[ObjectIdentifier(file)] = q
        lock.unlock()
        return q
    }

    /// Paths of every file the store can read.
    public var paths: [String] { readers.keys.sorted() }
}
