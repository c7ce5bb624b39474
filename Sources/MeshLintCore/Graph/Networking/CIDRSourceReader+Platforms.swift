/// Pod and service CIDRs stated by distribution and cloud descriptors users keep next to their
/// manifests (see reference/cidr-sources.md): k3s/RKE2 `config.yaml`, OpenShift
/// `install-config.yaml`, Talos machine configuration (documents without `kind`), eksctl
/// `ClusterConfig` and Config Connector `ContainerCluster` (GKE).
extension CIDRSourceReader {
    /// k3s and RKE2 defaults (`--cluster-cidr`, `--service-cidr`).
    static let k3sDefaults = (pod: "10.42.0.0/16", service: "10.43.0.0/16")
    /// Keys only a k3s/RKE2 server configuration has.
    static let k3sServerKeys = ["cluster-cidr", "service-cidr", "cluster-init", "write-kubeconfig-mode", "tls-san",
                                "cluster-dns", "cluster-domain", "flannel-backend", "disable-network-policy"]

    /// What a document without `kind` is, when it is a platform descriptor this reader uses.
    enum PlatformDocument {
        case k3sServerConfig, openShiftInstallConfig, talosMachineConfig
    }

    /// Recognises a document without `kind` that states cluster ranges.
    static func platformDocument(_ root: YAMLNode) -> PlatformDocument? {
        guard root.isMapping, root["kind"] == nil else { return nil }
        if k3sServerKeys.contains(where: { root[$0] != nil }) { return .k3sServerConfig }
        if let n = root["networking"], n["clusterNetwork"] != nil || n["serviceNetwork"] != nil, root["platform"] != nil || root["baseDomain"] != nil {
            return .openShiftInstallConfig
        }
        if root["machine"] != nil, let net = root.at("cluster", "network"), net["podSubnets"] != nil || net["serviceSubnets"] != nil {
            return .talosMachineConfig
        }
        return nil
    }

    /// Documents without `kind` assigned to this cluster (or shared).
    var unkindedDocuments: [YAMLNode] {
        self.set.unrecognized.filter { root in
            switch self.set.assignments[root.file.path] {
            case .cluster(cluster)?, .shared?: return true
            default: return false
            }
        }
    }

    mutating func readPlatformDescriptors() {
        for root in unkindedDocuments {
            switch Self.platformDocument(root) {
            case .k3sServerConfig?: readK3sConfig(root)
            case .openShiftInstallConfig?: readOpenShift(root)
            case .talosMachineConfig?: readTalos(root)
            case nil: break
            }
        }
        for r in resourcesOfKind("ClusterConfig") where r.group == "eksctl.io" { readEksctl(r) }
        for r in resourcesOfKind("ContainerCluster") where r.group.hasPrefix("container.cnrm.cloud.google.com") { readGKE(r) }
    }

    /// k3s / RKE2 `/etc/rancher/{k3s,rke2}/config.yaml`: `cluster-cidr`, `service-cidr` (comma
    /// lists for dual stack); a server configuration without them uses 10.42.0.0/16 and 10.43.0.0/16.
    private mutating func readK3sConfig(_ root: YAMLNode) {
        let label = "k3s/RKE2 config \(root.file.path)"
        for (role, key, fallback) in [(CIDRRole.pod, "cluster-cidr", Self.k3sDefaults.pod), (.service, "service-cidr", Self.k3sDefaults.service)] {
            if let node = root[key], let text = node.text, !text.isEmpty {
                add(text, node: node, statement: node, role: role, origin: .clusterConfiguration, resource: nil,
                    fieldPath: key, source: "\(label) \(key)", split: .comma)
            } else {
                let anchor = root.pairs.first?.key ?? root
                add(fallback, node: anchor, statement: anchor, role: role, origin: .clusterConfiguration, resource: nil,
                    fieldPath: key, source: "k3s/RKE2's default for \(label), which does not set \(key)", split: .single, isDefault: true)
            }
        }
    }

    /// OpenShift `install-config.yaml`: `networking.clusterNetwork[].cidr`, `networking.serviceNetwork[]`.
    private mutating func readOpenShift(_ root: YAMLNode) {
        let label = "OpenShift install-config \(root.file.path)"
        for (i, item) in (root.at("networking", "clusterNetwork")?.items ?? []).enumerated() {
            guard let node = item["cidr"], let text = node.text else { continue }
            add(text, node: node, statement: node, role: .pod, origin: .clusterConfiguration, resource: nil,
                fieldPath: "networking.clusterNetwork[\(i)].cidr", source: "\(label) networking.clusterNetwork", split: .single)
        }
        for (i, item) in (root.at("networking", "serviceNetwork")?.items ?? []).enumerated() {
            guard let text = item.text else { continue }
            add(text, node: item, statement: item, role: .service, origin: .clusterConfiguration, resource: nil,
                fieldPath: "networking.serviceNetwork[\(i)]", source: "\(label) networking.serviceNetwork", split: .single)
        }
    }

    /// Talos machine configuration: `cluster.network.podSubnets[]`, `serviceSubnets[]`.
    private mutating func readTalos(_ root: YAMLNode) {
        let label = "Talos machine config \(root.file.path)"
        for (role, key) in [(CIDRRole.pod, "podSubnets"), (.service, "serviceSubnets")] {
            for (i, item) in (root.at("cluster", "network", key)?.items ?? []).enumerated() {
                guard let text = item.text else { continue }
                add(text, node: item, statement: item, role: role, origin: .clusterConfiguration, resource: nil,
                    fieldPath: "cluster.network.\(key)[\(i)]", source: "\(label) cluster.network.\(key)", split: .single)
            }
        }
    }

    /// eksctl `ClusterConfig`: `kubernetesNetworkConfig.serviceIPv4CIDR` (EKS picks 10.100.0.0/16
    /// or 172.20.0.0/16 when unset, depending on the VPC, so no default is assumed). Pods take VPC
    /// addresses with the VPC CNI; the VPC range is not a pod range and is not read.
    private mutating func readEksctl(_ r: Resource) {
        guard let node = r.root.at("kubernetesNetworkConfig", "serviceIPv4CIDR"), let text = node.text, !text.isEmpty else { return }
        add(text, node: node, statement: node, role: .service, origin: .clusterConfiguration, resource: r,
            fieldPath: "kubernetesNetworkConfig.serviceIPv4CIDR",
            source: "eksctl ClusterConfig \(r.name) kubernetesNetworkConfig.serviceIPv4CIDR", split: .single)
    }

    /// Config Connector `ContainerCluster`: `spec.ipAllocationPolicy.clusterIpv4CidrBlock` and
    /// `servicesIpv4CidrBlock`.
    private mutating func readGKE(_ r: Resource) {
        for (role, key) in [(CIDRRole.pod, "clusterIpv4CidrBlock"), (.service, "servicesIpv4CidrBlock")] {
            guard let node = r.spec?.at("ipAllocationPolicy", key), let text = node.text, !text.isEmpty else { continue }
            add(text, node: node, statement: node, role: role, origin: .clusterConfiguration, resource: r,
                fieldPath: "spec.ipAllocationPolicy.\(key)", source: "GKE ContainerCluster \(r.name) spec.ipAllocationPolicy.\(key)",
                split: .single)
        }
    }
}
