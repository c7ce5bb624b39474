import MeshLintCore

/// MC301: `multiCluster.clusterName` missing while endpoint discovery is on, duplicated, not a
/// DNS-1123 label, or different from the name other places use for the cluster (remote secret
/// keys, meshNetworks `fromRegistry`, `controlPlaneClusters`, the manifest, the remote's
/// injection path).
struct ClusterNameMismatchRule: Rule {
    let code = "MC301"
    let reads: Set<String> = ["IstioOperator", "Istio", "ZTunnel", "Secret", "ConfigMap", "Namespace"]
    let requiresReads = false

    static let dns1123 = PCRE(literal: #"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"#)

    static func isDNSLabel(_ s: String) -> Bool { s.utf8.count <= 63 && dns1123.matches(s) }

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let id = graph.identity
        let multi = context.set.clusters.count > 1
        var out: [Finding] = []
        var reportedNodes = Set<YAMLNode>()

        // Secrets whose keys already name their target by its clusterName: their annotation and
        // name are cosmetic and not held against the target.
        var keyedByClusterName = Set<Int>()
        for r in id.references where r.kind == .secretKey && r.resolution == .clusterName {
            if let s = r.secret { keyedByClusterName.insert(s) }
        }

        for c in context.set.clusters.indices {
            let f = graph.facts[c]
            let setName = context.clusterName(c)
            let refs = id.references(to: c).filter { $0.resolution == .setName || $0.resolution == .clusterName }
            guard let cid = id.clusterID(c, facts: f) else {
                if let finding = missing(context, c, refs) { out.append(finding) }
                continue
            }
            let cn = Located(cid.value, cid.node)
            guard reportedNodes.insert(cn.node).inserted, !Placeholder.isTemplate(cn.value) else { continue }   // shared install: once
            var reasons: [String] = []
            var related: [RelatedLocation] = []
            var consequences: [String] = []
            var suggestedName: String?

            // Names other places use for this cluster.
            let mismatched = refs.filter { r in
                guard r.resolution == .setName, r.name.value != cn.value else { return false }
                if !r.isFunctional, let s = r.secret, keyedByClusterName.contains(s) { return false }
                return true
            }
            if !mismatched.isEmpty {
                var byName: [String: [ClusterReference]] = [:]
                for r in mismatched { byName[r.name.value, default: []].append(r) }
                let sortedNames = byName.keys.sorted { byName[$0]!.count != byName[$1]!.count ? byName[$0]!.count > byName[$1]!.count : $0 < $1 }
                suggestedName = sortedNames.first
                for name in sortedNames {
                    let group = byName[name]!
                    let holders = Array(Set(group.map { context.clusterName($0.holder) })).sorted()
                    let kinds = Array(Set(Self.preferFunctional(group).map { Self.describe($0.kind) + "s" })).sorted()
                    let who = holders.count > 3 ? "\(holders.count) clusters (\(holders.prefix(3).joined(separator: ", ")), ...)" : holders.joined(separator: ", ")
                    reasons.append("\(who) call\(holders.count == 1 ? "s" : "") it \(name) (\(kinds.joined(separator: ", ")))")
                    for r in Self.preferFunctional(group) {
                        related.append(context.related("\(Self.describe(r.kind)) \(name) in \(context.clusterName(r.holder))", at: r.name.node, cluster: r.holder))
                    }
                }
                consequences.append("istiod in the other clusters registers its endpoints under a cluster ID its own proxies do not report, so topology.istio.io/cluster subsets, cluster-local services and meshNetworks miss them")
            }
            if let d = context.set.clusters[c].declaration, d.name.value != cn.value {
                reasons.append("the manifest names it \(d.name.value)")
                related.append(context.related("manifest name \(d.name.value)", at: d.name.node, cluster: c))
                if suggestedName == nil { suggestedName = d.name.value }
            }
            let injection = id.injectionPaths[c]
            let injectionMismatch = !cid.fromInjectionPath && (injection.flatMap { p in p.cluster.map { $0 != cn.value } } ?? false)
            if injectionMismatch, let p = injection {
                if reasons.isEmpty && Self.isDNSLabel(cn.value) {
                    // The clusterName agrees with everything else: the injection path is the odd one out.
                    out.append(context.finding(
                        "The remote's \(p.fieldPath) \(p.value) injects sidecars for cluster \(p.cluster!), but its clusterName is \(cn.value); the sidecars report the wrong cluster ID and istiod cannot match them to this cluster's registry. Use /inject/cluster/\(cn.value)/net/<network>.",
                        at: p.node, cluster: c, resource: f.installs.first(where: { $0.values?.at("istiodRemote") != nil })?.resource,
                        related: [context.related("clusterName \(cn.value)", at: cn.node, cluster: c)], fieldPath: p.fieldPath))
                } else {
                    reasons.append("its \(p.fieldPath) says cluster \(p.cluster!)")
                    related.append(context.related("injection path \(p.value)", at: p.node, cluster: c))
                }
            }
            // `Kubernetes` is the ID istiod and the charts use when none is set (a rendered
            // gateway's ISTIO_META_CLUSTER_ID says it): it only needs to be a Secret name once
            // another cluster names this one.
            if !Self.isDNSLabel(cn.value) && !(cn.value == Self.defaultClusterID && refs.isEmpty) {
                reasons.insert("it is not a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)", at: 0)
                consequences.append("istioctl create-remote-secret refuses it and Kubernetes rejects a Secret named istio-remote-secret-\(cn.value)")
                for r in Self.preferFunctional(refs.filter { $0.name.value == cn.value }) {
                    related.append(context.related("\(Self.describe(r.kind)) \(cn.value) in \(context.clusterName(r.holder))", at: r.name.node, cluster: r.holder))
                }
                if !injectionMismatch, !cid.fromInjectionPath, let p = injection, p.cluster == cn.value {
                    related.append(context.related("injection path \(p.value)", at: p.node, cluster: c))
                }
                if suggestedName == nil { suggestedName = Self.dnsLabel(from: cn.value) }
            }
            // The same clusterName in another cluster.
            let twins = id.names.clusters(withClusterName: cn.value).filter { $0 != c }
            if !twins.isEmpty {
                let group = ([c] + twins).sorted()
                let shared = twins.allSatisfy { id.clusterID($0, facts: graph.facts[$0])?.node == cn.node }
                let keeper = group.first { context.clusterName($0) == cn.value } ?? group[0]
                if shared {
                    reasons.append("it is set in a file shared by \(group.map(context.clusterName).joined(separator: ", ")), so every one of them gets the same ID")
                    consequences.append("istiod keeps only the first cluster registered under an ID (\"cluster has already been registered\") and silently ignores the others")
                } else if c != keeper {
                    reasons.append("it is also the clusterName of \(twins.map(context.clusterName).joined(separator: ", "))")
                    consequences.append("istiod keeps only the first cluster registered under an ID (\"cluster has already been registered\") and silently ignores the other")
                    for t in twins {
                        if let n = id.clusterID(t, facts: graph.facts[t])?.node {
                            related.append(context.related("clusterName \(cn.value) of \(context.clusterName(t))", at: n, cluster: t))
                        }
                    }
                    if suggestedName == nil { suggestedName = setName }
                }
            }
            if !reasons.isEmpty {
                let fix = suggestedName.map { "Use one name everywhere, e.g. clusterName: \($0), and regenerate the remote secrets with that --name." }
                    ?? "Use one unique name everywhere and regenerate the remote secrets with that --name."
                let why = consequences.isEmpty ? "" : "; " + consequences.joined(separator: "; ")
                out.append(context.finding(
                    "\(cid.fromInjectionPath ? "The injection path cluster" : "clusterName") \(cn.value) of cluster \(setName): \(reasons.joined(separator: "; "))\(why). \(fix)",
                    at: cn.node, cluster: c, resource: install(f, cn.node)?.resource ?? f.clusterName.primary?.resource, related: Self.unique(related),
                    fieldPath: cid.fromInjectionPath ? injection?.fieldPath : install(f, cn.node).map { $0.resource == nil ? "global.multiCluster.clusterName" : "spec.values.global.multiCluster.clusterName" } ?? f.clusterName.primary?.fieldPath))
            }
            // A Sail ZTunnel without a cluster ID runs with istiod's default, Kubernetes (the
            // operator fills nothing in; a Helm user may still pass --set outside the set).
            if cn.value != Self.defaultClusterID {
                for z in graph.resources("ZTunnel", in: c) where ZtunnelValues.isSailZTunnel(z)
                    && z.spec?.at("values", "ztunnel", "multiCluster", "clusterName")?.text?.isEmpty ?? true {
                    let (at, path) = Self.ztunnelAnchor(z)
                    guard reportedNodes.insert(at).inserted else { continue }
                    out.append(context.finding(
                        "Sail ZTunnel \(z.name) of cluster \(setName) sets no spec.values.ztunnel.multiCluster.clusterName, so ztunnel reports istiod's default cluster ID Kubernetes while istiod runs the cluster as \(cn.value); ztunnel sends that ID with its certificate requests and istiod's CA checks them against the pods of the cluster of that ID (\"no node authorizer for cluster Kubernetes\"), so ztunnel gets no certificates for the node's ambient pods. Set spec.values.ztunnel.multiCluster.clusterName: \(cn.value).",
                        at: at, cluster: c, resource: z, related: [context.related("clusterName \(cn.value)", at: cn.node, cluster: c)],
                        fieldPath: path))
                }
            }
            // Other installs of the same cluster that set another clusterName.
            for other in f.clusterName.sources.dropFirst() where other.value != cn.value && !Placeholder.isTemplate(other.value)
                && reportedNodes.insert(other.node).inserted {
                let why = ZtunnelValues.isZtunnelStatement(other)
                    ? "ztunnel sends that cluster ID with its certificate requests, and istiod's CA checks them against the pods of the cluster of that ID (\"no node authorizer for cluster \(other.value)\"), so ztunnel gets no certificates for the node's ambient pods and they cannot reach the mesh"
                    : "the components installed from it report a different cluster ID"
                out.append(context.finding(
                    "\(other.source) sets clusterName \(other.value), but the cluster's control plane install says \(cn.value); \(why). Use \(cn.value) in both.",
                    at: other.node, cluster: c, resource: install(f, other.node)?.resource ?? other.resource,
                    related: [context.related("clusterName \(cn.value)", at: cn.node, cluster: c)],
                    fieldPath: install(f, other.node).map { $0.resource == nil ? "global.multiCluster.clusterName" : "spec.values.global.multiCluster.clusterName" } ?? other.fieldPath))
            }
        }

        // An external control plane runs with its config cluster's ID: istiod's CLUSTER_ID must
        // be the name the config cluster's proxies report (its clusterName or injection path).
        for c in context.set.clusters.indices {
            for link in id.configClusterLinks[c] {
                guard let t = link.target, t != c, let want = id.clusterID(t, facts: graph.facts[t]) else { continue }
                for env in graph.facts[c].istiodEnv["CLUSTER_ID"] ?? [] where env.value != want.value && !env.value.isEmpty
                    && !Placeholder.isTemplate(env.value) && reportedNodes.insert(env.node).inserted {
                    out.append(context.finding(
                        "\(env.source) is \(env.value), but the config cluster this istiod runs against (\(link.resource.namespace)/\(link.resource.name), \(context.clusterName(t))) is \(want.value) for its proxies (\(want.fromInjectionPath ? "injection path" : "clusterName")); istiod then files that cluster's endpoints under \(env.value) while the sidecars report \(want.value), so cluster-local routing, topology.istio.io/cluster subsets and locality miss them. Set CLUSTER_ID to \(want.value).",
                        at: env.node, cluster: c, resource: env.resource,
                        related: [context.related("\(want.fromInjectionPath ? "injection path" : "clusterName") of \(context.clusterName(t))", at: want.node, cluster: t)],
                        fieldPath: env.fieldPath))
                }
            }
        }

        // References that name no cluster at all (remote secrets are MC202's business).
        if multi {
            let candidates = id.names.allNames
            var seen = Set<YAMLNode>()
            for r in id.references where r.kind == .fromRegistry || r.kind == .controlPlaneClusters {
                guard seen.insert(r.name.node).inserted || r.kind == .controlPlaneClusters else { continue }
                let cluster: Int? = r.resource?.isShared == true ? nil : r.holder
                if r.resolution == .defaultRegistryName {
                    let holderFacts = graph.facts[r.holder]
                    if !id.acceptsDefaultRegistryName(r.holder, facts: holderFacts), let cn = holderFacts.clusterName.primary {
                        out.append(context.finding(
                            "meshNetworks fromRegistry Kubernetes names istiod's default cluster ID, but since Istio 1.8 istiod registers \(context.clusterName(r.holder)) under its clusterName \(cn.value), so network \(r.network?.value ?? "?") gets no endpoints from it. Write fromRegistry: \(cn.value).",
                            at: r.name.node, cluster: cluster, resource: r.resource,
                            related: [context.related("clusterName \(cn.value)", at: cn.node, cluster: r.holder)], fieldPath: r.fieldPath))
                    }
                    continue
                }
                guard r.target == nil, !r.ambiguous, r.resolution == nil else { continue }
                // `controlPlaneClusters: "a,b"`: istiod leads the remote when any listed ID is its
                // own (multicluster.go checkShouldLead); a further name may be a primary outside
                // the set. Only a list where no name resolves leaves the remote unled.
                if r.kind == .controlPlaneClusters,
                   id.references.contains(where: { $0.kind == .controlPlaneClusters && $0.name.node == r.name.node && $0.target != nil }) {
                    continue
                }
                var pool = candidates
                if r.kind == .fromRegistry { pool.append("Kubernetes") }
                let suggestion = Suggest.nearest(r.name.value, in: pool)
                var related: [RelatedLocation] = []
                if let s = suggestion, let n = RemoteSecretUnknownClusterRule.nameNode(s, graph) {
                    related.append(context.related("\(s) is defined here", at: n.node, cluster: n.cluster))
                }
                let hint = suggestion.map { " Did you mean \($0)?" } ?? ""
                let message = r.kind == .fromRegistry
                    ? "meshNetworks network \(r.network?.value ?? "?") lists fromRegistry \(r.name.value), but no cluster has that clusterName or name and no remote secret has that key, so no endpoints are put on that network (their traffic goes to unreachable pod IPs). Use the target cluster's clusterName.\(hint)"
                    : "Annotation topology.istio.io/controlPlaneClusters names \(r.name.value), but no cluster of the set has that clusterName or name, so this remote's control plane is not identified. Use the primary's clusterName.\(hint)"
                out.append(context.finding(message, at: r.name.node, cluster: cluster, resource: r.resource,
                                           related: related, fieldPath: r.fieldPath))
            }
        }
        return out
    }

    /// clusterName missing while the mesh discovers endpoints across clusters.
    private func missing(_ context: RuleContext, _ c: Int, _ refs: [ClusterReference]) -> Finding? {
        let graph = context.graph
        let id = graph.identity
        let f = graph.facts[c]
        guard id.usesEndpointDiscovery, !id.legacyEra[c],
              let install = f.installs.first(where: { !$0.isGatewayOnly }) else { return nil }
        // istiod's CLUSTER_ID set directly in its env (the external control plane page sets it
        // to the config cluster's name in `components.pilot.k8s.env`).
        if f.istiodEnv["CLUSTER_ID"]?.contains(where: { !$0.value.isEmpty }) == true { return nil }
        // A cluster that only calls others through `.global` gateways in a mixed set, and that
        // nothing refers to, does not take part in endpoint discovery.
        let participates = !refs.isEmpty || !id.remoteSecrets(in: c).isEmpty || f.role == .remote
            || context.set.clusters[c].declaration?.role != nil || !graph.deploymentModel(c).contains(.replicatedGateways)
        guard participates else { return nil }
        let anchor = install.values?.at("global")?.keyNode("multiCluster")
            ?? install.values?.keyNode("global")
            ?? install.spec?.keyNode("values")
            ?? install.root.keyNode("spec")
            ?? install.resource?.nameNode
            ?? install.root
        let usedNames = Array(Set(refs.map(\.name.value))).sorted()
        let name = usedNames.first ?? id.injectionPaths[c]?.cluster ?? context.clusterName(c)
        var related: [RelatedLocation] = []
        for r in Self.preferFunctional(refs) {
            related.append(context.related("\(Self.describe(r.kind)) \(r.name.value) in \(context.clusterName(r.holder))", at: r.name.node, cluster: r.holder))
        }
        let others = usedNames.isEmpty ? "" : " (other clusters call it \(usedNames.joined(separator: ", ")))"
        return context.finding(
            "Cluster \(context.clusterName(c)) has no values.global.multiCluster.clusterName although the mesh discovers endpoints across clusters\(others); istiod and its proxies then use the default ID Kubernetes, which matches no remote secret key or fromRegistry and collides with every other cluster left at the default. Set multiCluster.clusterName: \(name).",
            at: anchor, cluster: c, resource: install.resource, related: related,
            fieldPath: install.resource == nil ? "global.multiCluster.clusterName" : "spec.values.global.multiCluster.clusterName")
    }

    /// The install stating `node` (its clusterName or injection path).
    private func install(_ f: ClusterFacts, _ node: YAMLNode) -> InstallSource? {
        f.installs.first { i in
            i.values?.at("global", "multiCluster", "clusterName") == node
                || i.values?.at("istiodRemote", "injectionPath") == node || i.values?.at("istiodRemote", "injectionURL") == node
        }
    }

    static func describe(_ k: ClusterReference.Kind) -> String {
        switch k {
        case .secretKey: return "remote secret key"
        case .secretAnnotation: return "remote secret annotation"
        case .secretName: return "remote secret name"
        case .fromRegistry: return "meshNetworks fromRegistry"
        case .controlPlaneClusters: return "controlPlaneClusters annotation"
        }
    }

    /// Functional references first; informational ones only for secrets without a functional one.
    static func preferFunctional(_ refs: [ClusterReference]) -> [ClusterReference] {
        let functionalSecrets = Set(refs.filter { $0.isFunctional }.compactMap(\.secret))
        return refs.filter { $0.isFunctional || !($0.secret.map(functionalSecrets.contains) ?? false) }
    }

    static func unique(_ rel: [RelatedLocation]) -> [RelatedLocation] {
        var seen = Set<RelatedLocation>()
        return rel.filter { seen.insert($0).inserted }
    }

    /// Where a Sail ZTunnel's cluster ID belongs: the deepest of `spec.values.ztunnel`,
    /// `spec.values`, `spec` that exists.
    static func ztunnelAnchor(_ z: Resource) -> (YAMLNode, String) {
        if let k = z.spec?["values"]?["ztunnel"]?.keyNode("multiCluster") { return (k, "spec.values.ztunnel.multiCluster") }
        if let k = z.spec?["values"]?.keyNode("ztunnel") { return (k, "spec.values.ztunnel") }
        if let k = z.spec?.keyNode("values") { return (k, "spec.values") }
        return (z.root.keyNode("spec") ?? z.nameNode, "spec")
    }

    /// The cluster ID istiod uses when no clusterName is set.
    static let defaultClusterID = "Kubernetes"

    /// A DNS-1123 label close to `s` (lowercased, `_`/`.` → `-`).
    static func dnsLabel(from s: String) -> String {
        var t = String(s.lowercased().map { ($0 == "_" || $0 == "." || $0 == " ") ? "-" : $0 }.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        while t.hasPrefix("-") { t.removeFirst() }
        while t.hasSuffix("-") { t.removeLast() }
        return String(t.prefix(63))
    }
}
