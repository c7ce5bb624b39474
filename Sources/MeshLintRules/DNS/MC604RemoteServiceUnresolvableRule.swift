import MeshLintCore

/// MC604: a cluster routes to a host (VirtualService `hosts`, DestinationRule `host`) that is a
/// Service defined only in other clusters, and DNS capture is off: the application's DNS lookup
/// fails in this cluster before the sidecar can route the call to the other cluster.
struct RemoteServiceUnresolvableRule: Rule {
    let code = "MC604"
    let reads: Set<String> = ["VirtualService", "DestinationRule"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<String>()
        let graph = context.graph
        for c in context.set.clusters.indices {
            // With DNS proxying the sidecar answers for every Service istiod knows, in any cluster.
            // Ambient clients get no such waiver: ztunnel resolves a Service's VIP only when the
            // Service exists in the client's own cluster (istio/istio#60888, #57395).
            let ambient = graph.dataPlane(c).hasAmbient
            if graph.facts[c].dnsCapture.value == true && !ambient { continue }
            for h in graph.routedServiceHosts(in: c) {
                guard !graph.services(namespace: h.serviceNamespace, name: h.serviceName).contains(where: { $0.clusterIndex == c }) else { continue }
                let elsewhere = graph.clusters(definingService: h.serviceName, namespace: h.serviceNamespace, except: c)
                guard !elsewhere.isEmpty,
                      seen.insert("\(c)|\(h.resource.root.file.path)|\(h.resource.root.index)|\(h.serviceNamespace)/\(h.serviceName)").inserted else { continue }
                let name = context.clusterName(c)
                let owners = elsewhere.map(context.clusterName)
                let related = elsewhere.prefix(3).compactMap { o -> RelatedLocation? in
                    guard let s = graph.services(namespace: h.serviceNamespace, name: h.serviceName).first(where: { $0.clusterIndex == o }) else { return nil }
                    return context.related("Service \(s.namespace)/\(s.name) is defined in \(context.clusterName(o))", at: s.nameNode, cluster: o)
                }
                let r = h.resource
                if ambient {
                    out.append(context.finding(
                        "\(r.kind) \(r.namespace)/\(r.name) in \(name) \(r.kind == "DestinationRule" ? "sets the traffic policy for" : "routes") \(h.host.value), but Service \(h.serviceNamespace)/\(h.serviceName) is defined only in \(owners.joined(separator: ", ")) and \(name) runs ambient workloads (\(graph.dataPlane(c).ambient.first?.source ?? "ambient data plane")): ztunnel reaches a Service of another cluster only through a local Service with the same name, DNS proxying or not, so the call fails. Create the Service (same ports and selector, no pods needed, labelled `istio.io/global: \"true\"`) in namespace \(h.serviceNamespace) of \(name).",
                        at: h.host.node, cluster: c, resource: r, related: related, fieldPath: h.fieldPath))
                    continue
                }
                out.append(context.finding(
                    "\(r.kind) \(r.namespace)/\(r.name) in \(name) \(r.kind == "DestinationRule" ? "sets the traffic policy for" : "routes") \(h.host.value), but Service \(h.serviceNamespace)/\(h.serviceName) is defined only in \(owners.joined(separator: ", ")) and DNS capture (`ISTIO_META_DNS_CAPTURE`) is off in \(name): cluster DNS there answers NXDOMAIN, so the application's call fails before its sidecar can route it across clusters. Create the Service (same ports and selector, no pods needed) in namespace \(h.serviceNamespace) of \(name), or turn on DNS proxying with `meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE: \"true\"`.",
                    at: h.host.node, cluster: c, resource: r, related: related, fieldPath: h.fieldPath))
            }
        }
        return out
    }
}
