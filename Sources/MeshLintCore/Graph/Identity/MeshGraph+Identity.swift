extension MeshGraph {
    /// The deployment model(s) cluster `c` takes part in (SPEC §1), for reports and for rules
    /// that only make sense in one model.
    public func deploymentModel(_ c: Int) -> DeploymentModel { identity.models[c] }

    /// The cluster ID other clusters must use for `c` (its clusterName, or a remote's injection
    /// path cluster), nil when neither is set.
    public func clusterID(_ c: Int) -> String? { identity.clusterID(c, facts: facts[c])?.value }

    /// Remote secret edges held by cluster `c` (istiod in `c` watches each edge's target).
    public func remoteSecretEdges(from c: Int) -> [RemoteSecretEdge] { identity.edges(from: c) }
}

extension MeshGraph {
    /// True when a document without `kind` (in `set.unrecognized`) is still read: `istio/gateway`
    /// chart values (`networkGateway`, `service`, `labels`), which give a gateway workload and a
    /// network claim, `istio/ztunnel` chart values (`multiCluster`, `network`), or a platform
    /// descriptor stating cluster ranges (k3s/RKE2 `config.yaml`, OpenShift
    /// `install-config.yaml`, Talos machine configuration).
    public func readsAsValues(_ root: YAMLNode) -> Bool {
        if root.isMapping, root["networkGateway"] != nil { return true }
        if ZtunnelValues.isChartValues(root) { return true }
        if CIDRSourceReader.platformDocument(root) != nil { return true }
        let name = root["name"]
        return ingress.workloads.contains { list in
            list.contains { $0.resource == nil && ($0.node == root || (name != nil && $0.node == name!)) }
        }
    }
}
