import MeshLintCore

/// MC406: a remote reaches its primary's istiod through a gateway (it is on another network,
/// or its remotePilotAddress is the primary's gateway address), but the primary does not
/// expose istiod there: no PASSTHROUGH Gateway on 15012/15017, no VirtualService routing both
/// ports to istiod, a gateway Service without the ports, or a route to an istiod Service of a
/// revision the primary does not run.
struct IstiodNotExposedRule: Rule {
    let code = "MC406"
    let reads: Set<String> = ["IstioOperator", "Istio", "Gateway", "VirtualService", "Service", "Namespace", "MutatingWebhookConfiguration"]
    let requiresReads = false

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var out: [Finding] = []
        var reported = Set<YAMLNode>()
        for r in context.set.clusters.indices {
            guard let w = graph.controlPlane.clusters[r].remote, !graph.statesReleaseOlder(than: .v1_11, cluster: r) else { continue }
            for p in graph.controlPlanes(ofRemote: r) {
                guard let why = graph.istiodThroughGateway(remote: r, primary: p) else { continue }
                let cp = graph.controlPlane.clusters[p]
                // istiod exposed with Gateway API (TLSRoute to istiod) is not judged here.
                guard cp.istiodTLSRoutes.isEmpty else { continue }
                let rName = context.clusterName(r), pName = context.clusterName(p)
                let anchor = w.remotePilotAddress ?? w.injectionURL ?? w.role
                let workloads = graph.ingress.workloads[p].filter { !$0.isEgress }
                let eastWest = workloads.filter { $0.labels["topology.istio.io/network"] != nil }
                    + workloads.filter { $0.labels["topology.istio.io/network"] == nil && $0.origin != .installDefault && $0.exposes(15443) }
                if cp.istiodExposures.isEmpty {
                    let related = eastWest.prefix(1).map { context.related("\(pName)'s east-west gateway \($0.display), where istiod must be exposed", at: $0.node, cluster: p) }
                    out.append(context.finding(
                        "Remote \(rName) reaches istiod in \(pName) through \(pName)'s gateway (\(why)), but \(pName) has no Gateway with TLS PASSTHROUGH servers on 15012 and 15017 for istiod: \(rName)'s proxies get no configuration or certificates and its injection webhook cannot be called. Apply samples/multicluster/expose-istiod.yaml (expose-istiod-rev.yaml.tmpl for a revisioned istiod) in \(pName).",
                        at: anchor.node, cluster: r, resource: anchor.resource, related: related, fieldPath: anchor.fieldPath))
                    continue
                }
                let related = [context.related("\(rName) reaches \(pName)'s istiod through this gateway (\(why))", at: anchor.node, cluster: r)]
                let selected = cp.istiodExposures.filter { e in workloads.contains { $0.matches(e.selector) } }
                // Gateways the set describes (not only an install's default ingress) and none selected.
                let described = workloads.filter { $0.origin != .installDefault }
                if selected.isEmpty, !described.isEmpty, let g = cp.istiodExposures.first?.gateway,
                   let at = g.spec?.keyNode("selector"), reported.insert(at).inserted {
                    let names = described.prefix(3).map(\.display).joined(separator: ", ")
                    out.append(context.finding(
                        "Gateway \(g.namespace)/\(g.name) in \(pName) exposes istiod, but its selector picks none of \(pName)'s gateway workloads (\(names)): no proxy serves its 15012/15017 servers, so \(rName)'s proxies and webhook calls never reach istiod. Select the east-west gateway's pod labels (istio: eastwestgateway for gen-eastwest-gateway.sh and the istio/gateway chart named istio-eastwestgateway).",
                        at: at, cluster: p, resource: g, related: related, fieldPath: "spec.selector"))
                }
                for e in selected.isEmpty ? cp.istiodExposures : selected {
                    let g = e.gateway
                    if e.servers[15017] == nil, reported.insert(g.nameNode).inserted {
                        let at = g.spec?.keyNode("servers") ?? g.nameNode
                        out.append(context.finding(
                            "Gateway \(g.namespace)/\(g.name) in \(pName) exposes istiod on 15012 but has no TLS PASSTHROUGH server on 15017: the API server of \(rName) calls the sidecar injection webhook through it, so pods there cannot be created with injection. Add the 15017 server of samples/multicluster/expose-istiod.yaml.",
                            at: at, cluster: p, resource: g, related: related, fieldPath: "spec.servers"))
                    }
                    for wl in workloads where wl.matches(e.selector) {
                        let missing = IstiodExposure.ports.filter { !wl.exposes($0) }
                        guard !missing.isEmpty, let svc = wl.service else { continue }
                        let at = svc.portsKey ?? svc.node
                        guard reported.insert(at).inserted else { continue }
                        out.append(context.finding(
                            "Gateway \(wl.display) in \(pName) serves the istiod Gateway \(g.name), but its Service does not expose \(missing.map(String.init).joined(separator: " and ")): \(rName)'s proxies (15012) and its API server's webhook calls (15017) never reach istiod. Add ports tls-istiod 15012 and tls-webhook 15017 to the Service, as gen-eastwest-gateway.sh and the istio/gateway chart's networkGateway do.",
                            at: at, cluster: p, resource: svc.resource, related: related, fieldPath: svc.portsFieldPath))
                    }
                    if e.routes.isEmpty {
                        if reported.insert(g.nameNode).inserted {
                            out.append(context.finding(
                                "No VirtualService routes the istiod Gateway \(g.namespace)/\(g.name) in \(pName): a PASSTHROUGH server without a tls route drops the connection, so \(rName)'s proxies and webhook calls never reach istiod. Apply the istiod-vs VirtualService of samples/multicluster/expose-istiod.yaml (15012 → istiod 15012, 15017 → istiod 443), with gateways: [\(g.name)].",
                                at: g.nameNode, cluster: p, resource: g, related: related, fieldPath: "metadata.name"))
                        }
                        continue
                    }
                    for port in IstiodExposure.ports where e.routes(onPort: port).isEmpty {
                        let vs = e.routes[0].virtualService
                        let at = vs.spec?.keyNode("tls") ?? vs.nameNode
                        guard reported.insert(at).inserted else { continue }
                        out.append(context.finding(
                            "VirtualService \(vs.namespace)/\(vs.name) in \(pName) routes the istiod Gateway \(g.name) but has no tls route matching port \(port): \(port == 15012 ? "\(rName)'s proxies get no configuration or certificates" : "\(rName)'s API server cannot call the injection webhook") through the gateway. Add the route for port \(port) → istiod port \(port == 15012 ? 15012 : 443).",
                            at: at, cluster: p, resource: vs, related: related, fieldPath: "spec.tls"))
                    }
                    // The destination must be an istiod Service the primary runs (istiod, istiod-<rev>).
                    let names = Self.istiodServices(p, graph)
                    guard !names.isEmpty else { continue }
                    for route in e.routes {
                        for d in route.destinations {
                            guard let svc = IstiodExposure.istiodService(inHost: d.value), !names.contains(svc),
                                  reported.insert(d.node).inserted else { continue }
                            out.append(context.finding(
                                "VirtualService \(route.virtualService.namespace)/\(route.virtualService.name) in \(pName) routes istiod traffic to \(d.value), but \(pName) runs no Service \(svc) (its istiod Service is \(names.sorted().joined(separator: ", "))): the gateway has no endpoints for it, so \(rName)'s proxies and webhook calls fail. Route to \(names.sorted()[0]).\(graph.facts[p].istioNamespace).svc.\(graph.facts[p].domain).",
                                at: d.node, cluster: p, resource: route.virtualService, related: related, fieldPath: "\(route.fieldPath).route"))
                        }
                    }
                }
            }
        }
        return out
    }

    /// The istiod Services primary `p`'s installs render, empty when its revisions are not known.
    static func istiodServices(_ p: Int, _ graph: MeshGraph) -> Set<String> {
        guard graph.describesControlPlane(p) else { return [] }
        return graph.controlPlane.clusters[p].istiodServiceNames
    }
}
