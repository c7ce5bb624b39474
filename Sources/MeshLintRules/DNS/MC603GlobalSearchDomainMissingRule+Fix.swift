import MeshLintCore

/// MC603's repair: add the global suffix to the install's `podDNSSearchNamespaces` (appending
/// to the list, or writing the list under `global`).
extension GlobalSearchDomainMissingRule: FixProvider {
    func fix(for finding: Finding, in context: RuleContext) -> Fix? {
        for c in context.set.clusters.indices {
            for install in context.graph.facts[c].installs where install.root.file.path == finding.file {
                guard let values = install.values, !(install.resource?.isImplied ?? false),
                      var b = FixBuilder(install.root, sources: context.sources),
                      let valuesPath = b.path(of: values) else { continue }
                let suffix = context.graph.traffic.globalSuffixes[c]
                let list = valuesPath + ["global", "podDNSSearchNamespaces"]
                if let l = b.node(at: list), l.isSequence, l.count > 0 {
                    b.append(.string(suffix), toSequenceAt: list)
                } else if b.node(at: list) == nil {
                    b.set(list, to: .stringList([suffix]))
                } else {
                    return nil
                }
                return b.fix("Add \(suffix) to podDNSSearchNamespaces")
            }
        }
        return nil
    }
}
