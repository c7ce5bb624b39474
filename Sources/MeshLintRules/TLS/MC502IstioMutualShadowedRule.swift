import MeshLintCore

/// MC502: a DestinationRule for a cross-cluster host takes precedence over an `ISTIO_MUTUAL`
/// rule (usually the `*.global` one) without setting `ISTIO_MUTUAL` itself; Istio applies only
/// the most specific rule, so the host loses mTLS.
struct IstioMutualShadowedRule: Rule {
    let code = "MC502"
    let reads: Set<String> = ["ServiceEntry", "DestinationRule", "IstioOperator", "Istio"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<YAMLNode>()
        let graph = context.graph
        for c in context.set.clusters.indices {
            for gap in graph.crossClusterTLSGaps(in: c) {
                guard let applied = gap.applied, let hidden = gap.shadowed else { continue }
                let anchor = applied.tlsNode
                guard seen.insert(anchor).inserted else { continue }
                let r = applied.resource
                let what = applied.tlsMode.map { "sets `tls.mode: \($0.value)`" } ?? "has no `tls` setting"
                let order = applied.namespace == hidden.namespace
                    ? "is more specific than `\(hidden.host.value)`"
                    : "is found first (namespace \(applied.namespace) is searched before \(hidden.namespace))"
                let hiddenAt = hidden.implied?.cause ?? hidden.tlsNode
                var related = [context.related("\(hidden.display) sets ISTIO_MUTUAL but is ignored for \(gap.host.host.value)", at: hiddenAt, cluster: c)]
                related.append(context.related("\(context.clusterName(c)) calls \(gap.host.host.value) through ServiceEntry \(gap.entry.resource.namespace)/\(gap.entry.resource.name)",
                                               at: gap.host.host.node, cluster: c))
                out.append(context.finding(
                    "DestinationRule \(r.namespace)/\(r.name) for \(applied.host.value) \(what) and \(order), so Istio applies it instead of \(hidden.display); clients in \(gap.client) then reach the remote gateway's AUTO_PASSTHROUGH port without Istio mTLS and calls fail. Add `trafficPolicy.tls.mode: ISTIO_MUTUAL` to this rule.",
                    at: anchor, cluster: r.isShared ? nil : c, resource: r, related: related,
                    fieldPath: applied.tlsMode != nil ? "spec.trafficPolicy.tls.mode" : "spec.host"))
            }
        }
        return out
    }
}
