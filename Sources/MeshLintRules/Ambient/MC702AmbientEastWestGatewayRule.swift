import MeshLintCore

/// MC702: a network with ambient workloads in a multi-network mesh has no working
/// `istio-east-west` gateway: a Gateway API Gateway of that class, labelled with the network,
/// with an HBONE listener on 15008 (`tls.mode: Terminate`, option
/// `gateway.istio.io/tls-terminate-mode: ISTIO_MUTUAL`).
///
/// Istio behaviour relied upon: istiod discovers network gateways from Gateway API Gateways
/// with the `topology.istio.io/network` label (`network.go` handleGatewayResource); the
/// east-west class accepts 15008 only as `HBONE` with `tls.mode: Terminate`
/// (`conversion.go` unexpectedEastWestWaypointListener), and the terminate-mode option
/// `ISTIO_MUTUAL` makes it use the mesh certificate (otherwise SIMPLE TLS with a
/// `certificateRefs` secret); class `istio` renders an ordinary gateway that does not terminate
/// double HBONE. `gen-eastwest-gateway.sh --ambient` writes exactly that Gateway.
struct AmbientEastWestGatewayRule: Rule {
    let code = "MC702"
    let reads: Set<String> = ["Gateway", "IstioOperator", "Istio", "Secret", "Namespace", "ConfigMap"]
    var requiresReads: Bool { false }

    static let terminateOption = "gateway.istio.io/tls-terminate-mode"

    struct Problem {
        let node: YAMLNode
        let resource: Resource
        let fieldPath: String
        let text: String
        let rank: Int
    }

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let networks = graph.discoveryNetworks()
        guard networks.count >= 2 else { return [] }
        var out: [Finding] = []
        for (network, members) in networks {
            let ambient = members.filter { graph.dataPlane($0).hasAmbient }
            // Only ztunnels use the HBONE gateway: some other network must run ambient workloads.
            let ambientCallers = networks.filter { $0.network != network }.flatMap(\.clusters).filter { graph.dataPlane($0).hasAmbient }
            guard !ambient.isEmpty, !ambientCallers.isEmpty, members.contains(where: { graph.ingress.describesGateways[$0] }) else { continue }
            if graph.ingress.remoteGatewaysByNetwork[network]?.contains(where: { $0.listeners.contains(where: \.isHBONE) }) == true { continue }
            var problems: [Problem] = []
            var working = false
            let others = networks.map(\.network).filter { $0 != network }
            for c in members {
                for g in graph.ingress.gatewayAPIGateways[c] where g.gatewayClass == .eastWest || g.gatewayClass == .istio {
                    let labelled = g.networkLabel?.value ?? (g.gatewayClass == .eastWest ? graph.networkName(c) : nil)
                    let hbone = g.listeners.filter(\.isHBONE)
                    if let l = g.networkLabel, l.value != network, g.gatewayClass == .eastWest || !hbone.isEmpty {
                        problems.append(Problem(node: l.node, resource: g.resource, fieldPath: "metadata.labels.topology.istio.io/network",
                            text: "\(g.display) in \(context.clusterName(c)) is labelled `topology.istio.io/network: \(l.value)`, but \(context.clusterName(c)) is on \(network)\(others.contains(l.value) ? "" : " and no cluster is on \(l.value)"): istiod announces it as \(l.value)'s gateway, so no ztunnel sends \(network)'s traffic to it. Set the label to `\(network)`", rank: 1))
                        continue
                    }
                    guard labelled == network || labelled == nil else { continue }
                    if g.gatewayClass == .istio {
                        if let l = hbone.first {
                            problems.append(Problem(node: g.className?.node ?? g.resource.nameNode, resource: g.resource, fieldPath: "spec.gatewayClassName",
                                text: "\(g.display) has the HBONE listener `\(l.name ?? "#\(l.index)")` but class `istio` renders an ordinary gateway that does not terminate the double-HBONE connections of other networks' ztunnels. Set `gatewayClassName: istio-east-west`", rank: 2))
                        }
                        continue
                    }
                    if hbone.isEmpty {
                        problems.append(Problem(node: g.resource.spec?.keyNode("listeners") ?? g.resource.nameNode, resource: g.resource, fieldPath: "spec.listeners",
                            text: "\(g.display) has no `protocol: HBONE` listener, the one ztunnels of other networks connect to. Add `- name: mesh, port: 15008, protocol: HBONE, tls: {mode: Terminate, options: {\(Self.terminateOption): ISTIO_MUTUAL}}`", rank: 3))
                        continue
                    }
                    var fine = false
                    for l in hbone {
                        if let p = Self.listenerProblem(l, g) { problems.append(p) } else { fine = true }
                    }
                    if fine { working = true }
                }
            }
            guard !working else { continue }
            let who = ambient.map(context.clusterName).joined(separator: ", ")
            let lead = "network \(network) holds ambient workloads (\(who)) that \(others.joined(separator: ", ")) reach only through an `istio-east-west` gateway of \(network)"
            // The working east-west gateways of the other networks, as the example to follow.
            let elsewhere = networks.filter { $0.network != network }.compactMap { o -> RelatedLocation? in
                for m in o.clusters {
                    for g in graph.ingress.gatewayAPIGateways[m] where g.gatewayClass == .eastWest && g.listeners.contains(where: { $0.isHBONE && Self.listenerProblem($0, g) == nil }) {
                        return context.related("\(o.network)'s working east-west gateway (\(context.clusterName(m)))", at: g.resource.nameNode, cluster: m)
                    }
                }
                return nil
            }.prefix(2)
            if let p = problems.min(by: { $0.rank < $1.rank }) {
                out.append(context.finding("\(lead), but \(p.text).", at: p.node, cluster: p.resource.clusterIndex, resource: p.resource,
                                           related: Array(problems.filter { $0.node != p.node }.prefix(3).map { context.related($0.text, at: $0.node, cluster: $0.resource.clusterIndex) }) + elsewhere,
                                           fieldPath: p.fieldPath))
                continue
            }
            // No east-west gateway at all: point at what puts the cluster on its own network.
            let c = ambient.first { graph.ingress.describesGateways[$0] } ?? ambient[0]
            guard let n = graph.dataPlaneNetwork(c) else { continue }
            out.append(context.finding(
                "\(lead), but no cluster of \(network) has one: ztunnels elsewhere get no gateway for \(network)'s endpoints and their cross-network calls fail. Apply `samples/multicluster/gen-eastwest-gateway.sh --network \(network) --ambient` (Gateway `istio-eastwestgateway`, class `istio-east-west`, label `topology.istio.io/network: \(network)`, HBONE listener on 15008) in \(context.clusterName(c)).",
                at: n.node, cluster: c, resource: n.resource, related: Array(elsewhere), fieldPath: n.fieldPath))
        }
        return out
    }

    /// What is wrong with an HBONE listener of an `istio-east-west` Gateway, if anything.
    static func listenerProblem(_ l: GatewayAPIListener, _ g: GatewayAPIGateway) -> Problem? {
        let at = "spec.listeners[\(l.index)]"
        let name = "listener `\(l.name ?? "#\(l.index)")` of \(g.display)"
        if l.port?.value != 15008 {
            return Problem(node: l.port?.node ?? l.node, resource: g.resource, fieldPath: "\(at).port",
                           text: "\(name) is on port \(l.port.map { String($0.value) } ?? "(none)"); istiod accepts HBONE on an east-west gateway only on 15008, where ztunnels send it. Set `port: 15008`", rank: 4)
        }
        guard let tls = l.node["tls"], tls.isMapping else {
            return Problem(node: l.node.keyNode("protocol") ?? l.node, resource: g.resource, fieldPath: at,
                           text: "\(name) has no `tls` block; istiod does not accept the HBONE listener without `tls.mode: Terminate`. Add `tls: {mode: Terminate, options: {\(terminateOption): ISTIO_MUTUAL}}`", rank: 4)
        }
        if let m = tls["mode"], let v = m.text, v != "Terminate" {
            return Problem(node: m, resource: g.resource, fieldPath: "\(at).tls.mode",
                           text: "\(name) has `tls.mode: \(v)`; the HBONE listener must terminate the outer mTLS tunnel. Set `tls.mode: Terminate`", rank: 4)
        }
        let option = tls.at("options", terminateOption)
        if option?.text != "ISTIO_MUTUAL" {
            return Problem(node: option ?? tls.keyNode("options") ?? l.node.keyNode("tls") ?? l.node, resource: g.resource, fieldPath: option == nil ? "\(at).tls.options" : "\(at).tls.options.\(terminateOption)",
                           text: "\(name) \(option?.text.map { "sets `\(terminateOption): \($0)`" } ?? "lacks the option `\(terminateOption): ISTIO_MUTUAL`"): without it the gateway terminates plain TLS with a certificate secret instead of the mesh's mTLS identity, and ztunnels cannot authenticate to it. Set the option to ISTIO_MUTUAL", rank: 4)
        }
        return nil
    }
}
