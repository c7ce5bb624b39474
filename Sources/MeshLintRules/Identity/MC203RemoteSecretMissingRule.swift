import MeshLintCore

/// MC203: a primary holds no remote secret for a cluster it must discover (multi-primary: every
/// other cluster; primary-remote and shared control plane: its remotes). One finding per
/// primary, at its clusterName, listing the missing clusters.
struct RemoteSecretMissingRule: Rule {
    let code = "MC203"
    let reads: Set<String> = ["Secret", "IstioOperator", "Istio", "ConfigMap", "Namespace"]
    let requiresReads = false

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let plan = graph.discovery
        var out: [Finding] = []
        for p in context.set.clusters.indices {
            let missing = plan.missing(from: p)
            guard !missing.isEmpty else { continue }
            let f = graph.facts[p]
            let name = context.clusterName(p)
            let targets = missing.map { Self.id(of: $0.target, context) }
            var related: [RelatedLocation] = []
            for m in missing {
                let t = m.target
                if let a = Self.anchor(t, context) {
                    related.append(context.related("\(a.what) of \(context.clusterName(t)), which \(name) must discover", at: a.node, cluster: t))
                }
                for k in m.nearMisses {
                    related.append(context.related("key \(k.name.value) names no cluster (MC202); it looks meant for \(Self.id(of: t, context))", at: k.name.node, cluster: p))
                }
            }
            let list = targets.joined(separator: ", ")
            let why: String
            switch (plan.isMultiPrimary, missing.allSatisfy { $0.reason == .remoteWithoutStatedPrimary }) {
            case (true, _):
                why = "in a multi-primary mesh every primary's istiod must watch every other cluster's API server"
            case (false, true):
                why = "no primary holds one, and nothing states which primary runs \(missing.count == 1 ? "this remote's" : "these remotes'") control plane (remotePilotAddress, topology.istio.io/controlPlaneClusters)"
            default:
                let reasons = missing.compactMap { m in plan.controlPlanes[m.target].first { $0.primary == p }.map { "\(context.clusterName(m.target)): \($0.reason)" } }
                why = "\(missing.count == 1 ? "it is a remote" : "they are remotes") of this control plane" + (reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))")
            }
            guard let node = Self.anchor(p, context)?.node else { continue }
            let install = f.installs.first { $0.values?.at("global", "multiCluster", "clusterName") == node } ?? f.installs.first { !$0.isGatewayOnly }
            let fieldPath = install.map { $0.resource == nil ? "global.multiCluster.clusterName" : "spec.values.global.multiCluster.clusterName" }
            out.append(context.finding(
                "Primary \(name) holds no remote secret for \(list): \(why); without one, istiod in \(name) never learns \(missing.count == 1 ? list + "'s" : "their") services and endpoints, so its proxies cannot reach them. \(Self.fix(p, targets, context))",
                at: node, cluster: p, resource: install?.resource, related: related, fieldPath: fieldPath))
        }
        return out
    }

    /// The cluster ID other clusters use for `c`.
    static func id(of c: Int, _ context: RuleContext) -> String {
        context.graph.clusterID(c) ?? context.clusterName(c)
    }

    /// Where a cluster is identified: its clusterName, else what makes it a remote, else its
    /// install, else the manifest entry, else a remote secret it holds.
    static func anchor(_ c: Int, _ context: RuleContext) -> (node: YAMLNode, what: String)? {
        let graph = context.graph
        let f = graph.facts[c]
        if let cn = graph.identity.clusterID(c, facts: f) { return (cn.node, cn.fromInjectionPath ? "injection path" : "clusterName") }
        if let role = graph.discovery.roles[c], role.kind == .remote, let n = role.node { return (n, role.source) }
        if let i = f.installs.first(where: { !$0.isGatewayOnly }) ?? f.installs.first {
            let n = i.values?.at("global")?.keyNode("multiCluster") ?? i.values?.keyNode("global") ?? i.spec?.keyNode("values")
                ?? i.root.keyNode("spec") ?? i.resource?.nameNode ?? i.root
            return (n, i.label)
        }
        if let d = context.set.clusters[c].declaration { return (d.name.node, "manifest entry") }
        if let s = graph.identity.remoteSecrets(in: c).first { return (s.resource.nameNode, "remote secret \(s.resource.name)") }
        return nil
    }

    /// How to create the secrets, in the holder's Istio era.
    static func fix(_ p: Int, _ targets: [String], _ context: RuleContext) -> String {
        let graph = context.graph
        let ns = graph.facts[p].istioNamespace
        let one = targets.count == 1
        let t = one ? targets[0] : "<cluster>"
        let ctx = one ? "<\(t)>" : "<cluster>"
        let each = one ? "" : " for each of them"
        if graph.identity.legacyEra[p] {
            return "Create it\(each) in \(ns) from a kubeconfig of the istio-multi service account: kubectl create secret generic \(t) --from-file \(t)=<kubeconfig> -n \(ns), then kubectl label secret \(t) istio/multiCluster=true -n \(ns)."
        }
        if let v = graph.identity.versions[p], v < (1, 8) {
            return "Create it\(each): istioctl x create-remote-secret --name \(t) --context=\(ctx) | kubectl apply -n \(ns) -f - --context=<\(context.clusterName(p))>."
        }
        return "Create it\(each): istioctl create-remote-secret --context=\(ctx) --name=\(t) | kubectl apply -f - --context=<\(context.clusterName(p))>."
    }
}
