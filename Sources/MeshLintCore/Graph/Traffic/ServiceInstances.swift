/// One port of a Service as written, with what Istio makes of it.
public struct ServicePortFact: Sendable {
    /// The `ports[]` item and its index there.
    public let node: YAMLNode
    public let index: Int
    /// `port`.
    public let number: Located<Int>
    /// `name`, when written.
    public let name: Located<String>?
    /// `protocol` (Kubernetes, default `TCP`) and its node when written.
    public let transport: String
    public let transportNode: YAMLNode?
    /// `appProtocol`, when written.
    public let appProtocol: Located<String>?

    /// The protocol Istio selects for the port: `appProtocol` first, then the name's prefix
    /// before `-` (or the whole name), else auto-detection (`pilot/pkg/serviceregistry/kube`
    /// ConvertProtocol; UDP ports are UDP whatever the name says).
    public var istioProtocol: String {
        if transport == "UDP" { return "UDP" }
        if transport == "SCTP" { return "SCTP" }
        if let a = appProtocol?.value.lowercased(), let p = Self.known(a) { return p }
        if let n = name?.value.lowercased() {
            let prefix = n.split(separator: "-", maxSplits: 1).first.map(String.init) ?? n
            if let p = Self.known(prefix) { return p }
            if n.hasPrefix("grpc-web") { return "GRPC-Web" }
        }
        return "auto-detected"
    }

    static func known(_ s: String) -> String? {
        switch s {
        case "http", "http2", "https", "tcp", "tls", "grpc", "mongo", "mysql", "redis", "udp": return s.uppercased()
        case "grpc-web": return "GRPC-Web"
        case "kubernetes.io/h2c": return "HTTP2"
        case "kubernetes.io/ws": return "HTTP"
        case "kubernetes.io/wss": return "HTTPS"
        default: return nil
        }
    }
}

/// A Service's definition in one cluster: the parts that must agree across clusters.
/// A class (immutable): the index, the traffic facts and several rules hand definitions
/// around, and a copy is then one reference count, not one per field.
public final class ServiceDefinition: Sendable {
    /// The Service.
    public let resource: Resource
    /// Its cluster.
    public var cluster: Int { resource.clusterIndex }
    /// `spec.type` (default `ClusterIP`) and its node when written.
    public let type: String
    public let typeNode: YAMLNode?
    /// True for `clusterIP: None`; the node when written.
    public let headless: Bool
    public let clusterIPNode: YAMLNode?
    /// `spec.selector` (empty: none) and its node.
    public let selector: [String: String]
    public let selectorNode: YAMLNode?
    /// `spec.ports`, in order, and the `ports` node.
    public let ports: [ServicePortFact]
    public let portsNode: YAMLNode?
    /// The workloads of its own cluster and namespace that the selector selects (computed once
    /// when the index is built; `ServiceInstanceIndex.selected(by:)`).
    public let selectedWorkloads: [WorkloadLabels]

    /// The definition of Service `r`, given its cluster's workloads by namespace.
    init(_ r: Resource, workloads: [String: [WorkloadLabels]]) {
        resource = r
        let spec = r.spec
        typeNode = spec?["type"]
        type = typeNode?.text.flatMap { $0.isEmpty ? nil : $0 } ?? "ClusterIP"
        clusterIPNode = spec?["clusterIP"]
        headless = clusterIPNode?.text == "None"
        selectorNode = spec?["selector"]
        var sel: [String: String] = [:]
        for (k, v) in selectorNode?.mergedPairs ?? [] {
            if let key = k.scalar, let value = v.text { sel[key] = value }
        }
        selector = sel
        portsNode = spec?["ports"]
        ports = (portsNode?.items ?? []).enumerated().compactMap { i, p in
            guard let numberNode = p["port"], let number = numberNode.int else { return nil }
            let t = p["protocol"]
            return ServicePortFact(node: p, index: i, number: Located(number, numberNode),
                                   name: p["name"].flatMap { n in n.text.map { Located($0, n) } },
                                   transport: t?.text?.uppercased() ?? "TCP", transportNode: t,
                                   appProtocol: p["appProtocol"].flatMap { n in n.text.map { Located($0, n) } })
        }
        selectedWorkloads = sel.isEmpty ? [] : (workloads[r.namespace] ?? []).filter { $0.isSelected(by: sel) }
    }

    /// The node to point at for the Service as a whole.
    public var node: YAMLNode { resource.nameNode }
}

/// A workload's pod labels as written (pod template, Pod or WorkloadEntry), with whether a
/// sidecar is injected into it. A class (immutable), like `ServiceDefinition`.
public final class WorkloadLabels: Sendable {
    /// The Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Rollout, Pod or WorkloadEntry.
    public let resource: Resource
    /// The pod labels and the node they are written at.
    public let labels: [String: String]
    public let labelsNode: YAMLNode
    /// Injection: true (sidecar), false (explicitly none, or its namespace is not enabled),
    /// nil when the set does not say (namespace not in the set, WorkloadEntry, ambient).
    public let sidecar: Bool?
    /// The node that decides `sidecar` (the pod's `sidecar.istio.io/inject`, else the
    /// namespace's label), when there is one.
    public let sidecarNode: YAMLNode?
    /// What `sidecarNode` says, in words ("namespace legacy has no injection label").
    public let sidecarReason: String?
    /// True for gateways and other proxies, which run Envoy themselves (a container named
    /// `istio-proxy`, or an `istio: ...gateway` label); read once per workload.
    public let isProxy: Bool

    init(resource: Resource, labels: [String: String], labelsNode: YAMLNode, sidecar: Bool?,
         sidecarNode: YAMLNode?, sidecarReason: String?, isProxy: Bool) {
        self.resource = resource
        self.labels = labels
        self.labelsNode = labelsNode
        self.sidecar = sidecar
        self.sidecarNode = sidecarNode
        self.sidecarReason = sidecarReason
        self.isProxy = isProxy
    }

    /// True when `selector` (non-empty) is a subset of the labels.
    public func isSelected(by selector: [String: String]) -> Bool {
        !selector.isEmpty && selector.allSatisfy { labels[$0.key] == $0.value }
    }
}

/// The per-service cross-cluster index: every Service by `namespace/name` with its definition
/// in each cluster, and the pod labels of every workload per cluster and namespace. Built per
/// cluster in parallel, then grouped by key, so comparing a Service across N clusters is a
/// pass over its N definitions.
public final class ServiceInstanceIndex: Sendable {
    /// Definitions by `namespace/name`, in cluster order.
    public let byKey: [String: [ServiceDefinition]]
    /// Keys in sorted order (deterministic iteration).
    public let keys: [String]
    /// Workloads per cluster, by namespace.
    public let workloads: [[String: [WorkloadLabels]]]

    /// Kinds whose pod labels count as workloads, in the order they are read: the labels are
    /// a Pod's `metadata.labels`, a WorkloadEntry's `spec.labels`, and the pod template's
    /// (`spec.template.metadata.labels`) of the others.
    static let workloadKinds = ["DaemonSet", "Deployment", "Job", "Pod", "ReplicaSet", "Rollout", "StatefulSet", "WorkloadEntry"]

    init(set: ConfigSet, facts: [ClusterFacts], resources: (String, Int) -> [Resource]) {
        let n = set.clusters.count
        let read = perCluster(n) { c -> ([ServiceDefinition], [String: [WorkloadLabels]]) in
            var injection: [String: (Bool?, YAMLNode?, String?)] = [:]
            var disabledNamespaces = Set<String>()
            // `sidecarInjectorWebhook.enableNamespacesByDefault` injects unlabelled namespaces.
            let byDefault = facts[c].installs.contains { $0.values?.at("sidecarInjectorWebhook", "enableNamespacesByDefault")?.bool == true }
            for ns in resources("Namespace", c) {
                if ns.label("istio.io/dataplane-mode")?.value == "ambient" {
                    injection[ns.name] = (nil, nil, nil)
                } else if let l = ns.label("istio-injection") {
                    if l.value == "disabled" { disabledNamespaces.insert(ns.name) }
                    injection[ns.name] = (l.value == "enabled", l.node, "namespace \(ns.name) has istio-injection: \(l.value)")
                } else if let l = ns.label("istio.io/rev") {
                    injection[ns.name] = (true, l.node, "namespace \(ns.name) has istio.io/rev: \(l.value)")
                } else if byDefault {
                    injection[ns.name] = (true, nil, nil)
                } else {
                    injection[ns.name] = (false, ns.nameNode, "namespace \(ns.name) has neither istio-injection: enabled nor istio.io/rev")
                }
            }
            var wl: [String: [WorkloadLabels]] = [:]
            for kind in Self.workloadKinds {
                for r in resources(kind, c) {
                    // The pod's metadata and labels (the resource keeps the template's nodes).
                    let podMeta = kind == "Pod" ? r.metadata : r.templateMetadata
                    let labelsNode = kind == "WorkloadEntry" ? r.spec?["labels"] : kind == "Pod" ? r.labelsNode : podMeta?["labels"]
                    guard let node = labelsNode, node.isMapping else { continue }
                    var labels: [String: String] = [:]
                    for (k, v) in node.mergedPairs { if let key = k.scalar, let value = v.text { labels[key] = value } }
                    var sidecar: Bool? = nil
                    var decider: YAMLNode? = nil
                    var reason: String? = nil
                    if kind != "WorkloadEntry" {
                        let explicit = node["sidecar.istio.io/inject"] ?? podMeta?.at("annotations", "sidecar.istio.io/inject")
                        if labels["istio.io/dataplane-mode"] == "ambient" {
                            sidecar = nil
                        } else if let explicit, let t = explicit.text {
                            // `true` injects unless the namespace says `istio-injection: disabled`.
                            let disabled = disabledNamespaces.contains(r.namespace)
                            sidecar = t == "true" && !disabled
                            decider = explicit
                            reason = "the pod sets sidecar.istio.io/inject: \"\(t)\"" + (disabled ? " in a namespace with istio-injection: disabled" : "")
                        } else if let ns = injection[r.namespace] {
                            sidecar = ns.0
                            decider = ns.1
                            reason = ns.2
                        }
                    }
                    let podSpec = kind == "Pod" ? r.spec : r.templateSpec
                    let isProxy = (podSpec?["containers"]?.items ?? []).contains { c in c["name"].map { $0.scalarEquals("istio-proxy") && $0.text != nil } == true }
                        || labels["istio"]?.hasSuffix("gateway") == true
                    wl[r.namespace, default: []].append(WorkloadLabels(resource: r, labels: labels, labelsNode: node,
                                                                       sidecar: sidecar, sidecarNode: decider, sidecarReason: reason, isProxy: isProxy))
                }
            }
            // Each definition with its selected workloads, found once (MC503 and MC802 both ask).
            let workloads = wl
            return (resources("Service", c).map { ServiceDefinition($0, workloads: workloads) }, wl)
        }
        var by: [String: [ServiceDefinition]] = [:]
        for (defs, _) in read {
            for d in defs { by["\(d.resource.namespace)/\(d.resource.name)", default: []].append(d) }
        }
        byKey = by
        keys = by.keys.sorted()
        workloads = read.map(\.1)
    }

    /// The workloads of `cluster` that `definition`'s selector selects (its own cluster's
    /// workloads when `cluster` is nil).
    public func selected(by definition: ServiceDefinition, in cluster: Int? = nil) -> [WorkloadLabels] {
        let c = cluster ?? definition.cluster
        guard c < workloads.count, !definition.selector.isEmpty else { return [] }
        if c == definition.cluster { return definition.selectedWorkloads }
        return (workloads[c][definition.resource.namespace] ?? []).filter { $0.isSelected(by: definition.selector) }
    }
}

extension MeshGraph {
    /// The Service `namespace/name` as a host names it (short name, `name.ns`, `name.ns.svc`,
    /// `name.ns.svc.<domain>` of `cluster`'s domain); nil for anything else.
    public func serviceKey(host: String, namespace: String, cluster: Int) -> String? {
        Self.serviceName(host, namespace: namespace, domain: facts[cluster].domain).map { "\($0.namespace)/\($0.name)" }
    }
}
