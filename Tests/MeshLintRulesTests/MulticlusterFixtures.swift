/// YAML pieces the multicluster rule tests share.
enum MulticlusterFixtures {
    /// The remote secret `istioctl create-remote-secret` writes for `target`, without the kubeconfig.
    static func remoteSecret(for target: String) -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-\(target)
          namespace: istio-system
          labels: {istio/multiCluster: "true"}
          annotations: {networking.istio.io/cluster: \(target)}
        """
    }

    /// `samples/multicluster/expose-services.yaml` (Gateway `cross-network-gateway`).
    static let crossNetworkGateway = """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: cross-network-gateway, namespace: istio-system}
        spec:
          selector: {istio: eastwestgateway}
          servers:
          - port: {number: 15443, name: tls, protocol: TLS}
            tls: {mode: AUTO_PASSTHROUGH}
            hosts: ["*.local"]
        """

    /// An IstioOperator for `cluster<i>` with `global` lines (indented under `global:`) and more `values`.
    static func install(_ i: Int, global: String = "", values: String = "") -> String {
        """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        metadata: {name: istio, namespace: istio-system}
        spec:
          values:
            global:
              multiCluster: {clusterName: cluster\(i)}\(global.isEmpty ? "" : "\n" + global)
        \(values)
        """
    }
}
