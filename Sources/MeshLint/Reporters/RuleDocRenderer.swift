/// Renders a rule's documentation for `meshlint explain` and other text outputs.
public enum RuleDocRenderer {
    /// Plain-text page: title, summary, then each section.
    public static func text(_ d: RuleDoc) -> String {
        var out = "\(d.code) \(d.name) (default severity: \(d.severity.rawValue))\n\n\(d.summary)\n"
        func section(_ title: String, _ body: String) {
            let b = body.trimmingTrailingNewlines
            guard !b.isEmpty else { return }
            out += "\n\(title)\n\(b.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n"))\n"
        }
        section("What it checks", d.description)
        section("Why it breaks traffic", d.rationale)
        section("How to fix", d.fix)
        if !d.models.isEmpty { section("Deployment models", d.models.joined(separator: ", ")) }
        if !d.references.isEmpty { section("References", d.references.joined(separator: "\n")) }
        for (i, e) in d.triggering.enumerated() { section("Example that triggers (\(i + 1)): \(e.description)", exampleText(e)) }
        for (i, e) in d.passing.enumerated() { section("Example that does not trigger (\(i + 1)): \(e.description)", exampleText(e)) }
        return out
    }

    static func exampleText(_ e: RuleDoc.Example) -> String {
        e.files.keys.sorted().map { path in
            "# \(path)\n" + e.files[path]!.trimmingTrailingNewlines
        }.joined(separator: "\n")
    }
}

extension String {
    var trimmingTrailingNewlines: String {
        var s = self
        while s.hasSuffix("\n") { s.removeLast() }
        return s
    }
}
