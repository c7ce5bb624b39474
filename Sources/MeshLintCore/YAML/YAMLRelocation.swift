// Helpers for YAML that is not read from a file as written: documents an install renders
// (implied resources) and text held inside a scalar (a Corefile, JSON in a ConfigMap value).

extension YAMLFile {
    /// A copy of this file whose nodes went through `move` (e.g. shifted or pinned to one place).
    /// The copy gets buffers of its own, with this file's line and column shift applied.
    func repositioned(path: String? = nil, documents: [YAMLDocumentInfo]? = nil,
                      diagnostics: [YAMLDiagnostic]? = nil, _ move: (inout RawNode) -> Void) -> YAMLFile {
        repositioned(path: path, documents: documents, diagnostics: diagnostics) { (_: Int, n: inout RawNode) in move(&n) }
    }

    /// Like `repositioned(path:documents:diagnostics:_:)`, with each node's index.
    func repositioned(path: String? = nil, documents: [YAMLDocumentInfo]? = nil,
                      diagnostics: [YAMLDiagnostic]? = nil, _ move: (Int, inout RawNode) -> Void) -> YAMLFile {
        let (dl, dc) = (lineShift, columnShift)
        let moved = nodes.withUnsafeBufferPointer { buf in
            buf.enumerated().map { i, n -> RawNode in
                var n = n
                n.line += dl
                n.column += dc
                move(i, &n)
                return n
            }
        }
        return YAMLFile(path: path ?? self.path, byteCount: byteCount, documents: documents ?? self.documents,
                        diagnostics: diagnostics ?? self.diagnostics, nodes: FrozenBuffer(moved),
                        children: children.withUnsafeBufferPointer { FrozenBuffer(Array($0)) },
                        arena: arena.withUnsafeBufferPointer { FrozenBuffer(Array($0)) }, tags: tags,
                        sharedScalars: sharedScalars)
    }

    /// The same parse with every position (nodes, documents, diagnostics) moved down by
    /// `lines` and right by `columns`: for text embedded in a scalar of another file.
    func shifted(lines: Int, columns: Int) -> YAMLFile {
        let dl = UInt32(max(0, lines)), dc = UInt32(max(0, columns))
        let docs = documents.map { YAMLDocumentInfo(root: $0.root, position: $0.position.shifted(lines, columns)) }
        return repositioned(documents: docs, diagnostics: diagnostics.map { $0.shifted(lines, columns) }) { n in
            n.line += dl
            n.column += dc
        }
    }

    /// `shifted(lines:columns:)` when `shift` is given, else the file itself.
    func shiftingPositions(_ shift: (lines: Int, columns: Int)?) -> YAMLFile {
        shift.map { shifted(lines: $0.lines, columns: $0.columns) } ?? self
    }

    /// A copy of this file in which every node reports `position` in the file `path`.
    ///
    /// Used for resources an install renders (implied resources): their YAML is generated, but a
    /// finding about them must point at the install setting that renders them.
    func relocated(to path: String, at position: SourcePosition) -> YAMLFile {
        let line = UInt32(clamping: position.line), column = UInt32(clamping: position.column)
        return repositioned(path: path, documents: documents.map { YAMLDocumentInfo(root: $0.root, position: position) },
                            diagnostics: []) { n in
            n.line = line
            n.column = column
        }
    }
}

extension SourcePosition {
    /// The position moved down by `lines` and right by `columns`.
    func shifted(_ lines: Int, _ columns: Int) -> SourcePosition {
        SourcePosition(line: line + lines, column: column + columns)
    }
}

extension YAMLDiagnostic {
    /// The diagnostic with its positions moved down by `lines` and right by `columns`.
    func shifted(_ lines: Int, _ columns: Int) -> YAMLDiagnostic {
        YAMLDiagnostic(kind: kind, message: message, position: position.shifted(lines, columns),
                       related: related.map { $0.shifted(lines, columns) }, nodeIndex: nodeIndex)
    }
}

extension YAMLFile {
    /// A copy holding only the documents at `documentIndices`, in the file `path`, whose nodes
    /// report the positions `position(nodeIndex)` gives (nil keeps a node where it is): for
    /// rendered output mapped back to the files it was rendered from.
    func mapped(to path: String, documents documentIndices: [Int], position: (Int32) -> SourcePosition?) -> YAMLFile {
        let docs = documentIndices.map { i in
            YAMLDocumentInfo(root: documents[i].root, position: position(documents[i].root) ?? documents[i].position)
        }
        return repositioned(path: path, documents: docs, diagnostics: []) { (i: Int, n: inout RawNode) in
            if let p = position(Int32(i)) {
                n.line = UInt32(clamping: p.line)
                n.column = UInt32(clamping: p.column)
            }
        }
    }
}

extension YAMLParser {
    /// Parses generated YAML `text` and places every node at `anchor`'s position in `anchor`'s
    /// file, so that the documents read as if written at that node.
    public static func parseRendered(_ text: String, anchoredAt anchor: YAMLNode) -> YAMLFile {
        parse(bytes: Array(text.utf8), path: anchor.file.path)
            .relocated(to: anchor.file.path, at: anchor.position)
    }
}

/// Where the characters of a scalar's decoded text stand in the file, for text that is itself a
/// small language (a CoreDNS `Corefile`, JSON `stubDomains`, embedded YAML).
///
/// A literal block scalar (`key: |`) keeps its lines: line `i` of the text is line
/// `host.line + 1 + i` of the file (libyaml reports the `|` indicator as the scalar's start), and
/// its columns are shifted by the block's indentation. The indentation is not kept by the parser;
/// it is taken as the key's column plus the file's indentation step (the key's column minus its
/// parent key's column when known, else the two spaces `kubectl` and `istioctl` write). A
/// single-line plain or quoted scalar maps onto its own line. Anything else (folded blocks,
/// multi-line flow scalars) maps every character to the scalar itself.
public struct ScalarTextLayout: Sendable {
    /// The scalar holding the text.
    public let host: YAMLNode
    /// True when positions inside the text are real file positions (not the host's).
    public let isMapped: Bool
    private let firstLine: Int
    private let firstColumn: Int

    /// The layout of `host`'s text; `key` is the mapping key that owns `host`, when there is one,
    /// and `parentKey` the key of the mapping that holds `key` (e.g. `data`), to learn the step.
    public init(host: YAMLNode, key: YAMLNode?, parentKey: YAMLNode? = nil) {
        self.host = host
        // The text is only looked at for single-line styles (a literal block is the common,
        // large case: a kubeconfig in a remote secret).
        var text: String { host.scalar ?? "" }
        switch host.style {
        case .literal:
            var step = 2
            if let key, let parentKey, key.line > parentKey.line, key.column > parentKey.column { step = key.column - parentKey.column }
            let indent = (key?.column ?? max(host.column - step, 1)) + step
            self.isMapped = true
            self.firstLine = host.line + 1
            self.firstColumn = indent
        case .plain where !text.contains("\n"):
            self.isMapped = true
            self.firstLine = host.line
            self.firstColumn = host.column
        case .singleQuoted, .doubleQuoted:
            self.isMapped = !text.contains("\n")
            self.firstLine = host.line
            self.firstColumn = host.column + 1
        default:
            self.isMapped = false
            self.firstLine = host.line
            self.firstColumn = host.column
        }
    }

    /// The file position of the character at 0-based `line` and 0-based `column` (in Unicode
    /// scalars) of the decoded text.
    public func position(line: Int, column: Int) -> SourcePosition {
        guard isMapped else { return host.position }
        if host.style == .literal { return SourcePosition(line: firstLine + line, column: firstColumn + column) }
        return SourcePosition(line: firstLine + line, column: (line == 0 ? firstColumn : 1) + column)
    }

    /// Parses the text as YAML or JSON: at real file positions when they can be mapped (the
    /// parse is shifted by the text's origin in the file), else at positions relative to the
    /// text (use `locate` to point findings).
    public func parse() -> YAMLFile {
        let parsed = YAMLParser.parse(bytes: Array((host.scalar ?? "").utf8), path: host.file.path)
        guard isMapped else { return parsed }
        return parsed.shifted(lines: firstLine - 1, columns: firstColumn - 1)
    }

    /// The node to point a finding at for a node of `parse()`: itself when positions are
    /// mapped, else the host scalar.
    public func locate(_ inner: YAMLNode) -> YAMLNode { isMapped ? inner : host }
}
