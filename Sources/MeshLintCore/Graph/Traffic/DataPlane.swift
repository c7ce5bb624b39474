/// How a cluster's workloads join the mesh.
public enum DataPlaneMode: String, Sendable, Codable {
    /// Injected sidecars (the default of every install that is not ambient).
    case sidecar
    /// ztunnel and waypoints (profile `ambient`).
    case ambient
    /// An ambient-capable install that also has sidecar-injected namespaces.
    case both
}

/// A cluster's data plane, with the places that say so (SPEC §1 "Gateways and data planes").
public struct DataPlaneFact: Sendable {
    /// The mode; nil when the set says nothing about the cluster's Istio install or namespaces.
    public let mode: DataPlaneMode?
    /// Where ambient is stated: profile `ambient`, ztunnel (component, chart values, DaemonSet),
    /// `PILOT_ENABLE_AMBIENT=true`, namespaces labelled `istio.io/dataplane-mode: ambient`.
    public let ambient: [Sourced<String>]
    /// Namespaces labelled for sidecar injection (`istio-injection: enabled`, or `istio.io/rev`
    /// without the ambient data-plane label).
    public let sidecar: [Sourced<String>]

    /// True when some workloads of the cluster run in ambient mode (ambient or both).
    public var hasAmbient: Bool { mode == .ambient || mode == .both }
    /// True when some workloads of the cluster run with sidecars (sidecar or both).
    public var hasSidecars: Bool { mode == .sidecar || mode == .both }
}

enum DataPlaneReader {
    static let ambientVariable = "PILOT_ENABLE_AMBIENT"
    static let modeLabel = "istio.io/dataplane-mode"

    /// Reads cluster `c`'s data plane from its installs, Helm values documents (istiod, cni and
    /// ztunnel charts), ztunnel DaemonSets, istiod Deployments and Namespace labels.
    static func read(facts f: ClusterFacts, valueDocuments: [YAMLNode], resources: (String) -> [Resource]) -> DataPlaneFact {
        var ambient: [Sourced<String>] = []
        var sidecar: [Sourced<String>] = []
        for i in f.installs {
            if let p = i.profile, p.scalarEquals("ambient") {
                ambient.append(Sourced("profile ambient", p, source: "\(i.label) spec.profile"))
            }
            if let z = i.spec?.at("components", "ztunnel", "enabled"), z.bool == true {
                ambient.append(Sourced("ztunnel", z, source: "\(i.label) spec.components.ztunnel.enabled"))
            }
            if let v = GatewayReader.envList(i.spec?.at("components", "pilot", "k8s", "env"))[ambientVariable], isTrue(v.value) {
                ambient.append(Sourced("\(ambientVariable)=true", v.node, source: "\(i.label) spec.components.pilot.k8s.env"))
            }
            let prefix = i.resource == nil ? "" : "spec.values."
            for path in [["pilot", "env", ambientVariable], ["env", ambientVariable]] {
                if let n = i.values?.at(path), let t = n.text, isTrue(t) {
                    ambient.append(Sourced("\(ambientVariable)=true", n, source: "\(i.label) \(prefix)\(path.joined(separator: "."))"))
                }
            }
        }
        var seen = Set<YAMLNode>()
        for root in valueDocuments where root.isMapping && root["kind"] == nil && seen.insert(root).inserted {
            if let p = root["profile"], p.scalarEquals("ambient") {
                ambient.append(Sourced("profile ambient", p, source: "Helm values \(root.file.path) profile"))
            } else if root.file.path.lowercased().contains("ztunnel") {
                ambient.append(Sourced("ztunnel", root.keyNode(root.pairs.first?.key.scalar ?? "") ?? root,
                                       source: "ztunnel chart values \(root.file.path)"))
            }
        }
        for z in resources("ZTunnel") where ZtunnelValues.isSailZTunnel(z) {
            ambient.append(Sourced("ztunnel", z.nameNode, source: "Sail ZTunnel \(z.name)"))
        }
        for d in resources("DaemonSet") where d.name == "ztunnel" {
            ambient.append(Sourced("ztunnel", d.nameNode, source: "DaemonSet \(d.namespace)/\(d.name)"))
        }
        for d in resources("Deployment") where d.name.hasPrefix("istiod") {
            for container in d.templateSpec?["containers"]?.items ?? [] {
                if let v = GatewayReader.envList(container["env"])[ambientVariable], isTrue(v.value) {
                    ambient.append(Sourced("\(ambientVariable)=true", v.node, source: "Deployment \(d.namespace)/\(d.name) env"))
                }
            }
        }
        for ns in resources("Namespace") {
            if let l = ns.label(modeLabel), l.value == "ambient" {
                ambient.append(Sourced("namespace \(ns.name)", l.node, source: "Namespace \(ns.name) label \(modeLabel)"))
            } else if let l = ns.label("istio-injection"), l.value == "enabled" {
                sidecar.append(Sourced("namespace \(ns.name)", l.node, source: "Namespace \(ns.name) label istio-injection"))
            } else if let l = ns.label("istio.io/rev"), ns.label(modeLabel) == nil, ns.name != f.istioNamespace {
                sidecar.append(Sourced("namespace \(ns.name)", l.node, source: "Namespace \(ns.name) label istio.io/rev"))
            }
        }
        let mode: DataPlaneMode?
        if !ambient.isEmpty {
            mode = sidecar.isEmpty ? .ambient : .both
        } else if !sidecar.isEmpty || f.installs.contains(where: { !$0.isGatewayOnly }) {
            mode = .sidecar
        } else {
            mode = nil
        }
        return DataPlaneFact(mode: mode, ambient: ambient, sidecar: sidecar)
    }

    static func isTrue(_ s: String) -> Bool { s.lowercased() == "true" || s == "1" }
}

extension MeshGraph {
    /// The data plane of `cluster` (sidecar, ambient or both), read once per run.
    public func dataPlane(_ cluster: Int) -> DataPlaneFact { ingress.dataPlanes[cluster] }
}
