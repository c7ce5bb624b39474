/// A host a cluster's routing names that, as a DNS name, is a Kubernetes Service
/// (`name`, `name.namespace`, `name.namespace.svc`, `name.namespace.svc.<domain>`).
public struct RoutedServiceHost: Sendable {
    /// The VirtualService or DestinationRule.
    public let resource: Resource
    /// The host as written, with its node.
    public let host: Located<String>
    /// Dotted path of the host in the resource (`spec.hosts[0]`, `spec.host`).
    public let fieldPath: String
    /// The Service the name resolves to.
    public let serviceName: String
    /// Its namespace (a short name takes the resource's namespace).
    public let serviceNamespace: String
}

extension MeshGraph {
    /// Hosts the applications of `cluster` resolve through cluster DNS because its routing names
    /// them: `spec.hosts` of VirtualServices that apply to sidecars (no `gateways`, or `mesh`
    /// among them) and `spec.host` of DestinationRules. Route destinations are left out: the
    /// sidecar resolves them from the service registry, not DNS. Wildcards, IP addresses, hosts
    /// under the global suffix and hosts a ServiceEntry of the cluster defines are skipped, and
    /// so is any name that is not shaped like a Service name of the cluster's domain.
    /// Read once per cluster while the graph is built (MC804, MC604 and MC705 all ask for them,
    /// MC804 also for a remote's primary).
    public func routedServiceHosts(in cluster: Int) -> [RoutedServiceHost] {
        cluster < routedHosts.count ? routedHosts[cluster] : []
    }

    /// `routedServiceHosts(in:)` of one cluster, from its facts, its global suffix and its
    /// resources by kind.
    static func readRoutedServiceHosts(facts f: ClusterFacts, suffix: String, resources: (String) -> [Resource]) -> [RoutedServiceHost] {
        // ServiceEntry hosts: exact names in a set, wildcards (the only ones `matches` can take
        // for a name they are not equal to) in a list.
        var entryNames = Set<String>()
        var entryWildcards: [String] = []
        for se in resources("ServiceEntry") {
            for item in se.spec?["hosts"]?.items ?? [] {
                guard let host = item.text?.lowercased() else { continue }
                if host.hasPrefix("*") { entryWildcards.append(host) } else { entryNames.insert(host) }
            }
        }
        var out: [RoutedServiceHost] = []
        func consider(_ r: Resource, _ node: YAMLNode, _ path: String) {
            guard let text = node.text, let svc = Self.serviceName(text, namespace: r.namespace, domain: f.domain) else { return }
            let h = text.lowercased()
            guard !IstioHost.isUnder(h, suffix: suffix), !IPAddress.looksLikeAddress(h) else { return }
            if !entryNames.isEmpty || !entryWildcards.isEmpty {
                let qualified = "\(svc.name).\(svc.namespace).svc.\(f.domain)"
                if entryNames.contains(h) || entryNames.contains(qualified.lowercased())
                    || entryWildcards.contains(where: { IstioHost.matches(pattern: $0, host: qualified) }) { return }
            }
            out.append(RoutedServiceHost(resource: r, host: Located(text, node), fieldPath: path,
                                         serviceName: svc.name, serviceNamespace: svc.namespace))
        }
        for vs in resources("VirtualService") {
            guard let spec = vs.spec else { continue }
            let gateways = (spec["gateways"]?.items ?? []).compactMap(\.text)
            guard gateways.isEmpty || gateways.contains("mesh") else { continue }
            for (i, h) in (spec["hosts"]?.items ?? []).enumerated() { consider(vs, h, "spec.hosts[\(i)]") }
        }
        for dr in resources("DestinationRule") {
            if let h = dr.spec?["host"] { consider(dr, h, "spec.host") }
        }
        return out
    }

    /// The Service (name, namespace) a host names as a DNS name seen from `namespace`: a short
    /// name, `name.ns`, `name.ns.svc` or `name.ns.svc.<domain>`; nil for anything else.
    static func serviceName(_ host: String, namespace: String, domain: String) -> (name: String, namespace: String)? {
        // Byte-level for ASCII names (every routed host and DestinationRule host comes here).
        switch ASCIIName.serviceLabels(host, domain: domain) {
        case .notService?: return nil
        case .short(let name)?: return (name, namespace)
        case .qualified(let name, let ns)?: return (name, ns)
        case nil: break
        }
        var h = host.lowercased()
        while h.hasSuffix(".") { h.removeLast() }
        guard !h.isEmpty, !h.contains("*") else { return nil }
        let labels = h.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard labels.allSatisfy({ !$0.isEmpty }) else { return nil }
        switch labels.count {
        case 1: return (labels[0], namespace)
        case 2: return (labels[0], labels[1])
        default:
            guard labels[2] == "svc" else { return nil }
            let rest = labels.dropFirst(3).joined(separator: ".")
            return rest.isEmpty || rest == domain.lowercased() ? (labels[0], labels[1]) : nil
        }
    }
}
