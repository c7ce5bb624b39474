/// One `tls` route of a VirtualService bound to an istiod-exposing Gateway
/// (`samples/multicluster/expose-istiod.yaml`: port 15012 → istiod 15012, 15017 → istiod 443).
public struct IstiodRoute: Sendable {
    /// The VirtualService.
    public let virtualService: Resource
    /// `tls[i]`.
    public let node: YAMLNode
    /// Dotted path of the route.
    public let fieldPath: String
    /// `match[].port` values.
    public let ports: [Located<Int>]
    /// `match[].sniHosts`.
    public let sniHosts: [Located<String>]
    /// `route[].destination.host` values.
    public let destinations: [Located<String>]
}

/// A networking Gateway with a TLS PASSTHROUGH server on 15012 (istiod's xDS/CA port), as
/// `expose-istiod.yaml`, `expose-istiod-rev.yaml.tmpl` and the external control plane page
/// write it, and the VirtualService routes bound to it.
public struct IstiodExposure: Sendable {
    /// The Gateway.
    public let gateway: Resource
    /// `spec.selector`.
    public let selector: [String: String]
    /// PASSTHROUGH servers by port number (15012, 15017).
    public let servers: [Int: GatewayServer]
    /// VirtualService `tls` routes whose `gateways` name this Gateway.
    public let routes: [IstiodRoute]

    /// The routes that match `port`.
    public func routes(onPort port: Int) -> [IstiodRoute] { routes.filter { $0.ports.contains { $0.value == port } } }

    /// The istiod ports a remote's proxies and webhooks call through the gateway.
    public static let ports = [15012, 15017]

    static func read(servers: [GatewayServer], virtualServices: [Resource]) -> [IstiodExposure] {
        var byGateway: [YAMLNode: [GatewayServer]] = [:]
        var order: [Resource] = []
        for s in servers where !s.gateway.isImplied {
            guard let p = s.port?.value, ports.contains(p), s.tlsMode?.value.uppercased() == "PASSTHROUGH" else { continue }
            if byGateway[s.gateway.root] == nil { order.append(s.gateway) }
            byGateway[s.gateway.root, default: []].append(s)
        }
        return order.compactMap { g in
            let list = byGateway[g.root] ?? []
            guard list.contains(where: { $0.port?.value == 15012 }) else { return nil }
            var byPort: [Int: GatewayServer] = [:]
            for s in list { if let p = s.port?.value, byPort[p] == nil { byPort[p] = s } }
            return IstiodExposure(gateway: g, selector: list.first?.selector ?? [:], servers: byPort,
                                  routes: routes(of: g, in: virtualServices))
        }
    }

    /// `tls` routes of VirtualServices whose `gateways` name `g` (`name` in its namespace, or `ns/name`).
    static func routes(of g: Resource, in virtualServices: [Resource]) -> [IstiodRoute] {
        var out: [IstiodRoute] = []
        for vs in virtualServices {
            let bound = (vs.spec?["gateways"]?.items ?? []).contains { n in
                guard let t = n.text else { return false }
                return t == "\(g.namespace)/\(g.name)" || (t == g.name && vs.namespace == g.namespace)
            }
            guard bound else { continue }
            for (i, r) in (vs.spec?["tls"]?.items ?? []).enumerated() where r.isMapping {
                var ports: [Located<Int>] = [], snis: [Located<String>] = [], dests: [Located<String>] = []
                for m in r["match"]?.items ?? [] {
                    if let n = m["port"], let p = n.int ?? n.text.flatMap({ Int($0) }) { ports.append(Located(p, n)) }
                    for h in m["sniHosts"]?.items ?? [] { if let t = h.text { snis.append(Located(t, h)) } }
                }
                for d in r["route"]?.items ?? [] {
                    if let h = d.at("destination", "host"), let t = h.text { dests.append(Located(t, h)) }
                }
                out.append(IstiodRoute(virtualService: vs, node: r, fieldPath: "spec.tls[\(i)]", ports: ports, sniHosts: snis, destinations: dests))
            }
        }
        return out
    }

    /// The istiod Service name a host names (`istiod-canary.istio-system.svc.cluster.local` →
    /// `istiod-canary`), nil when the host is not an istiod Service.
    public static func istiodService(inHost host: String) -> String? {
        guard let first = host.split(separator: ".").first.map(String.init), first == "istiod" || first.hasPrefix("istiod-") else { return nil }
        return first
    }

    /// The SNI a remote's proxies send for istiod of `revision` (nil/"" for the default) in `namespace`:
    /// the remote's `istiod[-<rev>]` Service, `istiod[-<rev>].<ns>.svc`.
    public static func sni(revision: String?, namespace: String) -> String {
        "\(serviceName(revision: revision)).\(namespace).svc"
    }

    /// `istiod` or `istiod-<rev>`.
    public static func serviceName(revision: String?) -> String {
        guard let r = revision, !r.isEmpty, r != "default" else { return "istiod" }
        return "istiod-\(r)"
    }
}
