// `meshlint fix`: apply the safe fixes the rules propose, then lint again.
import ArgumentParser
import Foundation
import MeshLint

struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Apply the fixes meshlint is certain of, then lint again and report what is left.",
        discussion: """
            Edits are minimal (comments, indentation, quoting, key order and line endings stay) and \
            a file is only written when it still parses as before. Overlapping fixes are applied in \
            later passes. With --diff or --dry-run nothing is written.
            """)

    @Argument(help: "Config set root(s); defaults to the current directory.")
    var paths: [String] = []

    @Option(help: "Manifest assigning files to clusters (default: <root>/meshlint.yaml).")
    var manifest: String?

    @Option(help: "Fix and report only these rules (codes or names, comma-separated).")
    var select: String?

    @Option(help: "Configuration file (default: <root>/.meshlint.yaml).")
    var config: String?

    @Flag(help: "Print the changes as a unified diff instead of writing them.")
    var diff = false

    @Flag(name: .customLong("dry-run"), help: "Report what would be fixed and what would be left, without writing.")
    var dryRun = false

    @Option(help: "Output format of the findings left: text, json, sarif or github.")
    var format: Format = .text

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a finding left is at or above this severity: error, warning, info or never.")
    var failOn: FailOn = .error

    func run() throws {
        let only = select.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        let linter: Linter
        do {
            let configuration = try config.map { path throws(LintError) in try LintConfiguration(contentsOfFile: path) }
            linter = try Linter(only: only, configuration: configuration)
        } catch {
            throw UsageError(description: error.description)
        }
        let result: FixResult
        do {
            result = try linter.fix(paths: paths, options: LoadOptions(manifestPath: manifest))
        } catch {
            throw InputError(root: paths.first ?? ".", message: error.description, format: format)
        }
        for r in result.refused { note("\(r)") }
        let write = !diff && !dryRun
        if write {
            for f in result.files {
                guard let location = f.location else { continue }
                do {
                    try Data(f.fixed).write(to: URL(fileURLWithPath: location), options: .atomic)
                } catch {
                    throw UsageError(description: "\(location): cannot write: \(error.localizedDescription)")
                }
            }
        }
        let verb = write ? "fixed" : "would fix"
        let count = result.fixed.count
        note("\(verb) \(count) finding\(count == 1 ? "" : "s") in \(result.files.count) file\(result.files.count == 1 ? "" : "s")"
             + (result.files.isEmpty ? "" : ": " + result.files.map(\.path).joined(separator: ", ")))
        if diff {
            print(result.diff, terminator: "")
        } else {
            print(format.output.render(result.report, color: false), terminator: "")
        }
        if result.report.fails(at: failOn.severity) { throw ExitCode(1) }
    }

    func note(_ s: String) {
        FileHandle.standardError.write("meshlint: \(s)\n".data(using: .utf8)!)
    }
}
