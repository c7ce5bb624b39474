/// YAML or JSON kept as text inside a string value — a ConfigMap's `ClusterConfiguration`,
/// `config.conf`, `net-conf.json` or `meshNetworks`, a kubeconfig in a Secret — parsed so that
/// its nodes point into the outer file.
///
/// For a literal block scalar (`key: |`) every content line is the outer file's line, shifted
/// right by the block's indentation. The text is parsed as written (as the consumer — kubeadm,
/// istiod — reads it, so a `---` inside still splits documents) and every node's position is
/// then moved by the lines before the block and the indentation, so embedded nodes carry their
/// true line and column in the outer file (and the outer file's path). The cost does not
/// depend on how deep in the file the block sits. The indentation is taken as the owning
/// key's column + 2, the form `kubectl get -o yaml`, `istioctl` and hand-written manifests
/// use. Other styles (quoted strings with `\n` escapes, folded `>`) and decoded base64 cannot
/// be mapped line by line: nodes found in them are reported at the string itself.
public struct EmbeddedYAML: Sendable {
    /// The parsed text (path = the outer file's path).
    public let file: YAMLFile
    /// The string node that holds the text.
    public let host: YAMLNode
    /// True when embedded nodes have their exact positions in the outer file.
    public let exact: Bool

    /// The root of the first document, if the text parsed to one.
    public var root: YAMLNode? { file.firstRoot }

    /// Syntax errors of the embedded text (positions already in outer-file terms when exact).
    public var syntaxErrors: [YAMLDiagnostic] { file.diagnostics.filter { $0.kind != .duplicateKey } }

    /// Where to report something found at `node`: the node itself when positions are exact,
    /// else the host string.
    public func locate(_ node: YAMLNode) -> YAMLNode { exact ? node : host }

    /// Where to report an embedded parse position: itself when exact, else the host's position.
    public func position(_ p: SourcePosition) -> SourcePosition { exact ? p : host.position }

    /// `parsed` with diagnostics past the text's last line (libyaml reports "end of input"
    /// errors on the line after the block's final line break, at column 1) moved to the end of
    /// the last line, so once shifted by the block's indentation they still lie on a line of
    /// the outer file and within it (the fuzzer found MC204 reported past a file's end).
    static func clampingDiagnosticsToText(_ parsed: YAMLFile, _ text: String) -> YAMLFile {
        guard !parsed.diagnostics.isEmpty else { return parsed }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let count = text.hasSuffix("\n") ? lines.count - 1 : lines.count
        guard count > 0, parsed.diagnostics.contains(where: { $0.position.line > count }) else { return parsed }
        let end = SourcePosition(line: count, column: lines[count - 1].unicodeScalars.count + 1)
        let diags = parsed.diagnostics.map { d in
            d.position.line > count
                ? YAMLDiagnostic(kind: d.kind, message: d.message, position: end, related: d.related, nodeIndex: d.nodeIndex)
                : d
        }
        return parsed.repositioned(diagnostics: diags) { _ in }
    }

    /// Parses the text of `host` (a scalar), given the key that owns it (nil for sequence items).
    public init?(host: YAMLNode, key: YAMLNode?) {
        guard host.isScalar, host.raw.count > 0 else { return nil }
        self.init(scalarOf: host, key: key)
    }

    /// Parses the text of scalar `host` where it lies in its file's arena, as
    /// `init(text: host.scalar!, host:key:mapPositions:limits:)` would, without copying the text
    /// out and without a shifted copy of the parse: a literal block is parsed with its positions
    /// moved into the outer file as the tree is finished (every remote secret's kubeconfig
    /// comes through here).
    /// With `cache` (default `limits` only), a text parsed before for another host is not
    /// parsed again (see `EmbeddedParseCache`).
    init(scalarOf host: YAMLNode, key: YAMLNode?, mapPositions: Bool = true, limits: YAMLLimits = YAMLLimits(),
         cache: EmbeddedParseCache? = nil) {
        let exact = mapPositions && host.isScalar && host.style == .literal
        var shift: (lines: Int, columns: Int)?
        if exact {
            let origin = ScalarTextLayout(host: host, key: key).position(line: 0, column: 0)
            shift = (origin.line - 1, max(0, origin.column - 1))
        }
        if let cached = cache?.file(for: host, shift: shift) {
            self.init(file: cached, host: host, exact: exact)
            return
        }
        let r = host.raw
        let parsed = YAMLParser.parse(buffer: host.file.bytes(of: r), path: host.file.path, limits: limits, shift: shift,
                                      arenaOwner: host.file)
        cache?.insert(parsed, for: host, shift: shift)
        if exact && !parsed.diagnostics.isEmpty {
            // Diagnostics past the text's end are clamped before the shift: the copying path.
            self.init(text: host.scalar ?? "", host: host, key: key, mapPositions: mapPositions, limits: limits)
            return
        }
        self.init(file: parsed, host: host, exact: exact)
    }

    private init(file: YAMLFile, host: YAMLNode, exact: Bool) {
        self.file = file
        self.host = host
        self.exact = exact
    }

    /// Parses `text` found in `host` — the host's own text, or text decoded from it (base64
    /// `data`, where `mapPositions` must be false: decoded lines are not the file's lines).
    public init(text: String, host: YAMLNode, key: YAMLNode?, mapPositions: Bool = true, limits: YAMLLimits = YAMLLimits()) {
        self.host = host
        var parsed = YAMLParser.parse(bytes: Array(text.utf8), path: host.file.path, limits: limits)
        if mapPositions && host.isScalar && host.style == .literal {
            parsed = Self.clampingDiagnosticsToText(parsed, text)
            // Where the block's first content character stands (one place decides the indent).
            let origin = ScalarTextLayout(host: host, key: key).position(line: 0, column: 0)
            self.file = parsed.shifted(lines: origin.line - 1, columns: max(0, origin.column - 1))
            self.exact = true
        } else {
            self.file = parsed
            self.exact = false
        }
    }
}
