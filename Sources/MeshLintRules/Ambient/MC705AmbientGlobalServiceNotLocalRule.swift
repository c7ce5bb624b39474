import MeshLintCore

/// MC705: a cluster with ambient workloads routes to a Service that only other clusters define.
///
/// Istio behaviour relied upon (istio/istio#57395, #60888, #61068, all open through 1.31; the
/// proposed fix istio/istio#60847 is unmerged, so no release is exempt): ztunnel resolves an
/// outbound VIP to a Service by (VIP, local network); a Service defined only in other clusters
/// has no VIP on the client's network, so the call is not routed, with or without DNS proxying.
/// MC604 covers sidecar-only clusters, where DNS proxying is a remedy.
struct AmbientGlobalServiceNotLocalRule: Rule {
    let code = "MC705"
    let reads: Set<String> = ["VirtualService", "DestinationRule"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        let graph = context.graph
        for c in context.set.clusters.indices where graph.dataPlane(c).hasAmbient {
            for remote in graph.remoteOnlyServiceHosts(in: c) {
                let h = remote.host, r = h.resource, name = context.clusterName(c)
                let owners = remote.owners.map(context.clusterName).joined(separator: ", ")
                out.append(context.finding(
                    "\(r.kind) \(r.namespace)/\(r.name) in \(name) \(r.kind == "DestinationRule" ? "sets the traffic policy for" : "routes") \(h.host.value), but Service \(h.serviceNamespace)/\(h.serviceName) is defined only in \(owners) and \(name) runs ambient workloads (\(AmbientSupport.ambientEvidence(graph, c))): ztunnel reaches a Service of another cluster only through a local Service of the same name (it resolves the VIP on its own network), DNS proxying or not, so the call fails. Create the Service (same ports and selector, no pods needed, labelled `istio.io/global: \"true\"`) in namespace \(h.serviceNamespace) of \(name).",
                    at: h.host.node, cluster: c, resource: r,
                    related: RemoteServiceUnresolvableRule.ownerLocations(remote, context), fieldPath: h.fieldPath))
            }
        }
        return out
    }
}
