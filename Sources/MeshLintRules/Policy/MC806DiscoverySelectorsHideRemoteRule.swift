import MeshLintCore

/// MC806: a primary's `meshConfig.discoverySelectors` are evaluated in every cluster it watches
/// against that cluster's own Namespace labels. When a Service's namespace matches in one
/// cluster and not in another, istiod ignores the Service and its endpoints in the second: its
/// pods there get no traffic from the mesh.
struct DiscoverySelectorsHideRemoteRule: Rule {
    let code = "MC806"
    let reads: Set<String> = ["Namespace"]

    /// One distinct set of selectors and the primaries using it.
    struct SelectorGroup {
        var primaries: [Int]
        var watched: Set<Int>
        let selectors: DiscoverySelectors
    }

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var groups: [String: SelectorGroup] = [:]
        var order: [String] = []
        for p in context.set.clusters.indices where graph.discovery.role(p) == .primary {
            guard let sel = graph.policy.meshConfigs[p].discoverySelectors else { continue }
            let watched = Set([p] + graph.identity.edges(from: p).map(\.target))
            guard watched.count > 1 else { continue }
            if groups[sel.canonical] == nil { order.append(sel.canonical); groups[sel.canonical] = SelectorGroup(primaries: [], watched: [], selectors: sel) }
            groups[sel.canonical]!.primaries.append(p)
            groups[sel.canonical]!.watched.formUnion(watched)
        }
        var out: [Finding] = []
        for key in order { out += findings(groups[key]!, context) }
        return out
    }

    func findings(_ g: SelectorGroup, _ context: RuleContext) -> [Finding] {
        let graph = context.graph
        // Services by namespace/name over the watched clusters, in cluster order.
        var byKey: [String: [Resource]] = [:]
        var keys: [String] = []
        for c in g.watched.sorted() {
            for s in graph.resources("Service", in: c) {
                let k = "\(s.namespace)/\(s.name)"
                if byKey[k] == nil { keys.append(k) }
                if byKey[k]?.last?.clusterIndex != c { byKey[k, default: []].append(s) }
            }
        }
        // Per (cluster, namespace) left out: the Services affected and a cluster where it matches.
        var hidden: [String: (cluster: Int, namespace: String, services: [String], selectedIn: [Int])] = [:]
        var hiddenOrder: [String] = []
        for k in keys {
            let copies = byKey[k]!
            guard copies.count > 1 else { continue }
            var selected: [Int] = [], unselected: [Int] = []
            for s in copies {
                guard let ns = graph.policy.namespaces[s.clusterIndex][s.namespace] else { continue }
                if g.selectors.selects(ns.labels) { selected.append(s.clusterIndex) } else { unselected.append(s.clusterIndex) }
            }
            guard !selected.isEmpty else { continue }
            for c in unselected {
                let hk = "\(c)|\(copies[0].namespace)"
                if hidden[hk] == nil { hiddenOrder.append(hk); hidden[hk] = (c, copies[0].namespace, [], selected) }
                hidden[hk]!.services.append(copies[0].name)
            }
        }
        let istiods = g.primaries.map(context.clusterName)
        let istiodText = istiods.count == 1 ? "\(istiods[0])'s istiod" : "the istiods of \(istiods.prefix(5).joined(separator: ", "))\(istiods.count > 5 ? " and \(istiods.count - 5) more" : "")"
        let src = g.selectors.source
        return hiddenOrder.map { hk in
            let h = hidden[hk]!
            let ns = graph.policy.namespaces[h.cluster][h.namespace]!
            let here = context.clusterName(h.cluster)
            let there = h.selectedIn.map(context.clusterName)
            let services = (h.services.count == 1 ? "Service " : "Services ") + h.services.prefix(5).joined(separator: ", ")
                + (h.services.count > 5 ? " and \(h.services.count - 5) more" : "")
            var related = [context.related("discoverySelectors of \(context.clusterName(g.primaries[0])) (\(src.label))", at: g.selectors.node, cluster: g.primaries[0])]
            for c in h.selectedIn.prefix(3) {
                if let other = graph.policy.namespaces[c][h.namespace] {
                    related.append(context.related("Namespace \(h.namespace) in \(context.clusterName(c)) matches the selectors", at: other.resource.labelsNode ?? other.resource.nameNode, cluster: c))
                }
            }
            let labels = ns.resource.labelsNode
            return context.finding(
                "Namespace \(h.namespace) in \(here) does not match `meshConfig.discoverySelectors` of \(istiodText) (\(g.selectors.display)), but it does in \(there.prefix(5).joined(separator: ", ")): istiod evaluates the selectors against each cluster's own Namespace labels, so it ignores \(services) and \(h.services.count == 1 ? "its endpoints" : "their endpoints") in \(here): calls never reach the pods there, and failover to them cannot happen. Label namespace \(h.namespace) in \(here) the same way as in \(there[0]) (or widen the selectors).",
                resource: ns.resource, at: labels ?? ns.resource.nameNode, related: related,
                fieldPath: labels == nil ? "metadata.name" : "metadata.labels")
        }
    }
}
