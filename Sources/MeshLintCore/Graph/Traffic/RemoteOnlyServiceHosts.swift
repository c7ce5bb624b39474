/// A host a cluster's routing names whose Service is defined only in other clusters.
public struct RemoteOnlyServiceHost: Sendable {
    /// The routed host.
    public let host: RoutedServiceHost
    /// Clusters that define the Service, in cluster order.
    public let owners: [Int]
}

extension MeshGraph {
    /// `routedServiceHosts(in:)` whose Service `cluster` does not define while other clusters
    /// do; one per resource and Service (the first host that names it). MC604 (sidecars, DNS)
    /// and MC705 (ambient, local VIP) judge them.
    public func remoteOnlyServiceHosts(in cluster: Int) -> [RemoteOnlyServiceHost] {
        var out: [RemoteOnlyServiceHost] = []
        var seen = Set<String>()
        for h in routedServiceHosts(in: cluster) {
            guard !services(namespace: h.serviceNamespace, name: h.serviceName).contains(where: { $0.clusterIndex == cluster }) else { continue }
            let owners = clusters(definingService: h.serviceName, namespace: h.serviceNamespace, except: cluster)
            guard !owners.isEmpty,
                  seen.insert("\(h.resource.root.file.path)|\(h.resource.root.index)|\(h.serviceNamespace)/\(h.serviceName)").inserted else { continue }
            out.append(RemoteOnlyServiceHost(host: h, owners: owners))
        }
        return out
    }
}
