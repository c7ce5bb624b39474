import MeshLintCore

/// MC904: clusters that share services name them under different DNS domains (Istio's
/// `proxy.clusterDomain`), or a cluster's Istio domain is not the one its platform (kubelet,
/// kubeadm, CoreDNS) serves.
struct ClusterDomainMismatchRule: Rule {
    let code = "MC904"
    let reads: Set<String> = ["Service"]

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let shared = graph.servicesSharedAcrossClusters()
        guard !shared.isEmpty else { return [] }
        var sharing: [Int: String] = [:]
        for s in shared { for c in s.clusters where sharing[c] == nil { sharing[c] = s.key } }
        let domains = Dictionary(uniqueKeysWithValues: sharing.keys.map { ($0, graph.clusterDomains($0)) })
        var out: [Finding] = []
        var seen = Set<SourceLocation>()

        // Across clusters: the mesh's domain is the one most sharing clusters use (ties: the first primary's).
        var count: [String: Int] = [:]
        for c in sharing.keys.sorted() { if let d = domains[c]?.istioDomain { count[d, default: 0] += 1 } }
        // On a tie a primary's domain wins over a remote's (the remote's proxies follow the primary's istiod).
        let order = sharing.keys.sorted { (graph.facts[$0].role == .remote ? 1 : 0, $0) < (graph.facts[$1].role == .remote ? 1 : 0, $1) }
        let first = order.compactMap { domains[$0]?.istioDomain }.first
        if count.count >= 2, let mesh = count.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key != first) })?.key {
            let anchor = order.first { domains[$0]?.istioDomain == mesh }!
            for c in sharing.keys.sorted() {
                guard let d = domains[c], let mine = d.istioDomain, mine != mesh else { continue }
                // Only clusters that share a service with a cluster of the mesh's domain.
                guard let s = shared.first(where: { $0.clusters.contains(c) && $0.clusters.contains { domains[$0]?.istioDomain == mesh } }) else { continue }
                let other = s.clusters.first { domains[$0]?.istioDomain == mesh } ?? anchor
                var related: [RelatedLocation] = []
                if let o = domains[other]?.istio.first {
                    related.append(context.related("\(context.clusterName(other)) uses \(mesh) (\(o.source))", at: o.location, cluster: other))
                }
                related += serviceRelated(s.key, [c, other], context)
                let why = "istiod names every Service `<name>.<namespace>.svc.<domain>`, so `\(s.key)` is `…svc.\(mine)` in \(context.clusterName(c)) and `…svc.\(mesh)` in \(context.clusterName(other)): the two are not merged into one service (no load balancing or failover across the clusters), and the SNI names other networks' sidecars send (`outbound_.<port>_._.<name>.<namespace>.svc.<domain>`) match no cluster at the receiving gateway"
                if let src = d.istio.first {
                    guard seen.insert(src.location).inserted else { continue }
                    out.append(context.finding(
                        "\(context.clusterName(c)) uses the cluster domain \(mine) (\(src.source)) while the clusters it shares services with use \(mesh): \(why). Use one cluster domain in every cluster that shares services (`values.global.proxy.clusterDomain`, matching each cluster's kubelet `clusterDomain`).",
                        at: src.location, cluster: src.resource?.isShared == true ? nil : c, resource: src.resource, related: related, fieldPath: src.fieldPath))
                } else if let i = graph.facts[c].installs.first(where: { !$0.isGatewayOnly }) {
                    let node = i.values?.keyNode("global") ?? i.resource?.nameNode ?? i.root
                    guard seen.insert(SourceLocation(node)).inserted else { continue }
                    out.append(context.finding(
                        "\(context.clusterName(c))'s install (\(i.label)) sets no `global.proxy.clusterDomain`, so Istio uses the default cluster.local there, while the clusters it shares services with use \(mesh): \(why). Set `values.global.proxy.clusterDomain: \(mesh)` if that is the cluster's domain, or use one cluster domain everywhere.",
                        at: node, cluster: c, resource: i.resource, related: related,
                        fieldPath: i.resource == nil ? "global.proxy.clusterDomain" : "spec.values.global.proxy.clusterDomain"))
                }
            }
        }

        // Within a cluster that shares services: Istio's domain is not the platform's.
        for c in sharing.keys.sorted() {
            guard let d = domains[c], let mine = d.istioDomain,
                  let p = d.platform.first(where: { $0.value.lowercased() != mine.lowercased() }) else { continue }
            let at = d.istio.first
            let loc = at?.location ?? p.location
            guard seen.insert(loc).inserted else { continue }
            var related = [context.related("the platform serves \(p.value) (\(p.source))", at: p.location, cluster: c)]
            related += serviceRelated(sharing[c]!, [c], context)
            let what = at.map { "Istio in \(context.clusterName(c)) uses the cluster domain \(mine) (\($0.source))" }
                ?? "Istio in \(context.clusterName(c)) uses the default cluster domain cluster.local (no `global.proxy.clusterDomain`)"
            out.append(context.finding(
                "\(what), but the cluster's DNS serves \(p.value) (\(p.source)): names the pods resolve (`<name>.<namespace>.svc.\(p.value)`) are not the hosts istiod knows, so calls to services shared with other clusters leave the mesh's routing (no cross-cluster endpoints, no mTLS routing through the east-west gateway). Set `values.global.proxy.clusterDomain: \(p.value)`.",
                at: loc, cluster: (at?.resource ?? p.resource)?.isShared == true ? nil : c, resource: at?.resource ?? p.resource,
                related: at == nil ? Array(related.dropFirst()) : related, fieldPath: at?.fieldPath ?? p.fieldPath))
        }
        return out
    }

    func serviceRelated(_ key: String, _ clusters: [Int], _ context: RuleContext) -> [RelatedLocation] {
        let parts = key.split(separator: "/").map(String.init)
        guard parts.count == 2 else { return [] }
        return context.graph.services(namespace: parts[0], name: parts[1]).filter { clusters.contains($0.clusterIndex) }.prefix(2).map {
            context.related("Service \(key) is shared across clusters", at: $0.nameNode, cluster: $0.clusterIndex)
        }
    }
}
