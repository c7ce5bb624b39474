/// A remote-secret kubeconfig istiod refuses before it ever contacts the API server
/// (`pkg/kube` NewUntrustedRestConfig: `clientcmd.Validate`, then sanitizeKubeConfig).
public struct RemoteSecretAuthProblem: Sendable {
    /// What is refused.
    public enum Kind: Sendable {
        /// A credential istiod refuses unless `PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS`
        /// lists `option`; `allowlist` is every place the holder sets that variable.
        case unsafeAuth(Kubeconfig.UnsafeAuth, allowlist: [Sourced<String>])
        /// `current-context` or a context's cluster/user names no entry ("kubeconfig is not valid").
        case danglingName(Kubeconfig.DanglingName)
    }

    /// What is refused.
    public let kind: Kind
    /// The secret and the entry holding the kubeconfig.
    public let secret: RemoteSecret
    public let entry: RemoteSecret.Entry
    /// The cluster whose istiod reads the secret.
    public let holder: Int
    /// The cluster the entry is for, when it resolves.
    public let target: Int?
    /// Where to report.
    public let location: SourceLocation
    /// Dotted path in the Secret.
    public let fieldPath: String
}

extension MeshGraph {
    /// The environment variable that lets istiod accept otherwise refused kubeconfig options.
    public static let insecureKubeconfigOptions = "PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS"

    /// Every kubeconfig option istiod in the holding cluster refuses, per remote secret entry.
    public func remoteSecretAuthProblems() -> [RemoteSecretAuthProblem] {
        let id = identity
        var out: [RemoteSecretAuthProblem] = []
        for (si, s) in id.remoteSecrets.enumerated() {
            let holder = s.holder
            let env = facts[holder].istiodEnv[Self.insecureKubeconfigOptions] ?? []
            var allowed = Set<String>()
            for e in env { for part in e.value.split(separator: ",") { allowed.insert(String(part).filter { $0 != " " }) } }
            let refs = id.references(ofSecret: si)
            for entry in s.entries {
                guard let kc = entry.kubeconfig, kc.syntaxError == nil else { continue }
                let target = refs.first { $0.kind == .secretKey && $0.name.node == entry.key.node }?.target
                for d in kc.danglingNames {
                    out.append(RemoteSecretAuthProblem(kind: .danglingName(d), secret: s, entry: entry, holder: holder, target: target,
                                                       location: d.name.location, fieldPath: "\(entry.fieldPath).\(d.fieldPath)"))
                }
                for u in kc.unsafeAuth where !allowed.contains(u.option) {
                    out.append(RemoteSecretAuthProblem(kind: .unsafeAuth(u, allowlist: env), secret: s, entry: entry, holder: holder,
                                                       target: target, location: SourceLocation(u.node),
                                                       fieldPath: "\(entry.fieldPath).\(u.fieldPath)"))
                }
            }
        }
        return out
    }
}
