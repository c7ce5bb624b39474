/// One text replacement in one file: the bytes in `[startOffset, endOffset)` become
/// `replacement`. An insertion has an empty range.
public struct TextEdit: Codable, Sendable, Hashable {
    /// File relative to the set's root, with `/` (as in findings).
    public var file: String
    /// UTF-8 byte offset of the first replaced byte.
    public var startOffset: Int
    /// UTF-8 byte offset just past the last replaced byte (equal to `startOffset` for an insertion).
    public var endOffset: Int
    /// 1-based line of `startOffset`.
    public var startLine: Int
    /// 1-based column of `startOffset` (in characters, like findings).
    public var startColumn: Int
    /// 1-based line of `endOffset`.
    public var endLine: Int
    /// 1-based column of `endOffset` (the column after the last replaced character).
    public var endColumn: Int
    /// The new text.
    public var replacement: String

    public init(file: String, startOffset: Int, endOffset: Int, startLine: Int, startColumn: Int,
                endLine: Int, endColumn: Int, replacement: String) {
        self.file = file
        self.startOffset = startOffset
        self.endOffset = endOffset
        self.startLine = startLine
        self.startColumn = startColumn
        self.endLine = endLine
        self.endColumn = endColumn
        self.replacement = replacement
    }

    /// True when the two edits touch the same bytes of one file (two insertions at one offset
    /// also conflict: their order would be a guess).
    public func overlaps(_ other: TextEdit) -> Bool {
        guard file == other.file else { return false }
        if startOffset == other.startOffset { return true }
        return startOffset < other.endOffset && other.startOffset < endOffset
    }
}

/// A repair a rule is certain of: a title for people and the text edits that make it. Every
/// fix was applied to its file and re-parsed when it was made; it keeps the file's comments,
/// indentation, quoting, key order and line endings.
public struct Fix: Codable, Sendable, Hashable {
    /// What the fix does, e.g. `Quote the value: "true"`.
    public var title: String
    /// The edits, in file order; they never overlap.
    public var edits: [TextEdit]

    public init(title: String, edits: [TextEdit]) {
        self.title = title
        self.edits = edits.sorted { ($0.file, $0.startOffset) < ($1.file, $1.startOffset) }
    }

    /// The files the fix changes.
    public var files: Set<String> { Set(edits.map(\.file)) }
}

/// Applies text edits to in-memory files.
public enum FixApplier {
    /// `bytes` with `edits` (all for one file, non-overlapping) applied; nil when two overlap or
    /// one lies outside the text.
    public static func apply(_ edits: [TextEdit], to bytes: [UInt8]) -> [UInt8]? {
        let sorted = edits.sorted { ($0.startOffset, $0.endOffset) < ($1.startOffset, $1.endOffset) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + sorted.reduce(0) { $0 + $1.replacement.utf8.count })
        var at = 0
        for e in sorted {
            guard e.startOffset >= at, e.startOffset <= e.endOffset, e.endOffset <= bytes.count else { return nil }
            out += bytes[at..<e.startOffset]
            out += Array(e.replacement.utf8)
            at = e.endOffset
        }
        out += bytes[at...]
        return out
    }

    /// A subset of `fixes` whose edits overlap neither each other nor an earlier chosen fix,
    /// taken in order (the rest wait for the next pass).
    public static func nonOverlapping(_ fixes: [Fix]) -> [Fix] {
        var chosen: [Fix] = []
        var taken: [String: [TextEdit]] = [:]   // per file, sorted by start offset
        func conflicts(_ e: TextEdit) -> Bool {
            guard let list = taken[e.file] else { return false }
            var lo = 0, hi = list.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if list[mid].startOffset < e.startOffset { lo = mid + 1 } else { hi = mid }
            }
            return (lo < list.count && list[lo].overlaps(e)) || (lo > 0 && list[lo - 1].overlaps(e))
        }
        for f in fixes where !f.edits.isEmpty && !f.edits.contains(where: conflicts) {
            chosen.append(f)
            for e in f.edits {
                var list = taken[e.file, default: []]
                let i = list.firstIndex { $0.startOffset > e.startOffset } ?? list.count
                list.insert(e, at: i)
                taken[e.file] = list
            }
        }
        return chosen
    }
}
