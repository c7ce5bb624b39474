/// One place that states a cluster's DNS domain.
public struct ClusterDomainSource: Sendable {
    /// The domain, without a trailing dot.
    public let value: String
    /// Where it is written.
    public let location: SourceLocation
    /// "IstioOperator istio-system/x spec.values.global.proxy.clusterDomain", "KubeletConfiguration clusterDomain", ...
    public let source: String
    /// The resource stating it (nil for Helm values).
    public let resource: Resource?
    /// Dotted path inside that resource.
    public let fieldPath: String?
}

/// The DNS domain a cluster's services are named under, as Istio uses it and as the platform does.
public struct ClusterDomains: Sendable {
    /// Istio's (`values.global.proxy.clusterDomain`, the injector's values, istiod's `--domain`).
    public let istio: [ClusterDomainSource]
    /// The platform's: kubelet `clusterDomain`, kubeadm `networking.dnsDomain`, the CoreDNS
    /// `kubernetes` plugin's zone.
    public let platform: [ClusterDomainSource]
    /// True when the cluster has an Istio install in the set (so an unstated Istio domain is the
    /// default `cluster.local`).
    public let hasIstio: Bool

    /// The domain Istio names the cluster's services under: the stated one, the default
    /// `cluster.local` for an install that states none, nil when the set holds no install.
    public var istioDomain: String? { istio.first?.value ?? (hasIstio ? "cluster.local" : nil) }
}

extension MeshGraph {
    /// The cluster's DNS domains with every place that states them.
    public func clusterDomains(_ c: Int) -> ClusterDomains {
        let f = facts[c]
        var istio = f.clusterDomain.sources.map { s in
            ClusterDomainSource(value: ClusterDomainReader.trim(s.value), location: s.location, source: s.source,
                                resource: s.resource ?? f.installs.first { $0.root.file === s.node.file }?.resource, fieldPath: s.fieldPath)
        }
        for r in f.rendered.istiods {
            for c in r.templateSpec?["containers"]?.items ?? [] where c["name"]?.scalarEquals("discovery") == true {
                let args = c["args"]?.items ?? []
                for (i, a) in args.enumerated() {
                    guard let t = a.text else { continue }
                    var value: YAMLNode?
                    if t == "--domain", i + 1 < args.count { value = args[i + 1] }
                    if let v = value, let d = v.text, !d.isEmpty {
                        istio.append(ClusterDomainSource(value: ClusterDomainReader.trim(d), location: SourceLocation(v),
                                                         source: "Deployment \(r.namespace)/\(r.name) args --domain", resource: r, fieldPath: "spec.template.spec.containers.args"))
                    } else if t.hasPrefix("--domain=") {
                        istio.append(ClusterDomainSource(value: ClusterDomainReader.trim(String(t.dropFirst(9))), location: SourceLocation(a),
                                                         source: "Deployment \(r.namespace)/\(r.name) args --domain", resource: r, fieldPath: "spec.template.spec.containers.args"))
                    }
                }
            }
        }
        var platform: [ClusterDomainSource] = []
        for r in resources("KubeletConfiguration", in: c) {
            if let n = r.root["clusterDomain"], let t = n.text, !t.isEmpty {
                platform.append(ClusterDomainSource(value: ClusterDomainReader.trim(t), location: SourceLocation(n),
                                                    source: "KubeletConfiguration clusterDomain", resource: r, fieldPath: "clusterDomain"))
            }
        }
        for r in resources("ClusterConfiguration", in: c) where r.group.hasPrefix("kubeadm.k8s.io") {
            if let n = r.root.at("networking", "dnsDomain"), let t = n.text, !t.isEmpty {
                platform.append(ClusterDomainSource(value: ClusterDomainReader.trim(t), location: SourceLocation(n),
                                                    source: "kubeadm ClusterConfiguration networking.dnsDomain", resource: r, fieldPath: "networking.dnsDomain"))
            }
        }
        for r in resources("ConfigMap", in: c) where r.name == "kubeadm-config" {
            guard let data = r.root["data"], let host = data["ClusterConfiguration"],
                  let doc = EmbeddedYAML(host: host, key: data.keyNode("ClusterConfiguration")),
                  let n = doc.root?.at("networking", "dnsDomain"), let t = n.text, !t.isEmpty else { continue }
            platform.append(ClusterDomainSource(value: ClusterDomainReader.trim(t), location: SourceLocation(doc.locate(n)),
                                                source: "ConfigMap \(r.namespace)/kubeadm-config ClusterConfiguration networking.dnsDomain",
                                                resource: r, fieldPath: "data.ClusterConfiguration networking.dnsDomain"))
        }
        for cf in traffic.dns[c].corefiles where !cf.isOverride {
            for block in cf.corefile.blocks where block.keys.contains(where: \.servesClusterDNS) {
                for d in block.directives where d.name.text == "kubernetes" {
                    guard let zone = d.args.first(where: { ClusterDomainReader.isClusterZone($0.text) }) else { continue }
                    platform.append(ClusterDomainSource(value: ClusterDomainReader.trim(zone.text), location: zone.location,
                                                        source: "CoreDNS Corefile `kubernetes` zone (ConfigMap \(cf.resource.namespace)/\(cf.resource.name))",
                                                        resource: cf.resource, fieldPath: cf.fieldPath))
                }
            }
        }
        let hasIstio = f.installs.contains { !$0.isGatewayOnly } || !f.rendered.istiods.isEmpty || !f.rendered.injectorValues.isEmpty
        return ClusterDomains(istio: istio, platform: platform, hasIstio: hasIstio)
    }

    /// Services (namespace/name) defined in two or more clusters that take part in endpoint
    /// discovery, with those clusters, in key order; the Kubernetes and Istio system namespaces
    /// are left out (every cluster has them).
    public func servicesSharedAcrossClusters() -> [(key: String, clusters: [Int])] {
        var out: [(key: String, clusters: [Int])] = []
        for (key, indices) in servicesByKey.sorted(by: { $0.key < $1.key }) {
            let ns = key.split(separator: "/").first.map(String.init) ?? ""
            guard !["kube-system", "kube-public", "kube-node-lease"].contains(ns), key != "default/kubernetes" else { continue }
            let clusters = Array(Set(indices.map { set.resources[$0].clusterIndex })).sorted()
                .filter { discovery.participates[$0] && facts[$0].istioNamespace != ns }
            if clusters.count >= 2 { out.append((key, clusters)) }
        }
        return out
    }
}

enum ClusterDomainReader {
    static func trim(_ s: String) -> String { s.hasSuffix(".") ? String(s.dropLast()) : s }

    /// A `kubernetes` plugin argument naming the cluster zone (not a reverse zone or a CIDR).
    static func isClusterZone(_ s: String) -> Bool {
        let z = s.lowercased()
        return !z.hasSuffix("in-addr.arpa") && !z.hasSuffix("in-addr.arpa.") && !z.hasSuffix("ip6.arpa") && !z.hasSuffix("ip6.arpa.")
            && !z.contains("/") && z.first?.isLetter == true && z != "{"
    }
}
