/// How a remote cluster (`profile: remote`, `istiodRemote.enabled`) is wired to the istiod
/// that runs elsewhere, as its install states it: the address its proxies and webhooks use for
/// istiod, the injection webhook's target and CA bundle, the revision, and whether it is the
/// config cluster of an external control plane. Read from the cluster's IstioOperators and Helm
/// values (first statement wins, in install order), else from a rendered injector webhook.
public struct RemoteWiring: Sendable {
    /// What makes the cluster a remote (`spec.profile: remote`, `istiodRemote.enabled: true`,
    /// or a rendered injector webhook that calls another cluster's istiod).
    public let role: Sourced<String>
    /// True when nothing but rendered output describes the remote (no install values).
    public let isRendered: Bool
    /// `values.global.remotePilotAddress`.
    public let remotePilotAddress: Sourced<String>?
    /// `values.istiodRemote.injectionPath` (chart default `/inject`), or the rendered webhook's
    /// `clientConfig.service.path`.
    public let injectionPath: Sourced<String>?
    /// `values.istiodRemote.injectionURL`, or the rendered webhook's `clientConfig.url`.
    public let injectionURL: Sourced<String>?
    /// `values.istiodRemote.injectionCABundle`, or the rendered webhook's `clientConfig.caBundle`.
    public let injectionCABundle: Sourced<String>?
    /// `values.global.configCluster`.
    public let configCluster: Sourced<Bool>?
    /// `values.istiodRemote.enabledLocalInjectorIstiod: true`: a local istiod on the remote
    /// injects its pods (the webhook calls it, not the primary), only xDS goes to the primary.
    public let localInjector: Bool
    /// The remote install's revision (IstioOperator `spec.revision`, Helm `revision`, or the
    /// rendered webhook's `istio-sidecar-injector-<rev>` name); nil for the default revision.
    public let revision: Sourced<String>?

    /// The webhook target istiod is called with: the URL when set, else the service path.
    public var injectionTarget: Sourced<String>? { injectionURL ?? injectionPath }

    /// True when `remotePilotAddress` is an IPv4 or IPv6 literal, as the chart's
    /// `remote-istiod-service.yaml` decides between an EndpointSlice and an ExternalName Service.
    public static func isIPLiteral(_ address: String) -> Bool {
        if case .success = IPAddress.parse(address) { return true }
        return false
    }

    /// The host of an injection URL (`https://istiod.example.com:15017/inject/...` →
    /// `istiod.example.com`), lowercased.
    public static func host(ofURL url: String) -> String? {
        APIServers.host(of: url)
    }

    /// True when the webhook target names the cluster the injected proxies report
    /// (`/inject/cluster/<c>/...`, or the deprecated `:ENV:cluster=<c>` form).
    public static func namesCluster(_ target: String) -> Bool {
        let parts = target.split(separator: "/")
        if let i = parts.firstIndex(of: "cluster"), i > 0, parts[i - 1] == "inject", i + 1 < parts.count { return true }
        return target.contains(":ENV:cluster=") || target.contains(":ENV:ISTIO_META_CLUSTER_ID=")
    }

    /// True when an install states remote wiring (`istiodRemote`, `global.remotePilotAddress`).
    static func statesWiring(_ i: InstallSource) -> Bool {
        i.values?["istiodRemote"] != nil || i.global("remotePilotAddress") != nil
    }

    static func read(facts f: ClusterFacts, webhooks: [Resource]) -> RemoteWiring? {
        var role: Sourced<String>?
        var fields: [String: Sourced<String>] = [:]
        var configCluster: Sourced<Bool>?
        var revision: Sourced<String>?
        var localInjector = false
        // The istiod chart's values (istiodRemote, remotePilotAddress) name the remote more
        // precisely than the base chart's `profile: remote`: read them first.
        let installs = f.installs.filter { !$0.isGatewayOnly }
        let ordered = installs.filter(Self.statesWiring) + installs.filter { !Self.statesWiring($0) }
        for i in ordered {
            let prefix = i.resource == nil ? "" : "spec.values."
            if role == nil {
                if let p = i.profile ?? (i.resource == nil ? i.values?["profile"] : nil), p.scalarEquals("remote") {
                    role = Sourced("profile: remote", p, source: "\(i.label) \(i.resource == nil ? "" : "spec.")profile")
                } else if let e = i.values?.at("istiodRemote", "enabled") ?? i.spec?.at("components", "istiodRemote", "enabled"), e.bool == true {
                    role = Sourced("istiodRemote.enabled: true", e, source: "\(i.label) istiodRemote.enabled")
                }
            }
            let keys: [(String, [String])] = [
                ("remotePilotAddress", ["global", "remotePilotAddress"]),
                ("injectionPath", ["istiodRemote", "injectionPath"]),
                ("injectionURL", ["istiodRemote", "injectionURL"]),
                ("injectionCABundle", ["istiodRemote", "injectionCABundle"]),
            ]
            for (key, path) in keys where fields[key] == nil {
                if let n = i.values?.at(path), let s = n.text, !s.isEmpty {
                    fields[key] = Sourced(s, n, source: "\(i.label) \(prefix)\(path.joined(separator: "."))", resource: i.resource,
                                          fieldPath: "\(prefix)\(path.joined(separator: "."))")
                }
            }
            if configCluster == nil, let n = i.global("configCluster"), let b = n.bool {
                configCluster = Sourced(b, n, source: "\(i.label) \(prefix)global.configCluster")
            }
            if revision == nil, let r = InstallRevision.read(i), !r.value.isEmpty { revision = r }
            if i.values?.at("istiodRemote", "enabledLocalInjectorIstiod")?.bool == true { localInjector = true }
        }
        if let role {
            return RemoteWiring(role: role, isRendered: false, remotePilotAddress: fields["remotePilotAddress"],
                                injectionPath: fields["injectionPath"], injectionURL: fields["injectionURL"],
                                injectionCABundle: fields["injectionCABundle"], configCluster: configCluster,
                                localInjector: localInjector, revision: revision)
        }
        // Rendered remote: no istiod here, and an injector webhook that calls another cluster's.
        guard f.role == .remote, f.rendered.istiods.isEmpty else { return nil }
        for w in webhooks where w.name.hasPrefix("istio-sidecar-injector") {
            guard let hook = w.root["webhooks"]?.items.first, let cc = hook["clientConfig"] else { continue }
            func field(_ n: YAMLNode?, _ path: String) -> Sourced<String>? {
                guard let n, let s = n.text, !s.isEmpty else { return nil }
                return Sourced(s, n, source: "MutatingWebhookConfiguration \(w.name) \(path)", resource: w, fieldPath: path)
            }
            let rev = w.label("istio.io/rev").flatMap { $0.value == "default" ? nil : Sourced($0.value, $0.node, source: "MutatingWebhookConfiguration \(w.name) label istio.io/rev", resource: w) }
            return RemoteWiring(role: Sourced("rendered remote injector", w.nameNode, source: "MutatingWebhookConfiguration \(w.name)", resource: w),
                                isRendered: true, remotePilotAddress: nil,
                                injectionPath: field(cc.at("service", "path"), "webhooks[0].clientConfig.service.path"),
                                injectionURL: field(cc["url"], "webhooks[0].clientConfig.url"),
                                injectionCABundle: field(cc["caBundle"], "webhooks[0].clientConfig.caBundle"),
                                configCluster: nil, localInjector: false, revision: rev)
        }
        return nil
    }
}

/// The revision an install states: IstioOperator `spec.revision`, Helm values `revision`, a
/// Sail `Istio`'s name.
enum InstallRevision {
    /// The revision, "" when the install states an empty one, nil when it states none.
    static func read(_ i: InstallSource) -> Sourced<String>? {
        if i.kind == .sailIstio, let r = i.resource { return sail(r) }
        if let r = i.resource, let n = i.spec?["revision"] {
            return Sourced(n.text ?? "", n, source: "IstioOperator \(r.namespace)/\(r.name) spec.revision", resource: r, fieldPath: "spec.revision")
        }
        if i.resource == nil, let n = i.values?["revision"] {
            return Sourced(n.text ?? "", n, source: "\(i.label) revision", fieldPath: "revision")
        }
        return nil
    }

    /// The revision the Sail Operator gives the control plane of `Istio` `r`: with the `InPlace`
    /// update strategy (the default) the resource's name, with `RevisionBased` the name and the
    /// version (`default-v1-26-0`); a revision named `default` is installed as the empty one.
    /// Nil when `RevisionBased` has no version in the set.
    private static func sail(_ r: Resource) -> Sourced<String>? {
        let spec = r.spec
        var name = r.name
        if spec?.at("updateStrategy", "type")?.scalarEquals("RevisionBased") == true {
            guard let v = spec?["version"]?.text, !v.isEmpty else { return nil }
            name += "-" + String(v.map { $0 == "." ? "-" : $0 })
        }
        return Sourced(name == "default" ? "" : name, r.nameNode, source: "Sail Istio \(r.name) metadata.name",
                       resource: r, fieldPath: "metadata.name")
    }
}
