/// Decides which findings the user turned off: `meshlint.io/ignore` annotations on resources and
/// the `ignore` section of the configuration. Built once per run.
struct Suppression {
    /// One annotated resource.
    private struct Annotated {
        let annotation: IgnoreAnnotation
        /// nil for a resource from a shared file (it applies to every cluster).
        let cluster: String?
        let file: String
        /// The document's first position and the next document's (nil: end of file).
        let start: SourcePosition
        let end: SourcePosition?

        func contains(_ f: Finding) -> Bool {
            guard f.file == file else { return false }
            let p = SourcePosition(line: f.line, column: f.column)
            return start <= p && (end.map { p < $0 } ?? true)
        }
    }

    private var byResource: [FindingResource: [Annotated]] = [:]
    private var byFile: [String: [Annotated]] = [:]
    private let ignoredPaths: [Glob]
    private let ignoredClusters: Set<String>

    init(set: ConfigSet, configuration: LintConfiguration?) {
        ignoredPaths = (configuration?.ignorePaths ?? []).map(Glob.init)
        ignoredClusters = Set(configuration?.ignoreClusters ?? [])
        var seen = Set<YAMLNode>()
        for r in set.resources where !r.isImplied {
            guard let text = r.annotationsNode?[IgnoreAnnotation.key]?.text else { continue }
            let annotation = IgnoreAnnotation(parsing: text)
            guard annotation.all || !annotation.codes.isEmpty else { continue }
            let cluster = r.isShared ? nil : set.clusters[r.clusterIndex].name
            let (start, end) = Self.documentRange(of: r.root)
            let entry = Annotated(annotation: annotation, cluster: cluster, file: r.file, start: start, end: end)
            byResource[FindingResource(r.identity), default: []].append(entry)
            if seen.insert(r.root).inserted { byFile[r.file, default: []].append(entry) }
        }
    }

    /// The positions where the document holding `root` starts and where the next one starts.
    static func documentRange(of root: YAMLNode) -> (SourcePosition, SourcePosition?) {
        let docs = root.file.documents
        guard let i = docs.firstIndex(where: { $0.root == root.index }) else { return (root.position, nil) }
        let start = min(docs[i].position, root.position)
        return (start, i + 1 < docs.count ? docs[i + 1].position : nil)
    }

    /// True when the user turned this finding off.
    func suppresses(_ f: Finding) -> Bool {
        if let c = f.cluster, ignoredClusters.contains(c) { return true }
        if ignoredPaths.contains(where: { $0.matches(f.file) }) { return true }
        if let r = f.resource, let entries = byResource[r] {
            for e in entries where e.annotation.covers(f.rule) {
                if e.cluster == nil || f.cluster == nil || e.cluster == f.cluster { return true }
            }
        }
        if let entries = byFile[f.file] {
            for e in entries where e.annotation.covers(f.rule) && e.contains(f) { return true }
        }
        return false
    }
}
