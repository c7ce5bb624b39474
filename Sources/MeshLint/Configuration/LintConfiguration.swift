import Foundation

/// meshlint's own configuration, usually the file `.meshlint.yaml` at the set's root:
///
/// ```yaml
/// rules:                      # per rule (code or name): off, error, warning or info
///   MC603: off
///   cross-cluster-port: error
/// ignore:
///   paths: ["legacy/**"]      # globs relative to the set's root
///   clusters: ["lab"]
/// ```
///
/// Whatever the file says that meshlint does not understand (an unknown rule, severity, cluster
/// or key) is kept in ``problems`` and reported as an `MC005 unknown-suppression` warning,
/// never silently dropped.
public struct LintConfiguration: Sendable {
    /// The file name looked up at the root of a set.
    public static let fileName = ConfigSetLoader.configName

    /// A part of the configuration that meshlint could not use; the `Linter` reports it as a
    /// finding of ``rule`` at ``line``:``column`` of the configuration file.
    public struct Problem: Sendable, Hashable {
        /// `MC001` (YAML syntax), `MC002` (duplicate key) or `MC005` (anything unknown).
        public let rule: String
        /// 1-based line in the configuration file.
        public let line: Int
        /// 1-based column in the configuration file.
        public let column: Int
        /// What is wrong and what meshlint does about it.
        public let message: String
    }

    /// Per-rule settings by rule code.
    public var rules: [String: RuleSetting]
    /// Globs (relative to the set's root) of files whose findings are dropped.
    public var ignorePaths: [String]
    /// Clusters whose findings are dropped.
    public var ignoreClusters: [String]
    /// The file the configuration was read from (nil when built in code).
    public var source: String?
    /// Parts of the file that meshlint could not use.
    public var problems: [Problem]

    /// True when ``source`` is a document of the linted set itself (in-memory sets), whose YAML
    /// problems MC001/MC002 already report.
    var isSetDocument = false
    /// Where each `ignore.clusters` entry is written, to check the names against the set.
    var clusterPositions: [(name: String, position: SourcePosition)] = []
    /// `rules` entries whose key no built-in rule has: resolved against the run's rule book
    /// (``resolvingNames(in:)``, for names renamed with `--rules DIR`), else reported as MC005.
    var unresolvedRules: [(key: YAMLNode, value: YAMLNode)] = []
    /// The key each rule code was set under, to report a rule named twice.
    var ruleKeys: [String: YAMLNode] = [:]

    /// A configuration built in code. Rule keys are codes or names; an unknown one throws.
    public init(rules: [String: RuleSetting] = [:], ignorePaths: [String] = [],
                ignoreClusters: [String] = []) throws(LintError) {
        var resolved: [String: RuleSetting] = [:]
        for (k, v) in rules { resolved[try Linter.resolve(k)] = v }
        self.rules = resolved
        self.ignorePaths = ignorePaths
        self.ignoreClusters = ignoreClusters
        self.source = nil
        self.problems = []
    }

    /// Parses the text of a configuration file. Never throws: what cannot be used becomes a
    /// ``Problem``. `path` names the file in findings.
    public init(parsing text: String, path: String) {
        self.init(file: YAMLParser.parse(bytes: Array(text.utf8), path: path))
    }

    /// Reads and parses a configuration file (for `--config FILE`). Only a regular file is read
    /// (never a FIFO or device); `followSymlinks: false` for the one found inside a set.
    public init(contentsOfFile path: String, followSymlinks: Bool = true) throws(LintError) {
        switch ConfigSetLoader.readRegularFile(path, followSymlinks: followSymlinks) {
        case .success(let bytes): self.init(file: YAMLParser.parse(bytes: bytes, path: path))
        case .failure(.pathNotFound): throw .unreadableFile(path: path, reason: "no such file")
        case .failure(.unreadable(_, let reason)), .failure(.manifestUnreadable(_, let reason)):
            throw .unreadableFile(path: path, reason: reason)
        }
    }

    /// An empty configuration for a file that exists but cannot be read (reported as MC001).
    init(unreadable path: String, reason: String) {
        rules = [:]
        ignorePaths = []
        ignoreClusters = []
        source = path
        problems = [Problem(rule: "MC001", line: 1, column: 1,
                            message: "meshlint's configuration cannot be read (\(reason)), so none of its settings or ignores were applied.")]
    }

    /// The configuration in a parsed YAML file.
    init(file: YAMLFile) {
        rules = [:]
        ignorePaths = []
        ignoreClusters = []
        source = file.path
        problems = []
        for d in file.diagnostics {
            if d.kind == .duplicateKey {
                problems.append(Problem(rule: "MC002", line: d.position.line, column: d.position.column,
                                        message: "\(d.message) in meshlint's configuration; only the last value is used. Remove or merge the duplicate."))
            } else {
                problems.append(Problem(rule: "MC001", line: d.position.line, column: d.position.column,
                                        message: "meshlint's configuration is not valid YAML: \(d.message). What follows the error was not applied; fix the file."))
            }
        }
        guard let root = file.roots.first(where: { !$0.isNull }) else { return }
        guard root.isMapping else {
            problem(at: root, "meshlint's configuration must be a mapping with the keys `rules` and `ignore`; it was not applied.")
            return
        }
        for (k, v) in root.pairs {
            switch k.scalar {
            case "rules": parseRules(v)
            case "ignore": parseIgnore(v)
            default:
                let key = k.scalar ?? "?"
                let hint = Suggest.nearest(key, in: ["rules", "ignore"]).map { " (did you mean \($0)?)" } ?? ""
                problem(at: k, "unknown key '\(key)' in meshlint's configuration\(hint); it does nothing. The keys are `rules` and `ignore`.")
            }
        }
    }

    private mutating func problem(at node: YAMLNode, _ message: String) {
        problems.append(Problem(rule: IgnoreAnnotation.diagnosticRule, line: node.line, column: node.column, message: message))
    }

    private mutating func parseRules(_ node: YAMLNode) {
        if node.isNull { return }
        guard node.isMapping else {
            problem(at: node, "`rules` must map rule codes or names to off, error, warning or info; it was not applied.")
            return
        }
        for (k, v) in node.pairs {
            guard let code = RuleCatalog.entry(k.scalar ?? "")?.code else {
                unresolvedRules.append((k, v))
                continue
            }
            setRule(code, key: k, value: v)
        }
    }

    /// Applies one `rules` entry; a rule already set under another key (`MC401` and
    /// `cross-cluster-port`) is reported, and the later entry wins.
    private mutating func setRule(_ code: String, key k: YAMLNode, value v: YAMLNode) {
        let key = k.scalar ?? ""
        if let earlier = ruleKeys[code], earlier.scalar != key {
            problem(at: k, "rules: '\(key)' is \(code), which line \(earlier.line) already sets as '\(earlier.scalar ?? "")'; only this later setting is used. Keep one entry per rule.")
        }
        ruleKeys[code] = k
        let value = (v.scalar ?? "").lowercased()
        switch value {
        case "off", "false": rules[code] = .off
        case "error", "warning", "info": rules[code] = .severity(Severity(rawValue: value)!)
        default:
            let written = v.isScalar ? "'\(v.scalar ?? "")'" : "a \(v.isMapping ? "mapping" : "list")"
            problem(at: v, "rules: \(key) is set to \(written), which is not off, error, warning or info, so \(code) keeps its default severity.")
        }
    }

    /// The configuration with the `rules` keys no built-in rule has resolved against `ruleBook`
    /// (names renamed with `--rules DIR`); what it does not know either becomes an MC005 problem.
    func resolvingNames(in ruleBook: RuleBook) -> LintConfiguration {
        var c = self
        c.unresolvedRules = []
        for (k, v) in unresolvedRules {
            let key = k.scalar ?? ""
            if let code = ruleBook.entry(key)?.code {
                c.setRule(code, key: k, value: v)
            } else {
                let names = ruleBook.entries.flatMap { [$0.code, $0.name] }
                let hint = (IgnoreAnnotation.suggestion(for: key) ?? Suggest.nearest(key, in: names)).map { " (did you mean \($0)?)" } ?? ""
                c.problem(at: k, "rules: '\(key)' is no meshlint rule\(hint), so this setting does nothing. Use a code or name from `meshlint rules`.")
            }
        }
        return c
    }

    private mutating func parseIgnore(_ node: YAMLNode) {
        if node.isNull { return }
        guard node.isMapping else {
            problem(at: node, "`ignore` must be a mapping with `paths` and `clusters` lists; it was not applied.")
            return
        }
        for (k, v) in node.pairs {
            switch k.scalar {
            case "paths":
                for item in stringList(v, "ignore.paths") { ignorePaths.append(item.value) }
            case "clusters":
                for item in stringList(v, "ignore.clusters") {
                    ignoreClusters.append(item.value)
                    clusterPositions.append((item.value, item.node.position))
                }
            default:
                let key = k.scalar ?? "?"
                let hint = Suggest.nearest(key, in: ["paths", "clusters"]).map { " (did you mean \($0)?)" } ?? ""
                problem(at: k, "unknown key 'ignore.\(key)'\(hint); it does nothing. `ignore` takes `paths` and `clusters`.")
            }
        }
    }

    private mutating func stringList(_ node: YAMLNode, _ what: String) -> [Located<String>] {
        if node.isNull { return [] }
        if node.isScalar, let s = node.text { return [Located(s, node)] }
        guard node.isSequence else {
            problem(at: node, "`\(what)` must be a list of strings; it was not applied.")
            return []
        }
        var out: [Located<String>] = []
        for item in node.items {
            if item.isScalar, let s = item.text { out.append(Located(s, item)) } else {
                problem(at: item, "`\(what)` entries must be strings; this one was not applied.")
            }
        }
        return out
    }

    /// ``problems`` plus those that need the set: `ignore.clusters` entries naming no cluster.
    func problems(for set: ConfigSet) -> [Problem] {
        var out = problems
        let names = set.clusters.map(\.name)
        for (name, pos) in clusterPositions where !names.contains(name) {
            let hint = Suggest.nearest(name, in: names).map { " (did you mean \($0)?)" } ?? ""
            out.append(Problem(rule: IgnoreAnnotation.diagnosticRule, line: pos.line, column: pos.column,
                               message: "ignore.clusters: '\(name)' is no cluster of this set\(hint), so nothing is ignored for it. The clusters are: \(names.joined(separator: ", "))."))
        }
        return out
    }

    /// The set's own `.meshlint.yaml`, when the set was loaded with one among its documents
    /// (in-memory sets; the directory walker skips hidden files).
    static func discovered(in set: ConfigSet) -> LintConfiguration? {
        guard let file = set.files.first(where: { $0.path == fileName }) else { return nil }
        var c = LintConfiguration(file: file)
        c.isSetDocument = true
        // MC001/MC002 already report the file's YAML problems as a document of the set.
        c.problems.removeAll { $0.rule != IgnoreAnnotation.diagnosticRule }
        return c
    }
}
