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

    /// The job summary for `$GITHUB_STEP_SUMMARY` (GitHub shows only ten error annotations per
    /// step): a heading with the counts and every finding as a row of a Markdown table, with its
    /// related locations. Rows stop before the text would pass `limit` bytes (GitHub accepts 1 MiB
    /// per step); a last line then says how many findings were left out.
    public static func renderStepSummary(_ report: LintReport, limit: Int = 512 * 1024) -> String {
        let prefix = Paths.displayPrefix(root: report.set.root)
        let s = report.summary
        var out = "### meshlint: \(s.error) error(s), \(s.warning) warning(s), \(s.info) info\n\n"
        if report.findings.isEmpty {
            return out + "No findings in \(s.files) file(s) of \(report.set.clusters.count) cluster(s).\n"
        }
        out += "| severity | rule | location | cluster | message | related |\n|---|---|---|---|---|---|\n"
        let tail = "\n_… and %d more finding(s) not shown; the SARIF upload and `meshlint lint` list them all._\n"
        for (i, f) in report.findings.enumerated() {
            let related = f.related.map { r in
                "`\(cell(Paths.normalise(prefix + r.file), code: true)):\(r.line):\(r.column)`" + (r.cluster.map { " (\(cell($0)))" } ?? "") + " \(cell(r.message))"
            }.joined(separator: "<br>")
            let row = "| \(f.severity.rawValue) | \(f.rule) \(cell(f.name)) | `\(cell(Paths.normalise(prefix + f.file), code: true)):\(f.line):\(f.column)` | \(cell(f.cluster ?? "")) | \(cell(f.message)) | \(related) |\n"
            if out.utf8.count + row.utf8.count + tail.utf8.count + 20 > limit {
                return out + tail.replacingOccurrences(of: "%d", with: String(report.findings.count - i))
            }
            out += row
        }
        return out
    }

    /// Text for a Markdown table cell: no line breaks, `|` escaped, HTML and backticks made inert;
    /// outside a code span (`code` false) also the emphasis and link characters.
    static func cell(_ s: String, code: Bool = false) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "|": out += "\\|"
            case _ where !code && "*_[]\\".unicodeScalars.contains(ch): out += "\\" + String(ch)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "`": out += "'"
            case "\n", "\r": out += " "
            default:
                if ch.value < 0x20 || ch.value == 0x7F { out += " " } else { out.unicodeScalars.append(ch) }
            }
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
