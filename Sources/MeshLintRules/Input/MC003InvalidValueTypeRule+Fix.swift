import MeshLintCore

/// MC003's repair: quote a scalar that must be a string (keeping its text), or write a quoted
/// port number as an integer. Collections have no certain string form: no fix. A Secret's data
/// and a credential-named environment variable get no fix either: the edit would carry the
/// value into the output, and output never holds a secret value (SPEC 7).
extension InvalidValueTypeRule: FixProvider {
    func fix(for finding: Finding, in context: RuleContext) -> Fix? {
        guard let r = context.resource(of: finding), var b = FixBuilder(r.root, sources: context.sources),
              let node = context.node(of: finding, in: r.root), node.isScalar, let text = node.scalar,
              let path = b.path(of: node), !path.isEmpty else { return nil }
        if Self.holdsSecret(finding.fieldPath ?? "", in: r) { return nil }
        let field = finding.fieldPath?.split(separator: ".").last.map(String.init) ?? ""
        if ["port", "nodePort", "containerPort"].contains(field) {
            guard node.resolvedType == .string, let n = Int(text), String(n) == text else { return nil }
            b.replace(at: path, with: .int(n))
            return b.fix("Write the port as a number: \(n)")
        }
        b.replace(at: path, with: .quotedString(text))
        return b.fix("Quote the value: \"\(text)\"")
    }

    /// Whether the value at `fieldPath` is secret: Secret data, or the value of an environment
    /// variable whose name says it holds a credential.
    static func holdsSecret(_ fieldPath: String, in r: Resource) -> Bool {
        if r.kind == "Secret", ["data.", "stringData.", "binaryData."].contains(where: fieldPath.hasPrefix) { return true }
        guard fieldPath.hasSuffix(".value"), fieldPath.contains(".env[") else { return false }
        // Walk `a.b[0].c[1]` down to the env entry and read its name.
        var node: YAMLNode? = r.root
        for part in fieldPath.dropLast(".value".count).split(separator: ".") {
            var key = Substring(part)
            var indices: [Int] = []
            while let open = key.lastIndex(of: "["), key.hasSuffix("]"),
                  let i = Int(key[key.index(after: open)..<key.index(before: key.endIndex)]) {
                indices.insert(i, at: 0)
                key = key[..<open]
            }
            node = node?[String(key)]
            for i in indices {
                guard let n = node, n.isSequence, i < n.items.count else { return true }
                node = n.items[i]
            }
        }
        guard let name = node?["name"]?.text else { return true }
        return looksSecret(name)
    }
}
