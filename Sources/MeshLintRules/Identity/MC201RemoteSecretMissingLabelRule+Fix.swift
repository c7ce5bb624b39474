import MeshLintCore

/// MC201's repair: set `metadata.labels.istio/multiCluster: "true"` on the remote secret
/// (replacing a wrong value, or adding the label and, when needed, the labels mapping).
extension RemoteSecretMissingLabelRule: FixProvider {
    func fix(for finding: Finding, in context: RuleContext) -> Fix? {
        guard let r = context.resource(of: finding), var b = FixBuilder(r.root, sources: context.sources) else { return nil }
        b.set(["metadata", "labels", "istio/multiCluster"], to: .quotedString("true"))
        return b.fix("Label the secret istio/multiCluster: \"true\"")
    }
}
