import Dispatch

/// The cross-cluster traffic view of a set, built once per run: what installs render (implied
/// resources), DestinationRules with Istio's selection order, gateways and the addresses that
/// reach them, cross-cluster (`.global`) ServiceEntries with the cluster each endpoint leads
/// to, the cluster DNS configuration, and `meshNetworks` gateways. All arrays are indexed like
/// `set.clusters`.
public final class TrafficIndex: Sendable {
    /// Resources each cluster's installs render (SPEC §1).
    public let implied: [[ImpliedResource]]
    /// DestinationRules (written and implied) per cluster.
    public let destinationRules: [DestinationRuleIndex]
    /// Cross-cluster ServiceEntries per calling cluster.
    public let crossClusterEntries: [[CrossClusterServiceEntry]]
    /// Gateway Services per cluster.
    public let gatewayServices: [[GatewayService]]
    /// Gateway servers (written and implied) per cluster.
    public let gatewayServers: [[GatewayServer]]
    /// Cluster DNS configuration per cluster.
    public let dns: [ClusterDNSConfig]
    /// `meshNetworks` gateways stated by each cluster.
    public let meshNetworkGateways: [[MeshNetworkGatewayEntry]]
    /// External addresses of every cluster, keyed by the lowercased address.
    public let addressOwners: [String: [GatewayAddress]]
    /// The effective global domain suffix per cluster.
    public let globalSuffixes: [String]

    /// `resources(kind, c)`: the graph's resources of a kind in cluster `c` (it reads
    /// ServiceEntries, DestinationRules, Gateways, Services and ConfigMaps).
    init(set: ConfigSet, facts: [ClusterFacts], meshNetworks: [MeshNetworks], resources res: (String, Int) -> [Resource]) {
        let n = set.clusters.count

        let implied = facts.map { ImpliedResources.render(facts: $0) }
        self.implied = implied
        let suffixes = facts.map(\.effectiveGlobalSuffix)
        self.globalSuffixes = suffixes

        // Per cluster, in parallel (each reads only its own cluster's resources): gateway
        // Services and the addresses they own; then, once every cluster's addresses are known,
        // servers, DestinationRules, cross-cluster ServiceEntries and DNS.
        let gatewayServices = perCluster(n) { c -> [GatewayService] in
            GatewayReader.services(cluster: c, services: res("Service", c), installs: facts[c].installs)
        }
        let ownedAddresses = perCluster(n) { c -> [GatewayAddress] in
            var seen = Set<String>()
            var out: [GatewayAddress] = []
            func own(_ a: Located<String>, _ source: String) {
                guard seen.insert(a.value.lowercased()).inserted else { return }
                out.append(GatewayAddress(cluster: c, value: a, source: source))
            }
            for a in set.clusters[c].declaration?.gatewayAddresses ?? [] { own(a, "meshlint.yaml gatewayAddresses") }
            for s in res("Service", c) {
                for a in GatewayReader.externalAddresses(service: s) { own(a, "Service \(s.namespace)/\(s.name)") }
            }
            for g in gatewayServices[c] where g.resource?.kind != "Service" {
                for a in g.addresses { own(a, g.source) }
            }
            return out
        }
        var owners: [String: [GatewayAddress]] = [:]
        for addresses in ownedAddresses {
            for a in addresses { owners[a.value.value.lowercased(), default: []].append(a) }
        }
        self.gatewayServices = gatewayServices
        self.addressOwners = owners

        self.gatewayServers = perCluster(n) { c in
            GatewayReader.servers(res("Gateway", c) + implied[c].map(\.resource).filter { $0.kind == "Gateway" })
        }

        self.destinationRules = perCluster(n) { c in
            let root = Self.rootNamespace(facts[c])
            return DestinationRuleIndex(resources: res("DestinationRule", c) + implied[c].map(\.resource),
                                        implied: implied[c], rootNamespace: root, domain: facts[c].domain)
        }

        let addressOwners = owners
        self.crossClusterEntries = perCluster(n) { c in
            CrossClusterServiceEntries.read(cluster: c, entries: res("ServiceEntry", c), suffix: suffixes[c], localAddresses: {
                var local = Set<String>()
                for s in res("Service", c) {
                    let domain = facts[c].domain
                    for name in ["\(s.name).\(s.namespace).svc.\(domain)", "\(s.name).\(s.namespace).svc", "\(s.name).\(s.namespace)"] {
                        local.insert(name.lowercased())
                    }
                    if let ip = s.spec?["clusterIP"]?.text { local.insert(ip.lowercased()) }
                    for a in GatewayReader.externalAddresses(service: s) { local.insert(a.value.lowercased()) }
                }
                for g in gatewayServices[c] {
                    local.insert("\(g.name).\(g.namespace).svc.\(facts[c].domain)".lowercased())
                    for a in g.addresses { local.insert(a.value.lowercased()) }
                }
                for a in set.clusters[c].declaration?.gatewayAddresses ?? [] { local.insert(a.value.lowercased()) }
                return local
            }, addressOwners: addressOwners)
        }

        self.dns = perCluster(n) { c in
            ClusterDNSConfig.read(configMaps: res("ConfigMap", c), services: res("Service", c), istioNamespace: facts[c].istioNamespace)
        }
        self.meshNetworkGateways = (0..<n).map { c in MeshNetworkGateways.entries(cluster: c, meshNetworks: meshNetworks) }
    }

    /// `meshConfig.rootNamespace` of the cluster's install, else its Istio namespace.
    static func rootNamespace(_ f: ClusterFacts) -> String {
        for i in f.installs {
            if let n = i.spec?.at("meshConfig", "rootNamespace")?.text ?? i.values?.at("meshConfig", "rootNamespace")?.text, !n.isEmpty {
                return n
            }
        }
        return f.istioNamespace
    }
}

extension MeshGraph {
    /// Resources of `kind` in one cluster, including those its installs render (SPEC §1).
    public func resourcesIncludingImplied(_ kind: String, in cluster: Int) -> [Resource] {
        resources(kind, in: cluster) + traffic.implied[cluster].map(\.resource).filter { $0.kind == kind }
    }

    /// The implied resource whose root is `resource.root`, if `resource` is implied.
    public func implied(_ resource: Resource) -> ImpliedResource? {
        guard resource.isImplied, resource.clusterIndex < traffic.implied.count else { return nil }
        return traffic.implied[resource.clusterIndex].first { $0.resource.root == resource.root }
    }

    /// Clusters other than `cluster` that define Service `namespace/name`.
    public func clusters(definingService name: String, namespace: String, except cluster: Int? = nil) -> [Int] {
        var seen = Set<Int>(), out: [Int] = []
        for s in services(namespace: namespace, name: name) where s.clusterIndex != cluster {
            if seen.insert(s.clusterIndex).inserted { out.append(s.clusterIndex) }
        }
        return out
    }
}

extension MeshGraph {
    /// The clusters a cross-cluster ServiceEntry leads to: those whose gateway address an
    /// endpoint names, else the other clusters that define the Services its hosts name.
    public func targetClusters(of entry: CrossClusterServiceEntry) -> [Int] {
        let addressed = entry.addressedClusters
        if !addressed.isEmpty { return addressed }
        var seen = Set<Int>(), out: [Int] = []
        for h in entry.hosts {
            guard let s = h.service else { continue }
            for c in clusters(definingService: s.name, namespace: s.namespace, except: entry.caller) where seen.insert(c).inserted {
                out.append(c)
            }
        }
        return out
    }

    /// The ingress server of `cluster` that accepts `.<suffix>` traffic: a TLS AUTO_PASSTHROUGH
    /// server on 15443 for `*.<suffix>` (written, or implied by the install), not on an egress gateway.
    public func globalPassthroughServer(in cluster: Int, suffix: String) -> GatewayServer? {
        traffic.gatewayServers[cluster].first { s in
            s.selector["istio"] != "egressgateway" && s.isAutoPassthrough && s.port?.value == 15443
                && s.hosts.contains { IstioHost.matches(pattern: $0.value, host: "*.\(suffix)") }
        }
    }
}
