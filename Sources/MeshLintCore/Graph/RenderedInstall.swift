/// What rendered install output (`istioctl manifest generate`, `helm template` of the istio
/// charts, the manifests GitOps repositories keep) states about a cluster: istiod's Deployment
/// env, the mesh config in the `istio` ConfigMap, the values the sidecar injector ConfigMap
/// carries, and the env of gateway Deployments the istio-ingress/egress charts render.
///
/// Text embedded in a scalar (the mesh config YAML, the injector's JSON values) is parsed with
/// `EmbeddedYAML`, so every fact points inside the scalar.
public struct RenderedInstall: Sendable {
    /// One parsed embedded document and the resource holding it.
    public struct Embedded: Sendable {
        /// The ConfigMap.
        public let resource: Resource
        /// `data.<key>`.
        public let key: String
        /// The parsed text.
        public let embedded: EmbeddedYAML
        /// A node inside the text, mapped to where it is reported.
        public func at(_ path: String...) -> YAMLNode? { embedded.root?.at(path).map(embedded.locate) }
        /// "ConfigMap istio-system/istio data.mesh".
        public var label: String { "ConfigMap \(resource.namespace)/\(resource.name) data.\(key)" }
    }

    /// istiod Deployments (a container named `discovery`).
    public let istiods: [Resource]
    /// istiod env, name → every value with its place (all istiod Deployments of the cluster).
    public let istiodEnv: [String: [Sourced<String>]]
    /// `data.mesh` of the `istio` / `istio-<revision>` ConfigMaps.
    public let meshConfigs: [Embedded]
    /// `data.values` of the `istio-sidecar-injector[-<revision>]` ConfigMaps (JSON text).
    public let injectorValues: [Embedded]
    /// Env of gateway proxies (`istio-proxy` containers of Deployments other than istiod), per
    /// variable, with the Deployment.
    public let gatewayEnv: [String: [(resource: Resource, value: Sourced<String>, fieldPath: String)]]
    /// The injection path of a rendered remote (`istiod-remote` chart, `profile: remote`): the
    /// sidecar injector webhook's `clientConfig.service.path` or `url` with
    /// `/inject/cluster/<c>/net/<n>`.
    public let injectionPath: (resource: Resource, path: InjectionPath)?
    /// The namespace istiod is rendered in, if one is.
    public var istiodNamespace: String? { istiods.first?.namespace }

    /// Gateway env variables the facts use.
    static let gatewayVariables: Set<String> = ["ISTIO_META_NETWORK", "ISTIO_META_CLUSTER_ID",
                                                "ISTIO_META_REQUESTED_NETWORK_VIEW", "ISTIO_META_ROUTER_MODE"]

    static func read(resources: [Resource]) -> RenderedInstall {
        var istiods: [Resource] = []
        var env: [String: [Sourced<String>]] = [:]
        var gatewayEnv: [String: [(resource: Resource, value: Sourced<String>, fieldPath: String)]] = [:]
        var mesh: [Embedded] = []
        var injector: [Embedded] = []
        var injection: (resource: Resource, path: InjectionPath)?
        for r in resources {
            switch r.kind {
            case "MutatingWebhookConfiguration" where r.name.hasPrefix("istio-sidecar-injector") && injection == nil:
                for (wi, w) in (r.root["webhooks"]?.items ?? []).enumerated() {
                    let candidates = [("url", w.at("clientConfig", "url")), ("service.path", w.at("clientConfig", "service", "path"))]
                    if let p = candidates.lazy.compactMap({ key, n in n.flatMap { InjectionPath.parse($0, fieldPath: "webhooks[\(wi)].clientConfig.\(key)") } }).first {
                        injection = (r, p)
                        break
                    }
                }
            case "Deployment":
                let containers = r.templateSpec?["containers"]?.items ?? []
                if Self.isIstiod(r, containers) {
                    istiods.append(r)
                    for (ci, c) in containers.enumerated() where c["name"]?.scalarEquals("discovery") == true {
                        for (ei, e) in (c["env"]?.items ?? []).enumerated() {
                            guard let name = e["name"]?.text, let v = e["value"], let s = v.text else { continue }
                            env[name, default: []].append(Sourced(s, v, source: "Deployment \(r.namespace)/\(r.name) env \(name)",
                                resource: r, fieldPath: "spec.template.spec.containers[\(ci)].env[\(ei)].value"))
                        }
                    }
                    continue
                }
                for (ci, c) in containers.enumerated() where c["name"]?.scalarEquals("istio-proxy") == true {
                    for (ei, e) in (c["env"]?.items ?? []).enumerated() {
                        guard let name = e["name"]?.text, gatewayVariables.contains(name),
                              let v = e["value"], let s = v.text else { continue }
                        let path = "spec.template.spec.containers[\(ci)].env[\(ei)].value"
                        gatewayEnv[name, default: []].append((r, Sourced(s, v, source: "Deployment \(r.namespace)/\(r.name) env \(name)",
                                                                           resource: r, fieldPath: path), path))
                    }
                }
            case "ConfigMap":
                guard let data = r.root["data"] else { continue }
                if r.name == "istio" || (r.name.hasPrefix("istio-") && r.label("istio.io/rev") != nil),
                   let e = embedded(r, data, "mesh") {
                    mesh.append(e)
                }
                if r.name == "istio-sidecar-injector" || r.name.hasPrefix("istio-sidecar-injector-"),
                   let e = embedded(r, data, "values") {
                    injector.append(e)
                }
            default:
                break
            }
        }
        return RenderedInstall(istiods: istiods, istiodEnv: env, meshConfigs: mesh, injectorValues: injector,
                               gatewayEnv: gatewayEnv, injectionPath: injection)
    }

    /// istiod: a `discovery` container running the pilot image, or labelled as istiod
    /// (`app: istiod`, `istio: pilot`) as the istio-discovery chart renders it.
    static func isIstiod(_ r: Resource, _ containers: [YAMLNode]) -> Bool {
        containers.contains { c in
            guard c["name"]?.scalarEquals("discovery") == true else { return false }
            let image = c["image"]?.text ?? ""
            return image.contains("pilot") || r.label("app")?.value == "istiod" || r.label("istio")?.value == "pilot"
                || r.templateMetadata?.at("labels", "app")?.text == "istiod"
        }
    }

    private static func embedded(_ r: Resource, _ data: YAMLNode, _ key: String) -> Embedded? {
        guard let k = data.keyNode(key), let v = data[key], let e = EmbeddedYAML(host: v, key: k),
              e.root?.isMapping == true else { return nil }
        return Embedded(resource: r, key: key, embedded: e)
    }

    /// A string at `path` inside every injector values document (`global.network`, ...).
    func injectorStrings(_ path: String...) -> [Sourced<String>] { Self.strings(injectorValues, path) }

    /// A string at `path` inside every mesh config (`trustDomain`, `defaultConfig.meshId`, ...).
    func meshStrings(_ path: String...) -> [Sourced<String>] { Self.strings(meshConfigs, path) }

    private static func strings(_ docs: [Embedded], _ path: [String]) -> [Sourced<String>] {
        docs.compactMap { e in
            guard let raw = e.embedded.root?.at(path), let s = raw.text, !s.isEmpty else { return nil }
            let dotted = path.joined(separator: ".")
            return Sourced(s, e.embedded.locate(raw), source: "\(e.label) \(dotted)", resource: e.resource,
                           fieldPath: "data.\(e.key) \(dotted)")
        }
    }

    /// Values of istiod env `name` (non-empty).
    func istiodStrings(_ name: String) -> [Sourced<String>] {
        (istiodEnv[name] ?? []).filter { !$0.value.isEmpty }
    }

    /// The Istio version from istiod's image tag (`docker.io/istio/pilot:1.24.2` → `1.24.2`).
    func imageVersions() -> [Sourced<String>] {
        var out: [Sourced<String>] = []
        for r in istiods {
            for (ci, c) in (r.templateSpec?["containers"]?.items ?? []).enumerated()
            where c["name"]?.scalarEquals("discovery") == true {
                guard let n = c["image"], let image = n.text, let colon = image.lastIndex(of: ":"),
                      !image[colon...].contains("/") else { continue }
                let tag = String(image[image.index(after: colon)...])
                if tag.first?.isNumber == true {
                    out.append(Sourced(tag, n, source: "Deployment \(r.namespace)/\(r.name) image", resource: r,
                                       fieldPath: "spec.template.spec.containers[\(ci)].image"))
                }
            }
        }
        return out
    }
}
