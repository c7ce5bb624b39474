import MeshLintCore

/// MC003: a value has a type the Kubernetes API rejects (e.g. an unquoted `true` label value).
struct InvalidValueTypeRule: Rule {
    let code = "MC003"
    let reads: Set<String> = []

    static let podTemplateKinds: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<YAMLNode>()
        for r in context.set.resources {
            let root = r.root
            let shared = r.isShared
            // A shared file's document appears once per cluster: checked once (only those need the set).
            if shared && !seen.insert(root).inserted { continue }
            let kind = r.identity.kind
            func report(_ node: YAMLNode, _ message: String, _ path: String) {
                out.append(context.finding(message, at: node, cluster: shared ? nil : r.clusterIndex, resource: r, fieldPath: path))
            }
            if let meta = r.metadata {
                for field in Self.nameFields {
                    if let n = meta[field], !isString(n) {
                        report(n, "metadata.\(field) is \(describe(n)), but the API server only accepts a string here and rejects the whole object. Quote the value.", "metadata.\(field)")
                    }
                }
                // The labels and annotations nodes the resource keeps (no lookup, no pair array).
                func checkValues(_ field: String, _ map: YAMLNode?) {
                    map?.forEachPair { k, v in
                        guard !isString(v) && !v.isNull else { return }
                        let key = k.scalar ?? "?"
                        let noun = field == "labels" ? "label" : "annotation"
                        report(v, "\(noun) \(key) has \(describe(v)), but \(noun) values must be strings: the API server rejects the \(kind), so nothing that depends on this \(noun) (such as istiod's `istio/multiCluster` selector) ever sees it. Quote it: \(quoted(v)).",
                               "metadata.\(field).\(key)")
                    }
                }
                checkValues("labels", r.labelsNode)
                checkValues("annotations", r.annotationsNode)
            }
            if kind == "Secret" || kind == "ConfigMap" {
                for field in Self.dataFields {
                    guard let map = root[field], map.isMapping else { continue }
                    map.forEachPair { k, v in
                        guard !isString(v) && !v.isNull else { return }
                        // A Secret's values are never quoted back (SPEC 7), only their type.
                        let what = kind == "Secret" ? describe(v, reveal: false) : describe(v)
                        report(v, "\(field).\(k.scalar ?? "?") in \(kind) \(r.name) has \(what); \(kind) data values must be strings, so the API server rejects the object. Quote it or use a block scalar (|).",
                               "\(field).\(k.scalar ?? "?")")
                    }
                }
            }
            if kind == "Service", let ports = r.spec?["ports"], ports.isSequence {
                for (i, p) in ports.items.enumerated() {
                    for field in Self.portFields {
                        if let v = p[field], v.isScalar, v.int == nil, !v.isNull {
                            report(v, "Service \(r.name) spec.ports[\(i)].\(field) is \(describe(v)); it must be an integer, so the API server rejects the Service. Write it without quotes.",
                                   "spec.ports[\(i)].\(field)")
                        }
                    }
                }
            }
            if let (podSpec, prefix) = podSpec(r) {
                for listName in Self.containerLists {
                    guard let list = podSpec[listName], list.isSequence else { continue }
                    for (ci, c) in list.items.enumerated() {
                        if let env = c["env"], env.isSequence {
                            for (ei, e) in env.items.enumerated() {
                                if let v = e["value"], !isString(v), !v.isNull {
                                    let name = e["name"]?.text ?? "?"
                                    let reveal = !Self.looksSecret(name)
                                    report(v, "environment variable \(name) has \(describe(v, reveal: reveal)); env values must be strings, so the API server rejects the \(kind). Quote it\(reveal ? ": \(quoted(v))" : "").",
                                           "\(prefix).\(listName)[\(ci)].env[\(ei)].value")
                                }
                            }
                        }
                        if let ports = c["ports"], ports.isSequence {
                            for (pi, p) in ports.items.enumerated() {
                                if let v = p["containerPort"], v.isScalar, v.int == nil, !v.isNull {
                                    report(v, "containerPort is \(describe(v)); it must be an integer, so the API server rejects the \(kind).",
                                           "\(prefix).\(listName)[\(ci)].ports[\(pi)].containerPort")
                                }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    private func podSpec(_ r: Resource) -> (YAMLNode, String)? {
        let kind = r.kind
        if kind == "Pod", let s = r.spec { return (s, "spec") }
        if Self.podTemplateKinds.contains(kind), let s = r.templateSpec { return (s, "spec.template.spec") }
        if kind == "CronJob", let s = r.spec?.at("jobTemplate", "spec", "template", "spec") {
            return (s, "spec.jobTemplate.spec.template.spec")
        }
        return nil
    }

    // Field names, allocated once (the loops below run for every resource of the set).
    static let nameFields = ["name", "namespace"]
    static let dataFields = ["data", "stringData", "binaryData"]
    static let portFields = ["port", "nodePort"]
    static let containerLists = ["containers", "initContainers"]

    private func isString(_ n: YAMLNode) -> Bool { n.isScalar && n.resolvedType == .string }

    /// Whether an environment variable's name says it holds a credential, so its value is not
    /// quoted back.
    static func looksSecret(_ name: String) -> Bool {
        let n = name.uppercased()
        return ["PASS", "TOKEN", "SECRET", "KEY", "CRED", "AUTH"].contains(where: n.contains)
    }

    /// The value's type, and the value itself unless `reveal` is false.
    private func describe(_ n: YAMLNode, reveal: Bool = true) -> String {
        if !reveal, n.isScalar {
            switch n.resolvedType {
            case .bool: return "a boolean value"
            case .int: return "an integer value"
            case .float: return "a number"
            case .null: return "a null value"
            case .string: return "a string"
            }
        }
        switch n.kind {
        case .mapping: return "a mapping value"
        case .sequence: return "a list value"
        case .scalar:
            switch n.resolvedType {
            case .bool: return "the boolean value \(n.scalar ?? "")"
            case .int: return "the integer value \(n.scalar ?? "")"
            case .float: return "the number \(n.scalar ?? "")"
            case .null: return "a null value"
            case .string: return "the string \"\(n.scalar ?? "")\""
            }
        }
    }

    private func quoted(_ n: YAMLNode) -> String {
        n.isScalar ? "\"\(n.scalar ?? "")\"" : "one string (for structured data, a JSON string)"
    }
}
