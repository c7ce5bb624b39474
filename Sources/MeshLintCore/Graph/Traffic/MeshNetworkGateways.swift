/// A gateway of a `meshNetworks` network: the address (or registry Service) and port through
/// which sidecars of other networks reach that network's endpoints.
public struct MeshNetworkGatewayEntry: Sendable {
    /// The cluster whose configuration states it.
    public let cluster: Int
    /// The network the gateway serves (the key under `meshNetworks`/`networks`).
    public let network: String
    /// The gateway mapping.
    public let node: YAMLNode
    /// `port` (nil when absent or not a number).
    public let port: Located<Int>?
    /// `address`, or `registryServiceName`/`registry_service_name`.
    public let target: String?
    /// The IstioOperator or `istio` ConfigMap (nil for Helm values).
    public let resource: Resource?
    /// Dotted path of the port, for fingerprints.
    public let fieldPath: String
    /// "IstioOperator istio-system/x spec.values.global.meshNetworks", for messages.
    public let source: String
}

enum MeshNetworkGateways {
    /// The meshNetworks gateways stated by a cluster's installs and its `istio` ConfigMap, taken
    /// from the meshNetworks the identity graph already read (one parser for meshNetworks).
    static func entries(cluster: Int, meshNetworks: [MeshNetworks]) -> [MeshNetworkGatewayEntry] {
        var out: [MeshNetworkGatewayEntry] = []
        for m in meshNetworks where m.holder == cluster {
            for network in m.networks {
                for g in network.gateways {
                    let port = g.port.flatMap { n in (n.int ?? n.text.flatMap { Int($0) }).map { Located($0, n) } }
                    out.append(MeshNetworkGatewayEntry(
                        cluster: cluster, network: network.name.value, node: g.node, port: port,
                        target: (g.address ?? g.registryServiceName)?.value, resource: m.resource,
                        fieldPath: g.fieldPath + ".port", source: m.source))
                }
            }
        }
        return out
    }
}
