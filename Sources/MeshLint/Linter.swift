@_exported import MeshLintCore
@_exported import MeshLintRules

/// What to do with one rule in a run.
public enum RuleSetting: Sendable, Hashable {
    /// Report at this severity instead of the documented default.
    case severity(Severity)
    /// Do not run the rule.
    case off
}

/// Why a rule selection or setting was refused.
public enum LintError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A rule code or name that no rule has.
    case unknownRule(String, suggestion: String?)

    public var description: String {
        switch self {
        case .unknownRule(let r, let s):
            return "unknown rule '\(r)'" + (s.map { " (did you mean \($0)?)" } ?? "")
        }
    }
}

/// Counts per severity, plus the size of the set.
public struct LintSummary: Sendable, Hashable, Codable {
    public var files: Int
    public var resources: Int
    public var error: Int
    public var warning: Int
    public var info: Int
}

/// The result of linting a config set.
public struct LintReport: Sendable {
    /// The set that was checked.
    public let set: ConfigSet
    /// The cross-cluster graph the rules read.
    public let graph: MeshGraph
    /// Findings in report order (file, line, column, rule).
    public let findings: [Finding]

    public init(set: ConfigSet, graph: MeshGraph, findings: [Finding]) {
        self.set = set
        self.graph = graph
        self.findings = findings
    }

    /// Counts of files, resources and findings per severity.
    public var summary: LintSummary {
        LintSummary(files: set.files.count, resources: set.distinctResourceCount,
                    error: findings.filter { $0.severity == .error }.count,
                    warning: findings.filter { $0.severity == .warning }.count,
                    info: findings.filter { $0.severity == .info }.count)
    }

    /// True when some finding is at or above `threshold` (nil: never fails).
    public func fails(at threshold: Severity?) -> Bool {
        guard let threshold else { return false }
        return findings.contains { $0.severity >= threshold }
    }
}

/// Runs meshlint's rules over config sets. Holds no global state; safe to share.
public struct Linter: Sendable {
    /// The rules this linter may run.
    public let rules: [any Rule]
    /// Per-rule settings by code.
    public let settings: [String: RuleSetting]
    /// When set, only these rule codes run.
    public let only: Set<String>?

    /// A linter over `rules` (all built-in rules by default). Settings and `only` accept codes
    /// or names; unknown ones throw.
    public init(rules: [any Rule] = BuiltinRules.all, settings: [String: RuleSetting] = [:],
                only: [String]? = nil) throws(LintError) {
        self.rules = rules
        var s: [String: RuleSetting] = [:]
        for (k, v) in settings { s[try Self.resolve(k)] = v }
        self.settings = s
        if let only {
            var codes = Set<String>()
            for o in only { codes.insert(try Self.resolve(o)) }
            self.only = codes
        } else {
            self.only = nil
        }
    }

    /// The code for a rule code or name (`MC401`, `mc401`, `cross-cluster-port`).
    public static func resolve(_ codeOrName: String) throws(LintError) -> String {
        if let d = RuleCatalog.doc(codeOrName) { return d.code }
        let candidates = RuleCatalog.docs.flatMap { [$0.code, $0.name] }
        throw .unknownRule(codeOrName, suggestion: Suggest.nearest(codeOrName, in: candidates))
    }

    /// The descriptor a rule runs with (documented name and severity, after settings).
    public func descriptor(for rule: any Rule) -> RuleDescriptor? {
        let doc = RuleCatalog.doc(rule.code)
        var severity = doc?.severity ?? .error
        switch settings[rule.code] {
        case .off?: return nil
        case .severity(let s)?: severity = s
        case nil: break
        }
        if let only, !only.contains(rule.code) { return nil }
        return RuleDescriptor(code: rule.code, name: doc?.name ?? rule.code, severity: severity)
    }

    /// Lints a loaded set.
    public func lint(_ set: ConfigSet) -> LintReport {
        let active: [(rule: any Rule, descriptor: RuleDescriptor)] = rules.compactMap { r in
            descriptor(for: r).map { (r, $0) }
        }
        let graph = MeshGraph(set: set)
        return LintReport(set: set, graph: graph, findings: RuleEngine.run(active, on: set, graph: graph))
    }

    /// Loads and lints the set under `paths`.
    public func lint(paths: [String], options: LoadOptions = LoadOptions()) throws(LoadError) -> LintReport {
        lint(try ConfigSetLoader(options: options).load(paths: paths))
    }

    /// Loads and lints an in-memory set (relative path → file text).
    public func lint(documents: [(path: String, text: String)], options: LoadOptions = LoadOptions()) -> LintReport {
        lint(ConfigSetLoader(options: options).load(documents: documents))
    }
}
