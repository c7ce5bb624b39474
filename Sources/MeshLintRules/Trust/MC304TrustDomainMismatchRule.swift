import MeshLintCore

/// MC304: `trustDomain` differs across clusters and the difference is not covered by
/// `trustDomainAliases`. The mesh's trust domain is the one most clusters use; each cluster
/// that differs is reported once, unless aliases make both sides accept each other.
struct TrustDomainMismatchRule: Rule {
    let code = "MC304"
    let reads: Set<String> = ["IstioOperator", "ConfigMap"]
    let requiresReads = false

    static let defaultDomain = "cluster.local"

    /// Where to point when a cluster relies on the default trust domain: its meshConfig key,
    /// else its spec key, else the install document.
    static func anchor(_ install: InstallSource) -> YAMLNode {
        if let k = install.spec?.keyNode("meshConfig") { return k }
        if let k = install.root.keyNode("spec") { return k }
        return install.root
    }

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        // Clusters that run Istio: an install or an explicit trust domain.
        let mesh = graph.facts.filter { !$0.installs.isEmpty || !$0.trustDomain.isEmpty }
        guard mesh.count > 1 else { return [] }
        func domain(_ f: ClusterFacts) -> String { f.trustDomain.value ?? Self.defaultDomain }
        // Aliases do not bridge trust domains between ambient workloads: istiod stamps its own
        // trust domain on remote workloads and ztunnel accepts only its own (istio/istio#61608).
        func accepts(_ f: ClusterFacts, _ d: String, from peer: ClusterFacts) -> Bool {
            if domain(f) == d { return true }
            if graph.dataPlane(f.index).hasAmbient && graph.dataPlane(peer.index).hasAmbient { return false }
            return graph.trust.trustDomainAliases[f.index].contains { $0.value == d }
        }
        var counts: [String: Int] = [:]
        var order: [String] = []
        for f in mesh {
            if counts[domain(f)] == nil { order.append(domain(f)) }
            counts[domain(f), default: 0] += 1
        }
        guard order.count > 1 else { return [] }
        var majority = order[0]
        for d in order where counts[d]! > counts[majority]! { majority = d }
        let majorityClusters = mesh.filter { domain($0) == majority }

        var out: [Finding] = []
        for f in mesh where domain(f) != majority {
            let d = domain(f)
            let rejecting = majorityClusters.filter { !accepts($0, d, from: f) }
            guard majorityClusters.contains(where: { !accepts(f, majority, from: $0) }) || !rejecting.isEmpty else { continue }
            let ambientPair = graph.dataPlane(f.index).hasAmbient && (rejecting.isEmpty ? majorityClusters : rejecting).contains { graph.dataPlane($0.index).hasAmbient }
            let aliased = !graph.trust.trustDomainAliases[f.index].isEmpty || majorityClusters.contains { !graph.trust.trustDomainAliases[$0.index].isEmpty }
            guard let at = f.trustDomain.primary?.node ?? f.installs.first.map(Self.anchor) else { continue }
            let related = (rejecting.isEmpty ? majorityClusters : rejecting).prefix(5).compactMap { m -> RelatedLocation? in
                guard let n = m.trustDomain.primary?.node ?? m.installs.first.map(Self.anchor) else { return nil }
                let what = m.trustDomain.isEmpty ? "the default '\(majority)'" : "'\(majority)'"
                return context.related("cluster \(graph.name(m.index)) uses trust domain \(what)", at: n, cluster: m.index)
            }
            let stated = f.trustDomain.isEmpty ? "the default trust domain '\(d)'" : "trust domain '\(d)'"
            out.append(context.finding(
                ambientPair && aliased
                    ? "this cluster uses \(stated) while \(majorityClusters.count) other cluster\(majorityClusters.count == 1 ? "" : "s") use '\(majority)'; both run ambient workloads, where trustDomainAliases do not help (istiod stamps its own trust domain on remote workloads and ztunnel accepts only its own), so cross-cluster HBONE connections are rejected. Use '\(majority)' in every ambient cluster."
                    : "this cluster uses \(stated) while \(majorityClusters.count) other cluster\(majorityClusters.count == 1 ? "" : "s") use '\(majority)', and trustDomainAliases do not bridge the two: cross-cluster mTLS fails authorization ('trust domain validation failed', 401/403). Use '\(majority)' here, or add each domain to the other side's meshConfig.trustDomainAliases.",
                at: at, cluster: f.index, resource: f.installs.first?.resource, related: Array(related),
                fieldPath: "spec.meshConfig.trustDomain"))
        }
        return out
    }
}
