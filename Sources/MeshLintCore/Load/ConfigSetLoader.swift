import Dispatch
import Foundation

/// How to load a config set.
public struct LoadOptions: Sendable {
    /// A manifest to use instead of `<root>/meshlint.yaml`.
    public var manifestPath: String?
    /// Parser limits (file size, alias expansion).
    public var limits: YAMLLimits
    /// Parse files on all cores.
    public var parallel: Bool
    /// Renders kustomization directories (e.g. ``KustomizeCommand/fromPATH(_:)``). Without one,
    /// each kustomization gets a finding that says how to render it, and its raw files are not
    /// checked as if they were applied.
    public var kustomize: (any KustomizeRendering)?
    /// Text to use instead of a file's contents, by path relative to the set's root (`meshlint
    /// fix --dry-run` lints its edits without writing them).
    public var overlay: [String: [UInt8]]
    /// Copy the tree of a document that repeats byte for byte in other files of the set (each
    /// remote secret, in every other cluster's directory) instead of parsing it again. The
    /// trees are the same either way; off only to measure what parsing every copy costs.
    public var reusesRepeatedDocuments: Bool

    public init(manifestPath: String? = nil, limits: YAMLLimits = YAMLLimits(), parallel: Bool = true,
                kustomize: (any KustomizeRendering)? = nil, overlay: [String: [UInt8]] = [:],
                reusesRepeatedDocuments: Bool = true) {
        self.manifestPath = manifestPath
        self.limits = limits
        self.parallel = parallel
        self.kustomize = kustomize
        self.overlay = overlay
        self.reusesRepeatedDocuments = reusesRepeatedDocuments
    }
}

/// Why a config set could not be loaded at all (problems inside files become findings instead).
public enum LoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A path given on the command line does not exist.
    case pathNotFound(String)
    /// A path exists but cannot be read (permissions, not a directory or file).
    case unreadable(path: String, reason: String)
    /// The manifest given with `--manifest` cannot be read.
    case manifestUnreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .pathNotFound(let p): return "\(p): no such file or directory"
        case .unreadable(let p, let r): return "\(p): cannot read: \(r)"
        case .manifestUnreadable(let p, let r): return "manifest \(p): cannot read: \(r)"
        }
    }
}

/// Loads a multicluster config set from disk or from memory.
public struct ConfigSetLoader: Sendable {
    /// The manifest file name looked up at the root of a set.
    public static let manifestName = "meshlint.yaml"
    /// meshlint's own configuration file name (never a mesh manifest).
    public static let configName = ".meshlint.yaml"

    public var options: LoadOptions

    public init(options: LoadOptions = LoadOptions()) {
        self.options = options
    }

    /// Loads the files under `paths` (directories or files) as one set rooted at their
    /// common ancestor directory.
    public func load(paths: [String]) throws(LoadError) -> ConfigSet {
        let given = paths.isEmpty ? ["."] : paths
        var found: [FoundFile] = []
        var notes: [LoadNote] = []
        var unreadableDirectories: [(path: String, message: String)] = []
        var absRoots: [String] = []
        var boundaries: [String] = []
        var charts: [String] = []
        var kustomizations: [(path: String, real: String)] = []
        for p in given {
            var st = stat()
            guard stat(p, &st) == 0 else {
                if errno == ENOENT || errno == ENOTDIR { throw .pathNotFound(p) }
                throw .unreadable(path: p, reason: String(cString: strerror(errno)))
            }
            let type = st.st_mode & S_IFMT
            guard type == S_IFDIR || type == S_IFREG else {
                throw .unreadable(path: p, reason: "\(FileWalker.describeType(st.st_mode)), not a regular file or directory")
            }
            let isDir = type == S_IFDIR
            if isDir && access(p, R_OK | X_OK) != 0 {
                throw .unreadable(path: p, reason: String(cString: strerror(errno)))
            }
            absRoots.append(Self.absolute(p, isDirectory: isDir))
            // A directory the user names is inside the set even when it is reached through a symlink.
            if isDir, case .success(let real) = FileWalker.realPath(p) { boundaries.append(real) }
        }
        let rootAbs = Self.commonAncestor(absRoots)
        if case .success(let real) = FileWalker.realPath(rootAbs) { boundaries.append(real) }
        for (p, abs) in zip(given, absRoots) {
            var st = stat()
            _ = stat(p, &st)
            let rel = Self.relative(abs, to: rootAbs)
            if (st.st_mode & S_IFMT) == S_IFDIR {
                var walker = FileWalker(boundaries: boundaries)
                walker.walk(root: p, relativePrefix: rel)
                found += walker.files
                notes += walker.notes
                unreadableDirectories += walker.unreadableDirectories
                charts += walker.charts
                kustomizations += walker.kustomizations
            } else {
                // A file named on the command line is read wherever it is (the user chose it).
                found.append(FoundFile(relative: rel.isEmpty ? PathText.lastComponent(p) : rel, absolute: p, explicit: true))
            }
        }
        // Deduplicate (overlapping paths) and sort.
        var seen = Set<String>()
        found = found.filter { seen.insert($0.relative).inserted }
            .sorted { $0.relative.utf8.lexicographicallyPrecedes($1.relative.utf8) }

        let limits = options.limits
        let overlay = options.overlay
        let sources: [Source] = found.map { f in
            // Read by real path; written (by `meshlint fix`) at the path as walked, so that a
            // symlink is seen as one and never written through.
            Source(path: f.relative, location: f.explicit ? f.absolute : rootAbs + "/" + f.relative, bytes: {
                overlay[f.relative].map { Result<[UInt8], FileReadError>.success($0) }
                    ?? FileReader.read(f.absolute, maxBytes: limits.maxFileBytes, followSymlinks: f.explicit)
            })
        }
        var manifestFile: YAMLFile?
        var manifestRel: String?
        if let mp = options.manifestPath {
            switch FileReader.read(mp, maxBytes: options.limits.maxFileBytes, followSymlinks: true) {
            case .success(let bytes):
                let abs = Self.absolute(mp, isDirectory: false)
                let rel = abs.hasPrefix(rootAbs + "/") ? Self.relative(abs, to: rootAbs) : mp
                manifestRel = rel
                manifestFile = YAMLParser.parse(bytes: bytes, path: rel, limits: options.limits)
            case .failure(let e):
                throw .manifestUnreadable(path: mp, reason: e.message)
            }
        }
        let display = given.count == 1 ? given[0] : Self.displayRoot(rootAbs)
        let rootName = PathText.lastComponent(rootAbs)
        var reals: [String: String] = [:]
        for f in found { reals[f.absolute] = f.relative }
        let rootReal: String
        if case .success(let r) = FileWalker.realPath(rootAbs) { rootReal = r } else { rootReal = rootAbs }
        let walked = WalkedInputs(charts: charts, kustomizations: kustomizations, boundaries: boundaries,
                                  rootReal: rootReal, relativeByReal: reals)
        return assemble(root: display, rootName: rootName.isEmpty ? "cluster" : rootName, sources: sources, walked: walked,
                        notes: notes, unreadableDirectories: unreadableDirectories,
                        manifestFile: manifestFile, manifestRel: manifestRel)
    }

    /// Reads a file meshlint was pointed at (a configuration or baseline file): only a regular
    /// file is read, never a FIFO or a device, and a symlink only when `followSymlinks`. The
    /// error says why in words.
    public static func readRegularFile(_ path: String, followSymlinks: Bool = true,
                                       maxBytes: Int = YAMLLimits().maxFileBytes) -> Result<[UInt8], LoadError> {
        FileReader.read(path, maxBytes: maxBytes, followSymlinks: followSymlinks)
            .mapError { e in
                e.message == String(cString: strerror(ENOENT)) ? .pathNotFound(path) : .unreadable(path: path, reason: e.message)
            }
    }

    /// Loads a set from in-memory files, keyed by relative path (e.g. `east/gateway.yaml`).
    public func load(documents: [(path: String, text: String)], root: String = ".") -> ConfigSet {
        // Charts and kustomizations are told by their file names, as on disk (nothing is rendered).
        let paths = Set(documents.map(\.path))
        func dir(_ p: String) -> String { p.contains("/") ? PathText.parent(p) : "." }
        func under(_ d: String, _ p: String) -> String { d == "." ? p : d + "/" + p }
        let charts = Set(paths.filter { PathText.lastComponent($0) == "Chart.yaml" }.map(dir))
            .filter { d in paths.contains { $0.hasPrefix(under(d, "templates/")) } }.sorted()
        let kustomizations = Set(paths.filter { FileWalker.kustomizationNames.contains(PathText.lastComponent($0)) }.map(dir))
            .sorted().map { (path: $0, real: $0 == "." ? "/" : "/" + $0) }
        let inChartSubdir: (String) -> Bool = { p in
            charts.contains { d in p.hasPrefix(under(d, "")) && dir(p) != d && (d != "." || p.contains("/")) }
        }
        let sources = documents
            .filter { !inChartSubdir($0.path) }
            .sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
            .map { d in Source(path: d.path, location: nil, bytes: { .success(Array(d.text.utf8)) }) }
        var manifestFile: YAMLFile?
        if let mp = options.manifestPath, let doc = documents.first(where: { $0.path == mp }) {
            manifestFile = YAMLParser.parse(bytes: Array(doc.text.utf8), path: mp, limits: options.limits)
        }
        let walked = WalkedInputs(charts: charts, kustomizations: kustomizations, boundaries: ["/"], rootReal: "/",
                                  relativeByReal: [:], inMemory: true)
        return assemble(root: root, rootName: root == "." ? "cluster" : root, sources: sources, walked: walked,
                        notes: [], unreadableDirectories: [],
                        manifestFile: manifestFile, manifestRel: options.manifestPath)
    }

    // MARK: - Assembly

    struct Source: Sendable {
        let path: String
        /// Where the file lives on disk (nil for in-memory documents).
        let location: String?
        let bytes: @Sendable () -> Result<[UInt8], FileReadError>
    }

    /// One result cell per source, written by exactly one iteration of the parallel parse: the
    /// cells live in one allocation made up front, so concurrent writes to different indices never
    /// touch shared state (an array in a class would be a Swift access race).
    private final class ResultSlots: @unchecked Sendable {
        let files: UnsafeMutableBufferPointer<YAMLFile?>
        let errors: UnsafeMutableBufferPointer<String?>
        let templates: UnsafeMutableBufferPointer<SourcePosition?>
        init(_ n: Int) {
            templates = .allocate(capacity: n)
            templates.initialize(repeating: nil)
            files = .allocate(capacity: n)
            files.initialize(repeating: nil)
            errors = .allocate(capacity: n)
            errors.initialize(repeating: nil)
        }
        deinit {
            files.deinitialize()
            files.deallocate()
            errors.deinitialize()
            errors.deallocate()
            templates.deinitialize()
            templates.deallocate()
        }
    }

    private func assemble(root: String, rootName: String, sources: [Source], walked: WalkedInputs, notes: [LoadNote],
                          unreadableDirectories: [(path: String, message: String)],
                          manifestFile: YAMLFile?, manifestRel: String?) -> ConfigSet {
        let limits = options.limits
        let slots = ResultSlots(sources.count)
        // Long scalars that repeat across files (each remote secret's kubeconfig, in every
        // other cluster's directory) are kept once for the whole set.
        let pool = ScalarPool()
        // So are whole documents: each remote secret, in every other cluster's directory.
        let documents = options.reusesRepeatedDocuments ? DocumentCache(pool: pool) : nil
        let work: @Sendable (Int) -> Void = { i in
            let s = sources[i]
            switch s.bytes() {
            case .success(let b):
                let parsed = documents.map { YAMLParser.parse(bytes: b, path: s.path, limits: limits, cache: $0) }
                    ?? YAMLParser.parse(bytes: b, path: s.path, limits: limits, pool: pool)
                if let action = GoTemplate.firstAction(in: b, parsed: parsed) {
                    // Go template text is not YAML: keep the file (for its cluster) without its
                    // parse, whose errors would be a cascade about text helm replaces.
                    slots.templates[i] = action
                    slots.files[i] = YAMLFile(path: s.path, byteCount: b.count, diagnostics: [])
                } else {
                    slots.files[i] = parsed
                }
            case .failure(let e):
                if e.tooLarge {
                    slots.files[i] = YAMLFile(path: s.path, byteCount: 0,
                                              diagnostics: [YAMLDiagnostic(kind: .tooLarge, message: e.message,
                                                                           position: SourcePosition(line: 1, column: 1),
                                                                           related: nil, nodeIndex: nil)])
                } else {
                    slots.errors[i] = e.message
                }
            }
        }
        if options.parallel && sources.count > 1 {
            // Each iteration writes only its own slot.
            DispatchQueue.concurrentPerform(iterations: sources.count, execute: work)
        } else {
            for i in sources.indices { work(i) }
        }
        var files: [YAMLFile] = []
        var unreadable: [(path: String, message: String)] = []
        var templates: [(path: String, position: SourcePosition)] = []
        for i in sources.indices {
            if let f = slots.files[i] { files.append(f) }
            if let e = slots.errors[i] { unreadable.append((sources[i].path, e)) }
            if let t = slots.templates[i] { templates.append((sources[i].path, t)) }
        }

        // The manifest: given explicitly, or meshlint.yaml at the root.
        var manifestYAML = manifestFile
        var assignments: [String: FileAssignment] = [:]
        if manifestYAML == nil, let m = files.first(where: { $0.path == Self.manifestName }) {
            manifestYAML = m
        }
        var manifestProblems: [(node: YAMLNode, message: String)] = []
        var manifest: Manifest?
        if let m = manifestYAML, m.diagnostics.allSatisfy({ $0.kind == .duplicateKey }) {
            let parsed = ManifestParser.parse(m)
            manifest = parsed.manifest
            manifestProblems = parsed.problems
        }
        if let mrel = manifestRel ?? manifestYAML?.path { assignments[mrel] = .meta }
        for f in files where f.path == Self.configName || f.path.hasSuffix("/" + Self.configName) {
            assignments[f.path] = .meta
        }

        // Clusters and file assignment.
        var clusters: [Cluster] = []
        var clusterFiles: [[String]] = []
        var directoryClusters: [Int?] = []
        if let manifest {
            let base = manifestRel.map { PathText.parent($0) } ?? ""
            clusterFiles = Array(repeating: [], count: manifest.clusters.count)
            let clusterGlobs = manifest.clusters.map { $0.paths.map(Glob.init) }
            let sharedGlobs = manifest.shared.map(Glob.init)
            for f in files where assignments[f.path] == nil {
                let rel = Self.strip(base: base, from: f.path)
                if let ci = clusterGlobs.firstIndex(where: { $0.contains { $0.matches(rel) } }) {
                    assignments[f.path] = .cluster(ci)
                    clusterFiles[ci].append(f.path)
                } else if sharedGlobs.contains(where: { $0.matches(rel) }) {
                    assignments[f.path] = .shared
                } else {
                    assignments[f.path] = .unassigned
                }
            }
            for (path, message) in unreadable where assignments[path] == nil {
                let rel = Self.strip(base: base, from: path)
                if let ci = clusterGlobs.firstIndex(where: { $0.contains { $0.matches(rel) } }) {
                    assignments[path] = .cluster(ci)
                    _ = message
                }
            }
            for d in unreadableDirectories {
                let probe = Self.strip(base: base, from: d.path) + "/-.yaml"
                directoryClusters.append(clusterGlobs.firstIndex(where: { $0.contains { $0.matches(probe) } }))
            }
            clusters = manifest.clusters.enumerated().map { i, d in
                Cluster(index: i, name: d.name.value, declaration: d, files: clusterFiles[i])
            }
        } else {
            var names: [String] = []
            var index: [String: Int] = [:]
            let allPaths = files.map(\.path) + unreadable.map(\.path)
            // An unreadable top-level directory is still a cluster: one that was not checked.
            let directoryProbes = unreadableDirectories.map { $0.path == "." ? "" : $0.path + "/" }
            for p in (allPaths + directoryProbes).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) where assignments[p] == nil {
                if let slash = p.firstIndex(of: "/") {
                    let dir = String(p[..<slash])
                    if index[dir] == nil { index[dir] = names.count; names.append(dir) }
                }
            }
            clusterFiles = Array(repeating: [], count: max(names.count, 1))
            for p in allPaths where assignments[p] == nil {
                if let slash = p.firstIndex(of: "/") {
                    let ci = index[String(p[..<slash])]!
                    assignments[p] = .cluster(ci)
                    clusterFiles[ci].append(p)
                } else {
                    assignments[p] = names.isEmpty ? .cluster(0) : .shared
                    if names.isEmpty { clusterFiles[0].append(p) }
                }
            }
            if names.isEmpty { names = [rootName] }
            directoryClusters = directoryProbes.map { p in
                p.firstIndex(of: "/").flatMap { index[String(p[..<$0])] } ?? (index.isEmpty ? 0 : nil)
            }
            clusters = names.enumerated().map { i, n in Cluster(index: i, name: n, declaration: nil, files: clusterFiles[i]) }
        }

        // Charts, templates and kustomizations: what a tool renders is what gets applied.
        let rendered = RenderedInputs.resolve(walked: walked, files: files, templates: templates,
                                              renderer: options.kustomize)
        func targets(of a: FileAssignment?) -> [Int] {
            switch a {
            case .cluster(let i)?: return [i]
            case .shared?: return Array(clusters.indices)
            default: return []
            }
        }

        // Resources.
        var resources: [Resource] = []
        var helmValues: [(clusterIndex: Int, root: YAMLNode)] = []
        var unrecognized: [YAMLNode] = []
        for f in files {
            guard let a = assignments[f.path] else { continue }
            let targets: [Int]
            switch a {
            case .cluster(let i): targets = [i]
            case .shared: targets = Array(clusters.indices)
            case .unassigned, .meta: continue
            }
            // A file a render replaces is not applied as written; only what no render applies
            // (a kubeadm or kind config, Helm values beside a kustomization) is still read as facts.
            let covered = rendered.covered.contains(f.path)
            for root in f.roots {
                switch ResourceFactory.classify(root) {
                case .resource(let identity):
                    if covered && !ResourceScope.isClusterConfigFile(identity) { continue }
                    for t in targets {
                        resources.append(Resource(clusterIndex: t, root: root, identity: identity, isShared: a == .shared))
                    }
                case .helmValues:
                    for t in targets { helmValues.append((t, root)) }
                case .empty:
                    break
                case .unrecognized:
                    if !covered { unrecognized.append(root) }
                }
            }
        }
        for (ownerPath, file) in rendered.files {
            let a = assignments[ownerPath]
            for root in file.roots {
                guard case .resource(let identity) = ResourceFactory.classify(root) else { continue }
                for t in targets(of: a) {
                    resources.append(Resource(clusterIndex: t, root: root, identity: identity, isShared: a == .shared))
                }
            }
        }
        return ConfigSet(root: root, files: files, renderNotes: rendered.notes, assignments: assignments, clusters: clusters,
                         resources: resources, helmValues: helmValues, unrecognized: unrecognized,
                         manifest: manifest, notes: notes, unreadable: unreadable,
                         unreadableDirectories: zip(unreadableDirectories, directoryClusters).map {
                             UnreadableDirectory(path: $0.path, message: $0.message, clusterIndex: $1)
                         },
                         manifestProblems: manifestProblems, sources: SourceStore(sources: sources),
                         renderedSources: rendered.covered)
    }

    // MARK: - Paths

    static func absolute(_ p: String, isDirectory: Bool) -> String {
        var path = p
        if !path.hasPrefix("/") {
            path = FileManager.default.currentDirectoryPath + "/" + path
        }
        let std = (path as NSString).standardizingPath
        return isDirectory ? std : std
    }

    static func commonAncestor(_ paths: [String]) -> String {
        guard let first = paths.first else { return FileManager.default.currentDirectoryPath }
        func dirOf(_ p: String) -> [Substring] {
            var isDir: ObjCBool = false
            let parts = p.split(separator: "/")
            if FileManager.default.fileExists(atPath: p, isDirectory: &isDir), isDir.boolValue { return parts }
            return Array(parts.dropLast())
        }
        var common = dirOf(first)
        for p in paths.dropFirst() {
            let d = dirOf(p)
            var n = 0
            while n < common.count && n < d.count && common[n] == d[n] { n += 1 }
            common = Array(common.prefix(n))
        }
        return "/" + common.joined(separator: "/")
    }

    static func relative(_ abs: String, to root: String) -> String {
        if abs == root { return "" }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return abs.hasPrefix(prefix) ? String(abs.dropFirst(prefix.count)) : abs
    }

    static func displayRoot(_ abs: String) -> String {
        let cwd = FileManager.default.currentDirectoryPath
        if abs == cwd { return "." }
        let r = relative(abs, to: cwd)
        return r
    }

    static func strip(base: String, from path: String) -> String {
        guard !base.isEmpty else { return path }
        return path.hasPrefix(base + "/") ? String(path.dropFirst(base.count + 1)) : path
    }
}

/// Turns a document root into a resource identity.
enum ResourceFactory {
    enum Classification {
        case resource(ResourceIdentity)
        case helmValues
        case empty
        case unrecognized
    }

    static func classify(_ root: YAMLNode) -> Classification {
        if root.isNull { return .empty }
        guard root.isMapping else { return .unrecognized }
        if root.count == 0 { return .empty }
        // One pass over the root's keys and one over metadata's (this runs for every document).
        let (kindNode, apiVersionNode, meta) = root.values("kind", "apiVersion", "metadata")
        guard let kind = kindNode?.text, !kind.isEmpty else {
            if let g = root["global"], g.isMapping { return .helmValues }
            return .unrecognized
        }
        let apiVersion = apiVersionNode?.text ?? ""
        let (nameNode, namespaceNode) = meta?.values("name", "namespace") ?? (nil, nil)
        var name = nameNode?.text ?? ""
        if name.isEmpty, kind == "ClusterConfiguration" { name = root["clusterName"]?.text ?? "" }
        if name.isEmpty, kind == "Cluster", apiVersion.hasPrefix("kind.x-k8s.io") { name = root["name"]?.text ?? "kind" }
        var namespace: String? = namespaceNode?.text
        let clusterScoped = ResourceScope.clusterScoped.contains(kind)
        if namespace == nil && !clusterScoped && !ResourceScope.configFileKinds.contains(kind) {
            namespace = "default"
        }
        if clusterScoped && !(kind == "Cluster" && apiVersion.hasPrefix("cluster.x-k8s.io")) {
            namespace = nil
        }
        return .resource(ResourceIdentity(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name))
    }
}

extension SourceStore {
    /// A store reading the loader's sources again on demand.
    convenience init(sources: [ConfigSetLoader.Source]) {
        var readers: [String: @Sendable () -> [UInt8]?] = [:]
        var locations: [String: String] = [:]
        for s in sources {
            let read = s.bytes
            readers[s.path] = { if case .success(let b) = read() { return b } else { return nil } }
            if let l = s.location { locations[s.path] = l }
        }
        self.init(readers: readers, locations: locations)
    }
}
