/// A cluster's part in endpoint discovery: a primary runs istiod and holds remote secrets, a
/// remote runs none and is watched by its primary's istiod.
public struct ControlPlaneRole: Sendable {
    /// Primary or remote.
    public enum Kind: String, Sendable, Hashable {
        case primary, remote
    }

    /// Primary or remote.
    public let kind: Kind
    /// Where it is stated (nil when inferred from the remote secrets the cluster holds).
    public let node: YAMLNode?
    /// What says so, for messages (e.g. "spec.profile: remote").
    public let source: String
}

/// Why a remote belongs to a primary.
public struct ControlPlaneLink: Sendable {
    /// The primary.
    public let primary: Int
    /// What says so, for messages (e.g. "remotePilotAddress 10.32.3.27 lies in main's pod CIDR").
    public let reason: String
    /// The statement in the remote's files.
    public let node: YAMLNode
}

/// One cluster a primary must discover through a remote secret (MC203).
public struct DiscoveryRequirement: Sendable {
    /// Why the primary must discover the target.
    public enum Reason: Sendable, Hashable {
        /// Multi-primary: every primary watches every other cluster of the mesh.
        case multiPrimary
        /// The target is a remote whose control plane is this primary.
        case remoteOfThisPrimary
        /// The target is a remote whose primary nothing states; any primary could hold its
        /// secret and none does.
        case remoteWithoutStatedPrimary
    }

    /// The cluster to discover.
    public let target: Int
    /// Why.
    public let reason: Reason
    /// True when a remote secret of the primary is for the target.
    public let isCovered: Bool
    /// Secret keys of the primary that name no cluster but resemble the target's name (the
    /// likely cause when the target is not covered).
    public let nearMisses: [ClusterReference]
}

/// Who must discover whom through remote secrets: every cluster's control-plane role, each
/// remote's primary, and per primary the clusters it must hold a remote secret for, with the
/// ones it does not (SPEC §2 MC203). Built once per run from the identity graph.
///
/// - Multi-primary (two or more primaries that discover each other, or no remotes at all):
///   every primary must hold a secret for every other participating cluster.
/// - Primary-remote and the 1.1–1.7 shared control plane: a primary must hold secrets for its
///   remotes. A remote's primary is the one its `topology.istio.io/controlPlaneClusters`
///   annotation names, or the one its `remotePilotAddress` belongs to (a gateway address, or an
///   istiod pod IP in that primary's pod CIDR), or the only primary of the set; otherwise any
///   primary may hold its secret.
///
/// A remote secret counts as present whatever its label or namespace (MC201, MC204 report
/// those). Clusters that only take part in the `.global` gateway model are not required.
public struct DiscoveryPlan: Sendable {
    /// Per cluster: its role, when it takes part in endpoint discovery and the set says which.
    public let roles: [ControlPlaneRole?]
    /// Per cluster: true when it takes part in endpoint discovery.
    public let participates: [Bool]
    /// Per remote: the primaries running its control plane (empty when nothing says).
    public let controlPlanes: [[ControlPlaneLink]]
    /// True when the primaries discover each other (multi-primary).
    public let isMultiPrimary: Bool
    /// Per primary: the clusters it must discover.
    public let requirements: [[DiscoveryRequirement]]

    /// The clusters primary `c` must discover but holds no remote secret for.
    public func missing(from c: Int) -> [DiscoveryRequirement] { requirements[c].filter { !$0.isCovered } }

    /// The role of cluster `c`, if it takes part and the set says which.
    public func role(_ c: Int) -> ControlPlaneRole.Kind? { roles[c]?.kind }

    init(set: ConfigSet, facts: [ClusterFacts], identity id: IdentityGraph, cidrs: CIDRIndex, traffic: TrafficIndex) {
        let n = set.clusters.count
        guard id.usesEndpointDiscovery else {
            roles = Array(repeating: nil, count: n)
            participates = Array(repeating: false, count: n)
            controlPlanes = Array(repeating: [], count: n)
            isMultiPrimary = false
            requirements = Array(repeating: [], count: n)
            return
        }

        // Roles.
        let stated = (0..<n).map { Self.statedRole(set: set, cluster: $0, facts: facts[$0]) }
        var roles: [ControlPlaneRole?] = []
        var participates: [Bool] = []
        for c in 0..<n {
            // Secrets for itself alone (which istiod ignores) say nothing about its role.
            let ownID = id.clusterID(c, facts: facts[c])?.value
            let holds = id.edges(from: c).contains { $0.target != c } || id.remoteSecrets(in: c).contains { s in
                s.entries.contains { e in e.key.value != ownID && id.names.resolve(e.key.value).target != c }
            }
            var role = stated[c]
            if role == nil && holds { role = ControlPlaneRole(kind: .primary, node: nil, source: "it holds remote secrets for other clusters") }
            // Clusters of the `.global` gateway model in a mixed set take part only when
            // something ties them to endpoint discovery.
            let referenced = id.references(to: c).contains { $0.isFunctional && $0.holder != c }
            let model = id.models[c]
            var takesPart = model.contains(.endpointDiscovery)
                && (holds || referenced || role?.kind == .remote || set.clusters[c].declaration?.role != nil
                    || !model.contains(.replicatedGateways))
            // A cluster with no Istio install that nothing refers to is not part of the mesh.
            if role == nil && !referenced { takesPart = false }
            participates.append(takesPart)
            roles.append(takesPart ? role : nil)
        }
        self.roles = roles
        self.participates = participates
        let primaries = (0..<n).filter { roles[$0]?.kind == .primary }
        let remotes = (0..<n).filter { roles[$0]?.kind == .remote }
        let members = (0..<n).filter { participates[$0] }

        // Each remote's primary.
        var planes = Array(repeating: [ControlPlaneLink](), count: n)
        var cpRefs = Array(repeating: [ClusterReference](), count: n)
        for ref in id.references where ref.kind == .controlPlaneClusters && ref.holder < n { cpRefs[ref.holder].append(ref) }
        for r in remotes {
            planes[r] = Self.controlPlanes(of: r, primaries: primaries, annotations: cpRefs[r], facts: facts[r], identity: id,
                                          cidrs: cidrs, traffic: traffic, set: set)
        }
        self.controlPlanes = planes

        // Coverage: the clusters each primary's secrets are for.
        let aliases = Self.registryAliasTargets(identity: id)
        var covered = Array(repeating: Set<Int>(), count: n)
        var wildcards = Array(repeating: 0, count: n)
        var nearMissKeys = Array(repeating: [ClusterReference](), count: n)
        let isPrimary = Set(primaries)
        for p in primaries {
            for e in id.edges(from: p) where e.target != p { covered[p].insert(e.target) }
            // An external control plane reaches its config cluster through istio-kubeconfig.
            for l in id.configClusterLinks[p] { if let t = l.target, t != p { covered[p].insert(t) } }
        }
        for (si, s) in id.remoteSecrets.enumerated() where isPrimary.contains(s.holder) {
            let p = s.holder
            let refs = id.references(ofSecret: si)
            for entry in s.entries {
                let key = entry.key.value
                if let ref = refs.first(where: { $0.kind == .secretKey && $0.name.node == entry.key.node }) {
                    if ref.target != nil { continue }
                    if ref.ambiguous {
                        for t in id.names.clusters(withClusterName: key) where t != p { covered[p].insert(t) }
                    } else if let alias = aliases[key] {
                        if let t = Self.aliasTarget(alias, entry: entry, holder: p, identity: id) { covered[p].insert(t) } else { wildcards[p] += 1 }
                    } else {
                        nearMissKeys[p].append(ref)
                    }
                } else if Placeholder.isTemplate(key), !id.edges(from: p).contains(where: { $0.secret == si && $0.reference.name.node == entry.key.node }) {
                    // `${REMOTE_CLUSTER_NAME}`: a docs placeholder, for some cluster.
                    wildcards[p] += 1
                }
            }
        }

        // Requirements.
        let primaryPeers = primaries.contains { p in id.edges(from: p).contains { $0.target != p && roles[$0.target]?.kind == .primary } }
        let multi = primaries.count >= 2 && (remotes.isEmpty || primaryPeers)
        self.isMultiPrimary = multi
        var reqs = Array(repeating: [(Int, DiscoveryRequirement.Reason)](), count: n)
        if multi {
            for p in primaries {
                for t in members where t != p { reqs[p].append((t, .multiPrimary)) }
            }
        } else if !primaries.isEmpty {
            for r in remotes {
                let own = planes[r].map(\.primary)
                if !own.isEmpty {
                    for p in Set(own).sorted() where p != r { reqs[p].append((r, .remoteOfThisPrimary)) }
                } else if primaries.count == 1 {
                    reqs[primaries[0]].append((r, .remoteOfThisPrimary))
                } else if !primaries.contains(where: { covered[$0].contains(r) }) {
                    // Any primary could hold it and none does: report it once, on the first.
                    reqs[primaries[0]].append((r, .remoteWithoutStatedPrimary))
                }
            }
        }
        var out = Array(repeating: [DiscoveryRequirement](), count: n)
        for p in primaries {
            let list = reqs[p].sorted { $0.0 < $1.0 }
            let missingCount = list.filter { !covered[p].contains($0.0) }.count
            // Secrets whose key cannot be matched (docs placeholders, unmapped registry names)
            // may be the missing ones: give them the benefit of the doubt.
            let assumeCovered = missingCount > 0 && wildcards[p] >= missingCount
            out[p] = list.map { t, reason in
                let isCovered = covered[p].contains(t) || assumeCovered
                let names = Self.names(of: t, set: set, facts: facts, identity: id)
                let near = isCovered ? [] : nearMissKeys[p].filter { ref in
                    names.contains { Suggest.nearest(ref.name.value, in: [$0]) != nil }
                }
                return DiscoveryRequirement(target: t, reason: reason, isCovered: isCovered, nearMisses: near)
            }
        }
        self.requirements = out
    }

    /// What a cluster's own files say about its role: the manifest, `profile: remote`,
    /// `istiodRemote`, 1.1–1.4 `istioRemote: true`, a `remotePilotAddress`, the
    /// `controlPlaneClusters` annotation; else primary when it installs a control plane.
    static func statedRole(set: ConfigSet, cluster c: Int, facts f: ClusterFacts) -> ControlPlaneRole? {
        if let d = set.clusters[c].declaration?.role {
            return ControlPlaneRole(kind: d.value == "remote" ? .remote : .primary, node: d.node, source: "meshlint.yaml role: \(d.value)")
        }
        if let p = f.profile.sources.first(where: { $0.value == "remote" }) {
            return ControlPlaneRole(kind: .remote, node: p.node, source: "\(p.source): remote")
        }
        for i in f.installs where !i.isGatewayOnly {
            let prefix = i.resource == nil ? "" : "spec.values."
            if let n = i.spec?.at("components", "istiodRemote", "enabled"), n.bool == true {
                return ControlPlaneRole(kind: .remote, node: n, source: "\(i.label) spec.components.istiodRemote.enabled")
            }
            if let n = i.global("istioRemote"), n.bool == true {
                return ControlPlaneRole(kind: .remote, node: n, source: "\(i.label) \(prefix)global.istioRemote: true")
            }
            if let n = i.global("remotePilotAddress"), let s = n.text, !s.isEmpty {
                return ControlPlaneRole(kind: .remote, node: n, source: "\(i.label) \(prefix)global.remotePilotAddress")
            }
            if let n = i.values?.at("istiodRemote", "injectionPath") ?? i.values?.at("istiodRemote", "injectionURL"), let s = n.text, !s.isEmpty {
                return ControlPlaneRole(kind: .remote, node: n, source: "\(i.label) \(prefix)istiodRemote")
            }
        }
        for r in set.resources(in: c) where r.kind == "Namespace" && r.name == f.istioNamespace {
            if let a = r.annotation(IdentityGraph.controlPlaneClustersAnnotation) {
                return ControlPlaneRole(kind: .remote, node: a.node, source: "Namespace \(r.name) annotation \(IdentityGraph.controlPlaneClustersAnnotation)")
            }
        }
        if f.role == .primary, let i = f.installs.first(where: { !$0.isGatewayOnly }) {
            return ControlPlaneRole(kind: .primary, node: i.resource?.nameNode ?? i.root, source: "\(i.label) installs istiod")
        }
        return nil
    }

    /// The primaries that run remote `r`'s control plane.
    static func controlPlanes(of r: Int, primaries: [Int], annotations: [ClusterReference], facts f: ClusterFacts,
                              identity id: IdentityGraph, cidrs: CIDRIndex, traffic: TrafficIndex, set: ConfigSet) -> [ControlPlaneLink] {
        var out: [ControlPlaneLink] = []
        let isPrimary = Set(primaries)
        for ref in annotations {
            if let t = ref.target, t != r, isPrimary.contains(t) {
                out.append(ControlPlaneLink(primary: t, reason: "its \(IdentityGraph.controlPlaneClustersAnnotation) annotation names \(ref.name.value)", node: ref.name.node))
            }
        }
        if !out.isEmpty { return out }
        for i in f.installs where !i.isGatewayOnly {
            guard let n = i.global("remotePilotAddress"), let addr = n.text, !addr.isEmpty, !Placeholder.isTemplate(addr) else { continue }
            let host = APIServers.host(of: addr) ?? addr.lowercased()
            for owner in traffic.addressOwners[host] ?? [] where owner.cluster != r && isPrimary.contains(owner.cluster) {
                out.append(ControlPlaneLink(primary: owner.cluster, reason: "its remotePilotAddress \(addr) is \(set.clusters[owner.cluster].name)'s gateway address (\(owner.source))", node: n))
            }
            if out.isEmpty, case .success(let ip) = IPAddress.parse(host) {
                for p in primaries where p != r {
                    if let src = cidrs.cidrs(p).effective(.pod).first(where: { $0.value.contains(ip) }) {
                        out.append(ControlPlaneLink(primary: p, reason: "its remotePilotAddress \(addr) lies in \(set.clusters[p].name)'s pod CIDR \(src.value)", node: n))
                    }
                }
            }
            if !out.isEmpty { return out }
        }
        if primaries.count == 1, let p = primaries.first, p != r, let node = f.installs.first?.root ?? set.clusters[r].declaration?.node {
            out.append(ControlPlaneLink(primary: p, reason: "\(set.clusters[p].name) is the only primary of the set", node: node))
        }
        return out
    }

    /// Legacy registry names (a secret key that meshNetworks also uses as `fromRegistry`, Istio
    /// 1.1–1.4): key → the networks meshNetworks puts that registry on.
    static func registryAliasTargets(identity id: IdentityGraph) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for r in id.references where r.kind == .fromRegistry && r.resolution == .registryAlias {
            out[r.name.value, default: []].formUnion(r.network.map { [$0.value] } ?? [])
        }
        return out
    }

    /// The cluster a registry-name key stands for: the one whose API server its kubeconfig
    /// reaches, else the only other cluster on the network meshNetworks puts it on.
    static func aliasTarget(_ networks: Set<String>, entry: RemoteSecret.Entry, holder: Int, identity id: IdentityGraph) -> Int? {
        for s in entry.kubeconfig?.servers ?? [] {
            if let hit = id.cluster(servingAPIAt: s.value), hit.cluster != holder { return hit.cluster }
        }
        let onNetwork = (0..<id.models.count).filter { c in c != holder && id.network(c).map(networks.contains) == true }
        return onNetwork.count == 1 ? onNetwork[0] : nil
    }

    /// Every name a cluster is known by (cluster ID, set name).
    static func names(of c: Int, set: ConfigSet, facts: [ClusterFacts], identity id: IdentityGraph) -> [String] {
        var out = [set.clusters[c].name]
        if let cid = id.clusterID(c, facts: facts[c])?.value, cid != out[0] { out.append(cid) }
        return out
    }
}
