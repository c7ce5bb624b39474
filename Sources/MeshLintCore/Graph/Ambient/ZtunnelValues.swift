/// What a cluster's ztunnel install says about the cluster: the `istio/ztunnel` chart's own
/// values (`multiCluster.clusterName`, `network`; its `global.network` is read with the other
/// Helm values) and a Sail Operator `ZTunnel`'s `spec.values.ztunnel`. ztunnel reports them to
/// istiod as its cluster ID and network (`ISTIO_META_CLUSTER_ID`, `NETWORK`), so they must be
/// the ones istiod uses for the cluster.
public enum ZtunnelValues {
    /// One statement of the cluster ID or the network.
    struct Statement {
        let value: Sourced<String>
        /// The document stating it.
        let document: YAMLNode
    }

    /// True for a Sail Operator `ZTunnel` resource.
    public static func isSailZTunnel(_ r: Resource) -> Bool { r.is("ZTunnel", group: "sailoperator.io") }

    /// True when `s` was read from a ztunnel install: a Sail `ZTunnel`'s `spec.values.ztunnel`,
    /// or a chart values file's top-level `multiCluster.clusterName` / `network` (install
    /// values elsewhere carry no field path, rendered output carries its resource).
    public static func isZtunnelStatement<T>(_ s: Sourced<T>) -> Bool {
        guard let p = s.fieldPath else { return false }
        return p.hasPrefix("spec.values.ztunnel.") || (s.resource == nil && chartPaths.contains(p))
    }

    /// The field paths `statements` gives chart values.
    private static let chartPaths: Set<String> = ["multiCluster.clusterName", "network"]

    /// True for a values document of the `istio/ztunnel` chart: no `kind`, and a top-level
    /// `multiCluster` mapping (the istiod chart keeps it under `global`).
    static func isChartValues(_ root: YAMLNode) -> Bool {
        root.isMapping && root["kind"] == nil && root["multiCluster"]?.isMapping == true
    }

    /// ztunnel chart values documents of cluster `c`: Helm values files (they have `global:`)
    /// and documents read only as ztunnel values (without `global:`), the cluster's own or shared.
    static func documents(set: ConfigSet, cluster c: Int) -> [YAMLNode] {
        var out = set.helmValues.filter { $0.clusterIndex == c && isChartValues($0.root) }.map(\.root)
        for u in set.unrecognized where isChartValues(u) {
            switch set.assignments[u.file.path] {
            case .cluster(let k)? where k == c: out.append(u)
            case .shared?: out.append(u)
            default: break
            }
        }
        return out
    }

    /// The cluster IDs the cluster's ztunnel installs state.
    static func clusterNames(set: ConfigSet, cluster c: Int, resources: [Resource]) -> [Statement] {
        statements(set: set, cluster: c, resources: resources, chartPath: ["multiCluster", "clusterName"])
    }

    /// The networks the cluster's ztunnel installs state (the chart's `network`, which
    /// overrides `global.network`).
    static func networks(set: ConfigSet, cluster c: Int, resources: [Resource]) -> [Statement] {
        statements(set: set, cluster: c, resources: resources, chartPath: ["network"])
    }

    private static func statements(set: ConfigSet, cluster c: Int, resources: [Resource], chartPath: [String]) -> [Statement] {
        let dotted = chartPath.joined(separator: ".")
        var out: [Statement] = []
        for root in documents(set: set, cluster: c) {
            if let n = root.at(chartPath), let s = n.text, !s.isEmpty {
                out.append(Statement(value: Sourced(s, n, source: "ztunnel chart values \(root.file.path) \(dotted)", fieldPath: dotted),
                                     document: root))
            }
        }
        for r in resources where isSailZTunnel(r) {
            if let n = r.spec?.at(["values", "ztunnel"] + chartPath), let s = n.text, !s.isEmpty {
                let path = "spec.values.ztunnel.\(dotted)"
                out.append(Statement(value: Sourced(s, n, source: "Sail ZTunnel \(r.name) \(path)", resource: r, fieldPath: path),
                                     document: r.root))
            }
        }
        return out
    }
}
