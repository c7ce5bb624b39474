import MeshLintCore

/// MC305: the clusters' plug-in CAs (`cacerts`) do not share one root, a cluster that runs
/// istiod has none while others do, or `ca-cert.pem` is not signed by the root.
struct RootCAMismatchRule: Rule {
    let code = "MC305"
    let reads: Set<String> = ["Secret"]

    func check(_ context: RuleContext) -> [Finding] {
        let graph = context.graph
        var out: [Finding] = []
        let all = graph.trust.caCerts
        // The mesh root: the root certificate most clusters carry.
        var counts: [Int: Int] = [:]     // index of first cluster with that root → count
        var rootOf: [Int: Int] = [:]     // cluster → representative cluster
        for (c, cc) in all.enumerated() {
            guard let cert = cc?.rootCertificate else { continue }
            let rep = counts.keys.sorted().first { all[$0]!.rootCertificate == cert } ?? c
            counts[rep, default: 0] += 1
            rootOf[c] = rep
        }
        let majority = counts.keys.sorted().max { counts[$0]! < counts[$1]! }

        for (c, entry) in all.enumerated() {
            guard let cc = entry else {
                // No cacerts: istiod generates a self-signed root unless the cluster runs none.
                let f = graph.facts[c]
                guard let m = majority, f.role != .remote, let install = f.installs.first(where: { !$0.isGatewayOnly }) else { continue }
                let other = all[m]!
                out.append(context.finding(
                    "cluster \(graph.name(c)) runs istiod without a cacerts Secret in \(f.istioNamespace), so istiod signs workloads with its own self-signed root and peers in other clusters reject them (CERTIFICATE_VERIFY_FAILED). Create cacerts from the mesh's shared root with an intermediate for this cluster.",
                    at: install.spec?.keyNode("profile") ?? install.root.keyNode("spec") ?? install.root, cluster: c,
                    resource: install.resource,
                    related: [context.related("cacerts with the mesh root", at: other.root?.node ?? other.secret.nameNode, cluster: m)]))
                continue
            }
            for file in [cc.root, cc.ca, cc.chain].compactMap({ $0 }) where file.error != nil {
                out.append(context.finding("\(file.error!): istiod cannot load the plug-in CA and will not start (or falls back to a self-signed root). Store the PEM text in stringData or base64 of it in data.",
                                           resource: cc.secret, at: file.node, fieldPath: "data.\(file.key)"))
            }
            guard let root = cc.rootCertificate else {
                if cc.root == nil {
                    out.append(context.finding("cacerts has no root-cert.pem: istiod needs ca-cert.pem, ca-key.pem, root-cert.pem and cert-chain.pem to use a plug-in CA, and cross-cluster trust needs the shared root. Add root-cert.pem.",
                                               resource: cc.secret, fieldPath: "data.root-cert.pem"))
                }
                continue
            }
            if let m = majority, let rep = rootOf[c], rep != m, let other = all[m]?.root {
                let meshRoot = all[m]!.rootCertificate!
                let which = meshRoot.subject == root.subject
                    ? "is a different certificate with the same subject (\(root.subject)) as the root"
                    : "(\(root.subject)) differs from the root (\(meshRoot.subject))"
                out.append(context.finding(
                    "root-cert.pem of cluster \(graph.name(c)) \(which) that \(counts[m]!) other cluster\(counts[m]! == 1 ? "" : "s") use: mTLS between these clusters fails with CERTIFICATE_VERIFY_FAILED. Generate every cluster's intermediate from one shared root.",
                    resource: cc.secret, at: cc.root!.node,
                    related: [context.related("the mesh's root certificate", at: other.node, cluster: m)],
                    fieldPath: "data.root-cert.pem"))
            }
            if let ca = cc.ca, let caCert = ca.certificates.first {
                let intermediates = (cc.chain?.certificates ?? []).filter { $0 != caCert && $0 != root }
                if caCert != root && !TrustIndex.chains(caCert, to: root, via: intermediates) {
                    out.append(context.finding(
                        "ca-cert.pem (\(caCert.subject)) is not signed by this cluster's root-cert.pem (\(root.subject)): workload certificates istiod issues will not verify against the root peers trust. Re-issue the intermediate from the shared root.",
                        resource: cc.secret, at: ca.node, related: [context.related("root-cert.pem", at: cc.root!.node, cluster: c)],
                        fieldPath: "data.ca-cert.pem"))
                }
            }
        }
        return out
    }
}
