import MeshLintCore

/// MC302's repair for the Istio namespace's `topology.istio.io/network` label: set it to the
/// cluster's network when the install's `values.global.network` says so and it has the
/// majority: more documents agree with it than disagree, or (a tie) other clusters use it. Other places are left to people (the install may be the one
/// that is wrong).
extension NetworkMismatchRule: FixProvider {
    func fix(for finding: Finding, in context: RuleContext) -> Fix? {
        guard let c = context.clusterIndex(of: finding) else { return nil }
        let consensus = context.graph.identity.networks[c]
        guard let net = consensus.network,
              let d = consensus.dissenters.first(where: { $0.node.file.path == finding.file && $0.node.line == finding.line && $0.node.column == finding.column }),
              d.kind == .namespaceLabel, let r = d.resource, !r.isImplied, !r.isShared,
              consensus.supporters.contains(where: { $0.kind == .installValues }) else { return nil }
        let agree = Set(consensus.supporters.map(\.document)).count
        let disagree = Set(consensus.dissenters.map(\.document)).count
        // A tie is settled by the other clusters: the install's name is the one they use.
        let usedElsewhere = context.set.clusters.indices.contains { $0 != c && context.graph.identity.networks[$0].network == net }
        guard agree > disagree || usedElsewhere, var b = FixBuilder(r.root, sources: context.sources), let path = b.path(of: d.node) else { return nil }
        b.replace(at: path, with: .string(net))
        return b.fix("Label namespace \(r.name) with topology.istio.io/network: \(net), the install's network")
    }
}
