import MeshLintCore

/// MC401: a cross-cluster endpoint does not use the gateways' SNI port 15443 — a `.global`
/// ServiceEntry endpoint, a `meshNetworks` gateway, or a cross-network AUTO_PASSTHROUGH Gateway.
struct CrossClusterPortRule: Rule {
    let code = "MC401"
    let reads: Set<String> = ["ServiceEntry", "Gateway", "Service", "IstioOperator", "Istio", "ConfigMap"]
    /// meshNetworks may come from Helm values, which are not resources.
    var requiresReads: Bool { false }

    static let sniPort = 15443

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<YAMLNode>()
        func add(_ node: YAMLNode, _ f: @autoclosure () -> Finding) {
            if seen.insert(node).inserted { out.append(f()) }
        }
        let graph = context.graph, traffic = graph.traffic
        for c in context.set.clusters.indices {
            for entry in traffic.crossClusterEntries[c] { checkEntry(entry, context, add) }
            checkMeshNetworks(c, context, add)
            checkGateways(c, context, add)
        }
        return out
    }

    // MARK: .global ServiceEntry endpoints

    func checkEntry(_ entry: CrossClusterServiceEntry, _ context: RuleContext, _ add: (YAMLNode, @autoclosure () -> Finding) -> Void) {
        let graph = context.graph
        let r = entry.resource
        let cluster = r.isShared ? nil : Optional(entry.caller)
        let host = entry.hosts[0].host.value
        for e in entry.endpoints {
            let (allowed, related) = allowedPorts(entry, e, graph, context)
            let addr = e.address?.value ?? "the endpoint"
            guard let ports = e.ports, ports.isMapping, ports.count > 0 else {
                let anchor = e.addressKey ?? e.node
                let service = entry.ports.first.map { p in p.number.map { " (\($0), the service port)" } ?? " (\(p.name))" } ?? ""
                let example = entry.ports.first.map { "`ports: {\($0.name): 15443}`" } ?? "a `ports` map to 15443"
                add(anchor, context.finding(
                    "ServiceEntry \(r.namespace)/\(r.name) endpoint \(addr) has no `ports` map, so sidecars call \(host) on the port the entry declares\(service) instead of the remote gateway's SNI port 15443, where nothing routes `.\(entry.suffix)` names. Add \(example) to the endpoint.",
                    at: anchor, cluster: cluster, resource: r, related: related, fieldPath: "\(e.fieldPath).ports"))
                continue
            }
            for (k, v) in ports.pairs {
                let name = k.scalar ?? "?"
                guard let port = v.int ?? v.text.flatMap({ Int($0) }) else {
                    add(v, context.finding(
                        "ServiceEntry \(r.namespace)/\(r.name) endpoint \(addr) maps \(name) to \(v.scalar.map { "'\($0)'" } ?? "a non-number"), not to the remote gateway's SNI port 15443. Write `\(name): 15443`.",
                        at: v, cluster: cluster, resource: r, related: related, fieldPath: "\(e.fieldPath).ports.\(name)"))
                    continue
                }
                guard !allowed.contains(port) else { continue }
                add(v, context.finding(
                    "ServiceEntry \(r.namespace)/\(r.name) sends \(host) to \(addr) on port \(port) (`ports.\(name)`), but cross-cluster traffic only works on the gateway's SNI port 15443 (TLS AUTO_PASSTHROUGH); on port \(port) the gateway has no route for `.\(entry.suffix)` names and the call fails. Set `\(name): 15443` (\"Do not change this port value\").",
                    at: v, cluster: cluster, resource: r, related: related, fieldPath: "\(e.fieldPath).ports.\(name)"))
            }
            let mapped = Set(ports.pairs.compactMap { $0.key.scalar })
            let unmapped = entry.ports.map(\.name).filter { !mapped.contains($0) }
            if !unmapped.isEmpty {
                let anchor = e.portsKey ?? ports
                add(anchor, context.finding(
                    "ServiceEntry \(r.namespace)/\(r.name) endpoint \(addr) does not map port\(unmapped.count > 1 ? "s" : "") \(unmapped.joined(separator: ", ")), so that traffic goes to the service port instead of the remote gateway's SNI port 15443 and fails. Map \(unmapped.map { "`\($0): 15443`" }.joined(separator: ", ")) as well.",
                    at: anchor, cluster: cluster, resource: r, related: related, fieldPath: "\(e.fieldPath).ports"))
            }
        }
    }

    /// 15443, plus the nodePort that exposes 15443 on the target cluster's gateway when that
    /// gateway is a NodePort Service (the documented workaround when there is no load balancer).
    func allowedPorts(_ entry: CrossClusterServiceEntry, _ e: CrossClusterEndpoint, _ graph: MeshGraph,
                      _ context: RuleContext) -> (Set<Int>, [RelatedLocation]) {
        var allowed: Set<Int> = [Self.sniPort]
        let targets = e.isLocal && e.gatewayMatches.isEmpty ? [] : (e.gatewayMatches.isEmpty ? graph.targetClusters(of: entry) : e.gatewayMatches.map(\.cluster))
        var related: [RelatedLocation] = []
        for t in Set(targets).sorted() {
            for g in graph.traffic.gatewayServices[t] {
                // A load balancer listens on 15443 itself; its nodePort is only the way in when the
                // endpoint is a node address (NodePort Service, or a node IP from the manifest).
                let viaLoadBalancer = g.addresses.contains { a in e.address.map { $0.value.lowercased() == a.value.lowercased() } ?? false }
                guard g.type?.lowercased() == "nodeport" || !viaLoadBalancer else { continue }
                for p in g.ports(serving: Self.sniPort) { if let np = p.nodePort { allowed.insert(np.value) } }
            }
            if let server = graph.globalPassthroughServer(in: t, suffix: entry.suffix) {
                related.append(context.related("\(context.clusterName(t)) routes `.\(entry.suffix)` names here: \(server.gateway.isImplied ? "implied " : "")Gateway \(server.gateway.namespace)/\(server.gateway.name) on 15443 (TLS AUTO_PASSTHROUGH)",
                                               at: server.port?.node ?? server.node, cluster: t))
            }
        }
        for m in e.gatewayMatches {
            related.append(context.related("\(m.value.value) is \(context.clusterName(m.cluster))'s gateway address (\(m.source))", at: m.value.node, cluster: m.cluster))
        }
        return (allowed, related)
    }

    // MARK: meshNetworks gateways

    /// Hosts an east-west/cluster-aware gateway passes through: `*.local`, `*.svc.<domain>`, `*.<domain>`.
    static func isCrossNetworkHost(_ host: String, domain: String) -> Bool {
        let h = host.lowercased()
        guard h.hasPrefix("*") else { return false }
        return h.hasSuffix(".local") || h.hasSuffix(".\(domain.lowercased())")
    }

    func crossNetworkServers(_ clusters: [Int], _ graph: MeshGraph) -> [GatewayServer] {
        clusters.flatMap { c in
            graph.traffic.gatewayServers[c].filter { s in
                s.isAutoPassthrough && s.hosts.contains { Self.isCrossNetworkHost($0.value, domain: graph.facts[c].domain) }
            }
        }
    }

    func checkMeshNetworks(_ c: Int, _ context: RuleContext, _ add: (YAMLNode, @autoclosure () -> Finding) -> Void) {
        let graph = context.graph
        for gw in graph.traffic.meshNetworkGateways[c] {
            guard let port = gw.port, port.value != Self.sniPort else { continue }
            let onNetwork = context.set.clusters.indices.filter { graph.networkName($0) == gw.network }
            var servers = crossNetworkServers(onNetwork, graph)
            if servers.isEmpty { servers = crossNetworkServers(Array(context.set.clusters.indices), graph) }
            let related = servers.prefix(3).map { s in
                context.related("AUTO_PASSTHROUGH Gateway \(s.gateway.namespace)/\(s.gateway.name) listens on \(s.port.map { String($0.value) } ?? "?")",
                                at: s.port?.node ?? s.node, cluster: s.gateway.clusterIndex)
            }
            let cluster = gw.resource?.isShared == true ? nil : Optional(c)
            let via = gw.target.map { " (\($0))" } ?? ""
            if let v = graph.facts[c].istioRelease, v >= .v1_8 {
                add(port.node, context.finding(
                    "meshNetworks network \(gw.network) gateway\(via) uses port \(port.value), but from Istio 1.8 on cross-network traffic enters the east-west gateway on 15443 (TLS AUTO_PASSTHROUGH for *.local); sidecars would send it to a port with no passthrough listener. Set `port: 15443`.",
                    at: port.node, cluster: cluster, resource: gw.resource, related: related, fieldPath: gw.fieldPath))
            } else if !servers.isEmpty && !servers.contains(where: { $0.port?.value == port.value }) {
                let listening = Set(servers.compactMap { $0.port?.value }).sorted().map(String.init).joined(separator: ", ")
                add(port.node, context.finding(
                    "meshNetworks network \(gw.network) gateway\(via) uses port \(port.value), but the AUTO_PASSTHROUGH Gateway for *.local listens on \(listening); sidecars of other networks would send cross-network traffic to a port without the SNI passthrough listener. Use the Gateway's port (15443 in current releases).",
                    at: port.node, cluster: cluster, resource: gw.resource, related: related, fieldPath: gw.fieldPath))
            }
        }
    }

    // MARK: cross-network Gateways

    func checkGateways(_ c: Int, _ context: RuleContext, _ add: (YAMLNode, @autoclosure () -> Finding) -> Void) {
        let graph = context.graph
        let meshPorts = context.set.clusters.indices.flatMap { graph.traffic.meshNetworkGateways[$0] }
        for s in graph.traffic.gatewayServers[c] where !s.gateway.isImplied && s.isAutoPassthrough {
            guard let port = s.port, port.value != Self.sniPort else { continue }
            let g = s.gateway
            let cluster = g.isShared ? nil : Optional(c)
            let suffix = graph.traffic.globalSuffixes[c]
            if s.hosts.contains(where: { IstioHost.isUnder($0.value, suffix: suffix) && $0.value.hasPrefix("*") }) {
                add(port.node, context.finding(
                    "Gateway \(g.namespace)/\(g.name) passes `*.\(suffix)` through on port \(port.value), but `.\(suffix)` ServiceEntries in other clusters send to the gateway's SNI port 15443, so their traffic never reaches this listener. Use port 15443 (and keep only one Gateway on it: the chart renders `istio-multicluster-ingressgateway`).",
                    at: port.node, cluster: cluster, resource: g, fieldPath: s.portFieldPath))
                continue
            }
            guard s.hosts.contains(where: { Self.isCrossNetworkHost($0.value, domain: graph.facts[c].domain) }) else { continue }
            let modern = Self.takesModernCrossNetworkTraffic(s, graph.facts[c])
            let related = meshPorts.compactMap { m -> RelatedLocation? in
                guard let p = m.port else { return nil }
                return context.related("meshNetworks network \(m.network) sends cross-network traffic to port \(p.value)", at: p.node, cluster: m.cluster)
            }
            if modern {
                add(port.node, context.finding(
                    "cross-network Gateway \(g.namespace)/\(g.name) passes *.local through on port \(port.value), but sidecars of other networks send cross-network traffic to the east-west gateway's port 15443, so it never reaches this listener (connections are reset). Set `number: 15443`.",
                    at: port.node, cluster: cluster, resource: g, related: Array(related.prefix(3)), fieldPath: s.portFieldPath))
            } else if !meshPorts.isEmpty && !meshPorts.contains(where: { $0.port?.value == port.value }) {
                add(port.node, context.finding(
                    "Gateway \(g.namespace)/\(g.name) passes *.local through on port \(port.value), but meshNetworks sends cross-network traffic to port \(Set(meshPorts.compactMap { $0.port?.value }).sorted().map(String.init).joined(separator: ", ")); the two must agree or the traffic meets no passthrough listener. Make them equal (15443 in current releases).",
                    at: port.node, cluster: cluster, resource: g, related: Array(related.prefix(3)), fieldPath: s.portFieldPath))
            }
        }
    }
}
