import MeshLintCore

/// MC405: a hand-written east-west gateway (pods labelled `topology.istio.io/network`, serving
/// 15443) does not set `ISTIO_META_REQUESTED_NETWORK_VIEW`, so istiod gives it the endpoints of
/// every network, other networks' gateways included, instead of its own network's pods.
struct EastWestNetworkViewMissingRule: Rule {
    let code = "MC405"
    let reads: Set<String> = ["Deployment", "IstioOperator", "Istio"]
    /// Gateways may be declared in Helm values files, which are not resources.
    var requiresReads: Bool { false }

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        let graph = context.graph
        for c in graph.set.clusters.indices {
            for g in graph.eastWestGateways(in: c) where g.requestedNetworkView == nil && !g.isChartNetworkGateway {
                let w = g.workload
                let node = g.networkLabel ?? w.node
                var related: [RelatedLocation] = []
                if let n = graph.dataPlaneNetwork(c), n.node != node {
                    related.append(context.related("\(context.clusterName(c)) is on \(n.value) (\(n.source))", at: n.node, cluster: c))
                }
                out.append(context.finding(
                    "east-west gateway \(w.display) is labelled `topology.istio.io/network: \(g.network)` and takes cross-network traffic on 15443, but its pods do not set `ISTIO_META_REQUESTED_NETWORK_VIEW`, so istiod sends it the endpoints of every network (other networks' gateways included) and traffic entering \(g.network) can be forwarded to yet another network instead of the local pods. Set the env `ISTIO_META_REQUESTED_NETWORK_VIEW: \(g.network)` on the gateway (\(placement(w))).",
                    at: node, cluster: w.resource?.isShared == true ? nil : c, resource: w.resource, related: related,
                    fieldPath: fieldPath(w)))
            }
        }
        return out
    }

    func placement(_ w: GatewayWorkload) -> String {
        switch w.origin {
        case .deployment: return "the `istio-proxy` container's `env`"
        default:
            if w.resource?.kind == "IstioOperator" { return "the component's `k8s.env`, as `samples/multicluster/gen-eastwest-gateway.sh` writes it" }
            return "the gateway's `env` values, or install it with the `istio/gateway` chart's `networkGateway` value, which sets it"
        }
    }

    func fieldPath(_ w: GatewayWorkload) -> String? {
        switch w.origin {
        case .deployment: return "spec.template.spec.containers.env"
        default:
            guard let p = w.service?.portsFieldPath else { return nil }
            if p.hasSuffix(".k8s.service.ports") { return String(p.dropLast(".k8s.service.ports".count)) + ".k8s.env" }
            if p.hasSuffix(".ports") { return String(p.dropLast(".ports".count)) + ".env" }
            return "env"
        }
    }
}
