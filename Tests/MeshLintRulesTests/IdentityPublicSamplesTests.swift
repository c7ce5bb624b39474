import XCTest
@testable import MeshLint

/// Official multicluster configurations (reference/public-samples: istio/istio and istio.io,
/// arranged one directory per cluster as the guides apply them) must not trigger MC201, MC202,
/// MC301 or MC302; a few variations of them must.
final class IdentityPublicSamplesTests: XCTestCase {
    static let rules = ["MC201", "MC202", "MC301", "MC302"]

    func lint(_ files: [String: String]) -> [Finding] {
        let linter = try! Linter(only: Self.rules)
        return linter.lint(documents: files.map { ($0.key, $0.value) }, options: LoadOptions(parallel: false)).findings
    }

    func assertClean(_ files: [String: String], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let got = lint(files)
        XCTAssertEqual(got.count, 0, "\(label):\n" + got.map { "  \($0.rule) \($0.file):\($0.line):\($0.column) \($0.message)" }.joined(separator: "\n"),
                       file: file, line: line)
    }

    // MARK: Samples

    /// istio.io content/en/docs/setup/install/multicluster/shared/index.md (1.5–1.7).
    static func shared15(main: String = "main0", remote: String = "remote0", net1: String = "network1", net2: String = "network2") -> [String: String] {
        let gateway = """
            apiVersion: networking.istio.io/v1alpha3
            kind: Gateway
            metadata:
              name: cluster-aware-gateway
              namespace: istio-system
            spec:
              selector:
                istio: ingressgateway
              servers:
              - port:
                  number: 443
                  name: tls
                  protocol: TLS
                tls:
                  mode: AUTO_PASSTHROUGH
                hosts:
                - "*.local"
            """
        return [
            "main0/istio-main-cluster.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  values:
                    global:
                      multiCluster:
                        clusterName: \(main)
                      network: \(net1)

                      # Mesh network configuration. This is optional and may be omitted if
                      # all clusters are on the same network.
                      meshNetworks:
                        \(net1):
                          endpoints:
                          # Always use Kubernetes as the registry name for the main cluster in the mesh network configuration
                          - fromRegistry: Kubernetes
                          gateways:
                          - registry_service_name: istio-ingressgateway.istio-system.svc.cluster.local
                            port: 443

                        \(net2):
                          endpoints:
                          - fromRegistry: \(remote)
                          gateways:
                          - registry_service_name: istio-ingressgateway.istio-system.svc.cluster.local
                            port: 443

                      # Use the existing istio-ingressgateway.
                      meshExpansion:
                        enabled: true
                """,
            "main0/cluster-aware-gateway.yaml": gateway,
            "remote0/istio-remote0-cluster.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  values:
                    global:
                      # The remote cluster's name and network name must match the values specified in the
                      # mesh network configuration of the main cluster.
                      multiCluster:
                        clusterName: \(remote)
                      network: \(net2)

                      # Replace ISTIOD_REMOTE_EP with the the value of ISTIOD_REMOTE_EP set earlier.
                      remotePilotAddress: ${ISTIOD_REMOTE_EP}
                """,
            "remote0/cluster-aware-gateway.yaml": gateway,
        ]
    }

    static func kubeconfig(_ name: String, server: String) -> String {
        """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: PLACEHOLDER_BASE64_CA
            server: \(server)
          name: \(name)
        contexts:
        - context:
            cluster: \(name)
            user: \(name)
          name: \(name)
        current-context: \(name)
        kind: Config
        preferences: {}
        users:
        - name: \(name)
          user:
            token: PLACEHOLDER_SERVICE_ACCOUNT_TOKEN
        """
    }

    /// `istioctl create-remote-secret --name=<name>` output (reference/remote-secret-example.yaml).
    static func remoteSecret(_ name: String, server: String) -> String {
        let indented = kubeconfig(name, server: server).split(separator: "\n", omittingEmptySubsequences: false)
            .map { "    " + $0 }.joined(separator: "\n")
        return """
            # This file is autogenerated, do not edit.
            apiVersion: v1
            kind: Secret
            metadata:
              annotations:
                networking.istio.io/cluster: \(name)
              labels:
                istio/multiCluster: "true"
              name: istio-remote-secret-\(name)
              namespace: istio-system
            stringData:
              \(name): |
            \(indented)
            ---

            """
    }

    /// samples/multicluster: `gen-eastwest-gateway.sh --network <net>` output.
    static func eastwest(_ net: String) -> String {
        """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        metadata:
          name: eastwest
        spec:
          revision: ""
          profile: empty
          components:
            ingressGateways:
              - name: istio-eastwestgateway
                label:
                  istio: eastwestgateway
                  app: istio-eastwestgateway
                  topology.istio.io/network: \(net)
                enabled: true
                k8s:
                  env:
                    # traffic through this gateway should be routed inside the network
                    - name: ISTIO_META_REQUESTED_NETWORK_VIEW
                      value: \(net)
                  service:
                    ports:
                      - name: status-port
                        port: 15021
                        targetPort: 15021
                      - name: tls
                        port: 15443
                        targetPort: 15443
                      - name: tls-istiod
                        port: 15012
                        targetPort: 15012
                      - name: tls-webhook
                        port: 15017
                        targetPort: 15017
          values:
            gateways:
              istio-ingressgateway:
                injectionTemplate: gateway
            global:
              network: \(net)
        """
    }

    static func namespace(_ net: String, controlPlane: String? = nil) -> String {
        var s = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n  labels:\n    topology.istio.io/network: \(net)\n"
        if let cp = controlPlane { s += "  annotations:\n    topology.istio.io/controlPlaneClusters: \(cp)\n" }
        return s
    }

    /// istio.io multi-primary_multi-network/index.md.
    static var multiPrimaryMultiNetwork: [String: String] {
        var files: [String: String] = [:]
        for (c, other, net) in [("cluster1", "cluster2", "network1"), ("cluster2", "cluster1", "network2")] {
            files["\(c)/\(c).yaml"] = """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  values:
                    global:
                      meshID: mesh1
                      multiCluster:
                        clusterName: \(c)
                      network: \(net)
                """
            files["\(c)/eastwest-gateway.yaml"] = eastwest(net)
            files["\(c)/namespace.yaml"] = namespace(net)
            files["\(c)/remote-secret-\(other).yaml"] = remoteSecret(other, server: "https://\(other)-apiserver.example.com:6443")
        }
        return files
    }

    /// istio.io primary-remote_multi-network/index.md.
    static var primaryRemoteMultiNetwork: [String: String] {
        [
            "cluster1/cluster1.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  values:
                    global:
                      meshID: mesh1
                      multiCluster:
                        clusterName: cluster1
                      network: network1
                      externalIstiod: true
                """,
            "cluster1/eastwest-gateway.yaml": eastwest("network1"),
            "cluster1/namespace.yaml": namespace("network1"),
            "cluster1/remote-secret-cluster2.yaml": remoteSecret("cluster2", server: "https://cluster2-apiserver.example.com:6443"),
            "cluster2/cluster2.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  profile: remote
                  values:
                    istiodRemote:
                      injectionPath: /inject/cluster/cluster2/net/network2
                    global:
                      remotePilotAddress: ${DISCOVERY_ADDRESS}
                """,
            "cluster2/eastwest-gateway.yaml": eastwest("network2"),
            "cluster2/namespace.yaml": namespace("network2", controlPlane: "cluster1"),
        ]
    }

    /// istio.io shared-gateways/index.md (1.1–1.4, split-horizon EDS): the secret is
    /// `kubectl create secret generic n2-k8s-secret --from-file n2-k8s-config`, and
    /// `--set global.meshNetworks.network2.endpoints[0].fromRegistry=n2-k8s-config`.
    static var sharedGateways14: [String: String] {
        let data = Array(kubeconfig("cluster2", server: "https://192.168.10.20:6443").utf8)
        return [
            "cluster1/values.yaml": """
                global:
                  mtls:
                    enabled: true
                  network: network1
                  meshNetworks:
                    network1:
                      endpoints:
                      - fromRegistry: Kubernetes
                      gateways:
                      - address: 0.0.0.0
                        port: 443
                    network2:
                      endpoints:
                      - fromRegistry: n2-k8s-config
                      gateways:
                      - address: 0.0.0.0
                        port: 443
                security:
                  selfSigned: false
                """,
            "cluster1/n2-k8s-secret.yaml": """
                apiVersion: v1
                kind: Secret
                metadata:
                  labels:
                    istio/multiCluster: "true"
                  name: n2-k8s-secret
                  namespace: istio-system
                data:
                  n2-k8s-config: \(Self.base64(data))
                """,
            "cluster2/values.yaml": """
                global:
                  istioRemote: true
                  remotePilotAddress: 192.0.2.10
                  network: network2
                """,
        ]
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let t = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var out = ""
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var v = UInt32(bytes[i]) << 16
            if n > 1 { v |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { v |= UInt32(bytes[i + 2]) }
            for k in 0..<4 { out.append(k <= n ? t[Int((v >> UInt32(18 - 6 * k)) & 63)] : "=") }
            i += 3
        }
        return out
    }

    /// install/kubernetes/helm/istio/example-values/values-istio-multicluster-gateways.yaml (1.1.0) and
    /// manifests/examples/multicluster/values-istio-multicluster-gateways.yaml (1.7.0).
    static var legacyGateways: [String: String] {
        let v11 = """
            global:
              # Provides dns resolution for global services
              podDNSSearchNamespaces:
              - global
              - "[[ valueOrDefault .DeploymentMeta.Namespace \\"default\\" ]].global"

              multiCluster:
                enabled: true

              controlPlaneSecurityEnabled: true

            security:
              selfSigned: false

            istiocoredns:
              enabled: true

            gateways:
              istio-egressgateway:
                enabled: true
                env:
                  # Needed to route traffic via egress gateway if desired.
                  ISTIO_META_REQUESTED_NETWORK_VIEW: "external"
            """
        let v17 = """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            spec:
              addonComponents:
                istiocoredns:
                  enabled: true
              components:
                egressGateways:
                  - name: istio-egressgateway
                    enabled: true
              values:
                global:
                  podDNSSearchNamespaces:
                    - global
                  multiCluster:
                    enabled: true
                  controlPlaneSecurityEnabled: true
                gateways:
                  istio-egressgateway:
                    env:
                      ISTIO_META_REQUESTED_NETWORK_VIEW: "external"
            """
        return ["a11/values.yaml": v11, "b11/values.yaml": v11, "c17/iop.yaml": v17, "d17/iop.yaml": v17]
    }

    // MARK: Tests

    func testOfficialSamplesAreClean() {
        assertClean(Self.shared15(), "1.5–1.7 shared control plane (placeholders substituted)")
        assertClean(Self.shared15(main: "${MAIN_CLUSTER_NAME}", remote: "${REMOTE_CLUSTER_NAME}",
                                  net1: "${MAIN_CLUSTER_NETWORK}", net2: "${REMOTE_CLUSTER_NETWORK}"),
                    "1.5–1.7 shared control plane (verbatim placeholders)")
        assertClean(Self.multiPrimaryMultiNetwork, "multi-primary multi-network")
        assertClean(Self.primaryRemoteMultiNetwork, "primary-remote multi-network")
        assertClean(Self.sharedGateways14, "1.1–1.4 shared control plane, split-horizon EDS")
        assertClean(Self.legacyGateways, "1.1 / 1.7 replicated control planes with .global")
        assertClean(["primary/secret.yaml": Self.remoteSecret("istio-remote", server: "https://1.2.3.4")],
                    "analyzer test data: a single cluster's secret for a peer outside the set")
        assertClean(["cluster1/split-horizon.yaml": """
            global:
              mtls:
                enabled: true
              meshNetworks:
                network2:
                  endpoints:
                  - fromRegistry: N2_REGISTRY_TOKEN
                  gateways:
                  - address: 0.0.0.0
                    port: 443
            security:
              selfSigned: false
            """, "cluster2/values.yaml": "global:\n  istioRemote: true\n"],
                    "1.4 values-istio-multicluster-split-horizon.yaml (CI token)")
    }

    func testEveryModelHasAnEndpointDiscoveryVerdict() {
        func models(_ files: [String: String]) -> [DeploymentModel] {
            let set = ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: files.map { ($0.key, $0.value) })
            return MeshGraph(set: set).identity.models
        }
        XCTAssertEqual(models(Self.legacyGateways), Array(repeating: [.replicatedGateways], count: 4))
        XCTAssertEqual(models(Self.multiPrimaryMultiNetwork), [[.endpointDiscovery], [.endpointDiscovery]])
        XCTAssertEqual(models(Self.primaryRemoteMultiNetwork), [[.endpointDiscovery], [.endpointDiscovery]])
        XCTAssertEqual(models(Self.sharedGateways14), [[.endpointDiscovery], [.endpointDiscovery]])
    }

    func testMixedModelsOnlyRequireClusterNamesWhereEndpointsAreDiscovered() {
        var files = Self.multiPrimaryMultiNetwork
        files["legacy/values.yaml"] = Self.legacyGateways["c17/iop.yaml"]!
        files["legacy/serviceentry.yaml"] = """
            apiVersion: networking.istio.io/v1alpha3
            kind: ServiceEntry
            metadata:
              name: httpbin-bar
            spec:
              hosts:
              - httpbin.bar.global
              location: MESH_INTERNAL
              ports:
              - name: http1
                number: 8000
                protocol: http
              resolution: DNS
              addresses:
              - 240.0.0.2
              endpoints:
              - address: 203.0.113.50
                ports:
                  http1: 15443
            """
        assertClean(files, "a .global cluster next to a multi-primary pair")
        // Once a primary holds a secret for it, it takes part and needs a clusterName.
        files["cluster1/remote-secret-legacy.yaml"] = Self.remoteSecret("legacy", server: "https://203.0.113.60:6443")
        XCTAssertEqual(lint(files).map { "\($0.rule) \($0.file)" }, ["MC301 legacy/values.yaml"])
    }

    func testVariationsOfTheSamplesTrigger() {
        // Multi-primary: the secret in cluster1 generated with --name=cluster-2.
        var mp = Self.multiPrimaryMultiNetwork
        mp["cluster1/remote-secret-cluster2.yaml"] = Self.remoteSecret("cluster-2", server: "https://cluster2-apiserver.example.com:6443")
        XCTAssertEqual(lint(mp).map(\.rule), ["MC202"])
        // Multi-primary: cluster2 labelled network1 on istio-system.
        mp = Self.multiPrimaryMultiNetwork
        mp["cluster2/namespace.yaml"] = Self.namespace("network1")
        let f = lint(mp)
        XCTAssertEqual(f.map(\.rule), ["MC302"])
        XCTAssertEqual(f.first?.file, "cluster2/namespace.yaml")
        XCTAssertEqual(f.first?.related.count, 4, "the control plane's values and the east-west gateway's values, label and env")
        // Primary-remote: the remote's injection path names another cluster than the secret.
        var pr = Self.primaryRemoteMultiNetwork
        pr["cluster2/cluster2.yaml"] = pr["cluster2/cluster2.yaml"]!.replacingOccurrences(of: "cluster/cluster2/", with: "cluster/remote2/")
        let p = lint(pr)
        XCTAssertEqual(p.map(\.rule), ["MC301"], "the key cluster2 only matches the directory; the remote's ID is remote2")
        XCTAssertEqual(p.first.map { "\($0.file):\($0.line)" }, "cluster2/cluster2.yaml:7")
        XCTAssertEqual(p.first?.related.first?.file, "cluster1/remote-secret-cluster2.yaml")
        // 1.5–1.7 shared: remote0's clusterName changed, meshNetworks still says remote0.
        let sh = Self.shared15(remote: "remote0")
        var changed = sh
        changed["remote0/istio-remote0-cluster.yaml"] = sh["remote0/istio-remote0-cluster.yaml"]!.replacingOccurrences(of: "clusterName: remote0", with: "clusterName: remote-0")
        let g = lint(changed)
        XCTAssertEqual(g.map(\.rule), ["MC301"])
        XCTAssertEqual(g.first?.file, "remote0/istio-remote0-cluster.yaml")
        XCTAssertEqual(g.first?.related.first?.file, "main0/istio-main-cluster.yaml")
    }
}
