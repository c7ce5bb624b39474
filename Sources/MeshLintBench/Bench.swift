// The benchmark: in one process, on the same files, it times
//   - a bare libyaml event scan (read the file, yaml_parser_parse until STREAM-END,
//     yaml_event_delete; nothing else), single-threaded and on all cores,
//   - meshlint's ConfigSetLoader.load into the tree, single-threaded and parallel,
//   - the whole lint as `meshlint lint --format json` runs it (parallel load, Linter.lint,
//     JSON render), with its steps, and the graph and the rules measured apart,
// each repeated (interleaved, so background load on a shared machine hits every phase alike),
// and reports CPU time (getrusage user+sys), wall time, the ratios to the 1-thread bare scan,
// the time per resource and peak RSS. On a generated set it checks that the findings are
// exactly the injected faults.

import CYAML
import Dispatch
import Foundation
import MeshLint

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

struct Sample {
    var cpu: Double
    var wall: Double
}

#if canImport(Glibc) || canImport(Musl)
private let rusageSelf = __rusage_who_t(RUSAGE_SELF.rawValue)
#else
private let rusageSelf = RUSAGE_SELF
#endif

enum Clock {
    static func cpu() -> Double {
        var ru = rusage()
        getrusage(rusageSelf, &ru)
        return seconds(ru.ru_utime) + seconds(ru.ru_stime)
    }

    static func wall() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    private static func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }

    /// Peak resident set size of the process so far, in bytes (ru_maxrss is in KiB on Linux).
    static func maxRSS() -> Int {
        var ru = rusage()
        getrusage(rusageSelf, &ru)
        #if canImport(Darwin)
        return Int(ru.ru_maxrss)
        #else
        return Int(ru.ru_maxrss) * 1024
        #endif
    }

    /// The peak RSS of this process's own address space in bytes: VmHWM from /proc/self/status
    /// on Linux, where ru_maxrss of an exec'd child still holds the parent's peak (the kernel
    /// carries it across execve); ru_maxrss elsewhere.
    static func ownPeakRSS() -> Int {
        if let f = fopen("/proc/self/status", "r") {
            defer { fclose(f) }
            var line = [CChar](repeating: 0, count: 256)
            while fgets(&line, Int32(line.count), f) != nil {
                let s = String(cString: line)
                if s.hasPrefix("VmHWM:"), let kb = Int(String(s.dropFirst(6).filter(\.isNumber))) { return kb * 1024 }
            }
        }
        return maxRSS()
    }

    static func measure<T>(_ body: () throws -> T) rethrows -> (T, Sample) {
        let c0 = cpu(), w0 = wall()
        let r = try body()
        let w1 = wall(), c1 = cpu()
        return (r, Sample(cpu: c1 - c0, wall: w1 - w0))
    }
}

/// The bare libyaml scan: the lower bound for any loader built on libyaml's event API.
enum BareScan {
    /// Reads `path` with one `read` into a buffer of the file's size, then pulls every event.
    /// Returns the number of events (so the work cannot be optimised away).
    static func scan(_ path: String) -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return 0 }
        var st = stat()
        guard fstat(fd, &st) == 0 else { close(fd); return 0 }
        let size = Int(st.st_size)
        let bytes = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buf, count in
            var off = 0
            while off < size {
                let n = read(fd, buf.baseAddress! + off, size - off)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                off += n
            }
            count = off
        }
        close(fd)
        var events = 0
        bytes.withUnsafeBufferPointer { buf in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) != 0 else { return }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) != 0 {
                let done = event.type == YAML_STREAM_END_EVENT
                yaml_event_delete(&event)
                events += 1
                if done { break }
            }
        }
        return events
    }

    static func run(_ paths: [String], parallel: Bool) -> Int {
        if !parallel {
            var total = 0
            for p in paths { total += scan(p) }
            return total
        }
        final class Counts: @unchecked Sendable { var n: [Int]; init(_ c: Int) { n = Array(repeating: 0, count: c) } }
        let counts = Counts(paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { i in counts.n[i] = scan(paths[i]) }
        return counts.n.reduce(0, +)
    }
}

/// Runs `meshlint-bench rss PHASE DIR` in a child process and returns its peak RSS in bytes (0 on failure).
func childPeakRSS(phase: Int, dir: String) -> Int {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/proc/self/exe")
    if !FileManager.default.isExecutableFile(atPath: "/proc/self/exe") {
        p.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    }
    p.arguments = ["rss", String(phase), dir]
    let out = Pipe()
    p.standardOutput = out
    do { try p.run() } catch { return 0 }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
}

/// What `meshlint lint --format json` does: load (parallel), lint (graph, rules, suppressions,
/// report order), render the JSON document.
/// With `reusesRepeatedDocuments: false` every repeated document is parsed again, which shows
/// what a resource costs apart from how often the set repeats itself.
func wholeLint(_ dir: String, linter: Linter, reusesRepeatedDocuments: Bool = true) throws -> (LintReport, String) {
    let options = LoadOptions(parallel: true, reusesRepeatedDocuments: reusesRepeatedDocuments)
    let set = try ConfigSetLoader(options: options).load(paths: [dir])
    let report = linter.lint(set)
    return (report, OutputFormat.json.render(report))
}

/// The child side of `childPeakRSS`: runs one phase once and prints its peak RSS in bytes.
func runPhaseForRSS(phase: Int, dir: String) throws -> Never {
    switch phase {
    case 0, 1: _ = BareScan.run(listConfigFiles(dir), parallel: phase == 1)
    case 2, 3: _ = try ConfigSetLoader(options: LoadOptions(parallel: phase == 3)).load(paths: [dir])
    case 4: _ = try ConfigSetLoader(options: LoadOptions(parallel: false, reusesRepeatedDocuments: false)).load(paths: [dir])
    case 5: _ = try wholeLint(dir, linter: Linter())
    case 11: _ = try wholeLint(dir, linter: Linter(), reusesRepeatedDocuments: false)
    default: break
    }
    print(Clock.ownPeakRSS())
    exit(0)
}

/// Lists the files the loader would read, in its order (same walk rules: .yaml/.yml/.json, no hidden).
func listConfigFiles(_ root: String) -> [String] {
    var out: [String] = []
    func visit(_ dir: String) {
        guard let d = opendir(dir) else { return }
        var names: [String] = []
        while let ent = readdir(d) {
            let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        closedir(d)
        for name in names.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let p = dir + "/" + name
            var st = stat()
            guard stat(p, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                visit(p)
            } else if let dot = name.lastIndex(of: "."),
                      ["yaml", "yml", "json"].contains(name[name.index(after: dot)...].lowercased()) {
                out.append(p)
            }
        }
    }
    visit(root)
    return out
}

struct PhaseResult {
    let name: String
    var samples: [Sample] = []
    var peakRSS = 0
    var note = ""

    func minCPU() -> Double { samples.map(\.cpu).min() ?? 0 }
    func medianCPU() -> Double { median(samples.map(\.cpu)) }
    func minWall() -> Double { samples.map(\.wall).min() ?? 0 }
    func medianWall() -> Double { median(samples.map(\.wall)) }
}

func median(_ xs: [Double]) -> Double {
    guard !xs.isEmpty else { return 0 }
    let s = xs.sorted()
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

struct BenchOptions {
    var repeats = 5
    var lint = true
}

enum Bench {
    /// The faults the generator injected into `dir` (nil when `dir` was not written by it).
    static func injectedFaults(_ dir: String) -> [InjectedFault]? {
        guard let text = readText(dir + "/" + marker), let config = GeneratorConfig(fingerprint: text) else { return nil }
        return Generator(config: config).faults
    }

    static func run(dir: String, options: BenchOptions) throws -> Int32 {
        let paths = listConfigFiles(dir)
        guard !paths.isEmpty else {
            printError("meshlint-bench: no .yaml/.yml/.json files under \(dir)\n")
            return 2
        }
        var totalBytes = 0
        for p in paths {
            var st = stat()
            if stat(p, &st) == 0 { totalBytes += Int(st.st_size) }
        }
        let cores = sysconf(Int32(_SC_NPROCESSORS_ONLN))

        // Warm the page cache and check that the loader sees the same files.
        let events = BareScan.run(paths, parallel: false)
        let (fileCount, resourceCount, documentCount, nodeCount, diagnostics, clusterCount) = try {
            let probe = try ConfigSetLoader(options: LoadOptions(parallel: true)).load(paths: [dir])
            return (probe.files.count, probe.resources.count, probe.files.reduce(0) { $0 + $1.documents.count },
                    probe.files.reduce(0) { $0 + $1.nodeCount }, probe.files.reduce(0) { $0 + $1.diagnostics.count },
                    probe.clusters.count)
        }()
        print("meshlint-bench: \(dir)")
        print(String(format: "  set: %.1f MB in %d files, %d clusters, %d documents, %d resources, %d nodes, %d libyaml events%@",
                     Double(totalBytes) / 1e6, fileCount, clusterCount, documentCount, resourceCount, nodeCount, events,
                     diagnostics > 0 ? ", \(diagnostics) YAML diagnostics" : ""))
        print("  machine: \(cores) cores online; \(options.repeats) repetitions per phase, interleaved\n")
        if fileCount != paths.count {
            printError("meshlint-bench: warning: loader read \(fileCount) files, bare scan \(paths.count)\n")
        }

        var phases = [
            PhaseResult(name: "libyaml bare scan, 1 thread"),
            PhaseResult(name: "libyaml bare scan, all cores"),
            PhaseResult(name: "load, 1 thread"),
            PhaseResult(name: "load, parallel"),
            // What the load costs when every repeated document is parsed again.
            PhaseResult(name: "load, 1 thread, every copy parsed"),
        ]
        // The whole lint and its steps (the steps of one run of it, then the graph and the
        // rules measured apart on the same loaded set).
        let whole = phases.count
        if options.lint {
            phases += [PhaseResult(name: "WHOLE LINT (lint --format json)"),
                       PhaseResult(name: "  load, parallel"),
                       PhaseResult(name: "  lint (graph+rules+report)"),
                       PhaseResult(name: "    graph (MeshGraph)"),
                       PhaseResult(name: "    rules (all, parallel)"),
                       PhaseResult(name: "  JSON render"),
                       // The same, with every repeated document parsed again: the cost of a
                       // resource apart from how much the set repeats (the larger the mesh, the
                       // more copies of each remote secret).
                       PhaseResult(name: "WHOLE LINT, every copy parsed")]
        }
        let wholeUncached = whole + 6
        /// The phases timed directly (the whole lint's steps are filled in by its run).
        func timedDirectly(_ i: Int) -> Bool { i <= whole || i == wholeUncached }
        let loader1 = ConfigSetLoader(options: LoadOptions(parallel: false))
        let loaderN = ConfigSetLoader(options: LoadOptions(parallel: true))
        let loaderUncached = ConfigSetLoader(options: LoadOptions(parallel: false, reusesRepeatedDocuments: false))
        let linter = try Linter()
        let active = linter.rules.compactMap { r in linter.descriptor(for: r).map { (rule: r, descriptor: $0) } }
        var findings: [Finding] = []
        var jsonBytes = 0

        for _ in 0..<options.repeats {
            for i in phases.indices where timedDirectly(i) {
                var sample: Sample
                switch i {
                case wholeUncached:
                    (_, sample) = try Clock.measure { try wholeLint(dir, linter: linter, reusesRepeatedDocuments: false) }
                case 0: (_, sample) = Clock.measure { BareScan.run(paths, parallel: false) }
                case 1: (_, sample) = Clock.measure { BareScan.run(paths, parallel: true) }
                case 2, 3, 4:
                    let loader = [loader1, loaderN, loaderUncached][i - 2]
                    var set: ConfigSet?
                    (set, sample) = try Clock.measure { try loader.load(paths: [dir]) }
                    precondition(set!.resources.count == resourceCount)
                    set = nil
                default:
                    // The whole pipeline, timed as one and step by step.
                    let c0 = Clock.cpu(), w0 = Clock.wall()
                    let (set, s1) = try Clock.measure { try loaderN.load(paths: [dir]) }
                    let (report, s2) = Clock.measure { linter.lint(set) }
                    let (json, s3) = Clock.measure { OutputFormat.json.render(report) }
                    sample = Sample(cpu: Clock.cpu() - c0, wall: Clock.wall() - w0)
                    findings = report.findings
                    jsonBytes = json.utf8.count
                    phases[whole + 1].samples.append(s1)
                    phases[whole + 2].samples.append(s2)
                    phases[whole + 5].samples.append(s3)
                    let (graph, s4) = Clock.measure { MeshGraph(set: set) }
                    let (_, s5) = Clock.measure { RuleEngine.run(active, on: set, graph: graph) }
                    phases[whole + 3].samples.append(s4)
                    phases[whole + 4].samples.append(s5)
                }
                phases[i].samples.append(sample)
            }
        }

        // Each rule alone, once, single-threaded: the longest one bounds the rule phase's wall time.
        var ruleTimes: [(code: String, seconds: Double)] = []
        if options.lint {
            let set = try loaderN.load(paths: [dir])
            let graph = MeshGraph(set: set)
            for (rule, descriptor) in active {
                let (_, s) = Clock.measure { rule.check(RuleContext(set: set, graph: graph, rule: descriptor)) }
                ruleTimes.append((rule.code, s.cpu))
            }
            ruleTimes.sort { $0.seconds > $1.seconds }
        }

        // Peak RSS: ru_maxrss only grows, so each phase runs once more in a fresh child process.
        let idleRSS = childPeakRSS(phase: -1, dir: dir)
        for i in phases.indices where timedDirectly(i) { phases[i].peakRSS = childPeakRSS(phase: i, dir: dir) }

        let bareCPU = max(phases[0].minCPU(), 1e-9), bareWall = max(phases[0].minWall(), 1e-9)
        func ms(_ s: Double) -> String { String(format: "%8.1f", s * 1000) }
        let header = "  phase                             CPU min  CPU med wall min wall med  CPU/scan wall/scan  us/res  peak RSS"
        print(header)
        print("  " + String(repeating: "-", count: header.count - 2))
        for (i, p) in phases.enumerated() {
            let name = p.name.padding(toLength: 31, withPad: " ", startingAt: 0)
            let perResource = String(format: "%7.1f", p.minCPU() / Double(max(resourceCount, 1)) * 1e6)
            let rss = timedDirectly(i) ? String(format: "%6.0f MB", Double(p.peakRSS) / 1_048_576) : ""
            print("  \(name) \(ms(p.minCPU())) \(ms(p.medianCPU())) \(ms(p.minWall())) \(ms(p.medianWall()))"
                  + String(format: "  %7.2fx  %7.2fx", p.minCPU() / bareCPU, p.minWall() / bareWall)
                  + " \(perResource)  \(rss)")
        }
        print("  (times in ms, min and median of the repetitions; CPU = user+sys of all threads; ratios = min")
        print("   over the min of the 1-thread bare scan, CPU to CPU and wall to wall; us/res = CPU per resource;")
        print(String(format: "   peak RSS = VmHWM of a fresh process running the phase once; idle process: %.0f MB)",
                     Double(idleRSS) / 1_048_576))
        print("")
        print(String(format: "  load / bare scan, CPU, 1 thread: %.2fx (min) %.2fx (median); parsing every repeated document again: %.2fx (min)",
                     phases[2].minCPU() / bareCPU, phases[2].medianCPU() / max(phases[0].medianCPU(), 1e-9), phases[4].minCPU() / bareCPU))
        guard options.lint else { return 0 }
        let p = phases[whole]
        print(String(format: "  WHOLE LINT / bare scan (1 thread): CPU %.2fx (target <= 2.0x at 100x200), wall %.2fx (target <= 1.0x)",
                     p.minCPU() / bareCPU, p.minWall() / bareWall))
        print(String(format: "  peak RSS of the whole lint: %.0f MB = %.1fx the input (target <= 3x at 1000x20)",
                     Double(p.peakRSS) / 1_048_576, Double(p.peakRSS) / Double(max(totalBytes, 1))))
        let perResource = { (s: Double) in s / Double(max(resourceCount, 1)) * 1e6 }
        print(String(format: "  CPU per resource: %.1f us (every copy parsed: %.1f us; bare scan %.1f us); JSON output %.1f KB",
                     perResource(p.minCPU()), perResource(phases[wholeUncached].minCPU()), perResource(bareCPU),
                     Double(jsonBytes) / 1e3))
        let ruleTotal = ruleTimes.reduce(0) { $0 + $1.seconds }
        print("  rules alone, 1 thread, once, CPU (sum \(ms(ruleTotal).trimmingCharacters(in: .whitespaces)) ms), longest first: "
              + ruleTimes.map { String(format: "%@ %.1f ms", $0.code, $0.seconds * 1000) }.joined(separator: ", "))

        // The findings must be exactly the injected faults.
        print("")
        guard let faults = injectedFaults(dir) else {
            print("  findings: \(findings.count) (not a generated set: nothing to check them against)")
            return 0
        }
        var missing: [InjectedFault] = []
        var rest = findings
        for f in faults {
            if let k = rest.firstIndex(where: { $0.rule == f.rule && $0.cluster == f.cluster && $0.file == f.file }) {
                rest.remove(at: k)
            } else {
                missing.append(f)
            }
        }
        if missing.isEmpty && rest.isEmpty {
            print("  findings: exactly the \(faults.count) injected faults (\(faults.map(\.rule).joined(separator: ", ")))")
            return 0
        }
        for f in missing { print("  MISSING: \(f.rule) \(f.cluster) \(f.file): \(f.what)") }
        for f in rest.prefix(20) { print("  UNEXPECTED: \(f.rule) \(f.cluster ?? "-") \(f.file):\(f.line):\(f.column): \(f.message)") }
        if rest.count > 20 { print("  ... and \(rest.count - 20) more unexpected findings") }
        return 1
    }
}
