import MeshLintCore

/// MC701: an ambient cluster of a multi-network mesh whose istiod lacks
/// `AMBIENT_ENABLE_MULTI_NETWORK=true`, or that sets it without ambient on istiod.
///
/// Istio behaviour relied upon (`pilot/pkg/features/ambient.go`): the variable defaults to false;
/// without it istiod neither merges global Services of other clusters nor sends ztunnel the
/// other networks' east-west gateways. It is registered through `registerAmbient`, which
/// ignores it ("requires PILOT_ENABLE_AMBIENT=true") when istiod is not in ambient mode.
struct AmbientMultiNetworkDisabledRule: Rule {
    let code = "MC701"
    let reads: Set<String> = ["IstioOperator", "Istio", "Deployment", "Secret", "Namespace", "ConfigMap"]
    var requiresReads: Bool { false }

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let networks = graph.discoveryNetworks()
        guard networks.count >= 2 else { return [] }
        let members = networks.flatMap(\.clusters).sorted()
        var out: [Finding] = []
        let enabled = members.filter { graph.ambientMultiNetworkEnabled($0) }
        for c in members where graph.facts[c].role != .remote {
            let f = graph.facts[c]
            let values = graph.ambient.multiNetwork[c]
            if graph.dataPlane(c).hasAmbient {
                guard !graph.ambientMultiNetworkEnabled(c) else { continue }
                let related = enabled.filter { $0 != c }.prefix(5).compactMap { o -> RelatedLocation? in
                    guard let v = graph.ambient.multiNetwork[o].first(where: { AmbientIndex.isTrue($0.value) }) else { return nil }
                    return context.related("\(context.clusterName(o)) sets AMBIENT_ENABLE_MULTI_NETWORK=true here", at: v.node, cluster: o)
                } + [AmbientSupport.ambientRelated(context, c, "\(context.clusterName(c)) runs ambient workloads")].compactMap { $0 }
                let why = "istiod then keeps ambient traffic inside \(graph.dataPlaneNetwork(c)?.value ?? "its network"): it merges no global Service of other clusters and tells ztunnel of no other network's east-west gateway, so cross-network calls of \(context.clusterName(c))'s ztunnels reach only local endpoints (and fail where there are none)"
                if let v = values.first {
                    out.append(context.finding(
                        "istiod of ambient cluster \(context.clusterName(c)) sets AMBIENT_ENABLE_MULTI_NETWORK to '\(v.value)' (\(v.source)) in a mesh of \(networks.count) networks; \(why). Set it to \"true\".",
                        at: v.node, cluster: c, resource: v.resource, related: Array(related), fieldPath: v.fieldPath))
                } else if let a = AmbientSupport.istiodEnvAnchor(f) {
                    let how = a.resource?.kind == "IstioOperator"
                        ? "Add `- name: AMBIENT_ENABLE_MULTI_NETWORK, value: \"true\"` to spec.components.pilot.k8s.env"
                        : a.resource.map(InstallSource.isSailIstio) == true
                        ? "Add `AMBIENT_ENABLE_MULTI_NETWORK: \"true\"` to the Sail Istio's spec.values.pilot.env"
                        : a.resource?.kind == "Deployment" ? "Add env AMBIENT_ENABLE_MULTI_NETWORK=\"true\" to istiod (reinstall with it)"
                        : "Add `env: {AMBIENT_ENABLE_MULTI_NETWORK: \"true\"}` to the istiod chart values (`--set env.AMBIENT_ENABLE_MULTI_NETWORK=\"true\"`)"
                    out.append(context.finding(
                        "istiod of ambient cluster \(context.clusterName(c)) does not set AMBIENT_ENABLE_MULTI_NETWORK=true (default false) in a mesh of \(networks.count) networks; \(why). \(how), as the ambient multi-network install does.",
                        at: a.node, cluster: c, resource: a.resource, related: Array(related), fieldPath: a.fieldPath))
                }
            } else if let v = values.first(where: { AmbientIndex.isTrue($0.value) }), graph.ambient.ambientEnabled[c].isEmpty,
                      v.resource != nil, !f.installs.isEmpty || !f.rendered.istiods.isEmpty {
                // Only where the whole istiod configuration is visible (an IstioOperator or a
                // rendered Deployment): Helm users may pass `--set profile=ambient` outside the set.
                out.append(context.finding(
                    "istiod of \(context.clusterName(c)) sets AMBIENT_ENABLE_MULTI_NETWORK=true (\(v.source)) but does not run in ambient mode (no profile ambient, no PILOT_ENABLE_AMBIENT=true): istiod ignores the variable ('requires PILOT_ENABLE_AMBIENT=true'). Install with profile ambient, or remove the variable.",
                    at: v.node, cluster: c, resource: v.resource, fieldPath: v.fieldPath))
            }
        }
        return out
    }
}
