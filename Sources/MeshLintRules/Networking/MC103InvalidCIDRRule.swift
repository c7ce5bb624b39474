import MeshLintCore

/// MC103: a CIDR or IP that does not parse (or has host bits set), or two sources of one
/// cluster that disagree about its pod or service range.
struct InvalidCIDRRule: Rule {
    let code = "MC103"
    let reads = cidrSourceKinds.union(["ServiceEntry", "IstioOperator", "Istio"])
    /// Helm values and the manifest are read too.
    var requiresReads: Bool { false }

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<String>()
        for cidrs in context.graph.cidrIndex.clusters {
            for p in cidrs.problems {
                let key = "\(p.node.file.path):\(p.node.index):\(p.text)"
                guard seen.insert(key).inserted else { continue }
                let message: String
                switch p.kind {
                case .invalid(let e):
                    let hint = e.suggestion.map { " (did you mean \($0)?)" } ?? ""
                    message = "`\(p.text)` in \(p.source) is not a valid \(p.expected): \(e.message)\(hint). \(capitalized(p.consequence))."
                case .hostBitsSet(let c):
                    message = "`\(p.text)` in \(p.source) has host bits set: with /\(c.prefix) it means \(c), which is probably not the intended range, and some components reject it. Write the network address \(c) or the prefix length you meant."
                }
                out.append(context.finding(message, at: p.node, cluster: p.isShared ? nil : p.cluster, resource: p.resource,
                                           fieldPath: p.fieldPath))
            }
            for d in cidrs.disagreements {
                guard let lower = d.lower.first, let used = d.effective.first else { continue }
                let key = "\(lower.node.file.path):\(lower.node.index):\(d.family):\(lower.cluster)"
                guard seen.insert(key).inserted else { continue }
                let said = list(d.lower), uses = list(d.effective)
                let users = Set(d.effective.map(\.source)).sorted().joined(separator: ", ")
                let message = "\(capitalized(d.role.rawValue)) \(d.family) range \(said) (\(lower.source)) does not match \(uses) (\(users)), and \(used.origin.use(d.role)): \(lower.origin.consequence(d.role)). Make \(lower.origin == .node ? "the Node's podCIDR fit inside" : "it agree with") \(uses)."
                let related = d.effective.map {
                    context.related("\(context.clusterName($0.cluster)) uses \($0.value) (\($0.source))", at: $0.node, cluster: $0.cluster)
                }
                out.append(context.finding(message, at: lower.node, cluster: lower.cluster, resource: lower.resource,
                                           related: related, fieldPath: lower.fieldPath))
            }
        }
        return out
    }

    private func list(_ sources: [CIDRSource]) -> String {
        var seen = Set<String>()
        return sources.map { "\($0.value)" }.filter { seen.insert($0).inserted }.joined(separator: " + ")
    }

    private func capitalized(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }
}
