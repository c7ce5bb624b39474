import MeshLintCore

/// MC604: a cluster routes to a host (VirtualService `hosts`, DestinationRule `host`) that is a
/// Service defined only in other clusters, and DNS capture is off: the application's DNS lookup
/// fails in this cluster before the sidecar can route the call to the other cluster.
struct RemoteServiceUnresolvableRule: Rule {
    let code = "MC604"
    let reads: Set<String> = ["VirtualService", "DestinationRule"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        let graph = context.graph
        for c in context.set.clusters.indices {
            // With DNS proxying the sidecar answers for every Service istiod knows, in any cluster.
            // Clusters with ambient workloads are MC705's: ztunnel needs the local Service
            // whatever DNS does (istio/istio#60888, #57395).
            if graph.facts[c].dnsCapture.value == true || graph.dataPlane(c).hasAmbient { continue }
            for remote in graph.remoteOnlyServiceHosts(in: c) {
                let h = remote.host
                let name = context.clusterName(c)
                let owners = remote.owners.map(context.clusterName)
                let related = Self.ownerLocations(remote, context)
                let r = h.resource
                out.append(context.finding(
                    "\(r.kind) \(r.namespace)/\(r.name) in \(name) \(r.kind == "DestinationRule" ? "sets the traffic policy for" : "routes") \(h.host.value), but Service \(h.serviceNamespace)/\(h.serviceName) is defined only in \(owners.joined(separator: ", ")) and DNS capture (`ISTIO_META_DNS_CAPTURE`) is off in \(name): cluster DNS there answers NXDOMAIN, so the application's call fails before its sidecar can route it across clusters. Create the Service (same ports and selector, no pods needed) in namespace \(h.serviceNamespace) of \(name), or turn on DNS proxying with `meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE: \"true\"`.",
                    at: h.host.node, cluster: c, resource: r, related: related, fieldPath: h.fieldPath))
            }
        }
        return out
    }

    /// The Service in the first three clusters that define it, as related locations.
    static func ownerLocations(_ remote: RemoteOnlyServiceHost, _ context: RuleContext) -> [RelatedLocation] {
        let h = remote.host
        return remote.owners.prefix(3).compactMap { o -> RelatedLocation? in
            guard let s = context.graph.services(namespace: h.serviceNamespace, name: h.serviceName).first(where: { $0.clusterIndex == o }) else { return nil }
            return context.related("Service \(s.namespace)/\(s.name) is defined in \(context.clusterName(o))", at: s.nameNode, cluster: o)
        }
    }
}
