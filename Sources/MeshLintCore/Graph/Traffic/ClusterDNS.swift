/// An upstream a DNS server forwards a zone to.
public struct DNSTarget: Sendable {
    /// The target as written (`10.96.0.53`, `10.96.0.53:53`, `$(kubectl get svc …)`).
    public let text: String
    /// The IP, when the target is an IP literal.
    public let ip: String?
    /// Where it is written.
    public let location: SourceLocation
}

/// A place in the cluster's DNS configuration that sends a zone to other servers.
public struct DNSForwarder: Sendable {
    /// The ConfigMap holding it.
    public let resource: Resource
    /// "`global:53` server block `forward`", "`proxy global` in the `.:53` block",
    /// "kube-dns stubDomains", for messages.
    public let description: String
    /// Where the forwarding is written (the plugin word, or the stubDomains key).
    public let location: SourceLocation
    /// The upstreams.
    public let targets: [DNSTarget]
    /// The dotted path of the ConfigMap key holding it (`data.Corefile`, `data.stubDomains`).
    public let fieldPath: String
}

/// A place to fix when the DNS configuration does not forward a zone.
public struct DNSFixPoint: Sendable {
    /// The ConfigMap.
    public let resource: Resource
    /// The `Corefile`/`stubDomains` key, or the zone's own server block key when that block
    /// exists but forwards nowhere.
    public let location: SourceLocation
    /// The dotted path of the ConfigMap key (`data.Corefile`, `data.stubDomains`).
    public let fieldPath: String
    /// What is there, for messages ("kube-system/coredns data.Corefile").
    public let description: String
}

/// How the cluster's DNS handles names under a zone.
public enum DNSZoneResolution: Sendable {
    /// Forwarded to these upstreams (most specific rule first).
    case forwarded([DNSForwarder])
    /// Answered by CoreDNS itself (e.g. a `template` plugin for the zone).
    case answered(resource: Resource, location: SourceLocation, plugin: String)
    /// The DNS configuration is in the set but nothing sends the zone anywhere but the default
    /// upstream; `anchors` are the places to fix.
    case notForwarded(anchors: [DNSFixPoint])
    /// Part of the configuration is not in the set (a Corefile `import` of files), so the
    /// answer is unknown.
    case unknown(location: SourceLocation)
    /// Neither a CoreDNS nor a kube-dns ConfigMap is in the set.
    case noConfiguration
}

/// The cluster DNS configuration of one cluster: ConfigMap `kube-system/coredns` (`Corefile`),
/// AKS-style `kube-system/coredns-custom` (`*.server`, `*.override`), and ConfigMap
/// `kube-system/kube-dns` (`stubDomains`, JSON), plus the `istiocoredns` Service that `.global`
/// names must be sent to.
public struct ClusterDNSConfig: Sendable {
    /// A parsed Corefile with the ConfigMap and key it came from.
    public struct CorefileSource: Sendable {
        /// The ConfigMap.
        public let resource: Resource
        /// The data key holding the text (`Corefile`, `istio.server`).
        public let key: YAMLNode
        /// The dotted path of that key (`data.Corefile`).
        public let fieldPath: String
        /// The parsed text.
        public let corefile: Corefile
        /// True for `*.override` snippets that CoreDNS splices into the root block.
        public let isOverride: Bool
    }

    /// kube-dns `stubDomains` of one ConfigMap.
    public struct StubDomains: Sendable {
        /// The kube-dns ConfigMap.
        public let resource: Resource
        /// The `stubDomains` key (nil when the ConfigMap has none).
        public let key: YAMLNode?
        /// Zone → upstreams; nil when the JSON does not parse.
        public let zones: [String: (key: SourceLocation, targets: [DNSTarget])]?
    }

    /// Corefiles (`coredns` and `coredns-custom` keys) of kube-system.
    public let corefiles: [CorefileSource]
    /// kube-dns ConfigMaps of kube-system.
    public let stubDomains: [StubDomains]
    /// The `istiocoredns` Service in the Istio namespace.
    public let istiocoredns: Resource?
    /// Its `spec.clusterIP` (when pinned in the set).
    public let istiocorednsClusterIP: Located<String>?

    /// True when the set holds any cluster DNS configuration for the cluster.
    public var isEmpty: Bool { corefiles.isEmpty && stubDomains.isEmpty }

    static func read(configMaps: [Resource], services: [Resource], istioNamespace: String) -> ClusterDNSConfig {
        var corefiles: [CorefileSource] = []
        var stubs: [StubDomains] = []
        for cm in configMaps where isKubeSystem(cm) {
            guard let data = cm.root["data"], data.isMapping else {
                if cm.name == "kube-dns" { stubs.append(StubDomains(resource: cm, key: nil, zones: [:])) }
                continue
            }
            let dataKey = cm.root.keyNode("data")
            switch cm.name {
            case "coredns":
                if let v = data["Corefile"], v.isScalar, let k = data.keyNode("Corefile") {
                    corefiles.append(CorefileSource(resource: cm, key: k, fieldPath: "data.Corefile",
                                                    corefile: Corefile.parse(value: v, key: k, parentKey: dataKey), isOverride: false))
                }
            case "coredns-custom":
                for (k, v) in data.pairs {
                    guard let name = k.scalar, v.isScalar else { continue }
                    if name.hasSuffix(".server") {
                        corefiles.append(CorefileSource(resource: cm, key: k, fieldPath: "data.\(name)",
                                                        corefile: Corefile.parse(value: v, key: k, parentKey: dataKey), isOverride: false))
                    } else if name.hasSuffix(".override") {
                        corefiles.append(CorefileSource(resource: cm, key: k, fieldPath: "data.\(name)",
                                                        corefile: Corefile.parseOverride(value: v, key: k, parentKey: dataKey), isOverride: true))
                    }
                }
            case "kube-dns":
                stubs.append(readStubDomains(cm, data: data))
            default:
                break
            }
        }
        let svc = services.first { $0.name == "istiocoredns" && $0.namespace == istioNamespace }
        var ip: Located<String>?
        if let n = svc?.spec?["clusterIP"], let t = n.text, IPText.isIP(t) { ip = Located(t, n) }
        return ClusterDNSConfig(corefiles: corefiles, stubDomains: stubs, istiocoredns: svc, istiocorednsClusterIP: ip)
    }

    /// kube-system, or no namespace written (applied with `-n kube-system`).
    static func isKubeSystem(_ r: Resource) -> Bool {
        r.namespace == "kube-system" || r.metadata?["namespace"] == nil
    }

    static func readStubDomains(_ cm: Resource, data: YAMLNode) -> StubDomains {
        guard let v = data["stubDomains"], let key = data.keyNode("stubDomains") else {
            return StubDomains(resource: cm, key: nil, zones: [:])
        }
        guard v.isScalar else { return StubDomains(resource: cm, key: key, zones: nil) }
        let layout = ScalarTextLayout(host: v, key: key, parentKey: cm.root.keyNode("data"))
        let parsed = layout.parse()
        guard parsed.diagnostics.allSatisfy({ $0.kind == .duplicateKey }), let root = parsed.roots.first, root.isMapping else {
            return StubDomains(resource: cm, key: key, zones: nil)
        }
        var zones: [String: (key: SourceLocation, targets: [DNSTarget])] = [:]
        for (k, list) in root.pairs {
            guard let zone = k.scalar else { continue }
            let items = list.isSequence ? list.items : [list]
            let targets = items.compactMap { n -> DNSTarget? in
                guard let t = n.text else { return nil }
                return DNSTarget(text: t, ip: DNSName.ip(inTarget: t), location: SourceLocation(layout.locate(n)))
            }
            zones[DNSName.zone(zone)] = (SourceLocation(layout.locate(k)), targets)
        }
        return StubDomains(resource: cm, key: key, zones: zones)
    }

    /// How names under `zone` (e.g. `global`) are resolved.
    public func resolution(of zone: String) -> DNSZoneResolution {
        if isEmpty { return .noConfiguration }
        let zone = DNSName.zone(zone)
        var forwarders: [DNSForwarder] = []
        var anchors: [DNSFixPoint] = []
        func anchor(_ r: Resource, _ node: YAMLNode, _ path: String) -> DNSFixPoint {
            DNSFixPoint(resource: r, location: SourceLocation(node), fieldPath: path, description: "\(r.namespace)/\(r.name) \(path)")
        }
        var unknown: SourceLocation?
        var answered: (Resource, SourceLocation, String)?

        // CoreDNS: the server block on port 53 with the most specific zone containing the names.
        let servers = corefiles.filter { !$0.isOverride }
        let overrides = corefiles.filter(\.isOverride)
        var best: (source: CorefileSource, block: Corefile.ServerBlock, zone: String)?
        for src in servers {
            for b in src.corefile.blocks {
                for k in b.keys where k.servesClusterDNS && DNSName.zone(k.zone, contains: zone) {
                    if best == nil || k.zone.count > best!.zone.count { best = (src, b, k.zone) }
                }
            }
        }
        if let best {
            var directives = best.block.directives
            if best.zone.isEmpty { for o in overrides { directives += o.corefile.blocks.flatMap(\.directives) } }
            switch Self.handling(of: zone, in: directives, blockZone: best.zone) {
            case .forward(let d, let targets):
                let written = best.zone.isEmpty ? "`\(d.name.text) \(d.args.first?.text ?? "")` in the `.:53` block"
                    : "the `\(best.zone):53` server block's `\(d.name.text)`"
                forwarders.append(DNSForwarder(
                    resource: best.source.resource, description: "\(written) (\(best.source.resource.namespace)/\(best.source.resource.name) \(best.source.fieldPath))",
                    location: d.name.location,
                    targets: targets.map { DNSTarget(text: $0.text, ip: DNSName.ip(inTarget: $0.text), location: $0.location) },
                    fieldPath: best.source.fieldPath))
            case .template(let d):
                answered = (best.source.resource, d.name.location, d.name.text)
            case .none:
                if let imp = best.block.unresolvedImports.first { unknown = imp.location }
                if !best.zone.isEmpty, let key = best.block.keys.first(where: { $0.zone == best.zone }) {
                    let r = best.source.resource
                    anchors.append(DNSFixPoint(resource: r, location: key.token.location, fieldPath: best.source.fieldPath,
                                               description: "the `\(key.token.text)` server block of \(r.namespace)/\(r.name) \(best.source.fieldPath)"))
                } else {
                    anchors.append(anchor(best.source.resource, best.source.key, best.source.fieldPath))
                }
            }
        } else {
            for src in servers { anchors.append(anchor(src.resource, src.key, src.fieldPath)) }
        }
        for src in servers { if unknown == nil, let imp = src.corefile.unresolvedImports.first { unknown = imp.location } }

        // kube-dns stubDomains.
        for s in stubDomains {
            if let hit = s.zones?.first(where: { DNSName.zone($0.key, contains: zone) && !$0.key.isEmpty })?.value {
                forwarders.append(DNSForwarder(resource: s.resource, description: "kube-dns stubDomains (\(s.resource.namespace)/\(s.resource.name) data.stubDomains)",
                                               location: hit.key, targets: hit.targets, fieldPath: "data.stubDomains"))
            } else {
                anchors.append(anchor(s.resource, s.key ?? s.resource.nameNode, s.key == nil ? "data" : "data.stubDomains"))
            }
        }
        if !forwarders.isEmpty { return .forwarded(forwarders) }
        if let a = answered { return .answered(resource: a.0, location: a.1, plugin: a.2) }
        if let u = unknown { return .unknown(location: u) }
        return .notForwarded(anchors: anchors)
    }

    enum Handling {
        case forward(Corefile.Directive, [Corefile.Token])
        case template(Corefile.Directive)
        case none
    }

    /// Which plugin of a block answers names under `zone`: the forwarding plugin (`forward`,
    /// `proxy`, `grpc`) with the most specific `FROM` that contains the zone, when that is the
    /// zone itself (or `.` in the zone's own block); a `template` covering the zone.
    static func handling(of zone: String, in directives: [Corefile.Directive], blockZone: String) -> Handling {
        var best: (Corefile.Directive, String)?
        for d in directives {
            let name = d.name.text.lowercased()
            if name == "template" {
                let zones = d.args.dropFirst(2).map { DNSName.zone($0.text) }
                let covered = zones.isEmpty ? DNSName.zone(blockZone, contains: zone) && !blockZone.isEmpty
                    : zones.contains { !$0.isEmpty && DNSName.zone($0, contains: zone) }
                if covered { return .template(d) }
                continue
            }
            guard ["forward", "proxy", "grpc"].contains(name), let from = d.args.first else { continue }
            let fromZone = from.text == "." ? blockZone : DNSName.zone(from.text)
            guard DNSName.zone(fromZone, contains: zone) else { continue }
            if best == nil || fromZone.count > best!.1.count { best = (d, fromZone) }
        }
        guard let (d, fromZone) = best, !fromZone.isEmpty else { return .none }
        return .forward(d, Array(d.args.dropFirst()))
    }
}
