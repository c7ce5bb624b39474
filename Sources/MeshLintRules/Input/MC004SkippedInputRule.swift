import MeshLintCore

/// MC004: something in the set was skipped (not a Kubernetes object nor values meshlint reads,
/// a symlink loop, a file no manifest entry claims), so the user knows it was not checked.
struct SkippedInputRule: Rule {
    let code = "MC004"
    let reads: Set<String> = []

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for root in context.set.unrecognized {
            // istio/gateway chart values have no `global:` but are read (gateway labels, ports,
            // network): not skipped.
            if context.graph.readsAsValues(root) { continue }
            let why = root.isMapping ? "it has no `kind`" : "it is a \(root.isSequence ? "list" : "scalar"), not a mapping"
            out.append(context.finding(
                "this document is not a Kubernetes object (\(why)) and not Helm values meshlint reads (istio charts: top-level `global:`; istio/gateway chart: `networkGateway`, `service`, `labels`; istio/ztunnel chart: `multiCluster`), so it was skipped; nothing in it was checked.",
                at: root, cluster: context.clusterIndex(ofFile: root.file.path)))
        }
        for note in context.set.notes {
            out.append(context.finding("\(note.path): \(note.message)", file: note.path, position: SourcePosition(line: 1, column: 1), cluster: nil))
        }
        for file in context.set.files where context.set.assignments[file.path] == .unassigned {
            out.append(context.finding(
                "no cluster in the manifest claims this file (and it is not under `shared`), so it was not checked; add it to a cluster's `paths` or to `shared`.",
                file: file.path, position: SourcePosition(line: 1, column: 1), cluster: nil))
        }
        for (node, message) in context.set.manifestProblems {
            out.append(context.finding("meshlint.yaml: \(message)", at: node, cluster: nil))
        }
        return out
    }
}
