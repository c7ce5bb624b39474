import MeshLintCore

/// MC205: a remote-secret kubeconfig istiod refuses before it contacts the remote API server:
/// credentials its sanitizer rejects (`exec`, a non-oidc `auth-provider`, `tokenFile`,
/// `client-certificate`/`client-key` file paths) unless the holder's istiod allows them with
/// PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS, or context names `clientcmd.Validate` rejects.
struct RemoteSecretAuthRejectedRule: Rule {
    let code = "MC205"
    let reads: Set<String> = ["Secret", "Deployment", "IstioOperator", "Istio"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<String>()
        for p in context.graph.remoteSecretAuthProblems() {
            let r = p.secret.resource
            // A secret in a shared file is reported once per distinct verdict.
            guard seen.insert("\(p.location.file):\(p.location.line):\(p.location.column)").inserted else { continue }
            let holder = context.clusterName(p.holder)
            let target = p.target.map { context.graph.clusterID($0) ?? context.clusterName($0) } ?? p.entry.key.value
            let secret = "remote secret \(r.namespace)/\(r.name) (\(p.entry.fieldPath))"
            var related: [RelatedLocation] = []
            let message: String
            switch p.kind {
            case .unsafeAuth(let u, let allowlist):
                let env = MeshGraph.insecureKubeconfigOptions
                for e in allowlist {
                    related.append(context.related("\(e.source) = \"\(e.value)\" (does not list \(u.option))", at: e.node, cluster: p.holder))
                }
                let stated = allowlist.isEmpty ? "nothing in the set sets \(env) for istiod in \(holder)" : "\(env) of istiod in \(holder) does not list \(u.option)"
                message = "The kubeconfig for \(target) in \(secret) authenticates with \(u.what); istiod refuses such kubeconfigs (\"kubeconfig is not allowed: \(u.option) is not allowed\") and \(stated), so \(target) is never discovered. Use a service-account token (istioctl create-remote-secret --name=\(target) writes one), or allow it with \(env)=\(u.option) in istiod's env\(u.option == "exec" ? " (the command then runs inside the istiod container, which must ship it)" : "")."
            case .danglingName(let d):
                message = "The kubeconfig for \(target) in \(secret) has \(d.fieldPath): \(d.name.value), but defines no \(d.expected) of that name; istiod validates the kubeconfig and refuses it (\"kubeconfig is not valid\"), so \(target) is never discovered. Name an existing \(d.expected), or regenerate the secret with istioctl create-remote-secret."
            }
            out.append(context.finding(message, at: p.location, cluster: r.isShared ? nil : p.holder, resource: r,
                                       related: related, fieldPath: p.fieldPath))
        }
        return out
    }
}
