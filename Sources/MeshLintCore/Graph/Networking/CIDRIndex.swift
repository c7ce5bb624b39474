/// A cluster's range in use that overlaps ranges of earlier clusters on the same network: one
/// value per later cluster and pair of roles, however many earlier clusters it overlaps, so n
/// clusters sharing one range give n-1 overlaps, not n(n-1)/2.
public struct CIDROverlap: Sendable {
    /// The network both clusters are on (nil: the default network, no name set).
    public let network: String?
    /// The overlapping range of the first cluster in set order that it overlaps.
    public let earlier: CIDRSource
    /// The overlapping ranges of further earlier clusters (one per cluster, in set order), at
    /// most ``CIDRIndex/overlapOthersCap``.
    public let others: [CIDRSource]
    /// How many further earlier clusters overlap beyond `others`.
    public let othersNotListed: Int
    /// The range of the cluster that comes later in set order (findings point here).
    public let later: CIDRSource
    /// The addresses in both ranges.
    public let intersection: IPRange
    /// Lower-precedence sources of the later cluster that state an overlapping range too.
    public let laterAlso: [CIDRSource]
    /// When `earlier` and `later` are the same node of a shared file: every cluster of the
    /// network that gets the range from it (else empty).
    public let sharedBy: [Int]
}

/// Pod and service CIDRs of every cluster with every source, their problems and
/// disagreements, and the overlaps between clusters on the same network. Built once per run.
public final class CIDRIndex: Sendable {
    /// Per cluster, indexed like `ConfigSet.clusters`.
    public let clusters: [ClusterCIDRs]
    /// Overlapping ranges between clusters on the same network: one per later cluster and
    /// pair of roles (pod/pod, pod/service, service/pod, service/service), or per shared node.
    public let overlaps: [CIDROverlap]
    /// How many earlier clusters besides the first an overlap lists.
    public static let overlapOthersCap = 10

    /// Reads every cluster's CIDR sources and sweeps each network for overlaps; `network` is the
    /// cluster's network (clusters with nil share the default network).
    init(set: ConfigSet, facts: [ClusterFacts], byClusterKind: [[String: [Resource]]], network: (Int) -> String?) {
        // Per cluster, in parallel (each reads only its own resources).
        let clusters = perCluster(set.clusters.count) { c -> ClusterCIDRs in
            var reader = CIDRSourceReader(set: set, cluster: c, facts: facts[c]) { kind in
                byClusterKind[c][kind] ?? []
            }
            reader.read()
            let sources = reader.sources.enumerated().sorted { a, b in
                a.element.origin != b.element.origin ? a.element.origin < b.element.origin : a.offset < b.offset
            }.map(\.element)
            return ClusterCIDRs(cluster: c, sources: sources, problems: reader.problems,
                                disagreements: Self.disagreements(sources))
        }
        self.clusters = clusters
        self.overlaps = Self.overlaps(clusters, network: network)
    }

    /// The CIDR facts of one cluster.
    public func cidrs(_ cluster: Int) -> ClusterCIDRs { clusters[cluster] }

    // MARK: - Disagreements inside one cluster

    /// A lower-precedence statement disagrees when the range in use is not inside what it
    /// says (pods would get addresses the component reading it does not expect). A statement
    /// wider than the range in use is not a disagreement, nor are several CNI pools, nor Node
    /// podCIDRs inside any whole-cluster pod range.
    static func disagreements(_ sources: [CIDRSource]) -> [CIDRDisagreement] {
        var out: [CIDRDisagreement] = []
        for role in [CIDRRole.pod, .service] {
            for family in [IPFamily.v4, .v6] {
                let all = sources.filter { $0.role == role && $0.value.family == family }
                guard let top = all.map(\.origin).min() else { continue }
                let effective = all.filter { $0.origin == top }
                var base = effective
                if top == .serviceCIDRObject {
                    // Extra ServiceCIDR objects extend the range; `kubernetes` is the one the flags describe.
                    let primary = effective.filter { $0.resource?.name == "kubernetes" }
                    if !primary.isEmpty { base = primary }
                }
                var groups: [[CIDRSource]] = []
                var groupIndex: [YAMLNode: Int] = [:]
                for s in all where s.origin > top && s.origin != .node {
                    if let g = groupIndex[s.statement] { groups[g].append(s) } else {
                        groupIndex[s.statement] = groups.count
                        groups.append([s])
                    }
                }
                for g in groups where !IntervalSweep.covers(g.map(\.value.range), base.map(\.value.range)) {
                    out.append(CIDRDisagreement(role: role, family: family, lower: g, effective: effective))
                }
                if role == .pod && top != .node {
                    let whole = all.filter { $0.origin != .node }.map(\.value.range)
                    for n in all where n.origin == .node && !IntervalSweep.covers(whole, [n.value.range]) {
                        out.append(CIDRDisagreement(role: role, family: family, lower: [n], effective: effective))
                    }
                }
            }
        }
        return out
    }

    // MARK: - Overlaps between clusters

    private enum OverlapKey: Hashable {
        case later(cluster: Int, laterRole: CIDRRole, earlierRole: CIDRRole)
        case shared(node: YAMLNode, laterRole: CIDRRole, earlierRole: CIDRRole)
    }

    /// Per network: every cluster's ranges in use, swept by start address.
    static func overlaps(_ clusters: [ClusterCIDRs], network: (Int) -> String?) -> [CIDROverlap] {
        var byNetwork: [String?: [Int]] = [:]
        var networkOrder: [String?] = []
        for c in clusters.indices {
            let n = network(c)
            if byNetwork[n] == nil { networkOrder.append(n) }
            byNetwork[n, default: []].append(c)
        }
        var out: [CIDROverlap] = []
        for net in networkOrder {
            var entries: [CIDRSource] = []
            for c in byNetwork[net]! {
                entries += clusters[c].effective(.pod)
                entries += clusters[c].effective(.service)
            }
            // Per key: the best pair per earlier cluster (lowest locations first).
            var best: [OverlapKey: [Int: (CIDRSource, CIDRSource)]] = [:]
            var shared: [OverlapKey: Set<Int>] = [:]
            var keys: [OverlapKey] = []
            for (i, j) in IntervalSweep.overlappingPairs(entries.map(\.value.range)) {
                let a = entries[i], b = entries[j]
                guard a.cluster != b.cluster else { continue }
                let (e, l) = a.cluster < b.cluster ? (a, b) : (b, a)
                if e.node == l.node {
                    let key = OverlapKey.shared(node: l.node, laterRole: l.role, earlierRole: e.role)
                    if shared[key] == nil { keys.append(key); best[key] = [e.cluster: (e, l)] }
                    shared[key, default: []].formUnion([e.cluster, l.cluster])
                    continue
                }
                let key = OverlapKey.later(cluster: l.cluster, laterRole: l.role, earlierRole: e.role)
                if best[key] == nil { keys.append(key) }
                if let old = best[key]?[e.cluster],
                   (l.cidr.location, e.cidr.location) >= (old.1.cidr.location, old.0.cidr.location) { continue }
                best[key, default: [:]][e.cluster] = (e, l)
            }
            for key in keys {
                let pairs = best[key]!.sorted { $0.key < $1.key }.map(\.value)
                // Reported at the later cluster's range that overlaps the first earlier cluster;
                // the other earlier clusters come along as related ranges.
                let (e, l) = pairs[0]
                let rest = pairs.dropFirst().map(\.0)
                let inter = e.value.range.intersection(l.value.range)!
                let also = clusters[l.cluster].sources.filter {
                    $0.role == l.role && $0.origin > l.origin && $0.node != l.node && $0.value.range.overlaps(inter)
                }
                let sharers = shared[key].map { $0.sorted() } ?? []
                out.append(CIDROverlap(network: net, earlier: e,
                                       others: Array(rest.prefix(overlapOthersCap)),
                                       othersNotListed: max(0, rest.count - overlapOthersCap),
                                       later: l, intersection: inter, laterAlso: also, sharedBy: sharers))
            }
        }
        return out.sorted { a, b in
            if a.later.cluster != b.later.cluster { return a.later.cluster < b.later.cluster }
            if a.earlier.cluster != b.earlier.cluster { return a.earlier.cluster < b.earlier.cluster }
            if a.later.role != b.later.role { return a.later.role < b.later.role }
            return a.earlier.role < b.earlier.role
        }
    }
}

extension MeshGraph {
    /// Pod and service CIDR facts of one cluster (every source, problems, disagreements).
    public func cidrs(_ cluster: Int) -> ClusterCIDRs { cidrIndex.cidrs(cluster) }
}
