// The meshlint command line: a thin shell over the MeshLint library.
import ArgumentParser
import Foundation
import MeshLint

/// Output formats of `meshlint lint` (the library's `OutputFormat`).
enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, github

    var output: OutputFormat { OutputFormat(rawValue: rawValue)! }
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
        subcommands: [Lint.self, Graph.self, FixCommand.self, Rules.self, Explain.self],
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

    @Option(help: "Output format: text, json, sarif or github.")
    var format: Format = .text

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding is at or above this severity: error, warning, info or never.")
    var failOn: FailOn = .error

    @Option(help: "Run only these rules (codes or names, comma-separated).")
    var select: String?

    @Option(help: "Configuration file (default: <root>/.meshlint.yaml): per-rule severity or off, ignored paths and clusters.")
    var config: String?

    @Option(help: "Report only findings that are not recorded in this baseline file.")
    var baseline: String?

    @Option(name: .customLong("write-baseline"), help: "Record the current findings in this baseline file (then report what it does not cover: nothing).")
    var writeBaseline: String?

    @Option(name: .customLong("only-changed"), parsing: .upToNextOption,
            help: "Load the whole set but report only findings whose file or related files are among these (for pre-commit).")
    var onlyChanged: [String] = []

    @Option(name: .customLong("new-since"),
            help: "Also lint the set as it was at this git revision and report only findings that are new since then (deletions count; for pre-commit and pull requests).")
    var newSince: String?

    @Option(help: "Colour in text output: auto (on a terminal), always or never.")
    var color: String = "auto"

    @Option(name: .customLong("rules"), help: "Read rule documentation (names, default severities) from this Rules/ directory instead of the built-in one.")
    var rulesDirectory: String?

    @Option(help: "Reference time of certificate expiry checks, RFC 3339 (e.g. 2026-12-01T00:00:00Z); default: now.")
    var now: String?

    /// Set by the entry point when `--only-changed` is followed by another option rather than
    /// by file names (see `preprocess`): the changed files are then among the positional paths.
    @Flag(name: .customLong("only-changed-in-paths"), help: .hidden)
    var onlyChangedInPaths = false

    var onlyChangedGiven: Bool { onlyChangedInPaths || !onlyChanged.isEmpty }

    func run() throws {
        var roots = paths
        var changed = onlyChanged
        if onlyChangedInPaths {
            // pre-commit appends the hook's `args` after the entry's `--only-changed` and the
            // file names after those, so the names land among the positional arguments:
            // directories there are set roots, files are the changed files.
            roots = paths.filter { Self.isDirectory($0) }
            changed = paths.filter { !Self.isDirectory($0) }
        }
        let linter = try makeLinter(select: select, config: config, rulesDirectory: rulesDirectory, now: now)
        let baselineFilter = writeBaseline == nil ? try loadBaseline(baseline) : nil
        var report: LintReport
        do {
            report = try linter.lint(paths: roots, options: LoadOptions(manifestPath: manifest, kustomize: KustomizeCommand.fromPATH()))
        } catch {
            throw InputError(root: roots.first ?? ".", message: error.description, format: format)
        }
        if let nested = report.nestedSet {
            throw InputError(root: roots.first ?? ".", message: nested.message(root: roots.first ?? "."), format: format)
        }
        if let newSince {
            report = report.newSince(try lintRevision(newSince, roots: roots, linter: linter))
        }
        if let writeBaseline {
            let recorded = Baseline(report: report)
            do { try recorded.write(to: writeBaseline) } catch { throw UsageError(description: error.description) }
            FileHandle.standardError.write("meshlint: wrote \(recorded.count) finding(s) to baseline \(OutputEscaping.text(writeBaseline))\n".data(using: .utf8)!)
            report = recorded.apply(to: report)
        } else if let baselineFilter {
            report = baselineFilter.apply(to: report)
        }
        if onlyChangedGiven {
            report = report.onlyChanged(changed)
        }
        let useColor = format == .text && (color == "always" || (color == "auto" && isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil))
        // pre-commit modes name files relative to the repository, as pre-commit passes them.
        let fromWorkingDirectory = onlyChangedGiven || newSince != nil
        print(format.output.render(report, color: useColor, fromWorkingDirectory: fromWorkingDirectory), terminator: "")
        if format == .github, let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty {
            appendStepSummary(GitHubReporter.renderStepSummary(report), to: summary)
        }
        // End the process here, with the report still alive: releasing the set and the graph
        // (millions of nodes and strings, freed one by one) costs seconds on large sets and
        // frees nothing the process exit does not. exit() flushes standard output.
        endProcess(report.fails(at: failOn.severity) ? 1 : 0)
    }

    /// The set as it was at `revision` (an empty report when it did not exist then).
    func lintRevision(_ revision: String, roots: [String], linter: Linter) throws -> LintReport {
        guard roots.count <= 1 else {
            throw UsageError(description: "--new-since takes one set root, not \(roots.count)")
        }
        let (tree, oldManifest) = try GitRevisionTree.materialise(root: roots.first ?? ".", revision: revision, manifest: manifest)
        defer { tree.remove() }
        guard let oldRoot = tree.root else { return linter.lint(documents: []) }
        do {
            return try linter.lint(paths: [oldRoot], options: LoadOptions(manifestPath: oldManifest))
        } catch {
            throw UsageError(description: "--new-since \(revision): the set at that revision cannot be loaded: \(error.description)")
        }
    }

    /// Appends to the job summary file; a failure is a warning on stderr, not a failed lint.
    func appendStepSummary(_ text: String, to path: String) {
        guard let handle = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) else {
            FileHandle.standardError.write("meshlint: cannot write the job summary to \(path)\n".data(using: .utf8)!)
            return
        }
        handle.seekToEndOfFile()
        handle.write(text.data(using: .utf8)!)
        handle.closeFile()
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}

/// The input root could not be loaded (exit code 2).
struct InputError: Error {
    let root: String
    let message: String
    let format: Format
}

/// The rule documentation for `--rules DIR` (the built-in one without it); a bad directory is
/// a usage error.
func loadRuleBook(_ directory: String?) throws -> RuleBook {
    guard let directory else { return .builtin }
    do { return try RuleBook.load(directory: directory) } catch { throw UsageError(description: error.description) }
}

/// The linter `lint`, `graph` and `fix` share: `--select` (codes or names, comma-separated),
/// `--config` and `--rules DIR`; a bad file or rule name is a usage error.
func makeLinter(select: String?, config: String?, rulesDirectory: String? = nil, now: String? = nil) throws -> Linter {
    let only = select.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
    let ruleBook = try loadRuleBook(rulesDirectory)
    var linter: Linter
    do {
        let configuration = try config.map { path throws(LintError) in try LintConfiguration(contentsOfFile: path) }
        linter = try Linter(only: only, configuration: configuration, ruleBook: ruleBook)
    } catch {
        throw UsageError(description: error.description)
    }
    if let now { linter.now = try parseReferenceTime(now) }
    return linter
}

/// `--now`: an RFC 3339 date-time (`2026-12-01T00:00:00Z`, `2026-12-01T09:30:00.5+02:00`).
func parseReferenceTime(_ text: String) throws -> Date {
    let plain = ISO8601DateFormatter()
    plain.formatOptions = [.withInternetDateTime]
    let fractional = ISO8601DateFormatter()
    fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    let t = text.trimmingCharacters(in: .whitespaces).uppercased()   // RFC 3339 allows `t` and `z`
    if let d = plain.date(from: t) ?? fractional.date(from: t) { return d }
    throw UsageError(description: "--now '\(OutputEscaping.text(text))' is not an RFC 3339 date-time (e.g. 2026-12-01T00:00:00Z)")
}

/// The `--baseline` file; a bad file is a usage error.
func loadBaseline(_ path: String?) throws -> Baseline? {
    do { return try path.map { path throws(LintError) in try Baseline(contentsOfFile: path) } } catch {
        throw UsageError(description: error.description)
    }
}

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List every rule: code, name, default severity and summary.")

    @Option(name: .customLong("rules"), help: "Read rule documentation from this Rules/ directory instead of the built-in one.")
    var rulesDirectory: String?

    func run() throws {
        let docs = try loadRuleBook(rulesDirectory).docs
        let nameWidth = docs.map(\.name.count).max() ?? 10
        for d in docs {
            let name = d.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            let sev = d.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
            let e = OutputEscaping.text   // documentation from --rules DIR is not trusted text
            print("\(e(d.code))  \(e(name))  \(sev)  \(e(d.summary))")
        }
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a rule's documentation (by code or name).")

    @Argument(help: "Rule code (MC401) or name (cross-cluster-port).")
    var rule: String

    @Option(name: .customLong("rules"), help: "Read rule documentation from this Rules/ directory instead of the built-in one.")
    var rulesDirectory: String?

    func run() throws {
        let book = try loadRuleBook(rulesDirectory)
        guard let d = book.doc(rule) else {
            let candidates = book.docs.flatMap { [$0.code, $0.name] }
            let hint = Suggest.nearest(rule, in: candidates).map { " (did you mean \($0)?)" } ?? ""
            throw UsageError(description: "unknown rule '\(rule)'\(hint); `meshlint rules` lists them")
        }
        print(OutputEscaping.document(RuleDocRenderer.text(d)), terminator: "")
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

/// Ends the process with `code` (flushing standard output) without releasing anything first.
func endProcess(_ code: Int32) -> Never {
    exit(code)
}

func fail(_ message: String, root: String, format: Format) -> Never {
    let line = format == .github ? GitHubReporter.renderFailure(error: "meshlint: \(message)")
                                 : "meshlint: \(OutputEscaping.text(message))\n"
    FileHandle.standardError.write(line.data(using: .utf8)!)
    if let document = format.output.renderFailure(root: root, error: message) {
        print(document, terminator: "")
    }
    exit(2)
}

/// pre-commit runs `entry + args + file names`, so with `entry: meshlint lint --only-changed`
/// and hook `args` such as `[--format, github]` the file names do not follow `--only-changed`.
/// A bare `--only-changed` (followed by an option or nothing) becomes a hidden flag that makes
/// `lint` take the changed files from its positional arguments.
func preprocess(_ args: [String]) -> [String] {
    var out: [String] = []
    for (i, a) in args.enumerated() {
        if a == "--only-changed", i + 1 == args.count || args[i + 1].hasPrefix("-") {
            out.append("--only-changed-in-paths")
        } else {
            out.append(a)
        }
    }
    return out
}

// The self-contained binary (static Swift runtime) reads its arguments from /proc/self/cmdline;
// without /proc (a bare chroot) it would get none and silently lint the current directory.
if CommandLine.arguments.isEmpty {
    FileHandle.standardError.write("meshlint: no command-line arguments reached meshlint (the self-contained binary reads them from /proc/self/cmdline: mount /proc)\n".data(using: .utf8)!)
    exit(2)
}
let arguments = preprocess(Array(CommandLine.arguments.dropFirst()))
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
