/// Two or more remote secrets in one cluster that register the same cluster ID: istiod's
/// secret controller registers the ID for the first secret it processes and ignores the key in
/// every later one ("cluster has already been registered"), and which one is first depends on
/// informer order, not on the files.
public struct DuplicateRemoteSecretRegistration: Sendable {
    /// The cluster whose istiod reads the secrets.
    public let holder: Int
    /// The cluster ID written as a data key in each of them.
    public let clusterID: String
    /// The secrets and their entries for that ID, in file order (at least two distinct Secrets).
    public let entries: [(secret: RemoteSecret, entry: RemoteSecret.Entry)]
    /// The cluster the ID resolves to, if any.
    public let target: Int?
}

extension MeshGraph {
    /// Per holder, the cluster IDs that more than one remote secret istiod watches registers
    /// (grouped by ID: no pairwise comparison). Only Secrets istiod selects count (labelled
    /// `istio/multiCluster: "true"`, in the Istio namespace); one Secret written twice (the same
    /// namespace/name in two files) is one object, and a key naming the holder itself is
    /// ignored by istiod anyway (MC204).
    public func duplicateRemoteSecretRegistrations() -> [DuplicateRemoteSecretRegistration] {
        var out: [DuplicateRemoteSecretRegistration] = []
        for c in 0..<set.clusters.count {
            let own = clusterID(c)
            let watched = identity.remoteSecrets(in: c).filter { $0.isSelectedByIstiod && $0.namespace == facts[c].istioNamespace }
            func registers(_ e: RemoteSecret.Entry) -> Bool { !Placeholder.isTemplate(e.key.value) && e.key.value != own }
            // Most IDs have one entry: count them first, and gather entries only for the IDs
            // registered more than once (at 1,000 clusters, a million entries and no repeats).
            var count: [String: Int] = [:]
            var order: [String] = []
            for s in watched {
                for e in s.entries where registers(e) {
                    count[e.key.value, default: 0] += 1
                    if count[e.key.value] == 1 { order.append(e.key.value) }
                }
            }
            let repeated = Set(order.filter { count[$0]! > 1 })
            guard !repeated.isEmpty else { continue }
            var byID: [String: [(secret: RemoteSecret, entry: RemoteSecret.Entry)]] = [:]
            for s in watched {
                for e in s.entries where repeated.contains(e.key.value) && registers(e) { byID[e.key.value, default: []].append((s, e)) }
            }
            for id in order where repeated.contains(id) {
                guard let found = byID[id] else { continue }
                let list = found.sorted { SourceLocation($0.entry.key.node) < SourceLocation($1.entry.key.node) }
                var seen = Set<String>()
                let distinct = list.filter { seen.insert("\($0.secret.namespace)/\($0.secret.resource.name)").inserted }
                guard distinct.count > 1 else { continue }
                out.append(DuplicateRemoteSecretRegistration(holder: c, clusterID: id, entries: distinct,
                                                             target: identity.names.resolve(id).target))
            }
        }
        return out
    }
}
