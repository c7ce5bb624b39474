/// The cross-cluster view of a config set, built once per run and shared by every rule.
public final class MeshGraph: Sendable {
    /// The set the graph was built from.
    public let set: ConfigSet
    /// Resource indices per cluster and kind.
    let byClusterKind: [[String: [Int]]]

    public init(set: ConfigSet) {
        self.set = set
        var by = Array(repeating: [String: [Int]](), count: set.clusters.count)
        for (i, r) in set.resources.enumerated() where r.clusterIndex < by.count {
            by[r.clusterIndex][r.kind, default: []].append(i)
        }
        self.byClusterKind = by
    }

    /// Resources of `kind` in one cluster.
    public func resources(_ kind: String, in cluster: Int) -> [Resource] {
        guard cluster < byClusterKind.count else { return [] }
        return (byClusterKind[cluster][kind] ?? []).map { set.resources[$0] }
    }

    /// Resources of `kind` in every cluster.
    public func resources(_ kind: String) -> [Resource] {
        byClusterKind.flatMap { ($0[kind] ?? []).map { set.resources[$0] } }
    }
}

extension MeshGraph {
    /// The cluster's network name as the set states it (manifest first, then the install values).
    public func networkName(_ cluster: Int) -> String? {
        if let n = set.clusters[cluster].declaration?.network?.value { return n }
        for r in resources("IstioOperator", in: cluster) {
            if let n = r.spec?.at("values", "global", "network")?.text, !n.isEmpty { return n }
        }
        for v in set.helmValues where v.clusterIndex == cluster {
            if let n = v.root.at("global", "network")?.text, !n.isEmpty { return n }
        }
        return nil
    }
}
