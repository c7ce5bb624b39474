/// Why istiod does not take a gateway Service as its network's gateway
/// (`pilot/pkg/serviceregistry/kube/controller/network.go` `getGatewayDetails`,
/// `extractGatewaysInner`; `kube/conversion.go` `ConvertService`; `model/network.go`
/// `resolveHostnameGateways`).
public enum NetworkGatewayDefect: Sendable, Hashable {
    /// The Service has no `topology.istio.io/network` label (and no meshNetworks entry names it).
    case noNetworkLabel
    /// Labelled, but the Service exposes neither the gateway port (15443, or the
    /// `networking.istio.io/gatewayPort` label's) nor 15008 as a Service `port`.
    case portNotExposed(gatewayPort: Int)
    /// The Service gives istiod no address other networks can use: type ClusterIP, or NodePort
    /// without the `traffic.istio.io/nodeSelector` annotation, and no `externalIPs`.
    case noAddress(type: String)
    /// The load balancer's only addresses are host names and istiod runs with
    /// `RESOLVE_HOSTNAME_GATEWAYS=false`, so it drops them.
    case hostnameOnly(hostname: String)
}

/// A gateway that takes a network's cross-network traffic in (MC402 accepts it) but that istiod
/// cannot use as the network's gateway.
public struct UnrecognisedNetworkGateway: Sendable {
    /// The network.
    public let network: String
    /// The cluster running the gateway.
    public let cluster: Int
    /// What is wrong.
    public let defect: NetworkGatewayDefect
    /// The gateway Service (object or install declaration).
    public let service: GatewayService
    /// The passthrough server that sends the network's traffic to it.
    public let server: GatewayServer
    /// Where the defect is reported.
    public let node: YAMLNode
    /// Dotted path of that node in its resource.
    public let fieldPath: String?
    /// The `RESOLVE_HOSTNAME_GATEWAYS=false` setting, for `hostnameOnly`.
    public let hostnameSetting: Sourced<String>?
}

extension MeshGraph {
    /// The settings `RESOLVE_HOSTNAME_GATEWAYS=false` of the istiods in the set (every cluster).
    public func hostnameGatewaysDisabled() -> [(cluster: Int, setting: Sourced<String>)] {
        var out: [(cluster: Int, setting: Sourced<String>)] = []
        for c in set.clusters.indices {
            for s in istiodFlag(NetworkGatewayRecognition.resolveHostnames, is: false, in: c) { out.append((c, s)) }
        }
        return out
    }

    /// For a cross-network demand that some gateway of the network takes in (MC402 is silent),
    /// the gateways istiod cannot use as the network's gateway; empty when istiod has one it can
    /// use (a recognisable Service, a Gateway API network gateway, or a meshNetworks gateway for
    /// the network), when no gateway takes the traffic in (MC402's finding) or when the set does
    /// not describe the gateway's Service.
    public func unrecognisedNetworkGateways(for demand: IngressDemand) -> [UnrecognisedNetworkGateway] {
        guard case .crossNetwork(let network) = demand.kind else { return [] }
        let assessments = demand.clusters.map { assessIngress(of: $0, for: demand.kind) }
        guard assessments.contains(where: \.isWorking) else { return [] }
        if assessments.contains(where: { !$0.gatewayAPI.isEmpty }) { return [] }
        // meshNetworks gateways (an address, or a registry Service by name) do not need the label.
        for c in set.clusters.indices where traffic.meshNetworkGateways[c].contains(where: { $0.network == network && $0.target != nil }) {
            return []
        }
        let hostnamesOff = hostnameGatewaysDisabled().first?.setting
        var out: [UnrecognisedNetworkGateway] = []
        var seen = Set<YAMLNode>()
        for a in assessments {
            for p in a.working {
                for w in p.workloads {
                    guard let s = w.service, seen.insert(s.node).inserted else { continue }
                    guard let d = NetworkGatewayRecognition.defect(of: s, hostnamesOff: hostnamesOff) else { return [] }
                    out.append(UnrecognisedNetworkGateway(
                        network: network, cluster: a.cluster, defect: d.defect, service: s, server: p.server,
                        node: d.node, fieldPath: d.fieldPath, hostnameSetting: d.defect.isHostname ? hostnamesOff : nil))
                }
            }
        }
        return out
    }
}

extension NetworkGatewayDefect {
    var isHostname: Bool { if case .hostnameOnly = self { return true } else { return false } }
}

enum NetworkGatewayRecognition {
    static let resolveHostnames = "RESOLVE_HOSTNAME_GATEWAYS"
    static let networkLabel = "topology.istio.io/network"
    static let gatewayPortLabel = "networking.istio.io/gatewayPort"
    static let nodeSelectorAnnotation = "traffic.istio.io/nodeSelector"

    /// The first reason istiod cannot use `s` as a network gateway, in the order it checks
    /// (label, port, address), with the node to report; nil when it can or the set cannot tell.
    static func defect(of s: GatewayService, hostnamesOff: Sourced<String>?) -> (defect: NetworkGatewayDefect, node: YAMLNode, fieldPath: String?)? {
        let object = s.resource?.kind == "Service" ? s.resource : nil
        guard let label = s.labels[networkLabel], !label.isEmpty else {
            if let object {
                return (.noNetworkLabel, object.metadata?.keyNode("labels") ?? object.nameNode, "metadata.labels")
            }
            // An IstioOperator component: its `label` map (the chart puts it on the Service).
            for kind in ["ingressGateways", "egressGateways"] {
                for (i, g) in (s.resource?.spec?.at("components", kind)?.items ?? []).enumerated() where g["name"] == s.node {
                    if let key = g.keyNode("label") { return (.noNetworkLabel, key, "spec.components.\(kind)[\(i)].label") }
                }
            }
            return (.noNetworkLabel, s.node, nil)
        }
        // istiod looks the port up among the Service's ports (`port`, not `targetPort`); a
        // gatewayPort label that is not a number falls back to 15443.
        let gatewayPort = s.labels[gatewayPortLabel].flatMap { Int($0) } ?? 15443
        if let ports = s.ports, !ports.contains(where: { $0.port?.value == gatewayPort || $0.port?.value == 15008 }) {
            return (.portNotExposed(gatewayPort: gatewayPort), s.portsKey ?? s.node, s.portsKey == nil ? nil : s.portsFieldPath)
        }
        // Addresses: only a Service object tells the type for sure (Kubernetes defaults it to
        // ClusterIP); the charts default their gateway Services to LoadBalancer.
        guard let object else { return nil }
        let spec = object.spec
        let externalIPs = (spec?["externalIPs"]?.items ?? []).compactMap(\.text).filter { !$0.isEmpty }
        guard externalIPs.isEmpty else { return nil }
        let type = s.type ?? "ClusterIP"
        switch type {
        case "ClusterIP":
            return (.noAddress(type: type), spec?["type"] ?? object.root.keyNode("spec") ?? object.nameNode, spec?["type"] == nil ? "spec" : "spec.type")
        case "NodePort":
            guard object.annotation(nodeSelectorAnnotation) == nil else { return nil }
            return (.noAddress(type: type), spec?["type"] ?? object.nameNode, "spec.type")
        case "LoadBalancer":
            guard hostnamesOff != nil else { return nil }
            let ingress = object.root.at("status", "loadBalancer", "ingress")?.items ?? []
            // Per entry istiod takes `ip`, else `hostname`.
            let taken = ingress.compactMap { e -> YAMLNode? in
                if let ip = e["ip"], ip.text?.isEmpty == false { return ip }
                if let h = e["hostname"], h.text?.isEmpty == false { return h }
                return nil
            }
            guard !taken.isEmpty, taken.allSatisfy({ !IPText.isIP($0.text ?? "") }), let h = taken.first else { return nil }
            return (.hostnameOnly(hostname: h.text ?? ""), h, "status.loadBalancer.ingress")
        default:
            return nil
        }
    }
}
