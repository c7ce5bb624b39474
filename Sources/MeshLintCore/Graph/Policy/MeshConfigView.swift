/// One place a cluster states its mesh config: IstioOperator `spec.meshConfig`, install values
/// `meshConfig` (IstioOperator `spec.values.meshConfig`, the istiod chart's Helm values), or the
/// rendered `istio` ConfigMap's `data.mesh`.
public struct MeshConfigSource: Sendable {
    /// The mesh config mapping.
    public let root: YAMLNode
    /// For messages: "IstioOperator istio-system/x spec.meshConfig", "ConfigMap istio-system/istio data.mesh".
    public let label: String
    /// The resource holding it (nil for a Helm values file).
    public let resource: Resource?
    /// Dotted path of `root` inside that resource (`spec.meshConfig`, `data.mesh`).
    public let fieldPath: String
    /// The parsed embedded text, when the mesh config is a ConfigMap string.
    let embedded: EmbeddedYAML?

    /// The field path of `path` (dotted, relative to the mesh config) in the resource:
    /// `spec.meshConfig.serviceSettings[0]`, or `data.mesh serviceSettings[0]` inside a ConfigMap string.
    public func fieldPath(_ path: String) -> String { "\(fieldPath)\(embedded == nil ? "." : " ")\(path)" }

    /// Where to report `node` (a node under `root`): itself, or the ConfigMap string when
    /// embedded positions are not exact.
    public func locate(_ node: YAMLNode) -> YAMLNode { embedded?.locate(node) ?? node }

    /// The node at `key` of the mesh config, if stated (null counts as not stated).
    func stated(_ key: String) -> YAMLNode? {
        guard let n = root[key], !n.isNull else { return nil }
        return n
    }
}

/// One `meshConfig.serviceSettings[].hosts[]` entry with its `settings.clusterLocal` value.
public struct ClusterLocalSetting: Sendable {
    /// The host pattern as written.
    public let host: Located<String>
    /// `settings.clusterLocal` (absent means false).
    public let clusterLocal: Bool
    /// Dotted path (`serviceSettings[0].hosts[1]`).
    public let path: String
}

/// A cluster's cluster-local hosts as istiod computes them (`pilot/pkg/model/cluster_local.go`):
/// `serviceSettings` entries, plus the built-in defaults `*.kube-system.svc.<domain>`,
/// `kubernetes.default.svc.<domain>` and istiod's own discovery host, minus defaults a
/// `clusterLocal: false` entry names (exactly, or under a default wildcard); exact hosts are
/// looked up first, then the most specific wildcard.
public struct ClusterLocalHosts: Sendable {
    /// The explicit settings, in order.
    public let settings: [ClusterLocalSetting]
    /// The built-in defaults left after `clusterLocal: false` overrides.
    public let defaults: [String]
    /// The mesh config stating `serviceSettings` (nil when only defaults apply).
    public let source: MeshConfigSource?
    /// istiod's exact and wildcard host maps (later entries overwrite earlier ones, the
    /// defaults come last), built once: rules look up every routed host of every cluster.
    private let exact: [String: (Bool, ClusterLocalSetting?)]
    private let wild: [(pattern: String, value: (Bool, ClusterLocalSetting?))]

    init(settings: [ClusterLocalSetting], domain: String, discoveryHost: String, source: MeshConfigSource?) {
        self.settings = settings
        self.source = source
        var defaults = ["*.kube-system.svc.\(domain)", "kubernetes.default.svc.\(domain)", discoveryHost]
        for s in settings where !s.clusterLocal {
            let h = s.host.value.lowercased()
            defaults.removeAll { d in h == d || (d.hasPrefix("*") && h.hasSuffix(String(d.dropFirst()))) }
        }
        self.defaults = defaults
        var exact: [String: (Bool, ClusterLocalSetting?)] = [:]
        var wild: [String: (Bool, ClusterLocalSetting?)] = [:]
        for s in settings {
            let p = s.host.value.lowercased()
            if p.hasPrefix("*") { wild[p] = (s.clusterLocal, s) } else { exact[p] = (s.clusterLocal, s) }
        }
        for d in defaults {
            if d.hasPrefix("*") { wild[d] = (true, nil) } else { exact[d] = (true, nil) }
        }
        self.exact = exact
        self.wild = wild.map { ($0.key, $0.value) }
    }

    /// Why `host` (fully qualified) is cluster-local: the setting that makes it so (nil for a
    /// built-in default), or nothing when it is not cluster-local.
    public func clusterLocalReason(_ host: String) -> (isLocal: Bool, setting: ClusterLocalSetting?) {
        let h = host.lowercased()
        if let e = exact[h] { return (e.0, e.1) }
        // The most specific matching wildcard (ties: the smaller pattern), in one pass.
        var best: (pattern: String, value: (Bool, ClusterLocalSetting?))?
        var bestSpecificity = 0
        for w in wild where IstioHost.matches(pattern: w.pattern, host: h) {
            let s = IstioHost.specificity(w.pattern)
            if let b = best, s < bestSpecificity || (s == bestSpecificity && w.pattern >= b.pattern) { continue }
            best = w
            bestSpecificity = s
        }
        guard let best else { return (false, nil) }
        return (best.value.0, best.value.1)
    }

    /// The explicit settings as a canonical text (sorted `host=bool`), for comparing primaries.
    public var canonical: [String: Bool] {
        var out: [String: Bool] = [:]
        for s in settings { out[s.host.value.lowercased()] = s.clusterLocal }
        return out
    }
}

/// One `meshConfig.discoverySelectors` entry: a Kubernetes label selector over Namespace labels.
public struct NamespaceSelector: Sendable {
    /// One `matchExpressions` requirement.
    public typealias Requirement = LabelSelector.Requirement

    /// The selector's node.
    public let node: YAMLNode
    /// `matchLabels`.
    public let matchLabels: [(key: String, value: String)]
    /// `matchExpressions`.
    public let requirements: [Requirement]
    /// True for a null entry (`- ~`), which istiod turns into a selector that matches nothing.
    public var matchesNothing = false
    /// The same terms for matching (Kubernetes semantics, shared with the ambient scope).
    private let selector: LabelSelector

    init(node: YAMLNode, matchLabels: [(key: String, value: String)], requirements: [Requirement]) {
        self.node = node
        self.matchLabels = matchLabels
        self.requirements = requirements
        self.selector = LabelSelector(matchLabels: Dictionary(matchLabels.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }),
                                      requirements: requirements)
    }

    /// Reads a selector; nil when istiod would reject it (an unknown operator, a value list
    /// that the operator forbids or needs), in which case istiod keeps its previous filter.
    static func read(_ node: YAMLNode) -> NamespaceSelector? {
        guard node.isMapping || node.isNull else { return nil }
        if node.isNull {
            var none = NamespaceSelector(node: node, matchLabels: [], requirements: [])
            none.matchesNothing = true
            return none
        }
        var labels: [(String, String)] = []
        for (k, v) in node["matchLabels"]?.pairs ?? [] {
            guard let key = k.scalar, let value = v.text ?? (v.isNull ? "" : nil) else { return nil }
            labels.append((key, value))
        }
        var reqs: [Requirement] = []
        for e in node["matchExpressions"]?.items ?? [] {
            guard let key = e["key"]?.text, let op = e["operator"]?.text else { return nil }
            let values = (e["values"]?.items ?? []).compactMap(\.text)
            switch op {
            case "In", "NotIn": if values.isEmpty { return nil }
            case "Exists", "DoesNotExist": if !values.isEmpty { return nil }
            default: return nil
            }
            reqs.append(Requirement(key: key, op: op, values: values))
        }
        return NamespaceSelector(node: node, matchLabels: labels, requirements: reqs)
    }

    /// True when a namespace with `labels` matches (an empty selector matches every namespace).
    /// `read` accepted only valid operators, so the shared Kubernetes matching applies.
    public func matches(_ labels: [String: String]) -> Bool {
        !matchesNothing && selector.matches(labels)
    }

    /// The selector for messages: `istio-discovery=enabled, env in (prod, staging)`.
    public var display: String {
        let parts = matchLabels.map { "\($0.key)=\($0.value)" }.sorted() + requirements.map { r in
            switch r.op {
            case "In": return "\(r.key) in (\(r.values.joined(separator: ", ")))"
            case "NotIn": return "\(r.key) notin (\(r.values.joined(separator: ", ")))"
            case "Exists": return r.key
            default: return "!\(r.key)"
            }
        }
        if matchesNothing { return "nothing" }
        return parts.isEmpty ? "everything" : parts.joined(separator: ", ")
    }

    /// A canonical text of the selector (to group primaries with the same selectors).
    var canonical: String {
        let l = matchLabels.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ",")
        let e = requirements.map { "\($0.key) \($0.op) \($0.values.sorted().joined(separator: "|"))" }.sorted().joined(separator: ",")
        return matchesNothing ? "{null}" : "{\(l);\(e)}"
    }
}

/// `meshConfig.discoverySelectors` of a cluster's istiod: the namespaces of every cluster it
/// watches that it reads Services and endpoints from (`pkg/kube/namespace/filter.go`; each
/// watched cluster's filter evaluates the primary's selectors against that cluster's own
/// Namespace labels, `pkg/kube/multicluster/cluster.go`).
public struct DiscoverySelectors: Sendable {
    /// The `discoverySelectors` list node.
    public let node: YAMLNode
    /// The selectors (ORed).
    public let selectors: [NamespaceSelector]
    /// Where it is stated.
    public let source: MeshConfigSource

    /// True when a namespace with `labels` is discovered.
    public func selects(_ labels: [String: String]) -> Bool { selectors.contains { $0.matches(labels) } }

    /// A canonical text of every selector (sorted).
    public var canonical: String { selectors.map(\.canonical).sorted().joined(separator: " OR ") }

    /// The selectors for messages, in the order written: `[istio-discovery=enabled] or [kubernetes.io/metadata.name in (istio-system)]`.
    public var display: String { selectors.map { "[\($0.display)]" }.joined(separator: " or ") }
}

/// The mesh config facts of one cluster's istiod.
public struct ClusterMeshConfig: Sendable {
    /// Every place the cluster states a mesh config, in precedence order.
    public let sources: [MeshConfigSource]
    /// True when the set describes the cluster's control plane install (an IstioOperator or
    /// values file that installs istiod, or a rendered `istio` ConfigMap): then a setting it
    /// does not state has Istio's default.
    public let isDescribed: Bool
    /// Cluster-local hosts.
    public let clusterLocal: ClusterLocalHosts
    /// Discovery selectors; nil when none are set (every namespace is discovered) or one is
    /// invalid (istiod keeps its previous filter: nothing to judge).
    public let discoverySelectors: DiscoverySelectors?

    static func read(_ f: ClusterFacts) -> ClusterMeshConfig {
        var sources: [MeshConfigSource] = []
        for i in f.installs where !i.isGatewayOnly {
            if let n = i.spec?["meshConfig"], n.isMapping {
                sources.append(MeshConfigSource(root: n, label: "\(i.label) spec.meshConfig", resource: i.resource,
                                                fieldPath: "spec.meshConfig", embedded: nil))
            }
            if let n = i.values?["meshConfig"], n.isMapping {
                let path = i.resource == nil ? "meshConfig" : "spec.values.meshConfig"
                sources.append(MeshConfigSource(root: n, label: "\(i.label) \(path)", resource: i.resource,
                                                fieldPath: path, embedded: nil))
            }
        }
        for e in f.rendered.meshConfigs {
            guard let root = e.embedded.root else { continue }
            sources.append(MeshConfigSource(root: root, label: e.label, resource: e.resource,
                                            fieldPath: "data.\(e.key)", embedded: e.embedded))
        }
        let described = f.installs.contains { !$0.isGatewayOnly } || !f.rendered.meshConfigs.isEmpty

        var settings: [ClusterLocalSetting] = []
        let settingsSource = sources.first { $0.stated("serviceSettings") != nil }
        if let s = settingsSource, let list = s.stated("serviceSettings") {
            for (i, entry) in list.items.enumerated() {
                let local = entry.at("settings", "clusterLocal")?.bool ?? false
                for (j, h) in (entry["hosts"]?.items ?? []).enumerated() {
                    guard let text = h.text, !text.isEmpty else { continue }
                    settings.append(ClusterLocalSetting(host: Located(text, s.locate(h)), clusterLocal: local,
                                                        path: "serviceSettings[\(i)].hosts[\(j)]"))
                }
            }
        }
        let discovery = "istiod.\(f.istioNamespace).svc.\(f.domain)"
        let clusterLocal = ClusterLocalHosts(settings: settings, domain: f.domain, discoveryHost: discovery, source: settingsSource)

        var selectors: DiscoverySelectors?
        if let s = sources.first(where: { $0.stated("discoverySelectors") != nil }), let list = s.stated("discoverySelectors"),
           list.isSequence, !list.items.isEmpty {
            let parsed = list.items.map(NamespaceSelector.read)
            if parsed.allSatisfy({ $0 != nil }) {
                selectors = DiscoverySelectors(node: s.locate(list), selectors: parsed.compactMap { $0 }, source: s)
            }
        }
        return ClusterMeshConfig(sources: sources, isDescribed: described, clusterLocal: clusterLocal, discoverySelectors: selectors)
    }
}
