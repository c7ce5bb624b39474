import MeshLintCore

/// MC603: a cluster uses `.global` hosts but its install's `podDNSSearchNamespaces` does not list
/// `global`, so pods get no `global` search domain and short names (`httpbin.bar`) do not expand.
struct GlobalSearchDomainMissingRule: Rule {
    let code = "MC603"
    let reads: Set<String> = ["ServiceEntry", "IstioOperator", "Istio"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        let graph = context.graph
        for c in context.set.clusters.indices {
            guard let entry = graph.traffic.crossClusterEntries[c].first, let host = entry.hosts.first else { continue }
            // Only the control plane's install renders the injection template that sets dnsConfig.
            let installs = graph.facts[c].installs.filter { !$0.isGatewayOnly }
            guard let first = installs.first else { continue }
            let suffix = graph.traffic.globalSuffixes[c]
            let lists = installs.compactMap { i -> (InstallSource, YAMLNode)? in
                guard let l = i.global("podDNSSearchNamespaces"), l.isSequence else { return nil }
                return (i, l)
            }
            let listed = lists.flatMap { $0.1.items.compactMap(\.text) }
            if listed.contains(where: { Self.normalized($0) == suffix.lowercased() }) { continue }
            let example = "`podDNSSearchNamespaces: [\(suffix), \"{{ valueOrDefault .DeploymentMeta.Namespace \\\"default\\\" }}.\(suffix)\"]`"
            let uses = "\(context.clusterName(c)) uses `.\(suffix)` hosts (\(host.host.value), ServiceEntry \(entry.resource.namespace)/\(entry.resource.name))"
            let why = "pods get no `\(suffix)` search domain, so short names such as `\(shortName(host, suffix))` do not expand to `\(host.host.value)` and fail to resolve"
            let related = [context.related("\(context.clusterName(c)) uses \(host.host.value) here", at: host.host.node, cluster: c)]
            let install: InstallSource, node: YAMLNode, message: String, path: String
            let prefix = first.resource == nil ? "global" : "spec.values.global"
            if let (i, list) = lists.first {
                install = i
                node = i.values?["global"]?.keyNode("podDNSSearchNamespaces") ?? list
                path = "\(i.resource == nil ? "global" : "spec.values.global").podDNSSearchNamespaces"
                message = "\(uses), but `podDNSSearchNamespaces` (\(i.label)) lists \(listed.isEmpty ? "nothing" : listed.map { "`\($0)`" }.joined(separator: ", ")) and not `\(suffix)`: \(why). Add `\(suffix)` to the list (the multicluster example values use \(example))."
            } else {
                install = first
                node = first.values?.keyNode("global") ?? first.spec?.keyNode("values") ?? first.resource?.nameNode ?? first.root
                path = prefix
                message = "\(uses), but its install (\(first.label)) sets no `values.global.podDNSSearchNamespaces`: \(why). Add \(example) to the install's `values.global`."
            }
            out.append(context.finding(message, at: node, cluster: install.resource?.isShared == true ? nil : c,
                                       resource: install.resource, related: related, fieldPath: path))
        }
        return out
    }

    /// A search namespace as the resolver uses it (lowercased, without a trailing dot).
    static func normalized(_ s: String) -> String {
        var t = Substring(s).trimmingSpaces.lowercased()
        while t.hasSuffix(".") { t.removeLast() }
        return t
    }

    func shortName(_ host: CrossClusterHost, _ suffix: String) -> String {
        String(host.host.value.dropLast(suffix.count + 1))
    }
}
