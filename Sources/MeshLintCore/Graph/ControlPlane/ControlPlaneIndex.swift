/// What one cluster's files say about its control plane: the remote wiring, the revisions it
/// installs and the revision tags it defines, the `istio.io/rev` labels of its namespaces,
/// whether its istiod leads remote clusters (`EXTERNAL_ISTIOD`), the Gateways and
/// VirtualServices that expose istiod, and the installed Istio version.
public struct ControlPlaneFacts: Sendable {
    /// The cluster.
    public let cluster: Int
    /// The remote install's wiring, when the cluster is a remote (profile `remote`).
    public let remote: RemoteWiring?
    /// Revisions installed in the cluster ("" for the default revision): control-plane
    /// installs (IstioOperator `spec.revision`, Helm `revision`, default ""), istiod
    /// Deployments (`istio.io/rev` label) and injector webhooks (`istio-sidecar-injector[-<rev>]`).
    public let revisions: [Sourced<String>]
    /// Revision tags: Helm/IstioOperator values `revisionTags`, MutatingWebhookConfigurations
    /// `istio-revision-tag-<tag>` (what `istioctl tag set` writes), Sail `IstioRevisionTag`s.
    public let revisionTags: [Sourced<String>]
    /// Each revision tag with the revision it points at ("" for the default revision): the
    /// install's revision for values `revisionTags`, the `istio.io/rev` label of an
    /// `istio-revision-tag-<tag>` webhook, the revision of a Sail tag's `targetRef`.
    public let tagTargets: [(tag: Sourced<String>, revision: String)]
    /// Namespaces labelled `istio.io/rev` (other than the Istio namespace), with the label.
    public let namespaceRevisions: [(namespace: Resource, label: Located<String>)]
    /// Every place that turns on `EXTERNAL_ISTIOD` for this cluster's istiod: values
    /// `global.externalIstiod: true`, or the env variable (IstioOperator, Helm, Deployment).
    public let externalIstiod: [Sourced<String>]
    /// Every place that sets `EXTERNAL_ISTIOD` (or `global.externalIstiod`) to something else than true.
    public let externalIstiodOff: [Sourced<String>]
    /// Gateways exposing istiod (15012/15017 PASSTHROUGH) with their VirtualService routes.
    public let istiodExposures: [IstiodExposure]
    /// Gateway API TLSRoutes whose backends are an istiod Service (they expose istiod too).
    public let istiodTLSRoutes: [Resource]
    /// The Istio release the cluster runs.
    public let version: InstalledVersion

    /// True when the cluster installs a revision named `name` ("" / `default` for the default one)
    /// or defines a tag of that name.
    public func knows(revision name: String) -> Bool {
        let n = name == "default" ? "" : name
        return revisions.contains { $0.value == n } || revisionTags.contains { $0.value == name }
    }

    /// The istiod Service names the cluster's installs render (`istiod`, `istiod-<rev>`).
    public var istiodServiceNames: Set<String> {
        Set(revisions.map { IstiodExposure.serviceName(revision: $0.value) })
    }

    static let revisionLabel = "istio.io/rev"

    static func read(facts f: ClusterFacts, graph resources: (String) -> [Resource], servers: [GatewayServer]) -> ControlPlaneFacts {
        let webhooks = resources("MutatingWebhookConfiguration")
        let remote = RemoteWiring.read(facts: f, webhooks: webhooks)

        var revisions: [Sourced<String>] = []
        var tags: [Sourced<String>] = []
        var targets: [(tag: Sourced<String>, revision: String)] = []
        for i in f.installs where !i.isGatewayOnly {
            if let r = InstallRevision.read(i) {
                revisions.append(r)
            } else {
                revisions.append(Sourced("", i.resource?.nameNode ?? i.root, source: "\(i.label) (no revision: the default)", resource: i.resource))
            }
            let prefix = i.resource == nil ? "" : "spec.values."
            let installRevision = InstallRevision.read(i)?.value ?? ""
            for t in i.values?["revisionTags"]?.items ?? [] {
                if let s = t.text, !s.isEmpty {
                    let tag = Sourced(s, t, source: "\(i.label) \(prefix)revisionTags", resource: i.resource)
                    tags.append(tag)
                    targets.append((tag, installRevision))
                }
            }
        }
        for d in f.rendered.istiods {
            let rev = d.label(revisionLabel)
            let value = rev.map { $0.value == "default" ? "" : $0.value } ?? (d.name.hasPrefix("istiod-") ? String(d.name.dropFirst(7)) : "")
            revisions.append(Sourced(value, rev?.node ?? d.nameNode, source: "Deployment \(d.namespace)/\(d.name)", resource: d))
        }
        for w in webhooks {
            if w.name.hasPrefix("istio-revision-tag-") {
                let tag = w.label("istio.io/tag")?.value ?? String(w.name.dropFirst("istio-revision-tag-".count))
                let source = Sourced(tag, w.nameNode, source: "MutatingWebhookConfiguration \(w.name)", resource: w)
                tags.append(source)
                if let rev = w.label(revisionLabel) {
                    targets.append((Sourced(tag, rev.node, source: "MutatingWebhookConfiguration \(w.name) label istio.io/rev", resource: w,
                                            fieldPath: "metadata.labels.istio.io/rev"), rev.value == "default" ? "" : rev.value))
                }
            } else if w.name == "istio-sidecar-injector" || w.name.hasPrefix("istio-sidecar-injector-") {
                let rev = w.label(revisionLabel)?.value
                let value = rev.map { $0 == "default" ? "" : $0 } ?? String(w.name.dropFirst("istio-sidecar-injector".count).drop { $0 == "-" })
                revisions.append(Sourced(value, w.nameNode, source: "MutatingWebhookConfiguration \(w.name)", resource: w))
            }
        }

        for t in resources("IstioRevisionTag") where t.is("IstioRevisionTag", group: "sailoperator.io") {
            let tag = Sourced(t.name, t.nameNode, source: "Sail IstioRevisionTag \(t.name)", resource: t, fieldPath: "metadata.name")
            tags.append(tag)
            if let ref = t.spec?["targetRef"], let nameNode = ref["name"], let target = SailRevisionTag.revision(of: ref, installs: f.installs) {
                targets.append((Sourced(t.name, nameNode, source: "Sail IstioRevisionTag \(t.name) spec.targetRef", resource: t,
                                        fieldPath: "spec.targetRef.name"), target))
            }
        }

        var nsRevs: [(namespace: Resource, label: Located<String>)] = []
        for ns in resources("Namespace") where ns.name != f.istioNamespace {
            if let l = ns.label(revisionLabel) { nsRevs.append((ns, l)) }
        }

        var on: [Sourced<String>] = [], off: [Sourced<String>] = []
        for i in f.installs where !i.isGatewayOnly {
            if let n = i.global("externalIstiod") {
                let prefix = i.resource == nil ? "" : "spec.values."
                let s = Sourced(n.text ?? "", n, source: "\(i.label) \(prefix)global.externalIstiod", resource: i.resource,
                                fieldPath: "\(prefix)global.externalIstiod")
                if n.bool == true || n.text?.lowercased() == "true" { on.append(s) } else { off.append(s) }
            }
        }
        for e in f.istiodEnv["EXTERNAL_ISTIOD"] ?? [] {
            if e.value.lowercased() == "true" { on.append(e) } else { off.append(e) }
        }

        let exposures = IstiodExposure.read(servers: servers, virtualServices: resources("VirtualService"))
        let tlsRoutes = resources("TLSRoute").filter { r in
            (r.spec?["rules"]?.items ?? []).contains { rule in
                (rule["backendRefs"]?.items ?? []).contains { b in b["name"]?.text.flatMap(IstiodExposure.istiodService(inHost:)) != nil }
            }
        }
        return ControlPlaneFacts(cluster: f.index, remote: remote, revisions: revisions, revisionTags: tags, tagTargets: targets,
                                 namespaceRevisions: nsRevs, externalIstiod: on, externalIstiodOff: off,
                                 istiodExposures: exposures, istiodTLSRoutes: tlsRoutes,
                                 version: InstalledVersion.read(facts: f, resources: resources))
    }
}

/// What a cluster's control plane is, as far as the set says.
public enum ControlPlaneKind: String, Sendable, Codable {
    /// Runs istiod for itself (and possibly for remotes).
    case primary
    /// Runs no istiod; proxies and webhooks use another cluster's (`profile: remote`).
    case remote
    /// A remote whose API server holds the mesh config of an external istiod (the target of its
    /// `istio-kubeconfig` Secret); that istiod runs with this cluster's ID.
    case configCluster
    /// Runs istiod for a config cluster elsewhere (holds an `istio-kubeconfig` Secret).
    case externalControlPlane
}

/// The control-plane facts of every cluster, read once per run (in parallel over clusters),
/// and the config clusters of external control planes.
public final class ControlPlaneIndex: Sendable {
    /// Facts per cluster, indexed like `set.clusters`.
    public let clusters: [ControlPlaneFacts]
    /// Per cluster: its control-plane kind (nil when the set says nothing about its install).
    public let kinds: [ControlPlaneKind?]
    /// Clusters that are the config cluster of an external istiod (the target of an
    /// `istio-kubeconfig` Secret): that istiod treats them as its own cluster, so it needs no
    /// `controlPlaneClusters` annotation to lead them.
    public let configClusters: Set<Int>
    /// Per cluster: the external istiod clusters whose config cluster it is.
    public let externalControlPlanes: [[Int]]

    init(set: ConfigSet, facts: [ClusterFacts], identity: IdentityGraph, traffic: TrafficIndex,
         resources: @escaping @Sendable (String, Int) -> [Resource]) {
        let n = set.clusters.count
        self.clusters = perCluster(n) { c in
            ControlPlaneFacts.read(facts: facts[c], graph: { resources($0, c) }, servers: traffic.gatewayServers[c])
        }
        var config = Set<Int>()
        var external = Array(repeating: [Int](), count: n)
        for (holder, links) in identity.configClusterLinks.enumerated() {
            for l in links { if let t = l.target, t != holder { config.insert(t); external[t].append(holder) } }
        }
        self.configClusters = config
        self.externalControlPlanes = external
        let cps = self.clusters
        self.kinds = (0..<n).map { c -> ControlPlaneKind? in
            if identity.configClusterLinks[c].contains(where: { $0.target != nil && $0.target != c }) { return .externalControlPlane }
            if config.contains(c) { return .configCluster }
            if cps[c].remote != nil { return .remote }
            if facts[c].installs.contains(where: { !$0.isGatewayOnly }) || !facts[c].rendered.istiods.isEmpty { return .primary }
            return nil
        }
    }
}

/// The revision a Sail `IstioRevisionTag`'s `targetRef` names: an `IstioRevision` by its name,
/// an `Istio` by the revision it installs (its active revision).
enum SailRevisionTag {
    /// "" for the default revision; nil when the target is an `Istio` the set does not hold.
    static func revision(of ref: YAMLNode, installs: [InstallSource]) -> String? {
        guard let name = ref["name"]?.text, !name.isEmpty else { return nil }
        if ref["kind"]?.scalarEquals("IstioRevision") == true { return name == "default" ? "" : name }
        guard let i = installs.first(where: { $0.kind == .sailIstio && $0.resource?.name == name }) else { return nil }
        return InstallRevision.read(i)?.value
    }
}
