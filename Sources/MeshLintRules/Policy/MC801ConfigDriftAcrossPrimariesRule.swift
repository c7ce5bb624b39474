import MeshLintCore

/// MC801: in a multi-primary mesh each istiod reads Istio config only from its own cluster, so
/// a VirtualService, DestinationRule, PeerAuthentication or AuthorizationPolicy that exists in
/// some primaries only, or differs between them, makes the same call behave differently
/// depending on the cluster it starts from (or lands in).
struct ConfigDriftAcrossPrimariesRule: Rule {
    let code = "MC801"
    let reads: Set<String> = ["VirtualService", "DestinationRule", "PeerAuthentication", "AuthorizationPolicy"]

    /// Findings per resource for differing copies; the last one counts the rest.
    static let maxCopies = 10
    /// Differences named in one message.
    static let maxFields = 5
    /// Primaries besides the reference whose matching node is named as a related location.
    static let moreClusters = 2

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for g in context.graph.policy.drift {
            out += missing(g, context)
            out += differing(g, context)
        }
        return out
    }

    /// One finding on the reference copy naming the primaries that lack the resource.
    func missing(_ g: PolicyCopyGroup, _ context: RuleContext) -> [Finding] {
        guard !g.missing.isEmpty else { return [] }
        let ref = g.reference.resource
        let names = g.missing.map { context.clusterName($0.cluster) }
        let shown = names.prefix(Self.maxCopies).joined(separator: ", ") + (names.count > Self.maxCopies ? " and \(names.count - Self.maxCopies) more" : "")
        let holders = Set(g.copies.map(\.cluster)).sorted().map(context.clusterName)
        var related = g.missing.prefix(Self.maxCopies).map { m in
            context.related("\(context.clusterName(m.cluster)) has no \(g.kind) \(g.namespace)/\(g.name), but \(m.evidence.description) is there",
                            at: m.evidence.node, cluster: m.cluster)
        }
        for copy in g.copies where copy.cluster != ref.clusterIndex {
            guard related.count < Self.maxCopies + Self.moreClusters else { break }
            related.append(context.related("the copy in \(context.clusterName(copy.cluster))", at: copy.resource.nameNode, cluster: copy.cluster))
        }
        let effect = Self.effect(kind: g.kind, present: holders.joined(separator: ", "), absent: shown)
        return [context.finding(
            "\(g.kind) \(g.namespace)/\(g.name) exists in \(holders.joined(separator: ", ")) but not in \(shown), which \(names.count == 1 ? "is a primary too and uses" : "are primaries too and use") namespace \(g.namespace): in multi-primary each istiod reads config only from its own cluster, so \(effect). Apply the same \(g.kind) to every primary (or annotate it `meshlint.io/ignore: MC801` if the difference is deliberate).",
            resource: ref, related: related, fieldPath: "metadata.name")]
    }

    /// One finding per copy whose content differs from the most common one.
    func differing(_ g: PolicyCopyGroup, _ context: RuleContext) -> [Finding] {
        guard g.variants.count > 1 else { return [] }
        let ref = g.reference.resource
        let refCluster = context.clusterName(ref.clusterIndex)
        let others = g.variants.dropFirst().flatMap { $0 }.sorted()
        var out: [Finding] = []
        for (k, i) in others.enumerated() {
            guard k < Self.maxCopies else { break }
            let copy = g.copies[i].resource
            var diffs: [StructuralDiff.Difference] = []
            if let spec = copy.spec, let refSpec = ref.spec {
                diffs = StructuralDiff.differences(spec, refSpec, path: "spec", limit: 50)
            } else if copy.spec != nil || ref.spec != nil {
                diffs = [StructuralDiff.Difference(path: "spec", left: copy.spec, right: ref.spec,
                                                   leftAnchor: copy.spec ?? copy.nameNode, rightAnchor: ref.spec ?? ref.nameNode)]
            }
            let dryRun = copy.annotation(PolicyIndex.dryRunAnnotation), refDryRun = ref.annotation(PolicyIndex.dryRunAnnotation)
            if dryRun?.value.lowercased() != refDryRun?.value.lowercased() {
                diffs.append(StructuralDiff.Difference(path: "metadata.annotations.\(PolicyIndex.dryRunAnnotation)",
                                                       left: dryRun?.node, right: refDryRun?.node,
                                                       leftAnchor: dryRun?.node ?? copy.nameNode, rightAnchor: refDryRun?.node ?? ref.nameNode))
            }
            guard let first = diffs.first else { continue }
            let listed = diffs.prefix(Self.maxFields).map { d in
                "`\(d.path)` is \(StructuralDiff.describe(d.left)) here and \(StructuralDiff.describe(d.right)) in \(refCluster)"
            }
            var fields = listed.joined(separator: "; ")
            if diffs.count > Self.maxFields { fields += "; and \(diffs.count - Self.maxFields) more difference\(diffs.count - Self.maxFields == 1 ? "" : "s")" }
            let sameAsRef = g.variants[0].map { context.clusterName(g.copies[$0].cluster) }
            let refText = sameAsRef.count > 1 ? "the copy that \(sameAsRef.prefix(5).joined(separator: ", "))\(sameAsRef.count > 5 ? " and \(sameAsRef.count - 5) more" : "") share" : "\(refCluster)'s copy"
            var message = "\(g.kind) \(g.namespace)/\(g.name) in \(context.clusterName(copy.clusterIndex)) differs from \(refText): \(fields). In multi-primary each istiod applies only its own cluster's copy, so \(Self.effect(kind: g.kind)). Make the copies identical (or annotate the resource `meshlint.io/ignore: MC801` if the difference is deliberate)."
            if k == Self.maxCopies - 1, others.count > Self.maxCopies {
                let rest = others.dropFirst(Self.maxCopies).map { context.clusterName(g.copies[$0].cluster) }
                message += " \(rest.count) more primaries hold a differing copy: \(rest.prefix(10).joined(separator: ", "))\(rest.count > 10 ? ", ..." : "")."
            }
            var related = diffs.prefix(Self.maxFields).map { d in
                context.related("\(d.path) in \(refCluster): \(StructuralDiff.describe(d.right))", at: d.rightAnchor, cluster: ref.clusterIndex)
            }
            // The same first difference in a few more primaries that hold the reference content.
            for j in g.variants[0].dropFirst().prefix(Self.moreClusters) {
                let other = g.copies[j].resource
                guard let spec = copy.spec, let otherSpec = other.spec,
                      let d = StructuralDiff.differences(spec, otherSpec, path: "spec", limit: 1).first else { continue }
                related.append(context.related("\(d.path) in \(context.clusterName(other.clusterIndex)): \(StructuralDiff.describe(d.right))",
                                               at: d.rightAnchor, cluster: other.clusterIndex))
            }
            out.append(context.finding(message, resource: copy, at: first.leftAnchor, related: related, fieldPath: first.path))
        }
        return out
    }

    /// What the drift does, by kind.
    static func effect(kind: String, present: String? = nil, absent: String? = nil) -> String {
        let from = absent.map { "calls starting in \($0)" } ?? "the same call"
        switch kind {
        case "VirtualService":
            return "\(from) \(absent == nil ? "is routed differently depending on the cluster it starts in" : "ignore these routes (no retries, splits or fault rules) while calls from \(present!) follow them")"
        case "DestinationRule":
            return "\(from) \(absent == nil ? "gets a different traffic policy (TLS, subsets, load balancing) depending on the cluster it starts in" : "get no subsets, TLS or load-balancing settings from it (routes to its subsets fail there) while calls from \(present!) use them")"
        case "PeerAuthentication":
            return absent == nil ? "workloads accept or refuse plaintext differently depending on their cluster" : "workloads in \(absent!) accept traffic under the mesh default mTLS mode while those in \(present!) use this one"
        default:
            return absent == nil ? "the same request is allowed in one cluster and denied in another" : "workloads in \(absent!) are not protected (or not opened) by it while those in \(present!) are"
        }
    }
}
