/// A rule's documentation and examples, as written in its `Rules/MCxxx.yaml` file.
public struct RuleDoc: Sendable, Hashable {
    /// One example config set: files by relative path. Triggering examples mark every expected
    /// finding with `↓` just before the node it must point at.
    public struct Example: Sendable, Hashable {
        public let description: String
        public let files: [String: String]
        /// Optional `meshlint.yaml`-style manifest path inside `files`.
        public let manifest: String?
    }

    public let code: String
    public let name: String
    public let severity: Severity
    public let summary: String
    public let description: String
    public let rationale: String
    public let fix: String
    public let references: [String]
    /// Deployment models the rule applies to (documentation only).
    public let models: [String]
    public let triggering: [Example]
    public let passing: [Example]
    /// File the doc was read from (e.g. `Rules/MC401.yaml`).
    public let source: String

    /// The marker that shows where an example's finding must point.
    public static let marker = "↓"
}

/// Why a `Rules/` file could not be read.
public struct RuleDocError: Error, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String
    public var description: String { "\(file):\(line): \(message)" }
}

extension RuleDoc {
    /// Parses one `Rules/` YAML file.
    public static func parse(_ text: String, source: String) throws -> RuleDoc {
        let file = YAMLParser.parse(bytes: Array(text.utf8), path: source)
        if let d = file.diagnostics.first {
            throw RuleDocError(file: source, line: d.position.line, message: d.message)
        }
        guard let root = file.roots.first, root.isMapping else {
            throw RuleDocError(file: source, line: 1, message: "a rule file must be a mapping")
        }
        func req(_ key: String) throws -> String {
            guard let v = root[key]?.text, !v.isEmpty else {
                throw RuleDocError(file: source, line: root.line, message: "missing '\(key)'")
            }
            return v
        }
        func opt(_ key: String) -> String { root[key]?.text ?? "" }
        let sevText = try req("severity")
        guard let severity = Severity(rawValue: sevText) else {
            throw RuleDocError(file: source, line: root["severity"]!.line, message: "severity must be error, warning or info")
        }
        func examples(_ key: String) throws -> [Example] {
            guard let list = root["examples"]?[key] else { return [] }
            guard list.isSequence else { throw RuleDocError(file: source, line: list.line, message: "examples.\(key) must be a list") }
            return try list.items.map { item in
                guard let filesNode = item["files"], filesNode.isMapping else {
                    throw RuleDocError(file: source, line: item.line, message: "an example needs a 'files' mapping")
                }
                var files: [String: String] = [:]
                for (k, v) in filesNode.pairs {
                    guard let path = k.text, let body = v.scalar else {
                        throw RuleDocError(file: source, line: k.line, message: "example files map paths to text")
                    }
                    files[path] = body
                }
                return Example(description: item["description"]?.text ?? "", files: files,
                               manifest: item["manifest"]?.text)
            }
        }
        return RuleDoc(
            code: try req("id"), name: try req("name"), severity: severity, summary: try req("summary"),
            description: opt("description"), rationale: opt("rationale"), fix: opt("fix"),
            references: root["references"]?.stringItems ?? [], models: root["models"]?.stringItems ?? [],
            triggering: try examples("triggering"), passing: try examples("passing"), source: source)
    }
}
