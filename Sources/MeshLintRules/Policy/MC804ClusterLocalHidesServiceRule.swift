import MeshLintCore

/// MC804: a host istiod treats as cluster-local (`meshConfig.serviceSettings[].settings.clusterLocal`,
/// or a built-in default) is routed to by a cluster that has no workloads for it, so its calls
/// find no endpoints; or the primaries of a multi-primary mesh disagree on which hosts are
/// cluster-local, so the same call stays local from one cluster and spreads from another.
struct ClusterLocalHidesServiceRule: Rule {
    let code = "MC804"
    let reads: Set<String> = ["VirtualService", "DestinationRule", "IstioOperator", "Istio", "ConfigMap"]
    let requiresReads = false

    func check(_ context: RuleContext) -> [Finding] {
        hiddenHosts(context) + differingSettings(context)
    }

    /// Routed hosts that are cluster-local for the cluster's istiod and run only elsewhere.
    func hiddenHosts(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        guard graph.identity.usesEndpointDiscovery else { return [] }
        var out: [Finding] = []
        var seen = Set<String>()
        for c in context.set.clusters.indices where graph.discovery.participates[c] {
            let governing = graph.governingMeshConfigs(of: c)
            guard !governing.isEmpty else { continue }
            let localServices = Set(graph.resources("Service", in: c).map { "\($0.namespace)/\($0.name)" })
            // A remote has no config of its own: its primary's routing applies to its proxies.
            var routed = graph.routedServiceHosts(in: c)
            if graph.discovery.role(c) == .remote {
                for (p, _) in governing where p != c { routed += graph.routedServiceHosts(in: p) }
            }
            for h in routed {
                // Cheap checks first: is the host cluster-local at all, is the Service here.
                let local = governing.compactMap { istiod, config -> (istiod: Int, host: String, setting: ClusterLocalSetting?)? in
                    let host = "\(h.serviceName).\(h.serviceNamespace).svc.\(graph.facts[istiod].domain)"
                    let reason = config.clusterLocal.clusterLocalReason(host)
                    return reason.isLocal ? (istiod, host, reason.setting) : nil
                }
                guard !local.isEmpty else { continue }
                let definedHere = localServices.contains("\(h.serviceNamespace)/\(h.serviceName)")
                if definedHere && !runsOnlyElsewhere(h, cluster: c, graph) { continue }
                let elsewhere = graph.clusters(definingService: h.serviceName, namespace: h.serviceNamespace, except: c)
                guard !elsewhere.isEmpty else { continue }
                for l in local where seen.insert("\(h.resource.root.file.path)|\(h.resource.root.index)|\(c)|\(l.host)").inserted {
                    out.append(finding(h, cluster: c, istiod: l.istiod, host: l.host, setting: l.setting, elsewhere: elsewhere, context))
                }
            }
        }
        return out
    }

    /// For a Service the cluster defines: true when none of the cluster's workloads in that
    /// namespace match its selector (while it has workloads there) and another cluster's do.
    func runsOnlyElsewhere(_ h: RoutedServiceHost, cluster c: Int, _ graph: MeshGraph) -> Bool {
        let services = graph.services(namespace: h.serviceNamespace, name: h.serviceName)
        guard let local = services.first(where: { $0.clusterIndex == c }) else { return true }
        let selector = graph.selector(of: local)
        guard !selector.isEmpty, !(graph.policy.workloads[c][h.serviceNamespace] ?? []).isEmpty,
              graph.policy.workloads(in: c, namespace: h.serviceNamespace, matching: selector).isEmpty else { return false }
        return services.contains { s in
            s.clusterIndex != c && !graph.policy.workloads(in: s.clusterIndex, namespace: s.namespace, matching: graph.selector(of: s)).isEmpty
        }
    }

    func finding(_ h: RoutedServiceHost, cluster c: Int, istiod: Int, host: String, setting: ClusterLocalSetting?,
                 elsewhere: [Int], _ context: RuleContext) -> Finding {
        let graph = context.graph
        let name = context.clusterName(c)
        var related: [RelatedLocation] = []
        let why: String
        if let s = setting {
            related.append(context.related("\(s.host.value) is cluster-local in \(context.clusterName(istiod))'s mesh config (\(s.path))", at: s.host.node, cluster: istiod))
            why = "`meshConfig.\(s.path)` (\(s.host.value)) makes it cluster-local in \(context.clusterName(istiod))'s istiod"
        } else {
            why = "istiod treats it as cluster-local by default (the built-in `*.kube-system.svc`, `kubernetes.default.svc` and istiod hosts)"
        }
        for o in elsewhere.prefix(3) {
            if let s = graph.services(namespace: h.serviceNamespace, name: h.serviceName).first(where: { $0.clusterIndex == o }) {
                related.append(context.related("Service \(s.namespace)/\(s.name) runs in \(context.clusterName(o))", at: s.nameNode, cluster: o))
            }
        }
        let r = h.resource
        let owners = elsewhere.map(context.clusterName)
        let shown = owners.prefix(5).joined(separator: ", ") + (owners.count > 5 ? " and \(owners.count - 5) more" : "")
        return context.finding(
            "\(r.kind) \(r.namespace)/\(r.name) in \(context.clusterName(r.clusterIndex)) \(r.kind == "DestinationRule" ? "sets the traffic policy for" : "routes") \(h.host.value)\(r.clusterIndex == c ? "" : " for the proxies of its remote \(name) too"), which runs only in \(shown), but \(why): istiod gives \(name)'s proxies only endpoints of \(name) for a cluster-local host, so calls from \(name) find no healthy upstream. Remove the host from `clusterLocal` (or set `clusterLocal: false` for it), or run the service in \(name) as well.",
            at: h.host.node, cluster: r.clusterIndex, resource: r, related: related, fieldPath: h.fieldPath)
    }

    /// Primaries that disagree with the others on whether a host named in some primary's
    /// `serviceSettings` is cluster-local. Per host the value most primaries have wins (on a
    /// tie: the value of a primary that states nothing for it), and each primary in the
    /// minority gets one finding listing its hosts.
    func differingSettings(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let holders = graph.policy.configHolders.filter { graph.policy.meshConfigs[$0].isDescribed }
        guard holders.count >= 2 else { return [] }
        let configs = holders.map { graph.policy.meshConfigs[$0].clusterLocal }
        var hosts: [String] = []
        var seen = Set<String>()
        for c in configs { for s in c.settings where seen.insert(s.host.value.lowercased()).inserted { hosts.append(s.host.value.lowercased()) } }
        // Per holder (index into `holders`): hosts where it is in the minority, and the majority's example holder.
        var minority = Array(repeating: [(host: String, majorityHolder: Int)](), count: holders.count)
        var majorityHolders: [String: [Int]] = [:]
        for h in hosts {
            let values = configs.map { $0.clusterLocalReason(h).isLocal }
            let trues = values.filter { $0 }.count, falses = values.count - trues
            guard trues > 0 && falses > 0 else { continue }
            var majority = trues > falses
            if trues == falses, let silent = configs.indices.first(where: { i in !configs[i].settings.contains { $0.host.value.lowercased() == h } }) {
                majority = values[silent]
            }
            let agreeing = values.indices.filter { values[$0] == majority }
            guard let example = agreeing.first else { continue }
            majorityHolders[h] = Array(agreeing.prefix(3))
            for i in values.indices where values[i] != majority { minority[i].append((h, example)) }
        }
        var out: [Finding] = []
        for (i, p) in holders.enumerated() where !minority[i].isEmpty {
            let mine = configs[i]
            let list = minority[i]
            let describe: (String, Int) -> String = { h, ref in
                "`\(h)` is \(mine.clusterLocalReason(h).isLocal ? "cluster-local" : "not cluster-local") here and \(configs[ref].clusterLocalReason(h).isLocal ? "cluster-local" : "not cluster-local") in \(context.clusterName(holders[ref]))"
            }
            guard let anchor = settingAnchor(list[0].host, holder: p, mine, graph) else { continue }
            let related = list.prefix(5).flatMap { h, _ in
                (majorityHolders[h] ?? []).compactMap { ref -> RelatedLocation? in
                    guard let a = settingAnchor(h, holder: holders[ref], configs[ref], graph) else { return nil }
                    let state = configs[ref].clusterLocalReason(h).isLocal ? "cluster-local" : "not cluster-local"
                    return context.related("\(h) is \(state) in \(context.clusterName(holders[ref])) (\(a.stated ? "stated here" : "no serviceSettings entry for it"))", at: a.node, cluster: holders[ref])
                }
            }
            let text = list.prefix(5).map { describe($0.host, $0.majorityHolder) }.joined(separator: "; ") + (list.count > 5 ? "; and \(list.count - 5) more" : "")
            let others = holders.count - 1
            let msg = "meshConfig.serviceSettings of \(context.clusterName(p)) disagree with \(others == 1 ? "the other primary" : "most of the other \(others) primaries") on which hosts are cluster-local: \(text). Each istiod applies its own setting to its own proxies, so the same call stays in its cluster when it starts in one primary and is spread across clusters when it starts in another. Give every primary the same `serviceSettings`."
            if let r = anchor.resource {
                out.append(context.finding(msg, resource: r, at: anchor.node, related: related, fieldPath: anchor.fieldPath))
            } else {
                out.append(context.finding(msg, at: anchor.node, cluster: p, related: related))
            }
        }
        return out
    }

    /// Where a primary states (or would state) the cluster-local setting of `host`: its
    /// `serviceSettings` entry for it, else its mesh config, else its install's `spec`/values.
    func settingAnchor(_ host: String, holder p: Int, _ hosts: ClusterLocalHosts, _ graph: MeshGraph)
        -> (node: YAMLNode, resource: Resource?, fieldPath: String?, stated: Bool)? {
        let config = graph.policy.meshConfigs[p]
        if let s = hosts.settings.last(where: { $0.host.value.lowercased() == host }) {
            let src = hosts.source
            return (s.host.node, src?.resource, src.map { $0.fieldPath(s.path) }, true)
        }
        if let src = hosts.source ?? config.sources.first {
            return (src.locate(src.root), src.resource, src.fieldPath, false)
        }
        if let i = graph.facts[p].installs.first(where: { !$0.isGatewayOnly }) {
            if let spec = i.spec { return (spec, i.resource, "spec", false) }
            if let v = i.values, let first = v.pairs.first { return (first.key, nil, nil, false) }
        }
        return nil
    }
}
