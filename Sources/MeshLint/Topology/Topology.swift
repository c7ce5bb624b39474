/// The cross-cluster topology of a linted set, as a picture sees it: clusters grouped by
/// network with their gateways, the edges between them (endpoint discovery, cross-network and
/// `.global` traffic, differing root CAs) and every finding attached to the node or edge it
/// concerns. Pure data, built from a `LintReport` (see `Topology.init(report:)`); the DOT,
/// Mermaid, SVG and HTML renderers only draw it.
public struct Topology: Sendable {
    /// One gateway of a cluster (a Service or an install's gateway declaration).
    public struct Gateway: Sendable {
        /// Stable node id (`c3g1`).
        public let id: String
        /// Service name.
        public let name: String
        /// Service namespace.
        public let namespace: String
        /// What it does: `east-west`, `ingress`, `egress`, `istiod` (exposes 15012/15017), `gateway`.
        public let kinds: [String]
        /// Addresses other clusters can use.
        public let addresses: [String]
        /// Service ports; nil when the install leaves them to the chart's defaults.
        public let ports: [Int]?
        /// Indices into `Topology.findings`.
        public internal(set) var findings: [Int]
    }

    /// How a cluster's DNS sends the global domain (`.global`) to istiocoredns.
    public struct DNSPath: Sendable, Hashable {
        /// One line, e.g. "DNS .global → 10.96.0.53 (Corefile)".
        public let text: String
        /// True when nothing sends the zone anywhere.
        public let isBroken: Bool
    }

    /// One cluster (or, in an aggregated topology, one whole network).
    public struct Cluster: Sendable {
        /// Stable node id (`c3`; `a1` for an aggregated network).
        public let id: String
        /// The cluster's set name (or the network's name).
        public let name: String
        /// The cluster ID others use, when it differs from the set name.
        public let clusterID: String?
        /// The network it is on (nil when nothing says).
        public let network: String?
        /// `primary`, `remote`, `external control plane` or `unknown`.
        public let role: String
        /// `sidecar`, `ambient`, or nil when the set does not say.
        public let dataPlane: String?
        /// Istio version as written (`1.20.3`).
        public let version: String?
        /// Deployment models it takes part in (`endpoint-discovery`, `replicated-gateways`).
        public let models: [String]
        /// The root certificate's subject, when the cluster has a plug-in CA.
        public let rootCA: String?
        /// Clusters with the same root certificate share this number (1-based).
        public let rootCAGroup: Int?
        /// The `.global` DNS path, for clusters that use `.global` names.
        public let dns: DNSPath?
        /// Its gateways.
        public internal(set) var gateways: [Gateway]
        /// Extra summary lines (aggregated networks: counts).
        public let summary: [String]
        /// Clusters this node stands for (1, or a network's cluster count).
        public let members: Int
        /// Indices into `Topology.findings`.
        public internal(set) var findings: [Int]
    }

    /// Clusters on one network.
    public struct Network: Sendable {
        /// Stable id (`n0`).
        public let id: String
        /// The network's name; nil for clusters whose network nothing states.
        public let name: String?
        /// Indices into `Topology.clusters`.
        public let clusters: [Int]
    }

    /// An address a ServiceEntry sends traffic to that no cluster of the set owns.
    public struct External: Sendable {
        /// Stable node id (`x0`).
        public let id: String
        /// The address as written.
        public let address: String
        /// Indices into `Topology.findings`.
        public internal(set) var findings: [Int]
    }

    /// What an edge stands for.
    public enum EdgeKind: String, Sendable, CaseIterable {
        /// A remote secret: its holder's istiod discovers the target's endpoints.
        case discovery
        /// A remote secret a primary must hold and does not (SPEC MC203).
        case missingDiscovery = "missing-discovery"
        /// Cross-network traffic through the target cluster's east-west gateway.
        case crossNetwork = "cross-network"
        /// A `.global` ServiceEntry: caller to the target cluster's gateway.
        case serviceEntry = "service-entry"
        /// Two clusters whose plug-in CAs have different root certificates.
        case differentRootCA = "different-root-ca"

        /// A few words for the legend.
        public var legend: String {
            switch self {
            case .discovery: return "endpoint discovery (remote secret holder → cluster)"
            case .missingDiscovery: return "remote secret missing (primary → cluster it must discover)"
            case .crossNetwork: return "cross-network traffic (caller → east-west gateway)"
            case .serviceEntry: return ".global ServiceEntry (caller → target gateway)"
            case .differentRootCA: return "different root CAs (no common trust)"
            }
        }
    }

    /// A directed edge between two nodes (cluster, gateway or external ids).
    public struct Edge: Sendable {
        /// Stable id (`e12`).
        public let id: String
        /// What it stands for.
        public let kind: EdgeKind
        /// Source node id.
        public let from: String
        /// Target node id.
        public let to: String
        /// Short label ("istio-remote-secret-west", "reviews.default.global :15443").
        public let label: String
        /// Edges this one stands for (more than 1 in an aggregated topology).
        public let count: Int
        /// Indices into `Topology.findings`.
        public internal(set) var findings: [Int]

        /// True when something is wrong with it.
        public var isBroken: Bool { !findings.isEmpty || kind == .missingDiscovery }
    }

    /// Networks in order (named networks by name, then the clusters without one).
    public internal(set) var networks: [Network]
    /// Clusters (or aggregated networks).
    public internal(set) var clusters: [Cluster]
    /// Addresses outside the set that edges lead to.
    public internal(set) var externals: [External]
    /// Edges in a deterministic order.
    public internal(set) var edges: [Edge]
    /// Every finding of the report, in report order.
    public let findings: [Finding]
    /// Findings that concern no cluster (a broken shared file, the configuration).
    public internal(set) var setFindings: [Int]
    /// True when clusters were aggregated by network (large meshes).
    public internal(set) var isAggregated: Bool
    /// Clusters in the set.
    public let clusterCount: Int
    /// Edges left out of an aggregated topology because they carry no finding.
    public internal(set) var hiddenEdges: Int

    /// Meshes with at least this many clusters are drawn aggregated by network unless all is asked for.
    public static let aggregationThreshold = 100

    /// Rule codes of `indices`, each once, in order ("MC401 MC402").
    public func codes(_ indices: [Int]) -> [String] {
        var seen = Set<String>(), out: [String] = []
        for i in indices where seen.insert(findings[i].rule).inserted { out.append(findings[i].rule) }
        return out
    }
}
