import MeshLintCore

/// MC501's repair when a written DestinationRule applies to the host without ISTIO_MUTUAL
/// (none at all needs a new resource, and the right one depends on the install: no fix).
extension IstioMutualMissingRule: FixProvider {
    func fix(for finding: Finding, in context: RuleContext) -> Fix? {
        guard let c = context.clusterIndex(of: finding) else { return nil }
        let gap = context.graph.crossClusterTLSGaps(in: c).first {
            $0.host.host.node.file.path == finding.file && $0.host.host.node.line == finding.line
                && $0.host.host.node.column == finding.column
        }
        guard let applied = gap?.applied else { return nil }
        return IstioMutualFix.fix(applied, context)
    }
}
