// The meshlint command line: a thin shell over the MeshLint library.
import ArgumentParser
import Foundation
import MeshLint

/// Output formats of `meshlint lint`.
enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `--fail-on` thresholds.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case error, warning, info, never

    var severity: Severity? {
        switch self {
        case .error: return .error
        case .warning: return .warning
        case .info: return .info
        case .never: return nil
        }
    }
}

/// A usage error found after parsing (exit code 2, one line on stderr).
struct UsageError: Error, CustomStringConvertible {
    let description: String
}

struct MeshLintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meshlint",
        abstract: "Static checker for multicluster Istio service-mesh configuration.",
        version: MeshLintVersion.version,
        subcommands: [Lint.self, Rules.self, Explain.self],
        defaultSubcommand: Lint.self
    )
}

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a multicluster config set (one directory per cluster, or a meshlint.yaml manifest).")

    @Argument(help: "Config set root(s); defaults to the current directory.")
    var paths: [String] = []

    @Option(help: "Manifest assigning files to clusters (default: <root>/meshlint.yaml).")
    var manifest: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity: error, warning, info or never.")
    var failOn: FailOn = .error

    @Option(help: "Run only these rules (codes or names, comma-separated).")
    var select: String?

    @Option(help: "Colour in text output: auto (on a terminal), always or never.")
    var color: String = "auto"

    func run() throws {
        let only = select.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        let linter: Linter
        do {
            linter = try Linter(only: only)
        } catch {
            throw UsageError(description: error.description)
        }
        let report: LintReport
        do {
            report = try linter.lint(paths: paths, options: LoadOptions(manifestPath: manifest))
        } catch {
            throw InputError(root: paths.first ?? ".", message: error.description, format: format)
        }
        switch format {
        case .text:
            let useColor = color == "always" || (color == "auto" && isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
            print(TextReporter.render(report, color: useColor), terminator: "")
        case .json:
            print(JSONReporter.render(report), terminator: "")
        }
        if report.fails(at: failOn.severity) { throw ExitCode(1) }
    }
}

/// The input root could not be loaded (exit code 2).
struct InputError: Error {
    let root: String
    let message: String
    let format: Format
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every rule: code, name, default severity and summary.")

    func run() throws {
        let docs = RuleCatalog.docs
        let nameWidth = docs.map(\.name.count).max() ?? 10
        for d in docs {
            let name = d.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let sev = d.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
            print("\(d.code)  \(name)  \(sev)  \(d.summary)")
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a rule's documentation (by code or name).")

    @Argument(help: "Rule code (MC401) or name (cross-cluster-port).")
    var rule: String

    func run() throws {
        guard let d = RuleCatalog.doc(rule) else {
            let candidates = RuleCatalog.docs.flatMap { [$0.code, $0.name] }
            let hint = Suggest.nearest(rule, in: candidates).map { " (did you mean \($0)?)" } ?? ""
            throw UsageError(description: "unknown rule '\(rule)'\(hint); `meshlint rules` lists them")
        }
        print(RuleDocRenderer.text(d), terminator: "")
    }
}

// MARK: - Entry point with SPEC exit codes (0 clean, 1 findings, 2 usage or input error)

func requestedFormat(_ args: [String]) -> Format {
    var i = 0
    while i < args.count {
        let a = args[i]
        if a == "--format", i + 1 < args.count { return Format(rawValue: args[i + 1]) ?? .text }
        if a.hasPrefix("--format=") { return Format(rawValue: String(a.dropFirst(9))) ?? .text }
        i += 1
    }
    return .text
}

func fail(_ message: String, root: String, format: Format) -> Never {
    FileHandle.standardError.write("meshlint: \(message)\n".data(using: .utf8)!)
    if format == .json {
        print(JSONReporter.renderFailure(root: root, error: message), terminator: "")
    }
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    var command = try MeshLintCommand.parseAsRoot(arguments)
    try command.run()
} catch let e as InputError {
    fail(e.message, root: e.root, format: e.format)
} catch let e as UsageError {
    fail(e.description, root: ".", format: requestedFormat(arguments))
} catch let e as ExitCode {
    exit(e.rawValue)
} catch {
    let code = MeshLintCommand.exitCode(for: error)
    if code == .success {
        MeshLintCommand.exit(withError: error)
    }
    let message = MeshLintCommand.message(for: error)
    if message.isEmpty { MeshLintCommand.exit(withError: error) }
    fail(message.split(separator: "\n").first.map(String.init) ?? message, root: ".", format: requestedFormat(arguments))
}
