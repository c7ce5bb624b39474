import MeshLintCore

/// MC006: a Helm chart, a Go template or a kustomization is not what gets applied until a tool
/// renders it, and it was not rendered, so nothing it applies was checked.
struct UnrenderedInputRule: Rule {
    let code = "MC006"
    let reads: Set<String> = []

    func check(_ context: RuleContext) -> [Finding] {
        context.set.renderNotes.map { note in
            context.finding(note.message + ".", file: note.path, position: note.position,
                            cluster: context.clusterIndex(ofFile: note.path))
        }
    }
}
