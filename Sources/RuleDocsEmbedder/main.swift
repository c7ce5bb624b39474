// Build-time tool: turns every Rules/*.yaml file into a Swift source file of string literals,
// so the library and the CLI carry the rule documentation without the source tree.
// Usage: RuleDocsEmbedder OUTPUT.swift RULE.yaml...
import Foundation

let args = CommandLine.arguments.dropFirst()
guard let output = args.first else {
    FileHandle.standardError.write("usage: RuleDocsEmbedder OUTPUT.swift RULE.yaml...\n".data(using: .utf8)!)
    exit(2)
}
/// The plain top-level value of `key` (`id: MC001`), quotes removed; "" when the file has none
/// in that form. A test checks these against the parsed documents.
func header(_ key: String, in text: String) -> String {
    for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
        var v = line.dropFirst(key.count + 1).trimmingCharacters(in: .whitespaces)
        if v.count >= 2, let q = v.first, q == "\"" || q == "'", v.last == q { v = String(v.dropFirst().dropLast()) }
        return v
    }
    return ""
}

var swift = "// Generated from Rules/*.yaml by the EmbedRuleDocs build plugin. Do not edit.\n"
swift += "enum EmbeddedRuleDocs {\n"
var headers: [String] = []
var files = ""
for path in args.dropFirst().sorted() {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        FileHandle.standardError.write("RuleDocsEmbedder: cannot read \(path)\n".data(using: .utf8)!)
        exit(1)
    }
    let fields = ["id", "name", "severity"].map { header($0, in: text) }
    headers.append("        (" + fields.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\")
        .replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ", ") + "),\n")
    // A raw string with enough '#' that no sequence in the text can close it.
    var hashes = "#"
    while text.contains("\"" + hashes) { hashes += "#" }
    let name = "Rules/" + (path as NSString).lastPathComponent
    // A multi-line literal drops the line break before its closing delimiter: one more keeps
    // the text's own last line break (without it the parser scans the whole text for its end).
    files += "        (\"\(name)\", \(hashes)\"\"\"\n\(text)\(text.hasSuffix("\n") ? "" : "\n")\n\"\"\"\(hashes)),\n"
}
// Code, name and severity of each file, read without parsing it: all a lint run needs.
swift += "    static let headers: [(code: String, name: String, severity: String)] = [\n" + headers.joined() + "    ]\n"
swift += "    static let files: [(path: String, text: String)] = [\n" + files + "    ]\n}\n"
do {
    let existing = try? String(contentsOfFile: output, encoding: .utf8)
    if existing != swift { try swift.write(toFile: output, atomically: true, encoding: .utf8) }
} catch {
    FileHandle.standardError.write("RuleDocsEmbedder: cannot write \(output): \(error)\n".data(using: .utf8)!)
    exit(1)
}
