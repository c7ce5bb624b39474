import MeshLintCore

/// MC204: a remote secret istiod cannot use: its kubeconfig does not parse, has no server or
/// credentials, or points at an address the holder cannot reach (loopback, the in-cluster API
/// name, the target's pod/service CIDR); the secret is for the holder itself; or it is outside
/// the Istio namespace.
struct RemoteSecretInvalidRule: Rule {
    let code = "MC204"
    let reads: Set<String> = ["Secret"]

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var out: [Finding] = []
        var seen = Set<String>()
        for d in graph.remoteSecretDefects() {
            let r = d.secret.resource
            // A shared file's secret is reported once, except where the holder matters.
            let shared = r.isShared && !Self.isPerCluster(d.kind)
            guard seen.insert("\(d.location.file):\(d.location.line):\(d.location.column):\(shared ? -1 : d.holder)").inserted else { continue }
            let holder = context.clusterName(d.holder)
            let target = d.target.map { context.graph.clusterID($0) ?? context.clusterName($0) } ?? d.entry?.key.value ?? "the remote cluster"
            let secret = "remote secret \(r.namespace)/\(r.name)"
            let secretTitle = "Remote secret \(r.namespace)/\(r.name)"
            let field = d.entry.map { " (\($0.fieldPath))" } ?? ""
            let regenerate = "Regenerate it: istioctl create-remote-secret --context=<\(target)> --name=\(target) | kubectl apply -f - --context=<\(holder)>."
            var related: [RelatedLocation] = []
            if let t = d.target, t != d.holder, let a = RemoteSecretMissingRule.anchor(t, context) {
                related.append(context.related("\(a.what) of \(context.clusterName(t)), the cluster the secret is for", at: a.node, cluster: t))
            }
            let message: String
            switch d.kind {
            case .wrongNamespace(let expected):
                message = "\(secretTitle) is in namespace \(r.namespace), but istiod in \(holder) only watches secrets in its own namespace \(expected), so it never sees this one and never discovers \(target). istioctl create-remote-secret writes the namespace of the current kubeconfig context (istio/istio#49780): set metadata.namespace: \(expected) (or pass --namespace \(expected))."
            case .ownCluster:
                message = "\(secretTitle) in \(holder) has key \(d.entry!.key.value), \(holder)'s own cluster ID: istiod ignores a remote secret for its own cluster (\"ignoring cluster as it would overwrite the config cluster\"; older Pilots register the cluster twice). Do not create a remote secret for the local cluster: delete this key and apply the secret to the clusters that must watch \(holder)."
                related = []
            case .undecodable(let why):
                message = "\(secretTitle)\(field): \(why), so istiod cannot read the kubeconfig for \(target) and never discovers it. Base64-encode the kubeconfig (kubectl create secret generic --from-file does) or put it under stringData."
            case .empty:
                message = "\(secretTitle)\(field) is empty: istiod finds no kubeconfig for \(target) and never discovers it. \(regenerate)"
            case .malformed(let why):
                let what = why.hasPrefix("the value is not a kubeconfig") ? String(why.dropFirst("the value ".count)) : "does not parse (\(why))"
                message = "The value of \(secret)\(field) \(what), so istiod cannot build a client for \(target) and never discovers it. \(regenerate)"
            case .noServer:
                message = "The kubeconfig in \(secret)\(field) has no clusters[].cluster.server, so istiod in \(holder) has no address for \(target)'s API server and never discovers it. Regenerate it with istioctl create-remote-secret --name=\(target) --server=https://<\(target)'s API server address reachable from \(holder)>."
            case .loopbackServer(let server, _, let what):
                let hint = Self.apiServerHint(d, context)
                if let h = hint { related.append(h.related) }
                message = "The kubeconfig for \(target) in \(secret) points at \(server), \(what): inside istiod's pod in \(holder) that is the pod itself, not \(target)'s API server, so \(target) is never discovered (a workstation or kind kubeconfig was copied). Regenerate it with istioctl create-remote-secret --server=https://\(hint?.address ?? "<\(target)'s API server address reachable from \(holder)>")\(hint == nil ? "" : ":<port>")."
            case .inClusterServer(let server, let host):
                message = "The kubeconfig for \(target) in \(secret) points at \(server) (\(host) is the in-cluster API name): istiod in \(holder) resolves it to \(holder)'s own API server, not \(target)'s, so \(target) is never discovered. Use an address of \(target)'s API server reachable from \(holder) (istioctl create-remote-secret --server=...)."
            case .serverInTargetRange(let server, _, let range):
                related.append(context.related("\(range.role == .service ? "service" : "pod") CIDR \(range.value) of \(context.clusterName(range.cluster)) (\(range.source))",
                                               at: range.node, cluster: range.cluster))
                let why = range.role == .service ? "ClusterIPs only exist inside their own cluster" : "\(holder) and \(target) are on different networks, so pod IPs are not routed between them"
                message = "The kubeconfig for \(target) in \(secret) points at \(server), inside \(target)'s own \(range.role == .service ? "service" : "pod") CIDR \(range.value): \(why), so istiod in \(holder) cannot reach \(target)'s API server. Use an address reachable from \(holder) (istioctl create-remote-secret --server=https://<address>)."
            case .noCredentials:
                message = "The kubeconfig for \(target) in \(secret) has no credentials (no token, client certificate, exec or auth-provider in users[].user), so \(target)'s API server rejects istiod's requests as anonymous and \(target) is never discovered. On Kubernetes 1.24+ create a token Secret for istio-reader-service-account first, then regenerate the remote secret."
            }
            out.append(context.finding(message, at: d.location, cluster: shared ? nil : d.holder, resource: r,
                                       related: related, fieldPath: d.fieldPath))
        }
        return out
    }

    /// Defects that depend on the holding cluster (reported per cluster even in a shared file).
    static func isPerCluster(_ k: RemoteSecretDefect.Kind) -> Bool {
        if case .ownCluster = k { return true }
        return false
    }

    /// An address the target's own files give for its API server, to put in the fix.
    static func apiServerHint(_ d: RemoteSecretDefect, _ context: RuleContext) -> (address: String, related: RelatedLocation)? {
        guard let t = d.target, t != d.holder else { return nil }
        guard let a = context.graph.identity.apiServers[t].first(where: { KubeconfigServerHost.loopback($0.host) == nil }) else { return nil }
        return (a.host, context.related("API server of \(context.clusterName(t)): \(a.source)", at: a.node, cluster: t))
    }
}
