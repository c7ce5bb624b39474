import MeshLintCore

/// MC206: a remote-secret kubeconfig that turns off server verification, pins the cluster's own
/// CA behind a proxy URL, talks plain HTTP, or carries CA data that is not a CA certificate.
struct RemoteSecretTLSSuspectRule: Rule {
    let code = "MC206"
    let reads: Set<String> = ["Secret"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<String>()
        for p in context.graph.remoteSecretTLSProblems() {
            let r = p.secret.resource
            let loc = SourceLocation(p.node)
            // A secret in a shared file is read once per cluster: report it once.
            guard seen.insert("\(loc.file):\(loc.line):\(loc.column):\(p.fieldPath)").inserted else { continue }
            let holder = context.clusterName(p.holder)
            let what = "The kubeconfig for \(p.entry.key.value) in remote secret \(r.namespace)/\(r.name) (\(p.entry.fieldPath))"
            let message: String
            switch p.kind {
            case .insecureSkipVerify:
                message = "\(what) sets insecure-skip-tls-verify: true: istiod in \(holder) sends its token to whatever answers at that address and trusts the endpoints and services it returns, so anyone on the path can inject workloads into the mesh. Put the remote API server's CA in certificate-authority-data instead (istioctl create-remote-secret does)."
            case .proxiedServerWithClusterCA(let path):
                message = "\(what) points at a server URL with a path (\(path)), which is a proxy in front of the API server (Rancher, Loft, an API gateway), but pins certificate-authority-data, which istioctl create-remote-secret copies from the cluster's own CA; the proxy presents a different certificate, so istiod fails with \"x509: certificate signed by unknown authority\" and never discovers the cluster. Use the proxy's CA (or the API server's direct address) in the kubeconfig."
            case .plainHTTP:
                message = "\(what) talks plain http:// to the API server: the service-account token istiod sends and the endpoints it reads travel unencrypted and unauthenticated. Use the API server's https:// address with its CA in certificate-authority-data."
            case .caNotCA(let subjects):
                message = "\(what) has certificate-authority-data holding \(subjects.count == 1 ? "a certificate" : "certificates") (\(subjects.joined(separator: "; "))) that \(subjects.count == 1 ? "is not a CA" : "are not CAs") (no basicConstraints CA:TRUE): it is likely the API server's own serving certificate rather than the CA that signed it, and istiod's connection fails verification when the serving certificate rotates or is not self-signed. Put the cluster CA (kubectl config view --raw, or the ca.crt of a service-account token) there."
            case .caEncodedTwice:
                message = "\(what) has certificate-authority-data that is base64 of base64 of a PEM certificate (encoded twice): the client reads no CA from it and istiod's connection fails with \"unable to load root certificates\". Store the base64 of the PEM text once."
            }
            out.append(context.finding(message, at: p.node, cluster: r.isShared ? nil : p.holder, resource: r,
                                       fieldPath: p.fieldPath))
        }
        return out
    }
}
