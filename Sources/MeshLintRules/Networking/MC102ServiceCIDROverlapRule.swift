import MeshLintCore

/// MC102: the service CIDRs of two clusters on the same network overlap.
struct ServiceCIDROverlapRule: Rule {
    let code = "MC102"
    let reads = cidrSourceKinds
    /// The manifest alone can state CIDRs.
    var requiresReads: Bool { false }

    func check(_ context: RuleContext) -> [Finding] {
        context.graph.cidrIndex.overlaps
            .filter { $0.later.role == .service && $0.earlier.role == .service }
            .map { cidrOverlapFinding($0, context) }
    }
}
