import MeshLintCore

/// MC602: a `.global` host `<name>.<ns>.global` names a Service that no other cluster defines
/// (or does not have that shape at all), so the remote gateway has nothing to route it to.
struct CrossClusterHostUnresolvedRule: Rule {
    let code = "MC602"
    let reads: Set<String> = ["ServiceEntry", "Service"]

    func check(_ context: RuleContext) -> [Finding] {
        // With a single cluster the other end of every `.global` host is outside the set.
        guard context.set.clusters.count > 1 else { return [] }
        var out: [Finding] = []
        var seen = Set<String>()
        let graph = context.graph
        let allServices = graph.resources("Service")
        for c in context.set.clusters.indices {
            let domain = graph.facts[c].domain
            var othersCache: [Resource]?
            func others() -> [Resource] {
                if othersCache == nil { othersCache = allServices.filter { $0.clusterIndex != c } }
                return othersCache!
            }
            for entry in graph.traffic.crossClusterEntries[c] {
                let r = entry.resource
                for h in entry.hosts where !h.isWildcard {
                    guard seen.insert("\(c)|\(h.host.node.file.path)|\(h.host.node.line)|\(h.host.node.column)").inserted else { continue }
                    guard let svc = h.service else {
                        out.append(shapeFinding(h, entry, c, others(), domain, context))
                        continue
                    }
                    if !graph.clusters(definingService: svc.name, namespace: svc.namespace, except: c).isEmpty { continue }
                    let local = graph.services(namespace: svc.namespace, name: svc.name).contains { $0.clusterIndex == c }
                    if local && r.isShared { continue }
                    var related: [RelatedLocation] = []
                    var hint = ""
                    if let near = nearest(svc.name, svc.namespace, others()) {
                        hint = " Did you mean \(near.name).\(near.namespace).\(entry.suffix) (Service \(near.namespace)/\(near.name) in \(context.clusterName(near.clusterIndex)))?"
                        related.append(context.related("Service \(near.namespace)/\(near.name) in \(context.clusterName(near.clusterIndex))", at: near.nameNode, cluster: near.clusterIndex))
                    }
                    if local {
                        hint += " The Service exists only in \(context.clusterName(c)) itself; call it as \(svc.name).\(svc.namespace).svc.\(domain)."
                    }
                    for e in entry.endpoints {
                        for m in e.gatewayMatches {
                            related.append(context.related("the endpoint \(m.value.value) is \(context.clusterName(m.cluster))'s gateway (\(m.source)), which has no Service \(svc.namespace)/\(svc.name)",
                                                           at: m.value.node, cluster: m.cluster))
                        }
                    }
                    out.append(context.finding(
                        "\(h.host.value) names Service \(svc.namespace)/\(svc.name), which no other cluster in the set defines; the remote gateway rewrites the SNI to \(svc.name).\(svc.namespace).svc.\(domain) and has nothing to route it to, so calls fail.\(hint)",
                        at: h.host.node, cluster: c, resource: r, related: related, fieldPath: h.fieldPath))
                }
            }
        }
        return out
    }

    /// A host under the suffix that is not `<name>.<namespace>.<suffix>`.
    func shapeFinding(_ h: CrossClusterHost, _ entry: CrossClusterServiceEntry, _ c: Int, _ others: [Resource],
                      _ domain: String, _ context: RuleContext) -> Finding {
        let labels = h.host.value.lowercased().dropLast(entry.suffix.count + 1).split(separator: ".").map(String.init)
        var hint = ""
        var related: [RelatedLocation] = []
        var match: Resource?
        if labels.count == 1 {
            let named = others.filter { $0.name == labels[0] }
            if named.count >= 1 { match = named[0] }
        } else if labels.count >= 2 {
            match = others.first { $0.name == labels[0] && $0.namespace == labels[1] }
        }
        if let m = match {
            hint = " Did you mean \(m.name).\(m.namespace).\(entry.suffix) (Service \(m.namespace)/\(m.name) in \(context.clusterName(m.clusterIndex)))?"
            related.append(context.related("Service \(m.namespace)/\(m.name) in \(context.clusterName(m.clusterIndex))", at: m.nameNode, cluster: m.clusterIndex))
        }
        let rewritten = labels.joined(separator: ".") + ".svc.\(domain)"
        return context.finding(
            "\(h.host.value) is not of the form <name>.<namespace>.\(entry.suffix): the remote gateway rewrites `.\(entry.suffix)` to `.svc.\(domain)`, giving \(rewritten), which names no Service, so calls fail.\(hint)",
            at: h.host.node, cluster: c, resource: entry.resource, related: related, fieldPath: h.fieldPath)
    }

    /// The Service of another cluster whose `name.namespace` is closest to the one asked for:
    /// the same name in another namespace first, then a near spelling.
    func nearest(_ name: String, _ namespace: String, _ services: [Resource]) -> Resource? {
        if let sameName = services.first(where: { $0.name == name }) { return sameName }
        let keys = services.map { "\($0.name).\($0.namespace)" }
        guard let hit = Suggest.nearest("\(name).\(namespace)", in: keys) else { return nil }
        return services[keys.firstIndex(of: hit)!]
    }
}
