/// One place where a cluster states which network it is on.
public struct NetworkClaim: Sendable {
    /// Where the claim comes from.
    public enum Kind: Int, Sendable, Comparable {
        /// IstioOperator/Helm `values.global.network` of a control-plane (or remote) install.
        case installValues = 0
        /// `topology.istio.io/network` on the Istio namespace.
        case namespaceLabel
        /// The network segment of `istiodRemote.injectionPath` / `injectionURL`.
        case injectionPath
        /// `values.global.network` of a gateway-only install (gen-eastwest-gateway.sh).
        case gatewayInstallValues
        /// East-west gateway label `topology.istio.io/network` (IstioOperator component,
        /// Deployment, Service, Helm `networkGateway`).
        case gatewayLabel
        /// Gateway env `ISTIO_META_REQUESTED_NETWORK_VIEW`.
        case gatewayNetworkView
        /// The `meshlint.yaml` manifest's `network`.
        case manifest

        /// Authority order: install values first, the manifest last.
        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    /// The network name.
    public let value: String
    /// The node stating it.
    public let node: YAMLNode
    /// A short description for messages, e.g. "IstioOperator istio-system/eastwest label topology.istio.io/network".
    public let source: String
    /// The kind of place (used to break ties).
    public let kind: Kind
    /// The resource holding the claim (nil for the manifest and Helm values files).
    public let resource: Resource?
    /// Dotted path inside the resource.
    public let fieldPath: String?
    /// The document stating it (one vote per document when claims disagree).
    public let document: YAMLNode
}

/// The network a cluster is on, decided from all its claims.
public struct NetworkConsensus: Sendable {
    /// The agreed network (most claims; ties go to the name other clusters use, then to the most
    /// authoritative source). Nil when the cluster states no network.
    public let network: String?
    /// Every claim of the cluster (the reserved name `external` and empty values left out).
    public let claims: [NetworkClaim]
    /// Claims that disagree with `network`.
    public var dissenters: [NetworkClaim] { claims.filter { $0.value != network } }
    /// Claims that agree with `network`.
    public var supporters: [NetworkClaim] { claims.filter { $0.value == network } }
}

enum NetworkClaims {
    static let label = "topology.istio.io/network"
    static let networkView = "ISTIO_META_REQUESTED_NETWORK_VIEW"
    /// The reserved network name of the egress-gateway variant; never a mismatch.
    static let reserved = "external"

    /// Collects the claims of cluster `c`.
    static func collect(set: ConfigSet, cluster c: Int, facts: ClusterFacts, resources: [Resource],
                        extraHelmValues: [YAMLNode]) -> [NetworkClaim] {
        var out: [NetworkClaim] = []
        func add(_ value: String?, _ node: YAMLNode, _ source: String, _ kind: NetworkClaim.Kind, _ r: Resource?, _ path: String?,
                 doc: YAMLNode? = nil) {
            guard let v = value?.trimmingSpaces, !v.isEmpty, v != reserved, !v.contains(","),
                  !Placeholder.isTemplate(v) else { return }
            out.append(NetworkClaim(value: v, node: node, source: source, kind: kind, resource: r, fieldPath: path,
                                    document: doc ?? r?.root ?? node))
        }
        if let d = set.clusters[c].declaration?.network {
            add(d.value, d.node, "meshlint.yaml network", .manifest, nil, "clusters[\(c)].network")
        }
        for i in facts.installs {
            let vp = i.resource == nil ? "global" : "spec.values.global"
            if let n = i.global("network") {
                add(n.text, n, "\(i.label) \(vp).network", i.isGatewayOnly ? .gatewayInstallValues : .installValues, i.resource, "\(vp).network", doc: i.root)
            }
            // IstioOperator gateway components (gen-eastwest-gateway.sh).
            for kind in ["ingressGateways", "egressGateways"] {
                for (gi, g) in (i.spec?.at("components", kind)?.items ?? []).enumerated() {
                    if g["enabled"]?.bool == false { continue }
                    let gname = g["name"]?.text ?? kind
                    let base = "spec.components.\(kind)[\(gi)]"
                    if let n = g["label"]?[label] {
                        add(n.text, n, "\(i.label) gateway \(gname) label \(label)", .gatewayLabel, i.resource, "\(base).label.\(label)", doc: i.root)
                    }
                    for (ei, e) in (g.at("k8s", "env")?.items ?? []).enumerated() where e["name"]?.scalarEquals(networkView) == true {
                        if let n = e["value"] {
                            add(n.text, n, "\(i.label) gateway \(gname) env \(networkView)", .gatewayNetworkView, i.resource, "\(base).k8s.env[\(ei)].value", doc: i.root)
                        }
                    }
                }
            }
            // 1.x chart values: gateways.<name>.env.ISTIO_META_REQUESTED_NETWORK_VIEW and labels.
            let gp = i.resource == nil ? "gateways" : "spec.values.gateways"
            for (k, g) in i.values?["gateways"]?.pairs ?? [] where g.isMapping {
                let gname = k.text ?? "gateway"
                if g["enabled"]?.bool == false { continue }
                if let n = g["env"]?[networkView] {
                    add(n.text, n, "\(i.label) \(gp).\(gname).env.\(networkView)", .gatewayNetworkView, i.resource, "\(gp).\(gname).env.\(networkView)", doc: i.root)
                }
                if let n = g["labels"]?[label] {
                    add(n.text, n, "\(i.label) \(gp).\(gname).labels.\(label)", .gatewayLabel, i.resource, "\(gp).\(gname).labels.\(label)", doc: i.root)
                }
            }
            // istiodRemote.injectionPath / injectionURL: /inject/cluster/<c>/net/<n>.
            if let ip = InjectionPath.read(i) {
                if let net = ip.network { add(net, ip.node, "\(i.label) \(ip.fieldPath)", .injectionPath, i.resource, ip.fieldPath, doc: i.root) }
            }
        }
        // Rendered install output: the injector's values (what sidecars get as ISTIO_META_NETWORK)
        // and the network the istio-ingress/egress charts give their gateway proxies.
        for e in facts.rendered.injectorValues {
            if let n = e.at("global", "network") {
                add(n.text, n, "\(e.label) global.network", .installValues, e.resource, "data.values global.network")
            }
        }
        for (r, v, path) in facts.rendered.gatewayEnv["ISTIO_META_NETWORK"] ?? [] {
            add(v.value, v.node, v.source, .gatewayInstallValues, r, path)
        }
        for (r, v, path) in facts.rendered.gatewayEnv[networkView] ?? [] where r.namespace != facts.istioNamespace {
            add(v.value, v.node, v.source, .gatewayNetworkView, r, path)
        }
        if let ip = facts.rendered.injectionPath, let net = ip.path.network {
            add(net, ip.path.node, "MutatingWebhookConfiguration \(ip.resource.name) \(ip.path.fieldPath)", .injectionPath, ip.resource,
                ip.path.fieldPath)
        }
        // ztunnel's own network (the istio/ztunnel chart's `network`, a Sail ZTunnel's values).
        for z in ZtunnelValues.networks(set: set, cluster: c, resources: resources) {
            add(z.value.value, z.value.node, z.value.source, .installValues, z.value.resource, z.value.fieldPath, doc: z.document)
        }
        // Helm istio/gateway chart values: networkGateway (sets the label and the network view).
        for root in extraHelmValues {
            if let n = root["networkGateway"] {
                add(n.text, n, "Helm gateway values \(root.file.path) networkGateway", .gatewayLabel, nil, "networkGateway", doc: root)
            }
        }
        for r in resources {
            switch r.kind {
            case "Namespace" where r.name == facts.istioNamespace:
                if let l = r.label(label) {
                    add(l.value, l.node, "Namespace \(r.name) label \(label)", .namespaceLabel, r, "metadata.labels.\(label)")
                }
            case "Service" where r.namespace == facts.istioNamespace:
                if let l = r.label(label) {
                    add(l.value, l.node, "Service \(r.namespace)/\(r.name) label \(label)", .gatewayLabel, r, "metadata.labels.\(label)")
                }
            case "Deployment" where r.namespace == facts.istioNamespace:
                if let l = r.label(label) {
                    add(l.value, l.node, "Deployment \(r.namespace)/\(r.name) label \(label)", .gatewayLabel, r, "metadata.labels.\(label)")
                } else if let n = r.templateMetadata?.at("labels", label) {
                    add(n.text, n, "Deployment \(r.namespace)/\(r.name) pod label \(label)", .gatewayLabel, r, "spec.template.metadata.labels.\(label)")
                }
                for (ci, ctr) in (r.templateSpec?["containers"]?.items ?? []).enumerated() {
                    for (ei, e) in (ctr["env"]?.items ?? []).enumerated() where e["name"]?.scalarEquals(networkView) == true {
                        if let n = e["value"] {
                            add(n.text, n, "Deployment \(r.namespace)/\(r.name) env \(networkView)", .gatewayNetworkView, r,
                                "spec.template.spec.containers[\(ci)].env[\(ei)].value")
                        }
                    }
                }
            case "Gateway" where r.group == "gateway.networking.k8s.io":
                // Gateway API east-west gateway: the label also sets the rendered pods'
                // ISTIO_META_REQUESTED_NETWORK_VIEW. `istio-remote` describes another cluster's gateway.
                let cls = r.spec?["gatewayClassName"]?.text
                if cls == "istio" || cls == "istio-east-west", let l = r.label(label) {
                    add(l.value, l.node, "Gateway API Gateway \(r.namespace)/\(r.name) label \(label)", .gatewayLabel, r, "metadata.labels.\(label)")
                }
            default:
                break
            }
        }
        return out
    }

    /// Decides a cluster's network from its claims: the name stated by the most documents (an
    /// east-west gateway IstioOperator states it three times but is one vote), then the one other
    /// clusters use (`usedElsewhere`), then the most authoritative kind of source, then the most claims.
    static func consensus(_ claims: [NetworkClaim], usedElsewhere: (String) -> Bool = { _ in false }) -> NetworkConsensus {
        guard !claims.isEmpty else { return NetworkConsensus(network: nil, claims: []) }
        var docs: [String: Set<YAMLNode>] = [:]
        var count: [String: Int] = [:]
        var best: [String: NetworkClaim.Kind] = [:]
        var firstSeen: [String: Int] = [:]
        for (i, c) in claims.enumerated() {
            docs[c.value, default: []].insert(c.document)
            count[c.value, default: 0] += 1
            best[c.value] = min(best[c.value] ?? c.kind, c.kind)
            if firstSeen[c.value] == nil { firstSeen[c.value] = i }
        }
        let winner = count.keys.sorted { a, b in
            if docs[a]!.count != docs[b]!.count { return docs[a]!.count > docs[b]!.count }
            let ea = usedElsewhere(a), eb = usedElsewhere(b)
            if ea != eb { return ea }
            if best[a]! != best[b]! { return best[a]! < best[b]! }
            if count[a]! != count[b]! { return count[a]! > count[b]! }
            return firstSeen[a]! < firstSeen[b]!
        }.first
        return NetworkConsensus(network: winner, claims: claims)
    }
}

/// `istiodRemote.injectionPath: /inject/cluster/<clusterName>/net/<network>` (or the same path
/// at the end of `injectionURL`): the cluster and network a remote's sidecars are injected for.
public struct InjectionPath: Sendable {
    /// The path or URL as written.
    public let value: String
    /// Its node.
    public let node: YAMLNode
    /// Dotted path inside the resource.
    public let fieldPath: String
    /// The `cluster` segment.
    public let cluster: String?
    /// The `net` segment.
    public let network: String?

    static func read(_ i: InstallSource) -> InjectionPath? {
        let prefix = i.resource == nil ? "istiodRemote" : "spec.values.istiodRemote"
        for key in ["injectionPath", "injectionURL"] {
            guard let n = i.values?.at("istiodRemote", key), let p = parse(n, fieldPath: "\(prefix).\(key)") else { continue }
            return p
        }
        return nil
    }

    /// The injection path of a path or URL value (`…/inject/cluster/<c>/net/<n>`), nil when it
    /// names neither a cluster nor a network.
    static func parse(_ n: YAMLNode, fieldPath: String) -> InjectionPath? {
        guard let s = n.text, !s.isEmpty else { return nil }
        let parts = s.split(separator: "/").map(String.init)
        var cluster: String?
        var net: String?
        if let ci = parts.firstIndex(of: "cluster"), ci + 1 < parts.count, ci > 0, parts[ci - 1] == "inject" { cluster = parts[ci + 1] }
        if let ni = parts.lastIndex(of: "net"), ni + 1 < parts.count, cluster != nil { net = parts[ni + 1] }
        if let c = cluster, Placeholder.isTemplate(c) { cluster = nil }
        if let n = net, Placeholder.isTemplate(n) { net = nil }
        guard cluster != nil || net != nil else { return nil }
        return InjectionPath(value: s, node: n, fieldPath: fieldPath, cluster: cluster, network: net)
    }
}

private extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
