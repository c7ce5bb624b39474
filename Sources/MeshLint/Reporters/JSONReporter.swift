/// The JSON document of SPEC section 4 (schemaVersion 1).
public enum JSONReporter {
    /// Renders a report; the same input always gives byte-identical output.
    public static func render(_ report: LintReport) -> String {
        JSONWriter.render(document(report))
    }

    /// The document for a run that could not load its input (exit code 2): no clusters, no
    /// findings, the error in `error`.
    public static func renderFailure(root: String, error: String) -> String {
        JSONWriter.render(.object([
            ("schemaVersion", .int(1)),
            ("tool", tool),
            ("root", .string(root)),
            ("clusters", .array([])),
            ("findings", .array([])),
            ("summary", .object([("files", .int(0)), ("resources", .int(0)), ("error", .int(0)),
                                 ("warning", .int(0)), ("info", .int(0))])),
            ("error", .string(error)),
        ]))
    }

    static var tool: JSONWriter.Value {
        .object([("name", .string(MeshLintVersion.name)), ("version", .string(MeshLintVersion.version))])
    }

    static func document(_ report: LintReport) -> JSONWriter.Value {
        let set = report.set
        let graph = report.graph
        let clusters: [JSONWriter.Value] = set.clusters.map { c in
            .object([
                ("name", .string(c.name)),
                ("network", .optional(graph.networkName(c.index))),
                ("files", .int(set.fileCount(in: c.index))),
                ("resources", .int(set.resourceCount(in: c.index))),
                ("clusterName", .optional(graph.clusterID(c.index))),
                ("role", .string(graph.facts[c.index].role.rawValue)),
                ("models", .array(graph.deploymentModel(c.index).names.map { .string($0) })),
                ("dataPlane", .optional(graph.dataPlane(c.index).mode?.rawValue)),
                ("controlPlane", .optional(graph.controlPlane.kinds[c.index]?.jsonName)),
            ])
        }
        let s = report.summary
        return .object([
            ("schemaVersion", .int(1)),
            ("tool", tool),
            ("root", .string(set.root)),
            ("clusters", .array(clusters)),
            ("findings", .array(report.findings.map(finding))),
            ("summary", .object([
                ("files", .int(s.files)), ("resources", .int(s.resources)),
                ("error", .int(s.error)), ("warning", .int(s.warning)), ("info", .int(s.info)),
            ])),
        ])
    }

    static func resource(_ r: FindingResource) -> JSONWriter.Value {
        .object([
            ("apiVersion", .string(r.apiVersion)), ("kind", .string(r.kind)),
            ("namespace", .optional(r.namespace)), ("name", .string(r.name)),
        ])
    }

    static func finding(_ f: Finding) -> JSONWriter.Value {
        var pairs: [(String, JSONWriter.Value)] = [
            ("rule", .string(f.rule)), ("name", .string(f.name)), ("severity", .string(f.severity.rawValue)),
            ("message", .string(f.message)), ("cluster", .optional(f.cluster)),
            ("file", .string(f.file)), ("line", .int(f.line)), ("column", .int(f.column)),
        ]
        pairs.append(("resource", f.resource.map(resource) ?? .null))
        pairs.append(("fieldPath", .optional(f.fieldPath)))
        pairs.append(("fingerprint", .string(Fingerprint.of(f))))
        pairs.append(("related", .array(f.related.map { r in
            .object([("cluster", .optional(r.cluster)), ("file", .string(r.file)), ("line", .int(r.line)),
                     ("column", .int(r.column)), ("message", .string(r.message))])
        })))
        pairs.append(("fix", FixOutput.json(f.fix)))
        return .object(pairs)
    }
}

/// The tool's name and version as reported in every output.
public enum MeshLintVersion {
    /// The tool's name.
    public static let name = "meshlint"
    /// The tool's version (semantic versioning).
    public static let version = "0.1.0"
    /// Where users learn about the tool (SARIF `informationUri`).
    public static let informationURI = "https://github.com/meshlint/meshlint"
    /// The repository that hosts this version's `Rules/` documents (SARIF `helpUri`:
    /// `<repositoryURL>/blob/v<version>/Rules/<code>.yaml`); nil for builds with no published
    /// source, which then give no `helpUri`.
    public static let repositoryURL: String? = "https://github.com/meshlint/meshlint"
}

extension ControlPlaneKind {
    /// The name JSON `clusters[].controlPlane` uses (the schema's enum).
    var jsonName: String {
        switch self {
        case .primary: "primary"
        case .remote: "remote"
        case .configCluster: "config-cluster"
        case .externalControlPlane: "external-control-plane"
        }
    }
}
