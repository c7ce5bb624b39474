import MeshLintCore

/// MC703: in an ambient multi-network mesh, a Service's scope is not the same everywhere: it is
/// GLOBAL in some clusters holding it and not in others, it is called across clusters (a local
/// stub without workloads) but GLOBAL nowhere, its waypoint is not GLOBAL, or the clusters'
/// `meshConfig.serviceScopeConfigs` are missing or differ (warnings).
///
/// Istio behaviour relied upon (`pilot/pkg/serviceregistry/ambient/services.go`,
/// `multicluster.go`): with AMBIENT_ENABLE_MULTI_NETWORK istiod evaluates every cluster's
/// Services with its *own* mesh config's `serviceScopeConfigs` (label selectors over the Service
/// and its Namespace, `matchServiceScope`); a remote Service that is not GLOBAL is dropped, and a
/// local Service that is not GLOBAL is never merged with other clusters' endpoints. The ambient
/// profile selects `istio.io/global: "true"`; a mesh config without `serviceScopeConfigs` makes
/// every Service local. A waypoint Service must itself be global for a global Service's
/// cross-network traffic (ambient failover docs; istio/istio#58064).
struct AmbientServiceScopeRule: Rule {
    let code = "MC703"
    let reads: Set<String> = ["Service", "Namespace", "IstioOperator", "Istio", "ConfigMap", "Gateway"]
    var requiresReads: Bool { false }

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        guard graph.isAmbientMultiNetwork else { return [] }
        let members = graph.discoveryNetworks().flatMap(\.clusters).sorted()
        var out = scopeConfigFindings(graph.ambientPrimaries(), context)
        guard let scope = graph.meshServiceScope() else { return out }
        func global(_ s: Resource) -> Bool { graph.isGlobal(s, by: scope) }
        for (key, all) in graph.servicesByKey(in: members) {
            let svcs = all.filter { graph.scopeIsKnown($0, by: scope) }
            let globals = svcs.filter(global)
            if svcs.count >= 2, !globals.isEmpty, globals.count < svcs.count {
                for s in svcs where !global(s) {
                    let label = s.label(AmbientIndexLabels.global)
                    out.append(context.finding(
                        "Service \(key) is global (`istio.io/global: \"true\"`) in \(globals.map { context.clusterName($0.clusterIndex) }.joined(separator: ", ")) but \(label.map { "labelled `istio.io/global: \"\($0.value)\"`" } ?? "not labelled global") in \(context.clusterName(s.clusterIndex)): istiod merges a Service across clusters only where its local copy is global and drops remote copies that are not, so neither side reliably reaches the other's endpoints (an unsupported, mixed scope). Label it `istio.io/global: \"true\"` in every cluster, or in none.",
                        at: label?.node ?? s.metadata?.keyNode("labels") ?? s.nameNode, cluster: s.clusterIndex, resource: s,
                        related: globals.prefix(3).map { g in context.related("global in \(context.clusterName(g.clusterIndex))", at: g.label(AmbientIndexLabels.global)?.node ?? g.nameNode, cluster: g.clusterIndex) },
                        fieldPath: "metadata.labels.istio.io/global"))
                }
            } else if globals.isEmpty, svcs.count >= 2 {
                let served = svcs.filter { graph.hasWorkloads($0) == true }
                guard let server = served.first else { continue }
                for stub in svcs where graph.hasWorkloads(stub) == false && graph.dataPlane(stub.clusterIndex).hasAmbient {
                    out.append(context.finding(
                        "Service \(key) in \(context.clusterName(stub.clusterIndex)) selects no workload there while its pods run in \(served.map { context.clusterName($0.clusterIndex) }.joined(separator: ", ")), so its clients must cross clusters, but it is global in no cluster: with AMBIENT_ENABLE_MULTI_NETWORK istiod keeps a non-global Service local, and the calls find no endpoint. Label the Service `istio.io/global: \"true\"` in every cluster that holds it.",
                        at: stub.metadata?.keyNode("labels") ?? stub.nameNode, cluster: stub.clusterIndex, resource: stub,
                        related: [context.related("Service \(key) has its workloads in \(context.clusterName(server.clusterIndex))", at: server.nameNode, cluster: server.clusterIndex)],
                        fieldPath: "metadata.labels"))
                }
            }
            for s in globals where graph.dataPlane(s.clusterIndex).hasAmbient {
                if let f = waypointFinding(s, context, global: { labels, ns in scope.isGlobal(service: labels, namespace: graph.namespaceLabels(ns, in: s.clusterIndex)) }) {
                    out.append(f)
                }
            }
        }
        return out
    }

    /// A global Service whose waypoint's Service is not global (the Gateway's labels, which the
    /// deployment controller copies to the Service it renders, or a Service of that name).
    func waypointFinding(_ s: Resource, _ context: RuleContext, global: ([String: String], String) -> Bool) -> Finding? {
        let graph = context.graph, c = s.clusterIndex
        guard let use = graph.waypointUse(of: s), let key = use.key else { return nil }
        let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
        let gw = graph.ambient.waypoints[c][key]
        let svc = graph.services(namespace: parts[0], name: parts[1]).first { $0.clusterIndex == c }
        guard gw != nil || svc != nil else { return nil }
        var candidates: [([String: String], Resource, YAMLNode?)] = []
        if let g = gw?.resource {
            let infra = g.spec?.at("infrastructure", "labels")
            let labels = infra.map { n in Dictionary(n.pairs.compactMap { p in p.key.text.map { ($0, p.value.text ?? "") } }, uniquingKeysWith: { a, _ in a }) }
                ?? g.labels.mapValues(\.value)
            candidates.append((labels, g, infra.flatMap { _ in g.spec?["infrastructure"]?.keyNode("labels") } ?? g.metadata?.keyNode("labels")))
        }
        if let v = svc { candidates.append((v.labels.mapValues(\.value), v, v.metadata?.keyNode("labels"))) }
        guard !candidates.contains(where: { global($0.0, parts[0]) }) else { return nil }
        let (_, r, node) = candidates[0]
        return context.finding(
            "Service \(s.namespace)/\(s.name) in \(context.clusterName(c)) is global and uses waypoint \(key) (\(use.carrier.kind) label istio.io/use-waypoint), but the waypoint's Service is not global: ztunnels of other networks do not get the waypoint, so cross-network calls of the Service fail or skip its policy. Label the waypoint `istio.io/global: \"true\"` (its Gateway's labels are copied to the Service, or `kubectl label svc \(parts[1]) -n \(parts[0]) istio.io/global=true`), as the ambient failover guide does.",
            at: node ?? r.nameNode, cluster: c, resource: r,
            related: [context.related("Service \(s.namespace)/\(s.name) uses waypoint \(key) here", at: use.label.node, cluster: c)],
            fieldPath: "metadata.labels")
    }

    /// Missing or differing `serviceScopeConfigs` (warnings): judged where the whole mesh
    /// config is in the set (an IstioOperator control-plane install, the rendered `istio`
    /// ConfigMap, or Helm values that set `meshConfig`), or where the configs are stated.
    func scopeConfigFindings(_ ambient: [Int], _ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var out: [Finding] = []
        var stated: [Int] = []
        for c in ambient {
            let f = graph.facts[c], scope = graph.ambient.scope[c]
            if !scope.configs.isEmpty { stated.append(c); continue }
            let iop = f.installs.first { $0.resource != nil && !$0.isGatewayOnly }
            let helm = f.installs.first { $0.resource == nil && $0.root["meshConfig"] != nil }
            let anchor: (YAMLNode, Resource?)? = scope.source.map { ($0.node, $0.resource) } ?? iop.map { i in (i.spec?.keyNode("meshConfig") ?? i.root.keyNode("spec") ?? i.root, i.resource) }
                ?? helm.map { h in (h.root.keyNode("meshConfig")!, nil) }
                ?? f.rendered.meshConfigs.first.map { m in (m.resource.root.at("data")?.keyNode(m.key) ?? m.resource.nameNode, m.resource) }
            guard let (node, resource) = anchor else { continue }
            out.append(AmbientSupport.softened(context.finding(
                "ambient cluster \(context.clusterName(c)) has no meshConfig.serviceScopeConfigs (its install neither uses profile ambient nor sets them): istiod treats every Service as local, so `istio.io/global` labels do nothing and no Service is shared across networks. Use profile ambient, or set serviceScopeConfigs selecting `istio.io/global: \"true\"` with `scope: GLOBAL`.",
                at: node, cluster: c, resource: resource, fieldPath: "meshConfig.serviceScopeConfigs")))
        }
        let withConfigs = stated.filter { !graph.ambient.scope[$0].configs.isEmpty }
        var counts: [String: Int] = [:]
        for c in withConfigs { counts[graph.ambient.scope[c].canonical, default: 0] += 1 }
        guard counts.count > 1, let majority = withConfigs.map({ graph.ambient.scope[$0].canonical }).max(by: { counts[$0]! < counts[$1]! }) else { return out }
        let agreeing = withConfigs.filter { graph.ambient.scope[$0].canonical == majority }
        for c in withConfigs where graph.ambient.scope[c].canonical != majority {
            guard let src = graph.ambient.scope[c].source else { continue }
            out.append(AmbientSupport.softened(context.finding(
                "ambient cluster \(context.clusterName(c)) scopes Services differently (\(graph.ambient.scope[c].canonical)) from \(agreeing.map(context.clusterName).joined(separator: ", ")) (\(majority)): each istiod applies only its own serviceScopeConfigs to every cluster's Services, so the same Service is global for some clusters' clients and local for others'. Use the same serviceScopeConfigs in every cluster.",
                at: src.node, cluster: c, resource: src.resource,
                related: agreeing.prefix(3).compactMap { o in graph.ambient.scope[o].source.map { context.related("\(context.clusterName(o)) scopes Services here", at: $0.node, cluster: o) } },
                fieldPath: src.fieldPath)))
        }
        return out
    }
}

/// Label names the ambient rules read.
enum AmbientIndexLabels {
    static let global = "istio.io/global"
}
