import MeshLintCore

/// MC306: clusters that run ambient workloads use different trust domains. Aliases do not help.
///
/// Istio behaviour relied upon (istio/istio#61608, reproduced on 1.31.0; the fixes istio/istio#61610
/// and istio/ztunnel#2092 are unreleased): in ambient multi-network istiod stamps its own trust
/// domain on the workloads and east-west gateways of other clusters, and ztunnel accepts only
/// the trust domain of its own certificate, ignoring `trustDomainAliases` and
/// `caCertificates[].trustDomains`. No released version is exempt, so the rule has no version gate.
struct AmbientTrustDomainMismatchRule: Rule {
    let code = "MC306"
    let reads: Set<String> = ["IstioOperator", "Istio", "ConfigMap"]
    let requiresReads = false

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let ambient = graph.facts.filter { f in (!f.installs.isEmpty || !f.trustDomain.isEmpty) && graph.dataPlane(f.index).hasAmbient }
        guard ambient.count > 1 else { return [] }
        func domain(_ f: ClusterFacts) -> String { f.trustDomain.value ?? TrustDomainMismatchRule.defaultDomain }
        guard let majority = TrustDomainMismatchRule.majority(ambient.map(domain)) else { return [] }
        let peers = ambient.filter { domain($0) == majority }
        var out: [Finding] = []
        for f in ambient where domain(f) != majority {
            guard let at = f.trustDomain.primary?.node ?? f.installs.first.map(TrustDomainMismatchRule.anchor) else { continue }
            let related = peers.prefix(5).compactMap { m -> RelatedLocation? in
                guard let n = m.trustDomain.primary?.node ?? m.installs.first.map(TrustDomainMismatchRule.anchor) else { return nil }
                return context.related("ambient cluster \(graph.name(m.index)) uses trust domain '\(majority)'\(m.trustDomain.isEmpty ? " (the default)" : "")", at: n, cluster: m.index)
            }
            let aliased = !graph.trust.trustDomainAliases[f.index].isEmpty || peers.contains { !graph.trust.trustDomainAliases[$0.index].isEmpty }
            let stated = f.trustDomain.isEmpty ? "the default trust domain '\(domain(f))'" : "trust domain '\(domain(f))'"
            out.append(context.finding(
                "ambient cluster \(graph.name(f.index)) uses \(stated) while \(peers.count) other ambient cluster\(peers.count == 1 ? " uses" : "s use") '\(majority)': istiod stamps its own trust domain on the workloads and east-west gateways of other clusters and ztunnel accepts only its own, so cross-cluster HBONE fails ('peer did not present the expected SAN')\(aliased ? "; trustDomainAliases do not change this in ambient" : ""). Use '\(majority)' in every ambient cluster.",
                at: at, cluster: f.index, resource: f.installs.first?.resource, related: Array(related),
                fieldPath: "spec.meshConfig.trustDomain"))
        }
        return out
    }
}
