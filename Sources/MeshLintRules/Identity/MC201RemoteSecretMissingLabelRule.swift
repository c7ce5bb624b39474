import MeshLintCore

/// MC201: a remote secret without label `istio/multiCluster: "true"`, which istiod's secret
/// controller selects on; without it the cluster is never discovered.
struct RemoteSecretMissingLabelRule: Rule {
    let code = "MC201"
    let reads: Set<String> = ["Secret"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<YAMLNode>()
        // Only a shared file's Secret appears more than once (once per cluster).
        for s in context.graph.identity.remoteSecrets where !s.isSelectedByIstiod {
            guard !s.resource.isShared || seen.insert(s.resource.root).inserted else { continue }
            let r = s.resource
            let cluster: Int? = r.isShared ? nil : s.holder
            let what = "Secret \(r.namespace)/\(r.name) is a remote secret (\(describe(s)))"
            if let v = s.multiClusterLabel {
                // A non-string value (unquoted `true`, `yes`) is MC003's business.
                if !(v.isScalar && v.resolvedType == .string) && v.bool == true { continue }
                let shown = v.scalar.map { v.resolvedType == .string ? "\"\($0)\"" : $0 } ?? "a non-string value"
                out.append(context.finding(
                    "\(what) but its label istio/multiCluster is \(shown); istiod only watches secrets labelled istio/multiCluster=\"true\", so it ignores this one and never discovers that cluster's endpoints. Set the label to \"true\".",
                    at: v, cluster: cluster, resource: r, fieldPath: "metadata.labels.istio/multiCluster"))
            } else if let labels = s.labelsKey {
                out.append(context.finding(
                    "\(what) but its labels lack istio/multiCluster: \"true\"; istiod only watches secrets with that label, so it ignores this one and never discovers that cluster's endpoints. Add the label (kubectl label secret \(r.name) -n \(r.namespace) istio/multiCluster=true).",
                    at: labels, cluster: cluster, resource: r, fieldPath: "metadata.labels"))
            } else {
                out.append(context.finding(
                    "\(what) but has no labels, so it lacks istio/multiCluster: \"true\"; istiod only watches secrets with that label, ignores this one and never discovers that cluster's endpoints. Add metadata.labels with istio/multiCluster: \"true\".",
                    at: r.nameNode, cluster: cluster, resource: r, fieldPath: "metadata.name"))
            }
        }
        return out
    }

    private func describe(_ s: RemoteSecret) -> String {
        var why: [String] = []
        if s.evidence.contains(.name) { why.append("named istio-remote-secret-*") }
        if s.evidence.contains(.annotation) { why.append("annotated networking.istio.io/cluster") }
        if s.evidence.contains(.kubeconfig), let e = s.entries.first(where: { $0.kubeconfig != nil }) {
            why.append("\(e.fieldPath) holds a kubeconfig")
        }
        return why.joined(separator: ", ")
    }
}
