/// A `.global` ServiceEntry of another cluster whose traffic arrives at a cluster's gateway.
public struct GlobalSender: Sendable {
    /// The calling entry.
    public let entry: CrossClusterServiceEntry
    /// The endpoint that names the receiver's gateway address; nil when the receiver is known
    /// only from the Services the entry's hosts name.
    public let endpoint: CrossClusterEndpoint?

    /// The node that says where the traffic goes (the endpoint address, else the first host).
    public var node: YAMLNode { endpoint?.address?.node ?? endpoint?.node ?? entry.hosts[0].host.node }
}

/// Clusters that must take cross-cluster traffic in through a gateway, and why.
public struct IngressDemand: Sendable {
    /// What the traffic is.
    public enum Kind: Sendable, Hashable {
        /// Legacy gateway model: `.global` ServiceEntries of other clusters send SNI `*.<suffix>`
        /// traffic to the cluster's gateway on 15443.
        case global(suffix: String)
        /// Multi-network endpoint discovery: sidecars of other networks reach the endpoints of
        /// `network` through an east-west gateway on that network (SNI `*.local`).
        case crossNetwork(network: String)
    }

    /// What the traffic is.
    public let kind: Kind
    /// The receiving clusters: one for `.global`; every cluster of the network for cross-network
    /// traffic, any one of which may host the gateway.
    public let clusters: [Int]
    /// For `.global`: the ServiceEntries that send there, in set order.
    public let senders: [GlobalSender]
    /// For cross-network traffic: the clusters of other networks that must reach it.
    public let callers: [Int]
}

/// A Gateway server and the gateway workloads of the receiving cluster it configures.
public struct IngressPath: Sendable {
    /// The server (written, or implied by an install).
    public let server: GatewayServer
    /// Workloads of the receiving cluster its selector picks.
    public let workloads: [GatewayWorkload]
}

/// How one receiving cluster's gateway setup answers an `IngressDemand`.
public struct IngressAssessment: Sendable {
    /// The receiving cluster.
    public let cluster: Int
    /// Servers that route the demanded hosts (`*.<suffix>`, or `*.local` for cross-network),
    /// whatever their port and TLS mode: from the cluster itself and, for a remote, from the
    /// config clusters whose istiod configures its gateways.
    public let candidates: [GatewayServer]
    /// Ports a working server may listen on (15443; for cross-network also the meshNetworks
    /// gateway ports, e.g. 443 in the 1.1–1.7 shared control plane docs).
    public let ports: Set<Int>
    /// Candidates with TLS `AUTO_PASSTHROUGH` on an accepted port, with the workloads they pick.
    public let passthrough: [IngressPath]
    /// Passthrough servers with the workloads whose Service exposes the server's port.
    public let working: [IngressPath]
    /// Gateway API Gateways that take the traffic in (cross-network only): an AUTO_PASSTHROUGH
    /// listener, or an HBONE listener when the receiving cluster runs ambient workloads.
    public let gatewayAPI: [GatewayAPINetworkGateway]

    /// True when traffic can get in.
    public var isWorking: Bool { !working.isEmpty || !gatewayAPI.isEmpty }
}

extension IstioHost {
    /// True for a Gateway host that passes every mesh service of a cluster through: `*`,
    /// `*.local`, `*.<domain>` or `*.svc.<domain>` (`samples/multicluster/expose-services.yaml`).
    public static func isCrossNetworkWildcard(_ host: String, domain: String) -> Bool {
        let h = host.lowercased()
        guard h.hasPrefix("*") else { return false }
        return h == "*" || h.hasSuffix(".local") || h.hasSuffix(".\(domain.lowercased())")
    }
}

extension MeshGraph {
    /// The network a cluster's proxies report: the install's `values.global.network`, else the
    /// istio-system Namespace label, else the manifest's assertion (which only describes what the
    /// operator believes; MC302 reports disagreements). The reserved name `external` is skipped.
    /// Template placeholders (`${NETWORK}`, `{{ .x }}`, `<network>`) count as no value.
    public func dataPlaneNetwork(_ cluster: Int) -> Sourced<String>? {
        let manifest = set.clusters[cluster].declaration?.network?.node
        let usable = facts[cluster].network.sources.filter { !$0.value.isEmpty && $0.value != "external" && !isPlaceholder($0.value) }
        return usable.first { $0.node != manifest } ?? usable.first
    }

    /// Every cluster that must take cross-cluster traffic in, in cluster order: targets of other
    /// clusters' `.global` ServiceEntries (by gateway address, else by the Services the hosts
    /// name), and, when the set uses endpoint discovery across two or more stated networks, every
    /// network.
    public func ingressDemands() -> [IngressDemand] {
        var out: [IngressDemand] = []
        var global: [Int: [String: [GlobalSender]]] = [:]
        for c in set.clusters.indices {
            for entry in traffic.crossClusterEntries[c] {
                var addressed = false
                for e in entry.endpoints where !e.isLocal {
                    for m in e.gatewayMatches {
                        addressed = true
                        global[m.cluster, default: [:]][entry.suffix, default: []].append(GlobalSender(entry: entry, endpoint: e))
                    }
                }
                guard !addressed else { continue }
                for t in targetClusters(of: entry) {
                    global[t, default: [:]][entry.suffix, default: []].append(GlobalSender(entry: entry, endpoint: nil))
                }
            }
        }
        for r in global.keys.sorted() {
            for (suffix, senders) in global[r]!.sorted(by: { $0.key < $1.key }) {
                out.append(IngressDemand(kind: .global(suffix: suffix), clusters: [r], senders: senders, callers: []))
            }
        }
        guard ingress.usesEndpointDiscovery else { return out }
        // Clusters whose proxies state no network are left out: Istio does not filter endpoints
        // by network when either side has none, so they need no east-west gateway. So are
        // clusters that take no part in endpoint discovery (replicated `.global` control planes
        // in a mixed set): no istiod discovers their endpoints, so no network gateway is used.
        var byNetwork: [String: [Int]] = [:]
        for c in set.clusters.indices where discovery.participates[c] {
            if let n = dataPlaneNetwork(c)?.value { byNetwork[n, default: []].append(c) }
        }
        guard byNetwork.count >= 2 else { return out }
        for (network, members) in byNetwork.sorted(by: { $0.value[0] < $1.value[0] }) {
            let callers = byNetwork.filter { $0.key != network }.values.flatMap { $0 }.sorted()
            out.append(IngressDemand(kind: .crossNetwork(network: network), clusters: members, senders: [], callers: callers))
        }
        return out
    }

    /// How `cluster`'s gateways answer traffic of `kind`.
    public func assessIngress(of cluster: Int, for kind: IngressDemand.Kind) -> IngressAssessment {
        var candidates: [GatewayServer] = []
        var ports: Set<Int> = [15443]
        var gatewayAPI: [GatewayAPINetworkGateway] = []
        switch kind {
        case .global(let suffix):
            candidates = traffic.gatewayServers[cluster].filter { s in
                s.selector["istio"] != "egressgateway" && s.hosts.contains { IstioHost.matches(pattern: $0.value, host: "*.\(suffix)") }
            }
        case .crossNetwork(let network):
            // HBONE serves ambient workloads. A cluster counts as sidecar-only when namespaces
            // say so; an install alone (whose profile the set may not record) does not.
            let plane = dataPlane(cluster)
            let hbone = plane.hasAmbient || plane.sidecar.isEmpty
            gatewayAPI = gatewayAPINetworkGateways(for: network, receiving: cluster).filter { $0.servesPassthrough || (hbone && $0.servesHBONE) }
            var configClusters = [cluster]
            if facts[cluster].role == .remote {
                configClusters += set.clusters.indices.filter { $0 != cluster && facts[$0].role == .primary }
            }
            var seen = Set<YAMLNode>()
            for c in configClusters {
                let domain = facts[c].domain
                for s in traffic.gatewayServers[c] where seen.insert(s.node).inserted {
                    if s.hosts.contains(where: { IstioHost.isCrossNetworkWildcard($0.value, domain: domain) }) { candidates.append(s) }
                }
            }
            for c in set.clusters.indices { for g in traffic.meshNetworkGateways[c] { if let p = g.port { ports.insert(p.value) } } }
        }
        let passthrough = candidates.filter { $0.isAutoPassthrough && $0.port.map { ports.contains($0.value) } == true }
            .map { IngressPath(server: $0, workloads: gatewayWorkloads(matching: $0.selector, in: cluster)) }
        let working = passthrough.compactMap { p -> IngressPath? in
            let exposing = p.workloads.filter { w in p.server.port.map { w.exposes($0.value) } ?? false }
            return exposing.isEmpty ? nil : IngressPath(server: p.server, workloads: exposing)
        }
        return IngressAssessment(cluster: cluster, candidates: candidates, ports: ports, passthrough: passthrough, working: working,
                                 gatewayAPI: gatewayAPI)
    }
}

/// True when `value` still holds a template placeholder (documentation extracts and un-rendered
/// templates carry `${X}`, `{{ .x }}`, `[[ .x ]]`, `<x>`).
private func isPlaceholder(_ value: String) -> Bool {
    if value.contains("${") || value.contains("$(") { return true }
    if value.contains("{{") && value.contains("}}") { return true }
    if value.contains("[[") && value.contains("]]") { return true }
    return value.hasPrefix("<") && value.hasSuffix(">")
}

/// One way into a network for cross-network traffic: an Istio `Gateway` server with TLS
/// AUTO_PASSTHROUGH on a gateway whose Service exposes its port, or a listener of a Gateway API
/// east-west gateway (AUTO_PASSTHROUGH or HBONE).
public struct CrossNetworkEntryPoint: Sendable {
    /// How traffic crosses: SNI passthrough (sidecars, 15443) or double HBONE (ambient, 15008).
    public enum Transport: String, Sendable, Hashable {
        case passthrough
        case hbone
    }

    /// The cluster whose pods the gateway reaches.
    public let cluster: Int
    /// The network it serves.
    public let network: String
    /// How traffic crosses.
    public let transport: Transport
    /// The port.
    public let port: Int?
    /// Where it is declared (the server or listener).
    public let node: YAMLNode
    /// The resource declaring it (Istio or Gateway API Gateway).
    public let resource: Resource
}

extension MeshGraph {
    /// Every gateway that receives cross-network traffic for `network`, whatever the data plane
    /// that uses it (the question MC402 answers per cluster, and ambient rules ask per transport):
    /// working Istio AUTO_PASSTHROUGH servers of the network's clusters (or their config cluster)
    /// and the Gateway API gateways `gatewayAPINetworkGateways` finds.
    public func crossNetworkEntryPoints(for network: String) -> [CrossNetworkEntryPoint] {
        var out: [CrossNetworkEntryPoint] = []
        var seen = Set<YAMLNode>()
        for c in set.clusters.indices where networkName(c) == network {
            for p in assessIngress(of: c, for: .crossNetwork(network: network)).working where seen.insert(p.server.node).inserted {
                out.append(CrossNetworkEntryPoint(cluster: c, network: network, transport: .passthrough, port: p.server.port?.value,
                                                  node: p.server.node, resource: p.server.gateway))
            }
            for g in gatewayAPINetworkGateways(for: network, receiving: c) {
                for l in g.listeners where seen.insert(l.node).inserted {
                    out.append(CrossNetworkEntryPoint(cluster: c, network: network, transport: l.isHBONE ? .hbone : .passthrough,
                                                      port: l.port?.value, node: l.node, resource: g.gateway.resource))
                }
            }
        }
        return out
    }
}
