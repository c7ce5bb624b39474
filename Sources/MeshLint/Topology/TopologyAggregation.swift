extension Topology {
    /// True when the topology is large enough to be drawn aggregated by network.
    public var isLarge: Bool { !isAggregated && clusters.count >= Self.aggregationThreshold }

    /// The same topology with one node per network (cluster counts by role and version, the
    /// findings of all its clusters and gateways) and only the edges that carry findings,
    /// merged per kind and pair of networks. For meshes too large to draw cluster by cluster.
    public func aggregatedByNetwork() -> Topology {
        var owner: [String: Int] = [:]   // node id → network index
        var nodes: [Cluster] = []
        for (ni, net) in networks.enumerated() {
            var findings: [Int] = []
            var roles: [String: Int] = [:], versions: [String: Int] = [:], planes: [String: Int] = [:]
            var gateways = 0, eastWest = 0
            for ci in net.clusters {
                let c = clusters[ci]
                owner[c.id] = ni
                findings += c.findings
                roles[c.role, default: 0] += 1
                versions[c.version ?? "unknown", default: 0] += 1
                if let p = c.dataPlane { planes[p, default: 0] += 1 }
                for g in c.gateways {
                    owner[g.id] = ni
                    findings += g.findings
                    gateways += 1
                    if g.kinds.contains("east-west") { eastWest += 1 }
                }
            }
            func counts(_ d: [String: Int]) -> String { d.keys.sorted().map { "\($0) ×\(d[$0]!)" }.joined(separator: ", ") }
            var summary = ["\(net.clusters.count) clusters: \(counts(roles))"]
            summary.append("Istio \(counts(versions))")
            if !planes.isEmpty { summary.append("data plane: \(counts(planes))") }
            summary.append("\(gateways) gateways (\(eastWest) east-west)")
            nodes.append(Cluster(id: "a\(ni)", name: net.name ?? "(no network)", clusterID: nil, network: net.name,
                                 role: "network", dataPlane: nil, version: nil, models: [], rootCA: nil, rootCAGroup: nil,
                                 dns: nil, gateways: [], summary: summary, members: net.clusters.count, findings: findings.sorted()))
        }
        var merged: [String: Int] = [:]
        var out: [Edge] = []
        var hidden = 0
        for e in edges {
            guard e.isBroken else {
                hidden += 1
                continue
            }
            let from = owner[e.from].map { "a\($0)" } ?? e.from
            let to = owner[e.to].map { "a\($0)" } ?? e.to
            let key = "\(e.kind.rawValue) \(from) \(to)"
            if let i = merged[key] {
                let m = out[i]
                out[i] = Edge(id: m.id, kind: m.kind, from: from, to: to, label: "\(m.count + e.count) edges",
                              count: m.count + e.count, findings: (m.findings + e.findings).sorted())
            } else {
                merged[key] = out.count
                out.append(Edge(id: "e\(out.count)", kind: e.kind, from: from, to: to, label: e.label, count: e.count, findings: e.findings))
            }
        }
        let nets = networks.enumerated().map { ni, net in Network(id: net.id, name: net.name, clusters: [ni]) }
        return Topology(networks: nets, clusters: nodes, externals: externals, edges: out, findings: findings,
                        setFindings: setFindings, isAggregated: true, clusterCount: clusterCount, hiddenEdges: hidden)
    }
}
