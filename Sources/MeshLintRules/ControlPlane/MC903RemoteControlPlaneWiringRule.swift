import MeshLintCore

/// MC903: a primary-remote or external control plane wired half-way. Per remote (profile
/// `remote`): no istiod address, an address the webhook cannot be called through, an injection
/// target that does not name the cluster, a missing `topology.istio.io/controlPlaneClusters`
/// annotation; per primary that leads remotes: `EXTERNAL_ISTIOD` off.
struct RemoteControlPlaneWiringRule: Rule {
    let code = "MC903"
    let reads: Set<String> = ["IstioOperator", "Istio", "Namespace", "MutatingWebhookConfiguration", "Deployment"]
    let requiresReads = false

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var out: [Finding] = []
        // Primaries that lead no remote because EXTERNAL_ISTIOD is off, with the remotes.
        var notLeading: [Int: [(remote: Int, node: YAMLNode)]] = [:]
        for r in context.set.clusters.indices {
            guard let w = graph.controlPlane.clusters[r].remote, !graph.statesReleaseOlder(than: .v1_11, cluster: r) else { continue }
            let name = context.clusterName(r)
            let planes = graph.controlPlanes(ofRemote: r)
            let primary = planes.first
            let primaryRelated = primary.flatMap { Self.anchor(of: $0, context) }.map { [$0] } ?? []

            if !w.isRendered {
                if w.remotePilotAddress == nil && w.injectionURL == nil {
                    out.append(context.finding(
                        "Remote \(name) (\(w.role.source)) sets neither global.remotePilotAddress nor istiodRemote.injectionURL: the chart renders no istiod Service for its proxies and webhook, so sidecars cannot reach a control plane and pod injection fails. Set values.global.remotePilotAddress to the address of the primary's east-west gateway (or istiod), as the primary-remote install page does.",
                        at: w.role.node, cluster: r, resource: w.role.resource, related: primaryRelated, fieldPath: nil))
                } else if let a = w.remotePilotAddress, w.injectionURL == nil, !w.localInjector, !Placeholder.isTemplate(a.value), !RemoteWiring.isIPLiteral(a.value) {
                    out.append(context.finding(
                        "remotePilotAddress \(a.value) of remote \(name) is a host name while injection goes through the in-cluster istiod Service (injectionPath): the chart then renders istiod as an ExternalName Service, and the API server refuses to call a webhook through one (\"unsupported service type ExternalName\"), so no pod in \(name) can be created with injection. Use the gateway's IP address, or set istiodRemote.injectionURL to https://\(a.value):15017/inject/cluster/<cluster>/net/<network>.",
                        at: a.node, cluster: r, resource: a.resource, related: primaryRelated, fieldPath: a.fieldPath))
                }
            }
            if !planes.isEmpty, !w.localInjector, !(w.injectionTarget.map { RemoteWiring.namesCluster($0.value) } ?? false), !(w.injectionTarget.map { Placeholder.isTemplate($0.value) } ?? false) {
                let id = graph.clusterID(r) ?? name
                let net = graph.networkName(r) ?? "<network>"
                let target = w.injectionTarget
                let what = target.map { "The injection \(w.injectionURL != nil ? "URL" : "path") \($0.value)" } ?? "The injection path (the chart default /inject)"
                out.append(context.finding(
                    "\(what) of remote \(name) names no cluster: istiod in \(context.clusterName(planes[0])) then injects \(name)'s sidecars with its own cluster ID and network, so they report the wrong cluster and istiod misroutes their traffic and endpoints. Set istiodRemote.injectionPath: /inject/cluster/\(id)/net/\(net) (or the same suffix on injectionURL).",
                    at: target?.node ?? w.role.node, cluster: r, resource: target?.resource ?? w.role.resource, related: primaryRelated,
                    fieldPath: target?.fieldPath))
            }

            // Leading: the primary must be named by the remote's annotation and run EXTERNAL_ISTIOD.
            // A config cluster is the external istiod's own cluster and needs neither.
            guard !graph.controlPlane.configClusters.contains(r), !planes.isEmpty, let ns = graph.istioNamespaceObject(r) else { continue }
            let ann = "topology.istio.io/controlPlaneClusters"
            guard let a = ns.annotation(ann) else {
                let ids = planes.map { graph.clusterID($0) ?? context.clusterName($0) }
                out.append(context.finding(
                    "Namespace \(ns.name) of remote \(name) has no annotation \(ann): istiod in \(ids.joined(separator: ", ")) leads a remote only when this annotation lists its cluster ID (or *), so it never patches the caBundle of \(name)'s injection webhook nor writes istio-ca-root-cert there, and injection and proxy start-up fail. Annotate it: kubectl annotate namespace \(ns.name) \(ann)=\(ids[0]).",
                    at: ns.nameNode, cluster: r, resource: ns, related: primaryRelated, fieldPath: "metadata.annotations"))
                continue
            }
            let names = a.value.split(separator: ",").map { String($0).filter { $0 != " " } }
            var leaders: [Int] = []
            if names.contains("*") {
                leaders = planes
            } else {
                for n in names { for t in graph.istiodClusters(named: n) where t != r && !leaders.contains(t) { leaders.append(t) } }
            }
            let known = names.contains("*") || names.contains { graph.cluster(referencedAs: $0) != nil }
            let leadingPlanes = leaders.filter { graph.discovery.role($0) == .primary || (graph.controlPlane.clusters[$0].remote == nil && graph.describesControlPlane($0)) }
            if known && leadingPlanes.isEmpty {
                // An external istiod named by its own cluster's name: it runs with its config cluster's ID.
                let external = names.compactMap { graph.cluster(referencedAs: $0) }.compactMap { t in
                    graph.identity.configClusterLinks[t].lazy.compactMap(\.target).first.map { (t, $0) }
                }.first
                let hint = external.map { "istiod in \(context.clusterName($0.0)) runs with its config cluster's ID \(graph.clusterID($0.1) ?? context.clusterName($0.1)), so the annotation must name that" }
                    ?? "Name the primary's cluster ID"
                out.append(context.finding(
                    "Annotation \(ann): \(a.value) of remote \(name) names no cluster whose istiod runs its control plane\(planes.isEmpty ? "" : " (its control plane is \(planes.map { context.clusterName($0) }.joined(separator: ", ")))"): no istiod leads \(name), so the caBundle of its injection webhook is never patched and istio-ca-root-cert is never written, and injection fails. \(hint).",
                    at: a.node, cluster: r, resource: ns, related: primaryRelated, fieldPath: "metadata.annotations.\(ann)"))
                continue
            }
            if !leadingPlanes.isEmpty, !leadingPlanes.contains(where: { !graph.controlPlane.clusters[$0].externalIstiod.isEmpty }) {
                for p in leadingPlanes where graph.describesControlPlane(p) { notLeading[p, default: []].append((r, a.node)) }
            }
        }
        for (p, remotes) in notLeading.sorted(by: { $0.key < $1.key }) {
            guard let at = Self.externalIstiodAnchor(p, context) else { continue }
            let names = remotes.map { context.clusterName($0.remote) }.joined(separator: ", ")
            let related = remotes.map { context.related("\(context.clusterName($0.remote)) names \(context.clusterName(p)) as its control plane", at: $0.node, cluster: $0.remote) }
            out.append(context.finding(
                "istiod in \(context.clusterName(p)) runs the control plane of remote \(names) but \(at.what): without EXTERNAL_ISTIOD=true istiod never leads a remote cluster, so it does not patch the remote's injection webhook caBundle nor write istio-ca-root-cert there, and injection and proxy start-up fail there. Set values.global.externalIstiod: true (or pilot env EXTERNAL_ISTIOD: \"true\").",
                at: at.node, cluster: p, resource: at.resource, related: related, fieldPath: at.fieldPath))
        }
        return out
    }

    /// Where a primary's EXTERNAL_ISTIOD is reported: a place that sets it to false, else the
    /// `global` values of its control-plane install, else its istiod Deployment's env.
    static func externalIstiodAnchor(_ p: Int, _ context: RuleContext) -> (node: YAMLNode, what: String, resource: Resource?, fieldPath: String?)? {
        let cp = context.graph.controlPlane.clusters[p]
        if let off = cp.externalIstiodOff.first {
            return (off.node, "\(off.source) is \(off.value)", off.resource, off.fieldPath)
        }
        let f = context.graph.facts[p]
        for i in f.installs where !i.isGatewayOnly {
            let prefix = i.resource == nil ? "" : "spec.values."
            if let v = i.values, let k = v.keyNode("global") {
                return (k, "\(i.label) does not set \(prefix)global.externalIstiod", i.resource, "\(prefix)global")
            }
            if let k = i.spec?.keyNode("values") ?? i.resource?.root.keyNode("spec") {
                return (k, "\(i.label) does not set spec.values.global.externalIstiod", i.resource, "spec.values")
            }
        }
        for d in f.rendered.istiods {
            if let c = d.templateSpec?["containers"]?.items.first(where: { $0["name"]?.scalarEquals("discovery") == true }),
               let env = c.keyNode("env") ?? c.keyNode("name") {
                return (env, "Deployment \(d.namespace)/\(d.name) has no env EXTERNAL_ISTIOD", d, "spec.template.spec.containers")
            }
        }
        return nil
    }

    /// A related location naming the primary (its clusterName, else its install).
    static func anchor(of p: Int, _ context: RuleContext) -> RelatedLocation? {
        let f = context.graph.facts[p]
        if let c = f.clusterName.primary {
            return context.related("\(context.clusterName(p)) runs this remote's control plane (\(c.source))", at: c.node, cluster: p)
        }
        if let e = context.graph.controlPlane.clusters[p].externalIstiod.first {
            return context.related("\(context.clusterName(p)) runs this remote's control plane (\(e.source))", at: e.node, cluster: p)
        }
        if let i = f.installs.first(where: { !$0.isGatewayOnly }) {
            return context.related("\(context.clusterName(p)) runs this remote's control plane (\(i.label))", at: i.resource?.nameNode ?? i.root, cluster: p)
        }
        return nil
    }
}
