import MeshLintCore

/// MC403: legacy gateway model — the ingress gateway that takes `.global` traffic in does not
/// run in `sni-dnat` router mode, or no `tcp_cluster_rewrite` EnvoyFilter turns the `.global`
/// SNI cluster names into `.svc.<domain>` ones at it.
struct SNIRewriteMissingRule: Rule {
    let code = "MC403"
    let reads: Set<String> = ["ServiceEntry", "Gateway", "EnvoyFilter", "Service", "Deployment", "IstioOperator", "Istio"]
    /// Installs may be Helm values files, which are not resources.
    var requiresReads: Bool { false }

    static let sniDnat = "sni-dnat"

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<YAMLNode>()
        let graph = context.graph
        for demand in graph.ingressDemands() {
            guard case .global(let suffix) = demand.kind, let r = demand.clusters.first else { continue }
            // The gateways a `*.global` passthrough server configures (those that expose 15443 when
            // there are any). Without such a server MC402 reports the cluster: nothing to rewrite yet.
            let a = graph.assessIngress(of: r, for: demand.kind)
            let paths = a.isWorking ? a.working : a.passthrough.filter { !$0.workloads.isEmpty }
            guard let path = paths.first else { continue }
            // Every workload the servers select: a Deployment and the install that declares it
            // describe the same pods, and the Deployment's env is what runs.
            let workloads = a.passthrough.filter { p in paths.contains { $0.server.node == p.server.node } }.flatMap(\.workloads)
            let related = senders(demand, context) + [context.related(
                "\(describe(path.server)) takes `*.\(suffix)` in on 15443 here", at: path.server.port?.node ?? path.server.node,
                cluster: path.server.gateway.clusterIndex)]
            if let f = filterFinding(r, suffix, path, workloads, related, context), seen.insert(f.node).inserted {
                out.append(f.finding)
            }
            if let f = routerModeFinding(r, suffix, workloads, related, context), seen.insert(f.node).inserted {
                out.append(f.finding)
            }
        }
        return out
    }

    // MARK: tcp_cluster_rewrite

    func filterFinding(_ r: Int, _ suffix: String, _ path: IngressPath, _ workloads: [GatewayWorkload],
                       _ related: [RelatedLocation], _ context: RuleContext) -> (node: YAMLNode, finding: Finding)? {
        let graph = context.graph, facts = graph.facts[r]
        guard graph.sniRewriteFilters(reaching: workloads, in: r).isEmpty else { return nil }
        let domain = facts.domain
        let why = "so the gateway looks for an Envoy cluster named `outbound_.<port>_._.<name>.<namespace>.\(suffix)`, which does not exist, and resets every `.\(suffix)` connection"
        let example = "an EnvoyFilter for the gateway that inserts `envoy.filters.network.tcp_cluster_rewrite` after `envoy.filters.network.sni_cluster` on port 15443 with `cluster_pattern: \"\\\\.\(suffix)$\"`, `cluster_replacement: \".svc.\(domain)\"`"
        let name = context.clusterName(r)
        if let off = facts.includeEnvoyFilter.primary, !off.value, facts.istioRelease.map({ $0 >= .v1_8 }) ?? true {
            let install = facts.installs.first { $0.root.file === off.node.file }
            return (off.node, context.finding(
                "`includeEnvoyFilter: false` (\(off.source)) stops the chart from rendering the `tcp_cluster_rewrite` EnvoyFilter and no other EnvoyFilter rewrites `.\(suffix)` SNI names at \(name)'s ingress gateway, \(why). Remove the setting (default true) or write \(example).",
                at: off.node, cluster: r, resource: install?.resource, related: related,
                fieldPath: install?.resource == nil ? "global.multiCluster.includeEnvoyFilter" : "spec.values.global.multiCluster.includeEnvoyFilter"))
        }
        if let f = graph.ingress.sniRewriteFilters[r].first(where: { !$0.selector.isEmpty }), let node = f.selectorNode {
            let labels = f.selector.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            return (node, context.finding(
                "EnvoyFilter \(f.resource.namespace)/\(f.resource.name) rewrites `.\(suffix)` SNI names for workloads labelled `\(labels)`, but \(workloads[0].display), the gateway that takes `*.\(suffix)` in, does not carry them, \(why). Make its selector match the gateway's labels.",
                at: node, cluster: r, resource: f.resource, related: related, fieldPath: "spec.workloadSelector"))
        }
        let host = path.server.hosts.first { IstioHost.matches(pattern: $0.value, host: "*.\(suffix)") }
        let node = host?.node ?? path.server.node
        return (node, context.finding(
            "\(describe(path.server)) passes `*.\(suffix)` through at \(name)'s gateway, but no EnvoyFilter rewrites the `.\(suffix)` SNI cluster names to `.svc.\(domain)` there (`tcp_cluster_rewrite`), \(why). Install with `multiCluster.enabled: true` (the chart renders the filter) or write \(example).",
            at: node, cluster: path.server.gateway.isShared ? nil : r, resource: path.server.gateway, related: related,
            fieldPath: "spec.servers[\(path.server.index)].hosts"))
    }

    // MARK: ISTIO_META_ROUTER_MODE

    func routerModeFinding(_ r: Int, _ suffix: String, _ workloads: [GatewayWorkload],
                           _ related: [RelatedLocation], _ context: RuleContext) -> (node: YAMLNode, finding: Finding)? {
        let graph = context.graph
        let order: [GatewayWorkloadOrigin] = [.deployment, .installDeclaration, .installDefault, .serviceObject]
        let sorted = workloads.sorted { order.firstIndex(of: $0.origin)! < order.firstIndex(of: $1.origin)! }
        let why = "in that mode the gateway builds no SNI-DNAT clusters (`outbound_.<port>_._.<service>`) without Istio mTLS, so AUTO_PASSTHROUGH has nothing to send `.\(suffix)` connections to and they are reset"
        let name = context.clusterName(r)
        let stated = sorted.compactMap { w in w.routerMode.map { (w, $0) } }
        if !stated.isEmpty {
            guard !stated.contains(where: { $0.1.value == Self.sniDnat }), let (w, mode) = stated.first else { return nil }
            return (mode.node, context.finding(
                "\(name)'s gateway \(w.display), which takes `*.\(suffix)` in, sets `ISTIO_META_ROUTER_MODE: \(mode.value)` (\(mode.source)) instead of `sni-dnat`; \(why). Set it to `sni-dnat`.",
                at: mode.node, cluster: w.resource?.isShared == true ? nil : r, resource: w.resource, related: related))
        }
        guard let fallback = graph.defaultRouterMode(in: r), fallback != Self.sniDnat else { return nil }
        let w = sorted.first { $0.origin != .serviceObject } ?? sorted[0]
        let release = graph.facts[r].istioRelease
        let version = release.map { "Istio \($0)" } ?? "these"
        let condition = release.map { $0 < .v1_8 } == true ? " without `multiCluster.enabled: true`" : ""
        return (w.node, context.finding(
            "\(name)'s gateway \(w.display), which takes `*.\(suffix)` in, does not set `ISTIO_META_ROUTER_MODE`, and \(version) gateways\(condition) default to `\(fallback)` router mode; \(why). Add the env `ISTIO_META_ROUTER_MODE: sni-dnat` to the gateway (IstioOperator `k8s.env`, Helm `gateways.istio-ingressgateway.env`).",
            at: w.node, cluster: w.resource?.isShared == true ? nil : r, resource: w.resource, related: related))
    }

    func senders(_ demand: IngressDemand, _ context: RuleContext) -> [RelatedLocation] {
        demand.senders.prefix(2).map { s in
            let e = s.entry.resource
            return context.related("\(context.clusterName(s.entry.caller)) sends \(s.entry.hosts[0].host.value) here (ServiceEntry \(e.namespace)/\(e.name))",
                                   at: s.node, cluster: s.entry.caller)
        }
    }

    func describe(_ s: GatewayServer) -> String {
        "\(s.gateway.isImplied ? "the implied " : "")Gateway \(s.gateway.namespace)/\(s.gateway.name)"
    }
}
