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
    /// The meshNetworks gateways stated by a cluster's installs (`values.global.meshNetworks`)
    /// and by its `istio` ConfigMap (`data.meshNetworks`, YAML text with a `networks` key).
    static func read(cluster: Int, installs: [InstallSource], configMaps: [Resource], istioNamespace: String) -> [MeshNetworkGatewayEntry] {
        var out: [MeshNetworkGatewayEntry] = []
        func collect(_ networks: YAMLNode, prefix: String, resource: Resource?, source: String, locate: (YAMLNode) -> YAMLNode) {
            for (k, net) in networks.pairs {
                guard let name = k.scalar, net.isMapping, let gws = net["gateways"], gws.isSequence else { continue }
                for (i, g) in gws.items.enumerated() where g.isMapping {
                    let portNode = g["port"]
                    let port = portNode.flatMap { n in (n.int ?? n.text.flatMap { Int($0) }).map { Located($0, locate(n)) } }
                    let target = (g["address"] ?? g["registryServiceName"] ?? g["registry_service_name"])?.text
                    out.append(MeshNetworkGatewayEntry(
                        cluster: cluster, network: name, node: locate(g), port: port, target: target, resource: resource,
                        fieldPath: "\(prefix).\(name).gateways[\(i)].port", source: source))
                }
            }
        }
        for i in installs {
            guard let m = i.global("meshNetworks"), m.isMapping else { continue }
            let networks = m["networks"].flatMap { $0.isMapping ? $0 : nil } ?? m
            let prefix = (i.resource == nil ? "global.meshNetworks" : "spec.values.global.meshNetworks") + (m["networks"] != nil ? ".networks" : "")
            collect(networks, prefix: prefix, resource: i.resource, source: "\(i.label) \(prefix)", locate: { $0 })
        }
        for cm in configMaps where cm.name == "istio" && cm.namespace == istioNamespace {
            guard let data = cm.root["data"], let v = data["meshNetworks"], v.isScalar else { continue }
            let layout = ScalarTextLayout(host: v, key: data.keyNode("meshNetworks"), parentKey: cm.root.keyNode("data"))
            let parsed = layout.parse()
            guard let root = parsed.roots.first, root.isMapping else { continue }
            let networks = root["networks"].flatMap { $0.isMapping ? $0 : nil } ?? root
            collect(networks, prefix: "data.meshNetworks.networks", resource: cm,
                    source: "ConfigMap \(cm.namespace)/\(cm.name) data.meshNetworks", locate: layout.locate)
        }
        return out
    }
}
