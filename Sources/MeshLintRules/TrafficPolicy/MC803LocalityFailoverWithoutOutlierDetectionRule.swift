import MeshLintCore

/// MC803: a DestinationRule traffic policy turns on locality failover (`localityLbSetting`
/// `failover` or `failoverPriority`) while the effective policy has no `outlierDetection`.
/// Envoy moves traffic to another locality only when endpoints are ejected as unhealthy, and
/// only outlier detection ejects them, so failover never happens (Istio's validation webhook
/// only warns: "outlier detection policy must be provided for failover"). Subset and port-level
/// policies inherit the top-level `outlierDetection` when they set none, as Istio merges them.
struct LocalityFailoverWithoutOutlierDetectionRule: Rule {
    let code = "MC803"
    let reads: Set<String> = ["DestinationRule"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var reported = Set<YAMLNode>()
        for c in context.set.clusters.indices {
            for dr in context.graph.resources("DestinationRule", in: c) {
                guard let spec = dr.spec else { continue }
                let top = spec["trafficPolicy"]
                // (policy, the outlierDetection it inherits, path)
                var policies: [(YAMLNode, YAMLNode?, String)] = []
                if let top {
                    policies.append((top, nil, "spec.trafficPolicy"))
                    for (i, p) in (top["portLevelSettings"]?.items ?? []).enumerated() {
                        policies.append((p, top["outlierDetection"], "spec.trafficPolicy.portLevelSettings[\(i)]"))
                    }
                }
                for (i, s) in (spec["subsets"]?.items ?? []).enumerated() {
                    guard let p = s["trafficPolicy"] else { continue }
                    let inherited = p["outlierDetection"] ?? top?["outlierDetection"]
                    policies.append((p, top?["outlierDetection"], "spec.subsets[\(i)].trafficPolicy"))
                    for (j, pl) in (p["portLevelSettings"]?.items ?? []).enumerated() {
                        policies.append((pl, inherited, "spec.subsets[\(i)].trafficPolicy.portLevelSettings[\(j)]"))
                    }
                }
                for (policy, inherited, path) in policies {
                    guard let lb = policy.at("loadBalancer", "localityLbSetting"), lb.isMapping,
                          lb["enabled"]?.bool != false else { continue }
                    let failover = lb["failover"].flatMap { $0.items.isEmpty ? nil : $0 }
                    let priority = lb["failoverPriority"].flatMap { $0.items.isEmpty ? nil : $0 }
                    guard let setting = failover ?? priority, policy["outlierDetection"] == nil, inherited == nil,
                          reported.insert(setting).inserted else { continue }
                    let key = failover != nil ? "failover" : "failoverPriority"
                    let node = lb.keyNode(key) ?? setting
                    out.append(context.finding(
                        "DestinationRule \(dr.namespace)/\(dr.name) (host \(spec["host"]?.text ?? "?")) sets locality \(key) at \(path) without outlierDetection: Envoy moves traffic to another locality or cluster only when outlier detection ejects the local endpoints, so failover never happens and calls keep failing locally. Add `outlierDetection` (e.g. consecutive5xxErrors, interval, baseEjectionTime) to the same traffic policy.",
                        at: node, cluster: c, resource: dr, fieldPath: "\(path).loadBalancer.localityLbSetting.\(key)"))
                }
            }
        }
        return out
    }
}
