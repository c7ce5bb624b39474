import MeshLintCore

/// MC304: `trustDomain` differs across clusters and the difference is not covered by
/// `trustDomainAliases`. The mesh's trust domain is the one most clusters use; each cluster
/// that differs is reported once, unless aliases make both sides accept each other.
struct TrustDomainMismatchRule: Rule {
    let code = "MC304"
    let reads: Set<String> = ["IstioOperator", "Istio", "ConfigMap"]
    let requiresReads = false

    static let defaultDomain = "cluster.local"

    /// Where to point when a cluster relies on the default trust domain: its meshConfig key,
    /// else its spec key, else the install document.
    static func anchor(_ install: InstallSource) -> YAMLNode {
        if let k = install.spec?.keyNode("meshConfig") { return k }
        if let k = install.root.keyNode("spec") { return k }
        return install.root
    }

    /// The value most entries have (the first seen on a tie), or nil when all agree.
    static func majority(_ values: [String]) -> String? {
        var counts: [String: Int] = [:]
        var order: [String] = []
        for v in values {
            if counts[v] == nil { order.append(v) }
            counts[v, default: 0] += 1
        }
        guard order.count > 1 else { return nil }
        var majority = order[0]
        for d in order where counts[d]! > counts[majority]! { majority = d }
        return majority
    }

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        // Clusters that run Istio: an install or an explicit trust domain.
        let mesh = graph.facts.filter { !$0.installs.isEmpty || !$0.trustDomain.isEmpty }
        guard mesh.count > 1 else { return [] }
        func domain(_ f: ClusterFacts) -> String { f.trustDomain.value ?? Self.defaultDomain }
        // Between two ambient clusters aliases do not bridge trust domains: MC306 reports those
        // pairs, whatever the aliases say.
        func accepts(_ f: ClusterFacts, _ d: String, from peer: ClusterFacts) -> Bool {
            if domain(f) == d { return true }
            if graph.dataPlane(f.index).hasAmbient && graph.dataPlane(peer.index).hasAmbient { return true }
            return graph.trust.trustDomainAliases[f.index].contains { $0.value == d }
        }
        guard let majority = Self.majority(mesh.map(domain)) else { return [] }
        let majorityClusters = mesh.filter { domain($0) == majority }

        var out: [Finding] = []
        for f in mesh where domain(f) != majority {
            let d = domain(f)
            let rejecting = majorityClusters.filter { !accepts($0, d, from: f) }
            guard majorityClusters.contains(where: { !accepts(f, majority, from: $0) }) || !rejecting.isEmpty else { continue }
            guard let at = f.trustDomain.primary?.node ?? f.installs.first.map(Self.anchor) else { continue }
            let related = (rejecting.isEmpty ? majorityClusters : rejecting).prefix(5).compactMap { m -> RelatedLocation? in
                guard let n = m.trustDomain.primary?.node ?? m.installs.first.map(Self.anchor) else { return nil }
                let what = m.trustDomain.isEmpty ? "the default '\(majority)'" : "'\(majority)'"
                return context.related("cluster \(graph.name(m.index)) uses trust domain \(what)", at: n, cluster: m.index)
            }
            let stated = f.trustDomain.isEmpty ? "the default trust domain '\(d)'" : "trust domain '\(d)'"
            out.append(context.finding(
                "this cluster uses \(stated) while \(majorityClusters.count) other cluster\(majorityClusters.count == 1 ? "" : "s") use '\(majority)', and trustDomainAliases do not bridge the two: cross-cluster mTLS fails authorization ('trust domain validation failed', 401/403). Use '\(majority)' here, or add each domain to the other side's meshConfig.trustDomainAliases.",
                at: at, cluster: f.index, resource: f.installs.first?.resource, related: Array(related),
                fieldPath: "spec.meshConfig.trustDomain"))
        }
        return out
    }
}
