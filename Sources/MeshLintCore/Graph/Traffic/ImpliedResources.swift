/// A resource an install renders without it being written in the set (SPEC §1 "Implied
/// resources"), with the setting that causes it.
public struct ImpliedResource: Sendable {
    /// The rendered object. `isImplied` is true; every node of it sits at `cause`'s position in
    /// the install's file, so findings about it point at the install.
    public let resource: Resource
    /// The install (IstioOperator or Helm values) that renders it.
    public let install: InstallSource
    /// The `multiCluster.enabled: true` value that makes the chart render it.
    public let cause: YAMLNode
    /// Why it exists, for messages (e.g. "rendered by IstioOperator istio-system/x (multiCluster.enabled: true)").
    public let origin: String
}

/// What the Istio 1.1–1.9 gateway charts render when `values.global.multiCluster.enabled` is
/// true (`…/gateways/templates/preconfigured.yaml`, `istio-ingress/templates/preconfigured.yaml`):
/// a Gateway `istio-multicluster-ingressgateway` (15443, TLS, AUTO_PASSTHROUGH, `*.<suffix>`), an
/// EnvoyFilter with `tcp_cluster_rewrite` (`\.<suffix>$` → `.svc.<clusterDomain>`) unless 1.8+
/// `includeEnvoyFilter: false`, and a DestinationRule `*.<suffix>` with `ISTIO_MUTUAL`; the
/// 1.1–1.4 Helm chart also renders an egress-gateway Gateway. 1.10+ renders none of them.
enum ImpliedResources {
    static func render(facts: ClusterFacts) -> [ImpliedResource] {
        guard let primary = facts.multiClusterEnabled.primary, primary.value else { return [] }
        let release = facts.istioRelease
        if let v = release, v < .v1_1 || v > .v1_9 { return [] }
        func isLegacyHelm(_ i: InstallSource) -> Bool { i.resource == nil && (release == nil || release! < .v1_5) }
        // The templates live in the gateway charts (1.1–1.4: `gateways`; 1.5+: the ingress
        // gateway's), so only an install with `multiCluster.enabled: true` that renders the
        // ingress gateway renders them: not a disabled gateway, not `minimal`/`empty` without an
        // enabled ingress component; a gateway installed by a separate install renders them when
        // that install also sets `multiCluster.enabled: true`.
        let candidates = facts.multiClusterEnabled.sources.filter(\.value).compactMap { e in
            facts.installs.first(where: { $0.global("multiCluster", "enabled") == e.node }).map { (e, $0) }
        }
        guard let (enabled, install) = candidates.first(where: { _, i in
            if i.values?.at("gateways", "enabled")?.bool == false { return false }
            if !isLegacyHelm(i) && ingressGatewayDisabled(i) { return false }
            return i.profileWithoutIngress == nil || enablesIngressComponent(i)
        }) else { return [] }
        let legacyHelm = isLegacyHelm(install)

        let suffix = facts.effectiveGlobalSuffix
        let ns = facts.istioNamespace
        let domain = facts.domain
        var includeFilter = true
        if release == nil || release! >= .v1_8, let f = facts.includeEnvoyFilter.value { includeFilter = f }

        let host = quote("*.\(suffix)")
        let pattern = quote("\\.\(suffix.replacingDots())$")
        let replacement = quote(".svc.\(domain)")
        var docs: [String] = []
        if legacyHelm && !egressGatewayDisabled(install) {
            docs.append(gateway(name: "istio-multicluster-egressgateway", ns: ns, selector: "egressgateway", host: host))
        }
        docs.append(gateway(name: "istio-multicluster-ingressgateway", ns: ns, selector: "ingressgateway", host: host))
        if includeFilter {
            if legacyHelm {
                docs.append("""
                apiVersion: networking.istio.io/v1alpha3
                kind: EnvoyFilter
                metadata:
                  name: istio-multicluster-ingressgateway
                  namespace: \(ns)
                spec:
                  workloadLabels:
                    istio: ingressgateway
                  filters:
                  - listenerMatch:
                      portNumber: 15443
                      listenerType: GATEWAY
                    insertPosition:
                      index: AFTER
                      relativeTo: envoy.filters.network.sni_cluster
                    filterName: envoy.filters.network.tcp_cluster_rewrite
                    filterType: NETWORK
                    filterConfig:
                      cluster_pattern: \(pattern)
                      cluster_replacement: \(replacement)
                """)
            } else {
                docs.append("""
                apiVersion: networking.istio.io/v1alpha3
                kind: EnvoyFilter
                metadata:
                  name: istio-multicluster-ingressgateway
                  namespace: \(ns)
                spec:
                  workloadSelector:
                    labels:
                      istio: ingressgateway
                  configPatches:
                  - applyTo: NETWORK_FILTER
                    match:
                      context: GATEWAY
                      listener:
                        portNumber: 15443
                        filterChain:
                          filter:
                            name: envoy.filters.network.sni_cluster
                    patch:
                      operation: INSERT_AFTER
                      value:
                        name: envoy.filters.network.tcp_cluster_rewrite
                        config:
                          cluster_pattern: \(pattern)
                          cluster_replacement: \(replacement)
                """)
            }
        }
        docs.append("""
        apiVersion: networking.istio.io/v1alpha3
        kind: DestinationRule
        metadata:
          name: \(legacyHelm ? "istio-multicluster-destinationrule" : "istio-multicluster-ingressgateway")
          namespace: \(ns)
        spec:
          host: \(host)
          trafficPolicy:
            tls:
              mode: ISTIO_MUTUAL
        """)

        let file = YAMLParser.parseRendered(docs.joined(separator: "\n---\n") + "\n", anchoredAt: enabled.node)
        let origin = "rendered by \(install.label) (multiCluster.enabled: true)"
        return file.roots.compactMap { root in
            guard case .resource(let identity) = ResourceFactory.classify(root) else { return nil }
            let r = Resource(clusterIndex: facts.index, root: root, identity: identity,
                             isShared: install.resource?.isShared ?? false, isImplied: true)
            return ImpliedResource(resource: r, install: install, cause: enabled.node, origin: origin)
        }
    }

    static func gateway(name: String, ns: String, selector: String, host: String) -> String {
        """
        apiVersion: networking.istio.io/v1alpha3
        kind: Gateway
        metadata:
          name: \(name)
          namespace: \(ns)
        spec:
          selector:
            istio: \(selector)
          servers:
          - hosts:
            - \(host)
            port:
              name: tls
              number: 15443
              protocol: TLS
            tls:
              mode: AUTO_PASSTHROUGH
        """
    }

    /// True when the install turns the default ingress gateway (whose chart carries the
    /// templates from 1.5 on) off.
    static func ingressGatewayDisabled(_ i: InstallSource) -> Bool {
        if let list = i.spec?.at("components", "ingressGateways"), list.isSequence {
            let named = list.items.filter { ($0["name"]?.text ?? "istio-ingressgateway") == "istio-ingressgateway" }
            if !named.isEmpty && named.allSatisfy({ $0["enabled"]?.bool == false }) { return true }
        }
        return i.values?.at("gateways", "istio-ingressgateway", "enabled")?.bool == false
    }

    /// True when the IstioOperator enables an ingress gateway component by name.
    static func enablesIngressComponent(_ i: InstallSource) -> Bool {
        (i.spec?.at("components", "ingressGateways")?.items ?? []).contains { $0["enabled"]?.bool == true }
    }

    static func egressGatewayDisabled(_ i: InstallSource) -> Bool {
        i.values?.at("gateways", "istio-egressgateway", "enabled")?.bool == false
    }

    /// A double-quoted YAML scalar.
    static func quote(_ s: String) -> String {
        "\"" + s.replacingBackslashesAndQuotes() + "\""
    }
}

private extension String {
    func replacingDots() -> String {
        var out = ""
        for c in self { if c == "." { out += "\\." } else { out.append(c) } }
        return out
    }

    func replacingBackslashesAndQuotes() -> String {
        var out = ""
        for c in self {
            if c == "\\" || c == "\"" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}

extension InstallSource {
    /// Profiles whose IstioOperator renders no ingress gateway (1.4–1.9 `minimal` and `empty`
    /// disable `istio-ingressgateway`; `remote` inherits it from `default`).
    public static let profilesWithoutIngress: Set<String> = ["minimal", "empty"]

    /// The `spec.profile` node when it names a profile that renders no ingress gateway, so the
    /// 1.1–1.9 `multiCluster.enabled` templates (which live in the ingress gateway's chart)
    /// render nothing unless a component enables a gateway.
    public var profileWithoutIngress: YAMLNode? {
        guard let p = profile, let name = p.text, Self.profilesWithoutIngress.contains(name) else { return nil }
        return p
    }
}
