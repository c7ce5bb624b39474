// meshlint-bench: generate a large realistic multicluster config set and measure how fast
// meshlint loads and lints it, against a bare libyaml scan of the same bytes.
//
//   swift run -c release MeshLintBench generate DIR [--clusters C] [--services S] [--secret-bytes B]
//                                                    [--resources N] [--no-faults] [--seed S]
//   swift run -c release MeshLintBench run DIR [--repeat K] [--no-lint]
//   swift run -c release MeshLintBench generate-and-run DIR [generate and run options]
//   swift run -c release MeshLintBench lint DIR      (the whole lint once, for profilers)
//   swift run -c release MeshLintBench dump DIR

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

import MeshLint

let usage = """
usage: meshlint-bench generate DIR [--clusters C] [--services S] [--secret-bytes B] [--resources N]
                                   [--no-faults] [--seed S]
       meshlint-bench run DIR [--repeat K] [--no-lint]
       meshlint-bench generate-and-run DIR [generate options] [--repeat K] [--no-lint]
       meshlint-bench lint DIR
       meshlint-bench graph-and-rules DIR K
       meshlint-bench dump DIR

generate          writes a deterministic multi-primary, multi-network mesh into DIR (DIR must be
                  empty, new, or an earlier output): C clusters (default 10, at most 1024) with
                  full-mesh remote secrets (B bytes of credentials each, default 1400), S
                  applications per cluster (default 100; --resources N asks for about N resources
                  in all instead) and, with 8 clusters or more, six injected faults
run               times a bare libyaml scan, meshlint's load (1 thread and parallel) and the whole
                  lint (load + graph + rules + JSON render), and checks that the findings are
                  exactly the injected faults (exit 1 otherwise)
generate-and-run  both (the set is regenerated only when DIR holds another set)
lint              the whole lint once, nothing else (to run under perf or valgrind)
graph-and-rules   loads DIR once, then builds the graph and runs the rules K times (to profile
                  the part after loading)
dump              prints everything the loader built for DIR (nodes, diagnostics, resources,
                  findings): optimisations must not change it

"""

func printError(_ message: String) {
    var m = message
    m.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

func fail(_ message: String) -> Never {
    printError("meshlint-bench: \(message)\n")
    exit(2)
}

let marker = ".meshlint-bench"

struct Invocation {
    var command = ""
    var dir = ""
    var config = GeneratorConfig()
    var options = BenchOptions()

    static func parse(_ arguments: [String]) -> Invocation {
        var inv = Invocation()
        if arguments.count == 3 && arguments[0] == "rss", let phase = Int(arguments[1]) {
            // Internal: one phase in a fresh process, for its peak RSS.
            do { try runPhaseForRSS(phase: phase, dir: arguments[2]) } catch { fail("\(error)") }
        }
        if arguments.count == 2 && arguments[0] == "lint" {
            do {
                let (report, json) = try wholeLint(arguments[1], linter: Linter())
                print("meshlint-bench: \(report.findings.count) findings, \(json.utf8.count) bytes of JSON")
            } catch { fail("\(error)") }
            exit(0)
        }
        if arguments.count == 3 && arguments[0] == "graph-and-rules", let k = Int(arguments[2]), k > 0 {
            // Loads once, then builds the graph and runs every rule K times: a profile of this
            // shows the part after loading without the loader's samples.
            do {
                let set = try ConfigSetLoader(options: LoadOptions(parallel: true)).load(paths: [arguments[1]])
                let linter = try Linter()
                var findings = 0
                for _ in 0..<k { findings = linter.lint(set).findings.count }
                print("meshlint-bench: \(findings) findings, graph and rules \(k) times")
            } catch { fail("\(error)") }
            exit(0)
        }
        if arguments.count == 2 && arguments[0] == "dump" {
            do { try dumpSet(arguments[1]) } catch { fail("\(error)") }
            exit(0)
        }
        guard let command = arguments.first, ["generate", "run", "generate-and-run"].contains(command) else {
            if arguments.first == "--help" || arguments.first == "-h" { print(usage); exit(0) }
            printError(usage)
            exit(2)
        }
        inv.command = command
        let args = Array(arguments.dropFirst())
        var dir: String?
        var resources: Int?
        var i = 0
        func value(_ flag: String) -> String {
            i += 1
            guard i < args.count else { fail("\(flag) needs a value") }
            return args[i]
        }
        func positive(_ flag: String, min: Int = 1) -> Int {
            guard let n = Int(value(flag)), n >= min else { fail("\(flag) needs an integer >= \(min)") }
            return n
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "--resources": resources = positive(a)
            case "--clusters":
                inv.config.clusters = positive(a, min: 2)
                if inv.config.clusters > GeneratorConfig.maxClusters { fail("--clusters is at most \(GeneratorConfig.maxClusters)") }
            case "--services": inv.config.services = positive(a)
            case "--secret-bytes": inv.config.secretBytes = positive(a, min: 64)
            case "--no-faults": inv.config.faults = false
            case "--seed":
                guard let s = UInt64(value(a)) else { fail("--seed needs an unsigned integer") }
                inv.config.seed = s
            case "--repeat": inv.options.repeats = positive(a)
            case "--no-lint": inv.options.lint = false
            case "-h", "--help": print(usage); exit(0)
            default:
                if a.hasPrefix("-") || dir != nil { fail("unexpected argument '\(a)'\n" + usage) }
                dir = a
            }
            i += 1
        }
        guard let dir else { fail("missing DIR\n" + usage) }
        if let resources {
            // About 4.5 resources per application, plus the install and n-1 remote secrets per cluster.
            let perCluster = resources / inv.config.clusters - (inv.config.clusters - 1) - 30
            inv.config.services = max(1, perCluster * 2 / 9)
        }
        inv.dir = dir
        return inv
    }

    /// Generates the set into `dir` unless it already holds the same one (when `reuse`).
    func generate(reuse: Bool) {
        let markerPath = dir + "/" + marker
        var st = stat()
        if stat(dir, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { fail("\(dir) is not a directory") }
            let existing = readText(markerPath)
            if reuse && existing == config.fingerprint {
                print("meshlint-bench: \(dir) already holds this set (\(config.fingerprint.dropLast())); not regenerated")
                return
            }
            if existing == nil && !isEmptyDirectory(dir) {
                fail("\(dir) is not empty and was not written by meshlint-bench; refusing to write into it")
            }
            if existing != nil { removeContents(dir) }
        } else {
            do { try makeDirectory(dir) } catch { fail("\(error)") }
        }
        let config = self.config, dir = self.dir
        let (summary, t) = Clock.measure { () -> Result<GeneratorSummary, Error> in
            Result { try Generator(config: config).write(to: dir) }
        }
        switch summary {
        case .success(let s):
            do { try writeFile(markerPath, Array(config.fingerprint.utf8)) } catch { fail("\(error)") }
            print(String(format: "meshlint-bench: wrote %d documents in %d files (%.1f MB, %d clusters x %d services) to %@ in %.1f s",
                         s.documents, s.files, Double(s.bytes) / 1e6, config.clusters, config.services, dir, t.wall))
        case .failure(let e):
            fail("\(e)")
        }
    }

    func run() -> Never {
        switch command {
        case "generate":
            generate(reuse: false)
            exit(0)
        case "run":
            do { exit(try Bench.run(dir: dir, options: options)) } catch { fail("\(error)") }
        default:
            generate(reuse: true)
            do { exit(try Bench.run(dir: dir, options: options)) } catch { fail("\(error)") }
        }
    }
}

extension GeneratorConfig {
    /// The configuration a marker file records (nil for another version or a foreign file).
    init?(fingerprint: String) {
        var fields: [Substring: Substring] = [:]
        for word in fingerprint.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            guard let eq = word.firstIndex(of: "=") else { continue }
            fields[word[..<eq]] = word[word.index(after: eq)...]
        }
        guard fingerprint.hasPrefix("meshlint-bench v\(Self.version) "),
              let c = fields["clusters"].flatMap({ Int($0) }), let s = fields["services"].flatMap({ Int($0) }),
              let b = fields["secret-bytes"].flatMap({ Int($0) }), let f = fields["faults"].flatMap({ Bool(String($0)) }),
              let seed = fields["seed"].flatMap({ UInt64($0) }) else { return nil }
        self.init(clusters: c, services: s, secretBytes: b, faults: f, seed: seed)
        guard self.fingerprint == fingerprint else { return nil }
    }
}

func readText(_ path: String) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var out = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
}

func entries(_ dir: String) -> [String] {
    guard let d = opendir(dir) else { return [] }
    defer { closedir(d) }
    var names: [String] = []
    while let ent = readdir(d) {
        let name = withUnsafeBytes(of: ent.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        if name != "." && name != ".." { names.append(name) }
    }
    return names
}

func isEmptyDirectory(_ dir: String) -> Bool { entries(dir).isEmpty }

/// Removes an earlier generator output (only what the generator writes: cluster directories of
/// .yaml files and the marker).
func removeContents(_ dir: String) {
    for name in entries(dir) {
        let p = dir + "/" + name
        var st = stat()
        guard lstat(p, &st) == 0 else { continue }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for f in entries(p) where f.hasSuffix(".yaml") { unlink(p + "/" + f) }
            rmdir(p)
        } else if name == marker || name.hasSuffix(".yaml") {
            unlink(p)
        }
    }
}

Invocation.parse(Array(CommandLine.arguments.dropFirst())).run()
