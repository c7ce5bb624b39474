/// How a cluster ID written somewhere maps to a cluster of the set.
public enum ClusterResolution: String, Sendable, Hashable {
    /// Equal to the cluster's `multiCluster.clusterName` (what istiod and the proxies use), or
    /// for a remote without one, to the cluster segment of its injection path.
    case clusterName
    /// Equal to the cluster's manifest/directory name only (its clusterName is unset or differs).
    case setName
    /// `fromRegistry: Kubernetes`, istiod's default name for its own cluster.
    case defaultRegistryName
    /// A legacy registry name: a `fromRegistry` equal to a remote secret key that names no
    /// cluster (1.1–1.4 docs used the kubeconfig file name, e.g. `n2-k8s-config`, for both).
    case registryAlias
}

/// A place where one cluster names a cluster by its cluster ID. A class (immutable): every
/// remote secret has several, and the graph's indexes and the rules pass them around.
public final class ClusterReference: Sendable {
    /// What kind of place it is.
    public enum Kind: String, Sendable, Hashable {
        /// A remote secret's data/stringData key (the ID istiod registers the cluster under).
        case secretKey
        /// A remote secret's `networking.istio.io/cluster` annotation.
        case secretAnnotation
        /// The `<name>` of a Secret named `istio-remote-secret-<name>`.
        case secretName
        /// meshNetworks `endpoints[].fromRegistry`.
        case fromRegistry
        /// The Istio namespace annotation `topology.istio.io/controlPlaneClusters` of a remote.
        case controlPlaneClusters
    }

    /// What kind of place it is.
    public let kind: Kind
    /// The name as written and the node it is written at.
    public let name: Located<String>
    /// The cluster whose files hold the reference.
    public let holder: Int
    /// The resource holding it (nil for Helm values files).
    public let resource: Resource?
    /// Dotted path inside the resource.
    public var fieldPath: String { pathKey.map { "\(pathHead).\($0)" } ?? pathHead }
    /// `fieldPath` in two parts kept as they are (a secret key's path is `data.<key>`: the key
    /// string is the entry's own), so that the path string is only built when asked for.
    private let pathHead: String
    private let pathKey: String?
    /// The cluster it resolves to (nil when unknown or ambiguous).
    public let target: Int?
    /// How it resolved (nil when it did not).
    public let resolution: ClusterResolution?
    /// True when several clusters share this clusterName (so the name is known but ambiguous).
    public let ambiguous: Bool
    /// Index into `IdentityGraph.remoteSecrets` for secret references.
    public let secret: Int?
    /// For `fromRegistry`: the network the registry is put on.
    public let network: Located<String>?

    init(kind: Kind, name: Located<String>, holder: Int, resource: Resource?, fieldPath: String, pathKey: String? = nil,
         target: Int?, resolution: ClusterResolution?, ambiguous: Bool, secret: Int?, network: Located<String>?) {
        self.kind = kind
        self.name = name
        self.holder = holder
        self.resource = resource
        self.pathHead = fieldPath
        self.pathKey = pathKey
        self.target = target
        self.resolution = resolution
        self.ambiguous = ambiguous
        self.secret = secret
        self.network = network
    }

    /// True for the references istiod acts on (secret keys, fromRegistry, controlPlaneClusters);
    /// the secret name and annotation are informational (written by istioctl, read by nobody).
    public var isFunctional: Bool { kind != .secretAnnotation && kind != .secretName }
}

/// Cluster IDs of the set: clusterName first, then manifest/directory name (SPEC §1).
public struct ClusterNameTable: Sendable {
    let byClusterName: [String: [Int]]
    let bySetName: [String: Int]
    let setNames: [String]

    /// `injectionClusters[c]`: the cluster segment of a remote's injection path, which is its
    /// cluster ID when clusterName is unset (the primary-remote docs install remotes that way).
    init(set: ConfigSet, facts: [ClusterFacts], injectionClusters: [String?] = []) {
        var names: [String: [Int]] = [:]
        for f in facts {
            let id = f.clusterName.value ?? (f.index < injectionClusters.count ? injectionClusters[f.index] : nil)
            if let n = id, !(names[n]?.contains(f.index) ?? false) { names[n, default: []].append(f.index) }
        }
        byClusterName = names
        var s: [String: Int] = [:]
        for c in set.clusters where s[c.name] == nil { s[c.name] = c.index }
        bySetName = s
        setNames = set.clusters.map(\.name)
    }

    /// The cluster `name` refers to and how; nil target when unknown or ambiguous.
    public func resolve(_ name: String) -> (target: Int?, resolution: ClusterResolution?, ambiguous: Bool) {
        if let hits = byClusterName[name] {
            return hits.count == 1 ? (hits[0], .clusterName, false) : (nil, nil, true)
        }
        if let i = bySetName[name] { return (i, .setName, false) }
        return (nil, nil, false)
    }

    /// True when some cluster has this clusterName or set name.
    public func isKnown(_ name: String) -> Bool { byClusterName[name] != nil || bySetName[name] != nil }

    /// Clusters whose clusterName is `name`.
    public func clusters(withClusterName name: String) -> [Int] { byClusterName[name] ?? [] }

    /// Every name a cluster can be referred to by, sorted (for suggestions).
    public var allNames: [String] { Array(Set(byClusterName.keys).union(bySetName.keys)).sorted() }
}

/// A remote secret edge: istiod in `holder` watches `target` through `secret`.
public struct RemoteSecretEdge: Sendable {
    /// The cluster holding the secret.
    public let holder: Int
    /// The cluster the secret is for.
    public let target: Int
    /// Index into `IdentityGraph.remoteSecrets`.
    public let secret: Int
    /// The reference that resolved (a key, or the annotation/name when no key resolved).
    public let reference: ClusterReference
}
