import MeshLintCore

/// MC404: a network's east-west gateway takes cross-network traffic in (MC402 is satisfied),
/// but istiod cannot recognise or reach it as the network's gateway: its Service has no
/// network label, does not list the gateway port, has no address other networks can use, or
/// only a host name istiod is told not to resolve; an `istio-remote` Gateway without
/// addresses; or, in a set with several networks, a cluster whose proxies state no network.
struct NetworkGatewayUndiscoverableRule: Rule {
    let code = "MC404"
    let reads: Set<String> = ["Gateway", "Service", "Deployment", "IstioOperator", "Istio", "Secret", "ConfigMap", "Namespace"]
    /// Installs may be Helm values files, which are not resources.
    var requiresReads: Bool { false }

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        let graph = context.graph
        var seen = Set<YAMLNode>()
        for demand in graph.ingressDemands() {
            for u in graph.unrecognisedNetworkGateways(for: demand) where seen.insert(u.node).inserted {
                out.append(finding(u, demand, context))
            }
        }
        out += remoteGatewaysWithoutAddresses(context)
        out += clustersWithoutNetwork(context)
        return out
    }

    func finding(_ u: UnrecognisedNetworkGateway, _ demand: IngressDemand, _ context: RuleContext) -> Finding {
        let s = u.service
        let what = "gateway Service \(s.namespace)/\(s.name) (\(s.source)), which \(describe(u.server)) passes `*.local` through to on \(context.clusterName(u.cluster))"
        let callers = demand.callers.map(context.clusterName)
        let effect = "and with no gateway for \(u.network) istiod has \(list(callers)) send traffic for its endpoints straight to pod IPs on another network, where it fails (or, with no route, drops those endpoints)"
        var related = [context.related("\(describe(u.server)) takes \(u.network)'s cross-network traffic on 15443 here",
                                       at: u.server.port?.node ?? u.server.node, cluster: u.server.gateway.clusterIndex)]
        let message: String
        switch u.defect {
        case .noNetworkLabel:
            message = "\(what), has no `topology.istio.io/network` label: istiod takes a Service as a network's gateway only by that Service label (pod labels and the Gateway do not count), \(effect). Label the Service `topology.istio.io/network: \(u.network)` (IstioOperator `label`, Helm `labels` or `networkGateway`)."
        case .portNotExposed(let port):
            let listed = (s.ports ?? []).compactMap { $0.port?.value }.map(String.init).joined(separator: "/")
            message = "\(what), lists neither port \(port)\(port == 15443 ? "" : " (its `networking.istio.io/gatewayPort` label)") nor 15008 among its Service ports (\(listed.isEmpty ? "none" : listed)); istiod looks the gateway port up by Service `port`, not `targetPort`, so it ignores the gateway \(effect). Expose `port: \(port)` on the Service, or set the label `networking.istio.io/gatewayPort` to the Service port that reaches 15443."
        case .noAddress(let type):
            message = "\(what), is of type \(type)\(type == "NodePort" ? " without the `traffic.istio.io/nodeSelector` annotation" : "") and has no `externalIPs`, so istiod has no address other networks can reach it at and leaves the gateway out \(effect). Make it `type: LoadBalancer`, add `externalIPs`, or give the network's gateway `address` in meshNetworks."
        case .hostnameOnly(let host):
            if let flag = u.hostnameSetting {
                related.append(context.related("\(flag.source) turns host name resolution off", at: flag.node, cluster: flag.resource?.clusterIndex))
            }
            message = "\(what), has only the load balancer host name \(host), and istiod runs with `RESOLVE_HOSTNAME_GATEWAYS=false`, so it drops the gateway instead of resolving the name \(effect). Remove `RESOLVE_HOSTNAME_GATEWAYS=false` from istiod, or give the load balancer an IP address."
        }
        let object = s.resource?.kind == "Service" ? s.resource : nil
        return context.finding(message, at: u.node, cluster: s.resource?.isShared == true ? nil : u.cluster,
                               resource: s.resource, related: related + callerRelated(demand, context),
                               fieldPath: u.fieldPath ?? (object == nil ? nil : "metadata"))
    }

    /// `istio-remote` Gateways with no usable `spec.addresses`: they exist only to tell istiod
    /// where another network's gateway is, and istiod builds a gateway per address.
    func remoteGatewaysWithoutAddresses(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for c in context.set.clusters.indices {
            for g in context.graph.ingress.gatewayAPIGateways[c] where g.gatewayClass == .remote && g.addresses.isEmpty {
                let r = g.resource
                let node = r.spec?.keyNode("addresses") ?? g.className?.node ?? r.nameNode
                out.append(context.finding(
                    "\(g.display) has no `spec.addresses` of type IPAddress or Hostname: istiod renders nothing for class `istio-remote` and takes the network gateway only from those addresses, so it ignores this Gateway\(g.networkLabel.map { " and network \($0.value) gets no gateway from it" } ?? ""). Add `addresses: [{type: IPAddress, value: <the remote gateway's address>}]`\(g.networkLabel == nil ? " and the label `topology.istio.io/network: <network>`" : "").",
                    resource: r, at: node, fieldPath: "spec.addresses"))
            }
        }
        return out
    }

    /// In a set whose clusters state two or more networks, clusters taking part in endpoint
    /// discovery whose proxies state none (no `values.global.network`, no network label on the
    /// Istio namespace, no meshNetworks `fromRegistry` naming them).
    func clustersWithoutNetwork(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        guard graph.ingress.usesEndpointDiscovery else { return [] }
        var networks: [String: Int] = [:]
        var unstated: [Int] = []
        for c in graph.set.clusters.indices where graph.discovery.participates[c] {
            if let n = graph.dataPlaneNetwork(c) { if networks[n.value] == nil { networks[n.value] = c } } else { unstated.append(c) }
        }
        guard networks.count >= 2 else { return [] }
        var out: [Finding] = []
        for c in unstated {
            let f = graph.facts[c]
            if graph.identity.references(to: c).contains(where: { $0.kind == .fromRegistry }) { continue }
            guard let i = f.installs.first(where: { !$0.isGatewayOnly }) else { continue }
            let node = i.values?.keyNode("global") ?? i.spec?.keyNode("values") ?? i.resource?.nameNode ?? i.root
            let stated = networks.sorted { $0.value < $1.value }
            let related = stated.prefix(3).compactMap { n, cl -> RelatedLocation? in
                graph.dataPlaneNetwork(cl).map { context.related("\(context.clusterName(cl)) is on \(n) (\($0.source))", at: $0.node, cluster: cl) }
            }
            out.append(context.finding(
                "\(context.clusterName(c)) states no network (\(i.label) has no `global.network`, its Istio namespace no `topology.istio.io/network` label) while the set's clusters are on \(stated.map(\.key).joined(separator: ", ")): istiod treats endpoints without a network as reachable from every network, so other networks' sidecars call \(context.clusterName(c))'s pod IPs directly instead of through a gateway, and those calls fail. Set `values.global.network` (and the `topology.istio.io/network` label on the Istio namespace) to the cluster's network.",
                at: node, cluster: c, resource: i.resource, related: related,
                fieldPath: i.resource == nil ? "global.network" : "spec.values.global.network"))
        }
        return out
    }

    func callerRelated(_ demand: IngressDemand, _ context: RuleContext) -> [RelatedLocation] {
        demand.callers.prefix(2).compactMap { c in
            context.graph.dataPlaneNetwork(c).map { context.related("\(context.clusterName(c)) is on \($0.value) (\($0.source))", at: $0.node, cluster: c) }
        }
    }

    func describe(_ s: GatewayServer) -> String {
        "\(s.gateway.isImplied ? "the implied " : "")Gateway \(s.gateway.namespace)/\(s.gateway.name)"
    }

    func list(_ names: [String]) -> String {
        names.count <= 3 ? names.joined(separator: ", ") : names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
    }
}
