/// The kubeconfig an external control plane's istiod runs against: Secret `istio-kubeconfig`,
/// which `istioctl create-remote-secret --type=config` writes (data key `config`, annotation
/// `networking.istio.io/cluster: <config cluster>`) and the istiod chart mounts at
/// `/var/run/secrets/remote/config` (env `KUBECONFIG`). It is not a remote secret: istiod
/// does not watch it, its key is not a cluster ID, and it lives wherever istiod runs.
public struct ConfigClusterLink: Sendable {
    /// The Secret.
    public let resource: Resource
    /// `networking.istio.io/cluster`, the config cluster's name, when present.
    public let annotation: Located<String>?
    /// The cluster of the set the annotation names (nil when it names none or several).
    public let target: Int?
    /// The holder (where the external istiod runs).
    public var holder: Int { resource.clusterIndex }

    /// The Secret name istioctl gives the config kubeconfig (`remote_secret.go` configSecretName).
    static let secretName = "istio-kubeconfig"

    static func read(_ r: Resource, names: ClusterNameTable) -> ConfigClusterLink? {
        guard r.kind == "Secret", r.name == secretName else { return nil }
        let a = r.annotation(RemoteSecret.clusterAnnotation)
        let target = a.flatMap { Placeholder.isTemplate($0.value) ? nil : names.resolve($0.value).target }
        return ConfigClusterLink(resource: r, annotation: a, target: target)
    }
}
