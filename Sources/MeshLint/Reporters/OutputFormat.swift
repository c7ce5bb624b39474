/// The output formats of `meshlint lint`, each a pure function of the report.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// `file:line:column: severity: message [CODE]` lines for people (``TextReporter``).
    case text
    /// The JSON document of SPEC section 4, schemaVersion 1 (``JSONReporter``).
    case json
    /// SARIF 2.1.0 for code scanning (``SARIFReporter``).
    case sarif
    /// GitHub Actions workflow commands, one per finding (``GitHubReporter``).
    case github

    /// Renders `report` in this format; `color` and `fromWorkingDirectory` (paths relative to
    /// the directory meshlint runs in, as pre-commit names files) only affect ``text``.
    public func render(_ report: LintReport, color: Bool = false, fromWorkingDirectory: Bool = false) -> String {
        switch self {
        case .text: return TextReporter.render(report, color: color, fromWorkingDirectory: fromWorkingDirectory)
        case .json: return JSONReporter.render(report)
        case .sarif: return SARIFReporter.render(report)
        case .github: return GitHubReporter.render(report)
        }
    }

    /// What goes to stdout when meshlint cannot run (usage error or unreadable input, exit code
    /// 2): a valid document for the document formats, nothing (nil) for the line formats.
    public func renderFailure(root: String, error: String) -> String? {
        switch self {
        case .json: return JSONReporter.renderFailure(root: root, error: error)
        case .sarif: return SARIFReporter.renderFailure(error: error)
        case .text, .github: return nil
        }
    }
}
