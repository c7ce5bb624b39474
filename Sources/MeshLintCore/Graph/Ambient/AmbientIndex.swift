/// A Kubernetes label selector (`matchLabels` and `matchExpressions` with `In`, `NotIn`,
/// `Exists`, `DoesNotExist`), as `meshConfig.serviceScopeConfigs` carries them.
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    /// One `matchExpressions` entry.
    public struct Requirement: Sendable, Hashable {
        public let key: String
        public let op: String
        public let values: [String]
    }

    public let matchLabels: [String: String]
    public let requirements: [Requirement]

    /// True when it has no terms: istiod's `matchServiceScope` treats an empty or absent
    /// selector as selecting everything.
    public var isEmpty: Bool { matchLabels.isEmpty && requirements.isEmpty }

    init(_ node: YAMLNode?) {
        var labels: [String: String] = [:]
        for (k, v) in node?["matchLabels"]?.pairs ?? [] { if let key = k.text { labels[key] = v.text ?? "" } }
        var reqs: [Requirement] = []
        for e in node?["matchExpressions"]?.items ?? [] {
            guard let key = e["key"]?.text, let op = e["operator"]?.text else { continue }
            reqs.append(Requirement(key: key, op: op, values: e["values"]?.stringItems ?? []))
        }
        matchLabels = labels
        requirements = reqs
    }

    /// Kubernetes semantics; an unknown operator matches nothing (the API server rejects it).
    public func matches(_ labels: [String: String]) -> Bool {
        for (k, v) in matchLabels where labels[k] != v { return false }
        for r in requirements {
            let value = labels[r.key]
            switch r.op {
            case "In": if value.map({ !r.values.contains($0) }) ?? true { return false }
            case "NotIn": if let v = value, r.values.contains(v) { return false }
            case "Exists": if value == nil { return false }
            case "DoesNotExist": if value != nil { return false }
            default: return false
            }
        }
        return true
    }

    /// A canonical text form, for comparing selectors across clusters.
    public var description: String {
        let l = matchLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let r = requirements.map { "\($0.key) \($0.op) (\($0.values.sorted().joined(separator: ",")))" }.sorted()
        return (l + r).joined(separator: "; ")
    }
}

/// One `meshConfig.serviceScopeConfigs` entry.
public struct ServiceScopeConfig: Sendable, Hashable {
    public let namespaceSelector: LabelSelector
    public let servicesSelector: LabelSelector
    /// `scope: GLOBAL` (anything else is LOCAL).
    public let isGlobal: Bool
}

/// A cluster's effective `meshConfig.serviceScopeConfigs`, and where it comes from.
public struct ServiceScopeFact: Sendable {
    /// The entries (empty when the install sets none and does not use the ambient profile).
    public let configs: [ServiceScopeConfig]
    /// Where they are stated: the `serviceScopeConfigs` node, or the `profile: ambient` node
    /// when the profile's default applies; nil when nothing states any.
    public let source: Sourced<String>?
    /// True when the configs are the ambient profile's default (`istio.io/global In [true]`).
    public let fromProfile: Bool

    /// A canonical form for comparing clusters.
    public var canonical: String {
        configs.map { "\($0.isGlobal ? "GLOBAL" : "LOCAL") ns[\($0.namespaceSelector)] svc[\($0.servicesSelector)]" }.joined(separator: " | ")
    }

    /// The scope istiod's `matchServiceScope` gives a Service with these Service and Namespace
    /// labels: GLOBAL when some GLOBAL entry's selectors both match (empty selectors match all).
    public func isGlobal(service: [String: String], namespace: [String: String]) -> Bool {
        configs.contains { c in
            c.isGlobal && c.namespaceSelector.matches(namespace) && c.servicesSelector.matches(service)
        }
    }
}

/// The effective waypoint of a Service (`istio.io/use-waypoint` on the Service, else on its
/// Namespace; `istio.io/use-waypoint-namespace` names the waypoint's namespace).
public struct WaypointUse: Sendable {
    /// `namespace/name` of the waypoint, or nil for `none` (opted out).
    public let key: String?
    /// The label that states it.
    public let label: Located<String>
    /// The resource carrying the label (the Service or its Namespace).
    public let carrier: Resource
}

/// Ambient multicluster facts per cluster (istiod's ambient multi-network switch, service
/// scope, waypoints), read once when the graph is built (a scan of each cluster's installs,
/// Namespaces and Gateways: cheap enough not to need the parallel map).
public struct AmbientIndex: Sendable {
    /// istiod env `AMBIENT_ENABLE_MULTI_NETWORK` per cluster, every place that sets it.
    public let multiNetwork: [[Sourced<String>]]
    /// istiod env `PILOT_ENABLE_AMBIENT` per cluster, or the ambient profile (which sets it).
    public let ambientEnabled: [[Sourced<String>]]
    /// Effective `serviceScopeConfigs` per cluster.
    public let scope: [ServiceScopeFact]
    /// Labels of each cluster's Namespaces by name.
    public let namespaceLabels: [[String: [String: String]]]
    /// Namespaces of each cluster by name.
    public let namespaces: [[String: Resource]]
    /// Waypoint Gateways (class `istio-waypoint`) of each cluster by `namespace/name`.
    public let waypoints: [[String: GatewayAPIGateway]]

    /// How istiod reads a boolean env value (`true`, `1`).
    public static func isTrue(_ value: String) -> Bool { DataPlaneReader.isTrue(value) }

    static let multiNetworkVariable = "AMBIENT_ENABLE_MULTI_NETWORK"
    static let globalLabel = "istio.io/global"

    init(facts: [ClusterFacts], gatewayAPI: [[GatewayAPIGateway]], resources: (String, Int) -> [Resource]) {
        let perCluster = facts.indices.map { c -> ([Sourced<String>], ServiceScopeFact, [String: Resource], [String: GatewayAPIGateway]) in
            let f = facts[c]
            var enabled = f.istiodEnv[DataPlaneReader.ambientVariable] ?? []
            if let p = f.profile.sources.first(where: { $0.value == "ambient" }) { enabled.append(p) }
            var ns: [String: Resource] = [:]
            for r in resources("Namespace", c) where ns[r.name] == nil { ns[r.name] = r }
            var wps: [String: GatewayAPIGateway] = [:]
            for g in gatewayAPI[c] where g.gatewayClass == .waypoint { wps["\(g.resource.namespace)/\(g.resource.name)"] = g }
            return (enabled, Self.readScope(f), ns, wps)
        }
        multiNetwork = facts.map { ($0.istiodEnv[Self.multiNetworkVariable] ?? []) }
        ambientEnabled = perCluster.map(\.0)
        scope = perCluster.map(\.1)
        namespaces = perCluster.map(\.2)
        namespaceLabels = perCluster.map { $0.2.mapValues { r in r.labels.mapValues(\.value) } }
        waypoints = perCluster.map(\.3)
    }

    /// `serviceScopeConfigs` from the install (IstioOperator `spec.meshConfig`, Helm values
    /// `meshConfig`, the rendered `istio` ConfigMap), else the ambient profile's default.
    static func readScope(_ f: ClusterFacts) -> ServiceScopeFact {
        func parse(_ list: YAMLNode) -> [ServiceScopeConfig] {
            list.items.map { e in
                ServiceScopeConfig(namespaceSelector: LabelSelector(e["namespaceSelector"]),
                                   servicesSelector: LabelSelector(e["servicesSelector"]),
                                   isGlobal: e["scope"]?.text == "GLOBAL")
            }
        }
        for i in f.installs {
            for (base, label) in [(i.spec?["meshConfig"], "spec.meshConfig"), (i.values?["meshConfig"], i.resource == nil ? "meshConfig" : "spec.values.meshConfig")] {
                if let list = base?["serviceScopeConfigs"], let key = base?.keyNode("serviceScopeConfigs") {
                    return ServiceScopeFact(configs: parse(list), source: Sourced("serviceScopeConfigs", key, source: "\(i.label) \(label).serviceScopeConfigs",
                                                                                    resource: i.resource, fieldPath: "\(label).serviceScopeConfigs"),
                                            fromProfile: false)
                }
            }
        }
        for m in f.rendered.meshConfigs {
            if let list = m.embedded.root?["serviceScopeConfigs"], let key = m.embedded.root?.keyNode("serviceScopeConfigs") {
                return ServiceScopeFact(configs: parse(list), source: Sourced("serviceScopeConfigs", m.embedded.locate(key), source: "\(m.label) serviceScopeConfigs",
                                                                                resource: m.resource, fieldPath: "data.\(m.key) serviceScopeConfigs"),
                                        fromProfile: false)
            }
        }
        if let p = f.profile.sources.first(where: { $0.value == "ambient" }) {
            // manifests/helm-profiles/ambient.yaml: services labelled istio.io/global=true are GLOBAL.
            let selector = LabelSelector(matchLabels: [:], requirements: [.init(key: globalLabel, op: "In", values: ["true"])])
            return ServiceScopeFact(configs: [ServiceScopeConfig(namespaceSelector: LabelSelector(matchLabels: [:], requirements: []),
                                                                 servicesSelector: selector, isGlobal: true)],
                                    source: p, fromProfile: true)
        }
        return ServiceScopeFact(configs: [], source: nil, fromProfile: false)
    }
}

extension LabelSelector {
    init(matchLabels: [String: String], requirements: [Requirement]) {
        self.matchLabels = matchLabels
        self.requirements = requirements
    }
}

extension MeshGraph {
    /// True when `cluster`'s istiod has `AMBIENT_ENABLE_MULTI_NETWORK=true` (the code default is
    /// false, `pilot/pkg/features/ambient.go`).
    public func ambientMultiNetworkEnabled(_ cluster: Int) -> Bool {
        ambient.multiNetwork[cluster].contains { DataPlaneReader.isTrue($0.value) }
    }

    /// Clusters that take part in endpoint discovery, grouped by the network their proxies
    /// report (clusters stating none are left out), in cluster order.
    public func discoveryNetworks() -> [(network: String, clusters: [Int])] {
        var by: [String: [Int]] = [:]
        var order: [String] = []
        for c in set.clusters.indices where ingress.usesEndpointDiscovery && discovery.participates[c] {
            guard let n = dataPlaneNetwork(c)?.value else { continue }
            if by[n] == nil { order.append(n) }
            by[n, default: []].append(c)
        }
        return order.map { ($0, by[$0]!) }
    }

    /// True when the set is an ambient multi-network mesh: endpoint discovery across two or
    /// more networks with ambient workloads in some cluster of it.
    public var isAmbientMultiNetwork: Bool {
        let nets = discoveryNetworks()
        return nets.count >= 2 && nets.contains { $0.clusters.contains { dataPlane($0).hasAmbient } }
    }

    /// The labels of Namespace `name` in `cluster` (empty when the set does not hold it).
    public func namespaceLabels(_ name: String, in cluster: Int) -> [String: String] {
        ambient.namespaceLabels[cluster][name] ?? [:]
    }

    /// The waypoint `service` uses in its own cluster: its `istio.io/use-waypoint` label, else
    /// its Namespace's (`pilot/pkg/serviceregistry/ambient/waypoints.go` fetchWaypointForTarget).
    public func waypointUse(of service: Resource) -> WaypointUse? {
        func use(_ r: Resource) -> WaypointUse? {
            guard let l = r.label("istio.io/use-waypoint"), !l.value.isEmpty else { return nil }
            if l.value == "none" { return WaypointUse(key: nil, label: l, carrier: r) }
            let ns = r.label("istio.io/use-waypoint-namespace")?.value ?? service.namespace
            return WaypointUse(key: "\(ns)/\(l.value)", label: l, carrier: r)
        }
        if let u = use(service) { return u }
        if let ns = ambient.namespaces[service.clusterIndex][service.namespace] { return use(ns) }
        return nil
    }
}

extension MeshGraph {
    static let workloadKinds = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod"]

    /// Whether `service` has workloads in its own cluster: nil when the cluster holds no
    /// workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod) at all, or the Service has
    /// no selector (the set cannot tell); else whether a pod template of its namespace carries
    /// every selector label.
    public func hasWorkloads(_ service: Resource) -> Bool? {
        guard let sel = service.spec?["selector"], sel.isMapping, !sel.pairs.isEmpty else { return nil }
        var selector: [String: String] = [:]
        for (k, v) in sel.pairs { if let key = k.text { selector[key] = v.text ?? "" } }
        var any = false
        for kind in Self.workloadKinds {
            for w in resources(kind, in: service.clusterIndex) {
                any = true
                guard w.namespace == service.namespace else { continue }
                let labels = kind == "Pod" ? w.labelsNode : w.templateMetadata?["labels"]
                if selector.allSatisfy({ labels?[$0.key]?.text == $0.value }) { return true }
            }
        }
        return any ? false : nil
    }
}

extension MeshGraph {
    /// Ambient primaries of the endpoint-discovery mesh, in cluster order.
    public func ambientPrimaries() -> [Int] {
        discoveryNetworks().flatMap(\.clusters).sorted().filter { dataPlane($0).hasAmbient && facts[$0].role != .remote }
    }

    /// The service scope the mesh uses: that of the first ambient primary that states one
    /// (MC703 reports clusters that differ from the others).
    public func meshServiceScope() -> ServiceScopeFact? {
        ambientPrimaries().lazy.map { self.ambient.scope[$0] }.first { !$0.configs.isEmpty }
    }

    /// False when `scope` selects by Namespace labels and the set does not hold the Service's
    /// Namespace in its cluster: its scope then cannot be told (the cluster has the Namespace,
    /// the set just does not show it).
    public func scopeIsKnown(_ service: Resource, by scope: ServiceScopeFact) -> Bool {
        !scope.configs.contains { $0.isGlobal && !$0.namespaceSelector.isEmpty }
            || ambient.namespaces[service.clusterIndex][service.namespace] != nil
    }

    /// True when `service` is GLOBAL by `scope` (its own and its Namespace's labels).
    public func isGlobal(_ service: Resource, by scope: ServiceScopeFact) -> Bool {
        scope.isGlobal(service: service.labels.mapValues(\.value), namespace: namespaceLabels(service.namespace, in: service.clusterIndex))
    }

    /// Services of `clusters` grouped by `namespace/name`, groups in first-seen order.
    public func servicesByKey(in clusters: [Int]) -> [(key: String, services: [Resource])] {
        var groups: [String: [Resource]] = [:]
        var order: [String] = []
        for c in clusters {
            for s in resources("Service", in: c) {
                let key = "\(s.namespace)/\(s.name)"
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(s)
            }
        }
        return order.map { ($0, groups[$0]!) }
    }
}
