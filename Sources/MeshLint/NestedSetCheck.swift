/// A set root one level too high, e.g. a repository root whose mesh lives in `mesh/`: without a
/// manifest every top-level directory is taken for a cluster, so `mesh/` becomes one "cluster"
/// holding the control planes of several, and every cross-cluster rule then reports confident,
/// wrong errors. This recognises that layout so the CLI can name the directory that looks like
/// the set instead.
public struct NestedSet: Sendable, Hashable {
    /// The set-relative directory that looks like the real set (`mesh`).
    public let directory: String
    /// Its sub-directories that each hold a control-plane install (`cluster1`, `cluster2`).
    public let clusters: [String]

    /// One line for the user; `root` is the set root as given.
    public func message(root: String) -> String {
        let path = Paths.normalise(Paths.displayPrefix(root: root) + directory)
        let named = clusters.map { "\(path)/\($0)/" }.joined(separator: ", ")
        return "\(root) does not look like a config set: its directory \(directory)/ holds the control planes of "
            + "\(clusters.count) clusters (\(named)), so it is the set, not one cluster of it. "
            + "Run `meshlint lint \(path)`, or describe the layout in a meshlint.yaml manifest."
    }
}

extension LintReport {
    /// The nested set this report's root contains, when it was loaded without a manifest and a
    /// cluster directory holds non-gateway control-plane installs (IstioOperator or Helm values)
    /// in two or more of its sub-directories; nil otherwise.
    public var nestedSet: NestedSet? {
        guard set.manifest == nil else { return nil }
        for c in set.clusters {
            var subdirectories = Set<String>()
            for install in graph.facts[c.index].installs where !install.isGatewayOnly {
                let parts = install.root.file.path.split(separator: "/")
                if parts.count >= 3, parts[0] == c.name { subdirectories.insert(String(parts[1])) }
            }
            if subdirectories.count >= 2 {
                return NestedSet(directory: c.name, clusters: subdirectories.sorted())
            }
        }
        return nil
    }
}
