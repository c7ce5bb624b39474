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

    @Option(help: "Reference time of certificate expiry checks, RFC 3339 (e.g. 2026-12-01T00:00:00Z); default: now.")
    var now: String?

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
        let linter = try makeLinter(select: select, config: config, now: now)
        let result: FixResult
        do {
            result = try linter.fix(paths: paths, options: LoadOptions(manifestPath: manifest))
        } catch {
            throw InputError(root: paths.first ?? ".", message: error.description, format: format)
        }
        for r in result.refused { note("\(r)") }
        let write = !diff && !dryRun
        var report = result.report
        var files = result.files
        var count = result.fixed.count
        if write {
            // Writing through a link would change a file outside the set (or replace the link).
            let links = files.filter { f in f.location.map { (try? FileManager.default.destinationOfSymbolicLink(atPath: $0)) != nil } ?? true }
            for f in links { note("\(f.path): is a symbolic link; its fixes are not written") }
            files.removeAll { f in links.contains { $0.path == f.path } }
            for f in files {
                do {
                    try Data(f.fixed).write(to: URL(fileURLWithPath: f.location!), options: .atomic)
                } catch {
                    throw UsageError(description: "\(f.location!): cannot write: \(error.localizedDescription)")
                }
            }
            if !links.isEmpty {
                let skipped = Set(links.map(\.path))
                count = result.fixed.filter { f in f.fix.map { $0.files.isDisjoint(with: skipped) } ?? false }.count
                do { report = try linter.lint(paths: paths, options: LoadOptions(manifestPath: manifest)) } catch {
                    throw InputError(root: paths.first ?? ".", message: error.description, format: format)
                }
            }
        }
        let verb = write ? "fixed" : "would fix"
        note("\(verb) \(count) finding\(count == 1 ? "" : "s") in \(files.count) file\(files.count == 1 ? "" : "s")"
             + (files.isEmpty ? "" : ": " + files.map(\.path).joined(separator: ", ")))
        if diff {
            print(result.diff, terminator: "")
        } else {
            print(format.output.render(report, color: false), terminator: "")
        }
        if report.fails(at: failOn.severity) { throw ExitCode(1) }
    }

    func note(_ s: String) {
        FileHandle.standardError.write("meshlint: \(s)\n".data(using: .utf8)!)
    }
}
