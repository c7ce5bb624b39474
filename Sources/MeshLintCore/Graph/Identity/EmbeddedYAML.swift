/// YAML held inside a string value of another document — a kubeconfig in a Secret's
/// `stringData`/`data`, `meshNetworks` in the `istio` ConfigMap — parsed on its own.
///
/// For a literal block scalar (`key: |`) every line of the text stands in the outer file one
/// line below the indicator plus its own line number, at a fixed indentation: the inner parse's
/// positions are moved there, so inner nodes carry outer file positions and findings inside the
/// embedded document point at the right line. The column assumes the common two-space step below the key (what `istioctl` and
/// `kubectl` write). For any other scalar (quoted, plain, folded, or base64 `data`) the inner
/// positions mean nothing in the file, and `locate(_:)` returns the host value instead.
public struct EmbeddedYAML: Sendable {
    /// The inner parse (path = the outer file's path).
    public let file: YAMLFile
    /// The scalar in the outer file that holds the text.
    public let host: YAMLNode
    /// True when inner node positions are positions in the outer file.
    public let positionsMapped: Bool

    /// The first document's root, if the text parsed to something.
    public var root: YAMLNode? { file.roots.first }

    /// Problems of the inner parse, as (message, outer location node or nil, inner position).
    public var syntaxErrors: [YAMLDiagnostic] { file.diagnostics.filter { $0.kind != .duplicateKey } }

    /// The node to point a finding at for `inner`: itself when positions are mapped, else the host.
    public func locate(_ inner: YAMLNode) -> YAMLNode { positionsMapped ? inner : host }

    /// The outer position of an inner parse position (the host's position when unmapped).
    public func position(_ p: SourcePosition) -> SourcePosition { positionsMapped ? p : host.position }

    /// Parses `text`, the (decoded) value of `host`. `key` is the mapping key that owns `host`
    /// and is used to infer the block's indentation.
    public static func parse(_ text: String, host: YAMLNode, key: YAMLNode?, limits: YAMLLimits = YAMLLimits()) -> EmbeddedYAML {
        let f = YAMLParser.parse(bytes: Array(text.utf8), path: host.file.path, limits: limits)
        if host.isScalar, host.style == .literal, let key {
            // Content starts on the line after the `|` indicator, indented one step below the key.
            return EmbeddedYAML(file: shift(f, lines: host.line, columns: key.column + 1), host: host, positionsMapped: true)
        }
        return EmbeddedYAML(file: f, host: host, positionsMapped: false)
    }

    /// The same parse with every position moved by `lines` and `columns` (cost: one pass over
    /// the nodes, independent of where in the outer file the block sits).
    static func shift(_ f: YAMLFile, lines: Int, columns: Int) -> YAMLFile {
        let dl = UInt32(max(0, lines)), dc = UInt32(max(0, columns))
        func move(_ p: SourcePosition) -> SourcePosition { SourcePosition(line: p.line + lines, column: p.column + columns) }
        let nodes = f.nodes.map { n -> RawNode in
            var m = n
            m.line += dl
            m.column += dc
            return m
        }
        let docs = f.documents.map { YAMLDocumentInfo(root: $0.root, position: move($0.position)) }
        let diags = f.diagnostics.map {
            YAMLDiagnostic(kind: $0.kind, message: $0.message, position: move($0.position),
                           related: $0.related.map(move), nodeIndex: $0.nodeIndex)
        }
        return YAMLFile(path: f.path, byteCount: f.byteCount, documents: docs, diagnostics: diags,
                        nodes: nodes, children: f.children, arena: f.arena, tags: f.tags)
    }
}
