/// An address at which a cluster can be reached from outside (its gateways' load balancer IPs
/// and host names, external IPs, or the manifest's `gatewayAddresses`).
public struct GatewayAddress: Sendable {
    /// The cluster the address belongs to.
    public let cluster: Int
    /// The address as written.
    public let value: Located<String>
    /// Where it was read, for messages (e.g. "Service istio-system/istio-ingressgateway status.loadBalancer").
    public let source: String
}

/// One port of a gateway Service.
public struct GatewayServicePort: Sendable {
    /// `name`.
    public let name: String?
    /// `port`.
    public let port: Located<Int>?
    /// `targetPort` (when a number).
    public let targetPort: Int?
    /// `nodePort`.
    public let nodePort: Located<Int>?
    /// The port's mapping in the list.
    public let node: YAMLNode
}

/// The Service in front of a gateway workload, from a Service object or from an install's
/// gateway settings (IstioOperator `components.*Gateways[]`, Helm `gateways.<name>`).
public struct GatewayService: Sendable {
    /// The cluster it runs in.
    public let cluster: Int
    /// The Service (gateway) name.
    public let name: String
    /// Its namespace.
    public let namespace: String
    /// Labels of the gateway (Service labels, or the install's gateway `label`/`labels`).
    public let labels: [String: String]
    /// The Service, or the IstioOperator that declares the gateway (nil for Helm values).
    public let resource: Resource?
    /// Where the gateway is declared.
    public let node: YAMLNode
    /// `spec.type` / `k8s.service.type` / Helm `type`, when written.
    public let type: String?
    /// The ports as written; nil when the install leaves them to the chart's defaults.
    public let ports: [GatewayServicePort]?
    /// Addresses other clusters can use to reach it.
    public let addresses: [Located<String>]
    /// "Service ns/name", "IstioOperator ns/name components.ingressGateways[0]", ...
    public let source: String
    /// The `ports` key when the ports are written (where a missing port is reported).
    public let portsKey: YAMLNode?
    /// Dotted path of the ports list in the declaring object (`spec.ports`,
    /// `spec.components.ingressGateways[0].k8s.service.ports`, `gateways.<name>.ports`).
    public let portsFieldPath: String
    /// `spec.selector` of a Service object (the pods it fronts); empty for install declarations.
    public let selector: [String: String]
    /// Environment variables the declaration states for the gateway pods (IstioOperator
    /// `k8s.env`, Helm `env`), by name.
    public let env: [String: Located<String>]

    /// The port entries that serve `port` (by `port`, else by `targetPort`).
    public func ports(serving port: Int) -> [GatewayServicePort] {
        (ports ?? []).filter { $0.port?.value == port || ($0.port == nil && $0.targetPort == port) }
    }
}

/// One server of a `networking.istio.io` Gateway (written, or implied by an install).
public struct GatewayServer: Sendable {
    /// The Gateway.
    public let gateway: Resource
    /// Index in `spec.servers`.
    public let index: Int
    /// The server mapping.
    public let node: YAMLNode
    /// `port.number`.
    public let port: Located<Int>?
    /// `port.protocol`.
    public let protocolName: String?
    /// `tls.mode`.
    public let tlsMode: Located<String>?
    /// `hosts` (with a `namespace/` prefix removed).
    public let hosts: [Located<String>]
    /// `spec.selector`.
    public let selector: [String: String]

    /// True for an `AUTO_PASSTHROUGH` server (SNI routing to mesh services without terminating TLS).
    public var isAutoPassthrough: Bool { tlsMode?.value.uppercased() == "AUTO_PASSTHROUGH" }

    /// The dotted path of the port number, for fingerprints.
    public var portFieldPath: String { "spec.servers[\(index)].port.number" }
}

enum GatewayReader {
    /// Gateway servers of `gateways` (networking Gateways, written or implied).
    static func servers(_ gateways: [Resource]) -> [GatewayServer] {
        var out: [GatewayServer] = []
        for g in gateways where g.group == "networking.istio.io" || g.group.isEmpty {
            guard let servers = g.spec?["servers"], servers.isSequence else { continue }
            var selector: [String: String] = [:]
            for (k, v) in g.spec?["selector"]?.pairs ?? [] { if let key = k.scalar, let val = v.text { selector[key] = val } }
            for (i, s) in servers.items.enumerated() where s.isMapping {
                let number = s.at("port", "number")
                let hosts = (s["hosts"]?.items ?? []).compactMap { h -> Located<String>? in
                    guard let t = h.text else { return nil }
                    let host = t.split(separator: "/", maxSplits: 1).last.map(String.init) ?? t
                    return Located(host, h)
                }
                out.append(GatewayServer(
                    gateway: g, index: i, node: s,
                    port: number.flatMap { n in (n.int ?? n.text.flatMap { Int($0) }).map { Located($0, n) } },
                    protocolName: s.at("port", "protocol")?.text,
                    tlsMode: s.at("tls", "mode").flatMap { n in n.text.map { Located($0, n) } },
                    hosts: hosts, selector: selector))
            }
        }
        return out
    }

    /// Gateway Services of one cluster: Service objects that look like gateways (an `istio`
    /// label naming a gateway, a `topology.istio.io/network` label, or a name with "gateway")
    /// and the gateways declared by its installs.
    static func services(cluster: Int, services: [Resource], installs: [InstallSource]) -> [GatewayService] {
        var out: [GatewayService] = []
        for s in services {
            // Two labels decide; the label map is built only for gateway Services.
            let looksLikeGateway = (s.labelsNode?.lastText(forKey: "istio", merged: true)?.hasSuffix("gateway") ?? false)
                || s.labelsNode?.lastText(forKey: "topology.istio.io/network", merged: true) != nil
                || s.name.contains("gateway")
            guard looksLikeGateway else { continue }
            let labels = s.labels.mapValues(\.value)
            out.append(GatewayService(
                cluster: cluster, name: s.name, namespace: s.namespace, labels: labels, resource: s, node: s.nameNode,
                type: s.spec?["type"]?.text, ports: ports(s.spec?["ports"]) ?? [],
                addresses: externalAddresses(service: s), source: "Service \(s.namespace)/\(s.name)",
                portsKey: s.spec?.keyNode("ports"), portsFieldPath: "spec.ports", selector: stringMap(s.spec?["selector"]), env: [:]))
        }
        for i in installs {
            let ns = i.istioNamespace?.text ?? "istio-system"
            for kind in ["ingressGateways", "egressGateways"] {
                guard let list = i.spec?.at("components", kind), list.isSequence else { continue }
                for (idx, g) in list.items.enumerated() where g.isMapping && g["enabled"]?.bool != false {
                    let name = g["name"]?.text ?? (kind == "ingressGateways" ? "istio-ingressgateway" : "istio-egressgateway")
                    var labels: [String: String] = [:]
                    for (k, v) in g["label"]?.pairs ?? [] { if let key = k.scalar, let val = v.text { labels[key] = val } }
                    if labels.isEmpty { labels = defaultLabels(name) }
                    let svc = g.at("k8s", "service")
                    var addrs: [Located<String>] = []
                    if let ip = svc?["loadBalancerIP"], let t = ip.text, !t.isEmpty { addrs.append(Located(t, ip)) }
                    for e in svc?["externalIPs"]?.items ?? [] { if let t = e.text { addrs.append(Located(t, e)) } }
                    out.append(GatewayService(
                        cluster: cluster, name: name, namespace: g["namespace"]?.text ?? ns, labels: labels,
                        resource: i.resource, node: g["name"] ?? g, type: svc?["type"]?.text,
                        ports: ports(svc?["ports"]), addresses: addrs,
                        source: "\(i.label) components.\(kind)[\(idx)]",
                        portsKey: svc?.keyNode("ports"), portsFieldPath: "spec.components.\(kind)[\(idx)].k8s.service.ports", selector: [:], env: envList(g.at("k8s", "env"))))
                }
            }
            // A Sail `Istio` installs no gateways, whatever its values say.
            guard i.kind != .sailIstio, let gws = i.values?["gateways"], gws.isMapping else { continue }
            for (k, g) in gws.pairs where g.isMapping {
                guard let name = k.scalar, name.contains("gateway"), g["enabled"]?.bool != false else { continue }
                // IstioOperator values only tune the components above; Helm values declare gateways.
                if i.resource != nil && out.contains(where: { $0.name == name && $0.cluster == cluster }) { continue }
                if i.resource != nil && g["ports"] == nil { continue }
                var labels: [String: String] = [:]
                for (lk, lv) in g["labels"]?.pairs ?? [] { if let key = lk.scalar, let val = lv.text { labels[key] = val } }
                if labels.isEmpty { labels = defaultLabels(name) }
                var addrs: [Located<String>] = []
                if let ip = g["loadBalancerIP"], let t = ip.text, !t.isEmpty { addrs.append(Located(t, ip)) }
                for e in g["externalIPs"]?.items ?? [] { if let t = e.text { addrs.append(Located(t, e)) } }
                out.append(GatewayService(
                    cluster: cluster, name: name, namespace: g["namespace"]?.text ?? ns, labels: labels,
                    resource: i.resource, node: k, type: g["type"]?.text, ports: ports(g["ports"]), addresses: addrs,
                    source: "\(i.label) \(i.resource == nil ? "" : "spec.values.")gateways.\(name)",
                    portsKey: g.keyNode("ports"), portsFieldPath: "\(i.resource == nil ? "" : "spec.values.")gateways.\(name).ports", selector: [:], env: envMap(g["env"])))
            }
        }
        return out
    }

    /// A mapping of scalar values by key (labels, selectors).
    static func stringMap(_ node: YAMLNode?) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in node?.pairs ?? [] { if let key = k.scalar, let val = v.text { out[key] = val } }
        return out
    }

    /// A Kubernetes `env` list (`- name: X, value: Y`) by name; entries without a literal value skipped.
    static func envList(_ node: YAMLNode?) -> [String: Located<String>] {
        var out: [String: Located<String>] = [:]
        for e in node?.items ?? [] where e.isMapping {
            if let name = e["name"]?.text, let v = e["value"], let t = v.text, out[name] == nil { out[name] = Located(t, v) }
        }
        return out
    }

    /// A Helm `env` map (`X: Y`) by name.
    static func envMap(_ node: YAMLNode?) -> [String: Located<String>] {
        var out: [String: Located<String>] = [:]
        for (k, v) in node?.pairs ?? [] { if let name = k.scalar, let t = v.text { out[name] = Located(t, v) } }
        return out
    }

    static func defaultLabels(_ name: String) -> [String: String] {
        switch name {
        case "istio-ingressgateway": return ["istio": "ingressgateway", "app": "istio-ingressgateway"]
        case "istio-egressgateway": return ["istio": "egressgateway", "app": "istio-egressgateway"]
        case "istio-eastwestgateway": return ["istio": "eastwestgateway", "app": "istio-eastwestgateway"]
        default: return ["app": name]
        }
    }

    static func ports(_ list: YAMLNode?) -> [GatewayServicePort]? {
        guard let list, list.isSequence else { return nil }
        return list.items.filter(\.isMapping).map { p in
            func int(_ k: String) -> Located<Int>? {
                guard let n = p[k], let v = n.int ?? n.text.flatMap({ Int($0) }) else { return nil }
                return Located(v, n)
            }
            return GatewayServicePort(name: p["name"]?.text, port: int("port"), targetPort: int("targetPort")?.value,
                                      nodePort: int("nodePort"), node: p)
        }
    }

    /// `status.loadBalancer.ingress[].ip|hostname`, `spec.externalIPs[]`, `spec.loadBalancerIP`.
    static func externalAddresses(service s: Resource) -> [Located<String>] {
        var out: [Located<String>] = []
        for ing in s.root.at("status", "loadBalancer", "ingress")?.items ?? [] {
            for k in ["ip", "hostname"] { if let n = ing[k], let t = n.text, !t.isEmpty { out.append(Located(t, n)) } }
        }
        for e in s.spec?["externalIPs"]?.items ?? [] { if let t = e.text, !t.isEmpty { out.append(Located(t, e)) } }
        if let n = s.spec?["loadBalancerIP"], let t = n.text, !t.isEmpty { out.append(Located(t, n)) }
        return out
    }
}
