import MeshLintCore

/// MC302: one cluster names different networks in different places, or meshNetworks names a
/// network no cluster declares / puts a cluster on a network it does not say it is on.
struct NetworkMismatchRule: Rule {
    let code = "MC302"
    let reads: Set<String> = ["IstioOperator", "Istio", "Namespace", "Service", "Deployment", "ConfigMap"]
    let requiresReads = false

    func check(_ context: RuleContext) -> [Finding] {
        let id = context.graph.identity
        var out: [Finding] = []
        var seen = Set<YAMLNode>()

        // 1. One cluster, several network names.
        for c in context.set.clusters.indices {
            let cons = id.networks[c]
            guard let net = cons.network else { continue }
            let supporters = Self.uniqueByNode(cons.supporters)
            // One finding per disagreeing document (an east-west gateway generated for the wrong
            // network states it three times), at its first disagreeing node.
            var byDocument: [YAMLNode: [NetworkClaim]] = [:]
            var order: [YAMLNode] = []
            for d in cons.dissenters where !seen.contains(d.node) {
                if byDocument[d.document] == nil { order.append(d.document) }
                byDocument[d.document, default: []].append(d)
            }
            for doc in order {
                let group = byDocument[doc]!.sorted { $0.node.position < $1.node.position }
                let d = group[0]
                for g in group { seen.insert(g.node) }
                var related = supporters.map { context.related("\($0.source): \(net)", at: $0.node, cluster: c) }
                related += group.dropFirst().map { context.related("\($0.source): \($0.value) (same document)", at: $0.node, cluster: c) }
                let places = supporters.count == 1 ? supporters[0].source : "\(supporters.count) places (\(supporters.map(\.source).joined(separator: "; ")))"
                let also = group.count > 1 ? " (and \(group.count - 1) more place\(group.count > 2 ? "s" : "") in the same document)" : ""
                let subject = d.kind == .manifest
                    ? "The manifest asserts network \(d.value) for cluster \(context.clusterName(c)), but the cluster's configuration says \(net) in \(places)"
                    : "\(d.source) says network \(d.value)\(also), but cluster \(context.clusterName(c)) says \(net) in \(places)"
                let why = "istiod, the injected proxies and the gateways then disagree on which network the cluster's endpoints are on, so cross-network traffic goes to pod IPs that cannot be reached or misses the east-west gateway"
                out.append(context.finding("\(subject); \(why). Use \(net) everywhere.",
                                           at: d.node, cluster: d.resource?.isShared == true ? nil : c,
                                           resource: d.resource, related: related, fieldPath: d.fieldPath))
            }
        }

        // 2. meshNetworks: networks nobody declares, registries put on another network.
        guard context.set.clusters.count > 1 else { return out }
        let declared = id.declaredNetworks
        let declaredNames = declared.keys.sorted()
        var registryRefs: [YAMLNode: ClusterReference] = [:]
        for r in id.references where r.kind == .fromRegistry { registryRefs[r.name.node] = r }
        for m in id.meshNetworks {
            let cluster: Int? = m.resource?.isShared == true ? nil : m.holder
            for net in m.networks where net.name.value != "external" && !Placeholder.isTemplate(net.name.value)
                && seen.insert(net.name.node).inserted {
                let name = net.name.value
                var placed: [(ref: ClusterReference, target: Int, network: String)] = []
                var unresolved = false
                for e in net.endpoints {
                    guard let reg = e.fromRegistry, let ref = registryRefs[reg.node] else { continue }
                    if let t = ref.target {
                        if let n = id.network(t) { placed.append((ref, t, n)) }
                    } else if ref.resolution == nil {
                        unresolved = true
                    }
                }
                if declared[name] == nil {
                    if let p = placed.first {
                        let support = Self.uniqueByNode(id.networks[p.target].supporters)
                        out.append(context.finding(
                            "\(m.source) defines network \(name) for cluster \(context.clusterName(p.target)) (fromRegistry \(p.ref.name.value)), but no cluster declares a network \(name); \(context.clusterName(p.target)) says it is on \(p.network). Its endpoints end up on a network no gateway serves, so cross-network calls to them fail. Did you mean \(p.network)?",
                            at: net.name.node, cluster: cluster, resource: m.resource,
                            related: support.prefix(4).map { context.related("\($0.source): \(p.network)", at: $0.node, cluster: p.target) },
                            fieldPath: net.fieldPath))
                    } else if unresolved, let suggestion = Suggest.nearest(name, in: declaredNames) {
                        let support = Self.uniqueByNode(declared[suggestion] ?? [])
                        out.append(context.finding(
                            "\(m.source) defines network \(name), but no cluster declares a network of that name, so the endpoints listed under it are on a network no gateway serves. Did you mean \(suggestion)?",
                            at: net.name.node, cluster: cluster, resource: m.resource,
                            related: support.prefix(4).map { context.related("\($0.source): \(suggestion)", at: $0.node, cluster: nil) },
                            fieldPath: net.fieldPath))
                    }
                    continue
                }
                for p in placed where p.network != name && seen.insert(p.ref.name.node).inserted {
                    let support = Self.uniqueByNode(id.networks[p.target].supporters)
                    out.append(context.finding(
                        "\(m.source) puts the endpoints of \(context.clusterName(p.target)) (fromRegistry \(p.ref.name.value)) on network \(name), but \(context.clusterName(p.target)) says it is on \(p.network); traffic to them is routed as if they were on \(name). List the registry under network \(p.network).",
                        at: p.ref.name.node, cluster: cluster, resource: m.resource,
                        related: support.prefix(4).map { context.related("\($0.source): \(p.network)", at: $0.node, cluster: p.target) },
                        fieldPath: p.ref.fieldPath))
                }
            }
        }
        return out
    }

    static func uniqueByNode(_ claims: [NetworkClaim]) -> [NetworkClaim] {
        var seen = Set<YAMLNode>()
        return claims.filter { seen.insert($0.node).inserted }
    }
}
