/// A value read from the config set together with the YAML node it came from,
/// so a finding can point at the exact line and column.
public struct Located<Value: Sendable>: Sendable {
    /// The value.
    public let value: Value
    /// The node the value was read from.
    public let node: YAMLNode

    public init(_ value: Value, _ node: YAMLNode) {
        self.value = value
        self.node = node
    }

    /// The value's location.
    public var location: SourceLocation { SourceLocation(node) }
}

/// A place in the config set: file (relative to the root), line and column (1-based).
public struct SourceLocation: Hashable, Sendable, Codable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The location of a node.
    public init(_ node: YAMLNode) {
        self.init(file: node.file.path, line: node.line, column: node.column)
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        if a.file != b.file { return a.file.utf8.lexicographicallyPrecedes(b.file.utf8) }
        return (a.line, a.column) < (b.line, b.column)
    }
}

/// The identity of a Kubernetes object within a cluster.
public struct ResourceIdentity: Hashable, Sendable, Codable {
    public var apiVersion: String
    public var kind: String
    public var namespace: String?
    public var name: String

    public init(apiVersion: String, kind: String, namespace: String?, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// A copy of `other` (lets `FindingResource(resource.identity)` read naturally).
    public init(_ other: ResourceIdentity) { self = other }

    /// The API group (`networking.istio.io`), empty for the core group.
    public var group: String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    /// True when the API group is `group` (the same as `self.group == group`, without making
    /// the group's string: for checks that run once per resource).
    public func isInGroup(_ group: String) -> Bool {
        var v = apiVersion.utf8.makeIterator()
        for b in group.utf8 where v.next() != b { return false }
        if v.next() == UInt8(ascii: "/") { return true }
        return group.isEmpty && !apiVersion.utf8.contains(UInt8(ascii: "/"))
    }

    /// `Kind namespace/name` for messages.
    public var display: String {
        if let ns = namespace { return "\(kind) \(ns)/\(name)" }
        return "\(kind) \(name)"
    }
}

/// One Kubernetes (or Istio, kubeadm, kind, Calico...) object as it applies to one cluster.
/// Objects from shared files appear once per cluster.
///
/// A class, not a struct: every stage hands resources around in arrays and indexes, and a copy
/// is then one reference count instead of five (the file and the identity's strings). It is
/// immutable. The nodes every rule asks for (`metadata`, its `labels` and `annotations`, `spec`)
/// are found once, when the resource is made, and kept as node indexes.
public final class Resource: Sendable {
    /// Index of the cluster in `ConfigSet.clusters`.
    public let clusterIndex: Int
    /// The document's root mapping.
    public let root: YAMLNode
    /// apiVersion, kind, namespace (nil for cluster-scoped kinds), name.
    public let identity: ResourceIdentity
    /// True when the object comes from a file shared by every cluster.
    public let isShared: Bool
    /// True when the object is rendered by an install (not written in the set).
    public let isImplied: Bool
    // Node indexes in `root.file` (-1: absent) of metadata, metadata.labels,
    // metadata.annotations and spec, as the subscripts find them (merge keys honoured).
    private let metadataIndex: Int32
    private let labelsIndex: Int32
    private let annotationsIndex: Int32
    private let specIndex: Int32
    // `spec.template.metadata` and `spec.template.spec` (a workload's pod template), found when
    // the resource is made for the kinds that have one; -2 for other kinds (found on demand).
    private let templateMetadataIndex: Int32
    private let templateSpecIndex: Int32

    public init(clusterIndex: Int, root: YAMLNode, identity: ResourceIdentity, isShared: Bool, isImplied: Bool = false) {
        self.clusterIndex = clusterIndex
        self.root = root
        self.identity = identity
        self.isShared = isShared
        self.isImplied = isImplied
        let (meta, spec) = root.values("metadata", "spec")
        let (labels, annotations) = meta?.values("labels", "annotations") ?? (nil, nil)
        metadataIndex = meta?.index ?? -1
        labelsIndex = labels?.index ?? -1
        annotationsIndex = annotations?.index ?? -1
        specIndex = spec?.index ?? -1
        switch identity.kind {
        case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Rollout":
            let (meta, podSpec) = spec?["template"]?.values("metadata", "spec") ?? (nil, nil)
            templateMetadataIndex = meta?.index ?? -1
            templateSpecIndex = podSpec?.index ?? -1
        default:
            templateMetadataIndex = -2
            templateSpecIndex = -2
        }
    }

    @inline(__always) private func node(_ index: Int32) -> YAMLNode? {
        index < 0 ? nil : YAMLNode(file: root.file, index: index)
    }

    public var kind: String { identity.kind }
    public var name: String { identity.name }
    /// The namespace, or `default` for namespaced kinds written without one; "" for cluster-scoped kinds.
    public var namespace: String { identity.namespace ?? "" }
    public var group: String { identity.group }
    /// The file the object was read from.
    public var file: String { root.file.path }

    /// `metadata`.
    public var metadata: YAMLNode? { node(metadataIndex) }
    /// `spec`.
    public var spec: YAMLNode? { node(specIndex) }
    /// `metadata.labels`.
    public var labelsNode: YAMLNode? { node(labelsIndex) }
    /// `spec.template.metadata`: a workload's pod metadata (a CronJob's is one level deeper).
    public var templateMetadata: YAMLNode? {
        templateMetadataIndex == -2 ? spec?.at("template", "metadata") : node(templateMetadataIndex)
    }
    /// `spec.template.spec`: a workload's pod spec (a CronJob's is one level deeper).
    public var templateSpec: YAMLNode? {
        templateSpecIndex == -2 ? spec?.at("template", "spec") : node(templateSpecIndex)
    }
    /// `metadata.annotations`.
    public var annotationsNode: YAMLNode? { node(annotationsIndex) }
    /// The node of `metadata.name` (or the document root when absent).
    public var nameNode: YAMLNode { root.at("metadata", "name") ?? root }

    /// Labels as written (values that are not strings are kept; MC003 reports them).
    public var labels: [String: Located<String>] { stringMap(labelsNode) }
    /// Annotations as written.
    public var annotations: [String: Located<String>] { stringMap(annotationsNode) }

    /// One label's value with its node.
    public func label(_ key: String) -> Located<String>? {
        guard let n = labelsNode?[key], let v = n.text else { return nil }
        return Located(v, n)
    }

    /// One annotation's value with its node.
    public func annotation(_ key: String) -> Located<String>? {
        guard let n = annotationsNode?[key], let v = n.text else { return nil }
        return Located(v, n)
    }

    /// True for the given kind, optionally also checking the API group.
    public func `is`(_ kind: String, group: String? = nil) -> Bool {
        identity.kind == kind && (group.map(identity.isInGroup) ?? true)
    }

    private func stringMap(_ node: YAMLNode?) -> [String: Located<String>] {
        guard let node, node.isMapping else { return [:] }
        var out: [String: Located<String>] = [:]
        for (k, v) in node.mergedPairs {
            guard let key = k.scalar, let value = v.text else { continue }
            out[key] = Located(value, v)
        }
        return out
    }
}

/// Kinds that have no namespace.
public enum ResourceScope {
    public static let clusterScoped: Set<String> = [
        "Namespace", "Node", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "PersistentVolume", "StorageClass", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "APIService", "PriorityClass", "IPPool", "ServiceCIDR", "ClusterConfiguration", "InitConfiguration",
        "Cluster", "KubeProxyConfiguration", "Installation", "CiliumPodIPPool", "IngressClass",
        "KubeletConfiguration", "JoinConfiguration", "RuntimeClass", "CSIDriver", "ClusterIssuer",
        "GatewayClass",
    ]

    /// Kinds that are not Kubernetes API objects but config files of installers (no metadata needed).
    public static let configFileKinds: Set<String> = [
        "ClusterConfiguration", "InitConfiguration", "JoinConfiguration", "KubeProxyConfiguration",
        "KubeletConfiguration", "Config", "ConfigSet",
    ]

    /// A cluster's own configuration file (kubeadm, kind, a kubeconfig), never applied with
    /// kubectl: a source of facts even beside a kustomization or chart.
    public static func isClusterConfigFile(_ identity: ResourceIdentity) -> Bool {
        configFileKinds.contains(identity.kind) || (identity.kind == "Cluster" && identity.apiVersion.hasPrefix("kind.x-k8s.io"))
    }
}
