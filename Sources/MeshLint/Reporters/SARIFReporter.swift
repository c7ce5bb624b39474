/// SARIF 2.1.0 output for code-scanning services (GitHub code scanning and others).
///
/// One run; `tool.driver.rules` lists every documented rule (help text from its `Rules/` file)
/// and `results` the findings in report order, each with its rule index, level, location,
/// related locations (ids 1…n), the resource as a logical location and a stable
/// `partialFingerprints["meshlintFingerprint/v1"]` (``Fingerprint/of(_:)`` plus `:n`, the
/// occurrence of that fingerprint in the run, so identical findings stay distinct alerts).
/// The result message embeds every related location as a `[text](id)` link, the form GitHub
/// code scanning needs to show places in other clusters. Rules whose faults weaken security
/// carry `properties.security-severity` and the `security` tag; with a known repository URL
/// (``MeshLintVersion/repositoryURL``) every rule has a `helpUri` to its `Rules/` document.
/// Artifact URIs are relative to
/// `%SRCROOT%` (declared in `originalUriBaseIds`), the directory meshlint ran in: the set root as given is prefixed to the
/// set-relative paths (`mesh/east/se.yaml` for `meshlint lint mesh`), which is what code
/// scanning resolves against the repository. Deterministic: no timestamps, no absolute paths
/// unless the root was given as one.
public enum SARIFReporter {
    /// The `$schema` written into every document.
    public static let schemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    /// The base id artifact URIs are relative to.
    public static let srcRoot = "%SRCROOT%"

    /// Renders a report as a SARIF log with a trailing newline.
    public static func render(_ report: LintReport) -> String {
        var rules: [JSONWriter.Value] = []
        var ruleIndex: [String: Int] = [:]
        for d in report.ruleBook.docs {
            ruleIndex[d.code] = rules.count
            rules.append(rule(d))
        }
        for f in report.findings where ruleIndex[f.rule] == nil {
            // A rule supplied by an embedder without a `Rules/` document.
            ruleIndex[f.rule] = rules.count
            rules.append(.object([("id", .string(f.rule)), ("name", .string(f.name)),
                                  ("shortDescription", text(f.name)),
                                  ("defaultConfiguration", .object([("level", .string(level(f.severity)))]))]))
        }
        let prefix = Paths.displayPrefix(root: report.set.root)
        var occurrences: [String: Int] = [:]
        let results: [JSONWriter.Value] = report.findings.map { f in
            let fp = Fingerprint.of(f)
            occurrences[fp, default: 0] += 1
            return result(f, ruleIndex: ruleIndex[f.rule]!, prefix: prefix,
                          fingerprint: "\(fp):\(occurrences[fp]!)")
        }
        return JSONWriter.render(log(rules: rules, invocation: .object([("executionSuccessful", .bool(true))]),
                                     results: results))
    }

    /// The document for a run that could not start or load its input (exit code 2): no
    /// results, `executionSuccessful: false` and the error as a tool execution notification.
    public static func renderFailure(error: String) -> String {
        JSONWriter.render(log(rules: [], invocation: .object([
            ("executionSuccessful", .bool(false)),
            ("toolExecutionNotifications", .array([
                .object([("level", .string("error")), ("message", text(error))]),
            ])),
        ]), results: []))
    }

    static func log(rules: [JSONWriter.Value], invocation: JSONWriter.Value, results: [JSONWriter.Value]) -> JSONWriter.Value {
        .object([
            ("$schema", .string(schemaURI)),
            ("version", .string("2.1.0")),
            ("runs", .array([
                .object([
                    ("tool", .object([("driver", .object([
                        ("name", .string(MeshLintVersion.name)),
                        ("version", .string(MeshLintVersion.version)),
                        ("semanticVersion", .string(MeshLintVersion.version)),
                        ("informationUri", .string(MeshLintVersion.informationURI)),
                        ("rules", .array(rules)),
                    ]))])),
                    ("originalUriBaseIds", .object([(srcRoot, .object([
                        ("description", text("The directory meshlint ran in (the repository root in CI); artifact URIs are relative to it.")),
                    ]))])),
                    ("invocations", .array([invocation])),
                    ("columnKind", .string("unicodeCodePoints")),
                    ("results", .array(results)),
                ]),
            ])),
        ])
    }

    /// SARIF level for a severity: error → error, warning → warning, info → note.
    public static func level(_ s: Severity) -> String {
        switch s {
        case .error: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    static func text(_ s: String) -> JSONWriter.Value { .object([("text", .string(s))]) }

    static func rule(_ d: RuleDoc) -> JSONWriter.Value {
        let rationale = d.rationale.trimmingTrailingNewlines
        let fix = d.fix.trimmingTrailingNewlines
        var helpText = ""
        var helpMarkdown = ""
        if !rationale.isEmpty {
            helpText += "Why it breaks traffic:\n\(rationale)\n\n"
            helpMarkdown += "**Why it breaks traffic**\n\n\(rationale)\n\n"
        }
        if !fix.isEmpty {
            helpText += "How to fix:\n\(fix)\n"
            helpMarkdown += "**How to fix**\n\n\(fix)\n"
        }
        if !d.references.isEmpty {
            helpText += "\nReferences:\n" + d.references.map { "- \($0)\n" }.joined()
            helpMarkdown += "\n**References**\n\n" + d.references.map { "- <\($0)>\n" }.joined()
        }
        let description = d.description.trimmingTrailingNewlines
        var tags: [JSONWriter.Value] = ["istio", "multicluster"].map { .string($0) }
        var properties: [(String, JSONWriter.Value)] = []
        if let severity = securitySeverity[d.code] {
            tags.append(.string("security"))
            properties.append(("security-severity", .string(severity)))
        }
        properties.insert(("tags", .array(tags)), at: 0)
        var pairs: [(String, JSONWriter.Value)] = [
            ("id", .string(d.code)),
            ("name", .string(d.name)),
            ("shortDescription", text(d.summary)),
            ("fullDescription", text(description.isEmpty ? d.summary : description)),
            ("help", .object([("text", .string(helpText.trimmingTrailingNewlines)),
                              ("markdown", .string(helpMarkdown.trimmingTrailingNewlines))])),
            ("defaultConfiguration", .object([("level", .string(level(d.severity)))])),
        ]
        if let base = MeshLintVersion.repositoryURL {
            pairs.insert(("helpUri", .string("\(base)/blob/v\(MeshLintVersion.version)/Rules/\(d.code).yaml")), at: 5)
        }
        pairs.append(("properties", .object(properties)))
        return .object(pairs)
    }

    /// GitHub's `security-severity` (CVSS-like, 0.1–10) for rules whose faults weaken security
    /// rather than only break traffic: mTLS lost between clusters (high), identity trust that no
    /// longer holds (medium), credentials of remote secrets that are invalid or misplaced (medium).
    static let securitySeverity: [String: String] = [
        "MC501": "7.5",   // istio-mutual-missing: cross-cluster traffic without Istio mTLS
        "MC502": "7.5",   // istio-mutual-shadowed: a narrower DestinationRule drops ISTIO_MUTUAL
        "MC304": "5.0",   // trust-domain-mismatch: workload identities not trusted across clusters
        "MC305": "5.9",   // root-ca-mismatch: no shared root, or a self-signed / non-chaining CA
        "MC204": "4.3",   // remote-secret-invalid: kubeconfig credentials missing, misdirected or outside istio-system
        "MC206": "5.3",   // remote-secret-tls-suspect: istiod's API server connection unverified or mis-pinned
        "MC307": "5.9",   // cacerts-key-or-expiry: plug-in CA unusable or expired
    ]

    static func physical(_ file: String, line: Int, column: Int, prefix: String) -> JSONWriter.Value {
        let path = Paths.normalise(prefix + file)
        let artifact: JSONWriter.Value = path.hasPrefix("/")
            ? .object([("uri", .string("file://" + percentEncoded(path)))])
            : .object([("uri", .string(percentEncoded(path))), ("uriBaseId", .string(srcRoot))])
        return .object([
            ("artifactLocation", artifact),
            ("region", .object([("startLine", .int(max(line, 1))), ("startColumn", .int(max(column, 1)))])),
        ])
    }

    static func result(_ f: Finding, ruleIndex: Int, prefix: String, fingerprint: String) -> JSONWriter.Value {
        var location: [(String, JSONWriter.Value)] = [("physicalLocation", physical(f.file, line: f.line, column: f.column, prefix: prefix))]
        if let r = f.resource {
            let qualified = [f.cluster ?? "*", r.apiVersion, r.kind, r.namespace ?? "", r.name]
                .filter { !$0.isEmpty }.joined(separator: "/")
            location.append(("logicalLocations", .array([.object([
                ("name", .string(r.name)), ("fullyQualifiedName", .string(qualified)), ("kind", .string("resource")),
            ])])))
        }
        var pairs: [(String, JSONWriter.Value)] = [
            ("ruleId", .string(f.rule)),
            ("ruleIndex", .int(ruleIndex)),
            ("level", .string(level(f.severity))),
            ("message", text(resultMessage(f, prefix: prefix))),
            ("locations", .array([.object(location)])),
        ]
        if !f.related.isEmpty {
            pairs.append(("relatedLocations", .array(f.related.enumerated().map { i, r in
                var loc: [(String, JSONWriter.Value)] = [
                    ("id", .int(i + 1)),
                    ("physicalLocation", physical(r.file, line: r.line, column: r.column, prefix: prefix)),
                    ("message", text(r.message)),
                ]
                if let c = r.cluster { loc.append(("properties", .object([("cluster", .string(c))]))) }
                return .object(loc)
            })))
        }
        if let fix = f.fix { pairs.append(("fixes", FixOutput.sarif(fix, prefix: prefix))) }
        pairs.append(("partialFingerprints", .object([(Fingerprint.sarifKey, .string(fingerprint))])))
        if let c = f.cluster { pairs.append(("properties", .object([("cluster", .string(c))]))) }
        return .object(pairs)
    }

    /// The finding's message, square brackets escaped (SARIF 3.11.6), then one line per related
    /// location as an embedded link `[file:line (cluster)](id)` to `relatedLocations[id]`.
    static func resultMessage(_ f: Finding, prefix: String) -> String {
        func escaped(_ s: String) -> String {
            var out = ""
            for ch in s {
                if ch == "[" || ch == "]" { out.append("\\") }
                out.append(ch)
            }
            return out
        }
        var message = escaped(f.message)
        for (i, r) in f.related.enumerated() {
            let place = "\(Paths.normalise(prefix + r.file)):\(r.line)" + (r.cluster.map { " (\($0))" } ?? "")
            message += "\n- [\(escaped(place))](\(i + 1)): \(escaped(r.message))"
        }
        return message
    }

    /// Percent-encodes everything but unreserved characters and `/` (RFC 3986).
    static func percentEncoded(_ path: String) -> String {
        var out = ""
        for b in path.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = String(b, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }
}
