import MeshLintCore

/// MC005: a `meshlint.io/ignore` annotation names no rule, so it suppresses nothing for that
/// entry. (Unknown rules, keys and clusters in `.meshlint.yaml` are reported under the same code
/// by the `Linter`, which owns the configuration file.)
struct UnknownSuppressionRule: Rule {
    let code = IgnoreAnnotation.diagnosticRule
    let reads: Set<String> = []

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<YAMLNode>()
        for r in context.set.resources where !r.isImplied {
            guard let node = r.annotationsNode?[IgnoreAnnotation.key], let text = node.text else { continue }
            // A shared file's document appears once per cluster: checked once.
            if r.isShared && !seen.insert(r.root).inserted { continue }
            let value = Located(text, node)
            let cluster = r.isShared ? nil : r.clusterIndex
            let fieldPath = "metadata.annotations.\(IgnoreAnnotation.key)"
            let annotation = IgnoreAnnotation(parsing: value.value)
            if annotation.isEmpty {
                out.append(context.finding(
                    "\(IgnoreAnnotation.key) on \(r.identity.display) names no rule, so it suppresses nothing. List rule codes or names (`meshlint rules`), or `*`, before an optional `# reason`.",
                    at: value.node, cluster: cluster, resource: r, fieldPath: fieldPath))
            }
            for u in annotation.unknown {
                let hint = u.suggestion.map { " (did you mean \($0)?)" } ?? ""
                out.append(context.finding(
                    "\(IgnoreAnnotation.key) on \(r.identity.display) names '\(u.text)', which is no meshlint rule\(hint), so the finding it was meant to hide is still reported. Use a code or name from `meshlint rules`.",
                    at: value.node, cluster: cluster, resource: r, fieldPath: fieldPath + "#" + u.text))
            }
        }
        return out
    }
}
