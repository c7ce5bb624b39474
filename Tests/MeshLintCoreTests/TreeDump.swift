@testable import MeshLintCore

/// Every node of `f` in order (kind, style, tag, position, resolved type, scalar text and
/// children), its documents and its diagnostics: two parses that must read alike dump alike.
func treeDump(_ f: YAMLFile) -> [String] {
    var out = f.documents.map { "doc \($0.root) \($0.position.line):\($0.position.column)" }
    for i in 0..<f.nodeCount {
        let n = f.node(Int32(i))
        let kids = n.isMapping ? n.pairs.flatMap { [$0.key.index, $0.value.index] } : n.items.map(\.index)
        out.append("\(i) \(n.kind) \(n.style) \(n.tag ?? "-") \(n.line):\(n.column) \(n.resolvedType) \(n.scalar ?? "") \(kids)")
    }
    out.append("byteCount \(f.byteCount) path \(f.path) diagnostics \(f.diagnostics.count)")
    out += f.diagnostics.map { "\($0.kind) \($0.message) \($0.position.line):\($0.position.column)" }
    return out
}
