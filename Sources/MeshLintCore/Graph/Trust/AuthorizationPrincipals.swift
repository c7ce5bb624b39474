/// One principal written in an AuthorizationPolicy (`from.source.principals` /
/// `notPrincipals`, or a `when` condition on `source.principal`), split into the parts Istio
/// matches: `<trust domain>/ns/<namespace>/sa/<service account>`. A part touched by a `*`
/// (Istio allows one at the start or the end) is nil: it matches many values and is not judged.
public struct AuthorizationPrincipal: Sendable {
    /// The value as written, at its node.
    public let value: Located<String>
    /// The AuthorizationPolicy.
    public let policy: Resource
    /// Dotted path of the value inside the policy.
    public let fieldPath: String
    /// True when the value starts with `spiffe://` (Istio adds the scheme itself).
    public let hasSPIFFEScheme: Bool
    /// The trust domain, when written in full.
    public let trustDomain: String?
    /// The namespace, when written in full.
    public let namespace: String?
    /// The service account, when written in full.
    public let serviceAccount: String?

    /// Splits `value`; nil when it is not of the `<td>/ns/<ns>/sa/<sa>` form (custom SPIFFE
    /// IDs, a bare `*`) and has no `spiffe://` scheme.
    static func read(_ value: Located<String>, policy: Resource, fieldPath: String) -> AuthorizationPrincipal? {
        var text = value.value
        let scheme = text.lowercased().hasPrefix("spiffe://")
        if scheme { text = String(text.dropFirst("spiffe://".count)) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func part(_ i: Int) -> String? {
            guard i < parts.count, !parts[i].contains("*"), !parts[i].isEmpty, !Placeholder.isTemplate(parts[i]) else { return nil }
            return parts[i]
        }
        // The structure must be visible: `ns` at 1 and (when present) `sa` at 3.
        let shaped = parts.count >= 3 && parts[1] == "ns" && (parts.count < 4 || parts[3] == "sa" || parts[3] == "*")
            && parts.count <= 5
        guard shaped else {
            return scheme ? AuthorizationPrincipal(value: value, policy: policy, fieldPath: fieldPath, hasSPIFFEScheme: true,
                                                   trustDomain: nil, namespace: nil, serviceAccount: nil) : nil
        }
        let sa = parts.count == 5 ? part(4) : nil
        return AuthorizationPrincipal(value: value, policy: policy, fieldPath: fieldPath, hasSPIFFEScheme: scheme,
                                      trustDomain: part(0), namespace: part(2), serviceAccount: sa)
    }
}

/// What the set shows about identities: trust domains in use, namespaces and service accounts.
public struct IdentityInventory: Sendable {
    /// Every trust domain a cluster uses or accepts: `cluster.local` (which Istio reads as the
    /// local trust domain and its aliases), every stated `trustDomain` and every alias.
    public let trustDomains: Set<String>
    /// True when every cluster's trust domain is known: stated, or defaulted by an install
    /// description the set holds (else a trust domain may be set where the set cannot see).
    public let trustDomainsComplete: Bool
    /// Namespaces some resource of some cluster lives in or declares.
    public let namespaces: Set<String>
    /// True when the set shows its clusters' namespaces: it holds workloads, and every namespace
    /// a workload runs in has its Namespace object in that cluster.
    public let namespacesComplete: Bool
    /// Per namespace, the service accounts some cluster declares or a workload runs as.
    public let serviceAccounts: [String: Set<String>]
    /// Namespaces in which some cluster holds ServiceAccount objects (the set shows their
    /// service accounts).
    public let namespacesWithServiceAccounts: Set<String>
    /// The Istio namespaces of the clusters (install-created service accounts live there).
    public let istioNamespaces: Set<String>

    static let workloadKinds: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"]
    static let builtinNamespaces: Set<String> = ["default", "kube-system", "kube-public", "kube-node-lease"]

    init(graph: MeshGraph) {
        var tds: Set<String> = ["cluster.local"]
        var complete = true
        for (c, f) in graph.facts.enumerated() {
            for s in f.trustDomain.sources { tds.insert(s.value) }
            for a in graph.trust.trustDomainAliases[c] { tds.insert(a.value) }
            if f.trustDomain.isEmpty && f.installs.isEmpty && f.rendered.istiods.isEmpty { complete = false }
        }
        trustDomains = tds
        trustDomainsComplete = complete

        var namespaces = Self.builtinNamespaces
        var declared: [Int: Set<String>] = [:]
        var workloadNamespaces: [Int: Set<String>] = [:]
        var accounts: [String: Set<String>] = [:]
        var withSAs = Set<String>()
        var istio = Set<String>()
        for f in graph.facts { istio.insert(f.istioNamespace); namespaces.insert(f.istioNamespace) }
        for r in graph.set.resources {
            if r.kind == "Namespace" {
                namespaces.insert(r.name)
                declared[r.clusterIndex, default: []].insert(r.name)
                continue
            }
            if let ns = r.identity.namespace, !ns.isEmpty { namespaces.insert(ns) }
            switch r.kind {
            case "ServiceAccount":
                accounts[r.namespace, default: []].insert(r.name)
                withSAs.insert(r.namespace)
            case _ where Self.workloadKinds.contains(r.kind):
                workloadNamespaces[r.clusterIndex, default: []].insert(r.namespace)
                let pod = r.kind == "Pod" ? r.spec
                    : r.kind == "CronJob" ? r.spec?.at("jobTemplate", "spec", "template", "spec")
                    : r.templateSpec
                if let sa = (pod?["serviceAccountName"] ?? pod?["serviceAccount"])?.text {
                    accounts[r.namespace, default: []].insert(sa)
                }
            case "Gateway" where r.group == "gateway.networking.k8s.io":
                // Istio's gateway deployment controller creates `<name>-<class>` service accounts.
                if let cls = r.spec?["gatewayClassName"]?.text { accounts[r.namespace, default: []].insert("\(r.name)-\(cls)") }
            default:
                break
            }
        }
        self.namespaces = namespaces
        self.namespacesComplete = !workloadNamespaces.isEmpty && workloadNamespaces.allSatisfy { c, nss in
            nss.isSubset(of: declared[c, default: []].union(Self.builtinNamespaces))
        }
        self.serviceAccounts = accounts
        self.namespacesWithServiceAccounts = withSAs
        self.istioNamespaces = istio
    }
}

extension MeshGraph {
    /// Every principal written in every AuthorizationPolicy (a policy in a shared file once).
    public func authorizationPrincipals() -> [AuthorizationPrincipal] {
        var out: [AuthorizationPrincipal] = []
        var seen = Set<SourceLocation>()
        for p in resources("AuthorizationPolicy") where seen.insert(SourceLocation(p.root)).inserted {
            for (ri, rule) in (p.spec?["rules"]?.items ?? []).enumerated() {
                for (fi, from) in (rule["from"]?.items ?? []).enumerated() {
                    for key in ["principals", "notPrincipals"] {
                        for (i, n) in (from.at("source", key)?.items ?? []).enumerated() {
                            guard let s = n.text else { continue }
                            if let x = AuthorizationPrincipal.read(Located(s, n), policy: p, fieldPath: "spec.rules[\(ri)].from[\(fi)].source.\(key)[\(i)]") { out.append(x) }
                        }
                    }
                }
                for (wi, when) in (rule["when"]?.items ?? []).enumerated() where when["key"]?.text == "source.principal" {
                    for key in ["values", "notValues"] {
                        for (i, n) in (when[key]?.items ?? []).enumerated() {
                            guard let s = n.text else { continue }
                            if let x = AuthorizationPrincipal.read(Located(s, n), policy: p, fieldPath: "spec.rules[\(ri)].when[\(wi)].\(key)[\(i)]") { out.append(x) }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Trust domains, namespaces and service accounts the set shows, built once per call.
    public func identityInventory() -> IdentityInventory { IdentityInventory(graph: self) }
}
