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
        for (si, s) in id.remoteSecrets.enumerated() where seen.insert(s.resource.root).inserted {
            let r = s.resource
            let cluster: Int? = r.isShared ? nil : s.holder
            var reported = Set<String>()
            let refs = id.references(ofSecret: si).filter { $0.kind == .secretKey || $0.kind == .secretAnnotation }
            for ref in refs where ref.target == nil && !ref.ambiguous && reported.insert(ref.name.value).inserted {
                let name = ref.name.value
                let suggestion = Suggest.nearest(name, in: candidates)
                if suggestion == nil && aliases.contains(name) { continue }
                var related: [RelatedLocation] = []
                if let sug = suggestion, let node = Self.nameNode(sug, graph) {
                    related.append(context.related("\(sug) is defined here", at: node.node, cluster: node.cluster))
                }
                let hint = suggestion.map { " Did you mean \($0)?" }
                    ?? (candidates.count <= 8 ? " Known clusters: \(candidates.joined(separator: ", "))." : "")
                let message: String
                if ref.kind == .secretKey {
                    message = "Remote secret \(r.namespace)/\(r.name) has key \(name): istiod registers the cluster this kubeconfig reaches under the ID \(name), but no cluster of the set has that clusterName or name, so its endpoints are attributed to an unknown cluster (and meshNetworks, cluster-local and subset rules for the real name miss them). Rename the key to the target cluster's multiCluster.clusterName.\(hint)"
                } else {
                    message = "Remote secret \(r.namespace)/\(r.name) is annotated networking.istio.io/cluster: \(name), but no cluster of the set has that clusterName or name; the secret was generated for a cluster ID the mesh does not know. Regenerate it with istioctl create-remote-secret --name=<the target's clusterName>.\(hint)"
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
