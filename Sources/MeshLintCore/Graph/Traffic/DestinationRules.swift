/// One DestinationRule as Istio's lookup sees it.
public struct DestinationRuleEntry: Sendable {
    /// The DestinationRule (written or implied).
    public let resource: Resource
    /// Set when an install renders it.
    public let implied: ImpliedResource?
    /// `spec.host` as written.
    public let host: Located<String>
    /// The host fully qualified in the rule's namespace (short names get `.<ns>.svc.<domain>`).
    public let qualifiedHost: String
    /// `metadata.namespace`.
    public let namespace: String
    /// `spec.exportTo`; `["*"]` when absent (Istio's default).
    public let exportTo: [String]
    /// `spec.trafficPolicy.tls.mode`.
    public let tlsMode: Located<String>?
    /// `spec.trafficPolicy.portLevelSettings[].tls.mode` by port number.
    public let portTLSModes: [Int: Located<String>]

    /// True when Istio lets a sidecar in namespace `client` use this rule through export
    /// (the rule's own namespace always sees it).
    public func isExported(to client: String) -> Bool {
        if exportTo.contains("*") { return true }
        if exportTo.contains("~") { return false }
        if exportTo.contains(".") && client == namespace { return true }
        return exportTo.contains(client)
    }

    /// True when every port in `ports` (or the whole rule, for an empty list) gets Istio mTLS:
    /// `tls.mode: ISTIO_MUTUAL`, or a port-level `ISTIO_MUTUAL` for each port.
    public func isIstioMutual(ports: [Int]) -> Bool {
        if tlsMode?.value == "ISTIO_MUTUAL" {
            return ports.allSatisfy { portTLSModes[$0].map { $0.value == "ISTIO_MUTUAL" } ?? true }
        }
        guard !ports.isEmpty else { return false }
        return ports.allSatisfy { portTLSModes[$0]?.value == "ISTIO_MUTUAL" }
    }

    /// The node that says what TLS the rule applies: `tls.mode` when written, else the host.
    public var tlsNode: YAMLNode { tlsMode?.node ?? host.node }

    /// "DestinationRule foo/name (host x)" or the implied rule's origin.
    public var display: String {
        if let implied { return "the implied DestinationRule \(namespace)/\(resource.name) (host \(host.value), \(implied.origin))" }
        return "DestinationRule \(namespace)/\(resource.name) (host \(host.value))"
    }
}

/// The DestinationRules of one cluster (written and implied) with Istio's selection order for
/// a host seen from a client namespace:
/// 1. rules in the client's own namespace (any exportTo), most specific host first;
/// 2. rules in the service's namespace exported to the client;
/// 3. rules in the root namespace (`meshConfig.rootNamespace`, default the Istio namespace)
///    exported to the client.
/// Within a step an exact host beats any wildcard and a longer wildcard beats a shorter one;
/// only the first rule found applies (no merging), which is why a specific rule without
/// `ISTIO_MUTUAL` silently drops the mTLS of a `*.global` rule.
public struct DestinationRuleIndex: Sendable {
    /// Every rule of the cluster.
    public let rules: [DestinationRuleEntry]
    /// The config root namespace.
    public let rootNamespace: String
    let byNamespace: [String: [Int]]

    init(resources: [Resource], implied: [ImpliedResource], rootNamespace: String, domain: String) {
        var rules: [DestinationRuleEntry] = []
        let impliedByRoot = Dictionary(implied.map { ($0.resource.root, $0) }, uniquingKeysWith: { a, _ in a })
        for r in resources where r.kind == "DestinationRule" {
            guard let hostNode = r.spec?["host"], let host = hostNode.text, !host.isEmpty else { continue }
            var exportTo = (r.spec?["exportTo"]?.items ?? []).compactMap(\.text)
            if exportTo.isEmpty { exportTo = ["*"] }
            var ports: [Int: Located<String>] = [:]
            for p in r.spec?.at("trafficPolicy", "portLevelSettings")?.items ?? [] {
                if let n = p.at("port", "number")?.int, let m = p.at("tls", "mode"), let t = m.text { ports[n] = Located(t, m) }
            }
            let mode = r.spec?.at("trafficPolicy", "tls", "mode").flatMap { n in n.text.map { Located($0, n) } }
            rules.append(DestinationRuleEntry(
                resource: r, implied: impliedByRoot[r.root], host: Located(host, hostNode),
                qualifiedHost: IstioHost.qualified(host, namespace: r.namespace, domain: domain),
                namespace: r.namespace, exportTo: exportTo, tlsMode: mode, portTLSModes: ports))
        }
        self.rules = rules
        self.rootNamespace = rootNamespace
        var by: [String: [Int]] = [:]
        var exact: [String: [String: [Int]]] = [:]
        var wild: [String: [Int]] = [:]
        for (i, r) in rules.enumerated() {
            by[r.namespace, default: []].append(i)
            if r.qualifiedHost.hasPrefix("*") { wild[r.namespace, default: []].append(i) }
            else { exact[r.namespace, default: [:]][r.qualifiedHost.lowercased(), default: []].append(i) }
        }
        self.byNamespace = by
        self.exactByNamespace = exact
        self.wildcardsByNamespace = wild
    }

    /// Per namespace: rules with an exact host by that host (lowercased), and the wildcard
    /// rules, each list in rule order (for `applying`).
    let exactByNamespace: [String: [String: [Int]]]
    let wildcardsByNamespace: [String: [Int]]

    /// Every rule that matches `host` for a sidecar in namespace `client`, in the order Istio
    /// considers them; the first one is the rule that applies. `serviceNamespace` is the
    /// namespace of the Service or ServiceEntry that defines the host.
    public func candidates(host: String, client: String, serviceNamespace: String) -> [DestinationRuleEntry] {
        var out: [Int] = []
        var seen = Set<Int>()
        func step(_ ns: String, exported: Bool) {
            let hits = (byNamespace[ns] ?? []).filter { i in
                let r = rules[i]
                return IstioHost.matches(pattern: r.qualifiedHost, host: host) && (!exported || r.isExported(to: client))
            }
            let ordered = hits.enumerated().sorted { a, b in
                let sa = IstioHost.specificity(rules[a.element].qualifiedHost), sb = IstioHost.specificity(rules[b.element].qualifiedHost)
                return sa != sb ? sa > sb : a.offset < b.offset
            }
            for (_, i) in ordered where seen.insert(i).inserted { out.append(i) }
        }
        step(client, exported: false)
        step(serviceNamespace, exported: true)
        step(rootNamespace, exported: true)
        return out.map { rules[$0] }
    }

    /// The rule that applies to `host` for a sidecar in `client`, if any.
    /// The same as the first of `candidates`, without building the list: the most specific
    /// match (the first of equals) of the first step that has one.
    public func applying(host: String, client: String, serviceNamespace: String) -> DestinationRuleEntry? {
        // An exact host beats every wildcard: looked up by name first (the first such rule in
        // order wins, as in `candidates`), then the wildcards are scanned.
        let lowered = host.lowercased()
        func best(_ ns: String, exported: Bool) -> Int? {
            for i in exactByNamespace[ns]?[lowered] ?? [] where !exported || rules[i].isExported(to: client) {
                return i
            }
            var found: Int?, foundSpecificity = Int.min
            // Fields read in place (an entry is a large struct: no copy per rule looked at).
            for i in wildcardsByNamespace[ns] ?? [] {
                guard IstioHost.matches(pattern: rules[i].qualifiedHost, host: host), !exported || rules[i].isExported(to: client) else { continue }
                let s = IstioHost.specificity(rules[i].qualifiedHost)
                if found == nil || s > foundSpecificity { found = i; foundSpecificity = s }
            }
            return found
        }
        guard let i = best(client, exported: false) ?? best(serviceNamespace, exported: true) ?? best(rootNamespace, exported: true) else { return nil }
        return rules[i]
    }

    /// Namespaces holding a rule whose host matches `host` (clients there may see a different rule).
    public func namespaces(matching host: String) -> [String] {
        byNamespace.keys.sorted().filter { ns in
            (byNamespace[ns] ?? []).contains { IstioHost.matches(pattern: rules[$0].qualifiedHost, host: host) }
        }
    }
}
