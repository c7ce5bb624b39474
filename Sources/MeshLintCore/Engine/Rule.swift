import Foundation

/// A rule's identity and the severity it reports at in this run.
public struct RuleDescriptor: Sendable, Hashable {
    /// Stable code, e.g. `MC401`.
    public let code: String
    /// Human handle, e.g. `cross-cluster-port`.
    public let name: String
    /// Severity for this run (the documented default unless configuration changed it).
    public let severity: Severity

    public init(code: String, name: String, severity: Severity) {
        self.code = code
        self.name = name
        self.severity = severity
    }
}

/// A check over the whole config set. A rule is a small pure query: it reads the set and the
/// cross-cluster graph and returns findings; it never does I/O and keeps no state.
public protocol Rule: Sendable {
    /// The rule's stable code; its name, severity and prose come from `Rules/<code>.yaml`.
    var code: String { get }
    /// Kinds the rule reads (empty for rules over loader diagnostics). The engine skips a rule
    /// whose kinds are all absent from the set.
    var reads: Set<String> { get }
    /// Whether the rule needs the inputs named in `reads` at all to run (false for rules that
    /// also read Helm values, the manifest or loader diagnostics).
    var requiresReads: Bool { get }
    /// Produces the rule's findings.
    func check(_ context: RuleContext) -> [Finding]
}

extension Rule {
    public var requiresReads: Bool { !reads.isEmpty }
}

/// What a rule sees while it runs, plus helpers that build findings with full locations.
public struct RuleContext: Sendable {
    /// The loaded config set.
    public let set: ConfigSet
    /// The cross-cluster graph, built once per run.
    public let graph: MeshGraph
    /// The running rule.
    public let rule: RuleDescriptor
    /// The reference time of time-dependent rules (certificate expiry): `--now`, else the time
    /// the run started, so that every rule of one run judges against the same instant.
    public let now: Date

    public init(set: ConfigSet, graph: MeshGraph, rule: RuleDescriptor, now: Date = Date()) {
        self.set = set
        self.graph = graph
        self.rule = rule
        self.now = now
    }

    /// The display name of cluster `index`.
    public func clusterName(_ index: Int) -> String { set.clusters[index].name }

    /// A finding pointing at `node`.
    public func finding(_ message: String, at node: YAMLNode, cluster: Int?, resource: Resource? = nil,
                        related: [RelatedLocation] = [], fieldPath: String? = nil) -> Finding {
        Finding(rule: rule.code, name: rule.name, severity: rule.severity, message: message,
                cluster: cluster.map(clusterName), file: node.file.path, line: node.line, column: node.column,
                resource: resource.map { FindingResource($0.identity) }, related: related, fieldPath: fieldPath)
    }

    /// A finding about `resource`, pointing at `node` (or at the resource's name when nil).
    public func finding(_ message: String, resource: Resource, at node: YAMLNode? = nil,
                        related: [RelatedLocation] = [], fieldPath: String? = nil) -> Finding {
        finding(message, at: node ?? resource.nameNode, cluster: resource.clusterIndex, resource: resource,
                related: related, fieldPath: fieldPath)
    }

    /// A finding at a raw position in a file (loader diagnostics).
    public func finding(_ message: String, file: String, position: SourcePosition, cluster: Int?,
                        related: [RelatedLocation] = []) -> Finding {
        Finding(rule: rule.code, name: rule.name, severity: rule.severity, message: message,
                cluster: cluster.map(clusterName), file: file, line: position.line, column: position.column,
                related: related)
    }

    /// A related location at `node`.
    public func related(_ message: String, at node: YAMLNode, cluster: Int?) -> RelatedLocation {
        RelatedLocation(cluster: cluster.map(clusterName), file: node.file.path, line: node.line,
                        column: node.column, message: message)
    }

    /// The cluster a file belongs to (nil for shared or unassigned files).
    public func clusterIndex(ofFile path: String) -> Int? {
        if case .cluster(let i)? = set.assignments[path] { return i }
        return nil
    }
}

/// Runs rules over a config set.
public enum RuleEngine {
    /// Runs `rules` (each with its descriptor) and returns all findings in report order.
    /// `now` is the reference time of time-dependent rules (default: the current time).
    public static func run(_ rules: [(rule: any Rule, descriptor: RuleDescriptor)], on set: ConfigSet,
                           graph: MeshGraph? = nil, parallel: Bool = true, now: Date = Date()) -> [Finding] {
        let graph = graph ?? MeshGraph(set: set)
        let present = Set(set.resources.map(\.kind))
        let active = rules.filter { !$0.rule.requiresReads || !$0.rule.reads.isDisjoint(with: present) }
        // Longest first, so that the last rule to start is a short one: a rule's cost grows with
        // the resources of the kinds it reads (every resource for rules over the whole input).
        // Results are put back in rule order, so the findings come out in the same order.
        var perKind: [String: Int] = [:]
        for r in set.resources { perKind[r.kind, default: 0] += 1 }
        let cost = active.map { a in a.rule.reads.isEmpty ? set.resources.count : a.rule.reads.reduce(0) { $0 + perKind[$1, default: 0] } }
        let order = active.indices.sorted { cost[$0] != cost[$1] ? cost[$0] > cost[$1] : $0 < $1 }
        let started = concurrentMap(count: active.count, parallel: parallel) { k -> (Int, [Finding]) in
            let i = order[k]
            let ctx = RuleContext(set: set, graph: graph, rule: active[i].descriptor, now: now)
            return (i, RuleEngine.attachingFixes(active[i].rule.check(ctx), of: active[i].rule, ctx))
        }
        var results = Array(repeating: [Finding](), count: active.count)
        for (i, findings) in started { results[i] = findings }
        return results.flatMap { $0 }.sorted(by: Finding.reportOrder)
    }
}
