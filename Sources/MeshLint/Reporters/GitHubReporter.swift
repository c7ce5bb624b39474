/// GitHub Actions workflow commands, one per finding, so findings show as annotations on the
/// pull request: `::error file=east/se.yaml,line=14,col=9,title=MC401 cross-cluster-port::message`.
///
/// error → `::error`, warning → `::warning`, info → `::notice`. Related locations follow the
/// message on their own lines. Paths are relative to the directory meshlint ran in (the set
/// root as given is prefixed), which is how GitHub resolves annotation files. Data is escaped
/// as the runner expects (`%`, CR, LF), property values also `:` and `,`; before that every
/// value goes through ``OutputEscaping/text(_:)``, so no value can end the command's line or
/// start another command (`::add-mask::`, `::error::`). The only line breaks in a message are
/// the ones this reporter puts before related locations, sent as `%0A`.
public enum GitHubReporter {
    /// Renders a report: one command per finding, nothing else.
    public static func render(_ report: LintReport) -> String {
        let prefix = Paths.displayPrefix(root: report.set.root)
        var out = ""
        for f in report.findings {
            let e = OutputEscaping.text
            let file = e(Paths.normalise(prefix + f.file))
            let props = [
                "file=" + escapeProperty(file), "line=\(f.line)", "col=\(f.column)",
                "title=" + escapeProperty(e("\(f.rule) \(f.name)")),
            ].joined(separator: ",")
            var message = e(f.message)
            if let c = f.cluster { message += " (cluster \(e(c)))" }
            for r in f.related {
                let where_ = "\(e(Paths.normalise(prefix + r.file))):\(r.line):\(r.column)" + (r.cluster.map { " (\(e($0)))" } ?? "")
                message += "\nrelated: \(where_): \(e(r.message))"
            }
            out += "::\(command(f.severity)) \(props)::\(escapeData(message))\n"
        }
        return out
    }

    /// A workflow command reporting that meshlint could not run (for stderr on exit code 2).
    public static func renderFailure(error: String) -> String {
        "::error title=meshlint::\(escapeData(OutputEscaping.text(error)))\n"
    }

    /// The workflow command for a severity.
    public static func command(_ s: Severity) -> String {
        switch s {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "notice"
        }
    }

    /// Escapes a command's message.
    public static func escapeData(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// Escapes a property value (`file=`, `title=`).
    public static func escapeProperty(_ s: String) -> String {
        var out = ""
        for ch in escapeData(s).unicodeScalars {
            switch ch {
            case ":": out += "%3A"
            case ",": out += "%2C"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
