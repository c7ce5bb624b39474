/// Which DestinationRule a sidecar applies to a cross-cluster host, when that rule does not
/// give Istio mTLS (`ISTIO_MUTUAL`), which the remote gateway's AUTO_PASSTHROUGH listener needs.
public struct CrossClusterTLSGap: Sendable {
    /// The ServiceEntry and host called.
    public let entry: CrossClusterServiceEntry
    /// The host of `entry`.
    public let host: CrossClusterHost
    /// The client namespace the lookup was made for.
    public let client: String
    /// The rule Istio applies (nil: none at all).
    public let applied: DestinationRuleEntry?
    /// The first `ISTIO_MUTUAL` rule that `applied` hides (it would apply without `applied`).
    public let shadowed: DestinationRuleEntry?
}

extension MeshGraph {
    /// Every (cross-cluster host, client namespace) of `cluster` whose applied DestinationRule
    /// lacks `ISTIO_MUTUAL`. Client namespaces checked: the ServiceEntry's own namespace and every
    /// namespace that holds a rule matching the host and sees the entry (elsewhere the lookup
    /// only reaches the service's and the root namespace, which the entry's namespace covers).
    public func crossClusterTLSGaps(in cluster: Int) -> [CrossClusterTLSGap] {
        let drs = traffic.destinationRules[cluster]
        var out: [CrossClusterTLSGap] = []
        for entry in traffic.crossClusterEntries[cluster] {
            let ports = entry.portNumbers
            for host in entry.hosts {
                var clients = [entry.resource.namespace]
                for ns in drs.namespaces(matching: host.host.value) where ns != entry.resource.namespace && entry.isVisible(to: ns) {
                    clients.append(ns)
                }
                for client in clients {
                    let candidates = drs.candidates(host: host.host.value, client: client, serviceNamespace: entry.resource.namespace)
                    guard let applied = candidates.first else {
                        out.append(CrossClusterTLSGap(entry: entry, host: host, client: client, applied: nil, shadowed: nil))
                        continue
                    }
                    if applied.isIstioMutual(ports: ports) { continue }
                    let hidden = candidates.dropFirst().first { $0.isIstioMutual(ports: ports) }
                    out.append(CrossClusterTLSGap(entry: entry, host: host, client: client, applied: applied, shadowed: hidden))
                }
            }
        }
        return out
    }
}
