/// The deployment model(s) a cluster takes part in (SPEC §1). Both may mix.
public struct DeploymentModel: OptionSet, Sendable, Hashable {
    /// The bits.
    public let rawValue: Int
    /// A model set from its bits.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Multi-primary / primary-remote / shared control plane: istiod discovers other clusters'
    /// endpoints through remote secrets (and meshNetworks registries).
    public static let endpointDiscovery = DeploymentModel(rawValue: 1)
    /// Replicated control planes joined by gateways with `.global` ServiceEntries (1.1–1.7).
    public static let replicatedGateways = DeploymentModel(rawValue: 2)

    /// Names for reports, e.g. ["endpoint-discovery"].
    public var names: [String] {
        var out: [String] = []
        if contains(.endpointDiscovery) { out.append("endpoint-discovery") }
        if contains(.replicatedGateways) { out.append("replicated-gateways") }
        return out
    }
}

/// Who is who in the mesh: remote secrets and the clusters they point at, meshNetworks, every
/// place that names a cluster or a network, and the deployment model. Built once per run.
public struct IdentityGraph: Sendable {
    /// Every remote secret of every cluster (a shared file's secret appears once per cluster).
    public let remoteSecrets: [RemoteSecret]
    /// Every place that names a cluster by cluster ID, resolved.
    public let references: [ClusterReference]
    /// holder → target edges from remote secrets.
    public let remoteSecretEdges: [RemoteSecretEdge]
    /// Every meshNetworks configuration.
    public let meshNetworks: [MeshNetworks]
    /// Per cluster: every claim about its network.
    public let networkClaims: [[NetworkClaim]]
    /// Per cluster: the network decided from its claims.
    public let networks: [NetworkConsensus]
    /// Per cluster: the config clusters its istiod reads through a mounted kubeconfig
    /// (`istioctl create-remote-secret --type=config`: Secret `istio-kubeconfig`), the
    /// external control plane model.
    public let configClusterLinks: [[ConfigClusterLink]]
    /// Per cluster: the remote's injection path (cluster and network segments), if any.
    public let injectionPaths: [InjectionPath?]
    /// Per cluster: the deployment model(s).
    public let models: [DeploymentModel]
    /// Cluster ID resolution.
    public let names: ClusterNameTable
    /// Per cluster: where its API server listens (kube-apiserver flags, kubeadm, kind, Cluster API).
    public let apiServers: [[APIServerAddress]]
    let apiServerOwners: [String: [Int]]
    /// True when the set holds a remote secret, a meshNetworks registry or a declared role.
    public let usesEndpointDiscovery: Bool
    /// Per cluster: Istio minor version (e.g. (1, 6)) from `spec.tag`/`global.tag`, if known.
    public let versions: [(major: Int, minor: Int)?]
    /// Per cluster: true when it is installed the 1.1–1.4 way (Helm `global.istioRemote`, or a
    /// tag before 1.5), where clusterName was not yet a cluster ID.
    public let legacyEra: [Bool]

    /// The cluster ID of `c` and where it is stated: `multiCluster.clusterName`, else (a remote
    /// installed the primary-remote docs' way) the cluster segment of its injection path.
    public func clusterID(_ c: Int, facts: ClusterFacts) -> (value: String, node: YAMLNode, fromInjectionPath: Bool)? {
        if let cn = facts.clusterName.primary { return (cn.value, cn.node, false) }
        if let p = injectionPaths[c], let cl = p.cluster { return (cl, p.node, true) }
        return nil
    }

    /// The one cluster whose API server listens at the host of `server` (a kubeconfig `server`
    /// URL), with the place that says so; nil when none or several.
    public func cluster(servingAPIAt server: String) -> (cluster: Int, address: APIServerAddress)? {
        guard let h = APIServers.host(of: server), let owners = apiServerOwners[h], Set(owners).count == 1 else { return nil }
        let c = owners[0]
        guard let a = apiServers[c].first(where: { $0.host == h }) else { return nil }
        return (c, a)
    }

    /// The network of cluster `c` (consensus of its own claims).
    public func network(_ c: Int) -> String? { networks[c].network }

    /// Networks some cluster states, with the claims stating them.
    public var declaredNetworks: [String: [NetworkClaim]] {
        var out: [String: [NetworkClaim]] = [:]
        for claims in networkClaims { for cl in claims { out[cl.value, default: []].append(cl) } }
        return out
    }

    let referencesByTarget: Buckets
    let edgesByHolder: Buckets
    let edgesByTarget: Buckets
    let secretsByHolder: Buckets
    let referencesBySecret: Buckets

    /// The references written in remote secret `i` (keys, annotation, name), in that order.
    public func references(ofSecret i: Int) -> [ClusterReference] { referencesBySecret[i].map { references[Int($0)] } }

    /// References that resolve to cluster `c`.
    public func references(to c: Int) -> [ClusterReference] { referencesByTarget[c].map { references[Int($0)] } }

    /// Remote secret edges held by cluster `c`.
    public func edges(from c: Int) -> [RemoteSecretEdge] { edgesByHolder[c].map { remoteSecretEdges[Int($0)] } }

    /// Remote secret edges pointing at cluster `c`.
    public func edges(to c: Int) -> [RemoteSecretEdge] { edgesByTarget[c].map { remoteSecretEdges[Int($0)] } }

    /// Remote secrets held by cluster `c`.
    public func remoteSecrets(in c: Int) -> [RemoteSecret] { secretsByHolder[c].map { remoteSecrets[Int($0)] } }

    /// True when `fromRegistry: Kubernetes` may name cluster `holder`'s own registry: its
    /// clusterName is unset (istiod's default cluster ID), or its version is before 1.8 or
    /// unknown (the 1.5–1.7 docs: "Always use Kubernetes as the registry name for the main cluster").
    public func acceptsDefaultRegistryName(_ holder: Int, facts: ClusterFacts) -> Bool {
        if facts.clusterName.value == nil { return true }
        guard let v = versions[holder] else { return true }
        return v < (1, 8)
    }

    static let controlPlaneClustersAnnotation = "topology.istio.io/controlPlaneClusters"
    static let controlPlaneClustersPath = "metadata.annotations.\(controlPlaneClustersAnnotation)"

    /// Every meshNetworks configuration of the set, in cluster order (each cluster's install
    /// values first, then its `istio*` ConfigMaps in the Istio namespace). Read apart from the
    /// identity graph so that the traffic index, which needs only these, does not wait for it.
    static func readMeshNetworks(facts: [ClusterFacts], resourcesByCluster: [[Resource]]) -> [MeshNetworks] {
        var mesh: [MeshNetworks] = []
        for f in facts {
            for i in f.installs {
                if let m = MeshNetworks.read(install: i) { mesh.append(m) }
            }
            for r in resourcesByCluster[f.index] where r.kind == "ConfigMap" && (r.name == "istio" || r.name.hasPrefix("istio-")) {
                if r.namespace == f.istioNamespace, let m = MeshNetworks.read(configMap: r) { mesh.append(m) }
            }
        }
        return mesh
    }

    init(set: ConfigSet, facts: [ClusterFacts], resourcesByCluster: [[Resource]], meshNetworks: [MeshNetworks]? = nil) {
        let n = set.clusters.count
        var paths: [InjectionPath?] = Array(repeating: nil, count: n)
        for f in facts {
            for i in f.installs where paths[f.index] == nil { paths[f.index] = InjectionPath.read(i) }
            if paths[f.index] == nil { paths[f.index] = f.rendered.injectionPath?.path }
        }
        self.injectionPaths = paths
        let names = ClusterNameTable(set: set, facts: facts, injectionClusters: paths.map { $0?.cluster })
        self.names = names

        // Versions and era.
        var versions: [(major: Int, minor: Int)?] = []
        var istioRemote = Array(repeating: false, count: n)
        for f in facts {
            versions.append(f.istioVersion.value.flatMap(Self.parseVersion))
            istioRemote[f.index] = f.installs.contains { $0.global("istioRemote")?.bool == true }
        }
        self.versions = versions
        let anyIstioRemote = istioRemote.contains(true)
        let anyOldVersion = versions.contains { $0.map { $0 < (1, 5) } ?? false }
        self.legacyEra = (0..<n).map { c in
            if let v = versions[c] { return v < (1, 5) }
            return istioRemote[c] || anyIstioRemote || anyOldVersion
                || facts[c].installs.contains { Self.hasPre15HelmMarkers($0) }
        }

        // Remote secrets, meshNetworks, injection paths, network claims.
        var secrets: [RemoteSecret] = []
        let mesh = meshNetworks ?? Self.readMeshNetworks(facts: facts, resourcesByCluster: resourcesByCluster)
        var claims: [[NetworkClaim]] = Array(repeating: [], count: n)
        var cpRefs: [(Located<String>, Resource)] = []
        var gatewayValues: [[YAMLNode]] = Array(repeating: [], count: n)
        for v in set.helmValues where v.clusterIndex < n && v.root["networkGateway"] != nil {
            gatewayValues[v.clusterIndex].append(v.root)
        }
        for u in set.unrecognized where u.isMapping && u["networkGateway"] != nil {
            switch set.assignments[u.file.path] {
            case .cluster(let c)?: gatewayValues[c].append(u)
            case .shared?: for c in 0..<n { gatewayValues[c].append(u) }
            default: break
            }
        }
        // Per cluster, in parallel: each cluster's remote secrets (their kubeconfigs parsed
        // here, once), meshNetworks, network claims, config-cluster links and API servers come
        // from its own resources only. Concatenated in cluster order afterwards.
        struct PerCluster {
            var secrets: [RemoteSecret] = []
            var cpRefs: [(Located<String>, Resource)] = []
            var claims: [NetworkClaim] = []
            var links: [ConfigClusterLink] = []
            var servers: [APIServerAddress] = []
        }
        let extraGatewayValues = gatewayValues
        // The same remote secret is usually written into every other cluster's directory:
        // each distinct kubeconfig text is parsed once for the whole set.
        let kubeconfigParses = EmbeddedParseCache()
        let kubeconfigFacts = KubeconfigReadCache()
        let perCluster = concurrentMap(count: n) { c -> PerCluster in
            var out = PerCluster()
            let f = facts[c]
            for r in resourcesByCluster[c] {
                switch r.kind {
                case "Secret":
                    if let s = RemoteSecret.read(r, istioNamespace: f.istioNamespace, parses: kubeconfigParses, kubeconfigs: kubeconfigFacts) { out.secrets.append(s) }
                case "Namespace" where r.name == f.istioNamespace:
                    if let a = r.annotation(Self.controlPlaneClustersAnnotation) { out.cpRefs.append((a, r)) }
                default:
                    break
                }
            }
            out.claims = NetworkClaims.collect(set: set, cluster: c, facts: f, resources: resourcesByCluster[c],
                                              extraHelmValues: extraGatewayValues[c])
            out.links = resourcesByCluster[c].compactMap { ConfigClusterLink.read($0, names: names) }
            out.servers = APIServers.collect(resourcesByCluster[c])
            return out
        }
        for p in perCluster {
            secrets += p.secrets
            cpRefs += p.cpRefs
        }
        claims = perCluster.map(\.claims)
        self.remoteSecrets = secrets
        self.configClusterLinks = perCluster.map(\.links)
        self.meshNetworks = mesh
        self.networkClaims = claims
        let servers = perCluster.map(\.servers)
        self.apiServers = servers
        var owners: [String: [Int]] = [:]
        for (c, list) in servers.enumerated() {
            // Loopback and unspecified addresses say nothing about which cluster it is.
            for a in list where !(a.host.hasPrefix("127.") || a.host == "localhost" || a.host == "0.0.0.0" || a.host == "::1") {
                owners[a.host, default: []].append(c)
            }
        }
        self.apiServerOwners = owners

        // Network consensus: first without tie-breaking by other clusters, then with it.
        // "Used elsewhere" counts the first-round winners once (not a set per cluster: that is
        // quadratic in the clusters).
        let first = claims.map { NetworkClaims.consensus($0) }
        var winners: [String: Int] = [:]
        for cons in first { if let w = cons.network { winners[w, default: 0] += 1 } }
        self.networks = (0..<n).map { c in
            NetworkClaims.consensus(claims[c]) { name in (winners[name] ?? 0) - (first[c].network == name ? 1 : 0) > 0 }
        }

        // References.
        // Only a fromRegistry asks whether a name is a secret key.
        var keys = Set<String>()
        if mesh.contains(where: { !$0.registries.isEmpty }) {
            for s in secrets { for e in s.entries { keys.insert(e.key.value) } }
        }
        let secretKeys = keys
        @Sendable func resolve(_ kind: ClusterReference.Kind, _ name: String, holder: Int)
            -> (target: Int?, resolution: ClusterResolution?, ambiguous: Bool) {
            var (target, resolution, ambiguous) = names.resolve(name)
            if target == nil && !ambiguous && kind == .fromRegistry {
                if name == "Kubernetes" {
                    target = holder
                    resolution = .defaultRegistryName
                } else if secretKeys.contains(name) {
                    resolution = .registryAlias
                }
            }
            return (target, resolution, ambiguous)
        }
        @Sendable func make(_ kind: ClusterReference.Kind, _ name: Located<String>, holder: Int, resource: Resource?, path: String,
                            secret: Int? = nil, network: Located<String>? = nil) -> ClusterReference {
            let (target, resolution, ambiguous) = resolve(kind, name.value, holder: holder)
            return ClusterReference(kind: kind, name: name, holder: holder, resource: resource, fieldPath: path,
                                    target: target, resolution: resolution, ambiguous: ambiguous, secret: secret,
                                    network: network)
        }
        // Each secret's references and edges read only that secret: in contiguous chunks on all
        // cores, concatenated in secret order.
        let allSecrets = secrets
        let chunks = min(allSecrets.count, 64)
        let perChunk = concurrentMap(count: chunks) { k -> (refs: [ClusterReference], edges: [RemoteSecretEdge]) in
            var refs: [ClusterReference] = []
            var edges: [RemoteSecretEdge] = []
            for si in (allSecrets.count * k / chunks)..<(allSecrets.count * (k + 1) / chunks) {
                let s = allSecrets[si]
                let start = refs.count
                for e in s.entries {
                    let (target, resolution, ambiguous) = resolve(.secretKey, e.key.value, holder: s.holder)
                    refs.append(ClusterReference(secretKey: e.key, field: e.field, holder: s.holder, resource: s.resource,
                                                 target: target, resolution: resolution, ambiguous: ambiguous, secret: si))
                }
                if let a = s.annotation {
                    refs.append(make(.secretAnnotation, a, holder: s.holder, resource: s.resource,
                                     path: RemoteSecret.clusterAnnotationPath, secret: si))
                }
                if let x = s.nameSuffix {
                    refs.append(make(.secretName, x, holder: s.holder, resource: s.resource, path: "metadata.name", secret: si))
                }
                let own = refs[start...]
                let keyed = own.filter { $0.kind == .secretKey && $0.target != nil }
                let chosen = keyed.isEmpty ? Array(own.filter { $0.target != nil }.prefix(1)) : keyed
                var seen: [Int] = []
                for r in chosen where !seen.contains(r.target!) {
                    seen.append(r.target!)
                    edges.append(RemoteSecretEdge(holder: s.holder, target: r.target!, secret: si, reference: r))
                }
            }
            return (refs, edges)
        }
        var refs: [ClusterReference] = []
        refs.reserveCapacity(perChunk.reduce(0) { $0 + $1.refs.count })
        var edges: [RemoteSecretEdge] = []
        for chunk in perChunk {
            refs += chunk.refs
            edges += chunk.edges
        }
        self.remoteSecretEdges = edges
        for m in mesh {
            for (net, reg, path) in m.registries {
                refs.append(make(.fromRegistry, reg, holder: m.holder, resource: m.resource, path: path, network: net.name))
            }
        }
        for (a, r) in cpRefs {
            for part in a.value.split(separator: ",") {
                let name = String(part).filter { $0 != " " }
                guard !name.isEmpty, name != "*" else { continue }
                refs.append(make(.controlPlaneClusters, Located(name, a.node), holder: r.clusterIndex, resource: r,
                                 path: Self.controlPlaneClustersPath))
            }
        }
        // Templates name no cluster yet. Removed in place: a filtered copy of millions of
        // references would be the peak of the run.
        if refs.contains(where: { Placeholder.isTemplate($0.name.value) }) {
            refs.removeAll { Placeholder.isTemplate($0.name.value) }
        }
        let references = refs
        self.references = references
        self.referencesByTarget = Buckets(keys: n, count: references.count) { references[$0].target }
        self.edgesByHolder = Buckets(keys: n, count: edges.count) { edges[$0].holder }
        self.edgesByTarget = Buckets(keys: n, count: edges.count) { edges[$0].target }
        self.secretsByHolder = Buckets(keys: n, count: secrets.count) { secrets[$0].holder }
        self.referencesBySecret = Buckets(keys: secrets.count, count: references.count) { references[$0].secret }

        // Deployment model.
        let declaredRoles = set.clusters.contains { $0.declaration?.role != nil }
            || facts.contains { $0.role == .remote } || anyIstioRemote || !cpRefs.isEmpty
            || facts.contains { f in f.installs.contains { $0.global("externalIstiod")?.bool == true } }
            || facts.contains { f in (f.istiodEnv["EXTERNAL_ISTIOD"] ?? []).contains { $0.value.lowercased() == "true" } }
        let ed = !secrets.isEmpty || mesh.contains { !$0.registries.isEmpty } || declaredRoles
        self.usesEndpointDiscovery = ed
        var models: [DeploymentModel] = []
        for c in 0..<n {
            var m: DeploymentModel = []
            if ed { m.insert(.endpointDiscovery) }
            let suffix = "." + facts[c].globalSuffix
            let usesGlobal = resourcesByCluster[c].contains { r in
                r.kind == "ServiceEntry" && (r.spec?["hosts"]?.items ?? []).contains { h in
                    guard let s = h.text else { return false }
                    return s.hasSuffix(suffix) && !s.hasPrefix("*")
                }
            }
            // A 1.1–1.9 gateway install (multiCluster.enabled) that no remote secret ties to
            // endpoint discovery is a replicated control plane too, even when it only receives
            // `.global` traffic and calls nobody.
            let tiedByRemoteSecrets = secretsByHolder.count(c) > 0 || referencesByTarget.count(c) > 0
            if usesGlobal || (facts[c].isMultiClusterEnabled && (!ed || !tiedByRemoteSecrets)) {
                m.insert(.replicatedGateways)
            }
            models.append(m)
        }
        self.models = models
    }

    /// True for a Helm values file of the 1.1–1.4 `install/kubernetes/helm/istio` chart (keys
    /// that chart alone had: `mixer`, `galley`, `security.selfSigned`, `global.mtls`,
    /// `global.istioRemote`, `global.remotePolicyAddress`).
    static func hasPre15HelmMarkers(_ i: InstallSource) -> Bool {
        guard i.resource == nil, let v = i.values else { return false }
        return v["mixer"] != nil || v["galley"] != nil || v.at("security", "selfSigned") != nil
            || v.at("global", "mtls") != nil || v.at("global", "istioRemote") != nil
            || v.at("global", "remotePolicyAddress") != nil
    }

    /// "1.6.13" → (1, 6); "release-1.22-dev" → (1, 22); nil when there is no version.
    static func parseVersion(_ tag: String) -> (major: Int, minor: Int)? {
        var digits: [Int] = []
        var cur = ""
        var started = false
        for ch in tag {
            if ch.isASCII && ch.isNumber {
                cur.append(ch)
                started = true
            } else if ch == "." && started && !cur.isEmpty {
                digits.append(Int(cur) ?? 0)
                cur = ""
                if digits.count == 2 { break }
            } else if started {
                if !cur.isEmpty { digits.append(Int(cur) ?? 0) }
                if digits.count >= 2 { break }
                digits = []
                cur = ""
                started = false
            }
        }
        if digits.count < 2, !cur.isEmpty { digits.append(Int(cur) ?? 0) }
        guard digits.count >= 2, digits[0] >= 1 else { return nil }
        return (digits[0], digits[1])
    }
}
