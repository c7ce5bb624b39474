import MeshLintCore

/// MC202: a remote secret's key or `networking.istio.io/cluster` annotation names a cluster
/// that is not in the set (neither a clusterName nor a manifest/directory name).
struct RemoteSecretUnknownClusterRule: Rule {
    let code = "MC202"
    let reads: Set<String> = ["Secret"]

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let id = graph.identity
        // With one cluster in the set every peer is outside it: nothing to resolve against.
        guard context.set.clusters.count > 1 else { return [] }
        let candidates = id.names.allNames
        // Legacy registry names: a key that meshNetworks also uses as fromRegistry.
        let aliases = Set(id.references.filter { $0.kind == .fromRegistry && $0.resolution == .registryAlias }.map(\.name.value))
        var out: [Finding] = []
        var seen = Set<YAMLNode>()
        // Only a shared file's Secret appears more than once (once per cluster).
        for (si, s) in id.remoteSecrets.enumerated() where !s.resource.isShared || seen.insert(s.resource.root).inserted {
            let r = s.resource
            let cluster: Int? = r.isShared ? nil : s.holder
            let all = id.references(ofSecret: si)
            // Almost every secret names known clusters: nothing to build for those.
            guard all.contains(where: { ($0.kind == .secretKey || $0.kind == .secretAnnotation) && $0.target == nil && !$0.ambiguous }) else { continue }
            var reported = Set<String>()
            let refs = all.filter { $0.kind == .secretKey || $0.kind == .secretAnnotation }
            for ref in refs where ref.target == nil && !ref.ambiguous && reported.insert(ref.name.value).inserted {
                let name = ref.name.value
                var suggestion = Suggest.nearest(name, in: candidates)
                if suggestion == nil && aliases.contains(name) { continue }
                if ref.kind == .secretAnnotation, let t = refs.first(where: { $0.kind == .secretKey && $0.target != nil })?.target {
                    // The key already names the target: the annotation should say the same.
                    suggestion = id.clusterID(t, facts: graph.facts[t])?.value ?? context.clusterName(t)
                }
                // Where the kubeconfig really points, when a cluster's API server address says so.
                var reaches = ""
                var related: [RelatedLocation] = []
                let servers = s.entries.first { $0.key.value == name }?.kubeconfig?.servers ?? []
                if let hit = servers.lazy.compactMap({ srv in id.cluster(servingAPIAt: srv.value).map { (srv, $0) } }).first {
                    let (srv, owner) = hit
                    let ownerID = id.clusterID(owner.cluster, facts: graph.facts[owner.cluster])?.value ?? context.clusterName(owner.cluster)
                    reaches = " Its kubeconfig server \(Redact.url(srv.value)) is the API server of \(context.clusterName(owner.cluster)) (\(owner.address.source)), whose cluster ID is \(ownerID)."
                    suggestion = ownerID
                    related.append(context.related("API server of \(context.clusterName(owner.cluster)): \(owner.address.source)",
                                                   at: owner.address.node, cluster: owner.cluster))
                } else if let sug = suggestion, let node = Self.nameNode(sug, graph) {
                    related.append(context.related("\(sug) is defined here", at: node.node, cluster: node.cluster))
                }
                let known = candidates.count <= 8 ? " (clusters: \(candidates.joined(separator: ", ")))" : ""
                let message: String
                if ref.kind == .secretKey {
                    let fix = suggestion.map { "Rename the key to \($0), the target's clusterName." }
                        ?? "Rename the key to the target cluster's multiCluster.clusterName\(known)."
                    message = "Remote secret \(r.namespace)/\(r.name) has key \(name), but no cluster of the set has that clusterName or name: istiod registers the cluster this kubeconfig reaches under the ID \(name), so its endpoints belong to an unknown cluster and meshNetworks, cluster-local and subset settings for the real name miss them.\(reaches) \(fix)"
                } else {
                    let fix = suggestion.map { "Regenerate it with istioctl create-remote-secret --name=\($0)." }
                        ?? "Regenerate it with istioctl create-remote-secret --name=<the target's clusterName>\(known)."
                    message = "Remote secret \(r.namespace)/\(r.name) is annotated networking.istio.io/cluster: \(name), but no cluster of the set has that clusterName or name; the secret was generated for a cluster ID the mesh does not know.\(reaches) \(fix)"
                }
                out.append(context.finding(message, at: ref.name.node, cluster: cluster, resource: r,
                                           related: related, fieldPath: ref.fieldPath))
            }
        }
        return out
    }

    /// Where a cluster name is defined: the clusterName value, else the manifest entry.
    static func nameNode(_ name: String, _ graph: MeshGraph) -> (node: YAMLNode, cluster: Int)? {
        for f in graph.facts {
            if let s = f.clusterName.sources.first(where: { $0.value == name }) { return (s.node, f.index) }
        }
        for c in graph.set.clusters where c.name == name {
            if let d = c.declaration { return (d.name.node, c.index) }
        }
        return nil
    }
}
