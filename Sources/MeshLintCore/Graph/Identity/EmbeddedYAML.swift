/// YAML held inside a string value of another document — a kubeconfig in a Secret's
/// `stringData`/`data`, `meshNetworks` in the `istio` ConfigMap — parsed on its own.
///
/// For a literal block scalar (`key: |`) the text is re-indented and shifted down so that the
/// inner parse sees every line exactly where it stands in the outer file: inner nodes then
/// carry outer file positions and findings inside the embedded document point at the right
/// line. The column assumes the common two-space step below the key (what `istioctl` and
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
        if host.isScalar, host.style == .literal, let key, let shifted = shift(text, below: host, indent: key.column + 1) {
            let f = YAMLParser.parse(bytes: Array(shifted.utf8), path: host.file.path, limits: limits)
            return EmbeddedYAML(file: f, host: host, positionsMapped: true)
        }
        let f = YAMLParser.parse(bytes: Array(text.utf8), path: host.file.path, limits: limits)
        return EmbeddedYAML(file: f, host: host, positionsMapped: false)
    }

    /// The text with `host.line` empty lines before it and every line indented by `indent`
    /// spaces, or nil when that could change its meaning (document markers, directives).
    static func shift(_ text: String, below host: YAMLNode, indent: Int) -> String? {
        let pad = String(repeating: " ", count: indent)
        var out = String(repeating: "\n", count: host.line)
        out.reserveCapacity(out.utf8.count + text.utf8.count + indent * 64)
        var first = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("---") || line.hasPrefix("...") || line.hasPrefix("%") { return nil }
            if !first { out.append("\n") }
            first = false
            if !line.isEmpty { out.append(pad) }
            out.append(contentsOf: line)
        }
        return out
    }
}
