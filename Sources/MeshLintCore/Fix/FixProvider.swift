/// A rule that can repair some of its findings. The fix logic lives next to the rule (in its
/// own file, as an extension) and runs after `check`, only for the findings the rule reported.
public protocol FixProvider: Rule {
    /// The certain repair for `finding`, or nil when there is none.
    func fix(for finding: Finding, in context: RuleContext) -> Fix?
}

extension RuleEngine {
    /// `findings` of `rule` with the fixes it proposes attached.
    static func attachingFixes(_ findings: [Finding], of rule: any Rule, _ context: RuleContext) -> [Finding] {
        guard let provider = rule as? any FixProvider, !findings.isEmpty else { return findings }
        return findings.map { f in
            var f = f
            f.fix = provider.fix(for: f, in: context)
            return f
        }
    }
}

extension RuleContext {
    /// The text sources of the set's files.
    public var sources: SourceStore { self.set.sources }

    /// The resource a finding is about (same file and identity), if it was written in a file.
    public func resource(of finding: Finding) -> Resource? {
        guard let id = finding.resource else { return nil }
        return set.resources.first { $0.file == finding.file && !$0.isImplied && $0.identity == id }
    }

    /// The index of the finding's cluster.
    public func clusterIndex(of finding: Finding) -> Int? {
        finding.cluster.flatMap { name in set.clusters.firstIndex { $0.name == name } }
    }

    /// The node a finding points at inside `root`'s document: a scalar value before a key or
    /// a collection starting at the same place.
    public func node(of finding: Finding, in root: YAMLNode) -> YAMLNode? {
        var best: (node: YAMLNode, rank: Int)?
        func walk(_ n: YAMLNode, isKey: Bool) {
            if n.line == finding.line && n.column == finding.column {
                let rank = isKey ? 0 : n.isScalar ? 2 : 1
                if rank > (best?.rank ?? -1) { best = (n, rank) }
            }
            for (k, v) in n.pairs { walk(k, isKey: true); walk(v, isKey: false) }
            for i in n.items { walk(i, isKey: false) }
        }
        walk(root, isKey: false)
        return best?.node
    }
}
