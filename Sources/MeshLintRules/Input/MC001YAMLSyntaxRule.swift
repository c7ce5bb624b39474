import MeshLintCore

/// MC001: a file is not valid YAML/JSON, or cannot be read at all.
struct YAMLSyntaxRule: Rule {
    let code = "MC001"
    let reads: Set<String> = []

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for file in context.set.files {
            let cluster = context.clusterIndex(ofFile: file.path)
            for d in file.diagnostics where d.kind != .duplicateKey {
                let what = d.kind == .aliasExpansion ? "the anchor the alias refers to" : "context starts here"
                out.append(context.finding(message(for: d), file: file.path, position: d.position, cluster: cluster,
                                           related: d.related.map {
                                               [RelatedLocation(cluster: cluster.map(context.clusterName), file: file.path,
                                                                line: $0.line, column: $0.column, message: what)]
                                           } ?? []))
            }
        }
        for u in context.set.unreadable {
            out.append(context.finding("cannot read \(u.path): \(u.message). Nothing in this file was checked; fix its permissions or remove it from the set.",
                                       file: u.path, position: SourcePosition(line: 1, column: 1),
                                       cluster: context.clusterIndex(ofFile: u.path)))
        }
        for d in context.set.unreadableDirectories {
            out.append(context.finding("cannot read directory \(d.path): \(d.message). Nothing under it was checked; fix its permissions or remove it from the set.",
                                       file: d.path, position: SourcePosition(line: 1, column: 1), cluster: d.clusterIndex))
        }
        return out
    }

    private func message(for d: YAMLDiagnostic) -> String {
        switch d.kind {
        case .syntax:
            return "YAML syntax error: \(d.message). kubectl would reject this file, so none of the objects after this point are applied; documents before it were still checked."
        case .encoding:
            return "\(d.message). Save the file as UTF-8."
        case .binary:
            return "\(d.message). Remove it from the config set or give it another extension."
        case .tooLarge:
            return "\(d.message). Split it or raise the limit."
        case .aliasExpansion:
            return "\(d.message). Write the repeated content out or reduce the aliasing."
        case .tooDeep:
            return "\(d.message). No Kubernetes object nests this deep; the file is probably generated wrongly or hostile."
        case .unreadable:
            return d.message
        case .duplicateKey:
            return d.message
        }
    }
}
