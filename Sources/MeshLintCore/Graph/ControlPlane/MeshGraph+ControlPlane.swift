extension MeshGraph {
    /// The clusters of the set whose istiod runs remote `r`'s control plane: the primaries the
    /// discovery plan links it to (controlPlaneClusters annotation, remotePilotAddress, the only
    /// primary), and the external istiods whose config cluster it is.
    public func controlPlanes(ofRemote r: Int) -> [Int] {
        var out = discovery.controlPlanes[r].map(\.primary)
        for e in controlPlane.externalControlPlanes[r] where !out.contains(e) { out.append(e) }
        if out.isEmpty {
            // Rendered-only primaries have no discovery role: the only cluster running istiod.
            let running = set.clusters.indices.filter { $0 != r && controlPlane.clusters[$0].remote == nil && describesControlPlane($0) }
            if running.count == 1 { out = running }
        }
        return out
    }

    /// The clusters whose istiod a `topology.istio.io/controlPlaneClusters` entry names: the
    /// cluster with that ID, or, for the config cluster of an external control plane (whose
    /// istiod runs with the config cluster's ID), the clusters running that external istiod.
    public func istiodClusters(named name: String) -> [Int] {
        guard let t = cluster(referencedAs: name) else { return [] }
        let external = controlPlane.externalControlPlanes[t]
        if !external.isEmpty { return external }
        // An external istiod runs with its config cluster's ID, not with its own cluster's name.
        if identity.configClusterLinks[t].contains(where: { $0.target != nil && $0.target != t }) { return [] }
        return [t]
    }

    /// Why remote `r` reaches primary `p`'s istiod through a gateway of `p` (so that gateway
    /// must expose istiod): `r` is on another network than `p`, or its remotePilotAddress /
    /// injection URL host is an address of one of `p`'s gateways. Nil when neither holds, or
    /// when that address belongs to istiod's own Service.
    public func istiodThroughGateway(remote r: Int, primary p: Int) -> String? {
        guard let w = controlPlane.clusters[r].remote else { return nil }
        var hosts: [String] = []
        if let a = w.remotePilotAddress { hosts.append(a.value.lowercased()) }
        if let u = w.injectionURL, let h = RemoteWiring.host(ofURL: u.value) { hosts.append(h) }
        for h in hosts {
            let owners = (traffic.addressOwners[h] ?? []).filter { $0.cluster == p }
            if owners.contains(where: { $0.source.contains("/istiod") }) { return nil }
            if let o = owners.first { return "its address \(h) is \(o.source)" }
        }
        if let rn = networkName(r), let pn = networkName(p), rn != pn {
            return "\(name(r)) is on network \(rn), \(name(p)) on \(pn)"
        }
        return nil
    }

    /// The remotes (clusters with remote wiring) whose control plane runs in `p`.
    public func remotes(of p: Int) -> [Int] {
        set.clusters.indices.filter { r in r != p && controlPlane.clusters[r].remote != nil && controlPlanes(ofRemote: r).contains(p) }
    }

    /// The Istio namespace's Namespace object of cluster `c`, when the set holds it.
    public func istioNamespaceObject(_ c: Int) -> Resource? {
        resources("Namespace", in: c).first { $0.name == facts[c].istioNamespace }
    }

    /// True when the cluster states an Istio release older than `version` (nil version: modern).
    public func statesReleaseOlder(than version: IstioVersion, cluster c: Int) -> Bool {
        guard let v = controlPlane.clusters[c].version.newest?.version else { return false }
        return v < version
    }

    /// True when the set says anything about cluster `c`'s control plane (an install that is
    /// not gateway-only, or a rendered istiod).
    public func describesControlPlane(_ c: Int) -> Bool {
        facts[c].installs.contains { !$0.isGatewayOnly } || !facts[c].rendered.istiods.isEmpty
    }
}

extension IstioVersion {
    /// 1.11: `istiodRemote.injectionPath`, `EXTERNAL_ISTIOD` leading remotes through the
    /// `topology.istio.io/controlPlaneClusters` annotation (the primary-remote pages since then).
    public static let v1_11 = IstioVersion(major: 1, minor: 11)
}
