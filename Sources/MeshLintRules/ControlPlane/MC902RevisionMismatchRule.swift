import MeshLintCore

/// MC902: revisions that do not line up across the clusters of one control plane: a remote
/// installed with a revision its primary does not run, expose-istiod SNI hosts that do not
/// match the remote's revision, and `istio.io/rev` namespace labels naming a revision or tag
/// that another cluster of the set has but the namespace's own cluster does not.
struct RevisionMismatchRule: Rule {
    let code = "MC902"
    let reads: Set<String> = ["IstioOperator", "Istio", "IstioRevisionTag", "Namespace", "MutatingWebhookConfiguration", "Deployment", "VirtualService"]
    let requiresReads = false

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        let cps = graph.controlPlane.clusters
        var out: [Finding] = []
        var reported = Set<YAMLNode>()

        for r in context.set.clusters.indices {
            guard let w = cps[r].remote, !graph.statesReleaseOlder(than: .v1_11, cluster: r) else { continue }
            let rName = context.clusterName(r)
            let rev = w.revision?.value ?? ""
            let revText = rev.isEmpty ? "the default revision" : "revision \(rev)"
            for p in graph.controlPlanes(ofRemote: r) where graph.describesControlPlane(p) {
                let pName = context.clusterName(p)
                let primaryRevs = cps[p].revisions.filter { $0.resource?.kind != "MutatingWebhookConfiguration" }
                guard !primaryRevs.isEmpty else { continue }
                if !primaryRevs.contains(where: { $0.value == rev }) {
                    let at = w.revision ?? w.role
                    let theirs = Set(primaryRevs.map { $0.value.isEmpty ? "default" : $0.value }).sorted().joined(separator: ", ")
                    let related = primaryRevs.prefix(3).map { context.related("\(pName) installs \($0.value.isEmpty ? "the default revision" : "revision \($0.value)") (\($0.source))", at: $0.node, cluster: p) }
                    out.append(context.finding(
                        "Remote \(rName) is installed with \(revText), but its control plane in \(pName) runs \(theirs): the remote's webhook and istiod Service are named \(IstiodExposure.serviceName(revision: rev)) while the injected proxies are told to reach \(IstiodExposure.serviceName(revision: primaryRevs[0].value)), so injection or proxy connections fail (#47552). Install the remote with the primary's revision (\(primaryRevs[0].value.isEmpty ? "no revision" : "revision: \(primaryRevs[0].value)")).",
                        at: at.node, cluster: r, resource: at.resource, related: Array(related), fieldPath: at.fieldPath))
                }
                // SNI: the remote's proxies call istiod[-rev].<ns>.svc through the primary's gateway.
                guard graph.istiodThroughGateway(remote: r, primary: p) != nil, cps[p].istiodTLSRoutes.isEmpty else { continue }
                let sni = IstiodExposure.sni(revision: rev, namespace: graph.facts[r].istioNamespace)
                for e in cps[p].istiodExposures {
                    let routes = e.routes(onPort: 15012)
                    let explicit = routes.flatMap(\.sniHosts)
                    guard !routes.isEmpty, !routes.contains(where: { $0.sniHosts.isEmpty }),
                          !explicit.contains(where: { Self.sniMatches($0.value, sni) }), let first = explicit.first,
                          reported.insert(first.node).inserted else { continue }
                    let vs = routes[0].virtualService
                    out.append(context.finding(
                        "VirtualService \(vs.namespace)/\(vs.name) in \(pName) matches istiod traffic on SNI \(explicit.map(\.value).joined(separator: ", ")), but the proxies of remote \(rName) (\(revText)) connect with SNI \(sni): the gateway finds no filter chain for them (filter_chain_not_found) and they never get configuration. Add \(sni) to sniHosts, or install the remote with the revision the hosts name.",
                        at: first.node, cluster: p, resource: vs, related: [context.related("\(rName) is installed with \(revText) (\(at(w).source))", at: at(w).node, cluster: r)],
                        fieldPath: "\(routes[0].fieldPath).match"))
                }
            }
        }

        // Revision tags pointing at a revision the cluster does not run (its installs, not its webhooks).
        for cp in cps {
            let installed = cp.revisions.filter { $0.resource?.kind != "MutatingWebhookConfiguration" }
            guard !installed.isEmpty else { continue }
            let names = Set(installed.map(\.value))
            for (tag, rev) in cp.tagTargets where !names.contains(rev) && reported.insert(tag.node).inserted {
                let have = names.map { $0.isEmpty ? "default" : $0 }.sorted().joined(separator: ", ")
                let fix = tag.resource.map { $0.is("IstioRevisionTag", group: "sailoperator.io") } == true
                    ? "Point spec.targetRef at an installed IstioRevision, or at the Istio resource (the tag then follows its active revision)."
                    : "Point the tag at an installed revision (istioctl tag set \(tag.value) --revision <rev> --overwrite)."
                out.append(context.finding(
                    "Revision tag \(tag.value) in \(context.clusterName(cp.cluster)) points at \(rev.isEmpty ? "the default revision" : "revision \(rev)"), which \(context.clusterName(cp.cluster)) does not install (it runs \(have)): the tag's webhook calls \(IstiodExposure.serviceName(revision: rev)), which does not exist, so pods in namespaces labelled istio.io/rev=\(tag.value) cannot be created or start without sidecars. \(fix)",
                    at: tag.node, cluster: cp.cluster, resource: tag.resource,
                    related: installed.prefix(2).map { context.related("\(context.clusterName(cp.cluster)) installs \($0.value.isEmpty ? "the default revision" : "revision \($0.value)") (\($0.source))", at: $0.node, cluster: cp.cluster) },
                    fieldPath: tag.fieldPath))
            }
        }

        // istio.io/rev labels: a revision or tag another cluster has but this one does not.
        var knownIn: [String: [(cluster: Int, source: Sourced<String>)]] = [:]
        for cp in cps {
            for s in cp.revisions where !s.value.isEmpty { knownIn[s.value, default: []].append((cp.cluster, s)) }
            for s in cp.revisionTags { knownIn[s.value, default: []].append((cp.cluster, s)) }
        }
        for cp in cps where !cp.revisions.isEmpty || cp.remote != nil {
            let c = cp.cluster
            for (ns, label) in cp.namespaceRevisions where label.value != "default" && !cp.knows(revision: label.value) {
                guard let elsewhere = knownIn[label.value]?.first(where: { $0.cluster != c }), reported.insert(label.node).inserted else { continue }
                let mine = Set(cp.revisions.map { $0.value.isEmpty ? "default" : $0.value } + cp.revisionTags.map(\.value)).sorted()
                out.append(context.finding(
                    "Namespace \(ns.name) in \(context.clusterName(c)) is labelled istio.io/rev: \(label.value), a revision of \(context.clusterName(elsewhere.cluster)), but \(context.clusterName(c)) installs no such revision or tag (it has \(mine.isEmpty ? "none" : mine.joined(separator: ", "))): no injection webhook of this cluster selects the namespace, so its pods start without sidecars. Label it with a revision or tag installed in \(context.clusterName(c)), or install that revision here.",
                    at: label.node, cluster: c, resource: ns,
                    related: [context.related("revision \(label.value) is installed in \(context.clusterName(elsewhere.cluster)) (\(elsewhere.source.source))", at: elsewhere.source.node, cluster: elsewhere.cluster)],
                    fieldPath: "metadata.labels.istio.io/rev"))
            }
        }
        return out
    }

    /// Where a remote's revision is stated (its revision, else what makes it a remote).
    func at(_ w: RemoteWiring) -> Sourced<String> { w.revision ?? w.role }

    /// True when a VirtualService `sniHosts` entry matches `sni` (exact, `*`, or a `*.` suffix;
    /// a host with the cluster domain appended matches the short form too).
    static func sniMatches(_ pattern: String, _ sni: String) -> Bool {
        if pattern == "*" || pattern == sni || pattern.hasPrefix(sni + ".") { return true }
        if pattern.hasPrefix("*.") { return sni.hasSuffix(String(pattern.dropFirst(1))) }
        return false
    }
}
