/// A host of a cross-cluster ServiceEntry: `<name>.<namespace>.<suffix>` in the legacy
/// gateway model.
public struct CrossClusterHost: Sendable {
    /// The host as written in `spec.hosts`.
    public let host: Located<String>
    /// Index in `spec.hosts`.
    public let index: Int
    /// The Service name and namespace the host names, when it has the `<name>.<ns>.<suffix>`
    /// shape the gateways' `tcp_cluster_rewrite` (`.<suffix>` → `.svc.<domain>`) needs.
    public let service: (name: String, namespace: String)?
    /// True for a wildcard host (`*.bar.global`).
    public var isWildcard: Bool { host.value.hasPrefix("*") }
    /// The dotted path, for fingerprints.
    public var fieldPath: String { "spec.hosts[\(index)]" }
}

/// An endpoint of a cross-cluster ServiceEntry and where its address leads.
public struct CrossClusterEndpoint: Sendable {
    /// Index in `spec.endpoints`.
    public let index: Int
    /// The endpoint mapping.
    public let node: YAMLNode
    /// `address`, with its key node.
    public let address: Located<String>?
    /// The `address` key (where a missing `ports` map is reported).
    public let addressKey: YAMLNode?
    /// The `ports` mapping and its key, when written.
    public let ports: YAMLNode?
    /// The `ports` key.
    public let portsKey: YAMLNode?
    /// `network` (the egress-gateway variant marks the remote gateway `network: external`).
    public let network: String?
    /// True when the address names a gateway of the calling cluster itself (the local egress
    /// gateway of the egress-gateway variant).
    public let isLocal: Bool
    /// Gateway addresses of other clusters equal to `address` (empty when none matches).
    public let gatewayMatches: [GatewayAddress]
    /// The dotted path, for fingerprints.
    public var fieldPath: String { "spec.endpoints[\(index)]" }
}

/// A ServiceEntry that calls another cluster through its gateway: `location: MESH_INTERNAL`
/// and at least one host under the calling cluster's global domain suffix.
public struct CrossClusterServiceEntry: Sendable {
    /// The ServiceEntry.
    public let resource: Resource
    /// The calling cluster.
    public let caller: Int
    /// The suffix (usually `global`).
    public let suffix: String
    /// Hosts under the suffix.
    public let hosts: [CrossClusterHost]
    /// Endpoints.
    public let endpoints: [CrossClusterEndpoint]
    /// `spec.ports` names and numbers.
    public let ports: [(name: String, number: Int?)]
    /// `spec.exportTo` (`["*"]` when absent).
    public let exportTo: [String]
    /// Clusters whose gateway an endpoint address names.
    public var addressedClusters: [Int] {
        var seen = Set<Int>(), out: [Int] = []
        for e in endpoints { for m in e.gatewayMatches where seen.insert(m.cluster).inserted { out.append(m.cluster) } }
        return out
    }

    /// True when sidecars in namespace `ns` see the entry.
    public func isVisible(to ns: String) -> Bool {
        if exportTo.contains("*") { return true }
        if exportTo.contains(".") && ns == resource.namespace { return true }
        return exportTo.contains(ns)
    }

    /// The port numbers of the entry.
    public var portNumbers: [Int] { ports.compactMap(\.number) }
}

enum CrossClusterServiceEntries {
    /// Reads the cross-cluster ServiceEntries of `cluster`.
    static func read(cluster: Int, entries: [Resource], suffix: String, localAddresses makeLocal: () -> Set<String>,
                     addressOwners: [String: [GatewayAddress]]) -> [CrossClusterServiceEntry] {
        var out: [CrossClusterServiceEntry] = []
        // The cluster's own names and addresses, built on first use (most clusters hold no
        // cross-cluster ServiceEntry, and building it touches every Service).
        var local: Set<String>?
        func localAddresses() -> Set<String> {
            if let local { return local }
            let made = makeLocal()
            local = made
            return made
        }
        for r in entries where r.kind == "ServiceEntry" {
            guard let spec = r.spec, spec["location"]?.text?.uppercased() == "MESH_INTERNAL" else { continue }
            var hosts: [CrossClusterHost] = []
            for (i, h) in (spec["hosts"]?.items ?? []).enumerated() {
                guard let t = h.text, IstioHost.isUnder(t, suffix: suffix) else { continue }
                hosts.append(CrossClusterHost(host: Located(t, h), index: i, service: serviceName(t, suffix: suffix)))
            }
            guard !hosts.isEmpty else { continue }
            var endpoints: [CrossClusterEndpoint] = []
            for (i, e) in (spec["endpoints"]?.items ?? []).enumerated() where e.isMapping {
                let addr = e["address"].flatMap { n in n.text.map { Located($0, n) } }
                let key = addr.map { $0.value.lowercased() } ?? ""
                let matches = (addressOwners[key] ?? []).filter { $0.cluster != cluster }
                endpoints.append(CrossClusterEndpoint(
                    index: i, node: e, address: addr, addressKey: e.keyNode("address"),
                    ports: e["ports"], portsKey: e.keyNode("ports"), network: e["network"]?.text,
                    isLocal: localAddresses().contains(key), gatewayMatches: matches))
            }
            let ports: [(name: String, number: Int?)] = (spec["ports"]?.items ?? []).compactMap { p in
                guard let name = p["name"]?.text else { return nil }
                return (name, p["number"]?.int)
            }
            var exportTo = (spec["exportTo"]?.items ?? []).compactMap(\.text)
            if exportTo.isEmpty { exportTo = ["*"] }
            out.append(CrossClusterServiceEntry(resource: r, caller: cluster, suffix: suffix, hosts: hosts,
                                                endpoints: endpoints, ports: ports, exportTo: exportTo))
        }
        return out
    }

    /// `(name, namespace)` for `<name>.<namespace>.<suffix>`, nil for any other shape.
    static func serviceName(_ host: String, suffix: String) -> (name: String, namespace: String)? {
        var h = host.lowercased()
        while h.hasSuffix(".") { h.removeLast() }
        guard !h.hasPrefix("*"), h.hasSuffix("." + suffix) else { return nil }
        let parts = h.dropLast(suffix.count + 1).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }
}
