import MeshLintCore

/// MC501: a cluster calls cross-cluster (`.global`) hosts but no DestinationRule applies
/// `tls.mode: ISTIO_MUTUAL` to them, so sidecars speak plain text to the remote gateway's
/// AUTO_PASSTHROUGH listener.
struct IstioMutualMissingRule: Rule {
    let code = "MC501"
    let reads: Set<String> = ["ServiceEntry", "DestinationRule", "IstioOperator", "Istio"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<String>()
        let graph = context.graph
        for c in context.set.clusters.indices {
            let gaps = graph.crossClusterTLSGaps(in: c).filter { $0.applied == nil || $0.shadowed == nil }
            // One finding per host: the namespaces whose clients lack mTLS are named in the message.
            var order: [YAMLNode] = []
            var byHost: [YAMLNode: [CrossClusterTLSGap]] = [:]
            for g in gaps {
                if byHost[g.host.host.node] == nil { order.append(g.host.host.node) }
                byHost[g.host.host.node, default: []].append(g)
            }
            for node in order {
                let group = byHost[node]!
                let first = group[0]
                let r = first.entry.resource
                guard seen.insert("\(c)|\(node.file.path)|\(node.line)|\(node.column)").inserted else { continue }
                var related: [RelatedLocation] = []
                var why: String
                if let applied = first.applied {
                    let mode = applied.tlsMode.map { "sets `tls.mode: \($0.value)`" } ?? "sets no `tls` at all"
                    why = "the rule that applies, \(applied.display), \(mode)"
                    related.append(context.related("\(applied.display) applies to \(first.host.host.value) here and \(mode)", at: applied.tlsNode, cluster: c))
                } else {
                    let from = [first.entry.resource.namespace, graph.traffic.destinationRules[c].rootNamespace].filter { $0 != first.client }
                    why = "no DestinationRule matches it (none in \(first.client)\(from.isEmpty ? "" : ", none exported to it from \(Array(Set(from)).sorted().joined(separator: " or "))"))"
                }
                let (source, sourceRelated) = expectedSource(c, graph, context, suffix: first.entry.suffix)
                related += sourceRelated
                for t in graph.targetClusters(of: first.entry) {
                    if let server = graph.globalPassthroughServer(in: t, suffix: first.entry.suffix) {
                        related.append(context.related("\(context.clusterName(t)) receives it on this AUTO_PASSTHROUGH listener, which only accepts Istio mTLS",
                                                       at: server.port?.node ?? server.node, cluster: t))
                    }
                }
                let namespaces = group.map(\.client)
                let clients = namespaces.count == 1 ? "clients in namespace \(namespaces[0])" : "clients in namespaces \(namespaces.joined(separator: ", "))"
                out.append(context.finding(
                    "\(context.clusterName(c)) calls \(first.host.host.value) (ServiceEntry \(r.namespace)/\(r.name)) through a remote gateway, but for \(clients) \(why); without `ISTIO_MUTUAL` the sidecar sends plain text to the gateway's AUTO_PASSTHROUGH port 15443, which needs Istio mTLS and an SNI, so calls fail. \(source)",
                    at: node, cluster: c, resource: r, related: related, fieldPath: first.host.fieldPath))
            }
        }
        return out
    }

    /// Where the `*.<suffix>` ISTIO_MUTUAL rule normally comes from, and why it is not there.
    func expectedSource(_ c: Int, _ graph: MeshGraph, _ context: RuleContext, suffix: String) -> (String, [RelatedLocation]) {
        let facts = graph.facts[c]
        let write = "Write a DestinationRule for host `*.\(suffix)` with `trafficPolicy.tls.mode: ISTIO_MUTUAL` in \(graph.traffic.destinationRules[c].rootNamespace)"
        if let enabled = facts.multiClusterEnabled.primary {
            if !enabled.value {
                return ("Set `multiCluster.enabled: true` (the 1.1–1.9 gateway chart then renders that rule), or \(write.prefix(1).lowercased() + write.dropFirst()).",
                        [context.related("multiCluster.enabled is false here, so the chart renders no `*.\(suffix)` ISTIO_MUTUAL DestinationRule", at: enabled.node, cluster: c)])
            }
            if let v = facts.istioRelease, v > .v1_9, let tag = facts.istioVersion.primary {
                return ("Istio \(v) no longer renders the `.\(suffix)` resources; \(write.prefix(1).lowercased() + write.dropFirst()), or move to the 1.8+ multi-network model.",
                        [context.related("Istio \(v): the gateway chart no longer renders the `*.\(suffix)` DestinationRule", at: tag.node, cluster: c)])
            }
            if graph.traffic.implied[c].contains(where: { $0.resource.kind == "DestinationRule" }) {
                return ("\(write), or remove what hides the implied one.", [])
            }
            return ("\(write) (the install does not render one: its ingress gateway is disabled).",
                    [context.related("multiCluster.enabled is set here, but the ingress gateway chart that renders the rule is off", at: enabled.node, cluster: c)])
        }
        if let install = facts.installs.first {
            let anchor = install.global() ?? install.values ?? install.root
            return ("Set `values.global.multiCluster.enabled: true` in the install (1.1–1.9), or \(write.prefix(1).lowercased() + write.dropFirst()).",
                    [context.related("\(install.label) does not set multiCluster.enabled, so no `*.\(suffix)` ISTIO_MUTUAL DestinationRule is rendered", at: anchor, cluster: c)])
        }
        return ("\(write), or install with `values.global.multiCluster.enabled: true`.", [])
    }
}
