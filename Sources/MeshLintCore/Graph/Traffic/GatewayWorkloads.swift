/// Where the set learns about a gateway workload.
public enum GatewayWorkloadOrigin: Sendable, Hashable {
    /// A Service object that looks like a gateway's (its labels and selector describe the pods).
    case serviceObject
    /// A Deployment running a gateway proxy.
    case deployment
    /// An install's gateway declaration (IstioOperator `components.*Gateways[]`, Helm `gateways.<name>`).
    case installDeclaration
    /// The ingress gateway an install renders without naming it (default/demo profile, 1.1–1.4 Helm charts).
    case installDefault
}

/// Pods running a gateway proxy, as far as the set describes them: their labels (what a Gateway's
/// `selector` must match), the Service in front of them, and the router mode they run in.
public struct GatewayWorkload: Sendable {
    /// The cluster it runs in.
    public let cluster: Int
    /// The gateway (Deployment/Service) name.
    public let name: String
    /// Its namespace.
    public let namespace: String
    /// Pod labels (for a Service object: its labels together with its selector).
    public let labels: [String: String]
    /// Where the set states it.
    public let origin: GatewayWorkloadOrigin
    /// The node that declares it (Service/Deployment name, the component's `name`, the install).
    public let node: YAMLNode
    /// The object that declares it (nil for Helm values).
    public let resource: Resource?
    /// The install that renders it, for install declarations and defaults.
    public let install: InstallSource?
    /// "Service istio-system/x", "IstioOperator istio-system/y components.ingressGateways[0]", ...
    public let source: String
    /// The Service in front of the pods, when the set has one (its ports decide what is exposed).
    public let service: GatewayService?
    /// True when the Service is rendered with the chart's default ports (which include 15443).
    public let usesChartPorts: Bool
    /// `ISTIO_META_ROUTER_MODE` as stated for these pods (Deployment env, IstioOperator `k8s.env`,
    /// `gateways.<name>.env`); nil when left to the chart's default.
    public let routerMode: Sourced<String>?
    /// True for an egress gateway.
    public let isEgress: Bool

    /// True when a Gateway `selector` picks these pods (every selector label present; an empty
    /// selector picks every gateway).
    public func matches(_ selector: [String: String]) -> Bool {
        selector.allSatisfy { labels[$0.key] == $0.value }
    }

    /// True when the Service in front of the pods exposes `port` (as `port` or `targetPort`).
    public func exposes(_ port: Int) -> Bool {
        guard let service else { return usesChartPorts }
        guard let ports = service.ports else { return true }
        return ports.contains { $0.port?.value == port || $0.targetPort == port }
    }

    /// A short description for messages, e.g. "istio-system/istio-ingressgateway (IstioOperator …)".
    public var display: String { "\(namespace)/\(name) (\(source))" }
}

/// An EnvoyFilter that rewrites the SNI-derived cluster name at a gateway
/// (`envoy.filters.network.tcp_cluster_rewrite`, `.global` → `.svc.<domain>`), written or implied.
public struct SNIRewriteFilter: Sendable {
    /// The EnvoyFilter.
    public let resource: Resource
    /// `spec.workloadSelector.labels` (1.1: `spec.workloadLabels`); empty applies to every workload.
    public let selector: [String: String]
    /// The selector's node (where a selector that picks no gateway is reported).
    public let selectorNode: YAMLNode?
    /// `cluster_pattern` as written.
    public let pattern: Located<String>?
}

/// Gateway workloads and SNI rewrite filters of every cluster, built once per run.
public final class IngressIndex: Sendable {
    /// Gateway workloads per cluster.
    public let workloads: [[GatewayWorkload]]
    /// `tcp_cluster_rewrite` EnvoyFilters per cluster (written and implied).
    public let sniRewriteFilters: [[SNIRewriteFilter]]
    /// Per cluster: true when the set says anything about its gateways (an install, a gateway
    /// workload or a Gateway), so that "no gateway" is a statement and not a gap in the set.
    public let describesGateways: [Bool]
    /// True when the set uses endpoint discovery (SPEC §1): a remote secret, meshNetworks or a
    /// declared/remote role anywhere.
    public let usesEndpointDiscovery: Bool
    /// Each cluster's data plane (sidecar, ambient or both).
    public let dataPlanes: [DataPlaneFact]
    /// Gateway API Gateways of an Istio class per cluster, with what Istio renders for them.
    public let gatewayAPIGateways: [[GatewayAPIGateway]]
    /// `istio-remote` Gateways with `spec.addresses`, by their network label (every cluster).
    public let remoteGatewaysByNetwork: [String: [GatewayAPIGateway]]

    static let routerModeVariable = "ISTIO_META_ROUTER_MODE"

    init(set: ConfigSet, facts: [ClusterFacts], traffic: TrafficIndex, resources: (String, Int) -> [Resource]) {
        var workloads: [[GatewayWorkload]] = []
        var filters: [[SNIRewriteFilter]] = []
        var describes: [Bool] = []
        var planes: [DataPlaneFact] = []
        var apiGateways: [[GatewayAPIGateway]] = []
        var discovery = traffic.meshNetworkGateways.contains { !$0.isEmpty }
        for c in set.clusters.indices {
            var valueDocuments = set.helmValues.filter { $0.clusterIndex == c }.map(\.root)
            for root in set.unrecognized {
                switch set.assignments[root.file.path] {
                case .cluster(c)?, .shared?: valueDocuments.append(root)
                default: break
                }
            }
            let w = GatewayWorkloadReader.read(cluster: c, services: traffic.gatewayServices[c],
                                               deployments: resources("Deployment", c), installs: facts[c].installs)
                + valueDocuments.compactMap { GatewayWorkloadReader.gatewayChartValues(cluster: c, root: $0) }
            workloads.append(w)
            let envoyFilters = resources("EnvoyFilter", c) + traffic.implied[c].map(\.resource).filter { $0.kind == "EnvoyFilter" }
            filters.append(envoyFilters.compactMap(Self.sniRewriteFilter))
            describes.append(!facts[c].installs.isEmpty || !w.isEmpty || !resources("Gateway", c).isEmpty)
            planes.append(DataPlaneReader.read(facts: facts[c], valueDocuments: valueDocuments) { resources($0, c) })
            apiGateways.append(GatewayAPIReader.read(resources("Gateway", c)))
            if set.clusters[c].declaration?.role != nil || facts[c].role == .remote { discovery = true }
            if !discovery, resources("Secret", c).contains(where: Self.isRemoteSecret) { discovery = true }
            if !discovery, facts[c].installs.contains(where: { i in (i.global("meshNetworks")?.count ?? 0) > 0 }) { discovery = true }
        }
        self.workloads = workloads
        self.sniRewriteFilters = filters
        self.describesGateways = describes
        self.usesEndpointDiscovery = discovery
        self.dataPlanes = planes
        self.gatewayAPIGateways = apiGateways
        var remote: [String: [GatewayAPIGateway]] = [:]
        for g in apiGateways.joined() where g.gatewayClass == .remote && !g.addresses.isEmpty {
            if let n = g.networkLabel?.value { remote[n, default: []].append(g) }
        }
        self.remoteGatewaysByNetwork = remote
    }

    /// A Secret istiod reads as a remote cluster's kubeconfig (SPEC §2 MC201 definition, by its
    /// name, annotation or label).
    static func isRemoteSecret(_ s: Resource) -> Bool {
        s.name.hasPrefix("istio-remote-secret-") || s.annotation("networking.istio.io/cluster") != nil
            || s.label("istio/multiCluster") != nil
    }

    /// The SNI rewrite filter an EnvoyFilter holds, if it names `tcp_cluster_rewrite` anywhere.
    static func sniRewriteFilter(_ r: Resource) -> SNIRewriteFilter? {
        guard let spec = r.spec, containsScalar(spec, { $0.contains("tcp_cluster_rewrite") }) else { return nil }
        let selectorNode = spec.at("workloadSelector", "labels") ?? spec["workloadLabels"]
        var pattern: Located<String>?
        if let p = findValue(spec, key: "cluster_pattern"), let t = p.text { pattern = Located(t, p) }
        return SNIRewriteFilter(resource: r, selector: GatewayReader.stringMap(selectorNode),
                                selectorNode: selectorNode.flatMap { _ in spec.keyNode("workloadSelector") ?? spec.keyNode("workloadLabels") },
                                pattern: pattern)
    }

    static func containsScalar(_ node: YAMLNode, _ test: (String) -> Bool) -> Bool {
        if let s = node.scalar { return test(s) }
        if node.isSequence { return node.items.contains { containsScalar($0, test) } }
        return node.pairs.contains { containsScalar($0.key, test) || containsScalar($0.value, test) }
    }

    static func findValue(_ node: YAMLNode, key: String) -> YAMLNode? {
        if node.isSequence { return node.items.lazy.compactMap { findValue($0, key: key) }.first }
        for (k, v) in node.pairs {
            if k.scalarEquals(key) { return v }
            if let hit = findValue(v, key: key) { return hit }
        }
        return nil
    }
}

enum GatewayWorkloadReader {
    /// The gateway workloads of one cluster: gateway Services (objects and install declarations),
    /// gateway Deployments, and the ingress gateway installs render by default.
    static func read(cluster c: Int, services: [GatewayService], deployments: [Resource],
                     installs: [InstallSource]) -> [GatewayWorkload] {
        var out: [GatewayWorkload] = []
        let serviceObjects = services.filter { $0.resource?.kind == "Service" }
        for g in services {
            let egress = g.labels["istio"] == "egressgateway" || g.name.contains("egress")
            if g.resource?.kind == "Service" {
                out.append(GatewayWorkload(
                    cluster: c, name: g.name, namespace: g.namespace, labels: g.labels.merging(g.selector) { _, s in s },
                    origin: .serviceObject, node: g.node, resource: g.resource, install: nil, source: g.source,
                    service: g, usesChartPorts: false, routerMode: nil, isEgress: egress))
                continue
            }
            let install = g.resource.map { r in installs.first { $0.resource?.root == r.root } }
                ?? installs.first { $0.resource == nil && $0.root.file === g.node.file }
            var mode = g.env[IngressIndex.routerModeVariable].map { Sourced($0.value, $0.node, source: "\(g.source) env") }
            if mode == nil, g.resource != nil, let i = install,
               let n = i.values?.at("gateways", egress ? "istio-egressgateway" : "istio-ingressgateway", "env", IngressIndex.routerModeVariable),
               let t = n.text {
                mode = Sourced(t, n, source: "\(i.label) spec.values.gateways.\(egress ? "istio-egressgateway" : "istio-ingressgateway").env")
            }
            out.append(GatewayWorkload(
                cluster: c, name: g.name, namespace: g.namespace, labels: chartLabels(g).merging(g.labels) { _, stated in stated },
                origin: .installDeclaration,
                node: g.node, resource: g.resource, install: install, source: g.source, service: g,
                usesChartPorts: g.ports == nil, routerMode: mode, isEgress: egress))
        }
        for d in deployments {
            guard let template = d.templateMetadata?["labels"] else { continue }
            // Two labels decide; the label map is built only for gateway Deployments.
            let looksLikeGateway = (template.lastText(forKey: "istio", merged: false)?.hasSuffix("gateway") ?? false)
                || d.name.contains("gateway") || template.lastText(forKey: "topology.istio.io/network", merged: false) != nil
            guard looksLikeGateway else { continue }
            let labels = GatewayReader.stringMap(template)
            var mode: Sourced<String>?
            for container in d.templateSpec?["containers"]?.items ?? [] {
                if let v = GatewayReader.envList(container["env"])[IngressIndex.routerModeVariable] {
                    mode = Sourced(v.value, v.node, source: "Deployment \(d.namespace)/\(d.name) env")
                    break
                }
            }
            let front = serviceObjects.first { s in
                s.namespace == d.namespace && !s.selector.isEmpty && s.selector.allSatisfy { labels[$0.key] == $0.value }
            }
            out.append(GatewayWorkload(
                cluster: c, name: d.name, namespace: d.namespace, labels: labels, origin: .deployment, node: d.nameNode,
                resource: d, install: nil, source: "Deployment \(d.namespace)/\(d.name)", service: front,
                usesChartPorts: false, routerMode: mode,
                isEgress: labels["istio"] == "egressgateway" || d.name.contains("egress")))
        }
        for i in installs {
            guard let w = defaultIngress(cluster: c, install: i, declared: out) else { continue }
            out.append(w)
        }
        return out
    }

    /// The labels the gateway chart gives a declared gateway before the declaration's own
    /// (Helm merges maps): every IstioOperator ingress/egress component is rendered from the
    /// `istio-ingressgateway`/`istio-egressgateway` values, and a Helm values file tunes those
    /// two gateways; other Helm gateways start from nothing.
    static func chartLabels(_ g: GatewayService) -> [String: String] {
        if g.source.contains("components.ingressGateways") || g.name == "istio-ingressgateway" {
            return GatewayReader.defaultLabels("istio-ingressgateway")
        }
        if g.source.contains("components.egressGateways") || g.name == "istio-egressgateway" {
            return GatewayReader.defaultLabels("istio-egressgateway")
        }
        return [:]
    }

    /// A values file of the `istio/gateway` Helm chart (1.12+: `name`, `labels`, `service`,
    /// `env`, `networkGateway`), which is how the docs install east-west gateways with Helm. The
    /// chart labels the pods `app: <name>`, `istio: <name without istio->` plus `labels`, and
    /// `networkGateway` adds `topology.istio.io/network` and `ISTIO_META_REQUESTED_NETWORK_VIEW`
    /// and replaces `service.ports` with the network gateway ports (`templates/service.yaml`:
    /// `status-port` 15021, `tls` 15443, `tls-istiod` 15012, `tls-webhook` 15017, each
    /// overridable under `networkGatewayPorts`); without it the Service has `service.ports`
    /// (the chart's defaults are 15021/80/443).
    static func gatewayChartValues(cluster c: Int, root: YAMLNode) -> GatewayWorkload? {
        guard root.isMapping, root["kind"] == nil else { return nil }
        let labelsNode = root["labels"], service = root["service"]
        let network = root["networkGateway"]?.text.flatMap { $0.isEmpty ? nil : $0 }
        let stated = GatewayReader.stringMap(labelsNode)
        guard network != nil || (service?.isMapping == true && (labelsNode?.isMapping == true || root["name"]?.text != nil)) else {
            return nil
        }
        let name = root["name"]?.text ?? "istio-eastwestgateway"
        var labels = ["app": name, "istio": name.hasPrefix("istio-") ? String(name.dropFirst(6)) : name]
        labels.merge(stated) { _, s in s }
        if let network { labels["topology.istio.io/network"] = network }
        let source = "gateway chart values \(root.file.path)"
        let ports = network != nil ? networkGatewayPorts(root) : GatewayReader.ports(service?["ports"])
        var env = GatewayReader.envMap(root["env"])
        if let network, env["ISTIO_META_REQUESTED_NETWORK_VIEW"] == nil, let n = root["networkGateway"] {
            env["ISTIO_META_REQUESTED_NETWORK_VIEW"] = Located(network, n)
        }
        var addresses: [Located<String>] = []
        if let ip = service?["loadBalancerIP"], let t = ip.text, !t.isEmpty { addresses.append(Located(t, ip)) }
        let gs = GatewayService(
            cluster: c, name: name, namespace: root["namespace"]?.text ?? "istio-system", labels: labels, resource: nil,
            node: root["name"] ?? root, type: service?["type"]?.text, ports: ports ?? [], addresses: addresses,
            source: source,
            portsKey: network != nil ? (root.keyNode("networkGatewayPorts") ?? root.keyNode("networkGateway"))
                : (service?.keyNode("ports") ?? root.keyNode("service")),
            portsFieldPath: network != nil ? "networkGatewayPorts" : "service.ports",
            selector: [:], env: env)
        return GatewayWorkload(
            cluster: c, name: name, namespace: gs.namespace, labels: labels, origin: .installDeclaration, node: gs.node,
            resource: nil, install: nil, source: source, service: gs, usesChartPorts: false,
            routerMode: env[IngressIndex.routerModeVariable].map { Sourced($0.value, $0.node, source: "\(source) env") },
            isEgress: false)
    }

    /// The Service ports the `istio/gateway` chart renders for a network gateway: its four fixed
    /// port names with the chart's defaults, each `port`/`targetPort` overridable under
    /// `networkGatewayPorts.<name>` (Helm merges the map). Default entries point at
    /// `networkGateway`, overridden ones at their mapping.
    static func networkGatewayPorts(_ root: YAMLNode) -> [GatewayServicePort] {
        let defaults = [("status-port", 15021), ("tls", 15443), ("tls-istiod", 15012), ("tls-webhook", 15017)]
        let anchor = root["networkGateway"] ?? root
        let overrides = root["networkGatewayPorts"]
        return defaults.map { name, port in
            let o = overrides?[name]
            func int(_ k: String) -> Located<Int>? {
                guard let n = o?[k], let v = n.int ?? n.text.flatMap({ Int($0) }) else { return nil }
                return Located(v, n)
            }
            let p = int("port") ?? Located(port, anchor)
            return GatewayServicePort(name: name, port: p, targetPort: int("targetPort")?.value ?? port, nodePort: nil,
                                      node: o ?? anchor)
        }
    }

    /// Profiles whose IstioOperator renders `istio-ingressgateway` without listing it.
    static let profilesWithIngress: Set<String> = ["default", "demo", "preview"]

    /// The ingress gateway an install renders by default, unless it is disabled or declared.
    static func defaultIngress(cluster c: Int, install i: InstallSource, declared: [GatewayWorkload]) -> GatewayWorkload? {
        let name = "istio-ingressgateway"
        // A Sail `Istio` installs the control plane only; its gateways are installed apart.
        guard i.kind != .sailIstio else { return nil }
        let ns = i.istioNamespace?.text ?? "istio-system"
        guard !declared.contains(where: { $0.name == name && $0.namespace == ns && $0.origin != .deployment && $0.origin != .serviceObject }) else { return nil }
        let anchor: YAMLNode
        var mode: Sourced<String>?
        if let r = i.resource {
            guard !i.isGatewayOnly, profilesWithIngress.contains(i.profile?.text ?? "default") else { return nil }
            if let list = i.spec?.at("components", "ingressGateways"), list.isSequence,
               list.items.contains(where: { ($0["name"]?.text ?? name) == name }) { return nil }
            anchor = r.nameNode
        } else {
            // A values file of the `istio/gateway` chart with a `global` section is no full install.
            if gatewayChartValues(cluster: c, root: i.root) != nil { return nil }
            guard let v = i.values, v.at("gateways", "enabled")?.bool != false,
                  v.at("gateways", name, "enabled")?.bool != false,
                  v.at("global", "istioRemote")?.bool != true else { return nil }
            anchor = v.keyNode("gateways") ?? v.keyNode("global") ?? i.root
        }
        if let n = i.values?.at("gateways", name, "env", IngressIndex.routerModeVariable), let t = n.text {
            mode = Sourced(t, n, source: "\(i.label) \(i.resource == nil ? "" : "spec.values.")gateways.\(name).env")
        }
        return GatewayWorkload(
            cluster: c, name: name, namespace: ns, labels: GatewayReader.defaultLabels(name), origin: .installDefault,
            node: anchor, resource: i.resource, install: i,
            source: "\(i.label), default \(i.resource == nil ? "chart values" : "profile")", service: nil,
            usesChartPorts: true, routerMode: mode, isEgress: false)
    }
}

extension MeshGraph {
    /// Gateway workloads of `cluster` that a Gateway `selector` picks.
    public func gatewayWorkloads(matching selector: [String: String], in cluster: Int) -> [GatewayWorkload] {
        ingress.workloads[cluster].filter { $0.matches(selector) }
    }
}

extension MeshGraph {
    /// The `ISTIO_META_ROUTER_MODE` the cluster's gateways run in when nothing is stated: the
    /// 1.1–1.4 Helm `gateways` values set `sni-dnat`; from istio/istio#18431 the charts set it only
    /// with `multiCluster.enabled` (1.5–1.7); from 1.8 (istio/istio#27775) gateways default to
    /// `standard` and the setting must be explicit; from 1.11 the variable is ignored (nil: not
    /// judged). An unknown release counts as 1.1–1.7.
    public func defaultRouterMode(in cluster: Int) -> String? {
        let f = facts[cluster]
        let multiCluster = f.isMultiClusterEnabled
        guard let v = f.istioRelease else {
            if f.installs.contains(where: { $0.resource == nil }) { return "sni-dnat" }
            return multiCluster ? "sni-dnat" : nil
        }
        if v < .v1_5 { return "sni-dnat" }
        if v < .v1_8 { return multiCluster ? "sni-dnat" : "standard" }
        return v > IstioVersion(major: 1, minor: 10) ? nil : "standard"
    }

    /// The SNI rewrite EnvoyFilters of `cluster` that reach one of `workloads`: their selector
    /// picks it (or is empty) and they sit in the root namespace or the workload's namespace.
    public func sniRewriteFilters(reaching workloads: [GatewayWorkload], in cluster: Int) -> [SNIRewriteFilter] {
        let root = TrafficIndex.rootNamespace(facts[cluster])
        return ingress.sniRewriteFilters[cluster].filter { f in
            workloads.contains { w in
                (f.resource.namespace == root || f.resource.namespace == w.namespace) && w.matches(f.selector)
            }
        }
    }
}
