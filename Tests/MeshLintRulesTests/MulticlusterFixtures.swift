import Foundation

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

    /// The YAML files of a corpus set, by path relative to the set.
    static func corpusSet(_ name: String) -> [String: String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus").appendingPathComponent(name)
        var out: [String: String] = [:]
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "yaml" || url.pathExtension == "yml" else { continue }
            let rel = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            out[rel] = try? String(contentsOf: url, encoding: .utf8)
        }
        return out
    }
}
