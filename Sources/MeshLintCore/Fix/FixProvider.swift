/// A rule that can repair some of its findings. The fix logic lives next to the rule (in its
/// own file, as an extension) and runs after `check`, only for the findings the rule reported.
public protocol FixProvider: Rule {
    /// The certain repair for `finding`, or nil when there is none.
    func fix(for finding: Finding, in context: RuleContext) -> Fix?
}

extension RuleEngine {
    /// `findings` of `rule` with the fixes it proposes attached.
    static func attachingFixes(_ findings: [Finding], of rule: any Rule, _ context: RuleContext) -> [Finding] {
        // Findings first: the cast is a runtime conformance lookup, which the first time scans
        // every conformance of the binary (a clean run of 56 rules paid it 56 times).
        guard !findings.isEmpty, let provider = rule as? any FixProvider else { return findings }
        let rendered = context.set.renderedSources
        return findings.map { f in
            var f = f
            // A finding in rendered output points back into a base file: no edit there is certain.
            guard !rendered.contains(f.file) else { return f }
            f.fix = provider.fix(for: f, in: context)
            return f
        }
    }
}

extension RuleContext {
    /// The text sources of the set's files.
    public var sources: SourceStore { self.set.sources }

    /// The resource a finding is about, as written in its file (nil for findings about no
    /// resource or about a rendered one). Found from the finding's position, without a scan
    /// of every resource.
    public func resource(of finding: Finding) -> Resource? {
        guard let id = finding.resource, let root = documentRoot(of: finding),
              root["kind"]?.text == id.kind, root.at("metadata", "name")?.text ?? id.name == id.name else { return nil }
        return Resource(clusterIndex: clusterIndex(of: finding) ?? 0, root: root, identity: id,
                        isShared: set.assignments[finding.file] == .shared)
    }

    /// The root of the document of `finding.file` that holds the finding's position.
    public func documentRoot(of finding: Finding) -> YAMLNode? {
        let files = set.files
        var lo = 0, hi = files.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if files[mid].path.utf8.lexicographicallyPrecedes(finding.file.utf8) { lo = mid + 1 } else { hi = mid }
        }
        guard lo < files.count, files[lo].path == finding.file else { return nil }
        let at = SourcePosition(line: finding.line, column: finding.column)
        guard let doc = files[lo].documents.last(where: { $0.position <= at }) else { return nil }
        return files[lo].node(doc.root)
    }

    /// The index of the finding's cluster.
    public func clusterIndex(of finding: Finding) -> Int? {
        finding.cluster.flatMap { name in set.clusters.firstIndex { $0.name == name } }
    }

    /// The node a finding points at inside `root`'s document: a scalar value before a key or
    /// a collection starting at the same place.
    public func node(of finding: Finding, in root: YAMLNode) -> YAMLNode? {
        var best: (node: YAMLNode, rank: Int)?
        func walk(_ n: YAMLNode, isKey: Bool) {
            if n.line == finding.line && n.column == finding.column {
                let rank = isKey ? 0 : n.isScalar ? 2 : 1
                if rank > (best?.rank ?? -1) { best = (n, rank) }
            }
            for (k, v) in n.pairs { walk(k, isKey: true); walk(v, isKey: false) }
            for i in n.items { walk(i, isKey: false) }
        }
        walk(root, isKey: false)
        return best?.node
    }
}
