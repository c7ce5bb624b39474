import MeshLintCore

/// MC802: a DestinationRule subset whose labels match no pod of the host's Service in any
/// cluster of the set, or whose `topology.istio.io/cluster` / `topology.istio.io/network` value
/// names no cluster or network of the set. Istio adds those two labels to every endpoint (its
/// cluster ID and network), so a subset may legitimately select only pods of another cluster;
/// the check therefore looks at every cluster's pods at once, unlike istioctl's per-cluster
/// IST0173.
struct SubsetSelectsNothingInMeshRule: Rule {
    let code = "MC802"
    let reads: Set<String> = ["DestinationRule"]

    static let clusterLabel = "topology.istio.io/cluster"
    static let networkLabel = "topology.istio.io/network"

    /// Labels Istio adds from the node or the proxy that the set cannot evaluate (locality).
    static func isUnknowable(_ key: String) -> Bool {
        key.hasPrefix("topology.kubernetes.io/") || key.hasPrefix("failure-domain.beta.kubernetes.io/")
            || key == "topology.istio.io/subzone" || key == "kubernetes.io/hostname"
    }

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let index = graph.serviceInstances
        let n = context.set.clusters.count
        var networks: [String: Int] = [:]
        for c in 0..<n { if let net = graph.networkName(c), networks[net] == nil { networks[net] = c } }
        var selectedCache: [String: [(cluster: Int, workload: WorkloadLabels)]] = [:]
        func selected(_ key: String) -> [(cluster: Int, workload: WorkloadLabels)] {
            if let hit = selectedCache[key] { return hit }
            var out: [(Int, WorkloadLabels)] = []
            var seen = Set<Int>()
            for d in index.byKey[key] ?? [] where seen.insert(d.cluster).inserted {
                for w in index.selected(by: d) { out.append((d.cluster, w)) }
            }
            selectedCache[key] = out
            return out
        }
        var out: [Finding] = []
        var reported = Set<YAMLNode>()
        for c in 0..<n {
            for dr in graph.resources("DestinationRule", in: c) {
                // Only for a host that is a Service of the set: a rule for a Service the set does
                // not hold (a snippet, another mesh) says nothing checkable about its endpoints.
                // Subsets first (most rules have none: no Service key to work out for them).
                guard let spec = dr.spec, let subsets = spec["subsets"], subsets.isSequence, subsets.count > 0 else { continue }
                guard let host = spec["host"]?.text, let key = graph.serviceKey(host: host, namespace: dr.namespace, cluster: c),
                      index.byKey[key] != nil else { continue }
                for (i, subset) in subsets.items.enumerated() {
                    guard let labelsNode = subset["labels"], labelsNode.isMapping, !reported.contains(labelsNode) else { continue }
                    var labels: [(key: String, value: Located<String>)] = []
                    for (k, v) in labelsNode.mergedPairs { if let key = k.scalar, let value = v.text { labels.append((key, Located(value, v))) } }
                    guard !labels.isEmpty else { continue }
                    let subsetName = subset["name"]?.text ?? "#\(i)"
                    let path = "spec.subsets[\(i)].labels"
                    // Topology labels that name nothing in the set.
                    var named = false
                    for l in labels where l.key == Self.clusterLabel && graph.cluster(referencedAs: l.value.value) == nil {
                        named = true
                        let hint = Suggest.nearest(l.value.value, in: graph.referenceNames).map { " (did you mean \($0)?)" } ?? ""
                        out.append(context.finding(
                            "Subset \(subsetName) of DestinationRule \(dr.namespace)/\(dr.name) selects \(Self.clusterLabel)=\(l.value.value), but no cluster of the set has that cluster ID\(hint): Istio labels each endpoint with its cluster's clusterName, so the subset has no endpoints and calls routed to it fail with \"no healthy upstream\". Use the clusterName of the cluster whose pods it should select.",
                            at: l.value.node, cluster: c, resource: dr, fieldPath: "\(path).\(l.key)"))
                    }
                    if !networks.isEmpty {
                        for l in labels where l.key == Self.networkLabel && networks[l.value.value] == nil {
                            named = true
                            let hint = Suggest.nearest(l.value.value, in: networks.keys.sorted()).map { " (did you mean \($0)?)" } ?? ""
                            out.append(context.finding(
                                "Subset \(subsetName) of DestinationRule \(dr.namespace)/\(dr.name) selects \(Self.networkLabel)=\(l.value.value), but no cluster of the set is on that network\(hint): Istio labels each endpoint with its cluster's network, so the subset has no endpoints and calls routed to it fail with \"no healthy upstream\". Use one of the set's networks (\(networks.keys.sorted().joined(separator: ", "))).",
                                at: l.value.node, cluster: c, resource: dr, fieldPath: "\(path).\(l.key)"))
                        }
                    }
                    if named { reported.insert(labelsNode); continue }
                    // Pod labels: only when the host is a Service of the set that selects pods here.
                    let pods = selected(key)
                    guard !pods.isEmpty else { continue }
                    func holds(_ l: (key: String, value: Located<String>), _ p: (cluster: Int, workload: WorkloadLabels)) -> Bool {
                        if Self.isUnknowable(l.key) { return true }
                        if l.key == Self.clusterLabel { return graph.cluster(referencedAs: l.value.value) == p.cluster }
                        if l.key == Self.networkLabel { return graph.networkName(p.cluster) == l.value.value }
                        return p.workload.labels[l.key] == l.value.value
                    }
                    guard !pods.contains(where: { p in labels.allSatisfy { holds($0, p) } }) else { continue }
                    reported.insert(labelsNode)
                    let wanted = labels.map { "\($0.key)=\($0.value.value)" }.joined(separator: ",")
                    let keys = Set(labels.map(\.key))
                    var found: [String] = []
                    for p in pods {
                        let shown = p.workload.labels.filter { keys.contains($0.key) }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
                        let item = "\(shown.isEmpty ? "none of those labels" : shown) in \(context.clusterName(p.cluster))"
                        if !found.contains(item) { found.append(item) }
                    }
                    // The nearest misses first: pods that carry most of the subset's labels.
                    var scored: [(order: Int, score: Int)] = []
                    for (i, p) in pods.enumerated() {
                        var score = 0
                        // A pod label in common counts more than a topology label (the pods are
                        // there, in another cluster, is the likelier story).
                        for l in labels where holds(l, p) { score += l.key.hasPrefix("topology.") ? 1 : 2 }
                        scored.append((i, score))
                    }
                    scored.sort { a, b in a.score != b.score ? a.score > b.score : a.order < b.order }
                    let nearest = scored.map { pods[$0.order] }
                    let related = nearest.prefix(3).map { p in
                        context.related("\(p.workload.resource.kind) \(p.workload.resource.namespace)/\(p.workload.resource.name), selected by Service \(key), has these pod labels in \(context.clusterName(p.cluster))",
                                        at: p.workload.labelsNode, cluster: p.cluster)
                    }
                    out.append(context.finding(
                        "Subset \(subsetName) of DestinationRule \(dr.namespace)/\(dr.name) selects \(wanted), but no pod of Service \(key) carries those labels in any cluster of the set (they carry \(found.prefix(4).joined(separator: "; "))\(found.count > 4 ? "; …" : "")): the subset has no endpoints, so traffic routed to it fails with \"no healthy upstream\". Fix the subset's labels or label the workloads.",
                        at: labelsNode, cluster: c, resource: dr, related: Array(related), fieldPath: path))
                }
            }
        }
        return out
    }
}
