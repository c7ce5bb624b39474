import MeshLintCore

/// MC601's repair when the cluster's CoreDNS `Corefile` has no server block for the global zone
/// and istiocoredns's clusterIP is in the set: append
/// `<suffix>:53 { errors  cache 30  forward . <clusterIP> }` (`proxy` when the Corefile uses it),
/// indented like the Corefile's own blocks. A file shared by several clusters is left alone:
/// each cluster has its own istiocoredns address.
extension GlobalDNSMissingRule: FixProvider {
    func fix(for finding: Finding, in context: RuleContext) -> Fix? {
        if let fix = retargetFix(finding, context) { return fix }
        guard let c = context.clusterIndex(of: finding), let r = context.resource(of: finding), r.kind == "ConfigMap", !r.isShared,
              let ip = context.graph.traffic.dns[c].istiocorednsClusterIP?.value,
              case .success = IPAddress.parse(ip), let corefile = r.root["data"]?["Corefile"], let text = corefile.scalar,
              var b = FixBuilder(r.root, sources: context.sources) else { return nil }
        let suffix = context.graph.traffic.globalSuffixes[c]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // A block for the zone already exists (then it is wrong in a way a person must judge).
        let zone = suffix.lowercased()
        if lines.contains(where: { l in
            let t = l.drop { $0 == " " || $0 == "\t" }.lowercased()
            return t.hasPrefix(zone + ":") || t.hasPrefix(zone + " ") || t.hasPrefix(zone + "{") || t.hasPrefix(zone + ".:")
        }) { return nil }
        let verb = lines.contains { $0.drop { $0 == " " || $0 == "\t" }.hasPrefix("proxy ") } ? "proxy" : "forward"
        let unit = Self.directiveIndent(lines)
        b.append(lines: ["\(suffix):53 {", "\(unit)errors", "\(unit)cache 30", "\(unit)\(verb) . \(ip)", "}"],
                 toBlockScalarAt: ["data", "Corefile"])
        return b.fix("Forward the \(suffix) zone to istiocoredns (\(ip)) in the Corefile")
    }

    /// A forward of the global zone to an address that is not istiocoredns's clusterIP: point
    /// it at the clusterIP (the address as written is replaced, in a Corefile or stubDomains).
    func retargetFix(_ finding: Finding, _ context: RuleContext) -> Fix? {
        guard let c = context.clusterIndex(of: finding), let ip = context.graph.traffic.dns[c].istiocorednsClusterIP?.value,
              case .success = IPAddress.parse(ip) else { return nil }
        let suffix = context.graph.traffic.globalSuffixes[c]
        guard case .forwarded(let forwarders) = context.graph.traffic.dns[c].resolution(of: suffix) else { return nil }
        for f in forwarders where !f.resource.isImplied && !f.resource.isShared {
            for t in f.targets where t.location.file == finding.file && t.location.line == finding.line && t.location.column == finding.column {
                guard t.ip != nil, var b = FixBuilder(f.resource.root, sources: context.sources),
                      let holder = Self.scalarHolding(t.location, in: f.resource.root), let path = b.path(of: holder) else { return nil }
                b.replaceText(t.text, with: ip, at: t.location.line, column: t.location.column, inScalarAt: path)
                return b.fix("Forward the \(suffix) zone to istiocoredns's clusterIP \(ip)")
            }
        }
        return nil
    }

    /// The scalar of `root`'s document whose text holds `location` (the last one starting at
    /// or before it: block scalars hold the lines that follow their key).
    static func scalarHolding(_ location: SourceLocation, in root: YAMLNode) -> YAMLNode? {
        var best: YAMLNode?
        func walk(_ n: YAMLNode) {
            if n.isScalar, n.position <= SourcePosition(line: location.line, column: location.column),
               best.map({ $0.position < n.position }) ?? true { best = n }
            for (_, v) in n.pairs { walk(v) }
            for i in n.items { walk(i) }
        }
        walk(root)
        return best
    }

    /// The indentation of directives inside the Corefile's first server block (4 spaces when
    /// it has none).
    static func directiveIndent(_ lines: [Substring]) -> String {
        for (i, l) in lines.enumerated() where l.hasSuffix("{") && i + 1 < lines.count {
            let outer = l.prefix { $0 == " " || $0 == "\t" }
            let inner = lines[i + 1].prefix { $0 == " " || $0 == "\t" }
            if inner.count > outer.count && inner.hasPrefix(outer) { return String(inner.dropFirst(outer.count)) }
        }
        return "    "
    }
}
