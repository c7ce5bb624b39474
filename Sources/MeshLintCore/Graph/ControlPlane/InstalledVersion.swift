/// The Istio release a cluster runs, from every place that states it, split into the control
/// plane (istiod or a remote's install) and the data plane (proxy images, gateway installs).
/// This is the one "installed version" fact per cluster that version-dependent rules read.
public struct InstalledVersion: Sendable {
    /// One statement of a version.
    public struct Statement: Sendable {
        /// The parsed `major.minor`.
        public let version: IstioVersion
        /// Where it is stated.
        public let source: Sourced<String>
    }

    /// Control-plane statements: IstioOperator `spec.tag` and values `global.tag` of installs
    /// that are not gateway-only, istiod's image tag, `helm.sh/chart: istiod-<v>` /
    /// `base-<v>` labels.
    public let controlPlane: [Statement]
    /// Data-plane statements: proxy image tags of Deployments and DaemonSets, the tag of
    /// gateway-only installs, `helm.sh/chart: gateway-<v>` labels.
    public let dataPlane: [Statement]

    /// The newest control-plane release stated (a canary upgrade runs two; the newer one is
    /// where the cluster is going).
    public var newestControlPlane: Statement? { controlPlane.max { $0.version < $1.version } }
    /// The newest data-plane release stated.
    public var newestDataPlane: Statement? { dataPlane.max { $0.version < $1.version } }
    /// The newest release the cluster states at all (control plane first).
    public var newest: Statement? { newestControlPlane ?? newestDataPlane }

    static func read(facts f: ClusterFacts, resources: (String) -> [Resource]) -> InstalledVersion {
        var cp: [Statement] = [], dp: [Statement] = []
        func add(_ s: Sourced<String>, controlPlane: Bool) {
            guard let v = IstioVersion(s.value) else { return }
            if controlPlane { cp.append(Statement(version: v, source: s)) } else { dp.append(Statement(version: v, source: s)) }
        }
        for i in f.installs {
            let prefix = i.resource == nil ? "" : "spec.values."
            if let n = i.spec?["tag"], let s = n.text { add(Sourced(s, n, source: "\(i.label) spec.tag", resource: i.resource, fieldPath: "spec.tag"), controlPlane: !i.isGatewayOnly) }
            if let n = i.global("tag"), let s = n.text {
                add(Sourced(s, n, source: "\(i.label) \(prefix)global.tag", resource: i.resource, fieldPath: "\(prefix)global.tag"), controlPlane: !i.isGatewayOnly)
            }
            if let n = i.sailVersion, let s = n.text {
                add(Sourced(s, n, source: "\(i.label) spec.version", resource: i.resource, fieldPath: "spec.version"), controlPlane: true)
            }
        }
        for s in f.rendered.imageVersions() { add(s, controlPlane: true) }
        for kind in ["Deployment", "DaemonSet"] {
            for r in resources(kind) {
                if let l = r.label("helm.sh/chart") {
                    let chart = l.value
                    let isControl = chart.hasPrefix("istiod-") || chart.hasPrefix("base-") || chart.hasPrefix("istio-discovery-")
                    if isControl || chart.hasPrefix("gateway-") || chart.hasPrefix("ztunnel-") {
                        add(Sourced(chart, l.node, source: "\(kind) \(r.namespace)/\(r.name) label helm.sh/chart", resource: r,
                                    fieldPath: "metadata.labels.helm.sh/chart"), controlPlane: isControl)
                    }
                }
                for (ci, c) in (r.templateSpec?["containers"]?.items ?? []).enumerated() {
                    guard let n = c["image"], let image = n.text, image.contains("/proxyv2:") || image.hasPrefix("proxyv2:") else { continue }
                    add(Sourced(image, n, source: "\(kind) \(r.namespace)/\(r.name) image", resource: r,
                                fieldPath: "spec.template.spec.containers[\(ci)].image"), controlPlane: false)
                }
            }
        }
        return InstalledVersion(controlPlane: cp, dataPlane: dp)
    }
}
