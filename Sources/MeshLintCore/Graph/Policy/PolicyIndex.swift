/// One cluster's copy of a routing or security resource, with the canonical text of what
/// takes effect (its `spec`, plus the `istio.io/dry-run` annotation of AuthorizationPolicies).
public struct PolicyCopy: Sendable {
    /// The resource.
    public let resource: Resource
    /// Canonical text of the compared content (equal texts: no difference), built on demand.
    public var canonical: String { PolicyIndex.canonical(resource) }
    /// The cluster.
    public var cluster: Int { resource.clusterIndex }
}

/// Every primary's copy of one (kind, namespace, name) of VirtualService, DestinationRule,
/// PeerAuthentication or AuthorizationPolicy, in a multi-primary set.
public struct PolicyCopyGroup: Sendable {
    /// Kind, namespace, name.
    public let kind: String
    public let namespace: String
    public let name: String
    /// One copy per primary holding it, in cluster order.
    public let copies: [PolicyCopy]
    /// Indices into `copies`, grouped by equal content, the most common content first (ties:
    /// the content of the lowest cluster). `variants[0][0]` is the reference copy.
    public let variants: [[Int]]
    /// Primaries that lack the resource although its namespace has Services or workloads there
    /// (or is their Istio root namespace), with what shows that.
    public let missing: [(cluster: Int, evidence: NamespaceEvidence)]

    /// The reference copy (the most common content).
    public var reference: PolicyCopy { copies[variants[0][0]] }
}

/// What shows that a namespace is in use in a cluster: a Service or workload there, or the
/// Istio install for the root namespace.
public struct NamespaceEvidence: Sendable {
    /// Where it is.
    public let node: YAMLNode
    /// For messages: "Service bookinfo/reviews", "the Istio root namespace".
    public let description: String
}

/// A pod template of a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
/// Pod) and its labels.
public struct WorkloadTemplate: Sendable {
    /// The workload.
    public let resource: Resource
    /// The pod template's labels.
    public let labels: [String: String]
}

/// Facts for the cross-cluster policy rules (MC801, MC804, MC806), built once per run: each
/// cluster's mesh config (cluster-local hosts, discovery selectors), Namespace labels, workload
/// pod templates, the primaries that hold Istio config, and the copies of routing and security
/// resources grouped by identity across those primaries (each group compared by canonical
/// text: linear in the number of clusters).
public final class PolicyIndex: Sendable {
    /// Mesh config per cluster (from its own installs and rendered ConfigMaps).
    public let meshConfigs: [ClusterMeshConfig]
    /// Per cluster: namespace name → its Namespace object and labels (with the label
    /// `kubernetes.io/metadata.name` the API server adds to every namespace).
    public let namespaces: [[String: (resource: Resource, labels: [String: String])]]
    /// Per cluster: namespace → workload pod templates.
    public let workloads: [[String: [WorkloadTemplate]]]
    /// Primaries holding their own Istio config, when the set is multi-primary (two or more);
    /// empty otherwise (a single primary or primary-remote keeps one copy of the config).
    public let configHolders: [Int]
    /// Routing and security resources that differ across `configHolders` or exist in some only.
    public let drift: [PolicyCopyGroup]

    /// Kinds whose copies are compared across primaries.
    public static let comparedKinds: [String: String] = [
        "VirtualService": "networking.istio.io", "DestinationRule": "networking.istio.io",
        "PeerAuthentication": "security.istio.io", "AuthorizationPolicy": "security.istio.io",
    ]
    static let workloadKinds: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]

    init(set: ConfigSet, facts: [ClusterFacts], discovery: DiscoveryPlan, resources: (String, Int) -> [Resource]) {
        let n = set.clusters.count
        meshConfigs = perCluster(n) { ClusterMeshConfig.read(facts[$0]) }
        // Per cluster, in parallel: Namespaces and workload pod templates with their labels.
        let read = perCluster(n) { c -> ([String: (resource: Resource, labels: [String: String])], [String: [WorkloadTemplate]]) in
            var namespaces: [String: (resource: Resource, labels: [String: String])] = [:]
            var workloads: [String: [WorkloadTemplate]] = [:]
            for r in resources("Namespace", c) where namespaces[r.name] == nil {
                var labels = r.labels.mapValues(\.value)
                labels["kubernetes.io/metadata.name"] = r.name
                namespaces[r.name] = (r, labels)
            }
            for kind in Self.workloadKinds.sorted() {
                for r in resources(kind, c) {
                    let labelsNode: YAMLNode?
                    switch kind {
                    case "Pod": labelsNode = r.labelsNode
                    case "CronJob": labelsNode = r.spec?.at("jobTemplate", "spec", "template", "metadata", "labels")
                    default: labelsNode = r.templateMetadata?["labels"]
                    }
                    var labels: [String: String] = [:]
                    for (k, v) in labelsNode?.mergedPairs ?? [] {
                        if let key = k.scalar, let value = v.text { labels[key] = value }
                    }
                    workloads[r.namespace, default: []].append(WorkloadTemplate(resource: r, labels: labels))
                }
            }
            return (namespaces, workloads)
        }
        self.namespaces = read.map(\.0)
        let workloads = read.map(\.1)
        self.workloads = workloads

        let primaries = (0..<n).filter { discovery.role($0) == .primary }
        let holders = discovery.isMultiPrimary && primaries.count >= 2 ? primaries : []
        self.configHolders = holders
        self.drift = holders.isEmpty ? [] : Self.drift(holders: holders, facts: facts, workloads: workloads, resources: resources)
    }

    /// Groups the compared kinds of every holder by (kind, namespace, name) and keeps the
    /// groups whose copies differ or that some holder lacks.
    static func drift(holders: [Int], facts: [ClusterFacts], workloads: [[String: [WorkloadTemplate]]],
                      resources: (String, Int) -> [Resource]) -> [PolicyCopyGroup] {
        var groups: [String: [PolicyCopy]] = [:]
        var order: [String] = []
        for c in holders {
            for kind in comparedKinds.keys.sorted() {
                let group = comparedKinds[kind]!
                for r in resources(kind, c) where !r.isImplied && r.identity.isInGroup(group) {
                    let key = "\(kind)\u{0}\(r.namespace)\u{0}\(r.name)"
                    if groups[key] == nil { order.append(key) }
                    // One copy per cluster: the first document wins (a duplicate is not drift).
                    if groups[key]?.last?.cluster != c {
                        groups[key, default: []].append(PolicyCopy(resource: r))
                    }
                }
            }
        }
        // Evidence that a namespace is in use, per holder (built only for namespaces asked about).
        var evidenceCache: [Int: [String: NamespaceEvidence]] = [:]
        func evidence(_ c: Int, _ ns: String) -> NamespaceEvidence? {
            if evidenceCache[c] == nil {
                var e: [String: NamespaceEvidence] = [:]
                for s in resources("Service", c) where e[s.namespace] == nil {
                    e[s.namespace] = NamespaceEvidence(node: s.nameNode, description: "Service \(s.namespace)/\(s.name)")
                }
                for (ns, list) in workloads[c] where e[ns] == nil {
                    if let w = list.first { e[ns] = NamespaceEvidence(node: w.resource.nameNode, description: "\(w.resource.kind) \(ns)/\(w.resource.name)") }
                }
                let root = TrafficIndex.rootNamespace(facts[c])
                if let i = facts[c].installs.first(where: { !$0.isGatewayOnly }) {
                    e[root] = NamespaceEvidence(node: i.resource?.nameNode ?? i.root, description: "the Istio root namespace of \(i.label)")
                }
                evidenceCache[c] = e
            }
            return evidenceCache[c]?[ns]
        }
        // The copies of each key compared, and its scope read, in parallel (a few chunks of
        // keys): comparing reads every copy's tree.
        let byKey = groups, keys = order
        let chunks = min(keys.count, 16)
        let decided = concurrentMap(count: chunks) { ch -> [(variants: [[Int]], scope: Scope)] in
            (keys.count * ch / chunks..<keys.count * (ch + 1) / chunks).map { k in
                let copies = byKey[keys[k]]!
                return (variants(copies), scope(copies[0].resource))
            }
        }.flatMap { $0 }
        var out: [PolicyCopyGroup] = []
        for (k, key) in order.enumerated() {
            let copies = groups[key]!
            let first = copies[0].resource
            let (variants, scope) = decided[k]
            let present = Set(copies.map(\.cluster))
            var missing: [(cluster: Int, evidence: NamespaceEvidence)] = []
            switch scope {
            case .gatewaysOnly:
                break
            case .namespace:
                for c in holders where !present.contains(c) {
                    if let e = evidence(c, first.namespace) { missing.append((c, e)) }
                }
            case .workloads(let selector):
                for c in holders where !present.contains(c) {
                    let matching = (workloads[c][first.namespace] ?? []).first { w in selector.allSatisfy { w.labels[$0.key] == $0.value } }
                    if let w = matching {
                        missing.append((c, NamespaceEvidence(node: w.resource.nameNode, description: "\(w.resource.kind) \(w.resource.namespace)/\(w.resource.name), which it selects,")))
                    }
                }
            }
            guard variants.count > 1 || !missing.isEmpty else { continue }
            out.append(PolicyCopyGroup(kind: first.kind, namespace: first.namespace, name: first.name,
                                       copies: copies, variants: variants, missing: missing))
        }
        return out
    }

    /// Indices into `copies` grouped by canonical text, the most common text first (ties: the
    /// text that appears first). A copy written exactly like the first copy of a group (same
    /// nodes, styles, tags and bytes, which gives the same canonical text) joins it without
    /// building its text: the copies of a policy replicated to every primary are usually
    /// written the same way.
    static func variants(_ copies: [PolicyCopy]) -> [[Int]] {
        var byText: [String: Int] = [:]
        var grouped: [[Int]] = []
        for (i, copy) in copies.enumerated() {
            if let g = grouped.firstIndex(where: { sameText(copies[$0[0]].resource, copy.resource) }) {
                grouped[g].append(i)
                continue
            }
            let text = copy.canonical
            if let g = byText[text] { grouped[g].append(i) } else { byText[text] = grouped.count; grouped.append([i]) }
        }
        return grouped.enumerated()
            .sorted { $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset }
            .map(\.element)
    }

    /// What a resource applies to, for deciding whether a primary without it misses it.
    enum Scope: Sendable {
        /// Clients or workloads of its namespace (or, in the root namespace, of the mesh).
        case namespace
        /// Only the workloads its selector matches.
        case workloads([String: String])
        /// Only gateways (a VirtualService without `mesh` in its gateways, a policy with a
        /// `targetRef`): a primary without that gateway does not need it.
        case gatewaysOnly
    }

    static func scope(_ r: Resource) -> Scope {
        guard let spec = r.spec else { return .namespace }
        if r.kind == "VirtualService" {
            let gateways = (spec["gateways"]?.items ?? []).compactMap(\.text)
            return gateways.isEmpty || gateways.contains("mesh") ? .namespace : .gatewaysOnly
        }
        if spec["targetRef"] != nil || spec["targetRefs"] != nil { return .gatewaysOnly }
        let selector = r.kind == "DestinationRule" ? spec.at("workloadSelector", "matchLabels") : spec.at("selector", "matchLabels")
        var labels: [String: String] = [:]
        for (k, v) in selector?.mergedPairs ?? [] {
            if let key = k.scalar, let value = v.text { labels[key] = value }
        }
        return labels.isEmpty ? .namespace : .workloads(labels)
    }

    /// True when `a` and `b` have the same canonical text because their specs are written
    /// identically and their dry-run annotations read the same (false says nothing).
    static func sameText(_ a: Resource, _ b: Resource) -> Bool {
        StructuralDiff.identical(a.spec, b.spec)
            && a.annotation(dryRunAnnotation)?.value.lowercased() == b.annotation(dryRunAnnotation)?.value.lowercased()
    }

    /// The canonical text of what takes effect: `spec`, and the dry-run annotation.
    static func canonical(_ r: Resource) -> String {
        StructuralDiff.canonical(r.spec) + "|dry-run=" + (r.annotation(dryRunAnnotation)?.value.lowercased() ?? "")
    }

    /// AuthorizationPolicy annotation that turns enforcement off (`istio.io/dry-run`).
    public static let dryRunAnnotation = "istio.io/dry-run"

    /// Workloads of `cluster` in `namespace` whose pod labels `selector` matches (an empty
    /// selector selects none, as for a Service).
    public func workloads(in cluster: Int, namespace: String, matching selector: [String: String]) -> [WorkloadTemplate] {
        guard !selector.isEmpty, cluster < workloads.count else { return [] }
        return (workloads[cluster][namespace] ?? []).filter { w in selector.allSatisfy { w.labels[$0.key] == $0.value } }
    }
}

extension MeshGraph {
    /// The mesh config that governs the proxies and discovery of `cluster`: its own istiod's
    /// for a primary, else that of the primaries running its control plane (one per primary).
    public func governingMeshConfigs(of cluster: Int) -> [(istiod: Int, config: ClusterMeshConfig)] {
        if discovery.role(cluster) == .remote {
            var seen = Set<Int>()
            return discovery.controlPlanes[cluster].compactMap { l in
                seen.insert(l.primary).inserted ? (l.primary, policy.meshConfigs[l.primary]) : nil
            }
        }
        return [(cluster, policy.meshConfigs[cluster])]
    }

    /// A Service's selector in one cluster, as label map (empty when it has none).
    public func selector(of service: Resource) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in service.spec?["selector"]?.mergedPairs ?? [] {
            if let key = k.scalar, let value = v.text { out[key] = value }
        }
        return out
    }
}
