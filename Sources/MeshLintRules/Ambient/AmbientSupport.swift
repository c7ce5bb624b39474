import MeshLintCore

/// Places the ambient rules point at and describe, shared by MC701–MC706, MC306 and MC407.
enum AmbientSupport {
    /// The control-plane install of `cluster` that configures istiod, most specific first: an
    /// IstioOperator that is not gateway-only or a Sail `Istio`, else the Helm values file that sets istiod
    /// values (`env`, `pilot`, `meshConfig`, `global`), ignoring the ztunnel and cni charts' values.
    static func istiodInstall(_ f: ClusterFacts) -> InstallSource? {
        if let i = f.installs.first(where: { $0.resource != nil && !$0.isGatewayOnly }) { return i }
        let helm = f.installs.filter { i in
            let p = i.root.file.path.lowercased()
            return i.resource == nil && !p.contains("ztunnel") && !p.contains("cni")
        }
        return helm.first { h in ["env", "pilot", "meshConfig"].contains { h.root[$0] != nil } }
            ?? helm.first { $0.root["global"] != nil } ?? helm.first
    }

    /// Where istiod's env is written (or would be added) in `cluster`: the IstioOperator's
    /// `components.pilot.k8s.env` (else the deepest of `components.pilot`, `components`, `spec`
    /// that exists), a Sail `Istio`'s `spec.values.pilot.env` (else the deepest of
    /// `spec.values.pilot`, `spec.values`, `spec`), the Helm values' `env` / `pilot.env` (else
    /// the `profile` or first key), else the rendered istiod Deployment's `discovery` container env.
    static func istiodEnvAnchor(_ f: ClusterFacts) -> (node: YAMLNode, resource: Resource?, fieldPath: String?)? {
        if let i = istiodInstall(f) {
            if i.kind == .sailIstio, let r = i.resource {
                if let e = i.values?["pilot"]?.keyNode("env") { return (e, r, "spec.values.pilot.env") }
                if let p = i.values?.keyNode("pilot") { return (p, r, "spec.values.pilot") }
                if let v = r.spec?.keyNode("values") { return (v, r, "spec.values") }
                return (r.root.keyNode("spec") ?? r.nameNode, r, "spec")
            }
            if let spec = i.spec, let r = i.resource {
                if let env = spec.at("components", "pilot", "k8s")?.keyNode("env") { return (env, r, "spec.components.pilot.k8s.env") }
                if let k = spec.at("components", "pilot")?.keyNode("k8s") { return (k, r, "spec.components.pilot.k8s") }
                if let p = spec["components"]?.keyNode("pilot") { return (p, r, "spec.components.pilot") }
                if let c = spec.keyNode("components") { return (c, r, "spec.components") }
                if let p = spec.keyNode("profile") { return (p, r, "spec.profile") }
                return (r.root.keyNode("spec") ?? r.nameNode, r, "spec")
            }
            if let e = i.root.keyNode("env") { return (e, nil, "env") }
            if let e = i.root["pilot"]?.keyNode("env") { return (e, nil, "pilot.env") }
            if let p = i.root.keyNode("profile") { return (p, nil, "profile") }
            if let first = i.root.pairs.first?.key { return (first, nil, nil) }
        }
        for d in f.rendered.istiods {
            for (ci, c) in (d.templateSpec?["containers"]?.items ?? []).enumerated() where c["name"]?.scalarEquals("discovery") == true {
                return (c.keyNode("env") ?? c.keyNode("name") ?? c, d, "spec.template.spec.containers[\(ci)].env")
            }
        }
        return nil
    }

    /// "profile ambient (IstioOperator istio-system/x spec.profile)": why a cluster counts as ambient.
    static func ambientEvidence(_ graph: MeshGraph, _ c: Int) -> String {
        guard let e = graph.dataPlane(c).ambient.first else { return "ambient data plane" }
        return "\(e.value), \(e.source)"
    }

    /// A related location at the first place that says `cluster` runs ambient workloads.
    static func ambientRelated(_ context: RuleContext, _ c: Int, _ what: String) -> RelatedLocation? {
        guard let e = context.graph.dataPlane(c).ambient.first else { return nil }
        return context.related("\(what) (\(e.value), \(e.source))", at: e.node, cluster: c)
    }

    /// The finding at one severity level below the rule's (error → warning), for the
    /// conditions a rule documents as less certain.
    static func softened(_ f: Finding) -> Finding {
        var f = f
        if f.severity == .error { f.severity = .warning }
        return f
    }
}
