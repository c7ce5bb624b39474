// `meshlint graph`: the topology of a config set with its findings drawn on it.
import ArgumentParser
import Foundation
import MeshLint

/// Output formats of `meshlint graph`.
enum GraphFormat: String, ExpressibleByArgument, CaseIterable {
    case dot, mermaid, svg, html
}

/// Who lays out the SVG (and the SVG inside the HTML).
enum GraphLayout: String, ExpressibleByArgument, CaseIterable {
    case meshlint, dot
}

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw the cross-cluster topology (networks, clusters, gateways, discovery and traffic edges) with every finding on the node or edge it concerns.")

    @Argument(help: "Config set root(s); defaults to the current directory.")
    var paths: [String] = []

    @Option(help: "Reference time of certificate expiry checks, RFC 3339 (e.g. 2026-12-01T00:00:00Z); default: now.")
    var now: String?

    @Option(help: "Manifest assigning files to clusters (default: <root>/meshlint.yaml).")
    var manifest: String?

    @Option(help: "Output format: dot, mermaid, svg or html.")
    var format: GraphFormat = .dot

    @Option(help: "Write to this file instead of standard output.")
    var output: String?

    @Option(help: "Who lays out svg and html: meshlint (default, deterministic) or dot (Graphviz, must be on PATH).")
    var layout: GraphLayout = .meshlint

    @Flag(help: "Draw every cluster and edge even in meshes of 100 or more clusters (otherwise aggregated by network, only edges with findings).")
    var all = false

    @Option(help: "Run only these rules (codes or names, comma-separated).")
    var select: String?

    @Option(help: "Configuration file (default: <root>/.meshlint.yaml): per-rule severity or off, ignored paths and clusters.")
    var config: String?

    @Option(help: "Draw only findings that are not recorded in this baseline file.")
    var baseline: String?

    @Option(name: .customLong("rules"), help: "Read rule documentation from this Rules/ directory instead of the built-in one.")
    var rulesDirectory: String?

    func run() throws {
        let linter = try makeLinter(select: select, config: config, rulesDirectory: rulesDirectory, now: now)
        let baselineFilter = try loadBaseline(baseline)
        if layout == .dot && (format == .svg || format == .html) && Self.graphviz() == nil {
            throw UsageError(description: "--layout dot needs Graphviz's `dot` on PATH (apt-get install graphviz)")
        }
        var report: LintReport
        do {
            report = try linter.lint(paths: paths, options: LoadOptions(manifestPath: manifest))
        } catch {
            throw InputError(root: paths.first ?? ".", message: error.description, format: .text)
        }
        if let baselineFilter { report = baselineFilter.apply(to: report) }
        var topology = Topology(report: report)
        if topology.isLarge && !all { topology = topology.aggregatedByNetwork() }

        let text: String
        switch format {
        case .dot: text = DOTRenderer().render(topology)
        case .mermaid: text = MermaidRenderer().render(topology)
        case .svg: text = try svg(topology)
        case .html: text = HTMLRenderer().render(topology, svg: try svg(topology), layout: layoutName)
        }
        if let output {
            do { try text.write(toFile: output, atomically: true, encoding: .utf8) } catch {
                throw UsageError(description: "\(output): cannot write: \(error.localizedDescription)")
            }
        } else {
            print(text, terminator: "")
        }
    }

    var layoutName: String { layout == .dot ? "Graphviz dot" : "meshlint (deterministic)" }

    func svg(_ t: Topology) throws -> String {
        guard layout == .dot, let dot = Self.graphviz() else { return SVGRenderer().render(t) }
        return try Self.run(dot, arguments: ["-Tsvg"], input: DOTRenderer().render(t))
    }

    /// `dot` on PATH.
    static func graphviz() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(dir)/dot"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs `tool` with `input` in a temporary file (no pipe to deadlock on) and returns its output.
    static func run(_ tool: String, arguments: [String], input: String) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("meshlint-graph-\(ProcessInfo.processInfo.processIdentifier).dot")
        try input.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments + [file.path]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let why = String(decoding: errors, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "exit \(p.terminationStatus)"
            throw UsageError(description: "dot failed: \(why)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
