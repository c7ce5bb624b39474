/// Reads every place one cluster states a pod or service CIDR (see reference/cidr-sources.md),
/// plus the other address fields MC103 validates (meshNetworks, ServiceEntry addresses,
/// manifest gateway addresses).
///
/// Defaults: when no source states a CIDR nothing is assumed, except where an object that is
/// present really implies one — a kind `Cluster` without `networking.podSubnet` uses
/// 10.244.0.0/16 (IPv6 fd00:10:244::/56) and without `serviceSubnet` 10.96.0.0/16
/// (fd00:10:96::/112); a kubeadm `ClusterConfiguration` without `serviceSubnet` uses
/// 10.96.0.0/12 (kubeadm sets no pod CIDR without `podSubnet`). kind's `kubeadmConfigPatches`
/// are patches, not a configuration, and are not read.
struct CIDRSourceReader {
    let set: ConfigSet
    let cluster: Int
    let facts: ClusterFacts
    let resourcesOfKind: (String) -> [Resource]

    private(set) var sources: [CIDRSource] = []
    private(set) var problems: [AddressProblem] = []

    init(set: ConfigSet, cluster: Int, facts: ClusterFacts, resourcesOfKind: @escaping (String) -> [Resource]) {
        self.set = set
        self.cluster = cluster
        self.facts = facts
        self.resourcesOfKind = resourcesOfKind
    }

    /// How a field lists several CIDRs.
    enum Split { case single, comma, whitespaceOrComma }

    static let kindDefaults: [(IPFamily, pod: String, service: String)] = [
        (.v4, "10.244.0.0/16", "10.96.0.0/16"),
        (.v6, "fd00:10:244::/56", "fd00:10:96::/112"),
    ]
    static let kubeadmServiceDefault = "10.96.0.0/12"

    // MARK: - Reading

    mutating func read() {
        for r in resourcesOfKind("ServiceCIDR") { readServiceCIDR(r) }
        for r in resourcesOfKind("IPPool") where r.group.hasSuffix("projectcalico.org") { readCalicoPool(r) }
        for r in resourcesOfKind("Installation") where r.group == "operator.tigera.io" { readCalicoInstallation(r) }
        for r in resourcesOfKind("CiliumPodIPPool") { readCiliumPodIPPool(r) }
        for r in resourcesOfKind("ConfigMap") { readConfigMap(r) }
        for r in resourcesOfKind("Pod") { readStaticPod(r) }
        for r in resourcesOfKind("ClusterConfiguration") where r.group.hasPrefix("kubeadm.k8s.io") {
            readKubeadm(r.root, resource: r, prefix: "", label: "kubeadm ClusterConfiguration", embedded: nil)
        }
        readClusterObjects()
        readPlatformDescriptors()
        for r in resourcesOfKind("KubeProxyConfiguration") {
            readKubeProxy(r.root, resource: r, prefix: "", label: "KubeProxyConfiguration", embedded: nil)
        }
        for r in resourcesOfKind("Node") { readNode(r) }
        readManifest()
        for r in resourcesOfKind("ServiceEntry") { readServiceEntry(r) }
        for install in facts.installs {
            if let mn = install.global("meshNetworks") {
                let prefix = install.resource == nil ? "global.meshNetworks" : "spec.values.global.meshNetworks"
                readMeshNetworks(mn, resource: install.resource, prefix: prefix, label: "\(install.label) \(prefix)", embedded: nil)
            }
        }
    }

    private mutating func readServiceCIDR(_ r: Resource) {
        guard let list = r.spec?["cidrs"], list.isSequence else { return }
        for (i, item) in list.items.enumerated() {
            guard let text = item.text else { continue }
            add(text, node: item, statement: list, role: .service, origin: .serviceCIDRObject, resource: r,
                fieldPath: "spec.cidrs[\(i)]", source: "ServiceCIDR \(r.name) spec.cidrs", split: .single)
        }
    }

    private mutating func readCalicoPool(_ r: Resource) {
        guard let spec = r.spec else { return }
        if spec["disabled"]?.bool == true { return }
        // Pools restricted to tunnel or LoadBalancer addresses hold no pod IPs.
        if let uses = spec["allowedUses"], uses.isSequence, !uses.stringItems.contains("Workload") { return }
        guard let node = spec["cidr"], let text = node.text else { return }
        add(text, node: node, statement: node, role: .pod, origin: .cni, resource: r,
            fieldPath: "spec.cidr", source: "Calico IPPool \(r.name) spec.cidr", split: .single)
    }

    private mutating func readCalicoInstallation(_ r: Resource) {
        guard let pools = r.spec?.at("calicoNetwork", "ipPools"), pools.isSequence else { return }
        for (i, p) in pools.items.enumerated() {
            guard let node = p["cidr"], let text = node.text else { continue }
            add(text, node: node, statement: node, role: .pod, origin: .cni, resource: r,
                fieldPath: "spec.calicoNetwork.ipPools[\(i)].cidr",
                source: "Calico Installation \(r.name) spec.calicoNetwork.ipPools[\(i)].cidr", split: .single)
        }
    }

    private mutating func readCiliumPodIPPool(_ r: Resource) {
        for fam in ["ipv4", "ipv6"] {
            guard let list = r.spec?.at(fam, "cidrs"), list.isSequence else { continue }
            for (i, item) in list.items.enumerated() {
                guard let text = item.text else { continue }
                add(text, node: item, statement: list, role: .pod, origin: .cni, resource: r,
                    fieldPath: "spec.\(fam).cidrs[\(i)]", source: "CiliumPodIPPool \(r.name) spec.\(fam).cidrs", split: .single)
            }
        }
    }

    private mutating func readConfigMap(_ r: Resource) {
        guard let data = r.root["data"], data.isMapping else { return }
        let label = "ConfigMap \(r.namespace)/\(r.name)"
        switch r.name {
        case "kubeadm-config":
            guard let host = data["ClusterConfiguration"], let doc = EmbeddedYAML(host: host, key: data.keyNode("ClusterConfiguration")),
                  let root = doc.root, root.isMapping else { return }
            readKubeadm(root, resource: r, prefix: "data.ClusterConfiguration.", label: "\(label) ClusterConfiguration", embedded: doc)
        case "kube-proxy":
            guard let host = data["config.conf"], let doc = EmbeddedYAML(host: host, key: data.keyNode("config.conf")),
                  let root = doc.root, root.isMapping else { return }
            readKubeProxy(root, resource: r, prefix: "data.config.conf.", label: "\(label) config.conf", embedded: doc)
        case "cilium-config":
            // cluster-pool is Cilium's default IPAM mode; other modes ignore these keys.
            let ipam = data["ipam"]?.text ?? "cluster-pool"
            guard ipam.hasPrefix("cluster-pool") else { return }
            for key in ["cluster-pool-ipv4-cidr", "cluster-pool-ipv6-cidr"] {
                guard let node = data[key], let text = node.text else { continue }
                add(text, node: node, statement: node, role: .pod, origin: .cni, resource: r,
                    fieldPath: "data.\(key)", source: "\(label) \(key)", split: .whitespaceOrComma)
            }
        case "kube-flannel-cfg":
            guard let host = data["net-conf.json"], let doc = EmbeddedYAML(host: host, key: data.keyNode("net-conf.json")),
                  let root = doc.root, root.isMapping else { return }
            for key in ["Network", "IPv6Network"] {
                guard let node = root[key], let text = node.text else { continue }
                add(text, node: doc.locate(node), statement: host, role: .pod, origin: .cni, resource: r,
                    fieldPath: "data.net-conf.json.\(key)", source: "\(label) net-conf.json \(key)", split: .single)
            }
        case "istio" where r.namespace == facts.istioNamespace:
            guard let host = data["meshNetworks"], let doc = EmbeddedYAML(host: host, key: data.keyNode("meshNetworks")),
                  let root = doc.root, root.isMapping else { return }
            let networks = root["networks"] ?? root
            readMeshNetworks(networks, resource: r, prefix: "data.meshNetworks.networks", label: "\(label) meshNetworks", embedded: doc)
        default:
            break
        }
    }

    /// kube-controller-manager and kube-apiserver static Pods: `--flag=value` or `--flag value`
    /// in `command` and `args`.
    private mutating func readStaticPod(_ r: Resource) {
        guard let containers = r.spec?["containers"], containers.isSequence else { return }
        for (ci, c) in containers.items.enumerated() {
            var tokens: [(node: YAMLNode, path: String)] = []
            for field in ["command", "args"] {
                guard let list = c[field], list.isSequence else { continue }
                for (i, item) in list.items.enumerated() { tokens.append((item, "spec.containers[\(ci)].\(field)[\(i)]")) }
            }
            let name = c["name"]?.text ?? ""
            let binary = tokens.first.flatMap { $0.node.text }.map { String($0.split(separator: "/").last ?? "") } ?? ""
            let component: String
            if name == "kube-controller-manager" || binary == "kube-controller-manager" {
                component = "kube-controller-manager"
            } else if name == "kube-apiserver" || binary == "kube-apiserver" {
                component = "kube-apiserver"
            } else {
                continue
            }
            let flags: [(String, CIDRRole, CIDROrigin)] = component == "kube-apiserver"
                ? [("--service-cluster-ip-range", .service, .apiServerFlag)]
                : [("--cluster-cidr", .pod, .controllerManagerFlag), ("--service-cluster-ip-range", .service, .controllerManagerFlag)]
            for (i, t) in tokens.enumerated() {
                guard let text = t.node.text else { continue }
                for (flag, role, origin) in flags {
                    var value: String?
                    var node = t.node
                    var path = t.path
                    if text.hasPrefix(flag + "=") {
                        value = String(text.dropFirst(flag.count + 1))
                    } else if text == flag, i + 1 < tokens.count, let next = tokens[i + 1].node.text {
                        value = next
                        node = tokens[i + 1].node
                        path = tokens[i + 1].path
                    }
                    guard let value else { continue }
                    add(value, node: node, statement: node, role: role, origin: origin, resource: r, fieldPath: path,
                        source: "\(component) \(flag) in Pod \(r.namespace)/\(r.name)", split: .comma)
                }
            }
        }
    }

    /// A kubeadm `ClusterConfiguration` (a document, or the text in ConfigMap kubeadm-config).
    private mutating func readKubeadm(_ root: YAMLNode, resource: Resource, prefix: String, label: String, embedded: EmbeddedYAML?) {
        let locate: (YAMLNode) -> YAMLNode = { embedded?.locate($0) ?? $0 }
        let statement = embedded?.host ?? root
        let networking = root["networking"]
        if let node = networking?["podSubnet"], let text = node.text, !text.isEmpty {
            add(text, node: locate(node), statement: locate(node), role: .pod, origin: .clusterConfiguration, resource: resource,
                fieldPath: prefix + "networking.podSubnet", source: "\(label) networking.podSubnet", split: .comma)
        }
        if let node = networking?["serviceSubnet"], let text = node.text, !text.isEmpty {
            add(text, node: locate(node), statement: locate(node), role: .service, origin: .clusterConfiguration, resource: resource,
                fieldPath: prefix + "networking.serviceSubnet", source: "\(label) networking.serviceSubnet", split: .comma)
        } else {
            let anchor = locate(root.keyNode("networking") ?? root.keyNode("kind") ?? root)
            add(Self.kubeadmServiceDefault, node: anchor, statement: statement, role: .service, origin: .clusterConfiguration,
                resource: resource, fieldPath: prefix + "networking.serviceSubnet",
                source: "kubeadm's default for \(label), which does not set networking.serviceSubnet",
                split: .single, isDefault: true)
        }
    }

    /// kind `Cluster` and Cluster API `Cluster` objects. When a cluster sees several of one
    /// kind (a management cluster's inventory, or shared files), only those named after the
    /// cluster count.
    private mutating func readClusterObjects() {
        let all = resourcesOfKind("Cluster")
        let names: Set<String> = [set.clusters[cluster].name, facts.referenceName]
        func pick(_ list: [Resource], name: (Resource) -> String?) -> [Resource] {
            if list.count <= 1 { return list }
            return list.filter { r in name(r).map(names.contains) ?? false }
        }
        let kind = pick(all.filter { $0.group == "kind.x-k8s.io" }) { $0.root["name"]?.text }
        let capi = pick(all.filter { $0.group == "cluster.x-k8s.io" }) { $0.name }
        for r in kind { readKind(r) }
        for r in capi { readClusterAPI(r) }
    }

    private mutating func readKind(_ r: Resource) {
        let networking = r.root["networking"]
        let display = r.root["name"]?.text.map { "kind Cluster \($0)" } ?? "kind Cluster"
        let ipFamily = networking?["ipFamily"]?.text ?? "ipv4"
        let families: [IPFamily] = ipFamily == "ipv6" ? [.v6] : (ipFamily == "dual" ? [.v4, .v6] : [.v4])
        let anchor = r.root.keyNode("networking") ?? r.root["name"] ?? r.root.keyNode("kind") ?? r.root
        for (role, key) in [(CIDRRole.pod, "podSubnet"), (.service, "serviceSubnet")] {
            if let node = networking?[key], let text = node.text, !text.isEmpty {
                add(text, node: node, statement: node, role: role, origin: .clusterConfiguration, resource: r,
                    fieldPath: "networking.\(key)", source: "\(display) networking.\(key)", split: .comma)
                continue
            }
            for d in Self.kindDefaults where families.contains(d.0) {
                let value = role == .pod ? d.pod : d.service
                add(value, node: anchor, statement: anchor, role: role, origin: .clusterConfiguration, resource: r,
                    fieldPath: "networking.\(key)",
                    source: "kind's default for \(display), which does not set networking.\(key)", split: .single, isDefault: true)
            }
        }
    }

    private mutating func readClusterAPI(_ r: Resource) {
        for (role, key) in [(CIDRRole.pod, "pods"), (.service, "services")] {
            guard let list = r.spec?.at("clusterNetwork", key, "cidrBlocks"), list.isSequence else { continue }
            for (i, item) in list.items.enumerated() {
                guard let text = item.text else { continue }
                add(text, node: item, statement: list, role: role, origin: .clusterConfiguration, resource: r,
                    fieldPath: "spec.clusterNetwork.\(key).cidrBlocks[\(i)]",
                    source: "Cluster API Cluster \(r.namespace)/\(r.name) spec.clusterNetwork.\(key).cidrBlocks", split: .single)
            }
        }
    }

    private mutating func readKubeProxy(_ root: YAMLNode, resource: Resource, prefix: String, label: String, embedded: EmbeddedYAML?) {
        guard let node = root["clusterCIDR"], let text = node.text, !text.isEmpty else { return }
        let at = embedded?.locate(node) ?? node
        add(text, node: at, statement: at, role: .pod, origin: .kubeProxy, resource: resource,
            fieldPath: prefix + "clusterCIDR", source: "\(label) clusterCIDR", split: .comma)
    }

    private mutating func readNode(_ r: Resource) {
        guard let spec = r.spec else { return }
        var seen = Set<String>()
        if let list = spec["podCIDRs"], list.isSequence {
            for (i, item) in list.items.enumerated() {
                guard let text = item.text, seen.insert(text).inserted else { continue }
                add(text, node: item, statement: item, role: .pod, origin: .node, resource: r,
                    fieldPath: "spec.podCIDRs[\(i)]", source: "Node \(r.name) spec.podCIDRs", split: .single)
            }
        }
        if let node = spec["podCIDR"], let text = node.text, seen.insert(text).inserted {
            add(text, node: node, statement: node, role: .pod, origin: .node, resource: r,
                fieldPath: "spec.podCIDR", source: "Node \(r.name) spec.podCIDR", split: .single)
        }
    }

    private mutating func readManifest() {
        guard let d = set.clusters[cluster].declaration else { return }
        let i = set.manifest?.clusters.firstIndex { $0.name.value == d.name.value } ?? cluster
        for (role, list, key) in [(CIDRRole.pod, d.podCIDRs, "podCIDRs"), (.service, d.serviceCIDRs, "serviceCIDRs")] {
            for (j, item) in list.enumerated() {
                add(item.value, node: item.node, statement: item.node, role: role, origin: .manifest, resource: nil,
                    fieldPath: "clusters[\(i)].\(key)[\(j)]", source: "meshlint.yaml \(key)", split: .single)
            }
        }
        for (j, item) in d.gatewayAddresses.enumerated() where IPAddress.looksLikeAddress(item.value) {
            checkAddress(item.value, node: item.node, resource: nil, fieldPath: "clusters[\(i)].gatewayAddresses[\(j)]",
                         source: "meshlint.yaml gatewayAddresses", allowCIDR: false,
                         consequence: "the manifest's gateway address cannot be checked against the gateways")
        }
    }

    private mutating func readServiceEntry(_ r: Resource) {
        guard let spec = r.spec else { return }
        let consequence = "Istio rejects the ServiceEntry, so the host it defines does not exist in this cluster"
        if let list = spec["addresses"], list.isSequence {
            for (i, item) in list.items.enumerated() {
                guard let text = item.text, IPAddress.looksLikeAddress(text) else { continue }
                checkAddress(text, node: item, resource: r, fieldPath: "spec.addresses[\(i)]",
                             source: "ServiceEntry \(r.namespace)/\(r.name) spec.addresses", allowCIDR: true, consequence: consequence)
            }
        }
        if let list = spec["endpoints"], list.isSequence {
            for (i, e) in list.items.enumerated() {
                guard let item = e["address"], let text = item.text, IPAddress.looksLikeAddress(text) else { continue }
                checkAddress(text, node: item, resource: r, fieldPath: "spec.endpoints[\(i)].address",
                             source: "ServiceEntry \(r.namespace)/\(r.name) spec.endpoints[\(i)].address", allowCIDR: false,
                             consequence: consequence)
            }
        }
    }

    /// meshNetworks: `networks.<net>.endpoints[].fromCidr` and `gateways[].address`.
    private mutating func readMeshNetworks(_ networks: YAMLNode, resource: Resource?, prefix: String, label: String, embedded: EmbeddedYAML?) {
        guard networks.isMapping else { return }
        let locate: (YAMLNode) -> YAMLNode = { embedded?.locate($0) ?? $0 }
        for (k, v) in networks.pairs {
            guard let net = k.scalar else { continue }
            if let eps = v["endpoints"], eps.isSequence {
                for (i, e) in eps.items.enumerated() {
                    guard let node = e["fromCidr"], let text = node.text else { continue }
                    checkAddress(text, node: locate(node), resource: resource, fieldPath: "\(prefix).\(net).endpoints[\(i)].fromCidr",
                                 source: "\(label) \(net) fromCidr", allowCIDR: true,
                                 consequence: "istiod rejects the mesh networks configuration, so endpoints are not assigned to network \(net)")
                }
            }
            if let gws = v["gateways"], gws.isSequence {
                for (i, g) in gws.items.enumerated() {
                    guard let node = g["address"], let text = node.text, IPAddress.looksLikeAddress(text) else { continue }
                    checkAddress(text, node: locate(node), resource: resource, fieldPath: "\(prefix).\(net).gateways[\(i)].address",
                                 source: "\(label) \(net) gateway address", allowCIDR: false,
                                 consequence: "istiod rejects the mesh networks configuration, so traffic to network \(net) has no gateway")
                }
            }
        }
    }

    // MARK: - Recording

    /// Parses `text` (one or several CIDRs) and records each as a source, or as a problem.
    mutating func add(_ text: String, node: YAMLNode, statement: YAMLNode, role: CIDRRole, origin: CIDROrigin,
                      resource: Resource?, fieldPath: String, source: String, split: Split, isDefault: Bool = false) {
        let parts: [String]
        switch split {
        case .single: parts = [text.cidrTrimmed]
        case .comma: parts = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).cidrTrimmed }
        case .whitespaceOrComma:
            parts = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" || $0 == "\n" }).map(String.init)
        }
        let consequence = role == .pod
            ? "Kubernetes or the CNI rejects the value, and this cluster's pod range cannot be checked for overlaps"
            : "Kubernetes rejects the value, and this cluster's service range cannot be checked for overlaps"
        for part in parts {
            guard !(part.isEmpty && parts.count == 1 && text.cidrTrimmed.isEmpty) else { continue }
            switch CIDR.parse(part) {
            case .failure(let e):
                let err = part.isEmpty ? IPParseError("an entry of the comma-separated list is empty") : e
                problems.append(AddressProblem(kind: .invalid(err), text: part.isEmpty ? text : part, node: node, cluster: cluster,
                                               resource: resource, fieldPath: fieldPath, source: source,
                                               expected: "CIDR", consequence: consequence))
            case .success(let c):
                if c.hostBitsSet {
                    problems.append(AddressProblem(kind: .hostBitsSet(c), text: part, node: node, cluster: cluster,
                                                   resource: resource, fieldPath: fieldPath, source: source,
                                                   expected: "CIDR", consequence: consequence))
                }
                sources.append(CIDRSource(cidr: Sourced(c, node, source: source), role: role, origin: origin, cluster: cluster,
                                          resource: resource, fieldPath: fieldPath, isDefault: isDefault, statement: statement))
            }
        }
    }

    /// Validates an address field that is not a cluster range.
    mutating func checkAddress(_ text: String, node: YAMLNode, resource: Resource?, fieldPath: String, source: String,
                               allowCIDR: Bool, consequence: String) {
        let result: Result<CIDR, IPParseError>
        if text.contains("/") && !allowCIDR {
            result = .failure(IPParseError("a single address is expected here, not a CIDR"))
        } else {
            result = CIDR.parse(text, allowBareAddress: true)
        }
        let expected = allowCIDR ? "IP address or CIDR" : "IP address"
        switch result {
        case .failure(let e):
            problems.append(AddressProblem(kind: .invalid(e), text: text, node: node, cluster: cluster, resource: resource,
                                           fieldPath: fieldPath, source: source, expected: expected, consequence: consequence))
        case .success(let c) where c.hostBitsSet:
            problems.append(AddressProblem(kind: .hostBitsSet(c), text: text, node: node, cluster: cluster, resource: resource,
                                           fieldPath: fieldPath, source: source, expected: expected, consequence: consequence))
        case .success:
            break
        }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var cidrTrimmed: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
