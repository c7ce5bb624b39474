import Foundation
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
    /// A file meshlint was asked to read (configuration, baseline) cannot be read.
    case unreadableFile(path: String, reason: String)
    /// A baseline file is not a meshlint baseline.
    case invalidBaseline(path: String, reason: String)
    /// A file meshlint was asked to write (a baseline) cannot be written.
    case unwritableFile(path: String, reason: String)

    /// One line for the user.
    public var description: String {
        switch self {
        case .unknownRule(let r, let s):
            return "unknown rule '\(r)'" + (s.map { " (did you mean \($0)?)" } ?? "")
        case .unreadableFile(let p, let r):
            return "\(p): cannot read: \(r)"
        case .invalidBaseline(let p, let r):
            return "\(p): not a meshlint baseline: \(r)"
        case .unwritableFile(let p, let r):
            return "\(p): cannot write: \(r)"
        }
    }
}

/// Counts per severity, plus the size of the set.
public struct LintSummary: Sendable, Hashable, Codable {
    /// Files in the set.
    public var files: Int
    /// Distinct resources written in the set (shared ones counted once).
    public var resources: Int
    /// Findings at severity error.
    public var error: Int
    /// Findings at severity warning.
    public var warning: Int
    /// Findings at severity info.
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
    /// The rule documentation the run used (reporters take rule names, levels and help text
    /// from it).
    public let ruleBook: RuleBook

    /// A report of `findings` (kept in the order given) over `set`, with the graph the rules read.
    public init(set: ConfigSet, graph: MeshGraph, findings: [Finding], ruleBook: RuleBook = .builtin) {
        self.set = set
        self.graph = graph
        self.findings = findings
        self.ruleBook = ruleBook
    }

    /// The same report with only the findings for which `isIncluded` is true.
    public func filtered(_ isIncluded: (Finding) -> Bool) -> LintReport {
        LintReport(set: set, graph: graph, findings: findings.filter(isIncluded), ruleBook: ruleBook)
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
///
/// ```swift
/// let linter = try Linter(only: ["MC002", "duplicate-key"])
/// let report = try linter.lint(paths: ["mesh/"])
/// print(OutputFormat.sarif.render(report))
/// ```
///
/// Suppressions are applied here, so every embedder gets them: `meshlint.io/ignore`
/// annotations on resources, and the configuration (``configuration``, else the set's own
/// `.meshlint.yaml`) with per-rule severities and path/cluster ignores.
public struct Linter: Sendable {
    /// The rules this linter may run.
    public let rules: [any Rule]
    /// Where rule names and default severities come from (the compiled-in `Rules/` by default).
    public let ruleBook: RuleBook
    /// Per-rule settings by code; they take precedence over the configuration's `rules`.
    public let settings: [String: RuleSetting]
    /// When set, only these rule codes run.
    public let only: Set<String>?
    /// The configuration to apply. When nil, the set's own `.meshlint.yaml` is used if it has
    /// one (at the root of the directory given to ``lint(paths:options:)``, or among the
    /// documents given to ``lint(documents:options:)``).
    public let configuration: LintConfiguration?
    /// Caps on repeated findings and related locations (SPEC 7), applied after suppression.
    public var limits = FindingLimits()
    /// The reference time of time-dependent rules (MC307 certificate expiry); nil means the
    /// current time when a lint starts. Fix it (`--now`) for deterministic output.
    public var now: Date? = nil

    /// A linter over `rules` (all built-in rules by default). Settings and `only` accept codes
    /// or names; unknown ones throw.
    public init(rules: [any Rule] = BuiltinRules.all, settings: [String: RuleSetting] = [:],
                only: [String]? = nil, configuration: LintConfiguration? = nil,
                ruleBook: RuleBook = .builtin) throws(LintError) {
        self.rules = rules
        self.ruleBook = ruleBook
        var s: [String: RuleSetting] = [:]
        for (k, v) in settings { s[try Self.resolve(k, in: ruleBook)] = v }
        self.settings = s
        if let only {
            var codes = Set<String>()
            for o in only { codes.insert(try Self.resolve(o, in: ruleBook)) }
            self.only = codes
        } else {
            self.only = nil
        }
        self.configuration = configuration
    }

    private init(copying other: Linter, configuration: LintConfiguration?) {
        rules = other.rules
        ruleBook = other.ruleBook
        settings = other.settings
        only = other.only
        limits = other.limits
        now = other.now
        self.configuration = configuration
    }

    /// The code for a rule code or name (`MC401`, `mc401`, `cross-cluster-port`): a name from
    /// `ruleBook` (which `--rules DIR` may rename) or the built-in one.
    public static func resolve(_ codeOrName: String, in ruleBook: RuleBook = .builtin) throws(LintError) -> String {
        if let e = ruleBook.entry(codeOrName) ?? RuleCatalog.entry(codeOrName) { return e.code }
        let candidates = (ruleBook.entries + RuleCatalog.entries).flatMap { [$0.code, $0.name] }
        throw .unknownRule(codeOrName, suggestion: Suggest.nearest(codeOrName, in: candidates))
    }

    /// The descriptor a rule runs with (documented name and severity, after ``settings`` and
    /// the explicit ``configuration``); nil when the rule does not run.
    public func descriptor(for rule: any Rule) -> RuleDescriptor? {
        descriptor(for: rule.code, settings: effectiveSettings(configuration))
    }

    func effectiveSettings(_ config: LintConfiguration?) -> [String: RuleSetting] {
        (config?.rules ?? [:]).merging(settings) { _, explicit in explicit }
    }

    func descriptor(for code: String, settings: [String: RuleSetting]) -> RuleDescriptor? {
        let doc = ruleBook.entry(code)
        var severity = doc?.severity ?? .error
        switch settings[code] {
        case .off?: return nil
        case .severity(let s)?: severity = s
        case nil: break
        }
        if let only, !only.contains(code) { return nil }
        return RuleDescriptor(code: code, name: doc?.name ?? code, severity: severity)
    }

    /// Lints a loaded set: runs the active rules, reports configuration problems, and drops
    /// suppressed findings. Findings come back in report order.
    public func lint(_ set: ConfigSet) -> LintReport {
        let config = (configuration ?? LintConfiguration.discovered(in: set))?.resolvingNames(in: ruleBook)
        let settings = effectiveSettings(config)
        let active: [(rule: any Rule, descriptor: RuleDescriptor)] = rules.compactMap { r in
            descriptor(for: r.code, settings: settings).map { (r, $0) }
        }
        // The suppressions read only the set: collected while the graph is built.
        let (graph, suppression) = concurrently({ MeshGraph(set: set) }, { Suppression(set: set, configuration: config) })
        var findings = RuleEngine.run(active, on: set, graph: graph, now: now ?? Date())
        if let config {
            findings += configurationFindings(config, set: set, settings: settings)
        }
        findings = findings.filter { !suppression.suppresses($0) }.sorted(by: Finding.reportOrder)
        findings = limits.apply(findings)
        return LintReport(set: set, graph: graph, findings: findings, ruleBook: ruleBook)
    }

    /// Problems of the configuration file as findings of MC001/MC002/MC005 (when those run).
    func configurationFindings(_ config: LintConfiguration, set: ConfigSet,
                               settings: [String: RuleSetting]) -> [Finding] {
        let file = config.source.map { config.isSetDocument ? $0 : Paths.relative($0, toRoot: set.root) }
            ?? LintConfiguration.fileName
        return config.problems(for: set).compactMap { p in
            guard let d = descriptor(for: p.rule, settings: settings) else { return nil }
            return Finding(rule: d.code, name: d.name, severity: d.severity, message: p.message, cluster: nil,
                           file: file, line: p.line, column: p.column)
        }
    }

    /// Loads and lints the set under `paths`. Without an explicit ``configuration``, the
    /// `.meshlint.yaml` at the set's root directory is applied when there is one.
    public func lint(paths: [String], options: LoadOptions = LoadOptions()) throws(LoadError) -> LintReport {
        let set = try ConfigSetLoader(options: options).load(paths: paths)
        guard configuration == nil else { return lint(set) }
        let path = Paths.join(Paths.rootDirectory(of: set.root), LintConfiguration.fileName)
        guard FileManager.default.fileExists(atPath: path) else { return lint(set) }
        let config: LintConfiguration
        do {
            config = try LintConfiguration(contentsOfFile: path, followSymlinks: false)
        } catch {
            config = LintConfiguration(unreadable: path, reason: error.description)
        }
        return Linter(copying: self, configuration: config).lint(set)
    }

    /// Loads and lints an in-memory set (relative path → file text). A `.meshlint.yaml` among
    /// the documents is the set's configuration.
    public func lint(documents: [(path: String, text: String)], options: LoadOptions = LoadOptions()) -> LintReport {
        lint(ConfigSetLoader(options: options).load(documents: documents))
    }
}
