/// Whether a CIDR holds pod IPs or Service ClusterIPs.
public enum CIDRRole: String, Sendable, Hashable, Comparable {
    case pod, service

    public static func < (a: CIDRRole, b: CIDRRole) -> Bool { a == .pod && b == .service }
}

/// The kind of place a CIDR is read from, in precedence order: a smaller raw value wins.
///
/// The order follows "Suggested linter reading strategy" in reference/cidr-sources.md, with one
/// deliberate change: the running components' flags rank above the installer configuration
/// they were rendered from (a hand-edited static Pod is what runs until the next upgrade).
///
/// - Pod CIDR: CNI IPAM (Calico IPPool/Installation, Cilium cluster-pool/CiliumPodIPPool,
///   Flannel `Network`) > kube-controller-manager `--cluster-cidr` > kubeadm/kind/Cluster API
///   declared subnet > kube-proxy `clusterCIDR` > the meshlint manifest > `Node.spec.podCIDRs`
///   (slices of the pod range, never a disagreement when inside it).
/// - Service CIDR: `ServiceCIDR` objects > kube-apiserver `--service-cluster-ip-range` >
///   kube-controller-manager `--service-cluster-ip-range` > kubeadm/kind/Cluster API > manifest.
///
/// The manifest ranks last among whole-cluster sources: it asserts what the operator believes,
/// and is checked against what the cluster's own objects say.
public enum CIDROrigin: Int, Sendable, Hashable, Comparable {
    case serviceCIDRObject = 0
    case cni = 1
    case apiServerFlag = 2
    case controllerManagerFlag = 3
    case clusterConfiguration = 4
    case kubeProxy = 5
    case manifest = 6
    case node = 7

    public static func < (a: CIDROrigin, b: CIDROrigin) -> Bool { a.rawValue < b.rawValue }

    /// Why the value from this origin is the one really in use (for messages).
    public func use(_ role: CIDRRole) -> String {
        switch self {
        case .serviceCIDRObject: return "the API server allocates ClusterIPs from its ServiceCIDR objects"
        case .cni: return "the CNI assigns pod IPs from its own pools"
        case .apiServerFlag: return "the API server allocates ClusterIPs from its --service-cluster-ip-range"
        case .controllerManagerFlag:
            return role == .pod ? "kube-controller-manager allocates Node podCIDRs from its --cluster-cidr"
                                : "kube-controller-manager runs with this --service-cluster-ip-range"
        case .clusterConfiguration: return "the control plane was configured from it"
        case .kubeProxy: return "kube-proxy uses it to tell pod traffic from external traffic"
        case .manifest: return "the meshlint manifest asserts it"
        case .node: return "the Node was given it"
        }
    }

    /// What goes wrong when this (lower-precedence) source disagrees with the one in use.
    public func consequence(_ role: CIDRRole) -> String {
        switch self {
        case .serviceCIDRObject, .apiServerFlag:
            return "ClusterIPs are allocated from a different range than the rest of the cluster expects"
        case .cni: return "pods get addresses from a range the rest of the cluster does not expect"
        case .controllerManagerFlag:
            return role == .pod ? "Node podCIDRs (used by host-local IPAM, kube-proxy and routing) do not match the pod IPs"
                                : "the controller manager's view of the service range is stale"
        case .clusterConfiguration:
            return role == .pod ? "what is rendered from this value (kube-proxy clusterCIDR, Node podCIDRs) does not match the pod IPs"
                                : "the next upgrade re-renders the API server flag from this value"
        case .kubeProxy: return "kube-proxy masquerades pod traffic from outside its clusterCIDR as if it were external"
        case .manifest: return "the manifest's assertion is wrong (meshlint checks overlaps with the value in use)"
        case .node: return "the Node's pod range lies outside the cluster's pod CIDR"
        }
    }
}

/// One CIDR stated by one source of one cluster.
public struct CIDRSource: Sendable {
    /// The CIDR, the node it was read from and a description of the source
    /// (e.g. "Calico IPPool default-ipv4-ippool spec.cidr").
    public let cidr: Sourced<CIDR>
    /// Pod or service range.
    public let role: CIDRRole
    /// The kind of source, which decides precedence.
    public let origin: CIDROrigin
    /// The cluster the source belongs to.
    public let cluster: Int
    /// The object that states it (nil for the manifest).
    public let resource: Resource?
    /// Dotted path of the field inside the object (or the manifest).
    public let fieldPath: String
    /// True when the value is a documented default of an object that does not state it
    /// (kind `Cluster` without `podSubnet`, kubeadm without `serviceSubnet`).
    public let isDefault: Bool
    /// Identifies the statement the CIDR belongs to (one object's field, possibly listing several
    /// CIDRs): sources with the same statement are compared as one set.
    public let statement: YAMLNode

    /// The CIDR value.
    public var value: CIDR { cidr.value }
    /// The node to point findings at.
    public var node: YAMLNode { cidr.node }
    /// A description of the source for messages.
    public var source: String { cidr.source }
    /// True when the source comes from a file shared by every cluster.
    public var isShared: Bool { resource?.isShared ?? false }
}

/// A value that should be an IP address or CIDR but is not usable as written.
public struct AddressProblem: Sendable {
    /// What is wrong.
    public enum Kind: Sendable {
        /// It does not parse.
        case invalid(IPParseError)
        /// It parses but has host bits set; it is read as `CIDR.network`.
        case hostBitsSet(CIDR)
    }

    public let kind: Kind
    /// The text as written.
    public let text: String
    /// The node holding it.
    public let node: YAMLNode
    /// The cluster whose objects hold it.
    public let cluster: Int
    /// The object (nil for the manifest).
    public let resource: Resource?
    /// Dotted field path.
    public let fieldPath: String
    /// Description of the field for messages ("Calico IPPool pool-a spec.cidr").
    public let source: String
    /// "CIDR", "IP address" or "IP address or CIDR".
    public let expected: String
    /// What rejects it / what the value is used for (for messages).
    public let consequence: String

    /// True when the object comes from a file shared by every cluster.
    public var isShared: Bool { resource?.isShared ?? false }
}

/// Two sources of one cluster that state different ranges for the same role and family.
public struct CIDRDisagreement: Sendable {
    public let role: CIDRRole
    public let family: IPFamily
    /// The lower-precedence statement (one or more CIDRs of one source).
    public let lower: [CIDRSource]
    /// What the cluster really uses (the highest-precedence sources of that family).
    public let effective: [CIDRSource]
}

/// Every CIDR fact of one cluster.
public struct ClusterCIDRs: Sendable {
    /// Index in `ConfigSet.clusters`.
    public let cluster: Int
    /// Every parsed CIDR from every source, by precedence (then file order).
    public let sources: [CIDRSource]
    /// Values that do not parse or have host bits set (CIDR sources, meshNetworks, ServiceEntry
    /// addresses, manifest gateway addresses).
    public let problems: [AddressProblem]
    /// Sources that disagree with the range in use.
    public let disagreements: [CIDRDisagreement]

    /// The ranges in use for `role`: per address family, every source of the highest-precedence
    /// origin that states that family.
    public func effective(_ role: CIDRRole) -> [CIDRSource] {
        var out: [CIDRSource] = []
        for family in [IPFamily.v4, .v6] { out += effective(role, family) }
        return out
    }

    /// The ranges in use for `role` and `family`.
    public func effective(_ role: CIDRRole, _ family: IPFamily) -> [CIDRSource] {
        let all = sources.filter { $0.role == role && $0.value.family == family }
        guard let top = all.map(\.origin).min() else { return [] }
        return all.filter { $0.origin == top }
    }
}
