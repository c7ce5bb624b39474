/// YAML or JSON kept as text inside a string value — a ConfigMap's `ClusterConfiguration`,
/// `config.conf` or `net-conf.json` — parsed so that its nodes point into the outer file.
///
/// For a literal block scalar (`key: |`) every content line is the outer file's line, shifted
/// right by the block's indentation. The text is parsed after padding it with as many empty
/// lines as precede the block and the indentation in front of each line, so every embedded
/// node carries its true line and column in the outer file (and the outer file's path). The
/// indentation is taken as the owning key's column + 2, the form `kubectl get -o yaml` and
/// hand-written manifests use. Other styles (quoted strings with `\n` escapes, folded `>`)
/// cannot be mapped line by line: nodes found in them are reported at the string itself.
public struct EmbeddedYAML: Sendable {
    /// The parsed text (path = the outer file's path).
    public let file: YAMLFile
    /// The string node that holds the text.
    public let host: YAMLNode
    /// True when embedded nodes have their exact positions in the outer file.
    public let exact: Bool

    /// The root of the first document, if the text parsed to one.
    public var root: YAMLNode? { file.roots.first }

    /// Where to report something found at `node`: the node itself when positions are exact,
    /// else the host string.
    public func locate(_ node: YAMLNode) -> YAMLNode { exact ? node : host }

    /// Parses the text of `host` (a scalar), given the key that owns it (nil for sequence items).
    public init?(host: YAMLNode, key: YAMLNode?) {
        guard host.isScalar, let text = host.scalar, !text.isEmpty else { return nil }
        self.host = host
        if host.style == .literal {
            let contentColumn = key.map { $0.column + 2 } ?? host.column
            let indent = String(repeating: " ", count: max(0, contentColumn - 1))
            var padded = String(repeating: "\n", count: host.line)
            var first = true
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                if !first { padded += "\n" }
                first = false
                if !line.isEmpty { padded += indent }
                padded += line
            }
            self.file = YAMLParser.parse(bytes: Array(padded.utf8), path: host.file.path)
            self.exact = true
        } else {
            self.file = YAMLParser.parse(bytes: Array(text.utf8), path: host.file.path)
            self.exact = false
        }
    }
}
