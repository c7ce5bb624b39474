import MeshLintCore

/// MC207: two remote secrets in one cluster register the same cluster ID; istiod keeps the
/// first one it happens to process and ignores the ID in the others.
struct RemoteSecretDuplicateRule: Rule {
    let code = "MC207"
    let reads: Set<String> = ["Secret"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<String>()
        for d in context.graph.duplicateRemoteSecretRegistrations() {
            let holder = context.clusterName(d.holder)
            let names = d.entries.map { "\($0.secret.namespace)/\($0.secret.resource.name)" }
            let servers = Set(d.entries.map { $0.entry.kubeconfig?.servers.first?.value ?? "" })
            let differ = servers.count > 1 ? " The kubeconfigs point at different API servers, so which cluster istiod watches under this ID depends on that order." : ""
            for (i, x) in d.entries.enumerated() where i > 0 {
                let r = x.secret.resource
                let loc = SourceLocation(x.entry.key.node)
                guard seen.insert("\(loc.file):\(loc.line):\(loc.column)").inserted else { continue }
                let first = d.entries[0]
                let related = [context.related("\(first.secret.namespace)/\(first.secret.resource.name) also registers \(d.clusterID) (\(first.entry.fieldPath))",
                                               at: first.entry.key.node, cluster: d.holder)]
                out.append(context.finding(
                    "Remote secrets \(names.joined(separator: ", ")) in \(holder) all register cluster ID \(d.clusterID); istiod registers it for the first secret it processes and ignores it in the others (\"cluster has already been registered\"), in informer order rather than file order, so rotating or fixing the credentials in one of them may have no effect.\(differ) Keep one remote secret per cluster: delete the stale one (istioctl create-remote-secret names it istio-remote-secret-<cluster>).",
                    at: x.entry.key.node, cluster: r.isShared ? nil : d.holder, resource: r, related: related,
                    fieldPath: x.entry.fieldPath))
            }
        }
        return out
    }
}
