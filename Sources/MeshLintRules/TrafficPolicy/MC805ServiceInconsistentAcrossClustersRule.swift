import MeshLintCore

/// MC805: one Service (namespace/name) is defined differently in the clusters that hold it:
/// ports, port protocols or names, type, headlessness or selector. Istio merges the clusters'
/// definitions into one mesh service, so clients see a different service depending on which
/// definition wins. Each field is compared on its own across every definition in one pass
/// (grouped by value, no pairwise loops); the clusters in the minority get the finding, with the
/// other values' places as related locations.
struct ServiceInconsistentAcrossClustersRule: Rule {
    let code = "MC805"
    let reads: Set<String> = ["Service"]

    func check(_ context: RuleContext) -> [Finding] {
        let index = context.graph.serviceInstances
        var out: [Finding] = []
        for key in index.keys {
            guard let all = index.byKey[key] else { continue }
            // One definition per cluster (a duplicate inside a cluster is not a cross-cluster matter).
            var seen = Set<Int>()
            let defs = all.filter { seen.insert($0.cluster).inserted }
            guard defs.count > 1 else { continue }
            // The Istio namespace's Services (gateways, istiod) differ per cluster by design
            // (network labels, roles); kube-system and the API server's Service belong to the platform.
            let ns = defs[0].resource.namespace
            if ns == "kube-system" || key == "default/kubernetes"
                || defs.contains(where: { context.graph.facts[$0.cluster].istioNamespace == ns }) { continue }
            // Every field's value derives from these parts: definitions equal in all of them
            // (the usual case) cannot disagree, and the comparison is skipped.
            if defs.dropFirst().allSatisfy({ Self.sameComparedParts($0, defs[0]) }) { continue }
            out += compare(key: key, defs, context)
        }
        return out
    }

    /// True when two definitions have the same type, headlessness, selector and ports (number,
    /// protocol, appProtocol and name, in order): then every `Field` below has the same value
    /// for both.
    static func sameComparedParts(_ a: ServiceDefinition, _ b: ServiceDefinition) -> Bool {
        guard a.type == b.type, a.headless == b.headless, a.ports.count == b.ports.count, a.selector == b.selector else { return false }
        for (p, q) in zip(a.ports, b.ports) {
            guard p.number.value == q.number.value, p.transport == q.transport,
                  p.appProtocol?.value == q.appProtocol?.value, p.name?.value == q.name?.value else { return false }
        }
        return true
    }

    /// One comparable field: its value per definition (nil: not compared there), where to point,
    /// why a difference breaks traffic, and whether it is only a warning.
    struct Field {
        /// How the message names the field.
        let path: String
        /// The dotted field path in one definition.
        var fieldPath: (ServiceDefinition) -> String = { _ in "spec" }
        let value: (ServiceDefinition) -> String?
        let node: (ServiceDefinition) -> YAMLNode
        let why: String
        let warningOnly: (Set<String>) -> Bool
    }

    func compare(key: String, _ defs: [ServiceDefinition], _ context: RuleContext) -> [Finding] {
        var fields: [Field] = []
        fields.append(Field(path: "spec.type", fieldPath: { _ in "spec.type" }, value: { $0.type }, node: { $0.typeNode ?? $0.node },
                            why: "clients reach the Service differently depending on the cluster (an ExternalName Service has no endpoints for Istio to merge; the other types differ only in how the outside reaches it)",
                            warningOnly: { !$0.contains("ExternalName") }))
        fields.append(Field(path: "spec.clusterIP", fieldPath: { _ in "spec.clusterIP" }, value: { $0.headless ? "None (headless)" : "a cluster IP" }, node: { $0.clusterIPNode ?? $0.node },
                            why: "Istio builds per-endpoint listeners for a headless Service and one VIP listener otherwise, so clients of one cluster cannot reach the other cluster's pods the way they expect (IST0170 \"mixed mode\")",
                            warningOnly: { _ in false }))
        fields.append(Field(path: "spec.selector", fieldPath: { _ in "spec.selector" },
                            value: { d in d.selector.isEmpty ? nil : d.selector.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") },
                            node: { $0.selectorNode ?? $0.node },
                            why: "each cluster's endpoints come from its own selector, so different pods serve the same host in different clusters and label-based subsets and policies match in some clusters only",
                            warningOnly: { _ in true }))
        var numbers: [Int] = []
        var known = Set<Int>()
        for d in defs { for p in d.ports where known.insert(p.number.value).inserted { numbers.append(p.number.value) } }
        for n in numbers {
            func port(_ d: ServiceDefinition) -> ServicePortFact? { d.ports.first { $0.number.value == n } }
            let protocols = Set(defs.compactMap { port($0)?.istioProtocol })
            func at(_ d: ServiceDefinition, _ rest: String) -> String { port(d).map { "spec.ports[\($0.index)]\(rest)" } ?? "spec.ports" }
            fields.append(Field(path: "port \(n)", fieldPath: { at($0, "") }, value: { port($0) == nil ? "missing" : "defined" },
                                node: { d in port(d)?.number.node ?? d.portsNode ?? d.node },
                                why: "Istio merges the clusters' definitions into one mesh service, so clients whose cluster's definition lacks port \(n) get no route for it and that port's endpoints in the other clusters are out of their reach",
                                warningOnly: { _ in false }))
            fields.append(Field(path: "port \(n) protocol", fieldPath: { at($0, ".protocol") }, value: { port($0)?.transport },
                                node: { d in port(d).flatMap { $0.transportNode ?? $0.node } ?? d.node },
                                why: "a port cannot be TCP in one cluster and UDP or SCTP in another: the endpoints of one cluster answer a protocol the clients of the other do not speak",
                                warningOnly: { _ in false }))
            fields.append(Field(path: "port \(n)'s Istio protocol (from appProtocol, else the name's prefix)",
                                fieldPath: { d in at(d, port(d)?.appProtocol != nil ? ".appProtocol" : ".name") }, value: { port($0).map { $0.transport == "TCP" ? $0.istioProtocol : nil } ?? nil },
                                node: { d in port(d).flatMap { $0.appProtocol?.node ?? $0.name?.node ?? $0.node } ?? d.node },
                                why: "Istio picks the protocol from `appProtocol` or the port name's prefix, so sidecars build HTTP routing for the port from one cluster's definition and plain TCP (or sniffing) from another's: routes, retries and header matches apply to part of the traffic only, and calls can fail with protocol errors",
                                warningOnly: { _ in false }))
            fields.append(Field(path: "port \(n) name", fieldPath: { at($0, ".name") },
                                value: { d in
                                    // Only when the protocol agrees (a protocol difference is reported above).
                                    guard protocols.count < 2, let p = port(d) else { return nil }
                                    return p.name?.value ?? "(no name)"
                                },
                                node: { d in port(d).flatMap { $0.name?.node ?? $0.node } ?? d.node },
                                why: "istioctl's IST0170 reports it, and anything that names the port (Sidecar and Gateway API references, telemetry) sees a different port per cluster",
                                warningOnly: { _ in true }))
        }
        var out: [Finding] = []
        for field in fields {
            out += disagreement(field, key: key, defs, context)
        }
        return out
    }

    /// The findings for one field: nothing when every definition that has a value agrees;
    /// otherwise one finding per definition outside the largest group.
    func disagreement(_ field: Field, key: String, _ defs: [ServiceDefinition], _ context: RuleContext) -> [Finding] {
        var groups: [(value: String, members: [ServiceDefinition])] = []
        var slot: [String: Int] = [:]
        for d in defs {
            guard let v = field.value(d) else { continue }
            if let i = slot[v] { groups[i].members.append(d) } else { slot[v] = groups.count; groups.append((v, [d])) }
        }
        guard groups.count > 1 else { return [] }
        // A strictly largest group is taken as intended; without one every group is reported.
        let sizes = groups.map(\.members.count).sorted(by: >)
        let major = sizes[0] > sizes[1] ? groups.firstIndex { $0.members.count == sizes[0] }! : -1
        let values = Set(groups.map(\.value))
        var out: [Finding] = []
        for (gi, g) in groups.enumerated() where gi != major {
            let others = groups.enumerated().filter { $0.offset != gi }.map(\.element)
            let related = others.flatMap { o in
                o.members.prefix(2).map { d in
                    context.related("\(field.path) is \(o.value) in \(context.clusterName(d.cluster))", at: field.node(d), cluster: d.cluster)
                }
            }
            let elsewhere = others.map { o in
                let names = o.members.prefix(3).map { context.clusterName($0.cluster) }.joined(separator: ", ")
                return "\(o.value) in \(names)\(o.members.count > 3 ? " and \(o.members.count - 3) more" : "")"
            }.joined(separator: "; ")
            for d in g.members {
                let name = context.clusterName(d.cluster)
                let what: String
                if g.value == "missing" {
                    what = "Service \(key) in \(name) has no \(field.path), which it defines in \(elsewhere.replacingOccurrences(of: "defined in ", with: ""))"
                } else {
                    what = "Service \(key) has \(field.path) \(g.value) in \(name) but \(elsewhere)"
                }
                var f = context.finding(
                    "\(what): \(field.why). Define the Service identically in every cluster that holds it.",
                    at: field.node(d), cluster: d.cluster, resource: d.resource, related: related, fieldPath: field.fieldPath(d))
                if field.warningOnly(values), f.severity == .error { f.severity = .warning }
                out.append(f)
            }
        }
        return out
    }
}
