import MeshLintCore

/// MC407: sidecar workloads of one network call across to a network whose only east-west
/// gateway is HBONE (ambient), or ambient workloads to one that only has a 15443 passthrough
/// gateway.
///
/// Istio behaviour relied upon: sidecars cross networks with SNI AUTO_PASSTHROUGH on 15443 and
/// cannot use an HBONE-only east-west gateway, yet still get its endpoints, so part of their
/// requests fail with 503 (istio/istio#57878); ztunnels cross only with double HBONE on 15008; a
/// mesh mixing both needs both gateways (istio/istio#60887, and the docs' sidecar interop note).
/// Networks whose own clusters are sidecar-only (MC402) or ambient-only (MC702) are left to
/// those rules when they lack the matching gateway for their own data plane.
struct MixedDataplaneEastWestRule: Rule {
    let code = "MC407"
    let reads: Set<String> = ["Gateway", "Service", "Namespace", "IstioOperator", "Istio", "Secret"]
    var requiresReads: Bool { false }

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let networks = graph.discoveryNetworks()
        guard networks.count >= 2 else { return [] }
        var out: [Finding] = []
        for (network, members) in networks {
            let entries = graph.crossNetworkEntryPoints(for: network)
            guard !entries.isEmpty else { continue }
            let callers = networks.filter { $0.network != network }.flatMap(\.clusters)
            let hasHBONE = entries.contains { $0.transport == .hbone }
            let hasPassthrough = entries.contains { $0.transport == .passthrough }
            let sidecarCallers = callers.filter { !graph.dataPlane($0).sidecar.isEmpty }
            let ambientCallers = callers.filter { graph.dataPlane($0).hasAmbient }
            if !hasPassthrough, let caller = sidecarCallers.first, !members.allSatisfy({ !graph.dataPlane($0).sidecar.isEmpty && !graph.dataPlane($0).hasAmbient }) {
                let e = entries[0], ev = graph.dataPlane(caller).sidecar[0]
                out.append(context.finding(
                    "network \(network)'s only east-west gateway is HBONE (\(e.resource.kind) \(e.resource.namespace)/\(e.resource.name), port \(e.port.map(String.init) ?? "?")), but sidecar workloads of \(sidecarCallers.map(context.clusterName).joined(separator: ", ")) call across networks: sidecars cross with mTLS SNI passthrough on 15443 and cannot use it, yet still get \(network)'s endpoints, so part of their requests fail with 503. Add a 15443 AUTO_PASSTHROUGH east-west gateway to \(network) (`gen-eastwest-gateway.sh --network \(network)` and `expose-services.yaml`) next to the HBONE one.",
                    at: e.node, cluster: e.cluster, resource: e.resource,
                    related: [context.related("sidecar workloads in \(context.clusterName(caller)) (\(ev.source))", at: ev.node, cluster: caller)]))
            } else if !hasHBONE, let caller = ambientCallers.first, !members.allSatisfy({ graph.dataPlane($0).mode == .ambient }) {
                let e = entries[0]
                out.append(context.finding(
                    "network \(network)'s only east-west gateway is SNI passthrough (\(e.resource.kind) \(e.resource.namespace)/\(e.resource.name), port \(e.port.map(String.init) ?? "?")), but ambient workloads of \(ambientCallers.map(context.clusterName).joined(separator: ", ")) call across networks: ztunnels cross only with double HBONE on 15008, so their calls into \(network) fail. Add an `istio-east-west` gateway to \(network) (`gen-eastwest-gateway.sh --network \(network) --ambient`) next to the passthrough one.",
                    at: e.node, cluster: e.cluster, resource: e.resource,
                    related: [AmbientSupport.ambientRelated(context, caller, "ambient workloads in \(context.clusterName(caller))")].compactMap { $0 }))
            }
        }
        return out
    }
}
