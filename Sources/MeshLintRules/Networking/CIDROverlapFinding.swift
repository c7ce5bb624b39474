import MeshLintCore

/// The kinds of objects that state pod or service CIDRs (see `CIDRSourceReader`).
let cidrSourceKinds: Set<String> = [
    "ServiceCIDR", "IPPool", "Installation", "CiliumPodIPPool", "ConfigMap", "Pod", "ClusterConfiguration",
    "Cluster", "KubeProxyConfiguration", "Node",
]

/// Builds the finding for a cluster's range that overlaps earlier clusters' ranges (shared by
/// MC101 and MC102): one finding per cluster, the other clusters as related locations.
func cidrOverlapFinding(_ o: CIDROverlap, _ context: RuleContext) -> Finding {
    let l = o.later, e = o.earlier
    let net = o.network.map { "network \($0)" } ?? "the default network (no network name set)"
    let why = (l.role == .pod || e.role == .pod)
        ? "on a flat network pod IPs in that range route to the wrong cluster and Istio's endpoints from the two clusters collide"
        : "a ClusterIP in that range names different Services in each cluster, so traffic (and Istio's DNS proxy) can reach the wrong cluster's Service"
    let fix = "re-IP one cluster, or if the clusters are not routable to each other give them different network names (traffic then crosses east-west gateways)."
    if !o.sharedBy.isEmpty {
        let names = o.sharedBy.map(context.clusterName).joined(separator: ", ")
        let message = "\(l.source) = \(l.value) comes from a file shared by clusters \(names), so all of them use the same \(l.role) CIDR on \(net); \(why). Give each cluster its own range: \(fix)"
        return context.finding(message, at: l.node, cluster: nil, resource: l.resource, fieldPath: l.fieldPath)
    }
    let laterName = context.clusterName(l.cluster), earlierName = context.clusterName(e.cluster)
    let more = o.others.count + o.othersNotListed
    let alsoOthers = more == 0 ? "" : " (and \(e.role) CIDRs of \(more) more cluster\(more == 1 ? "" : "s") on the same network\(o.othersNotListed > 0 ? ", \(o.othersNotListed) of them not listed" : ""))"
    let message = "The \(l.role) CIDR \(l.value) of \(laterName) (\(l.source)) overlaps the \(e.role) CIDR \(e.value) of \(earlierName) (\(e.source))\(alsoOthers) on \(net): \(o.intersection) is in both. \(why.prefix(1).uppercased() + why.dropFirst()); \(fix)"
    var related = [context.related("\(earlierName)'s \(e.role) CIDR \(e.value) (\(e.source))", at: e.node, cluster: e.cluster)]
    for x in o.others {
        related.append(context.related("\(context.clusterName(x.cluster))'s \(x.role) CIDR \(x.value) (\(x.source)) overlaps it too", at: x.node, cluster: x.cluster))
    }
    for s in o.laterAlso {
        related.append(context.related("\(laterName) also states \(s.value) here (\(s.source))", at: s.node, cluster: s.cluster))
    }
    return context.finding(message, at: l.node, cluster: l.cluster, resource: l.resource, related: related, fieldPath: l.fieldPath)
}
