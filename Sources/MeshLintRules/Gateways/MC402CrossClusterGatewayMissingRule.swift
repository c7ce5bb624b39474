import MeshLintCore

/// MC402: a cluster that receives cross-cluster traffic (`.global` ServiceEntries of other
/// clusters point at it, or other networks reach its network) cannot take it in: no Gateway
/// with TLS AUTO_PASSTHROUGH on 15443 for the hosts, a selector that picks no gateway workload,
/// or a gateway Service that does not expose 15443.
struct CrossClusterGatewayMissingRule: Rule {
    let code = "MC402"
    let reads: Set<String> = ["ServiceEntry", "Gateway", "Service", "Deployment", "IstioOperator", "Istio", "Secret", "ConfigMap", "Namespace"]
    /// Installs may be Helm values files, which are not resources.
    var requiresReads: Bool { false }

    /// Where a receiving cluster's setup falls short, most specific first.
    struct Diagnosis {
        let rank: Int
        let node: YAMLNode
        let resource: Resource?
        let fieldPath: String?
        /// What is wrong, as the middle of a sentence.
        let problem: String
        /// How to fix it.
        let fix: String
        var related: [RelatedLocation] = []
    }

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<YAMLNode>()
        let graph = context.graph
        for demand in graph.ingressDemands() {
            // A network whose clusters run only ambient workloads, called by ambient workloads of
            // other networks, needs an HBONE east-west gateway: MC702 judges it.
            if case .crossNetwork = demand.kind, demand.clusters.allSatisfy({ graph.dataPlane($0).mode == .ambient }),
               demand.callers.contains(where: { graph.dataPlane($0).hasAmbient }) { continue }
            // One finding per demand, at the most specific shortfall among its clusters; none
            // when one of them works or one cannot be judged from the set.
            var best: (cluster: Int, diagnosis: Diagnosis)?
            var failing = true
            for r in demand.clusters where graph.ingress.describesGateways[r] {
                let a = graph.assessIngress(of: r, for: demand.kind)
                guard !a.isWorking, let d = diagnose(a, demand, context) else { failing = false; break }
                if best == nil || d.rank < best!.diagnosis.rank { best = (r, d) }
            }
            guard failing, let (r, d) = best, seen.insert(d.node).inserted else { continue }
            let cluster = d.resource?.isShared == true ? nil : Optional(r)
            out.append(context.finding(
                "\(receives(r, demand, context)), but \(d.problem), \(consequence(demand.kind, ambient: graph.dataPlane(r).mode == .ambient)) \(d.fix)",
                at: d.node, cluster: cluster, resource: d.resource,
                related: d.related + related(r, demand, context), fieldPath: d.fieldPath))
        }
        return out
    }

    // MARK: diagnosis

    /// Why `a` does not work, or nil when the set does not say enough to tell.
    func diagnose(_ a: IngressAssessment, _ demand: IngressDemand, _ context: RuleContext) -> Diagnosis? {
        let graph = context.graph, r = a.cluster
        let hosts = hostPattern(demand.kind)
        // A passthrough server picks gateways, but none exposes its port.
        if let p = a.passthrough.first(where: { !$0.workloads.isEmpty }), let port = p.server.port?.value {
            let w = p.workloads.first { $0.service?.portsKey != nil } ?? p.workloads[0]
            let listed = (w.service?.ports ?? []).compactMap { $0.port?.value }.map(String.init).joined(separator: "/")
            return Diagnosis(
                rank: 0, node: w.service?.portsKey ?? w.node, resource: w.resource,
                fieldPath: w.service?.portsKey == nil ? nil : w.service?.portsFieldPath,
                problem: "the Service of gateway \(w.display), which \(describe(p.server)) selects, does not expose port \(port)\(listed.isEmpty ? "" : " (its ports are \(listed))")",
                fix: "Add `- name: tls, port: \(port), targetPort: \(port)` to the gateway Service's ports.",
                related: [context.related("\(describe(p.server)) listens on \(port) here", at: p.server.port?.node ?? p.server.node, cluster: p.server.gateway.clusterIndex)])
        }
        // A passthrough server exists but its selector picks no gateway workload of this cluster.
        if let p = a.passthrough.first {
            var workloads = graph.ingress.workloads[r].filter { !$0.isEgress }
            if case .crossNetwork = demand.kind {
                // The ingress gateway a Helm values file is assumed to render says nothing about
                // east-west gateways, which Helm users install from charts the set may not hold.
                workloads.removeAll { $0.origin == .installDefault && $0.install?.resource == nil }
                if workloads.isEmpty && graph.facts[r].installs.contains(where: { $0.resource == nil }) { return nil }
            }
            if workloads.isEmpty {
                // Installs describe the cluster's gateways: none runs. Without installs the set
                // may simply not hold them.
                guard !graph.facts[r].installs.isEmpty else { return nil }
                if case .global = demand.kind, let off = disabledIngress(graph.facts[r]) {
                    return Diagnosis(rank: 1, node: off.node, resource: off.install.resource, fieldPath: off.path,
                                     problem: "its ingress gateway is disabled (\(off.path): false) and \(describe(p.server)) (selector `\(labels(p.server.selector))`) configures no other pods",
                                     fix: "Enable the ingress gateway (with Service port 15443).")
                }
                return missingServer(a, demand, context, configured: p.server)
            }
            let (node, hint) = selectorMismatch(p.server, workloads)
            if p.server.gateway.isImplied {
                // The chart's Gateway selects `istio: ingressgateway`; the relabelled gateway is at fault.
                let w = workloads.first { $0.name == "istio-ingressgateway" } ?? workloads[0]
                return Diagnosis(
                    rank: 1, node: w.node, resource: w.resource, fieldPath: nil,
                    problem: "its gateway \(w.display) has labels `\(labels(w.labels))`, while \(describe(p.server)) selects `\(labels(p.server.selector))`",
                    fix: "Keep `istio: ingressgateway` on the ingress gateway's labels (the chart's Gateway selects it), or write a Gateway for \(hosts) that selects the gateway's labels.",
                    related: [context.related("\(describe(p.server)) selects `\(labels(p.server.selector))`", at: node, cluster: r)])
            }
            if p.server.gateway.clusterIndex != r {
                // The Gateway is the config cluster's (primary-remote): the pods to fix are here.
                let w = workloads.first { $0.labels["istio"] == "eastwestgateway" || $0.labels["topology.istio.io/network"] != nil } ?? workloads[0]
                return Diagnosis(
                    rank: 1, node: w.node, resource: w.resource, fieldPath: nil,
                    problem: "its gateway \(w.display) has labels `\(labels(w.labels))`, while \(describe(p.server)) in \(context.clusterName(p.server.gateway.clusterIndex)), which configures \(context.clusterName(r))'s gateways, selects `\(labels(p.server.selector))`",
                    fix: "Label the east-west gateway as the Gateway selects (`istio: eastwestgateway` in the docs), or widen the selector\(hint).",
                    related: [context.related("\(describe(p.server)) selects `\(labels(p.server.selector))` here", at: node, cluster: p.server.gateway.clusterIndex)])
            }
            let names = workloads.prefix(3).map { w in "\(w.namespace)/\(w.name) (\(labels(w.labels)))" }.joined(separator: ", ")
            return Diagnosis(
                rank: 1, node: node, resource: p.server.gateway.isImplied ? installResource(p.server.gateway, graph) : p.server.gateway,
                fieldPath: "spec.selector",
                problem: "\(describe(p.server)) selects `\(labels(p.server.selector))`, which no gateway workload of \(context.clusterName(r)) carries (\(names))",
                fix: "Make the Gateway's `selector` match the gateway's pod labels\(hint).",
                related: workloads.prefix(3).map { context.related("gateway \($0.display) has labels \(labels($0.labels))", at: $0.node, cluster: r) })
        }
        if let d = gatewayAPIShortfall(a, demand, context) { return d }
        // Servers route the hosts, but not with AUTO_PASSTHROUGH on 15443.
        if let s = a.candidates.first {
            let ports = a.ports.sorted().map(String.init).joined(separator: " or ")
            if !s.isAutoPassthrough {
                return Diagnosis(
                    rank: 2, node: s.tlsMode?.node ?? s.node, resource: s.gateway, fieldPath: "spec.servers[\(s.index)].tls.mode",
                    problem: "\(describe(s)) uses \(s.tlsMode.map { "`tls.mode: \($0.value)`" } ?? "no `tls.mode`") instead of AUTO_PASSTHROUGH (only AUTO_PASSTHROUGH routes the SNI names of other clusters' mTLS connections by themselves)",
                    fix: "Set `tls.mode: AUTO_PASSTHROUGH` (with `protocol: TLS`) on port 15443.")
            }
            return Diagnosis(
                rank: 2, node: s.port?.node ?? s.node, resource: s.gateway, fieldPath: s.portFieldPath,
                problem: "\(describe(s)) listens on \(s.port.map { String($0.value) } ?? "no port") instead of \(ports), the port remote sidecars send \(hosts) traffic to",
                fix: "Set the server's `port.number: 15443` (protocol TLS).")
        }
        return missingServer(a, demand, context)
    }

    /// A Gateway API Gateway of the receiving cluster meant for the network that Istio does not
    /// use as its east-west gateway: a TLS passthrough listener that is not AUTO_PASSTHROUGH
    /// (`kube.IsAutoPassthrough`), or only an HBONE listener while the cluster runs sidecars.
    func gatewayAPIShortfall(_ a: IngressAssessment, _ demand: IngressDemand, _ context: RuleContext) -> Diagnosis? {
        guard case .crossNetwork(let network) = demand.kind else { return nil }
        let graph = context.graph, r = a.cluster
        for g in graph.ingress.gatewayAPIGateways[r] where g.gatewayClass == .istio || g.gatewayClass == .eastWest {
            let n = g.networkLabel?.value ?? (g.gatewayClass == .eastWest ? graph.networkName(r) : nil)
            guard n == nil || n == network else { continue }
            if let hbone = g.listeners.first(where: \.isHBONE), g.gatewayClass == .istio {
                return Diagnosis(
                    rank: 2, node: g.className?.node ?? g.resource.nameNode, resource: g.resource, fieldPath: "spec.gatewayClassName",
                    problem: "\(g.display) is of class `istio`, which renders an ordinary gateway: its HBONE listener `\(hbone.name ?? "#\(hbone.index)")` does not terminate the double-HBONE connections of other networks' ztunnels",
                    fix: "Set `gatewayClassName: istio-east-west` (as `samples/multicluster/gen-eastwest-gateway.sh --network \(network) --ambient` writes).")
            }
            if let hbone = g.listeners.first(where: \.isHBONE), !g.listeners.contains(where: \.isAutoPassthrough) {
                return Diagnosis(
                    rank: 2, node: hbone.protocolName?.node ?? hbone.node, resource: g.resource,
                    fieldPath: "spec.listeners[\(hbone.index)].protocol",
                    problem: "its east-west gateway \(g.display) only has an HBONE listener, which ambient workloads use, while \(context.clusterName(r))'s workloads run with sidecars (\(dataPlaneSource(r, graph)))",
                    fix: "Add a listener on 15443 (`protocol: TLS`, `tls.mode: Passthrough`) to a Gateway of class `istio` labelled `topology.istio.io/network: \(network)`, or install the sidecar east-west gateway (`samples/multicluster/gen-eastwest-gateway.sh --network \(network)`).")
            }
            guard let l = g.listeners.first(where: { $0.node["tls"] != nil && !$0.isAutoPassthrough }) else { continue }
            let port = l.port.map { String($0.value) } ?? "no port"
            let why = g.networkLabel == nil
                ? "the Gateway has no `topology.istio.io/network` label, so istiod neither treats the listener as AUTO_PASSTHROUGH nor the Gateway as a network gateway"
                : "the listener is on \(port), not on \(g.gatewayPortLabel.map { "the `networking.istio.io/gatewayPort` port \($0.value)" } ?? "15443"), and has no option `gateway.istio.io/listener-protocol: auto-passthrough`, so istiod configures a plain TLS passthrough that needs a TLSRoute per host"
            return Diagnosis(
                rank: 2, node: g.networkLabel == nil ? g.resource.nameNode : (l.port?.node ?? l.node), resource: g.resource,
                fieldPath: g.networkLabel == nil ? "metadata.labels" : "spec.listeners[\(l.index)].port",
                problem: "the TLS listener `\(l.name ?? "#\(l.index)")` of \(g.display) is not AUTO_PASSTHROUGH: \(why)",
                fix: g.networkLabel == nil
                    ? "Label the Gateway `topology.istio.io/network: \(network)` (with the listener on 15443)."
                    : "Put the cross-network listener on 15443, or set the label `networking.istio.io/gatewayPort: \"\(port)\"`, or the listener option `gateway.istio.io/listener-protocol: auto-passthrough`.")
        }
        return nil
    }

    func dataPlaneSource(_ r: Int, _ graph: MeshGraph) -> String {
        let p = graph.dataPlane(r)
        return p.sidecar.first?.source ?? p.mode.map { "data plane \($0.rawValue)" } ?? "no ambient install"
    }

    /// No server routes the hosts (or, with `configured`, one does but no gateway of the cluster
    /// runs for it): the closest node that explains why.
    func missingServer(_ a: IngressAssessment, _ demand: IngressDemand, _ context: RuleContext,
                       configured: GatewayServer? = nil) -> Diagnosis? {
        let graph = context.graph, r = a.cluster, facts = graph.facts[r]
        let name = context.clusterName(r)
        if let s = configured {
            let whereIs = s.gateway.clusterIndex == r ? "" : " (in \(context.clusterName(s.gateway.clusterIndex)))"
            let problem = "\(describe(s))\(whereIs) selects `\(labels(s.selector))` and no gateway of \(name) runs with those labels"
            let related = [context.related("\(describe(s)) selects `\(labels(s.selector))` here", at: s.gateway.spec?.keyNode("selector") ?? s.node,
                                           cluster: s.gateway.clusterIndex)]
            switch demand.kind {
            case .global:
                guard let i = facts.installs.first else { return nil }
                return Diagnosis(rank: 4, node: i.resource?.nameNode ?? i.values?.keyNode("global") ?? i.root, resource: i.resource, fieldPath: nil,
                                 problem: problem, fix: "Install the ingress gateway (label `istio: ingressgateway`, Service port 15443).", related: related)
            case .crossNetwork(let network):
                let n = graph.dataPlaneNetwork(r)
                let i = facts.installs.first { !$0.isGatewayOnly } ?? facts.installs.first
                guard let node = n?.node ?? i.map({ $0.resource?.nameNode ?? $0.values?.keyNode("global") ?? $0.root }) else { return nil }
                return Diagnosis(rank: 4, node: node, resource: install(of: node, facts)?.resource ?? namespaceResource(node, graph, r), fieldPath: nil,
                                 problem: problem + " (a gateway on another network cannot reach \(networkName(network))'s pods)",
                                 fix: "Install an east-west gateway in \(name) (`samples/multicluster/gen-eastwest-gateway.sh --network \(network)`, Service port 15443).",
                                 related: related)
            }
        }
        switch demand.kind {
        case .global(let suffix):
            let fix = "Install with `values.global.multiCluster.enabled: true` (the 1.1–1.9 charts render Gateway `istio-multicluster-ingressgateway`: 15443, TLS, AUTO_PASSTHROUGH, hosts `*.\(suffix)`), or write that Gateway for the ingress gateway."
            if let enabled = facts.multiClusterEnabled.primary, !enabled.value {
                return Diagnosis(rank: 3, node: enabled.node, resource: install(of: enabled.node, facts)?.resource,
                                 fieldPath: fieldPath(of: enabled.node, facts, "global.multiCluster.enabled"),
                                 problem: "`multiCluster.enabled: false` (\(enabled.source)) means the chart renders no Gateway for `*.\(suffix)` and no Gateway in the set routes it",
                                 fix: fix)
            }
            if let v = facts.istioRelease, v > .v1_9, let tag = facts.istioVersion.primary {
                return Diagnosis(rank: 3, node: tag.node, resource: install(of: tag.node, facts)?.resource,
                                 fieldPath: fieldPath(of: tag.node, facts, "tag"),
                                 problem: "Istio \(v) charts no longer render the `*.\(suffix)` Gateway (removed after 1.9) and no Gateway in the set routes it",
                                 fix: "Write a Gateway with a server on 15443, `protocol: TLS`, `tls.mode: AUTO_PASSTHROUGH`, hosts `*.\(suffix)` for the ingress gateway, or move to the 1.8+ multi-network model.")
            }
            if let i = facts.installs.first(where: { $0.global("multiCluster", "enabled")?.bool == true && $0.profileWithoutIngress != nil }),
               let p = i.profileWithoutIngress,
               !(i.spec?.at("components", "ingressGateways")?.items ?? []).contains(where: { $0["enabled"]?.bool == true }) {
                return Diagnosis(rank: 3, node: p, resource: i.resource, fieldPath: "spec.profile",
                                 problem: "`profile: \(p.text ?? "")` renders no ingress gateway, so `multiCluster.enabled: true` renders no `*.\(suffix)` Gateway (the template lives in the ingress gateway's chart) and no Gateway in the set routes `*.\(suffix)`",
                                 fix: "Enable the ingress gateway (`components.ingressGateways: [{name: istio-ingressgateway, enabled: true}]`, Service port 15443), or write the Gateway (15443, TLS, AUTO_PASSTHROUGH, hosts `*.\(suffix)`) for a gateway installed separately.")
            }
            if let off = disabledIngress(facts) {
                return Diagnosis(rank: 3, node: off.node, resource: off.install.resource, fieldPath: off.path,
                                 problem: "the ingress gateway whose chart renders the `*.\(suffix)` Gateway is disabled (\(off.path): false) and no Gateway in the set routes `*.\(suffix)`",
                                 fix: "Enable the ingress gateway, or write the Gateway (15443, TLS, AUTO_PASSTHROUGH, hosts `*.\(suffix)`) for another gateway.")
            }
            let problem = "no Gateway in \(name) routes `*.\(suffix)` (a server on 15443 with TLS AUTO_PASSTHROUGH), written or rendered by an install with `multiCluster.enabled: true`"
            if let w = graph.ingress.workloads[r].first(where: { !$0.isEgress }) {
                return Diagnosis(rank: 4, node: w.node, resource: w.resource, fieldPath: nil, problem: problem, fix: fix)
            }
            if let i = facts.installs.first {
                return Diagnosis(rank: 4, node: i.resource?.nameNode ?? i.values?.keyNode("global") ?? i.root,
                                 resource: i.resource, fieldPath: nil, problem: problem, fix: fix)
            }
            for s in demand.senders {
                for h in s.entry.hosts {
                    guard let svc = h.service, let local = graph.services(namespace: svc.namespace, name: svc.name).first(where: { $0.clusterIndex == r }) else { continue }
                    return Diagnosis(rank: 4, node: local.nameNode, resource: local, fieldPath: "metadata.name", problem: problem, fix: fix)
                }
            }
            return nil
        case .crossNetwork(let network):
            let net = network.isEmpty ? "<network>" : network
            let wanted = graph.dataPlane(r).mode == .ambient
                ? "an `istio-east-west` gateway with an HBONE listener"
                : "an east-west gateway with a Gateway passing `*.local` through on 15443"
            let fix = graph.dataPlane(r).mode == .ambient
                ? "Install the ambient east-west gateway on \(networkName(network)) (`samples/multicluster/gen-eastwest-gateway.sh --network \(net) --ambient`: a Gateway API Gateway of class `istio-east-west` labelled `topology.istio.io/network: \(net)` with an HBONE listener on 15008)."
                : "Install an east-west gateway on \(networkName(network)) (`samples/multicluster/gen-eastwest-gateway.sh --network \(net)`, Service port 15443) and apply `samples/multicluster/expose-services.yaml` (Gateway `cross-network-gateway`: 15443, TLS, AUTO_PASSTHROUGH, hosts `*.local`)."
            if let w = graph.ingress.workloads[r].first(where: { $0.labels["istio"] == "eastwestgateway" || $0.labels["topology.istio.io/network"] != nil }) {
                return Diagnosis(rank: 3, node: w.node, resource: w.resource, fieldPath: nil,
                                 problem: "no Gateway passes `*.local` through its east-west gateway \(w.namespace)/\(w.name) with TLS AUTO_PASSTHROUGH on 15443",
                                 fix: "Apply `samples/multicluster/expose-services.yaml` (Gateway `cross-network-gateway`, selector `istio: eastwestgateway`) to \(name)\(facts.role == .remote ? " or to its primary" : "").")
            }
            guard let n = graph.dataPlaneNetwork(r) else {
                guard let i = facts.installs.first(where: { !$0.isGatewayOnly }) else { return nil }
                return Diagnosis(rank: 4, node: i.resource?.nameNode ?? i.values?.keyNode("global") ?? i.root, resource: i.resource, fieldPath: nil,
                                 problem: "no cluster of \(networkName(network)) has \(wanted)", fix: fix)
            }
            return Diagnosis(rank: 4, node: n.node, resource: install(of: n.node, facts)?.resource ?? namespaceResource(n.node, graph, r), fieldPath: nil,
                             problem: "no cluster of \(networkName(network)) has \(wanted) (\(n.source))",
                             fix: fix)
        }
    }

    // MARK: wording

    func receives(_ r: Int, _ demand: IngressDemand, _ context: RuleContext) -> String {
        let name = context.clusterName(r)
        switch demand.kind {
        case .global(let suffix):
            let callers = Set(demand.senders.map(\.entry.caller)).sorted().map(context.clusterName)
            return "\(name) receives `.\(suffix)` traffic from \(list(callers)) (\(demand.senders.count == 1 ? "a ServiceEntry points" : "\(demand.senders.count) ServiceEntries point") at it)"
        case .crossNetwork(let network):
            let callers = demand.callers.map(context.clusterName)
            return "\(name) is on \(networkName(network)); \(list(callers)) (on \(demand.callers.count == 1 ? "another network" : "other networks")) reach\(demand.callers.count == 1 ? "es" : "") its endpoints only through an east-west gateway of that network"
        }
    }

    func consequence(_ kind: IngressDemand.Kind, ambient: Bool) -> String {
        switch kind {
        case .global:
            return "so calls from the other clusters to its `.global` services fail (their connections to its gateway on 15443 are refused or reset)."
        case .crossNetwork:
            return "so \(ambient ? "workloads" : "sidecars") of other networks cannot reach its endpoints and those calls fail."
        }
    }

    func related(_ r: Int, _ demand: IngressDemand, _ context: RuleContext) -> [RelatedLocation] {
        switch demand.kind {
        case .global:
            return demand.senders.prefix(3).map { s in
                let e = s.entry.resource
                return context.related("\(context.clusterName(s.entry.caller)) sends \(s.entry.hosts[0].host.value) here (ServiceEntry \(e.namespace)/\(e.name))",
                                       at: s.node, cluster: s.entry.caller)
            }
        case .crossNetwork:
            return demand.callers.prefix(3).compactMap { c in
                guard let n = context.graph.dataPlaneNetwork(c) else { return nil }
                return context.related("\(context.clusterName(c)) is on \(n.value) (\(n.source))", at: n.node, cluster: c)
            }
        }
    }

    func hostPattern(_ kind: IngressDemand.Kind) -> String {
        switch kind {
        case .global(let suffix): return "`*.\(suffix)`"
        case .crossNetwork: return "`*.local`"
        }
    }

    func describe(_ s: GatewayServer) -> String {
        "\(s.gateway.isImplied ? "the implied " : "")Gateway \(s.gateway.namespace)/\(s.gateway.name)"
    }

    func networkName(_ n: String) -> String { n.isEmpty ? "the default network" : "network \(n)" }

    func labels(_ l: [String: String]) -> String {
        l.isEmpty ? "{}" : l.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
    }

    func list(_ names: [String]) -> String {
        names.count <= 3 ? names.joined(separator: ", ") : names.prefix(3).joined(separator: ", ") + " and \(names.count - 3) more"
    }

    /// The selector value no workload has (with a "did you mean"), else the selector key.
    func selectorMismatch(_ s: GatewayServer, _ workloads: [GatewayWorkload]) -> (YAMLNode, String) {
        let selectorNode = s.gateway.spec?["selector"]
        for (k, v) in selectorNode?.pairs ?? [] {
            guard let key = k.scalar, let value = v.text, !workloads.contains(where: { $0.labels[key] == value }) else { continue }
            let values = Array(Set(workloads.compactMap { $0.labels[key] })).sorted()
            let hint = Suggest.nearest(value, in: values).map { " (did you mean `\(key): \($0)`?)" } ?? ""
            return (v, hint)
        }
        return (s.gateway.spec?.keyNode("selector") ?? s.node, "")
    }

    // MARK: locating install settings

    func install(of node: YAMLNode, _ facts: ClusterFacts) -> InstallSource? {
        facts.installs.first { $0.root.file === node.file && ($0.resource == nil || $0.resource!.root.position <= node.position) }
    }

    func installResource(_ implied: Resource, _ graph: MeshGraph) -> Resource? {
        graph.implied(implied)?.install.resource ?? implied
    }

    func namespaceResource(_ node: YAMLNode, _ graph: MeshGraph, _ c: Int) -> Resource? {
        graph.resources("Namespace", in: c).first { $0.root.file === node.file && $0.root.position <= node.position }
    }

    func fieldPath(of node: YAMLNode, _ facts: ClusterFacts, _ valuesPath: String) -> String {
        guard let i = install(of: node, facts), i.resource != nil else { return valuesPath }
        return valuesPath == "tag" ? "spec.tag" : "spec.values.\(valuesPath)"
    }

    /// The setting that turns off the gateway whose chart renders the `.global` Gateway.
    func disabledIngress(_ facts: ClusterFacts) -> (node: YAMLNode, install: InstallSource, path: String)? {
        for i in facts.installs {
            let prefix = i.resource == nil ? "" : "spec.values."
            if let n = i.values?.at("gateways", "enabled"), n.bool == false { return (n, i, prefix + "gateways.enabled") }
            if let n = i.values?.at("gateways", "istio-ingressgateway", "enabled"), n.bool == false {
                return (n, i, prefix + "gateways.istio-ingressgateway.enabled")
            }
            for (idx, g) in (i.spec?.at("components", "ingressGateways")?.items ?? []).enumerated()
            where (g["name"]?.text ?? "istio-ingressgateway") == "istio-ingressgateway" {
                if let n = g["enabled"], n.bool == false { return (n, i, "spec.components.ingressGateways[\(idx)].enabled") }
            }
        }
        return nil
    }
}
