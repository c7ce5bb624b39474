/// The Istio gateway classes of the Gateway API (`pkg/config/constants`, `gatewaycommon/classinfo.go`).
public enum GatewayAPIClass: Sendable, Hashable {
    /// `istio`: istiod's deployment controller renders Deployment and Service `<name>-istio`.
    case istio
    /// `istio-east-west`: ambient east-west gateway (double HBONE); Deployment and Service
    /// `<name>`; without a network label it takes istiod's `global.network`.
    case eastWest
    /// `istio-remote`: a gateway istiod cannot see (another cluster); nothing is rendered, its
    /// `spec.addresses` say where it is.
    case remote
    /// `istio-waypoint`.
    case waypoint
    /// Any other class (not Istio's).
    case other

    init(_ name: String?) {
        switch name {
        case "istio"?: self = .istio
        case "istio-east-west"?: self = .eastWest
        case "istio-remote"?: self = .remote
        case "istio-waypoint"?: self = .waypoint
        default: self = .other
        }
    }
}

/// One listener of a Gateway API Gateway.
public struct GatewayAPIListener: Sendable {
    /// Index in `spec.listeners`.
    public let index: Int
    /// The listener mapping.
    public let node: YAMLNode
    /// `name`.
    public let name: String?
    /// `port`.
    public let port: Located<Int>?
    /// `protocol`.
    public let protocolName: Located<String>?
    /// True when Istio configures it as AUTO_PASSTHROUGH (`kube.IsAutoPassthrough`): it has a
    /// `tls` block and either the option `gateway.istio.io/listener-protocol: auto-passthrough`,
    /// or the Gateway has a `topology.istio.io/network` label and the listener is on 15443 (or on
    /// the port of the `networking.istio.io/gatewayPort` label).
    public let isAutoPassthrough: Bool
    /// True for `protocol: HBONE` (ambient east-west, double HBONE).
    public let isHBONE: Bool

    /// True when cross-network traffic can enter through it (SNI passthrough or HBONE).
    public var isCrossNetwork: Bool { isAutoPassthrough || isHBONE }
}

/// A Gateway API `Gateway` of an Istio class, with the resources Istio renders for it (SPEC §1
/// "Gateways and data planes": its Deployment and Service are implied).
public struct GatewayAPIGateway: Sendable {
    /// The Gateway.
    public let resource: Resource
    /// Its class.
    public let gatewayClass: GatewayAPIClass
    /// `spec.gatewayClassName` as written.
    public let className: Located<String>?
    /// `metadata.labels["topology.istio.io/network"]`.
    public let networkLabel: Located<String>?
    /// `metadata.labels["networking.istio.io/gatewayPort"]`.
    public let gatewayPortLabel: Located<String>?
    /// `spec.listeners`.
    public let listeners: [GatewayAPIListener]
    /// `spec.addresses[].value` of type IPAddress or Hostname (the CRD defaults the type to IPAddress).
    public let addresses: [Located<String>]

    /// The name of the Deployment and Service Istio renders (`gateway.istio.io/name-override`,
    /// else `<name>-<class>`, `<name>` for east-west and waypoint classes); nil when nothing is
    /// rendered (`istio-remote`).
    public var renderedName: String? {
        switch gatewayClass {
        case .remote, .other: return nil
        case .eastWest, .waypoint: return resource.annotation("gateway.istio.io/name-override")?.value ?? resource.name
        case .istio: return resource.annotation("gateway.istio.io/name-override")?.value ?? "\(resource.name)-istio"
        }
    }

    /// Ports of the rendered Service: 15021 (status) and every listener port.
    public var renderedServicePorts: [Int] {
        guard renderedName != nil else { return [] }
        var out = [15021]
        for l in listeners { if let p = l.port?.value, !out.contains(p) { out.append(p) } }
        return out
    }

    /// Listeners that take cross-network traffic in: AUTO_PASSTHROUGH ones, and HBONE ones of
    /// the classes that serve double HBONE (`istio-east-west`, and `istio-remote`, which
    /// describes such a gateway elsewhere); class `istio` renders an ordinary gateway that does
    /// not terminate HBONE.
    public var crossNetworkListeners: [GatewayAPIListener] {
        listeners.filter { $0.isAutoPassthrough || ($0.isHBONE && gatewayClass != .istio) }
    }

    /// "Gateway API Gateway istio-system/x (class istio-east-west)" for messages.
    public var display: String {
        "Gateway API Gateway \(resource.namespace)/\(resource.name) (class \(className?.value ?? "none"))"
    }
}

enum GatewayAPIReader {
    static let group = "gateway.networking.k8s.io"
    static let networkLabel = "topology.istio.io/network"
    static let gatewayPortLabel = "networking.istio.io/gatewayPort"
    static let listenerModeOption = "gateway.istio.io/listener-protocol"

    /// The Gateway API Gateways of an Istio class among `gateways` (other classes are left out).
    static func read(_ gateways: [Resource]) -> [GatewayAPIGateway] {
        var out: [GatewayAPIGateway] = []
        for g in gateways where g.group == group {
            let classNode = g.spec?["gatewayClassName"]
            let cls = GatewayAPIClass(classNode?.text)
            guard cls != .other else { continue }
            let network = g.label(networkLabel).flatMap { $0.value.isEmpty ? nil : $0 }
            let portLabel = g.label(gatewayPortLabel)
            let expected = portLabel?.value ?? "15443"
            var listeners: [GatewayAPIListener] = []
            for (i, l) in (g.spec?["listeners"]?.items ?? []).enumerated() where l.isMapping {
                let portNode = l["port"]
                let port = portNode.flatMap { n in (n.int ?? n.text.flatMap { Int($0) }).map { Located($0, n) } }
                let proto = l["protocol"].flatMap { n in n.text.map { Located($0, n) } }
                let tls = l["tls"]
                var passthrough = false
                if let tls, !tls.isNull {
                    if tls.at("options", listenerModeOption)?.text == "auto-passthrough" {
                        passthrough = true
                    } else if network != nil, let p = port {
                        passthrough = String(p.value) == expected
                    }
                }
                listeners.append(GatewayAPIListener(
                    index: i, node: l, name: l["name"]?.text, port: port, protocolName: proto,
                    isAutoPassthrough: passthrough, isHBONE: proto?.value == "HBONE"))
            }
            var addresses: [Located<String>] = []
            for a in g.spec?["addresses"]?.items ?? [] {
                let type = a["type"]?.text ?? "IPAddress"
                guard type == "IPAddress" || type == "Hostname", let v = a["value"], let t = v.text, !t.isEmpty else { continue }
                addresses.append(Located(t, v))
            }
            out.append(GatewayAPIGateway(
                resource: g, gatewayClass: cls, className: classNode.flatMap { n in n.text.map { Located($0, n) } },
                networkLabel: network, gatewayPortLabel: portLabel, listeners: listeners, addresses: addresses))
        }
        return out
    }
}

/// A Gateway API Gateway that takes cross-network traffic in for a network, with the listeners
/// that do.
public struct GatewayAPINetworkGateway: Sendable {
    /// The Gateway.
    public let gateway: GatewayAPIGateway
    /// The network it serves (its label; for `istio-east-west` without one, its cluster's network).
    public let network: String
    /// Its cross-network listeners (AUTO_PASSTHROUGH or HBONE).
    public let listeners: [GatewayAPIListener]

    /// True when one of its listeners is HBONE (ambient east-west).
    public var servesHBONE: Bool { listeners.contains(where: \.isHBONE) }
    /// True when one of its listeners is SNI AUTO_PASSTHROUGH (sidecar east-west).
    public var servesPassthrough: Bool { listeners.contains(where: \.isAutoPassthrough) }
}

extension MeshGraph {
    /// Gateway API Gateways that receive cross-network traffic for `network` on behalf of
    /// `cluster` (istiod `handleGatewayResource` and the Service it renders): those of `cluster`
    /// itself (`istio`, `istio-east-west`) whose network is `network`, and `istio-remote`
    /// Gateways with `spec.addresses` for `network` in any cluster (they describe a gateway the
    /// control plane cannot see, and are read from the config cluster).
    public func gatewayAPINetworkGateways(for network: String, receiving cluster: Int) -> [GatewayAPINetworkGateway] {
        var out: [GatewayAPINetworkGateway] = []
        for g in ingress.gatewayAPIGateways[cluster] where g.gatewayClass == .istio || g.gatewayClass == .eastWest {
            let listeners = g.crossNetworkListeners
            let n = g.networkLabel?.value ?? (g.gatewayClass == .eastWest ? networkName(cluster) : nil)
            if !listeners.isEmpty && n == network { out.append(GatewayAPINetworkGateway(gateway: g, network: network, listeners: listeners)) }
        }
        for g in ingress.remoteGatewaysByNetwork[network] ?? [] where !g.crossNetworkListeners.isEmpty {
            out.append(GatewayAPINetworkGateway(gateway: g, network: network, listeners: g.crossNetworkListeners))
        }
        return out
    }
}
