/// The cross-cluster view of a config set, built once per run and shared by every rule.
///
/// It holds per-cluster facts (each with every source that states it), indexes of resources
/// by cluster and kind, services by namespace/name across clusters, and the name resolution
/// other clusters use to refer to a cluster (its `clusterName` first, then its set name).
/// Topic-specific indexes live in their own files as extensions and stored properties built
/// here once.
public final class MeshGraph: Sendable {
    /// The set the graph was built from.
    public let set: ConfigSet
    /// Facts per cluster, indexed like `set.clusters`.
    public let facts: [ClusterFacts]
    /// Resources per cluster and kind (the lists are handed out as they are: one reference
    /// count per call, not one per resource).
    let byClusterKind: [[String: [Resource]]]
    /// Services by "namespace/name" → resource indices (every cluster).
    let servicesByKey: [String: [Int]]
    /// Cluster references: clusterName → index, and set name → index.
    let byClusterName: [String: [Int]]
    let bySetName: [String: Int]
    /// Remote secrets, meshNetworks, cluster and network names, deployment model (Graph/Identity).
    public let identity: IdentityGraph
    /// Plug-in CAs and trust-domain aliases per cluster.
    public let trust: TrustIndex
    /// Pod/service CIDRs of every cluster with every source, and overlaps per network.
    public let cidrIndex: CIDRIndex
    /// Cross-cluster traffic: implied resources, DestinationRules, gateways, `.global`
    /// ServiceEntries, cluster DNS (see `TrafficIndex`).
    public let traffic: TrafficIndex
    /// Control-plane roles and the remote secrets each primary must hold (Graph/Identity).
    public let discovery: DiscoveryPlan
    /// Gateway workloads, SNI rewrite filters and the deployment model, for the checks that a
    /// cluster receiving cross-cluster traffic can take it in (see `IngressIndex`).
    public let ingress: IngressIndex
    /// Remote wiring, revisions, revision tags, istiod exposure and installed versions per
    /// cluster (Graph/ControlPlane).
    public let controlPlane: ControlPlaneIndex
    /// Mesh config policy facts and copies of routing/security config across primaries (Graph/Policy).
    public let policy: PolicyIndex
    /// Ambient multicluster facts: multi-network switch, service scope, waypoints (Graph/Ambient).
    public let ambient: AmbientIndex
    /// Every Service by namespace/name with its definition per cluster, and workload labels.
    public let serviceInstances: ServiceInstanceIndex
    /// Per cluster: the Service hosts its routing names (`routedServiceHosts(in:)`).
    let routedHosts: [[RoutedServiceHost]]

    public init(set: ConfigSet) {
        self.set = set
        // Each cluster's resources by kind, per cluster in parallel (in set order within a kind).
        let by = perCluster(set.clusters.count) { c -> [String: [Resource]] in
            var kinds: [String: [Resource]] = [:]
            for r in set.resources(in: c) { kinds[r.kind, default: []].append(r) }
            return kinds
        }
        var services: [String: [Int]] = [:]
        for (i, r) in set.resources.enumerated() where r.clusterIndex < by.count && r.kind == "Service" {
            services["\(r.namespace)/\(r.name)", default: []].append(i)
        }
        self.byClusterKind = by
        self.servicesByKey = services
        // Per cluster, in parallel: each cluster's facts read only its own resources.
        let resourcesByCluster = set.clusters.indices.map { set.resources(in: $0) }
        let facts = concurrentMap(count: set.clusters.count) { c in
            ClusterFacts.read(set: set, cluster: c, resources: resourcesByCluster[c])
        }
        self.facts = facts
        var names: [String: [Int]] = [:]
        for f in facts { if let n = f.clusterName.value { names[n, default: []].append(f.index) } }
        self.byClusterName = names
        var setNames: [String: Int] = [:]
        for c in set.clusters { setNames[c.name] = c.index }
        self.bySetName = setNames
        let byKind = by
        @Sendable func resources(_ kind: String, _ c: Int) -> [Resource] { byKind[c][kind] ?? [] }

        // The indexes, each started as soon as what it reads exists (two rounds of stages that
        // run at the same time), so that no long stage waits behind an unrelated one:
        //   round 1, from the facts only: identity | traffic | service instances + trust
        //   round 2: CIDRs -> discovery -> policy | ingress -> ambient | control plane | routed hosts
        // meshNetworks are read first, apart from the identity graph, for the traffic index.
        let meshNetworks = IdentityGraph.readMeshNetworks(facts: facts, resourcesByCluster: resourcesByCluster)
        let (identity, traffic, (serviceInstances, trust)) = concurrently(
            { IdentityGraph(set: set, facts: facts, resourcesByCluster: resourcesByCluster, meshNetworks: meshNetworks) },
            { TrafficIndex(set: set, facts: facts, meshNetworks: meshNetworks, resources: resources) },
            { concurrently({ ServiceInstanceIndex(set: set, facts: facts, resources: resources) },
                           { TrustIndex(set: set, facts: facts, resources: resources) }) })
        self.identity = identity
        self.traffic = traffic
        self.serviceInstances = serviceInstances
        self.trust = trust
        let ((cidrIndex, discovery, policy), (ingress, ambient), (controlPlane, routedHosts)) = concurrently(
            { () -> (CIDRIndex, DiscoveryPlan, PolicyIndex) in
                let cidrIndex = CIDRIndex(set: set, facts: facts, byClusterKind: byKind) { identity.network($0) ?? facts[$0].network.value }
                let discovery = DiscoveryPlan(set: set, facts: facts, identity: identity, cidrs: cidrIndex, traffic: traffic)
                return (cidrIndex, discovery, PolicyIndex(set: set, facts: facts, discovery: discovery, resources: resources))
            },
            { () -> (IngressIndex, AmbientIndex) in
                let ingress = IngressIndex(set: set, facts: facts, traffic: traffic, resources: resources)
                return (ingress, AmbientIndex(facts: facts, gatewayAPI: ingress.gatewayAPIGateways, resources: resources))
            },
            { concurrently({ ControlPlaneIndex(set: set, facts: facts, identity: identity, traffic: traffic, resources: resources) },
                           { concurrentMap(count: set.clusters.count) { c in
                               Self.readRoutedServiceHosts(facts: facts[c], suffix: traffic.globalSuffixes[c]) { kind in resources(kind, c) }
                           } }) })
        self.cidrIndex = cidrIndex
        self.discovery = discovery
        self.policy = policy
        self.ingress = ingress
        self.ambient = ambient
        self.controlPlane = controlPlane
        self.routedHosts = routedHosts
    }

    /// Resources of `kind` in one cluster.
    public func resources(_ kind: String, in cluster: Int) -> [Resource] {
        guard cluster < byClusterKind.count else { return [] }
        return byClusterKind[cluster][kind] ?? []
    }

    /// Resources of `kind` in every cluster.
    public func resources(_ kind: String) -> [Resource] {
        byClusterKind.flatMap { $0[kind] ?? [] }
    }

    /// The cluster another cluster means by `name` (a remote secret key, a `fromRegistry`, an
    /// annotation): clusterName first, then the manifest/directory name. Nil when unknown or
    /// ambiguous between several clusters with the same clusterName.
    /// A remote installed without clusterName is known by its injection path's cluster
    /// (`identity.names`, the same table the remote secret edges are resolved with).
    public func cluster(referencedAs name: String) -> Int? {
        identity.names.resolve(name).target
    }

    /// Every name a cluster can be referred to by (for "did you mean" suggestions).
    public var referenceNames: [String] { identity.names.allNames }

    /// Clusters that define Service `name` in `namespace`.
    public func services(namespace: String, name: String) -> [Resource] {
        (servicesByKey["\(namespace)/\(name)"] ?? []).map { set.resources[$0] }
    }

    /// The display name of a cluster.
    public func name(_ cluster: Int) -> String { set.clusters[cluster].name }

    /// The cluster's network: the value its sources agree on (the identity graph's consensus of
    /// install values, istio-system label, east-west gateway and manifest; MC302 reports the
    /// disagreements), else the first source that states one. Used for "same network" in every
    /// rule and reported in the JSON output.
    public func networkName(_ cluster: Int) -> String? { identity.network(cluster) ?? facts[cluster].network.value }
}
