import X509

extension Topology {
    /// The topology of `report`'s set and graph with the report's findings attached.
    ///
    /// Nodes: one per cluster with its gateways; edges: every remote secret edge, every remote
    /// secret a primary must hold and lacks, cross-network traffic for each discovery edge
    /// between networks (to the target's east-west gateway), `.global` ServiceEntries (to the
    /// gateway whose address an endpoint names), and one edge per group of clusters whose root
    /// certificate differs from the first group's. Linear in clusters plus edges.
    public init(report: LintReport) {
        var b = TopologyBuilder(report: report)
        b.build()
        self = b.topology
    }
}

struct TopologyBuilder {
    let report: LintReport
    var graph: MeshGraph { report.graph }
    var topology: Topology
    /// Gateway node ids per cluster by lowercased address.
    var gatewayByAddress: [[String: String]] = []
    /// East-west gateway node id per cluster.
    var eastWest: [String?] = []
    /// Edge indices by "cluster/Kind/namespace/name" of the resource that makes the edge.
    var edgesByResource: [String: [Int]] = [:]
    /// Gateway node ids by "cluster/Kind/namespace/name" of a Service or Gateway resource.
    var gatewaysByResource: [String: [String]] = [:]
    /// Edge indices by unordered cluster pair "a-b" (a < b).
    var edgesByPair: [String: [Int]] = [:]
    var edgeKeys: [String: Int] = [:]
    var externalByAddress: [String: Int] = [:]

    init(report: LintReport) {
        self.report = report
        topology = Topology(networks: [], clusters: [], externals: [], edges: [], findings: report.findings,
                            setFindings: [], isAggregated: false, clusterCount: report.set.clusters.count, hiddenEdges: 0)
    }

    mutating func build() {
        let n = report.set.clusters.count
        let roots = rootGroups()
        for c in 0..<n { topology.clusters.append(cluster(c, rootGroup: roots[c])) }
        // Networks: named ones sorted by name, then the clusters nothing puts on a network.
        var byNetwork: [String: [Int]] = [:]
        var none: [Int] = []
        for c in 0..<n {
            if let net = topology.clusters[c].network { byNetwork[net, default: []].append(c) } else { none.append(c) }
        }
        for name in byNetwork.keys.sorted() {
            topology.networks.append(Topology.Network(id: "n\(topology.networks.count)", name: name, clusters: byNetwork[name]!))
        }
        if !none.isEmpty { topology.networks.append(Topology.Network(id: "n\(topology.networks.count)", name: nil, clusters: none)) }

        addDiscoveryEdges()
        addServiceEntryEdges()
        addTrustEdges(roots)
        attachFindings()
    }

    // MARK: Nodes

    mutating func cluster(_ c: Int, rootGroup: (group: Int, subject: String)?) -> Topology.Cluster {
        let f = graph.facts[c]
        let name = report.set.clusters[c].name
        let cid = graph.identity.clusterID(c, facts: f)?.value
        var role: String
        if f.installs.contains(where: { $0.global("externalIstiod")?.bool == true }) {
            role = "external control plane"
        } else if let r = graph.discovery.role(c) {
            role = r.rawValue
        } else {
            role = f.role.rawValue
        }
        if graph.identity.models[c].contains(.replicatedGateways) && role == "primary" { role = "primary (replicated)" }
        return Topology.Cluster(
            id: "c\(c)", name: name, clusterID: cid == name ? nil : cid, network: graph.networkName(c), role: role,
            dataPlane: graph.dataPlane(c).mode?.rawValue, version: f.istioVersion.value, models: graph.identity.models[c].names,
            rootCA: rootGroup?.subject, rootCAGroup: rootGroup?.group, dns: dnsPath(c),
            gateways: gateways(c), summary: [], members: 1, findings: [])
    }

    mutating func gateways(_ c: Int) -> [Topology.Gateway] {
        var out: [Topology.Gateway] = []
        var index: [String: Int] = [:]
        var byAddress: [String: String] = [:]
        let cname = report.set.clusters[c].name
        for g in graph.traffic.gatewayServices[c] {
            let key = "\(g.namespace)/\(g.name)"
            let ports = g.ports.map { $0.compactMap { $0.port?.value ?? $0.targetPort } }
            let addresses = g.addresses.map(\.value)
            if let i = index[key] {
                // A Service and the install that declares it: one gateway.
                let old = out[i]
                let merged = Topology.Gateway(
                    id: old.id, name: old.name, namespace: old.namespace, kinds: old.kinds,
                    addresses: old.addresses + addresses.filter { !old.addresses.contains($0) },
                    ports: old.ports.map { p in p + (ports ?? []).filter { !p.contains($0) } } ?? ports, findings: [])
                out[i] = merged
            } else {
                index[key] = out.count
                out.append(Topology.Gateway(id: "c\(c)g\(out.count)", name: g.name, namespace: g.namespace,
                                            kinds: Self.kinds(g, ports: ports), addresses: addresses, ports: ports, findings: []))
            }
            let id = out[index[key]!].id
            for a in addresses { byAddress[a.lowercased()] = byAddress[a.lowercased()] ?? id }
            if let r = g.resource, r.kind == "Service" { gatewaysByResource[Self.key(cname, r), default: []].append(id) }
        }
        for a in report.set.clusters[c].declaration?.gatewayAddresses ?? [] {
            if let ew = out.first(where: { $0.kinds.contains("east-west") }) ?? out.first {
                byAddress[a.value.lowercased()] = byAddress[a.value.lowercased()] ?? ew.id
            }
        }
        // Gateway resources select gateway workloads by label: their findings belong to the gateway.
        for s in graph.traffic.gatewayServers[c] where !s.gateway.isImplied {
            let selected = graph.traffic.gatewayServices[c].filter { g in
                !s.selector.isEmpty && s.selector.allSatisfy { g.labels[$0.key] == $0.value }
            }
            for g in selected {
                if let i = index["\(g.namespace)/\(g.name)"] {
                    let k = Self.key(cname, s.gateway)
                    if !(gatewaysByResource[k] ?? []).contains(out[i].id) { gatewaysByResource[k, default: []].append(out[i].id) }
                }
            }
        }
        // Gateway API east-west gateways (ambient `istio-east-west`, or passthrough listeners of
        // class `istio`): Istio renders their Deployment and Service, so the set holds no Service.
        for g in graph.ingress.gatewayAPIGateways[c] where (g.gatewayClass == .eastWest || g.gatewayClass == .istio) && !g.crossNetworkListeners.isEmpty && index["\(g.resource.namespace)/\(g.renderedName ?? g.resource.name)"] == nil {
            index["\(g.resource.namespace)/\(g.renderedName ?? g.resource.name)"] = out.count
            let id = "c\(c)g\(out.count)"
            out.append(Topology.Gateway(id: id, name: g.renderedName ?? g.resource.name, namespace: g.resource.namespace,
                                        kinds: ["east-west"], addresses: g.addresses.map(\.value), ports: g.renderedServicePorts, findings: []))
            gatewaysByResource[Self.key(cname, g.resource), default: []].append(id)
        }
        gatewayByAddress.append(byAddress)
        eastWest.append(out.first { $0.kinds.contains("east-west") }?.id)
        return out
    }

    static func kinds(_ g: GatewayService, ports: [Int]?) -> [String] {
        var out: [String] = []
        let istio = g.labels["istio"] ?? ""
        if istio == "eastwestgateway" || g.name.contains("eastwest") || g.labels["topology.istio.io/network"] != nil {
            out.append("east-west")
        } else if istio.contains("egress") || g.name.contains("egress") {
            out.append("egress")
        } else if istio.contains("ingress") || g.name.contains("ingress") {
            out.append("ingress")
        } else {
            out.append("gateway")
        }
        if let p = ports, p.contains(15012) || p.contains(15017) { out.append("istiod") }
        return out
    }

    func dnsPath(_ c: Int) -> Topology.DNSPath? {
        let uses = !graph.traffic.crossClusterEntries[c].isEmpty || graph.identity.models[c].contains(.replicatedGateways)
        guard uses else { return nil }
        let suffix = graph.traffic.globalSuffixes[c]
        switch graph.traffic.dns[c].resolution(of: suffix) {
        case .forwarded(let fs):
            let targets = fs.first.map { $0.targets.map(\.text).joined(separator: ", ") } ?? ""
            return Topology.DNSPath(text: "DNS .\(suffix) → \(targets)", isBroken: false)
        case .answered(_, _, let plugin):
            return Topology.DNSPath(text: "DNS .\(suffix) answered by CoreDNS \(plugin)", isBroken: false)
        case .notForwarded:
            return Topology.DNSPath(text: "DNS .\(suffix) not forwarded to istiocoredns", isBroken: true)
        case .unknown:
            return Topology.DNSPath(text: "DNS .\(suffix): Corefile imports files not in the set", isBroken: false)
        case .noConfiguration:
            return Topology.DNSPath(text: "DNS .\(suffix): no DNS configuration in the set", isBroken: false)
        }
    }

    /// Root-certificate groups: clusters with equal root certificates share a group number
    /// (1-based, in cluster order), with the root's subject.
    func rootGroups() -> [(group: Int, subject: String)?] {
        var groups: [Certificate: Int] = [:]
        return graph.trust.caCerts.map { ca -> (Int, String)? in
            guard let root = ca?.rootCertificate else { return nil }
            if let g = groups[root] { return (g, "\(root.subject)") }
            groups[root] = groups.count + 1
            return (groups.count, "\(root.subject)")
        }
    }

    // MARK: Edges

    static func key(_ cluster: String, _ r: Resource) -> String { "\(cluster)/\(r.kind)/\(r.namespace)/\(r.name)" }
    static func key(_ cluster: String, _ r: ResourceIdentity) -> String { "\(cluster)/\(r.kind)/\(r.namespace ?? "")/\(r.name)" }

    /// Adds an edge, or merges into the edge of the same kind between the same nodes.
    @discardableResult
    mutating func edge(_ kind: Topology.EdgeKind, _ from: String, _ to: String, label: String,
                       clusters: (Int, Int)?, resource: String?) -> Int {
        let k = "\(kind.rawValue) \(from) \(to)"
        let i: Int
        if let existing = edgeKeys[k] {
            i = existing
            let e = topology.edges[i]
            if !e.label.contains(label) {
                let more = e.label.hasSuffix("…") ? e.label : e.label + ", …"
                topology.edges[i] = Topology.Edge(id: e.id, kind: e.kind, from: e.from, to: e.to, label: more, count: e.count, findings: [])
            }
        } else {
            i = topology.edges.count
            edgeKeys[k] = i
            topology.edges.append(Topology.Edge(id: "e\(i)", kind: kind, from: from, to: to, label: label, count: 1, findings: []))
            if let (a, b) = clusters, a != b { edgesByPair["\(min(a, b))-\(max(a, b))", default: []].append(i) }
        }
        if let resource { edgesByResource[resource, default: []].append(i) }
        return i
    }

    mutating func addDiscoveryEdges() {
        let id = graph.identity
        var crossNetwork: [(Int, Int)] = []
        for e in id.remoteSecretEdges where e.holder != e.target {
            let secret = id.remoteSecrets[e.secret]
            let holderName = report.set.clusters[e.holder].name
            edge(.discovery, "c\(e.holder)", "c\(e.target)", label: secret.resource.name,
                 clusters: (e.holder, e.target), resource: Self.key(holderName, secret.resource))
            if let a = graph.networkName(e.holder), let b = graph.networkName(e.target), a != b {
                crossNetwork.append((e.holder, e.target))
                crossNetwork.append((e.target, e.holder))
            }
        }
        for p in report.set.clusters.indices {
            for r in graph.discovery.missing(from: p) {
                edge(.missingDiscovery, "c\(p)", "c\(r.target)", label: "no remote secret for \(report.set.clusters[r.target].name)",
                     clusters: (p, r.target), resource: nil)
            }
        }
        // Each caller reaches a cluster on another network through that network's east-west gateway.
        for (caller, target) in crossNetwork {
            let to = eastWest[target] ?? "c\(target)"
            let label = eastWest[target] == nil ? "no east-west gateway" : "via east-west gateway"
            edge(.crossNetwork, "c\(caller)", to, label: label, clusters: (caller, target), resource: nil)
        }
    }

    mutating func addServiceEntryEdges() {
        for c in report.set.clusters.indices {
            let cname = report.set.clusters[c].name
            for entry in graph.traffic.crossClusterEntries[c] {
                let host = entry.hosts.first?.host.value ?? entry.resource.name
                let rk = Self.key(cname, entry.resource)
                var linked = false
                for ep in entry.endpoints where !ep.isLocal {
                    let port = ep.ports?.pairs.first?.1.text.map { " :\($0)" } ?? ""
                    if let m = ep.gatewayMatches.first {
                        let to = gatewayByAddress[m.cluster][m.value.value.lowercased()] ?? "c\(m.cluster)"
                        edge(.serviceEntry, "c\(c)", to, label: host + port, clusters: (c, m.cluster), resource: rk)
                        linked = true
                    } else if let a = ep.address?.value, ep.network != "external" {
                        let targets = graph.targetClusters(of: entry)
                        if targets.isEmpty {
                            edge(.serviceEntry, "c\(c)", external(a), label: host + port, clusters: nil, resource: rk)
                            linked = true
                        }
                    }
                }
                if !linked {
                    for t in graph.targetClusters(of: entry) {
                        edge(.serviceEntry, "c\(c)", "c\(t)", label: host, clusters: (c, t), resource: rk)
                    }
                }
            }
        }
    }

    mutating func external(_ address: String) -> String {
        let key = address.lowercased()
        if let i = externalByAddress[key] { return topology.externals[i].id }
        externalByAddress[key] = topology.externals.count
        let id = "x\(topology.externals.count)"
        topology.externals.append(Topology.External(id: id, address: address, findings: []))
        return id
    }

    /// One edge from the first cluster of each further root-CA group to the first cluster of
    /// the first group (clusters without a plug-in CA are left out: istiod's self-signed roots).
    mutating func addTrustEdges(_ roots: [(group: Int, subject: String)?]) {
        var first: [Int: Int] = [:]
        for (c, r) in roots.enumerated() { if let g = r?.group, first[g] == nil { first[g] = c } }
        guard let anchor = first[1] else { return }
        for g in first.keys.sorted() where g > 1 {
            let c = first[g]!
            edge(.differentRootCA, "c\(c)", "c\(anchor)", label: "root CA #\(g) ≠ #1", clusters: (c, anchor), resource: nil)
        }
    }

    // MARK: Findings

    /// Attaches each finding: to the edge its resource makes (remote secret, ServiceEntry), to an
    /// edge between its cluster and a cluster its related locations name, to the gateway its
    /// Service or Gateway resource is, else to its cluster; findings of no cluster are set-wide.
    mutating func attachFindings() {
        var clusterIndex: [String: Int] = [:]
        for c in report.set.clusters { clusterIndex[c.name] = c.index }
        var gatewayOwner: [String: (Int, Int)] = [:]
        for (ci, c) in topology.clusters.enumerated() {
            for (gi, g) in c.gateways.enumerated() { gatewayOwner[g.id] = (ci, gi) }
        }
        for (fi, f) in report.findings.enumerated() {
            guard let cname = f.cluster, let c = clusterIndex[cname] else {
                topology.setFindings.append(fi)
                continue
            }
            var others: [Int] = []
            for r in f.related {
                if let rc = r.cluster.flatMap({ clusterIndex[$0] }), rc != c, !others.contains(rc) { others.append(rc) }
            }
            if let res = f.resource {
                let k = Self.key(cname, res)
                if let edges = edgesByResource[k] {
                    let preferred = edges.first { e in others.contains { topology.edges[e].to == "c\($0)" || topology.edges[e].to.hasPrefix("c\($0)g") } }
                    topology.edges[preferred ?? edges[0]].findings.append(fi)
                    continue
                }
            }
            if let e = pairEdge(c, others, rule: f.rule) {
                topology.edges[e].findings.append(fi)
                continue
            }
            if let res = f.resource, let gw = gatewaysByResource[Self.key(cname, res)]?.first, let (ci, gi) = gatewayOwner[gw] {
                topology.clusters[ci].gateways[gi].findings.append(fi)
                continue
            }
            topology.clusters[c].findings.append(fi)
        }
    }

    /// The edge between `c` and one of `others` a finding most likely concerns, by the rule's
    /// family, when it relates its cluster to exactly one other: remote secrets (MC2xx) on
    /// discovery edges, cluster names (MC301) on discovery edges, networks (MC302) on
    /// cross-network edges, trust (MC304–MC306) on root-CA edges, gateways and
    /// TLS (MC4xx, MC5xx, the ambient east-west gateway MC702) on traffic edges, DNS (MC6xx) on ServiceEntry edges. Others: none.
    func pairEdge(_ c: Int, _ others: [Int], rule: String) -> Int? {
        let order = Self.edgeKinds(forRule: rule)
        // A finding that relates its cluster to several others is about the cluster itself.
        guard !order.isEmpty, others.count == 1 else { return nil }
        var best: (rank: Int, edge: Int)?
        for o in others {
            for e in edgesByPair["\(min(c, o))-\(max(c, o))"] ?? [] {
                guard let kindRank = order.firstIndex(of: topology.edges[e].kind) else { continue }
                // Gateway findings belong to the edge into the cluster, the others to the edge out of it.
                let edge = topology.edges[e]
                let into = edge.to == "c\(c)" || edge.to.hasPrefix("c\(c)g")
                let rank = kindRank * 2 + ((rule.hasPrefix("MC4") || rule == "MC702" ? into : edge.from == "c\(c)") ? 0 : 1)
                if best == nil || rank < best!.rank { best = (rank, e) }
            }
        }
        return best?.edge
    }

    static func edgeKinds(forRule rule: String) -> [Topology.EdgeKind] {
        switch rule {
        case let r where r.hasPrefix("MC2"): return [.missingDiscovery, .discovery]
        case "MC301": return [.discovery, .missingDiscovery]
        case "MC302": return [.crossNetwork]
        case "MC304", "MC305", "MC306": return [.differentRootCA]
        case "MC702": return [.crossNetwork]
        case let r where r.hasPrefix("MC4") || r.hasPrefix("MC5"): return [.crossNetwork, .serviceEntry]
        case let r where r.hasPrefix("MC6"): return [.serviceEntry]
        default: return []
        }
    }
}
