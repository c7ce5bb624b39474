import MeshLintCore

/// MC003's repair: quote a scalar that must be a string (keeping its text), or write a quoted
/// port number as an integer. Collections have no certain string form: no fix.
extension InvalidValueTypeRule: FixProvider {
    func fix(for finding: Finding, in context: RuleContext) -> Fix? {
        guard let r = context.resource(of: finding), var b = FixBuilder(r.root, sources: context.sources),
              let node = context.node(of: finding, in: r.root), node.isScalar, let text = node.scalar,
              let path = b.path(of: node), !path.isEmpty else { return nil }
        let field = finding.fieldPath?.split(separator: ".").last.map(String.init) ?? ""
        if ["port", "nodePort", "containerPort"].contains(field) {
            guard node.resolvedType == .string, let n = Int(text), String(n) == text else { return nil }
            b.replace(at: path, with: .int(n))
            return b.fix("Write the port as a number: \(n)")
        }
        b.replace(at: path, with: .quotedString(text))
        return b.fix("Quote the value: \"\(text)\"")
    }
}
