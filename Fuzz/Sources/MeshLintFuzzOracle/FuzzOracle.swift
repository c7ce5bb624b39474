import Foundation
import MeshLint

/// One fuzz input as a whole multicluster set: lines `--- file: east/x.yaml` start a file, the
/// text before the first header is `shared.yaml`. Lints it with every rule through the
/// in-memory documents API, renders every format and checks the JSON document as an oracle.
public enum FuzzOracle {
    /// The header line that starts a file.
    public static let header = "--- file: "

    /// Splits an input into (path, text) documents. Paths are made relative and plain (letters,
    /// digits, `._-/`, no `..`), and unique.
    public static func documents(_ bytes: [UInt8]) -> [(path: String, text: String)] {
        let text = String(decoding: bytes, as: UTF8.self)
        var docs: [(path: String, text: String)] = []
        var path = "shared.yaml"
        var body: [Substring] = []
        var used = Set<String>()
        func flush() {
            guard !(path == "shared.yaml" && body.isEmpty) else { return }
            var p = path
            var n = 1
            while !used.insert(p).inserted { n += 1; p = "\(path).\(n).yaml" }
            docs.append((p, body.joined(separator: "\n")))
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(header) {
                flush()
                path = plainPath(line.dropFirst(header.count))
                body = []
            } else {
                body.append(line)
            }
        }
        flush()
        return docs
    }

    static func plainPath(_ raw: Substring) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        let parts = raw.split(separator: "/").map { String($0.filter(allowed.contains)) }
            .filter { !$0.isEmpty && $0 != "." && $0 != ".." }
        return parts.isEmpty ? "file.yaml" : parts.prefix(4).joined(separator: "/")
    }

    /// One linter for the whole run (it holds no state between lints; building it per input
    /// cost more than a small lint).
    static let linter: Linter = {
        do { return try Linter() } catch { fatalError("Linter() failed: \(error)") }
    }()

    /// Lints one input and checks every output; any failed check traps (a crash for libFuzzer).
    public static func run(_ bytes: [UInt8]) {
        let docs = documents(bytes)
        let report = linter.lint(documents: docs, options: LoadOptions(parallel: false))
        let json = OutputFormat.json.render(report)
        let text = OutputFormat.text.render(report)
        let github = OutputFormat.github.render(report)
        // SARIF lists every rule's documentation whatever the input, which cost five times the
        // lint itself: render it with the documentation of the rules that fired only (the full
        // list is the same for every input and covered by the reporter tests).
        let fired = Set(report.findings.map(\.rule))
        let sarif = OutputFormat.sarif.render(LintReport(set: report.set, graph: report.graph, findings: report.findings,
                                                         ruleBook: RuleBook(docs: report.ruleBook.docs.filter { fired.contains($0.code) })))
        check(json: json, report: report, docs: docs)
        check(lineFormat: text, name: "text")
        check(lineFormat: github, name: "github")
        // A GitHub workflow command per finding, nothing else: no value started a command.
        let commands = github.split(separator: "\n").filter { $0.hasPrefix("::") }.count
        require(commands == report.findings.count, "github: \(commands) commands for \(report.findings.count) findings")
        require((try? JSONSerialization.jsonObject(with: Data(sarif.utf8))) != nil, "sarif is not JSON")
        // Deterministic: the same input gives the same document.
        let again = OutputFormat.json.render(linter.lint(documents: docs, options: LoadOptions(parallel: false)))
        require(again == json, "json output differs between two runs")
    }

    static func check(lineFormat out: String, name: String) {
        for u in out.unicodeScalars where u != "\n" && OutputEscaping.isUnsafe(u) {
            // Colour is off, so no escape sequence may appear at all.
            fail("\(name) output contains the unescaped scalar U+\(String(u.value, radix: 16))")
        }
    }

    static func check(json: String, report: LintReport, docs: [(path: String, text: String)]) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)),
              let doc = object as? [String: Any],
              let findings = doc["findings"] as? [[String: Any]],
              let summary = doc["summary"] as? [String: Any] else {
            fail("json output does not parse or lacks findings/summary")
        }
        require(findings.count == report.findings.count, "json findings \(findings.count) != report \(report.findings.count)")
        var bySeverity: [String: Int] = [:]
        for f in findings { bySeverity[f["severity"] as? String ?? "?", default: 0] += 1 }
        for s in ["error", "warning", "info"] {
            require((summary[s] as? Int ?? -1) == bySeverity[s, default: 0], "summary.\(s) does not count the findings")
        }
        require(bySeverity.keys.allSatisfy(["error", "warning", "info"].contains), "unknown severity in \(bySeverity)")
        var lines: [String: [Int]] = [:]  // file → UTF-8 length of each line
        for d in docs { lines[d.path] = lineLengths(d.text) }
        func checkLocation(_ o: [String: Any], _ what: String) {
            guard let file = o["file"] as? String, let line = o["line"] as? Int, let column = o["column"] as? Int else {
                fail("\(what) lacks file/line/column")
            }
            guard let fileLines = lines[file] else { fail("\(what) points at \(file), which is not in the set") }
            require(line >= 1 && line <= fileLines.count, "\(what) line \(line) outside \(file) (\(fileLines.count) lines)")
            require(column >= 1 && column <= fileLines[line - 1] + 1,
                    "\(what) column \(column) outside \(file):\(line) (\(fileLines[line - 1]) bytes)")
        }
        for (i, f) in findings.enumerated() {
            checkLocation(f, "finding \(i) (\(f["rule"] ?? "?"))")
            for (j, r) in (f["related"] as? [[String: Any]] ?? []).enumerated() {
                checkLocation(r, "finding \(i) (\(f["rule"] ?? "?")) related \(j)")
            }
        }
    }

    /// UTF-8 length of each line, with YAML's line breaks: LF, CR, CRLF, NEL, LS, PS.
    static func lineLengths(_ text: String) -> [Int] {
        var out: [Int] = []
        var n = 0
        var afterCR = false
        for u in text.unicodeScalars {
            if u == "\n" && afterCR { afterCR = false; continue }
            afterCR = u == "\r"
            switch u.value {
            case 0x0A, 0x0D, 0x85, 0x2028, 0x2029: out.append(n); n = 0
            default: n += String(u).utf8.count
            }
        }
        out.append(n)
        return out
    }

    static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fail(message()) }
    }

    static func fail(_ message: String) -> Never {
        fatalError("meshlint fuzz oracle: \(message)")
    }
}
