/// What the `meshlint.yaml` manifest asserts about one cluster.
public struct ClusterDeclaration: Sendable {
    /// The cluster's name in findings.
    public let name: Located<String>
    /// Globs (relative to the manifest) selecting the cluster's files.
    public let paths: [String]
    /// Asserted network name.
    public let network: Located<String>?
    /// Asserted pod CIDRs.
    public let podCIDRs: [Located<String>]
    /// Asserted service CIDRs.
    public let serviceCIDRs: [Located<String>]
    /// Asserted gateway addresses (IPs or host names).
    public let gatewayAddresses: [Located<String>]
    /// `primary` or `remote`.
    public let role: Located<String>?
    /// The cluster's entry in the manifest.
    public let node: YAMLNode
}

/// A directory of the set that exists but cannot be listed.
public struct UnreadableDirectory: Sendable, Hashable {
    /// Relative path (`.` for the root).
    public let path: String
    /// Why it cannot be read.
    public let message: String
    /// The cluster whose files it would hold, when that can be told from its path.
    public let clusterIndex: Int?
}

/// The parsed `meshlint.yaml` manifest.
public struct Manifest: Sendable {
    /// The manifest file (relative path within the set).
    public let file: YAMLFile
    /// The cluster entries.
    public let clusters: [ClusterDeclaration]
    /// Globs of files shared by every cluster.
    public let shared: [String]
}

/// One cluster of the config set.
public struct Cluster: Sendable {
    /// Position in `ConfigSet.clusters`.
    public let index: Int
    /// The cluster's identity in findings (manifest name, else directory name).
    public let name: String
    /// The manifest entry, when a manifest declared the cluster.
    public let declaration: ClusterDeclaration?
    /// Relative paths of the files that belong to this cluster (not counting shared files).
    public let files: [String]
}

/// Where a file belongs.
public enum FileAssignment: Sendable, Hashable {
    /// One cluster's own file.
    case cluster(Int)
    /// Applied to every cluster.
    case shared
    /// Matched by nothing in the manifest.
    case unassigned
    /// The manifest or meshlint's own configuration: not a manifest of the mesh.
    case meta
}

/// A whole multicluster config set: every file parsed, every cluster and every resource.
public final class ConfigSet: Sendable {
    /// The root as the user gave it (used for display).
    public let root: String
    /// Every parsed file, sorted by path.
    public let files: [YAMLFile]
    /// Where each file belongs, by relative path.
    public let assignments: [String: FileAssignment]
    /// The clusters, in manifest order or sorted by directory name.
    public let clusters: [Cluster]
    /// Every resource, per cluster (shared ones repeated for each cluster), in file order.
    public let resources: [Resource]
    /// Helm values documents (no `kind`, top-level `global`), per cluster.
    public let helmValues: [(clusterIndex: Int, root: YAMLNode)]
    /// Documents that are neither Kubernetes objects nor Helm values.
    public let unrecognized: [YAMLNode]
    /// The manifest, if one was used.
    public let manifest: Manifest?
    /// Paths that were skipped while walking (symlink loops, unreadable directories...).
    public let notes: [LoadNote]
    /// Files whose bytes could not be read, with the reason.
    public let unreadable: [(path: String, message: String)]
    /// Directories that could not be listed: nothing under them was checked.
    public let unreadableDirectories: [UnreadableDirectory]
    /// Charts, Go templates and kustomizations that were not rendered, so not checked.
    public let renderNotes: [RenderNote]
    /// Files that a render (kustomization, chart) replaces: what gets applied is the rendered
    /// output, so nothing in them is edited by a fix (a rendered node maps back to a base file
    /// position that may not hold the value that is applied).
    public let renderedSources: Set<String>
    /// Problems with the manifest itself (bad types, unknown clusters).
    public let manifestProblems: [(node: YAMLNode, message: String)]

    /// The text of each file as written, read only when a fix needs it.
    public let sources: SourceStore

    /// Resources per cluster (references into `resources`: handing a cluster's list out is
    /// one reference count, not one per resource).
    let byCluster: [[Resource]]
    let fileCounts: [Int]

    init(root: String, files: [YAMLFile], renderNotes: [RenderNote] = [], assignments: [String: FileAssignment], clusters: [Cluster],
         resources: [Resource], helmValues: [(clusterIndex: Int, root: YAMLNode)], unrecognized: [YAMLNode],
         manifest: Manifest?, notes: [LoadNote], unreadable: [(path: String, message: String)],
         unreadableDirectories: [UnreadableDirectory] = [],
         manifestProblems: [(node: YAMLNode, message: String)], sources: SourceStore = SourceStore(),
         renderedSources: Set<String> = []) {
        self.renderedSources = renderedSources
        self.unreadableDirectories = unreadableDirectories
        self.renderNotes = renderNotes
        self.root = root
        self.sources = sources
        self.files = files
        self.assignments = assignments
        self.clusters = clusters
        self.resources = resources
        self.helmValues = helmValues
        self.unrecognized = unrecognized
        self.manifest = manifest
        self.notes = notes
        self.unreadable = unreadable
        self.manifestProblems = manifestProblems
        var by = Array(repeating: [Resource](), count: clusters.count)
        for r in resources where r.clusterIndex < by.count { by[r.clusterIndex].append(r) }
        self.byCluster = by
        let shared = assignments.values.filter { $0 == .shared }.count
        var counts = Array(repeating: shared, count: clusters.count)
        for a in assignments.values { if case .cluster(let i) = a, i < counts.count { counts[i] += 1 } }
        self.fileCounts = counts
    }

    /// Resources of one cluster.
    public func resources(in cluster: Int) -> [Resource] {
        guard cluster < byCluster.count else { return [] }
        return byCluster[cluster]
    }

    /// Resources of a kind across all clusters (optionally restricted to an API group).
    public func resources(kind: String, group: String? = nil) -> [Resource] {
        resources.filter { $0.is(kind, group: group) }
    }

    /// Number of resources per cluster, counting shared ones for every cluster.
    public func resourceCount(in cluster: Int) -> Int {
        cluster < byCluster.count ? byCluster[cluster].count : 0
    }

    /// Number of files that count for a cluster (its own plus shared files).
    public func fileCount(in cluster: Int) -> Int {
        cluster < fileCounts.count ? fileCounts[cluster] : 0
    }

    /// The cluster with this display name.
    public func cluster(named name: String) -> Cluster? {
        clusters.first { $0.name == name }
    }

    /// Number of distinct resources written in the set (shared ones counted once).
    public var distinctResourceCount: Int {
        // Only a shared file's resources repeat (once per cluster, one root): the others are
        // counted without a set of a million roots.
        var unshared = 0
        var sharedRoots = Set<YAMLNode>()
        for r in resources where !r.isImplied {
            if r.isShared { sharedRoots.insert(r.root) } else { unshared += 1 }
        }
        return unshared + sharedRoots.count
    }
}
