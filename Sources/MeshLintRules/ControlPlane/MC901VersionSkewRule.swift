import MeshLintCore

/// MC901: Istio releases that do not fit together in one mesh: a cluster more than one minor
/// release behind the newest cluster of the set (warning), and a remote whose install or
/// proxies are newer than the istiod that configures them (error).
struct VersionSkewRule: Rule {
    let code = "MC901"
    let reads: Set<String> = ["IstioOperator", "Istio", "Deployment", "DaemonSet"]
    let requiresReads = false

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let cps = graph.controlPlane.clusters
        var out: [Finding] = []

        // Each cluster's newest stated release; the mesh's newest one.
        let newest = cps.compactMap { cp in cp.version.newest.map { (cluster: cp.cluster, statement: $0) } }
        if let top = newest.max(by: { $0.statement.version < $1.statement.version }) {
            let tv = top.statement.version
            for (c, s) in newest where s.version.major == tv.major && s.version.minor + 1 < tv.minor {
                out.append(context.finding(
                    "\(context.clusterName(c)) runs Istio \(s.version) (\(s.source.source)) while \(context.clusterName(top.cluster)) runs \(tv): clusters of one mesh more than one minor release apart are outside Istio's supported skew (n±1); istiod and proxies of the two releases exchange xDS and certificates across clusters and newer features or changed defaults break cross-cluster traffic. Upgrade \(context.clusterName(c)) to \(tv.major).\(tv.minor - 1) or later, one minor release at a time.",
                    at: s.source.node, cluster: c, resource: s.source.resource,
                    related: [context.related("\(context.clusterName(top.cluster)) runs Istio \(tv) (\(top.statement.source.source))", at: top.statement.source.node, cluster: top.cluster)],
                    fieldPath: s.source.fieldPath))
            }
        }

        // A remote's data plane must not be newer than the istiod that configures it.
        for r in context.set.clusters.indices where cps[r].remote != nil {
            guard let mine = cps[r].version.newest else { continue }
            for p in graph.controlPlanes(ofRemote: r) {
                guard let theirs = cps[p].version.newestControlPlane, theirs.version < mine.version else { continue }
                var f = context.finding(
                    "Remote \(context.clusterName(r)) runs Istio \(mine.version) (\(mine.source.source)), newer than istiod \(theirs.version) in \(context.clusterName(p)) that configures its proxies: Istio supports a control plane up to one minor release newer than its data plane, never older, so newer proxies get configuration they were not built for. Upgrade the primary's control plane first, then the remote.",
                    at: mine.source.node, cluster: r, resource: mine.source.resource,
                    related: [context.related("istiod in \(context.clusterName(p)) runs Istio \(theirs.version) (\(theirs.source.source))", at: theirs.source.node, cluster: p)],
                    fieldPath: mine.source.fieldPath)
                // The documented default is a warning; this case is the error the rule's doc names.
                if context.rule.severity == .warning { f.severity = .error }
                out.append(f)
            }
        }
        return out
    }
}
