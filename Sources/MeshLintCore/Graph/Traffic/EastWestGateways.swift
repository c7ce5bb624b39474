/// A gateway workload that serves as a network's east-west gateway: its pods carry the
/// `topology.istio.io/network` label and it takes SNI passthrough traffic on 15443.
public struct EastWestGateway: Sendable {
    /// The gateway workload (Deployment, install declaration or chart values).
    public let workload: GatewayWorkload
    /// The network its labels name.
    public let network: String
    /// The `topology.istio.io/network` label as written (nil when only a default renders it).
    public let networkLabel: YAMLNode?
    /// `ISTIO_META_REQUESTED_NETWORK_VIEW` as the declaration states it for the gateway pods (for
    /// the `istio/gateway` chart with `networkGateway`, the value the chart renders).
    public let requestedNetworkView: Located<String>?
    /// True when the declaration is the `istio/gateway` chart with `networkGateway`, which
    /// renders the label, the ports and the network view by itself.
    public let isChartNetworkGateway: Bool
}

extension MeshGraph {
    /// The east-west gateways of `cluster` as its Deployments and install declarations describe
    /// them: non-egress gateway workloads whose pod labels carry `topology.istio.io/network` and
    /// that serve 15443 (the Service in front or the declared ports expose it, or a container
    /// listens on it). Service objects alone are left out: their pods are not described, and so
    /// are Deployments istiod renders for Gateway API Gateways. A
    /// Deployment and the install declaration of the same gateway (rendered output next to the
    /// IstioOperator) count once, as the Deployment, which is what runs.
    public func eastWestGateways(in cluster: Int) -> [EastWestGateway] {
        let workloads = ingress.workloads[cluster]
        var out: [EastWestGateway] = []
        let deployed = Set(workloads.filter { $0.origin == .deployment }.map { "\($0.namespace)/\($0.name)" })
        for w in workloads where !w.isEgress {
            guard let network = w.labels[EastWestGatewayReader.networkLabel], !network.isEmpty else { continue }
            switch w.origin {
            case .serviceObject, .installDefault: continue
            case .installDeclaration: if deployed.contains("\(w.namespace)/\(w.name)") { continue }
            case .deployment:
                // Rendered by istiod for a Gateway API Gateway, which derives the view from its label.
                if w.labels["gateway.networking.k8s.io/gateway-name"] != nil || w.labels["istio.io/gateway-name"] != nil { continue }
            }
            guard EastWestGatewayReader.serves15443(w) else { continue }
            let chart = w.resource == nil && w.source.hasPrefix("gateway chart values") && w.service?.portsFieldPath == "networkGatewayPorts"
            out.append(EastWestGateway(
                workload: w, network: network, networkLabel: EastWestGatewayReader.networkLabelNode(w),
                requestedNetworkView: EastWestGatewayReader.requestedNetworkView(w), isChartNetworkGateway: chart))
        }
        return out
    }
}

enum EastWestGatewayReader {
    static let networkLabel = "topology.istio.io/network"
    static let networkView = "ISTIO_META_REQUESTED_NETWORK_VIEW"

    /// True when the gateway takes 15443: its Service (declared or in front) exposes it, or, for a
    /// Deployment, a container declares it.
    static func serves15443(_ w: GatewayWorkload) -> Bool {
        if let ports = w.service?.ports, ports.contains(where: { $0.port?.value == 15443 || $0.targetPort == 15443 }) { return true }
        guard w.origin == .deployment, let r = w.resource else { return false }
        return (r.templateSpec?["containers"]?.items ?? []).contains { c in
            (c["ports"]?.items ?? []).contains { p in (p["containerPort"]?.int ?? p["containerPort"]?.text.flatMap { Int($0) }) == 15443 }
        }
    }

    /// `ISTIO_META_REQUESTED_NETWORK_VIEW` for the gateway pods: any container's env of a
    /// Deployment, else the declaration's env (IstioOperator `k8s.env`, Helm `env`).
    static func requestedNetworkView(_ w: GatewayWorkload) -> Located<String>? {
        if w.origin == .deployment, let r = w.resource {
            for c in r.templateSpec?["containers"]?.items ?? [] {
                if let v = GatewayReader.envList(c["env"])[networkView] { return v }
                // A variable set from elsewhere (`valueFrom`) is stated, whatever its value.
                for e in c["env"]?.items ?? [] where e["name"]?.text == networkView { return Located("", e) }
            }
            return nil
        }
        return w.service?.env[networkView]
    }

    /// Where the gateway's network label is written: the Deployment's pod template labels, the
    /// IstioOperator component's `label`, the Helm gateway's `labels`, or the chart's
    /// `networkGateway` value.
    static func networkLabelNode(_ w: GatewayWorkload) -> YAMLNode? {
        if w.origin == .deployment {
            return w.resource?.templateMetadata?.at("labels", networkLabel)
        }
        if let r = w.resource, r.kind == "IstioOperator" {
            for kind in ["ingressGateways", "egressGateways"] {
                for g in r.spec?.at("components", kind)?.items ?? [] where g["name"] == w.node || g == w.node {
                    return g.at("label", networkLabel)
                }
            }
            return r.spec?.at("values", "gateways", w.name, "labels", networkLabel)
        }
        let root = w.install?.root ?? w.node.file.roots.last { $0.position <= w.node.position }
        return root?.at("labels", networkLabel) ?? root?["networkGateway"] ?? root?.at("gateways", w.name, "labels", networkLabel)
    }
}
