import MeshLintCore

/// MC303: `meshID` differs across the clusters of one mesh (or within one cluster).
struct MeshIDMismatchRule: Rule {
    let code = "MC303"
    let reads: Set<String> = ["IstioOperator", "Istio"]
    let requiresReads = false

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var out: [Finding] = []
        // The mesh's meshID is the value most clusters use (ties: the first cluster's).
        var counts: [String: Int] = [:]
        var firstSource: [String: Sourced<String>] = [:]
        var order: [String] = []
        for f in graph.facts {
            guard let p = f.meshID.primary else { continue }
            if counts[p.value] == nil { order.append(p.value); firstSource[p.value] = p }
            counts[p.value, default: 0] += 1
        }
        guard let majority = order.max(by: { counts[$0]! < counts[$1]! || (counts[$0]! == counts[$1]! && order.firstIndex(of: $0)! > order.firstIndex(of: $1)!) }) else { return [] }
        let reference = firstSource[majority]!
        for f in graph.facts {
            for s in f.meshID.sources where s.value != majority {
                let install = f.installs.first { $0.root.file === s.node.file }
                let refCluster = context.clusterIndex(ofFile: reference.node.file.path)
                let others = counts[majority]!
                out.append(context.finding(
                    "meshID '\(s.value)' differs from '\(majority)' used by \(others) other cluster\(others == 1 ? "" : "s") (\(s.source)): proxies carry the mesh ID in their metadata and telemetry, and clusters with different IDs are treated as different meshes. Set meshID: \(majority) here.",
                    at: s.node, cluster: f.index, resource: s.resource ?? install?.resource,
                    related: [context.related("meshID '\(majority)' (\(reference.source))", at: reference.node, cluster: refCluster)],
                    fieldPath: s.fieldPath ?? (install?.resource == nil ? "global.meshID" : "spec.values.global.meshID")))
            }
        }
        return out
    }
}
