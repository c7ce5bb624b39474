import MeshLintCore

/// MC101: the pod CIDRs of two clusters on the same network overlap, or one cluster's pod CIDR
/// overlaps a same-network cluster's service CIDR.
struct PodCIDROverlapRule: Rule {
    let code = "MC101"
    let reads = cidrSourceKinds
    /// The manifest alone can state CIDRs.
    var requiresReads: Bool { false }

    func check(_ context: RuleContext) -> [Finding] {
        context.graph.cidrIndex.overlaps
            .filter { $0.later.role == .pod || $0.earlier.role == .pod }
            .map { cidrOverlapFinding($0, context) }
    }
}
