import XCTest
@testable import MeshLintCore

/// Parsing edge cases of Graph/Identity: base64, embedded YAML positions, remote secret
/// recognition, meshNetworks shapes, name resolution, network claims, deployment model.
final class IdentityGraphTests: XCTestCase {
    func graph(_ files: [String: String], manifest: String? = nil) -> MeshGraph {
        let set = ConfigSetLoader(options: LoadOptions(manifestPath: manifest, parallel: false))
            .load(documents: files.map { ($0.key, $0.value) })
        return MeshGraph(set: set)
    }

    static func b64(_ s: String) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let bytes = Array(s.utf8)
        var out = ""
        var i = 0
        while i < bytes.count {
            let n = min(3, bytes.count - i)
            var v = UInt32(bytes[i]) << 16
            if n > 1 { v |= UInt32(bytes[i + 1]) << 8 }
            if n > 2 { v |= UInt32(bytes[i + 2]) }
            for k in 0..<4 { out.append(k <= n ? table[Int((v >> UInt32(18 - 6 * k)) & 63)] : "=") }
            i += 3
        }
        return out
    }

    static let kubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - cluster:
            server: https://10.0.2.10:6443
          name: remote-alias
        contexts:
        - context: {cluster: remote-alias, user: remote-alias}
          name: remote-alias
        users:
        - name: remote-alias
          user:
            token: abc

        """

    // MARK: Base64

    func testBase64() {
        XCTAssertEqual(Base64.decodeUTF8("aGVsbG8="), "hello")
        XCTAssertEqual(Base64.decodeUTF8("aGVs\nbG8="), "hello", "line breaks are ignored")
        XCTAssertEqual(Base64.decodeUTF8("aGVsbG8"), "hello", "padding is optional")
        XCTAssertEqual(Base64.decodeUTF8("aGk-"), Base64.decodeUTF8("aGk+"), "URL-safe alphabet")
        XCTAssertEqual(Base64.decode(""), [])
        XCTAssertNil(Base64.decode("aGVsbG8=x"), "data after padding")
        XCTAssertNil(Base64.decode("a"), "one symbol cannot encode a byte")
        XCTAssertNil(Base64.decode("not base64!"))
        XCTAssertNil(Base64.decode("aGVsbG8==="))
        XCTAssertEqual(Base64.decodeUTF8(Self.b64(Self.kubeconfig)), Self.kubeconfig)
        XCTAssertNil(Base64.decodeUTF8("/w=="), "0xFF is not UTF-8")
    }

    // MARK: Remote secrets and kubeconfigs

    func testStringDataKubeconfigPositionsMapToTheOuterFile() throws {
        let g = graph([
            "east/secret.yaml": """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: istio-remote-secret-west
                  namespace: istio-system
                stringData:
                  west: |
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - cluster:
                        server: https://203.0.113.40:6443
                      name: west
                    contexts: []

                """,
            "west/x.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n",
        ])
        let s = try XCTUnwrap(g.identity.remoteSecrets.first)
        XCTAssertEqual(s.evidence, [.name, .kubeconfig])
        XCTAssertEqual(s.nameSuffix?.value, "west")
        let e = try XCTUnwrap(s.entries.first)
        XCTAssertEqual(e.key.value, "west")
        XCTAssertEqual(e.fieldPath, "stringData.west")
        let k = try XCTUnwrap(e.kubeconfig)
        XCTAssertTrue(k.embedded.exact)
        let server = try XCTUnwrap(k.servers.first)
        XCTAssertEqual(server.value, "https://203.0.113.40:6443")
        XCTAssertEqual(server.node.file.path, "east/secret.yaml")
        XCTAssertEqual(server.node.line, 12)
        XCTAssertEqual(server.node.column, 17)
        XCTAssertEqual(k.clusterAliases.map(\.value), ["west"])
        XCTAssertFalse(k.hasCredentials)
    }

    func testCRLFAndLeadingCommentKeepMappedPositions() throws {
        let text = "# c\r\napiVersion: v1\r\nkind: Secret\r\nmetadata:\r\n  name: s\r\n  namespace: istio-system\r\nstringData:\r\n  west: |\r\n    kind: Config\r\n    clusters:\r\n    - cluster: {server: \"https://x:6443\"}\r\n"
        let g = graph(["east/s.yaml": text, "west/x.yaml": ""])
        let server = try XCTUnwrap(g.identity.remoteSecrets.first?.entries.first?.kubeconfig?.servers.first)
        XCTAssertEqual(server.node.line, 11)
        XCTAssertEqual(server.node.column, 25)
    }

    func testBase64DataKubeconfigIsRecognisedAndLocatedAtTheValue() throws {
        let g = graph([
            "main/secret.yaml": """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: remote
                  namespace: istio-system
                type: Opaque
                data:
                  remote: \(Self.b64(Self.kubeconfig))
                  notes: \(Self.b64("just text"))
                """,
            "remote/x.yaml": "",
        ])
        let s = try XCTUnwrap(g.identity.remoteSecrets.first)
        XCTAssertEqual(s.evidence, [.kubeconfig])
        XCTAssertEqual(s.entries.map(\.key.value), ["remote"], "entries without a kubeconfig are dropped for content-only secrets")
        let k = try XCTUnwrap(s.entries.first?.kubeconfig)
        XCTAssertFalse(k.embedded.exact)
        XCTAssertEqual(k.servers.first?.value, "https://10.0.2.10:6443")
        XCTAssertEqual(k.servers.first?.node.line, 8, "unmapped positions point at the data value")
        XCTAssertEqual(k.servers.first?.node.column, 11)
        XCTAssertTrue(k.hasCredentials)
        XCTAssertEqual(k.clusterAliases.map(\.value), ["remote-alias"])
        // Names inside the kubeconfig are aliases, never references.
        XCTAssertFalse(g.identity.references.contains { $0.name.value == "remote-alias" })
    }

    func testSecretsThatAreNotRemoteSecrets() {
        let g = graph([
            "east/secrets.yaml": """
                apiVersion: v1
                kind: Secret
                metadata: {name: cacerts, namespace: istio-system}
                stringData:
                  root-cert.pem: "-----BEGIN CERTIFICATE-----"
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: istio-kubeconfig, namespace: external-istiod}
                stringData:
                  config: |
                    kind: Config
                    clusters: []
                    contexts: []
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: prod-eu-kubeconfig, namespace: capi-clusters}
                stringData:
                  value: |
                    kind: Config
                    clusters: []
                    contexts: []
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: sa-token, namespace: istio-system}
                type: kubernetes.io/service-account-token
                stringData:
                  kubeconfig: |
                    kind: Config
                    clusters: []
                    contexts: []
                """,
        ])
        XCTAssertEqual(g.identity.remoteSecrets.count, 0)
    }

    func testDeclaredRemoteSecretWithBrokenKubeconfig() throws {
        let g = graph([
            "east/s.yaml": """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: istio-remote-secret-west
                  annotations:
                    networking.istio.io/cluster: west
                stringData:
                  west: |
                    clusters: [
                    - oops
                data:
                  other: '%%%'
                """,
            "west/x.yaml": "",
        ])
        let s = try XCTUnwrap(g.identity.remoteSecrets.first)
        XCTAssertEqual(s.evidence, [.name, .annotation])
        XCTAssertEqual(s.annotation?.value, "west")
        let west = try XCTUnwrap(s.entries.first { $0.key.value == "west" })
        let err = try XCTUnwrap(west.kubeconfig?.syntaxError)
        XCTAssertEqual(err.position.line, 10, "the error is reported at its outer line")
        let other = try XCTUnwrap(s.entries.first { $0.key.value == "other" })
        XCTAssertEqual(other.decodeProblem, "the value is not valid base64")
        XCTAssertNil(other.kubeconfig)
    }

    func testFoldedBlocksAreNotMappedAndMarkersSplitDocuments() throws {
        let host = YAMLParser.parse(bytes: Array("k: >\n  a: 1\n".utf8), path: "f.yaml").roots[0]
        let e = EmbeddedYAML(text: "a: 1\n", host: host["k"]!, key: host.keyNode("k"))
        XCTAssertFalse(e.exact)
        XCTAssertEqual(e.locate(e.root!["a"]!), host["k"]!)
        let host2 = YAMLParser.parse(bytes: Array("k: |\n  a: 1\n  ---\n  b: 2\n".utf8), path: "f.yaml").roots[0]
        let e2 = EmbeddedYAML(text: "a: 1\n---\nb: 2\n", host: host2["k"]!, key: host2.keyNode("k"))
        XCTAssertTrue(e2.exact)
        XCTAssertEqual(e2.file.documents.count, 2, "the text is parsed as istiod would parse it")
        let b = try XCTUnwrap(e2.file.roots.last?.keyNode("b"))
        XCTAssertEqual(b.position, SourcePosition(line: 4, column: 3))
    }

    func testPlainEmbeddedYAMLReadsItsHostsBytesAndOtherStylesKeepTheirOwn() throws {
        // Plain scalars: the parse reads its text in the host file's arena (no second copy).
        let src = "k: |\n  server: https://a:6443\n  n: [x, 'y']\n"
        let host = YAMLParser.parse(bytes: Array(src.utf8), path: "f.yaml").roots[0]
        let plain = EmbeddedYAML(scalarOf: YAMLParser.parse(bytes: Array("k: |\n  server: https://a:6443\n  n: [x, y]\n".utf8),
                                                            path: "f.yaml").roots[0]["k"]!, key: nil)
        XCTAssertTrue(plain.file.arenaOwner != nil)
        XCTAssertEqual(plain.root?["server"]?.text, "https://a:6443")
        XCTAssertEqual(plain.root?["n"]?.items.compactMap(\.text), ["x", "y"])
        // A quoted scalar's text is not its bytes as written: the parse keeps an arena of its own.
        let quoted = EmbeddedYAML(scalarOf: host["k"]!, key: host.keyNode("k"))
        XCTAssertNil(quoted.file.arenaOwner)
        XCTAssertEqual(quoted.root?["n"]?.items.compactMap(\.text), ["x", "y"])
        XCTAssertEqual(quoted.root?["server"]?.position, SourcePosition(line: 2, column: 11))
    }

    // MARK: References and edges

    func testReferencesResolveClusterNameFirstThenSetName() throws {
        let iop = { (name: String) in
            "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    global:\n      multiCluster:\n        clusterName: \(name)\n"
        }
        let secret = { (key: String) in
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: istio-remote-secret-\(key)\n  labels: {istio/multiCluster: \"true\"}\nstringData:\n  \(key): |\n    kind: Config\n    clusters: []\n    contexts: []\n"
        }
        let g = graph([
            "a/iop.yaml": iop("alpha"),
            "a/s1.yaml": secret("beta"),
            "a/s2.yaml": secret("b"),
            "a/s3.yaml": secret("gamma"),
            "b/iop.yaml": iop("beta"),
            "c/iop.yaml": iop("beta"),
        ])
        let keys = g.identity.references.filter { $0.kind == .secretKey }
        let byName = Dictionary(uniqueKeysWithValues: keys.map { ($0.name.value, $0) })
        XCTAssertTrue(byName["beta"]!.ambiguous, "two clusters share clusterName beta")
        XCTAssertNil(byName["beta"]!.target)
        XCTAssertEqual(byName["b"]!.target, 1)
        XCTAssertEqual(byName["b"]!.resolution, .setName)
        XCTAssertNil(byName["gamma"]!.target)
        XCTAssertEqual(g.identity.remoteSecretEdges.map(\.target), [1])
        XCTAssertEqual(g.identity.edges(from: 0).count, 1)
        XCTAssertEqual(g.identity.names.resolve("alpha").target, 0)
        XCTAssertEqual(g.identity.names.resolve("alpha").resolution, .clusterName)
    }

    func testFromRegistryDefaultNameAndLegacyAlias() throws {
        let g = graph([
            "main/values.yaml": """
                global:
                  network: network1
                  meshNetworks:
                    network1:
                      endpoints:
                      - fromRegistry: Kubernetes
                      gateways:
                      - registry_service_name: istio-ingressgateway.istio-system.svc.cluster.local
                        port: 443
                    network2:
                      endpoints:
                      - fromRegistry: n2-k8s-config
                      - fromCidr: 192.168.0.0/16
                      gateways:
                      - address: 192.0.2.1
                        port: 443
                """,
            "main/secret.yaml": """
                apiVersion: v1
                kind: Secret
                metadata: {name: n2-k8s-secret, namespace: istio-system, labels: {istio/multiCluster: "true"}}
                data:
                  n2-k8s-config: \(Self.b64(Self.kubeconfig))
                """,
            "n2/values.yaml": "global:\n  istioRemote: true\n  network: network2\n",
        ])
        let m = try XCTUnwrap(g.identity.meshNetworks.first)
        XCTAssertEqual(m.networks.map(\.name.value), ["network1", "network2"])
        XCTAssertEqual(m.networks[0].gateways.first?.registryServiceName?.value, "istio-ingressgateway.istio-system.svc.cluster.local")
        XCTAssertEqual(m.networks[0].gateways.first?.port?.int, 443)
        XCTAssertEqual(m.networks[1].endpoints[1].fromCidr?.value, "192.168.0.0/16")
        XCTAssertEqual(m.networks[1].fieldPath, "global.meshNetworks.network2")
        let regs = g.identity.references.filter { $0.kind == .fromRegistry }
        XCTAssertEqual(regs.first { $0.name.value == "Kubernetes" }?.resolution, .defaultRegistryName)
        XCTAssertEqual(regs.first { $0.name.value == "Kubernetes" }?.target, 0)
        XCTAssertEqual(regs.first { $0.name.value == "n2-k8s-config" }?.resolution, .registryAlias)
        XCTAssertEqual(regs.first { $0.name.value == "n2-k8s-config" }?.network?.value, "network2")
        XCTAssertEqual(g.identity.legacyEra, [true, true], "global.istioRemote in one cluster marks the set as 1.1–1.4")
        XCTAssertTrue(g.identity.usesEndpointDiscovery)
    }

    func testMeshNetworksConfigMapAndWrappedValues() throws {
        let g = graph([
            "c1/cm.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: istio, namespace: istio-system}
                data:
                  meshNetworks: |-
                    networks:
                      network1:
                        endpoints:
                        - fromRegistry: c1
                """,
            "c2/iop.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  values:
                    global:
                      meshNetworks:
                        networks:
                          network2:
                            endpoints:
                            - fromRegistry: c2
                """,
        ])
        XCTAssertEqual(g.identity.meshNetworks.count, 2)
        let cm = try XCTUnwrap(g.identity.meshNetworks.first { $0.resource?.kind == "ConfigMap" })
        let reg = try XCTUnwrap(cm.registries.first)
        XCTAssertEqual(reg.registry.value, "c1")
        XCTAssertEqual(reg.registry.node.line, 9)
        XCTAssertEqual(reg.registry.node.column, 25)
        XCTAssertEqual(reg.fieldPath, "data.meshNetworks.networks.network1.endpoints[0].fromRegistry")
        let iop = try XCTUnwrap(g.identity.meshNetworks.first { $0.resource?.kind == "IstioOperator" })
        XCTAssertEqual(iop.networks.map(\.name.value), ["network2"])
        XCTAssertEqual(iop.networks[0].fieldPath, "spec.values.global.meshNetworks.networks.network2")
    }

    // MARK: Networks

    func testNetworkClaimsFromEveryPlace() throws {
        let g = graph([
            "c/iop.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  profile: remote
                  values:
                    istiodRemote:
                      injectionPath: /inject/cluster/c/net/n1
                    global:
                      network: n1
                """,
            "c/ew.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  profile: empty
                  components:
                    ingressGateways:
                    - name: istio-eastwestgateway
                      label: {topology.istio.io/network: n1}
                      k8s:
                        env:
                        - name: ISTIO_META_REQUESTED_NETWORK_VIEW
                          value: n1
                    egressGateways:
                    - name: istio-egressgateway
                      k8s:
                        env:
                        - {name: ISTIO_META_REQUESTED_NETWORK_VIEW, value: external}
                  values:
                    global: {network: n1}
                """,
            "c/objects.yaml": """
                apiVersion: v1
                kind: Namespace
                metadata: {name: istio-system, labels: {topology.istio.io/network: n1}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: gw, namespace: istio-system, labels: {topology.istio.io/network: n1}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: gw, namespace: istio-system}
                spec:
                  template:
                    metadata: {labels: {topology.istio.io/network: n1}}
                    spec:
                      containers:
                      - name: istio-proxy
                        env: [{name: ISTIO_META_REQUESTED_NETWORK_VIEW, value: n1}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: app, namespace: sample, labels: {topology.istio.io/network: other}}
                """,
            "c/gateway-values.yaml": "name: istio-eastwestgateway\nnetworkGateway: n1\n",
        ])
        let kinds = g.identity.networkClaims[0].map(\.kind)
        XCTAssertEqual(Set(kinds), [.installValues, .injectionPath, .gatewayInstallValues, .gatewayLabel, .gatewayNetworkView, .namespaceLabel])
        XCTAssertEqual(kinds.count, 10)
        XCTAssertFalse(g.identity.networkClaims[0].contains { $0.value == "external" || $0.value == "other" })
        XCTAssertEqual(g.identity.network(0), "n1")
        XCTAssertEqual(g.identity.injectionPaths[0]?.cluster, "c")
        XCTAssertEqual(g.identity.names.resolve("c").resolution, .clusterName, "the injection path names the remote")
    }

    func testNetworkConsensusVotesPerDocumentAndBreaksTiesByOtherClusters() {
        let iop = { (net: String) in "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    global:\n      network: \(net)\n" }
        let ns = { (net: String) in "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n  labels:\n    topology.istio.io/network: \(net)\n" }
        let ew = """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            spec:
              profile: empty
              components:
                ingressGateways:
                - name: istio-eastwestgateway
                  label: {topology.istio.io/network: network1}
                  k8s:
                    env: [{name: ISTIO_META_REQUESTED_NETWORK_VIEW, value: network1}]
              values: {global: {network: network1}}
            """
        let g = graph([
            "a/iop.yaml": iop("network1"),
            "b/iop.yaml": iop("network2"), "b/ns.yaml": ns("network2"), "b/ew.yaml": ew,
            "c/iop.yaml": iop("network1"), "c/ns.yaml": ns("network-1"),
        ])
        XCTAssertEqual(g.identity.network(1), "network2", "two documents beat one document with three claims")
        XCTAssertEqual(g.identity.networks[1].dissenters.count, 3)
        XCTAssertEqual(g.identity.network(2), "network1", "a tie goes to the name other clusters use")
        XCTAssertEqual(g.identity.networks[2].dissenters.map(\.kind), [.namespaceLabel])
    }

    func testAPIServerHostOfASCIIBytesMatchesCharacterSearch() {
        let endpoints = [
            "https://10.0.3.10:6443", " 'https://API.Example.com:6443/x' ", "\"host\"", "https://u:p@h.example:443",
            "https://[fd00::1]:6443/path", "[fd00::1", "[]:443", "https://", "://", "", "  ", "fd00::1", "a:b:c",
            "host:", ":6443", "tcp://a@b@c:1", "https:///path", "HTTPS://LOCALHOST", "x://y://z:1", "h\t",
            "https://münchen.example:6443", "https://é/", "https://ex\u{301}ample:1",
        ]
        for e in endpoints {
            XCTAssertEqual(APIServers.host(of: e), APIServers.hostCharacterwise(e), e)
        }
    }

    func testAPIServerAddressesTraceKubeconfigServers() throws {
        XCTAssertEqual(APIServers.host(of: "https://10.0.3.10:6443"), "10.0.3.10")
        XCTAssertEqual(APIServers.host(of: "https://[fd00::1]:6443/path"), "fd00::1")
        XCTAssertEqual(APIServers.host(of: "API.example.com:6443"), "api.example.com")
        XCTAssertEqual(APIServers.host(of: "fd00::1"), "fd00::1")
        let g = graph([
            "a/apiserver.yaml": """
                apiVersion: v1
                kind: Pod
                metadata: {name: kube-apiserver-node1, namespace: kube-system}
                spec:
                  containers:
                  - name: kube-apiserver
                    command: [kube-apiserver, --advertise-address=10.0.1.10, --secure-port=6443]
                """,
            "b/kubeadm.yaml": """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: kubeadm-config, namespace: kube-system}
                data:
                  ClusterConfiguration: |
                    apiVersion: kubeadm.k8s.io/v1beta3
                    kind: ClusterConfiguration
                    controlPlaneEndpoint: b-api.example.com:6443
                """,
            "c/kind.yaml": "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  apiServerAddress: 127.0.0.1\n",
        ])
        XCTAssertEqual(g.identity.cluster(servingAPIAt: "https://10.0.1.10:6443")?.cluster, 0)
        let b = try XCTUnwrap(g.identity.cluster(servingAPIAt: "https://B-API.example.com:6443"))
        XCTAssertEqual(b.cluster, 1)
        XCTAssertEqual(b.address.node.line, 8, "located inside the embedded ClusterConfiguration")
        XCTAssertNil(g.identity.cluster(servingAPIAt: "https://127.0.0.1:6443"), "loopback names no cluster")
    }

    // MARK: Model, versions, placeholders

    func testDeploymentModel() {
        let se = "apiVersion: networking.istio.io/v1alpha3\nkind: ServiceEntry\nmetadata: {name: x}\nspec:\n  hosts: [httpbin.bar.global]\n"
        let replicated = graph(["a/se.yaml": se, "b/x.yaml": ""])
        XCTAssertFalse(replicated.identity.usesEndpointDiscovery)
        XCTAssertEqual(replicated.identity.models, [[.replicatedGateways], []])
        XCTAssertEqual(replicated.identity.models[0].names, ["replicated-gateways"])
        let secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: istio-remote-secret-b}\nstringData: {b: x}\n"
        let both = graph(["a/se.yaml": se, "a/s.yaml": secret, "b/x.yaml": ""])
        XCTAssertEqual(both.identity.models, [[.endpointDiscovery, .replicatedGateways], [.endpointDiscovery]])
        let roles = graph(["meshlint.yaml": "apiVersion: meshlint/v1\nkind: ConfigSet\nclusters:\n- name: a\n  paths: [\"a/**\"]\n  role: primary\n", "a/x.yaml": ""], manifest: "meshlint.yaml")
        XCTAssertTrue(roles.identity.usesEndpointDiscovery, "a declared role means endpoint discovery")
    }

    func testVersionsAndPlaceholders() {
        XCTAssertTrue(IdentityGraph.parseVersion("1.6.13")! == (1, 6))
        XCTAssertTrue(IdentityGraph.parseVersion("1.22.3-distroless")! == (1, 22))
        XCTAssertTrue(IdentityGraph.parseVersion("release-1.8-dev")! == (1, 8))
        XCTAssertNil(IdentityGraph.parseVersion("latest"))
        XCTAssertTrue(Placeholder.isTemplate("${MAIN_CLUSTER_NAME}"))
        XCTAssertTrue(Placeholder.isTemplate("{{ .Values.clusterName }}"))
        XCTAssertTrue(Placeholder.isTemplate("N2_REGISTRY_TOKEN"))
        XCTAssertTrue(Placeholder.isTemplate("<cluster-name>"))
        XCTAssertFalse(Placeholder.isTemplate("Cluster_2"))
        XCTAssertFalse(Placeholder.isTemplate("Kubernetes"))
        XCTAssertFalse(Placeholder.isTemplate("cluster2"))
    }
}
