import MeshLintCore

/// MC706: ambient in a topology the ambient multicluster docs call unsupported: a remote
/// cluster (primary-remote), ambient clusters joined by endpoint discovery on one network, or
/// istiod exposed through an `istio-east-west` gateway before 1.30.
///
/// Istio behaviour relied upon (istio.io "Install Multicluster", ambient, limitations):
/// "Configurations with one or more remote clusters will not work correctly"; "multicluster
/// single-network configurations are untested, and may be broken"; the ambient east-west
/// gateway could not expose istiod (double HBONE only, istio/istio#57525) until TLS passthrough
/// listeners on east-west gateways arrived in 1.30 (istio/istio#59223, release note
/// `ewgw-tls-passthrough`). The last clause depends on the Istio release: it uses the cluster's
/// installed version and stays silent when the set does not state one.
struct AmbientUnsupportedTopologyRule: Rule {
    let code = "MC706"
    let reads: Set<String> = ["IstioOperator", "Istio", "Secret", "Namespace", "Gateway", "TLSRoute"]
    var requiresReads: Bool { false }

    static let tlsPassthroughRelease = IstioVersion(major: 1, minor: 30)

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        // A set of one cluster is no multicluster topology (the public samples hold a remote
        // install next to the ambient profile's values in one directory).
        guard graph.ingress.usesEndpointDiscovery, context.set.clusters.count >= 2 else { return [] }
        let clusters = Array(context.set.clusters.indices)
        let ambient = clusters.filter { graph.dataPlane($0).hasAmbient }
        guard !ambient.isEmpty else { return [] }
        var out: [Finding] = []
        // Primary-remote.
        for c in clusters where graph.facts[c].role == .remote {
            let f = graph.facts[c]
            let node = f.profile.sources.first { $0.value == "remote" }?.node
                ?? f.installs.lazy.compactMap { $0.spec?.at("components", "istiodRemote", "enabled") ?? $0.values?.at("istiodRemote", "enabled") }.first
                ?? context.set.clusters[c].declaration?.role?.node
            guard let at = node else { continue }
            let a = ambient.first { $0 == c } ?? ambient[0]
            // The primaries whose istiod would serve it, where their ambient install says so.
            let primaries = clusters.filter { $0 != c && graph.facts[$0].role == .primary && graph.dataPlane($0).hasAmbient }
            out.append(context.finding(
                "\(context.clusterName(c)) is a remote cluster (primary-remote) in a mesh with ambient workloads (\(context.clusterName(a)): \(AmbientSupport.ambientEvidence(graph, a))): ambient multicluster supports only multi-primary, and configurations with remote clusters \"will not work correctly\". Install a primary (istiod with profile ambient) in \(context.clusterName(c)).",
                at: at, cluster: c, resource: f.installs.first?.resource,
                related: ([a] + primaries.prefix(2)).compactMap { AmbientSupport.ambientRelated(context, $0, "ambient workloads in \(context.clusterName($0))") }))
        }
        // One network.
        let networks = graph.discoveryNetworks()
        let linked = clusters.filter { graph.discovery.participates[$0] }
        let linkedAmbient = linked.filter { graph.dataPlane($0).hasAmbient }
        if networks.count < 2, linked.count >= 2, let a = linkedAmbient.first {
            let secret = graph.identity.remoteSecrets(in: a).first
            if let at = graph.dataPlaneNetwork(a)?.node ?? secret?.resource.nameNode {
                out.append(context.finding(
                    "ambient cluster \(context.clusterName(a)) shares endpoints with \(linked.filter { $0 != a }.map(context.clusterName).joined(separator: ", ")) on \(networks.first.map { "one network (\($0.network))" } ?? "one network (none is set)"): ambient multicluster is supported only across networks, each with an `istio-east-west` gateway; on a single network it is untested and may be broken. Give each cluster its own network (`topology.istio.io/network`, `values.global.network`) and an east-west gateway.",
                    at: at, cluster: a, resource: graph.dataPlaneNetwork(a)?.resource ?? secret?.resource,
                    related: linked.filter { $0 != a }.prefix(3).compactMap { o in
                        if let n = graph.dataPlaneNetwork(o) { return context.related("\(context.clusterName(o)) is on \(n.value)", at: n.node, cluster: o) }
                        if let r = graph.identity.remoteSecrets(in: o).first {
                            return context.related("\(context.clusterName(o)) discovers endpoints through this remote secret, on the same network", at: r.resource.nameNode, cluster: o)
                        }
                        return graph.identity.edges(from: a).first { $0.target == o }.map {
                            context.related("\(context.clusterName(a)) discovers \(context.clusterName(o))'s endpoints through this remote secret; \(context.clusterName(o)) states no network of its own", at: graph.identity.remoteSecrets[$0.secret].resource.nameNode, cluster: a)
                        }
                    }))
            }
        }
        // istiod through an ambient east-west gateway before 1.30.
        let remotes = clusters.filter { graph.facts[$0].role == .remote }
        for c in clusters {
            guard let v = graph.facts[c].istioRelease, v < Self.tlsPassthroughRelease else { continue }
            for g in graph.ingress.gatewayAPIGateways[c] where g.gatewayClass == .eastWest {
                for l in g.listeners where [15012, 15017].contains(l.port?.value ?? 0) {
                    out.append(context.finding(
                        "listener `\(l.name ?? "#\(l.index)")` of \(g.display) exposes istiod's port \(l.port!.value) on an ambient east-west gateway, which before Istio 1.30 (this cluster runs \(v)) carries only double-HBONE mesh traffic: remote proxies cannot reach istiod through it. Expose istiod through a classic east-west gateway (`expose-istiod.yaml` on the 15443 gateway), or upgrade to 1.30+.",
                        at: l.port!.node, cluster: c, resource: g.resource,
                        related: remotes.prefix(3).compactMap { r in
                            graph.facts[r].installs.lazy.compactMap { $0.global("remotePilotAddress") }.first.map {
                                context.related("remote \(context.clusterName(r)) reaches istiod at this address", at: $0, cluster: r)
                            }
                        },
                        fieldPath: "spec.listeners[\(l.index)].port"))
                }
            }
        }
        return out
    }
}
