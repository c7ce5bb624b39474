import MeshLintCore

/// MC002: a mapping repeats a key; Kubernetes keeps only one of the values.
struct DuplicateKeyRule: Rule {
    let code = "MC002"
    let reads: Set<String> = []

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for file in context.set.files {
            let cluster = context.clusterIndex(ofFile: file.path)
            for d in file.diagnostics where d.kind == .duplicateKey {
                let related = d.related.map {
                    [RelatedLocation(cluster: cluster.map(context.clusterName), file: file.path, line: $0.line,
                                     column: $0.column, message: "first occurrence of the key")]
                } ?? []
                out.append(context.finding(
                    "\(d.message): the API server keeps only one of the values and silently drops the other, so the object is not what this file says. Remove or merge the duplicate.",
                    file: file.path, position: d.position, cluster: cluster, related: related))
            }
        }
        return out
    }
}
