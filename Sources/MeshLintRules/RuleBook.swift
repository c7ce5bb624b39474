import Foundation
import MeshLintCore

/// The rule documentation a run uses: names, default severities and prose. Normally the
/// documents compiled into the library (``builtin``); `meshlint --rules DIR` reads a `Rules/`
/// directory instead, so rule authors (and teams with their own defaults) can use edited
/// documents without rebuilding.
public struct RuleBook: Sendable {
    /// Every document's code, name and default severity, sorted by code: all that resolving
    /// names and running rules needs, without the prose.
    public let entries: [RuleDescriptor]
    /// Every document, sorted by code (the built-in book parses them on first use).
    public var docs: [RuleDoc] { storage.docs }
    private let storage: Docs

    /// The documentation compiled into the library from `Rules/*.yaml`.
    public static let builtin = RuleBook(entries: RuleCatalog.entries) { RuleCatalog.docs }

    public init(docs: [RuleDoc]) {
        let sorted = docs.sorted { $0.code < $1.code }
        self.entries = sorted.map { RuleDescriptor(code: $0.code, name: $0.name, severity: $0.severity) }
        self.storage = Docs(sorted)
    }

    /// A book whose documents are parsed only when first asked for.
    init(entries: [RuleDescriptor], docs: @escaping @Sendable () -> [RuleDoc]) {
        self.entries = entries
        self.storage = Docs(docs)
    }

    /// The documents, made once on first use (any thread).
    private final class Docs: @unchecked Sendable {
        private let lock = NSLock()
        private var made: [RuleDoc]?
        private let make: @Sendable () -> [RuleDoc]

        init(_ docs: [RuleDoc]) {
            made = docs
            make = { docs }
        }

        init(_ make: @escaping @Sendable () -> [RuleDoc]) {
            self.make = make
        }

        var docs: [RuleDoc] {
            lock.lock()
            defer { lock.unlock() }
            if let made { return made }
            let d = make()
            made = d
            return d
        }
    }

    /// The doc for a code (`MC401`) or name (`cross-cluster-port`), case-insensitively.
    public func doc(_ codeOrName: String) -> RuleDoc? {
        let key = codeOrName.lowercased()
        return docs.first { $0.code.lowercased() == key || $0.name.lowercased() == key }
    }

    /// The entry for a code or name, case-insensitively (no document is parsed).
    public func entry(_ codeOrName: String) -> RuleDescriptor? {
        RuleDescriptor.find(codeOrName, in: entries)
    }

    /// Why a `Rules/` directory could not be used.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Reads every `*.yaml` file of `directory` as a rule document. Documents replace the
    /// built-in ones with the same code; rules without a document in the directory keep their
    /// built-in one. A document for a code no rule implements, or one that does not parse, is
    /// an error.
    public static func load(directory: String, over base: RuleBook = .builtin) throws(LoadError) -> RuleBook {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw LoadError(description: "\(directory): cannot read the rules directory: \((error as NSError).localizedDescription)")
        }
        guard !names.isEmpty else { throw LoadError(description: "\(directory): no rule documents (*.yaml) in it") }
        var byCode: [String: RuleDoc] = [:]
        for d in base.docs { byCode[d.code] = d }
        for name in names {
            let path = (directory as NSString).appendingPathComponent(name)
            // Only a regular file: a FIFO named *.yaml would block the read forever.
            let text: String
            switch ConfigSetLoader.readRegularFile(path) {
            case .failure(let e): throw LoadError(description: "\(e)")
            case .success(let bytes):
                guard let t = String(validating: bytes, as: UTF8.self) else { throw LoadError(description: "\(path): not UTF-8 text") }
                text = t
            }
            let doc: RuleDoc
            do { doc = try RuleDoc.parse(text, source: path) } catch { throw LoadError(description: "\(error)") }
            guard BuiltinRules.rule(doc.code) != nil else {
                throw LoadError(description: "\(path): documents \(doc.code), which no meshlint rule implements")
            }
            byCode[doc.code] = doc
        }
        return RuleBook(docs: Array(byCode.values))
    }
}

extension RuleDescriptor {
    /// The descriptor for a code (`MC401`) or name (`cross-cluster-port`), case-insensitively.
    static func find(_ codeOrName: String, in descriptors: [RuleDescriptor]) -> RuleDescriptor? {
        let key = codeOrName.lowercased()
        return descriptors.first { $0.code.lowercased() == key || $0.name.lowercased() == key }
    }
}
