/// How serious a finding is. Ordered: info < warning < error.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
    case info, warning, error

    var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// The resource a finding is about: its identity (apiVersion, kind, namespace, name).
public typealias FindingResource = ResourceIdentity

/// Another place that takes part in a finding (often in another cluster).
public struct RelatedLocation: Codable, Sendable, Hashable {
    public var cluster: String?
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(cluster: String?, file: String, line: Int, column: Int, message: String) {
        self.cluster = cluster
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }
}

/// One problem reported by a rule.
public struct Finding: Codable, Sendable, Hashable {
    /// Rule code, e.g. `MC401`.
    public var rule: String
    /// Rule name, e.g. `cross-cluster-port`.
    public var name: String
    public var severity: Severity
    /// What is wrong, why it breaks traffic and how to fix it.
    public var message: String
    /// The cluster the finding belongs to (nil for set-level problems such as a broken shared file).
    public var cluster: String?
    /// File relative to the set's root, with `/`.
    public var file: String
    public var line: Int
    public var column: Int
    /// The resource at fault, when there is one.
    public var resource: FindingResource?
    /// Related places, in this or other clusters.
    public var related: [RelatedLocation]
    /// Dotted path of the field at fault inside the resource (e.g. `spec.endpoints[0].ports.http1`);
    /// used for fingerprints that survive reformatting.
    public var fieldPath: String?
    /// The certain repair, when the rule has one (nil: no safe fix).
    public var fix: Fix?

    public init(rule: String, name: String, severity: Severity, message: String, cluster: String?,
                file: String, line: Int, column: Int, resource: FindingResource? = nil,
                related: [RelatedLocation] = [], fieldPath: String? = nil) {
        self.rule = rule
        self.name = name
        self.severity = severity
        self.message = message
        self.cluster = cluster
        self.file = file
        self.line = line
        self.column = column
        self.resource = resource
        self.related = related
        self.fieldPath = fieldPath
    }

    /// Sort order of every output: file, line, column, rule (then cluster and message for ties).
    public static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        if a.file != b.file { return a.file.utf8.lexicographicallyPrecedes(b.file.utf8) }
        if a.line != b.line { return a.line < b.line }
        if a.column != b.column { return a.column < b.column }
        if a.rule != b.rule { return a.rule < b.rule }
        if (a.cluster ?? "") != (b.cluster ?? "") { return (a.cluster ?? "") < (b.cluster ?? "") }
        return a.message < b.message
    }
}
