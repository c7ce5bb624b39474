import MeshLintCore

/// The `meshlint.io/ignore` annotation: the rules a resource opts out of.
///
/// The value lists rule codes or names separated by commas or spaces, or `*` for every rule,
/// optionally followed by a reason after `#`: `"MC401, cross-cluster-gateway-missing # legacy"`.
public struct IgnoreAnnotation: Sendable, Hashable {
    /// The annotation key.
    public static let key = "meshlint.io/ignore"
    /// The rule that reports suppressions naming no rule (`unknown-suppression`).
    public static let diagnosticRule = "MC005"

    /// An entry of the annotation (or of the configuration file) that names no rule.
    public struct UnknownEntry: Sendable, Hashable {
        /// The entry as written.
        public let text: String
        /// The nearest rule code or name, when one is close enough to be a typo.
        public let suggestion: String?
    }

    /// Codes of the rules the annotation suppresses (names resolved to codes).
    public let codes: Set<String>
    /// True when the annotation lists `*`.
    public let all: Bool
    /// The reason after `#`, if any.
    public let reason: String?
    /// Entries that name no rule, in the order written.
    public let unknown: [UnknownEntry]

    /// Parses an annotation value.
    public init(parsing value: String) {
        var list = Substring(value)
        var reason: String?
        if let hash = value.firstIndex(of: "#") {
            list = value[..<hash]
            let r = value[value.index(after: hash)...].trimmingSpaces
            reason = r.isEmpty ? nil : r
        }
        var codes = Set<String>()
        var all = false
        var unknown: [UnknownEntry] = []
        for token in list.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\n" }) {
            let t = String(token)
            if t == "*" { all = true; continue }
            if let code = RuleCatalog.entry(t)?.code {
                codes.insert(code)
            } else {
                unknown.append(UnknownEntry(text: t, suggestion: IgnoreAnnotation.suggestion(for: t)))
            }
        }
        self.codes = codes
        self.all = all
        self.reason = reason
        self.unknown = unknown
    }

    /// True when the annotation suppresses findings of rule `code`.
    public func covers(_ code: String) -> Bool { all || codes.contains(code) }

    /// True when the annotation names nothing at all (an empty value or only a reason).
    public var isEmpty: Bool { !all && codes.isEmpty && unknown.isEmpty }

    /// The nearest rule code or name to `word`, for "did you mean" hints.
    public static func suggestion(for word: String) -> String? {
        Suggest.nearest(word, in: RuleCatalog.entries.flatMap { [$0.code, $0.name] })
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" || l == "\n" { s.removeLast() }
        return String(s)
    }
}
