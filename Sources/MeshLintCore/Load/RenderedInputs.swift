import Foundation

/// Input that is not what gets applied until a tool renders it: a Helm chart, a Go template, a
/// kustomization that could not be rendered (or whose references were refused).
public struct RenderNote: Sendable, Hashable {
    /// What kind of input it is.
    public enum Kind: String, Sendable {
        /// A Helm chart directory (`Chart.yaml` + `templates/`).
        case helmChart
        /// A file with Go template actions (`{{ .Values.x }}`) outside a chart.
        case goTemplate
        /// A kustomization directory that was not rendered.
        case kustomization
    }

    public let kind: Kind
    /// The file the note points into (relative to the root).
    public let path: String
    /// The most specific place: the chart's name, the first template action, the reference refused.
    public let position: SourcePosition
    /// What was not checked and how to render it.
    public let message: String
}

/// Go template text in a file meant as YAML (`{{ .Values.x }}`, `{{- if ... }}`).
enum GoTemplate {
    /// Words that start a Go/Helm template action.
    private static let keywords = ["if ", "else", "end", "range ", "with ", "include ", "template ", "define ",
                                   "toYaml", "tpl ", "block ", "/*", "$.", "required ", "default "]

    /// Template references only Helm has (Prometheus and Alertmanager say `.Value`, `.Labels`).
    private static let helmOnly = [".Values.", ".Release.", ".Chart.", ".Capabilities.", ".Files.", "include \"", "toYaml ", "tpl "]

    /// Position of the first template action that is YAML structure rather than text inside a
    /// quoted or block scalar (a Prometheus or Alertmanager template in a string is content).
    static func firstAction(in bytes: [UInt8], parsed file: YAMLFile) -> SourcePosition? {
        guard bytes.count > 1, bytes.withUnsafeBufferPointer({ buf in
            var p = buf.baseAddress!
            let end = buf.baseAddress! + buf.count
            while p < end - 1, let hit = memchr(p, Int32(UInt8(ascii: "{")), end - 1 - p) {
                let h = hit.assumingMemoryBound(to: UInt8.self)
                if h[1] == UInt8(ascii: "{") { return true }
                p = UnsafePointer(h) + 1
            }
            return false
        }) else { return nil }
        var blockLines: [ClosedRange<Int>] = []
        for i in 0..<file.nodeCount {
            let n = file.node(Int32(i))
            guard n.isScalar, n.style == .literal || n.style == .folded else { continue }
            let lines = (n.scalar ?? "").utf8.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            blockLines.append(n.line...(n.line + lines + 1))
        }
        var line = 1
        var start = 0
        let n = bytes.count
        while start < n {
            // Lines end where libyaml ends them, so the position matches the parser's: LF, CRLF,
            // a lone CR, NEL, LS and PS (the fuzzer: a lone CR in a comment put MC006 one line
            // below its `{{`, past the end of that line).
            var end = start
            var next = n
            while end < n {
                let c = bytes[end]
                if c == 10 { next = end + 1; break }
                if c == 13 { next = end + 1 < n && bytes[end + 1] == 10 ? end + 2 : end + 1; break }
                if c == 0xC2, end + 1 < n, bytes[end + 1] == 0x85 { next = end + 2; break }
                if c == 0xE2, end + 2 < n, bytes[end + 1] == 0x80, bytes[end + 2] == 0xA8 || bytes[end + 2] == 0xA9 { next = end + 3; break }
                end += 1
            }
            if let col = action(in: bytes[start..<end]), !blockLines.contains(where: { $0.contains(line) }) {
                let prefix = bytes[start..<(start + col)]
                let column = prefix.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) } + 1
                return SourcePosition(line: line, column: column)
            }
            line += 1
            start = next
        }
        return nil
    }

    /// Offset within the line of a `{{` that opens a template action outside quotes and comments.
    private static func action(in line: ArraySlice<UInt8>) -> Int? {
        var single = false, double = false
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if c == UInt8(ascii: "#") && !single && !double && (i == line.startIndex || line[i - 1] == 32) { return nil }
            if c == UInt8(ascii: "'") && !double { single.toggle() }
            if c == UInt8(ascii: "\"") && !single && (i == line.startIndex || line[i - 1] != UInt8(ascii: "\\")) { double.toggle() }
            if c == UInt8(ascii: "{"), i + 1 < line.endIndex, line[i + 1] == UInt8(ascii: "{") {
                var j = i + 2
                if j < line.endIndex && line[j] == UInt8(ascii: "-") { j += 1 }
                while j < line.endIndex && line[j] == 32 { j += 1 }
                let rest = String(decoding: line[j..<min(line.endIndex, j + 14)], as: UTF8.self)
                if !single && !double {
                    if rest.hasPrefix(".") || keywords.contains(where: rest.hasPrefix) { return i - line.startIndex }
                } else if helmOnly.contains(where: rest.hasPrefix) {
                    // Quoted, but only Helm has these: a chart template quoting its values.
                    return i - line.startIndex
                }
            }
            i += 1
        }
        return nil
    }
}

/// A kustomization directory of the set, its references and whether they stay inside the set.
struct Kustomization {
    /// Relative path of the directory (`.` for the root).
    let directory: String
    /// Real path of the directory.
    let real: String
    /// The parsed kustomization file (nil when it could not be read).
    let file: YAMLFile?
    /// References that may not be rendered: remote, outside the set, or needing helm.
    var refusals: [(node: YAMLNode, message: String)] = []
    /// Real paths of the directories and files it refers to inside the set.
    var referencedDirectories: Set<String> = []
    var referencedFiles: Set<String> = []

    /// Fields holding lists of paths (resources, bases...), and list-of-mapping fields whose
    /// entries hold paths under `path`.
    private static let pathLists = ["resources", "bases", "components", "crds", "generators", "transformers",
                                    "validators", "configurations", "patchesStrategicMerge"]
    private static let pathEntries = ["patches", "patchesJson6902", "replacements"]

    init(directory: String, real: String, file: YAMLFile?, resolve: Bool, isInside: (String) -> Bool) {
        self.directory = directory
        self.real = real
        self.file = file
        guard let root = file?.roots.first(where: \.isMapping) else { return }
        var refs: [(node: YAMLNode, keyed: Bool)] = []
        for key in Self.pathLists { refs += (root[key]?.items ?? []).map { ($0, false) } }
        for key in Self.pathEntries { refs += (root[key]?.items ?? []).compactMap { $0["path"] }.map { ($0, false) } }
        if let openapi = root["openapi"]?["path"] { refs.append((openapi, false)) }
        for key in ["configMapGenerator", "secretGenerator"] {
            for g in root[key]?.items ?? [] {
                // Generator files may be written `key=path`.
                refs += (g["files"]?.items ?? []).map { ($0, true) }
                refs += (g["envs"]?.items ?? []).map { ($0, false) }
                if let env = g["env"] { refs.append((env, false)) }
            }
        }
        for key in ["helmCharts", "helmChartInflationGenerator", "helmGlobals"] {
            if let node = root.keyNode(key) {
                refusals.append((node, "inflates a Helm chart, which needs `--enable-helm` and usually the network; meshlint does not render it. Render the chart with `helm template` into a file of the set instead"))
            }
        }
        for (node, keyed) in refs {
            guard var entry = node.text, !entry.contains("\n") else { continue }
            if keyed, let eq = entry.firstIndex(of: "=") { entry = String(entry[entry.index(after: eq)...]) }
            if Self.isRemote(entry) {
                refusals.append((node, "refers to the remote location `\(Self.redacted(entry))`; meshlint renders only what is in the set, without the network. Vendor it into the repository"))
                continue
            }
            guard resolve else {
                // In memory: resolve by the path's text alone, to tell bases from roots.
                let lexical = Self.normalized(entry.hasPrefix("/") ? entry : real + "/" + entry)
                if !FileWalker.isConfigFile(PathText.lastComponent(lexical)) { referencedDirectories.insert(lexical) }
                continue
            }
            let joined = entry.hasPrefix("/") ? entry : real + "/" + entry
            guard case .success(let target) = FileWalker.realPath(joined) else { continue }
            guard isInside(target) else {
                refusals.append((node, "refers to `\(entry)`, which is outside the config set's root; meshlint does not let a render read outside the set. Move it into the set"))
                continue
            }
            var st = stat()
            guard stat(target, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                var kst = stat()
                if let bad = FileWalker.kustomizationNames.first(where: { lstat(target + "/" + $0, &kst) == 0 && (kst.st_mode & S_IFMT) != S_IFREG }) {
                    refusals.append((node, "refers to `\(entry)`, whose \(bad) is \(FileWalker.describeType(kst.st_mode)), not a regular file; meshlint does not let a render open it"))
                    continue
                }
                referencedDirectories.insert(target)
            case S_IFREG: referencedFiles.insert(target)
            default:
                // A FIFO would block the render until its timeout; a device would feed it forever.
                refusals.append((node, "refers to `\(entry)`, which is \(FileWalker.describeType(st.st_mode)), not a regular file; meshlint does not let a render open it"))
            }
        }
    }

    /// `path` with `.` and `..` components removed, without touching the file system.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/") {
            if c == "." { continue }
            if c == ".." { _ = parts.popLast(); continue }
            parts.append(c)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// A URL or a go-getter style remote reference.
    static func isRemote(_ s: String) -> Bool {
        s.contains("://") || s.hasPrefix("git@") || s.contains("?ref=") || s.contains("?version=")
            || ["github.com/", "gitlab.com/", "bitbucket.org/"].contains(where: s.hasPrefix)
    }

    /// The reference without credentials (`https://user:token@host` → `https://***@host`).
    static func redacted(_ s: String) -> String {
        guard let scheme = s.range(of: "://"), let at = s[scheme.upperBound...].firstIndex(of: "@"),
              !s[scheme.upperBound..<at].contains("/") else { return s }
        return String(s[..<scheme.upperBound]) + "***" + String(s[at...])
    }

    /// The node a finding about the whole kustomization points at.
    var anchor: YAMLNode? {
        guard let root = file?.roots.first(where: \.isMapping) else { return nil }
        for key in ["resources", "bases", "components", "configMapGenerator", "secretGenerator"] {
            if let k = root.keyNode(key) { return k }
        }
        return root
    }
}

/// Maps rendered documents back to the files they were rendered from.
enum RenderMapper {
    /// The source path of a rendered document from its `config.kubernetes.io/origin` annotation.
    static func originPath(of root: YAMLNode, base: String) -> String? {
        guard let origin = root.at("metadata", "annotations", "config.kubernetes.io/origin")?.text else { return nil }
        for line in origin.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("path:") {
                let p = t.dropFirst(5).trimmingCharacters(in: .whitespaces)
                let joined = p.hasPrefix("/") ? p : base + "/" + p
                return (joined as NSString).standardizingPath
            }
        }
        return nil
    }

    /// The source document a rendered one came from: same kind, the name a prefix or suffix
    /// transform kept inside the rendered name.
    static func sourceDocument(for rendered: YAMLNode, in source: YAMLFile, byNameOnly: Bool = false) -> YAMLNode? {
        let kind = rendered["kind"]?.text
        let name = rendered.at("metadata", "name")?.text ?? ""
        let sameKind = source.roots.filter { $0.isMapping && $0["kind"]?.text == kind }
        if let exact = sameKind.first(where: { $0.at("metadata", "name")?.text == name }) { return exact }
        let contained = sameKind.filter { d in d.at("metadata", "name")?.text.map { !$0.isEmpty && name.contains($0) } ?? false }
        if let best = contained.max(by: { ($0.at("metadata", "name")?.text?.count ?? 0) < ($1.at("metadata", "name")?.text?.count ?? 0) }) {
            return best
        }
        return sameKind.count == 1 && !byNameOnly ? sameKind[0] : nil
    }

    /// Positions of the rendered node and its descendants from the matching source nodes; a
    /// node the source lacks (added by a patch or a transformer) takes its nearest matched
    /// ancestor's position.
    static func correspond(_ r: YAMLNode, _ s: YAMLNode?, inherited: SourcePosition, into table: inout [Int32: SourcePosition]) {
        let here = s?.position ?? inherited
        table[r.index] = here
        if r.isMapping {
            for (k, v) in r.pairs {
                let key = k.scalar ?? ""
                let sk = s?.isMapping == true ? s?.keyNode(key) : nil
                table[k.index] = sk?.position ?? here
                correspond(v, s?.isMapping == true ? s?[key] : nil, inherited: sk?.position ?? here, into: &table)
            }
        } else if r.isSequence {
            let sItems = s?.isSequence == true ? s!.items : []
            for (i, item) in r.items.enumerated() {
                var match: YAMLNode?
                if let name = item["name"]?.text {
                    match = sItems.first { $0["name"]?.text == name }
                } else if i < sItems.count, item.kind == sItems[i].kind {
                    match = sItems[i]
                }
                correspond(item, match, inherited: here, into: &table)
            }
        }
    }
}

/// What the walker found that a tool renders (or, for in-memory sets, what the paths say).
struct WalkedInputs: Sendable {
    /// Chart directories, relative.
    var charts: [String]
    /// Kustomization directories, relative, with their real paths.
    var kustomizations: [(path: String, real: String)]
    /// Real paths a render may read from.
    var boundaries: [String]
    /// Real path of the set's root.
    var rootReal: String
    /// Relative path of every file found, by its real path.
    var relativeByReal: [String: String]
    /// Documents given in memory: nothing can be rendered or resolved on disk.
    var inMemory = false

    func isInside(_ real: String) -> Bool {
        boundaries.contains { b in b == "/" || real == b || real.hasPrefix(b + "/") }
    }
}

/// Charts, templates and kustomizations turned into notes, covered raw files and rendered files.
enum RenderedInputs {
    struct Result {
        /// Raw files that are not applied as written (their resources are not created).
        var covered: Set<String> = []
        var notes: [RenderNote] = []
        /// Rendered files mapped back to their sources, with the kustomization file that owns them
        /// (its cluster is theirs).
        var files: [(ownerPath: String, file: YAMLFile)] = []
    }

    static func under(_ dir: String, _ name: String) -> String { dir == "." ? name : dir + "/" + name }

    static func isUnder(_ path: String, _ dir: String) -> Bool { dir == "." || path.hasPrefix(dir + "/") }

    static func resolve(walked: WalkedInputs, files: [YAMLFile], templates: [(path: String, position: SourcePosition)],
                        renderer: (any KustomizeRendering)?) -> Result {
        var out = Result()
        var byPath: [String: YAMLFile] = [:]
        for f in files { byPath[f.path] = f }

        for c in walked.charts {
            let chartFile = under(c, "Chart.yaml")
            // The chart's own metadata is not a manifest (values files stay: they are read as values).
            for meta in ["Chart.yaml", "values.schema.json", "requirements.yaml"] { out.covered.insert(under(c, meta)) }
            let nameNode = byPath[chartFile]?.roots.first(where: \.isMapping)?["name"]
            let name = nameNode?.text ?? (c == "." ? "release" : PathText.lastComponent(c))
            let values = byPath[under(c, "values.yaml")] != nil ? " -f \(under(c, "values.yaml"))" : ""
            let output = c == "." ? "\(name)-rendered.yaml" : c + "-rendered.yaml"
            out.notes.append(RenderNote(
                kind: .helmChart, path: chartFile, position: nameNode?.position ?? SourcePosition(line: 1, column: 1),
                message: "Helm chart `\(name)`: its templates are Go templates, not YAML, so what the chart installs was not checked (its values files are still read). Render it with the values of your install and lint the output: `helm template \(name) \(c)\(values) > \(output)`"))
        }
        for t in templates {
            out.covered.insert(t.path)
            guard !walked.charts.contains(where: { PathText.parent(t.path) == ($0 == "." ? "" : $0) }) else { continue }
            out.notes.append(RenderNote(
                kind: .goTemplate, path: t.path, position: t.position,
                message: "this file holds Go template text (`{{ … }}`), so it is not YAML until it is rendered and nothing in it was checked. Render it with the tool that owns it (for a Helm chart: `helm template NAME CHART_DIR -f values.yaml > rendered.yaml`) and lint the output"))
        }

        guard !walked.kustomizations.isEmpty else { return out }
        var kustomizations: [Kustomization] = []
        for k in walked.kustomizations {
            let file = FileWalker.kustomizationNames.lazy.compactMap { byPath[under(k.path, $0)] }.first
            kustomizations.append(Kustomization(directory: k.path, real: k.real, file: file,
                                                resolve: !walked.inMemory, isInside: walked.isInside))
        }
        let byReal = Dictionary(kustomizations.map { ($0.real, $0) }, uniquingKeysWith: { a, _ in a })
        let referencedDirs = kustomizations.reduce(into: Set<String>()) { $0.formUnion($1.referencedDirectories) }
        let referencedFiles = kustomizations.reduce(into: Set<String>()) { $0.formUnion($1.referencedFiles) }
        for f in files where kustomizations.contains(where: { isUnder(f.path, $0.directory) }) { out.covered.insert(f.path) }
        for real in referencedFiles { if let rel = walked.relativeByReal[real] { out.covered.insert(rel) } }

        for k in kustomizations where !referencedDirs.contains(k.real) {
            let ownerPath = k.file?.path ?? under(k.directory, "kustomization.yaml")
            let anchor = k.anchor
            let anchorPosition = anchor?.position ?? SourcePosition(line: 1, column: 1)
            // This kustomization and every one it includes: all must stay inside the set.
            var seen: Set<String> = [k.real]
            var queue = [k]
            var refusals: [(kustomization: Kustomization, node: YAMLNode, message: String)] = []
            while let next = queue.popLast() {
                refusals += next.refusals.map { (next, $0.node, $0.message) }
                for d in next.referencedDirectories where seen.insert(d).inserted {
                    if let inner = byReal[d] { queue.append(inner) }
                }
            }
            // The files this render can come from, for output without origin annotations.
            let dirs = kustomizations.filter { seen.contains($0.real) }
            let fileSet = Set(dirs.flatMap { $0.referencedFiles }.compactMap { walked.relativeByReal[$0] })
            let candidates = files.filter { f in fileSet.contains(f.path) || dirs.contains { isUnder(f.path, $0.directory) } }
            let render = "`kubectl kustomize \(k.directory) > \(k.directory == "." ? "rendered" : k.directory + "-rendered").yaml` (or `kustomize build \(k.directory)`)"
            if !refusals.isEmpty {
                for r in refusals.sorted(by: { ($0.node.file.path, $0.node.position) < ($1.node.file.path, $1.node.position) }) {
                    out.notes.append(RenderNote(
                        kind: .kustomization, path: r.node.file.path, position: r.node.position,
                        message: "kustomization `\(k.directory)` was not rendered, so nothing it applies was checked: this entry \(r.message)"))
                }
                continue
            }
            guard let renderer, !walked.inMemory else {
                out.notes.append(RenderNote(
                    kind: .kustomization, path: ownerPath, position: anchorPosition,
                    message: "kustomization `\(k.directory)` is applied as rendered (patches, overlays, name prefixes), not as its raw files, and meshlint had no kustomize to run (neither `kubectl` nor `kustomize` was found on PATH), so nothing it applies was checked. Render it and lint the output: \(render)"))
                continue
            }
            switch renderer.render(directory: k.real) {
            case .failure(let e):
                out.notes.append(RenderNote(
                    kind: .kustomization, path: ownerPath, position: anchorPosition,
                    message: "kustomization `\(k.directory)` could not be rendered (`\(renderer.commandName)`: \(e.message)), so nothing it applies was checked. Fix the kustomization until \(render) succeeds"))
            case .success(let output):
                out.files += map(output, owner: ownerPath, anchor: anchorPosition, walked: walked, byPath: byPath,
                                 candidates: candidates)
            }
        }
        return out
    }

    /// The rendered stream as files: each document in the file it came from (by its origin
    /// annotation and identity), with positions of the matching source nodes; a document with no
    /// source (a generator's) stays at the kustomization file.
    static func map(_ output: KustomizeOutput, owner: String, anchor: SourcePosition, walked: WalkedInputs,
                    byPath: [String: YAMLFile], candidates: [YAMLFile]) -> [(ownerPath: String, file: YAMLFile)] {
        let rendered = YAMLParser.parse(bytes: Array(output.text.utf8), path: owner)
        var table: [Int32: SourcePosition] = [:]
        var groups: [String: [Int]] = [:]
        for (d, root) in rendered.roots.enumerated() where root.isMapping {
            var target = owner
            var source: YAMLNode?
            if let origin = RenderMapper.originPath(of: root, base: output.originBase) {
                let rel = walked.relativeByReal[origin] ?? KustomizeCommand.relativePath(from: walked.rootReal, to: origin)
                if let file = byPath[rel], let doc = RenderMapper.sourceDocument(for: root, in: file) {
                    target = rel
                    source = doc
                }
            }
            if source == nil {
                // No origin (an older kustomize): the first file of the render that defines
                // this kind under this name.
                for file in candidates {
                    if let doc = RenderMapper.sourceDocument(for: root, in: file, byNameOnly: true) {
                        target = file.path
                        source = doc
                        break
                    }
                }
            }
            RenderMapper.correspond(root, source, inherited: source?.position ?? anchor, into: &table)
            groups[target, default: []].append(d)
        }
        return groups.keys.sorted().map { path in
            (owner, rendered.mapped(to: path, documents: groups[path]!, position: { table[$0] }))
        }
    }
}
