/// One place that states a fact: the value, the node it was read from, and a short
/// description of the source for messages (e.g. "IstioOperator spec.values.global.network").
public struct Sourced<Value: Sendable>: Sendable {
    public let value: Value
    public let node: YAMLNode
    public let source: String
    /// The resource stating it, when it is a Kubernetes object (rendered install output).
    public let resource: Resource?
    /// Dotted path inside that resource (into embedded text: `data.mesh trustDomain`).
    public let fieldPath: String?

    public init(_ value: Value, _ node: YAMLNode, source: String, resource: Resource? = nil, fieldPath: String? = nil) {
        self.value = value
        self.node = node
        self.source = source
        self.resource = resource
        self.fieldPath = fieldPath
    }

    /// The value's location.
    public var location: SourceLocation { SourceLocation(node) }
}

/// A fact about a cluster together with every place that states it, so rules can report
/// disagreements. Sources are in precedence order (the first one is the effective value).
public struct Fact<Value: Sendable & Hashable>: Sendable {
    public var sources: [Sourced<Value>]

    public init(_ sources: [Sourced<Value>] = []) { self.sources = sources }

    /// The effective value (from the first source), if any source states it.
    public var value: Value? { sources.first?.value }
    /// The first source.
    public var primary: Sourced<Value>? { sources.first }
    /// True when at least two sources give different values.
    public var isConflicting: Bool { Set(sources.map(\.value)).count > 1 }
    /// True when no source states the fact.
    public var isEmpty: Bool { sources.isEmpty }
}

/// What kind of document describes an Istio install.
public enum InstallKind: Sendable {
    /// An `install.istio.io` IstioOperator (istioctl's input): `spec.profile`, `spec.components`,
    /// `spec.meshConfig`, `spec.tag`, `spec.revision`, Helm values under `spec.values`.
    case istioOperator
    /// A Sail Operator `Istio` resource (`sailoperator.io`): Helm values under `spec.values`, plus
    /// `spec.profile`, `spec.version`, `spec.namespace` and `spec.updateStrategy`. It installs the
    /// control plane only (gateways are installed apart), and its name gives the revision.
    case sailIstio
    /// A Helm values file.
    case helmValues
}

/// One Istio install description: an IstioOperator, a Sail Operator `Istio` resource, or a Helm
/// values file.
public struct InstallSource: Sendable {
    /// The IstioOperator or Sail `Istio` resource (nil for a Helm values file).
    public let resource: Resource?
    /// The document root.
    public let root: YAMLNode
    /// `spec.values` of an IstioOperator or Sail `Istio`, or the root of a Helm values file.
    public let values: YAMLNode?
    /// `spec` of an IstioOperator (nil for Helm values, and for a Sail `Istio`, whose `spec`
    /// has other fields: see `profile`, `sailVersion`, `istioNamespace` and `InstallRevision`).
    public let spec: YAMLNode?
    /// Index of the cluster.
    public let clusterIndex: Int
    /// What kind of document it is.
    public let kind: InstallKind

    public init(resource: Resource?, root: YAMLNode, values: YAMLNode?, spec: YAMLNode?, clusterIndex: Int, kind: InstallKind) {
        self.resource = resource
        self.root = root
        self.values = values
        self.spec = spec
        self.clusterIndex = clusterIndex
        self.kind = kind
    }

    /// The install a resource describes: an IstioOperator or a Sail `Istio` resource.
    static func of(_ r: Resource, cluster: Int) -> InstallSource? {
        if r.kind == "IstioOperator" {
            return InstallSource(resource: r, root: r.root, values: r.spec?["values"], spec: r.spec, clusterIndex: cluster, kind: .istioOperator)
        }
        if isSailIstio(r) {
            return InstallSource(resource: r, root: r.root, values: r.spec?["values"], spec: nil, clusterIndex: cluster, kind: .sailIstio)
        }
        return nil
    }

    /// True for a Sail Operator `Istio` resource (kind `Istio` in the `sailoperator.io` group).
    public static func isSailIstio(_ r: Resource) -> Bool {
        r.is("Istio", group: "sailoperator.io")
    }

    /// "IstioOperator istio-system/name", "Sail Istio name" or "Helm values <file>".
    public var label: String {
        guard let r = resource else { return "Helm values \(root.file.path)" }
        if kind == .sailIstio { return "Sail Istio \(r.name.isEmpty ? "(unnamed)" : r.name)" }
        return "IstioOperator \(r.namespace)/\(r.name.isEmpty ? "(unnamed)" : r.name)"
    }

    /// A node under `values.global`.
    public func global(_ keys: String...) -> YAMLNode? { values?.at(["global"] + keys) }

    /// `spec.profile` of an IstioOperator or a Sail `Istio` (Helm values have none).
    public var profile: YAMLNode? { kind == .sailIstio ? resource?.spec?["profile"] : spec?["profile"] }

    /// `spec.version` of a Sail `Istio` (`v1.26.0`).
    public var sailVersion: YAMLNode? { kind == .sailIstio ? resource?.spec?["version"] : nil }

    /// The node naming the Istio namespace: a Sail `Istio`'s `spec.namespace` (the operator
    /// writes it over `values.global.istioNamespace`), else `values.global.istioNamespace`. Nil
    /// means the default, `istio-system`.
    public var istioNamespace: YAMLNode? {
        kind == .sailIstio ? resource?.spec?["namespace"] : global("istioNamespace")
    }

    /// True when this install only adds gateways (profile `empty` / no control plane), like the
    /// IstioOperator `gen-eastwest-gateway.sh` prints.
    public var isGatewayOnly: Bool {
        guard let spec else { return false }
        // `profile: empty` with pilot turned on is a control plane (the external control plane page).
        if let pilot = spec.at("components", "pilot", "enabled")?.bool { return !pilot }
        return spec["profile"]?.scalarEquals("empty") == true
    }
}

/// The role of a cluster's control plane.
public enum ClusterRole: String, Sendable, Codable {
    /// Runs istiod (primary, or a replicated control plane).
    case primary
    /// `profile: remote` (or `istiodRemote`): no istiod, proxies use another cluster's.
    case remote
    /// Nothing in the set says.
    case unknown
}

/// Facts about one cluster, each with every place that states it.
public struct ClusterFacts: Sendable {
    /// Index in `ConfigSet.clusters`.
    public let index: Int
    /// IstioOperators and Helm values files of the cluster.
    public let installs: [InstallSource]
    /// `values.global.multiCluster.clusterName` from every install.
    public let clusterName: Fact<String>
    /// The cluster's network: manifest, install values, istio-system Namespace label.
    public let network: Fact<String>
    /// `values.global.meshID`.
    public let meshID: Fact<String>
    /// `meshConfig.trustDomain` (IstioOperator `spec.meshConfig`) or `values.global.trustDomain`.
    public let trustDomain: Fact<String>
    /// `values.global.multiCluster.enabled`.
    public let multiClusterEnabled: Fact<Bool>
    /// `values.global.multiCluster.globalDomainSuffix` (default `global`).
    public let globalDomainSuffix: Fact<String>
    /// `values.global.multiCluster.includeEnvoyFilter` (default true).
    public let includeEnvoyFilter: Fact<Bool>
    /// `values.global.proxy.clusterDomain` (default `cluster.local`).
    public let clusterDomain: Fact<String>
    /// istiocoredns enabled (`spec.addonComponents.istiocoredns.enabled`, Helm `istiocoredns.enabled`).
    public let istiocorednsEnabled: Fact<Bool>
    /// `values.global.podDNSSearchNamespaces` entries.
    public let podDNSSearchNamespaces: [Sourced<String>]
    /// Istio version from `spec.tag` (e.g. `1.6.13`) or Helm `global.tag`.
    public let istioVersion: Fact<String>
    /// The install profile (`default`, `remote`, ...).
    public let profile: Fact<String>
    /// The Istio namespace (`values.global.istioNamespace`, default `istio-system`).
    public let istioNamespace: String
    /// DNS capture (`ISTIO_META_DNS_CAPTURE: "true"` in meshConfig.defaultConfig.proxyMetadata).
    public let dnsCapture: Fact<Bool>
    /// Primary, remote or unknown.
    public let role: ClusterRole
    /// What rendered install output in the cluster states (istiod Deployment, `istio` and
    /// sidecar injector ConfigMaps, gateway Deployments).
    public let rendered: RenderedInstall
    /// istiod environment variables, name → every place that sets one: IstioOperator
    /// `spec.components.pilot.k8s.env` and `spec.values.pilot.env`, Helm `pilot.env` / `env`,
    /// and the rendered istiod Deployment.
    public let istiodEnv: [String: [Sourced<String>]]

    /// The name other clusters use for this one: its clusterName when set, else its set name.
    public let referenceName: String

    /// The effective global domain suffix (default `global`).
    public var globalSuffix: String { globalDomainSuffix.value ?? "global" }
    /// The effective cluster DNS domain (default `cluster.local`).
    public var domain: String { clusterDomain.value ?? "cluster.local" }
    /// True when some install turns multicluster (the 1.1–1.9 gateway charts) on.
    public var isMultiClusterEnabled: Bool { multiClusterEnabled.value == true }
}

extension ClusterFacts {
    /// Reads the facts of cluster `index` from the set.
    static func read(set: ConfigSet, cluster index: Int, resources: [Resource]) -> ClusterFacts {
        var installs: [InstallSource] = []
        for r in resources {
            if let i = InstallSource.of(r, cluster: index) { installs.append(i) }
        }
        for v in set.helmValues where v.clusterIndex == index {
            installs.append(InstallSource(resource: nil, root: v.root, values: v.root, spec: nil, clusterIndex: index, kind: .helmValues))
        }
        // Control-plane installs first: their values are the effective ones.
        installs.sort { !$0.isGatewayOnly && $1.isGatewayOnly }
        let rendered = RenderedInstall.read(resources: resources)

        // An external control plane (istiod running here against a config cluster through the
        // `istio-kubeconfig` Secret in its namespace) carries the config cluster's ID and
        // network, not this cluster's: the install of that istiod describes the config cluster.
        let configNamespaces = Set(resources.lazy.filter { $0.kind == "Secret" && $0.name == ConfigClusterLink.secretName }.map(\.namespace))
        let external = !configNamespaces.isEmpty
        func servesConfigCluster(_ i: InstallSource) -> Bool { configNamespaces.contains(i.istioNamespace?.text ?? "istio-system") }

        func strings(_ path: [String], _ name: String, ownOnly: Bool = false) -> Fact<String> {
            Fact(installs.compactMap { i in
                if ownOnly && servesConfigCluster(i) { return nil }
                guard let n = i.values?.at(path), let s = n.text, !s.isEmpty else { return nil }
                return Sourced(s, n, source: "\(i.label) \(i.resource == nil ? "" : "spec.values.")\(path.joined(separator: "."))")
            })
        }
        func bools(_ path: [String]) -> Fact<Bool> {
            Fact(installs.compactMap { i in
                guard let n = i.values?.at(path), let b = n.bool ?? (n.text.flatMap { $0 == "true" ? true : ($0 == "false" ? false : nil) }) else { return nil }
                return Sourced(b, n, source: "\(i.label) \(i.resource == nil ? "" : "spec.values.")\(path.joined(separator: "."))")
            })
        }

        // Network: manifest, install values, then the istio-system Namespace label.
        var network: [Sourced<String>] = []
        if let d = set.clusters[index].declaration?.network {
            network.append(Sourced(d.value, d.node, source: "meshlint.yaml network"))
        }
        network += strings(["global", "network"], "network", ownOnly: true).sources
        network += rendered.injectorStrings("global", "network")
        let istioNamespace = installs.lazy.compactMap { $0.istioNamespace?.text }.first
            ?? rendered.istiodNamespace ?? "istio-system"
        for r in resources where r.kind == "Namespace" && r.name == istioNamespace {
            if let l = r.label("topology.istio.io/network") {
                network.append(Sourced(l.value, l.node, source: "Namespace \(r.name) label topology.istio.io/network"))
            }
        }

        var trust: [Sourced<String>] = []
        for i in installs {
            if let n = i.spec?.at("meshConfig", "trustDomain"), let s = n.text, !s.isEmpty {
                trust.append(Sourced(s, n, source: "\(i.label) spec.meshConfig.trustDomain"))
            }
            if let n = i.values?.at("meshConfig", "trustDomain"), let s = n.text, !s.isEmpty {
                trust.append(Sourced(s, n, source: "\(i.label) meshConfig.trustDomain"))
            }
        }
        trust += strings(["global", "trustDomain"], "trustDomain").sources
        trust += rendered.meshStrings("trustDomain")

        var coredns: [Sourced<Bool>] = []
        for i in installs {
            if let n = i.spec?.at("addonComponents", "istiocoredns", "enabled") ?? i.spec?.at("components", "istiocoredns", "enabled"),
               let b = n.bool {
                coredns.append(Sourced(b, n, source: "\(i.label) spec.addonComponents.istiocoredns.enabled"))
            }
            if let n = i.values?.at("istiocoredns", "enabled"), let b = n.bool {
                coredns.append(Sourced(b, n, source: "\(i.label) istiocoredns.enabled"))
            }
        }

        var search: [Sourced<String>] = []
        for i in installs {
            if let list = i.global("podDNSSearchNamespaces"), list.isSequence {
                for item in list.items {
                    if let s = item.text { search.append(Sourced(s, item, source: "\(i.label) podDNSSearchNamespaces")) }
                }
            }
        }

        var version: [Sourced<String>] = []
        for i in installs {
            if let n = i.spec?["tag"], let s = n.text { version.append(Sourced(s, n, source: "\(i.label) spec.tag")) }
            if let n = i.global("tag"), let s = n.text { version.append(Sourced(s, n, source: "\(i.label) global.tag")) }
            if let n = i.sailVersion, let s = n.text { version.append(Sourced(s, n, source: "\(i.label) spec.version")) }
        }
        version += rendered.imageVersions()

        var profile: [Sourced<String>] = []
        for i in installs {
            if let n = i.profile, let s = n.text { profile.append(Sourced(s, n, source: "\(i.label) spec.profile")) }
            // Helm charts take `profile` as a value (`helm install istiod istio/istiod --set profile=remote`).
            if i.resource == nil, let n = i.values?["profile"], let s = n.text { profile.append(Sourced(s, n, source: "\(i.label) profile")) }
        }

        var capture: [Sourced<Bool>] = []
        for i in installs {
            for base in [i.spec?["meshConfig"], i.values?["meshConfig"]] {
                if let n = base?.at("defaultConfig", "proxyMetadata", "ISTIO_META_DNS_CAPTURE"), let s = n.text {
                    capture.append(Sourced(s.lowercased() == "true", n, source: "\(i.label) meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE"))
                }
            }
        }
        for m in rendered.meshStrings("defaultConfig", "proxyMetadata", "ISTIO_META_DNS_CAPTURE") {
            capture.append(Sourced(m.value.lowercased() == "true", m.node, source: m.source))
        }

        // Rendered output after the install descriptions: istiod's CLUSTER_ID (not that of an
        // external control plane), the injector's values, the cluster ID the istio-ingress chart
        // gives its gateways.
        let clusterName = Fact(strings(["global", "multiCluster", "clusterName"], "clusterName", ownOnly: true).sources
            + (external ? [] : rendered.istiodStrings("CLUSTER_ID"))
            + rendered.injectorStrings("global", "multiCluster", "clusterName")
            + (rendered.gatewayEnv["ISTIO_META_CLUSTER_ID"] ?? []).map(\.value).filter { !$0.value.isEmpty }
            + ZtunnelValues.clusterNames(set: set, cluster: index, resources: resources).map(\.value))
        let profileFact = Fact(profile)
        var role = ClusterRole.unknown
        if let d = set.clusters[index].declaration?.role?.value {
            role = d == "remote" ? .remote : .primary
        } else if profileFact.sources.contains(where: { $0.value == "remote" }) {
            role = .remote
        } else if installs.contains(where: { $0.spec?.at("components", "istiodRemote", "enabled")?.bool == true
                                              || $0.values?.at("istiodRemote", "enabled")?.bool == true }) {
            role = .remote
        } else if rendered.istiods.isEmpty, rendered.injectionPath?.path.cluster != nil {
            // Rendered remote: the injector webhook calls another cluster's istiod for this cluster.
            role = .remote
        } else if installs.contains(where: { !$0.isGatewayOnly }) || !rendered.istiods.isEmpty {
            role = .primary
        }
        var env: [String: [Sourced<String>]] = [:]
        for i in installs where !i.isGatewayOnly {
            for (ei, e) in (i.spec?.at("components", "pilot", "k8s", "env")?.items ?? []).enumerated() {
                guard let name = e["name"]?.text, let v = e["value"], let s = v.text else { continue }
                env[name, default: []].append(Sourced(s, v, source: "\(i.label) spec.components.pilot.k8s.env[\(ei)] \(name)",
                                                      resource: i.resource, fieldPath: "spec.components.pilot.k8s.env[\(ei)].value"))
            }
            let prefix = i.resource == nil ? "" : "spec.values."
            var maps = [("pilot.env", i.values?.at("pilot", "env"))]
            if i.resource == nil { maps.append(("env", i.values?["env"])) }
            for (path, map) in maps {
                for (k, v) in map?.pairs ?? [] {
                    guard let name = k.text, let s = v.text else { continue }
                    env[name, default: []].append(Sourced(s, v, source: "\(i.label) \(prefix)\(path).\(name)",
                                                          resource: i.resource, fieldPath: "\(prefix)\(path).\(name)"))
                }
            }
        }
        for (name, list) in rendered.istiodEnv { env[name, default: []] += list }
        return ClusterFacts(
            index: index, installs: installs, clusterName: clusterName, network: Fact(network),
            meshID: Fact(strings(["global", "meshID"], "meshID").sources + rendered.injectorStrings("global", "meshID")
                + rendered.meshStrings("defaultConfig", "meshId")),
            trustDomain: Fact(trust),
            multiClusterEnabled: bools(["global", "multiCluster", "enabled"]),
            globalDomainSuffix: strings(["global", "multiCluster", "globalDomainSuffix"], "globalDomainSuffix"),
            includeEnvoyFilter: bools(["global", "multiCluster", "includeEnvoyFilter"]),
            clusterDomain: Fact(strings(["global", "proxy", "clusterDomain"], "clusterDomain").sources
                + rendered.injectorStrings("global", "proxy", "clusterDomain")),
            istiocorednsEnabled: Fact(coredns), podDNSSearchNamespaces: search, istioVersion: Fact(version),
            profile: profileFact, istioNamespace: istioNamespace, dnsCapture: Fact(capture), role: role,
            rendered: rendered, istiodEnv: env,
            referenceName: clusterName.value ?? set.clusters[index].name)
    }
}
