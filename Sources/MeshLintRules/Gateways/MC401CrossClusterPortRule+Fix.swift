import MeshLintCore

/// MC401's repair for `.global` ServiceEntry endpoints: map every service port to the SNI port
/// 15443 (a wrong number, a missing name, or a missing `ports` map). meshNetworks and Gateway
/// ports are not changed: the port the other side listens on may be the one to move.
extension CrossClusterPortRule: FixProvider {
    func fix(for finding: Finding, in context: RuleContext) -> Fix? {
        if let r = context.resource(of: finding), r.kind == "Gateway" { return gatewayFix(finding, r, context) }
        guard let r = context.resource(of: finding), r.kind == "ServiceEntry",
              let index = Self.endpointIndex(finding.fieldPath),
              var b = FixBuilder(r.root, sources: context.sources) else { return nil }
        let ports: [FixPathStep] = ["spec", "endpoints", .index(index), "ports"]
        if let node = context.node(of: finding, in: r.root), node.isScalar, let path = b.path(of: node),
           path.count == ports.count + 1, Array(path.dropLast()) == ports {
            b.replace(at: path, with: .int(Self.sniPort))
            return b.fix("Send this port to the gateway's SNI port \(Self.sniPort)")
        }
        let names = (r.spec?["ports"]?.items ?? []).compactMap { $0["name"]?.string }
        let mapped = Set((b.node(at: ports)?.pairs ?? []).compactMap { $0.key.scalar })
        let missing = names.filter { !mapped.contains($0) }
        guard !missing.isEmpty else { return nil }
        b.set(ports, entries: missing.map { (key: $0, value: FixValue.int(Self.sniPort)) })
        return b.fix("Map \(missing.joined(separator: ", ")) to the gateway's SNI port \(Self.sniPort)")
    }

    /// A cross-network Gateway of the 1.8+ model (an east-west gateway, or a 1.8+ cluster):
    /// sidecars of other networks always send to 15443, so its passthrough port must be 15443.
    static func takesModernCrossNetworkTraffic(_ s: GatewayServer, _ facts: ClusterFacts) -> Bool {
        let eastWest = s.selector["istio"] == "eastwestgateway" || s.selector["app"] == "istio-eastwestgateway"
        return eastWest || (facts.istioRelease.map { $0 >= .v1_8 } ?? false)
    }

    /// `number: 15443` on a modern cross-network Gateway server (the legacy `*.global` and
    /// "must agree with meshNetworks" cases leave the choice to people).
    func gatewayFix(_ finding: Finding, _ r: Resource, _ context: RuleContext) -> Fix? {
        guard let c = context.clusterIndex(of: finding) ?? context.set.clusters.indices.first,
              let s = context.graph.traffic.gatewayServers[c].first(where: { s in
                  s.port.map { $0.node.file.path == finding.file && $0.node.line == finding.line && $0.node.column == finding.column } ?? false
              }), let port = s.port,
              !s.hosts.contains(where: { IstioHost.isUnder($0.value, suffix: context.graph.traffic.globalSuffixes[c]) }),
              Self.takesModernCrossNetworkTraffic(s, context.graph.facts[c]),
              var b = FixBuilder(r.root, sources: context.sources), let path = b.path(of: port.node) else { return nil }
        b.replace(at: path, with: .int(Self.sniPort))
        return b.fix("Listen for cross-network traffic on \(Self.sniPort)")
    }

    /// The endpoint index in a field path such as `spec.endpoints[2].ports.http`.
    static func endpointIndex(_ fieldPath: String?) -> Int? {
        guard let p = fieldPath, let open = p.range(of: "spec.endpoints[") else { return nil }
        return Int(p[open.upperBound...].prefix { $0.isNumber })
    }
}
