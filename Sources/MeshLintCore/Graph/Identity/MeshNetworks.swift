/// One `meshNetworks` configuration: which registries and CIDRs form which network, and the
/// gateways that reach each network. Read from IstioOperator/Helm `values.global.meshNetworks`
/// (no `networks:` wrapper) and from the `istio` ConfigMap key `meshNetworks` (YAML text with a
/// `networks:` wrapper).
public struct MeshNetworks: Sendable {
    /// One `fromRegistry` or `fromCidr` entry.
    public struct Endpoint: Sendable {
        /// `fromRegistry` (a cluster ID: clusterName, a remote secret key, or `Kubernetes`).
        public let fromRegistry: Located<String>?
        /// `fromCidr`.
        public let fromCidr: Located<String>?
        /// Dotted path of the entry inside the resource.
        public let fieldPath: String
    }

    /// One gateway entry.
    public struct Gateway: Sendable {
        /// `registryServiceName` / `registry_service_name`.
        public let registryServiceName: Located<String>?
        /// `address`.
        public let address: Located<String>?
        /// The `port` value node (an integer when well written).
        public let port: YAMLNode?
        /// The entry's node.
        public let node: YAMLNode
        /// Dotted path of the entry inside the resource.
        public let fieldPath: String
    }

    /// One network.
    public struct Network: Sendable {
        /// The network name, located at its key.
        public let name: Located<String>
        /// `endpoints`: registries and CIDRs on this network.
        public let endpoints: [Endpoint]
        /// `gateways`: how other networks reach this one.
        public let gateways: [Gateway]
        /// Dotted path of the network entry inside the resource.
        public let fieldPath: String
    }

    /// The cluster whose control plane reads this configuration.
    public let holder: Int
    /// The IstioOperator or ConfigMap it comes from (nil for Helm values files).
    public let resource: Resource?
    /// Human description of the source, e.g. "ConfigMap istio-system/istio data.meshNetworks".
    public let source: String
    /// The networks, in the order written.
    public let networks: [Network]

    /// Every `fromRegistry` with its network.
    public var registries: [(network: Network, registry: Located<String>, fieldPath: String)] {
        networks.flatMap { n in n.endpoints.compactMap { e in e.fromRegistry.map { (n, $0, e.fieldPath + ".fromRegistry") } } }
    }

    /// Reads a `networks` mapping (network name → {endpoints, gateways}).
    static func read(networks map: YAMLNode, holder: Int, resource: Resource?, source: String, path: String,
                     locate: (YAMLNode) -> YAMLNode) -> MeshNetworks {
        var out: [Network] = []
        for (k, v) in map.pairs {
            guard let name = k.text else { continue }
            let np = "\(path).\(name)"
            var endpoints: [Endpoint] = []
            for (i, e) in (v["endpoints"]?.items ?? []).enumerated() {
                func loc(_ key: String) -> Located<String>? {
                    guard let n = e[key], let s = n.text else { return nil }
                    return Located(s, locate(n))
                }
                endpoints.append(Endpoint(fromRegistry: loc("fromRegistry"), fromCidr: loc("fromCidr"),
                                          fieldPath: "\(np).endpoints[\(i)]"))
            }
            var gateways: [Gateway] = []
            for (i, g) in (v["gateways"]?.items ?? []).enumerated() {
                let rsn = (g["registryServiceName"] ?? g["registry_service_name"]).flatMap { n in n.text.map { Located($0, locate(n)) } }
                let addr = g["address"].flatMap { n in n.text.map { Located($0, locate(n)) } }
                gateways.append(Gateway(registryServiceName: rsn, address: addr, port: g["port"].map(locate),
                                        node: locate(g), fieldPath: "\(np).gateways[\(i)]"))
            }
            out.append(Network(name: Located(name, locate(k)), endpoints: endpoints, gateways: gateways, fieldPath: np))
        }
        return MeshNetworks(holder: holder, resource: resource, source: source, networks: out)
    }

    /// True when a mapping is shaped like meshNetworks' `networks` (every value a mapping with
    /// `endpoints` or `gateways`).
    static func isNetworksMap(_ n: YAMLNode) -> Bool {
        guard n.isMapping, n.count > 0 else { return false }
        return n.pairs.allSatisfy { $0.value.isMapping && ($0.value["endpoints"] != nil || $0.value["gateways"] != nil) }
    }

    /// meshNetworks of an install (`values.global.meshNetworks`).
    static func read(install i: InstallSource) -> MeshNetworks? {
        guard let m = i.global("meshNetworks"), m.isMapping, m.count > 0 else { return nil }
        let prefix = i.resource == nil ? "global.meshNetworks" : "spec.values.global.meshNetworks"
        // Tolerate the ConfigMap shape (`networks:` wrapper) written into values by mistake or habit.
        if let inner = m["networks"], m.count == 1, inner.isMapping {
            return read(networks: inner, holder: i.clusterIndex, resource: i.resource,
                        source: "\(i.label) \(prefix)", path: prefix + ".networks", locate: { $0 })
        }
        return read(networks: m, holder: i.clusterIndex, resource: i.resource,
                    source: "\(i.label) \(prefix)", path: prefix, locate: { $0 })
    }

    /// meshNetworks of an `istio` ConfigMap (`data.meshNetworks`, YAML text).
    static func read(configMap r: Resource) -> MeshNetworks? {
        guard let data = r.root["data"], let key = data.keyNode("meshNetworks"), let v = data["meshNetworks"],
              let text = v.text else { return nil }
        let embedded = EmbeddedYAML(text: text, host: v, key: key)
        guard let root = embedded.root, root.isMapping else { return nil }
        let nets = root["networks"] ?? root
        guard nets.isMapping else { return nil }
        return read(networks: nets, holder: r.clusterIndex, resource: r,
                    source: "ConfigMap \(r.namespace)/\(r.name) data.meshNetworks",
                    path: "data.meshNetworks.networks", locate: embedded.locate)
    }
}
