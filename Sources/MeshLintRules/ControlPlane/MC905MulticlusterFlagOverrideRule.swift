import MeshLintCore

/// MC905: istiod env settings that silently switch off or weaken multicluster behaviour
/// (`pilot/pkg/features`), reported where they are set when the set uses what they switch off.
struct MulticlusterFlagOverrideRule: Rule {
    let code = "MC905"
    let reads: Set<String> = ["IstioOperator", "Istio", "Deployment", "Secret", "Service", "Gateway", "WorkloadEntry"]
    /// istiod env may come from Helm values files, which are not resources.
    var requiresReads: Bool { false }

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var out: [Finding] = []
        let members = graph.set.clusters.indices.filter { graph.discovery.participates[$0] }
        let multi = graph.ingress.usesEndpointDiscovery && graph.set.clusters.count >= 2
        // Every Service read only when some istiod turns ENABLE_MULTICLUSTER_HEADLESS off.
        var headlessCache: [(key: String, clusters: Set<Int>, nodes: [(node: YAMLNode, cluster: Int)])]?
        func headless() -> [(key: String, clusters: Set<Int>, nodes: [(node: YAMLNode, cluster: Int)])] {
            if let h = headlessCache { return h }
            let h = headlessServicesAcrossClusters(graph)
            headlessCache = h
            return h
        }
        let apiGateways = graph.set.clusters.indices.flatMap { c in
            graph.ingress.gatewayAPIGateways[c].filter { $0.networkLabel != nil && !$0.crossNetworkListeners.isEmpty }
        }
        let multiNetwork = graph.ingressDemands().contains { if case .crossNetwork = $0.kind { return true } else { return false } }
        let hostnameReported = graph.ingressDemands().contains { d in
            graph.unrecognisedNetworkGateways(for: d).contains { if case .hostnameOnly = $0.defect { return true } else { return false } }
        }
        for c in graph.set.clusters.indices {
            let name = context.clusterName(c)
            // Remote secrets ignored for a kubeconfig directory.
            if let s = graph.istiodSetting("PILOT_MULTICLUSTER_KUBECONFIG_PATH", in: c).first,
               let secret = graph.identity.remoteSecrets(in: c).first {
                out.append(finding(s, c, context, .warning,
                    "istiod in \(name) reads remote cluster kubeconfigs from the directory \(s.value) (`PILOT_MULTICLUSTER_KUBECONFIG_PATH`), which takes precedence over remote secrets: the remote secrets in \(name) are ignored, so the clusters they name are not discovered unless their kubeconfigs are also mounted there. Remove the setting to use the remote secrets, or mount every remote kubeconfig into that directory and drop the secrets.",
                    related: [context.related("remote secret \(secret.resource.namespace)/\(secret.resource.name) is ignored", at: secret.resource.nameNode, cluster: c)]))
            }
            // Gateway API network gateways not discovered.
            if let s = graph.istiodFlag("PILOT_MULTI_NETWORK_DISCOVER_GATEWAY_API", is: false, in: c).first, let g = apiGateways.first,
               graph.discovery.participates[c] || g.resource.clusterIndex == c {
                out.append(finding(s, c, context, .warning,
                    "istiod in \(name) runs with `PILOT_MULTI_NETWORK_DISCOVER_GATEWAY_API=false`, so it does not take Gateway API Gateways labelled `topology.istio.io/network` as network gateways, while \(g.display) is one: its network gets no gateway and cross-network calls to it fail. Remove the setting (default true).",
                    related: [context.related("\(g.display) is a network gateway for \(g.networkLabel?.value ?? "")", at: g.networkLabel?.node ?? g.resource.nameNode, cluster: g.resource.clusterIndex)]))
            }
            // Host name gateway addresses dropped (MC404 reports the gateway when the set shows one).
            if multiNetwork, !hostnameReported, let s = graph.istiodFlag("RESOLVE_HOSTNAME_GATEWAYS", is: false, in: c).first {
                let named = hostnameGatewayAddresses(graph)
                let which = named.first.map { "; the set already names gateway \($0.value) by host name (\($0.source)), which istiod will drop" } ?? ""
                out.append(finding(s, c, context, .warning,
                    "istiod in \(name) runs with `RESOLVE_HOSTNAME_GATEWAYS=false` in a mesh on several networks: an east-west gateway whose address is a host name (an AWS ELB, a meshNetworks `address`, an `istio-remote` Gateway address) is then dropped instead of resolved, and its network becomes unreachable\(which). Remove the setting (default true) unless every gateway has an IP address.",
                    related: named.prefix(3).map { context.related("gateway address \($0.value) is a host name (\($0.source))", at: $0.node, cluster: $0.cluster) }))
            }
            // Headless services across clusters resolved to the local cluster only.
            // Only the DNS proxy (DNS capture) reads the flag; kube-dns answers locally anyway.
            if let s = graph.istiodFlag("ENABLE_MULTICLUSTER_HEADLESS", is: false, in: c).first, graph.discovery.participates[c],
               graph.facts[c].dnsCapture.value == true,
               let h = headless().first(where: { $0.clusters.filter { graph.discovery.participates[$0] }.count >= 2 }) {
                out.append(finding(s, c, context, .warning,
                    "istiod in \(name) runs with `ENABLE_MULTICLUSTER_HEADLESS=false`, so the sidecars' DNS proxy (DNS capture is on) resolves headless Services to the pods of the local cluster only, while headless Service \(h.key) exists in \(h.clusters.count) clusters: calls by pod or service name never reach the other clusters' pods. Remove the setting (default true).",
                    related: h.nodes.prefix(3).map { context.related("headless Service \(h.key)", at: $0.node, cluster: $0.cluster) }))
            }
            // WorkloadEntries of other clusters not read.
            if let s = graph.istiodFlag("PILOT_ENABLE_CROSS_CLUSTER_WORKLOAD_ENTRY", is: false, in: c).first, graph.discovery.participates[c],
               let we = graph.resources("WorkloadEntry").first(where: { $0.clusterIndex != c && graph.discovery.participates[$0.clusterIndex] }) {
                out.append(finding(s, c, context, .warning,
                    "istiod in \(name) runs with `PILOT_ENABLE_CROSS_CLUSTER_WORKLOAD_ENTRY=false`, so it does not read WorkloadEntries from the other clusters it discovers, such as \(we.namespace)/\(we.name) in \(context.clusterName(we.clusterIndex)): Services of \(name) never send traffic to those VMs. Remove the setting (default true), or apply the WorkloadEntries in \(name).",
                    related: [context.related("WorkloadEntry \(we.namespace)/\(we.name)", at: we.nameNode, cluster: we.clusterIndex)]))
            }
            // Peer trust domain not validated.
            if multi, graph.discovery.participates[c], let s = graph.istiodFlag("PILOT_SKIP_VALIDATE_TRUST_DOMAIN", is: true, in: c).first {
                out.append(finding(s, c, context, .warning,
                    "istiod in \(name) runs with `PILOT_SKIP_VALIDATE_TRUST_DOMAIN=true`: its proxies accept mTLS peers of any trust domain signed by a trusted root, so a cluster with another trust domain (or another mesh sharing the root) is let in, and trust domain mistakes between clusters stay hidden. Remove the setting and list other clusters' trust domains in `meshConfig.trustDomainAliases`.",
                    related: []))
            }
            // Kubeconfig options that run code or read istiod's files.
            for s in graph.istiodSetting("PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS", in: c) {
                let options = s.value.split(separator: ",").map { String($0) }
                let running = options.filter { ["exec", "gcp", "azure", "openstack"].contains($0) }
                let reading = options.filter { ["clientKey", "clientCertificate", "tokenFile"].contains($0) }
                guard !running.isEmpty || !reading.isEmpty else { continue }
                let severe = !running.isEmpty
                out.append(finding(s, c, context, severe ? .warning : .info,
                    severe
                        ? "istiod in \(name) allows remote-secret kubeconfigs to use \(running.map { "`\($0)`" }.joined(separator: ", ")) (`PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS`): whoever can write a Secret labelled `istio/multiCluster` in the Istio namespace can make istiod run commands or call credential plugins with its identity. Prefer token or oidc credentials in remote secrets and remove the option."
                        : "istiod in \(name) allows remote-secret kubeconfigs to read files from istiod's file system (\(reading.map { "`\($0)`" }.joined(separator: ", ")), `PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS`); a remote secret can then point istiod at any file it can read. Embed the credentials in the secret instead and remove the option.",
                    related: []))
            }
            // Readiness waits for every remote cluster.
            for s in (graph.facts[c].istiodEnv["PILOT_REMOTE_CLUSTER_TIMEOUT"] ?? []) where ["0", "0s", "0m", "0h"].contains(s.value) && graph.discovery.participates[c] {
                out.append(finding(s, c, context, .info,
                    "istiod in \(name) runs with `PILOT_REMOTE_CLUSTER_TIMEOUT=\(s.value)`, which turns the timeout off: istiod does not become ready until every remote cluster has synced, so one unreachable cluster keeps \(name)'s istiod unready (and blocks its upgrades). Keep the default (30s) unless that is intended.",
                    related: []))
            }
        }
        out += multiRootDrift(members, context)
        return out
    }

    /// `ISTIO_MULTIROOT_MESH=true` on some primaries of the mesh and not on others.
    func multiRootDrift(_ members: [Int], _ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let primaries = members.filter { graph.facts[$0].role != .remote }
        let on = primaries.compactMap { c in graph.istiodFlag("ISTIO_MULTIROOT_MESH", is: true, in: c).first.map { (c, $0) } }
        guard !on.isEmpty, on.count < primaries.count, let off = primaries.first(where: { c in !on.contains { $0.0 == c } }) else { return [] }
        let anchor = graph.facts[off].installs.first { !$0.isGatewayOnly }
        return on.map { c, s in
            finding(s, c, context, .info,
                    "`ISTIO_MULTIROOT_MESH=true` is set on istiod in \(context.clusterName(c)) but not in \(context.clusterName(off)): only some primaries accept workloads signed by more than one root, so mTLS between clusters breaks during a root rotation in one direction only. Set it on every primary of the mesh, or on none.",
                    related: anchor.map { [context.related("\(context.clusterName(off))'s install (\($0.label)) does not set it", at: $0.resource?.nameNode ?? $0.values?.keyNode("global") ?? $0.root, cluster: off)] } ?? [])
        }
    }

    /// Network gateway addresses written as host names: meshNetworks gateway `address`es and
    /// `istio-remote` Gateway addresses (load balancer host names are MC404's).
    func hostnameGatewayAddresses(_ graph: MeshGraph) -> [(value: String, node: YAMLNode, cluster: Int, source: String)] {
        var out: [(value: String, node: YAMLNode, cluster: Int, source: String)] = []
        for c in graph.set.clusters.indices {
            for g in graph.traffic.meshNetworkGateways[c] {
                if let a = g.node["address"], let t = a.text, !t.isEmpty, !IPText.isIP(t) {
                    out.append((t, a, c, "\(g.source), network \(g.network)"))
                }
            }
            for g in graph.ingress.gatewayAPIGateways[c] where g.gatewayClass == .remote {
                for a in g.addresses where !IPText.isIP(a.value) {
                    out.append((a.value, a.node, c, g.display))
                }
            }
        }
        return out
    }

    /// Headless Services (`clusterIP: None`) defined, under one namespace/name, in two or more clusters.
    func headlessServicesAcrossClusters(_ graph: MeshGraph) -> [(key: String, clusters: Set<Int>, nodes: [(node: YAMLNode, cluster: Int)])] {
        var byKey: [String: [Resource]] = [:]
        for s in graph.resources("Service") where s.spec?["clusterIP"]?.text == "None" {
            byKey["\(s.namespace)/\(s.name)", default: []].append(s)
        }
        return byKey.sorted { $0.key < $1.key }.compactMap { key, list in
            let clusters = Set(list.map(\.clusterIndex))
            guard clusters.count >= 2 else { return nil }
            return (key, clusters, list.map { ($0.spec?["clusterIP"] ?? $0.nameNode, $0.clusterIndex) })
        }
    }

    func finding(_ s: Sourced<String>, _ c: Int, _ context: RuleContext, _ level: Severity, _ message: String,
                 related: [RelatedLocation]) -> Finding {
        var f = context.finding(message, at: s.node, cluster: s.resource?.isShared == true ? nil : c, resource: s.resource,
                                related: related, fieldPath: s.fieldPath)
        // Informational settings stay below the rule's default; a configured severity wins.
        if level == .info && context.rule.severity == .warning { f.severity = .info }
        return f
    }
}
