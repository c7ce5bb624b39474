/// Shell-style path globs as used in `meshlint.yaml`: `*` and `?` within one path segment,
/// `**` across segments; a pattern without wildcards also matches everything below it.
public struct Glob: Sendable, Hashable {
    public let pattern: String
    private let segments: [Substring]

    public init(_ pattern: String) {
        var p = pattern
        while p.hasPrefix("./") { p.removeFirst(2) }
        while p.hasSuffix("/") && p.count > 1 { p.removeLast() }
        self.pattern = p
        self.segments = p.split(separator: "/", omittingEmptySubsequences: true)
    }

    /// True when `path` (relative, with `/`) matches.
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if !pattern.contains(where: { $0 == "*" || $0 == "?" || $0 == "[" }) {
            // Literal pattern: the path itself or anything below it.
            return parts.count >= segments.count && zip(parts, segments).allSatisfy { $0 == $1 }
        }
        return match(segments[...], parts[...])
    }

    private func match(_ pat: ArraySlice<Substring>, _ parts: ArraySlice<Substring>) -> Bool {
        guard let first = pat.first else { return parts.isEmpty }
        if first == "**" {
            let rest = pat.dropFirst()
            var p = parts
            while true {
                if match(rest, p) { return true }
                if p.isEmpty { return false }
                p = p.dropFirst()
            }
        }
        guard let part = parts.first else { return false }
        return Glob.segmentMatches(Array(first.utf8)[...], Array(part.utf8)[...]) && match(pat.dropFirst(), parts.dropFirst())
    }

    static func segmentMatches(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        guard let c = p.first else { return s.isEmpty }
        switch c {
        case UInt8(ascii: "*"):
            var rest = s
            while true {
                if segmentMatches(p.dropFirst(), rest) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        case UInt8(ascii: "?"):
            return !s.isEmpty && segmentMatches(p.dropFirst(), s.dropFirst())
        case UInt8(ascii: "["):
            guard let close = p.firstIndex(of: UInt8(ascii: "]")), let ch = s.first else { return false }
            let set = p[(p.startIndex + 1)..<close]
            var ok = false
            var i = set.startIndex
            while i < set.endIndex {
                if i + 2 < set.endIndex && set[i + 1] == UInt8(ascii: "-") {
                    if set[i] <= ch && ch <= set[i + 2] { ok = true }
                    i += 3
                } else {
                    if set[i] == ch { ok = true }
                    i += 1
                }
            }
            return ok && segmentMatches(p[(close + 1)...], s.dropFirst())
        default:
            return s.first == c && segmentMatches(p.dropFirst(), s.dropFirst())
        }
    }
}
