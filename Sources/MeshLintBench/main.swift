// meshlint-bench: generate a large realistic multicluster config set and measure how fast
// meshlint loads and lints it, against a bare libyaml scan of the same bytes.
//
//   swift run -c release MeshLintBench generate DIR [--resources N] [--clusters C] [--seed S]
//   swift run -c release MeshLintBench run DIR [--repeat K] [--no-lint]
//   swift run -c release MeshLintBench generate-and-run DIR [generate and run options]

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

let usage = """
usage: meshlint-bench generate DIR [--resources N] [--clusters C] [--seed S]
       meshlint-bench run DIR [--repeat K] [--no-lint]
       meshlint-bench generate-and-run DIR [--resources N] [--clusters C] [--seed S] [--repeat K] [--no-lint]
       meshlint-bench dump DIR

generate          writes a deterministic multicluster config set (default 60000 resources,
                  40 clusters, about 27 MB) into DIR; DIR must be empty, new, or an earlier output
run               times a bare libyaml scan, meshlint's load (1 thread and parallel) and the lint
generate-and-run  both (the set is regenerated only when DIR holds another set)
dump              prints everything the loader built for DIR (nodes, diagnostics, resources,
                  findings): loader optimisations must not change it

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
            case "--resources": inv.config.resources = positive(a)
            case "--clusters": inv.config.clusters = positive(a, min: 2)
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
            print(String(format: "meshlint-bench: wrote %d documents in %d files (%.1f MB, %d clusters) to %@ in %.1f s",
                         s.documents, s.files, Double(s.bytes) / 1e6, config.clusters, dir, t.wall))
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
