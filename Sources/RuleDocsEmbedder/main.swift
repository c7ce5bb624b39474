// Build-time tool: turns every Rules/*.yaml file into a Swift source file of string literals,
// so the library and the CLI carry the rule documentation without the source tree.
// Usage: RuleDocsEmbedder OUTPUT.swift RULE.yaml...
import Foundation

let args = CommandLine.arguments.dropFirst()
guard let output = args.first else {
    FileHandle.standardError.write("usage: RuleDocsEmbedder OUTPUT.swift RULE.yaml...\n".data(using: .utf8)!)
    exit(2)
}
var swift = "// Generated from Rules/*.yaml by the EmbedRuleDocs build plugin. Do not edit.\n"
swift += "enum EmbeddedRuleDocs {\n    static let files: [(path: String, text: String)] = [\n"
for path in args.dropFirst().sorted() {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        FileHandle.standardError.write("RuleDocsEmbedder: cannot read \(path)\n".data(using: .utf8)!)
        exit(1)
    }
    // A raw string with enough '#' that no sequence in the text can close it.
    var hashes = "#"
    while text.contains("\"" + hashes) { hashes += "#" }
    let name = "Rules/" + (path as NSString).lastPathComponent
    // A multi-line literal drops the line break before its closing delimiter: one more keeps
    // the text's own last line break (without it the parser scans the whole text for its end).
    swift += "        (\"\(name)\", \(hashes)\"\"\"\n\(text)\(text.hasSuffix("\n") ? "" : "\n")\n\"\"\"\(hashes)),\n"
}
swift += "    ]\n}\n"
do {
    let existing = try? String(contentsOfFile: output, encoding: .utf8)
    if existing != swift { try swift.write(toFile: output, atomically: true, encoding: .utf8) }
} catch {
    FileHandle.standardError.write("RuleDocsEmbedder: cannot write \(output): \(error)\n".data(using: .utf8)!)
    exit(1)
}
