/// Path arithmetic on text, for set-relative and user-given paths, without Foundation's
/// `NSString` path methods: besides bridging on every call, `deletingLastPathComponent` traps
/// on Linux for a one-character last component (`"x"`, `"a/x/"`), which a file named `x` given
/// as the set root, or a one-letter path in the documents API, reached.
public enum PathText {
    /// The last component: `b` for `a/b` and `a/b/`, the path itself without a slash, `/` for `/`.
    public static func lastComponent(_ path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        if trimmed.isEmpty { return path.isEmpty ? "" : "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// The path without its last component and without a trailing slash: `a` for `a/b` and
    /// `a/b/`, `""` for `b`, `/` for `/b` and `/`.
    public static func parent(_ path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        if trimmed.isEmpty { return path.isEmpty ? "" : "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        let head = trimmingTrailingSlashes(trimmed[..<slash])
        return head.isEmpty ? "/" : String(head)
    }

    private static func trimmingTrailingSlashes<S: StringProtocol>(_ s: S) -> S.SubSequence {
        var end = s.endIndex
        while end > s.startIndex, s[s.index(before: end)] == "/" { end = s.index(before: end) }
        return s[..<end]
    }
}
