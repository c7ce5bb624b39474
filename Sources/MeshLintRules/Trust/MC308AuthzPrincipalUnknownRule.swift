import MeshLintCore

/// MC308: an AuthorizationPolicy principal that can never match a workload of the mesh: a
/// `spiffe://` scheme, a trust domain no cluster uses or aliases, or a namespace or service
/// account that no cluster has (only judged where the set shows them).
struct AuthzPrincipalUnknownRule: Rule {
    let code = "MC308"
    /// Policies are what it judges; the rest says which trust domains, namespaces and service
    /// accounts exist (it returns at once when the set holds no principal).
    let reads: Set<String> = ["AuthorizationPolicy", "IstioOperator", "Istio", "Namespace", "ServiceAccount", "Deployment",
                              "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "Gateway"]

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let principals = graph.authorizationPrincipals()
        guard !principals.isEmpty else { return [] }
        let inv = graph.identityInventory()
        var out: [Finding] = []
        for p in principals {
            let r = p.policy
            let what = "AuthorizationPolicy \(r.namespace)/\(r.name) names principal \"\(p.value.value)\""
            let effect = p.fieldPath.contains("notPrincipals") || p.fieldPath.contains("notValues")
                ? "so the exclusion never applies and the rule covers those callers too"
                : "so no caller ever matches it (\(r.spec?["action"]?.text == "DENY" ? "the rule denies nobody through it" : "the rule lets nobody in through it"))"
            func report(_ message: String, related: [RelatedLocation] = []) {
                out.append(context.finding(message, at: p.value.node, cluster: r.isShared ? nil : r.clusterIndex,
                                           resource: r, related: related, fieldPath: p.fieldPath))
            }
            if p.hasSPIFFEScheme {
                report("\(what) with a spiffe:// scheme; Istio adds the scheme itself when it matches peer identities, \(effect). Write it without the scheme: \(p.value.value.dropFirst("spiffe://".count)).")
                continue
            }
            if let td = p.trustDomain, inv.trustDomainsComplete, !inv.trustDomains.contains(td) {
                let known = inv.trustDomains.sorted()
                let near = Suggest.nearest(td, in: known).map { " (did you mean \($0)?)" } ?? ""
                // Where the clusters state their trust domains (at most one place per cluster).
                let related = graph.facts.compactMap { f in
                    f.trustDomain.primary.map { context.related("\($0.source): \($0.value)", at: $0.node, cluster: f.index) }
                }
                report("\(what), whose trust domain \(td) is used or aliased by no cluster of the set (they use \(Self.list(known)))\(near); workload identities carry their cluster's trust domain, \(effect). Use the trust domain of the calling cluster, cluster.local (which stands for the local trust domain and its aliases), or add \(td) to meshConfig.trustDomainAliases.",
                       related: related)
                continue
            }
            guard let ns = p.namespace else { continue }
            if inv.namespacesComplete, !inv.namespaces.contains(ns) {
                let near = Suggest.nearest(ns, in: inv.namespaces.sorted()).map { " (did you mean \($0)?)" } ?? ""
                report("\(what), but namespace \(ns) exists in no cluster of the set\(near), while the set declares the namespace of every workload it holds, \(effect). Fix the namespace, or add the Namespace and its workloads to the set.")
                continue
            }
            if let sa = p.serviceAccount, sa != "default", !inv.istioNamespaces.contains(ns),
               inv.namespacesWithServiceAccounts.contains(ns), !(inv.serviceAccounts[ns]?.contains(sa) ?? false) {
                let known = (inv.serviceAccounts[ns] ?? []).sorted()
                let near = Suggest.nearest(sa, in: known).map { " (did you mean \($0)?)" } ?? ""
                report("\(what), but no cluster has service account \(sa) in namespace \(ns)\(near): the set holds that namespace's ServiceAccounts (\(Self.list(known))) and no workload runs as \(sa), \(effect). Name the service account the calling workload runs as (spec.serviceAccountName).")
            }
        }
        return out
    }

    /// At most eight names, then a count.
    static func list(_ names: [String]) -> String {
        names.count <= 8 ? names.joined(separator: ", ") : names.prefix(8).joined(separator: ", ") + " and \(names.count - 8) more"
    }
}
