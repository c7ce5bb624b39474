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

    /// The name as written and the node it is written at.
    public let name: Located<String>
    private let storedHolder: Int32
    /// The resource holding it (nil for Helm values files).
    public let resource: Resource?
    private let rare: Rare?
    private let storedTarget: Int32
    private let storedSecret: Int32
    /// What kind of place it is.
    public let kind: Kind
    /// How it resolved (nil when it did not).
    public let resolution: ClusterResolution?
    /// True when several clusters share this clusterName (so the name is known but ambiguous).
    public let ambiguous: Bool
    private let path: Path

    // A full mesh of a thousand clusters holds three million of these, so the stored form is
    // small (80 bytes, fields ordered for packing): 32-bit indices (-1 for none), the path as
    // one of the few a remote secret has (a key's `data.<key>` keeps only its head: the key is
    // the name), and what only meshNetworks and namespace references have in a box.
    private enum Path: UInt8 {
        case data, stringData, clusterAnnotation, metadataName, other
    }

    private final class Rare: Sendable {
        let path: String
        let network: Located<String>?
        init(path: String, network: Located<String>?) {
            self.path = path
            self.network = network
        }
    }

    /// The cluster whose files hold the reference.
    public var holder: Int { Int(storedHolder) }
    /// The cluster it resolves to (nil when unknown or ambiguous).
    public var target: Int? { storedTarget < 0 ? nil : Int(storedTarget) }
    /// Index into `IdentityGraph.remoteSecrets` for secret references.
    public var secret: Int? { storedSecret < 0 ? nil : Int(storedSecret) }
    /// For `fromRegistry`: the network the registry is put on.
    public var network: Located<String>? { rare?.network }
    /// Dotted path inside the resource.
    public var fieldPath: String {
        switch path {
        case .data: return "data.\(name.value)"
        case .stringData: return "stringData.\(name.value)"
        case .clusterAnnotation: return RemoteSecret.clusterAnnotationPath
        case .metadataName: return "metadata.name"
        case .other: return rare?.path ?? ""
        }
    }

    /// A secret key's reference (`fieldPath` is `<field>.<name>`).
    convenience init(secretKey name: Located<String>, field: String, holder: Int, resource: Resource, target: Int?,
                     resolution: ClusterResolution?, ambiguous: Bool, secret: Int) {
        self.init(kind: .secretKey, name: name, holder: holder, resource: resource, path: field == "stringData" ? .stringData : .data,
                  rare: nil, target: target, resolution: resolution, ambiguous: ambiguous, secret: secret)
    }

    /// Any other reference, at `fieldPath`.
    convenience init(kind: Kind, name: Located<String>, holder: Int, resource: Resource?, fieldPath: String,
                     target: Int?, resolution: ClusterResolution?, ambiguous: Bool, secret: Int?, network: Located<String>?) {
        precondition(kind != .secretKey)
        let known: Path? = network != nil ? nil
            : fieldPath == RemoteSecret.clusterAnnotationPath ? .clusterAnnotation : fieldPath == "metadata.name" ? .metadataName : nil
        self.init(kind: kind, name: name, holder: holder, resource: resource, path: known ?? .other,
                  rare: known == nil ? Rare(path: fieldPath, network: network) : nil,
                  target: target, resolution: resolution, ambiguous: ambiguous, secret: secret)
    }

    private init(kind: Kind, name: Located<String>, holder: Int, resource: Resource?, path: Path, rare: Rare?,
                 target: Int?, resolution: ClusterResolution?, ambiguous: Bool, secret: Int?) {
        self.kind = kind
        self.name = name
        self.resource = resource
        self.resolution = resolution
        self.ambiguous = ambiguous
        self.storedHolder = Int32(holder)
        self.storedTarget = target.map { Int32($0) } ?? -1
        self.storedSecret = secret.map { Int32($0) } ?? -1
        self.path = path
        self.rare = rare
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
    public var holder: Int { Int(storedHolder) }
    /// The cluster the secret is for.
    public var target: Int { Int(storedTarget) }
    /// Index into `IdentityGraph.remoteSecrets`.
    public var secret: Int { Int(storedSecret) }
    /// The reference that resolved (a key, or the annotation/name when no key resolved).
    public let reference: ClusterReference
    private let storedHolder: Int32, storedTarget: Int32, storedSecret: Int32

    init(holder: Int, target: Int, secret: Int, reference: ClusterReference) {
        self.storedHolder = Int32(holder)
        self.storedTarget = Int32(target)
        self.storedSecret = Int32(secret)
        self.reference = reference
    }
}
