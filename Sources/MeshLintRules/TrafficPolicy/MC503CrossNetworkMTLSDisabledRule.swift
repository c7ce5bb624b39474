import MeshLintCore

/// MC503: sidecar multi-network. A Service has pods on another network than a client cluster,
/// but that cluster's view of the Service is not Istio mTLS. istiod reaches endpoints on other
/// networks only through the remote east-west gateway, which routes by the Istio mTLS SNI, and
/// drops them from EDS when mTLS is off for them (pilot `EndpointsByNetworkFilter`,
/// `mtlsChecker.computeForEndpoint`): the client's DestinationRule decides first (DISABLE drops,
/// ISTIO_MUTUAL keeps), then the endpoint's sidecar (no sidecar: dropped) and the client
/// cluster's PeerAuthentication (DISABLE: dropped). Each Service is a pass over its clusters,
/// grouped by network.
struct CrossNetworkMTLSDisabledRule: Rule {
    let code = "MC503"
    let reads: Set<String> = ["Service"]

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        guard graph.identity.usesEndpointDiscovery else { return [] }
        let n = context.set.clusters.count
        let nets = (0..<n).map { graph.networkName($0) ?? "" }
        guard Set(nets).count > 1 else { return [] }
        // Per-cluster facts read once (not per Service and client).
        let domains = graph.facts.map(\.domain)
        let istioNamespaces = graph.facts.map(\.istioNamespace)
        let sidecarClusters = (0..<n).map { graph.dataPlane($0).mode != .ambient }
        var peerAuthentications = [PeerAuthentications?](repeating: nil, count: n)
        let index = graph.serviceInstances
        var out: [Finding] = []
        var stamp = [Int](repeating: -1, count: n)
        for (k, key) in index.keys.enumerated() {
            guard let all = index.byKey[key] else { continue }
            // One definition per cluster (indices into `all`, the first of each cluster).
            var defs: [Int] = []
            for i in all.indices where stamp[all[i].cluster] != k {
                stamp[all[i].cluster] = k
                defs.append(i)
            }
            let namespace = all[defs[0]].resource.namespace
            guard namespace != "kube-system", !defs.contains(where: { istioNamespaces[all[$0].cluster] == namespace }) else { continue }
            // Servers: clusters whose Service selects workloads there, first per network.
            var servers: [(def: Int, pods: [WorkloadLabels])] = []
            var serverByNet: [String: Int] = [:]
            for di in defs {
                let pods = index.selected(by: all[di]).filter { !$0.isProxy }
                guard !pods.isEmpty else { continue }
                let net = nets[all[di].cluster]
                if serverByNet[net] == nil { serverByNet[net] = servers.count }
                servers.append((di, pods))
            }
            guard serverByNet.count > 0 else { continue }
            // Server networks in a fixed order, and the distinct pod label sets with the first
            // network they run on (workload-selector PeerAuthentications are matched against these).
            let serverNets = serverByNet.keys.sorted()
            var podLabels: [(pod: WorkloadLabels, net: String)] = []
            var seenLabels = Set<[String: String]>()
            for s in servers {
                for pod in s.pods where seenLabels.insert(pod.labels).inserted { podLabels.append((pod, nets[all[s.def].cluster])) }
            }
            // Clients: sidecar clusters holding the Service with pods on another network.
            var openClientByNet: [String: Int] = [:]   // a client whose DR does not force ISTIO_MUTUAL, per network
            for di in defs where sidecarClusters[all[di].cluster] {
                let c = all[di].cluster
                // Up to three networks other than the client's (a prefix of the sorted list: the
                // work per client does not grow with the number of networks).
                var remote: [(key: String, value: Int)] = []
                for net in serverNets where net != nets[c] {
                    remote.append((net, serverByNet[net]!))
                    if remote.count == 3 { break }
                }
                guard !remote.isEmpty else { continue }
                // Names and related places only for a finding (most clients have none).
                func remoteNames() -> [String] {
                    remote.map { "\(context.clusterName(all[servers[$0.value].def].cluster)) (network \($0.key.isEmpty ? "default" : $0.key))" }
                }
                func related() -> [RelatedLocation] {
                    remote.prefix(3).map { r in
                        let s = all[servers[r.value].def]
                        return context.related("Service \(key) has pods in \(context.clusterName(s.cluster)), on network \(r.key.isEmpty ? "default" : r.key)", at: s.node, cluster: s.cluster)
                    }
                }
                let host = "\(all[di].resource.name).\(namespace).svc.\(domains[c])"
                let ports = all[di].ports.map(\.number.value)
                let applied = graph.traffic.destinationRules[c].applying(host: host, client: namespace, serviceNamespace: namespace)
                if let applied, applied.isIstioMutual(ports: ports) { continue }
                // (a) the applied DestinationRule sets another TLS mode.
                if let applied, let mode = ([applied.tlsMode].compactMap { $0 } + ports.compactMap { applied.portTLSModes[$0] }).first(where: { $0.value != "ISTIO_MUTUAL" }) {
                    let drops = mode.value == "DISABLE"
                    out.append(context.finding(
                        "\(applied.display) in \(context.clusterName(c)) sets tls.mode \(mode.value) for Service \(key), which has pods on other networks (\(remoteNames().joined(separator: ", "))): \(drops ? "istiod drops endpoints on another network when the client's mTLS toward them is off, so clients in \(context.clusterName(c)) only ever reach local pods (503 \"no healthy upstream\" when there are none)" : "the remote east-west gateway routes by the Istio mTLS SNI, so \(mode.value) connections to pods on other networks cannot be routed and fail"). Use `tls.mode: ISTIO_MUTUAL` for in-mesh Services.",
                        at: mode.node, cluster: c, resource: applied.resource, related: related(), fieldPath: "spec.trafficPolicy.tls.mode"))
                    if drops { continue }
                }
                if openClientByNet[nets[c]] == nil { openClientByNet[nets[c]] = c }
                // (b) the client cluster's PeerAuthentication disables mTLS for the remote pods.
                if peerAuthentications[c] == nil { peerAuthentications[c] = PeerAuthentications(graph, cluster: c) }
                let pas = peerAuthentications[c]!
                guard pas.mayDisable else { continue }
                let remotePods = podLabels.filter { $0.net != nets[c] }.map(\.pod)
                if let pa = pas.disabling(namespace: namespace, pods: remotePods) {
                    out.append(context.finding(
                        "PeerAuthentication \(pa.resource.namespace)/\(pa.resource.name) in \(context.clusterName(c)) sets mtls.mode DISABLE for Service \(key), which has pods on other networks (\(remoteNames().joined(separator: ", "))), and no DestinationRule there sets ISTIO_MUTUAL for it: istiod drops endpoints on another network when mTLS toward them is off, so clients in \(context.clusterName(c)) only ever reach local pods. Remove the DISABLE, or set `tls.mode: ISTIO_MUTUAL` in a DestinationRule for the host.",
                        at: pa.mode.node, cluster: c, resource: pa.resource, related: related(), fieldPath: "spec.mtls.mode"))
                }
            }
            // (c) pods without a sidecar, called from another network without a forcing DestinationRule.
            // The two first open clients on different networks: one of them is on another
            // network than any server.
            let openClients = openClientByNet.values.sorted().prefix(2)
            for s in servers {
                let b = all[s.def].cluster
                guard let client = openClients.first(where: { nets[$0] != nets[b] }) else { continue }
                for pod in s.pods where pod.sidecar == false {
                    let r = pod.resource
                    let clientDef = defs.first { all[$0].cluster == client }.map { all[$0].node }
                    out.append(context.finding(
                        "\(r.kind) \(r.namespace)/\(r.name) in \(context.clusterName(b)) runs pods of Service \(key) without a sidecar (\(pod.sidecarReason ?? "not injected")), and clients in \(context.clusterName(client)) reach it from network \(nets[client].isEmpty ? "default" : nets[client]): istiod drops endpoints on another network that cannot take Istio mTLS, so those clients never reach these pods. Enable sidecar injection for the namespace (`istio-injection: enabled`) or the workload.",
                        at: pod.sidecarNode ?? pod.labelsNode, cluster: b, resource: r,
                        related: [context.related("Service \(key) is called from \(context.clusterName(client)), on network \(nets[client].isEmpty ? "default" : nets[client])",
                                                  at: clientDef ?? all[s.def].node, cluster: client)]))
                }
            }
        }
        return out
    }

    /// The PeerAuthentications of one cluster with their modes and selectors, read once per
    /// run of the rule (every Service's clients in the cluster are judged against them).
    struct PeerAuthentications {
        let items: [(resource: Resource, mode: Located<String>?, selector: [String: String]?)]
        let root: String
        /// False when no policy of the cluster says DISABLE (nothing to find there).
        let mayDisable: Bool

        init(_ graph: MeshGraph, cluster c: Int) {
            root = graph.traffic.destinationRules[c].rootNamespace
            func mode(_ r: Resource) -> Located<String>? {
                r.spec?.at("mtls", "mode").flatMap { n in n.text.flatMap { $0 == "UNSET" ? nil : Located($0, n) } }
            }
            func selector(_ r: Resource) -> [String: String]? {
                guard let m = r.spec?.at("selector", "matchLabels"), m.isMapping else { return nil }
                var out: [String: String] = [:]
                for (k, v) in m.mergedPairs { if let key = k.scalar, let value = v.text { out[key] = value } }
                return out.isEmpty ? nil : out
            }
            items = graph.resources("PeerAuthentication", in: c).map { ($0, mode($0), selector($0)) }
            mayDisable = items.contains { $0.mode?.value == "DISABLE" }
        }

        /// The PeerAuthentication that disables mTLS for `pods` of `namespace`: a workload
        /// policy selecting one of them, else the namespace policy, else the mesh policy (root
        /// namespace), the most specific one deciding, as Istio applies them.
        func disabling(namespace: String, pods: [WorkloadLabels]) -> (resource: Resource, mode: Located<String>)? {
            var nsLevel: Int?, meshLevel: Int?
            for (i, r) in items.enumerated() where r.selector == nil && r.mode != nil {
                if r.resource.namespace == namespace { nsLevel = nsLevel ?? i }
                if r.resource.namespace == root { meshLevel = meshLevel ?? i }
            }
            let fallback = (nsLevel ?? meshLevel).flatMap { i in items[i].mode.map { (items[i].resource, $0) } }
            for pod in pods {
                let workload = items.first { r in r.resource.namespace == namespace && r.mode != nil && r.selector.map { pod.isSelected(by: $0) } == true }
                let decided = workload.flatMap { r in r.mode.map { (r.resource, $0) } } ?? fallback
                if let decided, decided.1.value == "DISABLE" { return decided }
            }
            return nil
        }
    }
}
