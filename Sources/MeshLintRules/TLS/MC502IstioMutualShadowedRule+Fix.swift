import MeshLintCore

/// MC502's repair: give the more specific DestinationRule `ISTIO_MUTUAL` itself.
extension IstioMutualShadowedRule: FixProvider {
    func fix(for finding: Finding, in context: RuleContext) -> Fix? {
        guard let c = context.clusterIndex(of: finding) ?? context.set.clusters.indices.first else { return nil }
        let rule = context.graph.traffic.destinationRules[c].rules.first {
            $0.resource.file == finding.file && $0.tlsNode.line == finding.line && $0.tlsNode.column == finding.column
        }
        return rule.flatMap { IstioMutualFix.fix($0, context) }
    }
}
