import MeshLintCore

/// MC704: a global Service uses a waypoint in some clusters and another (or none) in others, or
/// names a waypoint that exists in some clusters only.
///
/// Istio behaviour relied upon: the ambient multicluster docs require "identically named
/// waypoint deployments" in every cluster, synchronised by hand; ztunnel sends a global
/// Service's traffic to the waypoint its local istiod binds (`istio.io/use-waypoint` on the
/// Service, else its Namespace, `waypoints.go` fetchWaypointForTarget), and the destination
/// cluster expects its own binding: a maintainer calls a waypoint removed on one side "just
/// incorrect setup" that leads to TLS errors (istio/istio#60985).
struct WaypointInconsistentAcrossClustersRule: Rule {
    let code = "MC704"
    let reads: Set<String> = ["Service", "Namespace", "Gateway"]

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        guard graph.isAmbientMultiNetwork, let scope = graph.meshServiceScope() else { return [] }
        var out: [Finding] = []
        for (key, all) in graph.servicesByKey(in: graph.ambientPrimaries()) {
            let svcs = all.filter { graph.scopeIsKnown($0, by: scope) && graph.isGlobal($0, by: scope) }
            guard svcs.count >= 2 else { continue }
            let uses = svcs.map { graph.waypointUse(of: $0) }
            let keys = uses.map { $0?.key ?? "none" }
            var counts: [String: Int] = [:]
            for k in keys { counts[k, default: 0] += 1 }
            if counts.count > 1 {
                // The binding most clusters use (a named waypoint wins a tie against none).
                let majority = keys.max { a, b in counts[a]! != counts[b]! ? counts[a]! < counts[b]! : (a == "none" && b != "none") }!
                let agreeing = svcs.indices.filter { keys[$0] == majority }
                for i in svcs.indices where keys[i] != majority {
                    let s = svcs[i]
                    let mine = uses[i].map { "binds waypoint \($0.key ?? "none") (\($0.carrier.kind) label istio.io/use-waypoint)" } ?? "uses no waypoint"
                    out.append(context.finding(
                        "global Service \(key) \(mine) in \(context.clusterName(s.clusterIndex)), but \(majority == "none" ? "no waypoint" : "waypoint \(majority)") in \(agreeing.map { context.clusterName(svcs[$0].clusterIndex) }.joined(separator: ", ")): each cluster's ztunnels route the Service through their own istiod's binding, so cross-cluster calls skip or hit the wrong waypoint (TLS errors, policy not applied). Bind the same waypoint (same namespace and name) in every cluster.",
                        at: uses[i]?.label.node ?? s.metadata?.keyNode("labels") ?? s.nameNode, cluster: s.clusterIndex, resource: uses[i]?.carrier ?? s,
                        related: agreeing.prefix(3).map { j in context.related("\(context.clusterName(svcs[j].clusterIndex)) binds \(majority)", at: uses[j]?.label.node ?? svcs[j].nameNode, cluster: svcs[j].clusterIndex) },
                        fieldPath: "metadata.labels.istio.io/use-waypoint"))
                }
                continue
            }
            guard let w = uses[0]?.key else { continue }
            let parts = w.split(separator: "/", maxSplits: 1).map(String.init)
            let having = svcs.indices.filter { graph.ambient.waypoints[svcs[$0].clusterIndex][w] != nil }
            guard let first = having.first else { continue }
            let gateway = graph.ambient.waypoints[svcs[first].clusterIndex][w]!
            for i in svcs.indices where !having.contains(i) {
                let c = svcs[i].clusterIndex
                // A Service of the waypoint's name means it is deployed by other means.
                guard !graph.services(namespace: parts[0], name: parts[1]).contains(where: { $0.clusterIndex == c }), let use = uses[i] else { continue }
                out.append(context.finding(
                    "global Service \(key) binds waypoint \(w) in \(context.clusterName(c)), but \(context.clusterName(c)) has no waypoint Gateway \(w) while \(having.map { context.clusterName(svcs[$0].clusterIndex) }.joined(separator: ", ")) \(having.count == 1 ? "has" : "have") one: the binding is not ready there, so the Service's traffic in \(context.clusterName(c)) skips the waypoint and calls from other clusters fail the waypoint identity check. Deploy the same waypoint (`istioctl waypoint apply --name \(parts[1]) -n \(parts[0])`) in every cluster.",
                    at: use.label.node, cluster: c, resource: use.carrier,
                    related: [context.related("waypoint Gateway \(w) in \(context.clusterName(svcs[first].clusterIndex))", at: gateway.resource.nameNode, cluster: svcs[first].clusterIndex)],
                    fieldPath: "metadata.labels.istio.io/use-waypoint"))
            }
        }
        return out
    }
}
