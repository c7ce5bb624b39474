/// Human-readable output: `file:line:column: severity: message [MC401]`, related locations
/// indented below, a blank line between files, and a summary line. Every path, cluster name and
/// message goes through ``OutputEscaping/text(_:)``, so a finding is always one line of its own.
public enum TextReporter {
    /// Renders a report; `color` adds ANSI colours (the CLI sets it only on a terminal).
    /// `fromWorkingDirectory` prints paths relative to the directory meshlint runs in (the set
    /// root as given in front, as pre-commit names files) instead of relative to the set's root.
    public static func render(_ report: LintReport, color: Bool = false, fromWorkingDirectory: Bool = false) -> String {
        let prefix = fromWorkingDirectory ? Paths.displayPrefix(root: report.set.root) : ""
        func shown(_ file: String) -> String { prefix.isEmpty ? file : Paths.normalise(prefix + file) }
        var out = ""
        var lastFile: String?
        for f in report.findings {
            if let last = lastFile, last != f.file { out += "\n" }
            lastFile = f.file
            let e = OutputEscaping.text
            let loc = "\(e(shown(f.file))):\(f.line):\(f.column):"
            let sev = f.severity.rawValue
            out += color ? "\u{1B}[1m\(loc)\u{1B}[0m \(paint(sev, f.severity)):" : "\(loc) \(sev):"
            out += " \(e(f.message)) [\(e(f.rule))]\n"
            if let c = f.cluster, !f.file.hasPrefix(c + "/") {
                out += "    in cluster \(e(c))\n"
            }
            for r in f.related {
                let where_ = "\(e(shown(r.file))):\(r.line):\(r.column)" + (r.cluster.map { " (\(e($0)))" } ?? "")
                out += "    related: \(where_): \(e(r.message))\n"
            }
            if let fix = f.fix { out += "    fix available: \(e(fix.title)) (meshlint fix)\n" }
        }
        if !report.findings.isEmpty { out += "\n" }
        out += summaryLine(report)
        return out
    }

    static func summaryLine(_ report: LintReport) -> String {
        let s = report.summary
        func n(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        let clusters = report.set.clusters.count
        return "\(n(s.error, "error")), \(n(s.warning, "warning")), \(s.info) info in \(n(s.files, "file")) (\(n(s.resources, "resource")), \(n(clusters, "cluster")))\n"
    }

    static func paint(_ s: String, _ sev: Severity) -> String {
        let code: String
        switch sev {
        case .error: code = "31"
        case .warning: code = "33"
        case .info: code = "36"
        }
        return "\u{1B}[1;\(code)m\(s)\u{1B}[0m"
    }
}
