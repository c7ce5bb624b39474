import Foundation

/// Findings recorded by fingerprint so that a later run reports only new ones
/// (`--write-baseline FILE`, `--baseline FILE`).
///
/// The file is deterministic JSON, sorted by fingerprint; each entry names what the finding is
/// about so reviews can read it:
///
/// ```json
/// {
///   "schemaVersion": 1,
///   "tool": {"name": "meshlint", "version": "0.1.0"},
///   "fingerprintVersion": "v1",
///   "fingerprints": [
///     {"fingerprint": "3f1c…", "count": 1, "rule": "MC003", "name": "invalid-value-type",
///      "cluster": "east", "resource": {"apiVersion": "v1", "kind": "Secret", …},
///      "fieldPath": "metadata.labels.istio/multiCluster"}
///   ]
/// }
/// ```
///
/// Matching counts occurrences: a fingerprint recorded once hides one finding, so a second
/// finding with the same fingerprint is still reported.
public struct Baseline: Sendable, Equatable {
    /// The version of the file format.
    public static let schemaVersion = 1

    /// One recorded fingerprint with what it stands for.
    public struct Entry: Sendable, Hashable, Codable {
        /// ``Fingerprint/of(_:)`` of the findings.
        public var fingerprint: String
        /// How many findings had this fingerprint.
        public var count: Int
        /// Rule code.
        public var rule: String
        /// Rule name (informational).
        public var name: String?
        /// Cluster, when the findings had one.
        public var cluster: String?
        /// The resource at fault, when there is one.
        public var resource: FindingResource?
        /// The file, only for findings about no resource (part of their fingerprint).
        public var file: String?
        /// The field at fault, when the rule gave one.
        public var fieldPath: String?
    }

    /// Entries sorted by fingerprint.
    public private(set) var entries: [Entry]

    /// A baseline recording `findings`.
    public init(findings: [Finding]) {
        var byFingerprint: [String: Entry] = [:]
        for f in findings {
            let fp = Fingerprint.of(f)
            if byFingerprint[fp] != nil {
                byFingerprint[fp]!.count += 1
            } else {
                byFingerprint[fp] = Entry(fingerprint: fp, count: 1, rule: f.rule, name: f.name, cluster: f.cluster,
                                          resource: f.resource, file: f.resource == nil ? f.file : nil,
                                          fieldPath: f.fieldPath)
            }
        }
        entries = byFingerprint.values.sorted { $0.fingerprint < $1.fingerprint }
    }

    /// A baseline recording every finding of `report`.
    public init(report: LintReport) {
        self.init(findings: report.findings)
    }

    private struct Document: Codable {
        var schemaVersion: Int
        var fingerprints: [Entry]
    }

    /// Parses a baseline file's text; `path` names it in errors.
    public init(parsing text: String, path: String = "baseline") throws(LintError) {
        let doc: Document
        do {
            doc = try JSONDecoder().decode(Document.self, from: Data(text.utf8))
        } catch {
            throw .invalidBaseline(path: path, reason: "expected a JSON object with schemaVersion and fingerprints (\(Self.describe(error)))")
        }
        guard doc.schemaVersion == Self.schemaVersion else {
            throw .invalidBaseline(path: path, reason: "schemaVersion \(doc.schemaVersion) is not supported (expected \(Self.schemaVersion))")
        }
        if let bad = doc.fingerprints.first(where: { $0.count < 1 }) {
            throw .invalidBaseline(path: path, reason: "fingerprint \(bad.fingerprint) has count \(bad.count)")
        }
        entries = doc.fingerprints.sorted { $0.fingerprint < $1.fingerprint }
    }

    /// Reads a baseline file.
    public init(contentsOfFile path: String) throws(LintError) {
        let data: [UInt8]
        switch ConfigSetLoader.readRegularFile(path) {
        case .success(let bytes): data = bytes
        case .failure(.pathNotFound): throw .unreadableFile(path: path, reason: "no such file")
        case .failure(.unreadable(_, let reason)), .failure(.manifestUnreadable(_, let reason)):
            throw .unreadableFile(path: path, reason: reason)
        }
        try self.init(parsing: String(decoding: data, as: UTF8.self), path: path)
    }

    /// The file's text: deterministic JSON with a trailing newline.
    public func rendered() -> String {
        JSONWriter.render(.object([
            ("schemaVersion", .int(Self.schemaVersion)),
            ("tool", JSONReporter.tool),
            ("fingerprintVersion", .string(Fingerprint.version)),
            ("fingerprints", .array(entries.map { e in
                var pairs: [(String, JSONWriter.Value)] = [
                    ("fingerprint", .string(e.fingerprint)), ("count", .int(e.count)), ("rule", .string(e.rule)),
                ]
                if let n = e.name { pairs.append(("name", .string(n))) }
                pairs.append(("cluster", .optional(e.cluster)))
                pairs.append(("resource", e.resource.map(JSONReporter.resource) ?? .null))
                if let f = e.file { pairs.append(("file", .string(f))) }
                pairs.append(("fieldPath", .optional(e.fieldPath)))
                return .object(pairs)
            })),
        ]))
    }

    /// Writes ``rendered()`` to `path`.
    public func write(to path: String) throws(LintError) {
        do {
            try rendered().write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .unwritableFile(path: path, reason: Self.describe(error))
        }
    }

    /// Total number of findings recorded.
    public var count: Int { entries.reduce(0) { $0 + $1.count } }

    /// The report without the findings this baseline records (count-aware: each recorded
    /// occurrence hides one finding, in report order).
    public func apply(to report: LintReport) -> LintReport {
        var budget: [String: Int] = [:]
        for e in entries { budget[e.fingerprint, default: 0] += e.count }
        return report.filtered { f in
            let fp = Fingerprint.of(f)
            guard let n = budget[fp], n > 0 else { return true }
            budget[fp] = n - 1
            return false
        }
    }

    static func describe(_ error: any Error) -> String {
        if let e = error as? DecodingError {
            switch e {
            case .dataCorrupted(let c): return c.debugDescription
            case .keyNotFound(let k, _): return "missing key '\(k.stringValue)'"
            case .typeMismatch(_, let c): return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: ".")): \(c.debugDescription)"
            case .valueNotFound(_, let c): return "missing value at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
            @unknown default: return "\(e)"
            }
        }
        return (error as NSError).localizedDescription
    }
}
