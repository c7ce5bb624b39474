import XCTest
@testable import MeshLintCore

/// Graph/Identity/RemoteSecretDefects: server host classification and the per-secret checks
/// (parsing, positions inside `|` blocks and base64, credentials, own cluster, namespace).
final class RemoteSecretDefectsTests: XCTestCase {
    func graph(_ files: [String: String]) -> MeshGraph {
        let set = ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: files.map { ($0.key, $0.value) })
        return MeshGraph(set: set)
    }

    func kinds(_ g: MeshGraph) -> [String] {
        g.remoteSecretDefects().map { d in
            let k: String
            switch d.kind {
            case .wrongNamespace: k = "namespace"
            case .ownCluster: k = "own"
            case .undecodable: k = "undecodable"
            case .empty: k = "empty"
            case .malformed: k = "malformed"
            case .noServer: k = "noServer"
            case .loopbackServer: k = "loopback"
            case .inClusterServer: k = "inCluster"
            case .serverInTargetRange(_, _, let r): k = "range:\(r.role.rawValue)"
            case .noCredentials: k = "noCredentials"
            }
            return "\(k)@\(d.location.line):\(d.location.column)"
        }
    }

    static let iop1 = "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    global:\n      multiCluster:\n        clusterName: c1\n"
    static let iop2 = "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    global:\n      multiCluster:\n        clusterName: c2\n"

    static func secret(key: String = "c2", user: String = "user: {token: T}", server: String = "server: https://203.0.113.9:6443",
                       namespace: String = "istio-system") -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-\(key)
          namespace: \(namespace)
        stringData:
          \(key): |
            apiVersion: v1
            kind: Config
            clusters:
            - cluster:
                \(server)
              name: x
            contexts:
            - context: {cluster: x, user: x}
              name: x
            users:
            - name: x
              \(user)
        """
    }

    func testLoopbackHosts() {
        for h in ["127.0.0.1", "127.1.2.3", "localhost", "localhost.", "api.localhost", "::1", "0.0.0.0", "::", "::ffff:127.0.0.1"] {
            XCTAssertNotNil(KubeconfigServerHost.loopback(h), h)
        }
        for h in ["128.0.0.1", "126.255.255.255", "172.18.0.2", "localhost.example.com", "::2", "::ffff:10.0.0.1", "kubernetes.docker.internal"] {
            XCTAssertNil(KubeconfigServerHost.loopback(h), h)
        }
        XCTAssertEqual(APIServers.host(of: "https://[::1]:6443"), "::1")
        XCTAssertEqual(APIServers.host(of: "https://LocalHost:6443/"), "localhost")
        XCTAssertTrue(KubeconfigServerHost.isInClusterName("kubernetes.default.svc.cluster.local"))
        XCTAssertFalse(KubeconfigServerHost.isInClusterName("kubernetes.example.com"))
    }

    func testServerPositionsInsideTheBlock() {
        let g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2,
                       "c1/s.yaml": Self.secret(server: "server: https://127.0.0.1:40000")])
        XCTAssertEqual(kinds(g), ["loopback@12:17"])
        XCTAssertEqual(g.remoteSecretDefects().first?.fieldPath, "stringData.c2.clusters[0].cluster.server")
        XCTAssertEqual(g.remoteSecretDefects().first?.target, 1)
        // CRLF keeps the positions.
        let crlf = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2,
                          "c1/s.yaml": Self.secret(server: "server: https://127.0.0.1:40000").replacingOccurrences(of: "\n", with: "\r\n")])
        XCTAssertEqual(kinds(crlf), ["loopback@12:17"])
    }

    func testCredentials() {
        func check(_ user: String, _ expected: [String], line: UInt = #line) {
            let g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2, "c1/s.yaml": Self.secret(user: user)])
            XCTAssertEqual(kinds(g), expected, user, line: line)
        }
        check("user: {token: PLACEHOLDER_SERVICE_ACCOUNT_TOKEN}", [])
        check("user: {token: <token>}", [])
        check("user: {tokenFile: /var/run/secrets/token}", [])
        check("user: {client-certificate-data: Q0VSVA==, client-key-data: S0VZ}", [])
        check("user: {token: \"\"}", ["noCredentials@19:13"])
        check("user: {}", ["noCredentials@19:13"])
        check("user: {username: admin}", ["noCredentials@19:13"])
    }

    func testServersThatAreMissingEmptyOrTemplated() {
        var g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2,
                       "c1/s.yaml": Self.secret(server: "certificate-authority-data: Q0E=")])
        XCTAssertEqual(kinds(g), ["noServer@11:7"])
        g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2, "c1/s.yaml": Self.secret(server: "server: \"\"")])
        XCTAssertEqual(kinds(g), ["noServer@12:17"])
        g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2, "c1/s.yaml": Self.secret(server: "server: https://${CLUSTER2_API}:6443")])
        XCTAssertEqual(kinds(g), [])
        g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2, "c1/s.yaml": Self.secret(server: "server: https://kubernetes.default.svc")])
        XCTAssertEqual(kinds(g), ["inCluster@12:17"])
    }

    func testMalformedUndecodableAndEmptyValues() {
        let bad = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-c2
              namespace: istio-system
            stringData:
              c2: |
                clusters:
                - cluster: {server: "https://203.0.113.9:6443"
                  name: x
            data:
              c3: not*base64
              c4: ""
              c5:
            """
        let g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2, "c1/s.yaml": bad])
        let k = kinds(g)
        XCTAssertEqual(k.count, 4, "\(k)")
        XCTAssertTrue(k[0].hasPrefix("malformed@1"), "\(k)")
        XCTAssertEqual(Array(k.dropFirst()), ["undecodable@12:7", "empty@13:3", "empty@14:3"])
        // base64 kubeconfig: positions fall back to the data value.
        let kc = "apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: \"https://localhost:6443\"}\n  name: x\nusers:\n- name: x\n  user: {token: T}\n"
        let b64 = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2,
                         "c1/s.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: c2\n  namespace: istio-system\n  labels: {istio/multiCluster: \"true\"}\ndata:\n  c2: \(IdentityGraphTests.b64(kc))\n"])
        XCTAssertEqual(kinds(b64), ["loopback@8:7"])
    }

    func testOwnClusterAndNamespace() {
        var g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2, "c1/s.yaml": Self.secret(key: "c1")])
        XCTAssertEqual(kinds(g), ["own@7:3"])
        // By directory name when the cluster has no clusterName.
        g = graph(["main/values.yaml": "global:\n  tag: 1.4.10\n", "main/s.yaml": Self.secret(key: "main")])
        XCTAssertEqual(kinds(g), ["own@7:3"])
        g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2, "c1/s.yaml": Self.secret(namespace: "default")])
        XCTAssertEqual(kinds(g), ["namespace@5:14"])
        // A custom Istio namespace is honoured.
        let custom = Self.iop1 + "      istioNamespace: istio-control\n"
        g = graph(["c1/iop.yaml": custom, "c2/iop.yaml": Self.iop2, "c1/s.yaml": Self.secret(namespace: "istio-control")])
        XCTAssertEqual(kinds(g), [])
        // A shared file is checked per cluster: the own-cluster key differs per holder.
        g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2, "secrets.yaml": Self.secret(key: "c1") + "\n---\n" + Self.secret(key: "c2")])
        XCTAssertEqual(Set(g.remoteSecretDefects().map { "\(g.name($0.holder)) \($0.location.line)" }), ["c1 7", "c2 27"])
    }

    func testServerInsideTheTargetRanges() {
        let kind2 = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  podSubnet: 10.20.0.0/16\n  serviceSubnet: 10.255.20.0/24\n"
        func defects(_ server: String, net1: String, net2: String) -> [String] {
            let g = graph(["c1/iop.yaml": Self.iop1 + "      network: \(net1)\n", "c2/iop.yaml": Self.iop2 + "      network: \(net2)\n",
                           "c2/kind.yaml": kind2, "c1/s.yaml": Self.secret(server: "server: https://\(server):6443")])
            return kinds(g)
        }
        XCTAssertEqual(defects("10.255.20.1", net1: "n1", net2: "n1"), ["range:service@12:17"])
        XCTAssertEqual(defects("10.20.0.5", net1: "n1", net2: "n2"), ["range:pod@12:17"])
        XCTAssertEqual(defects("10.20.0.5", net1: "n1", net2: "n1"), [], "pod IPs are routed on one network")
        XCTAssertEqual(defects("172.18.0.3", net1: "n1", net2: "n1"), [])
    }

    func testLabelledSecretOutsideTheIstioNamespaceIsARemoteSecret() {
        let kc = "apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: \"https://203.0.113.9:6443\"}\n  name: c2\ncontexts:\n- context: {cluster: c2, user: c2}\n  name: c2\nusers:\n- name: c2\n  user: {token: T}\n"
        func secret(labelled: Bool) -> String {
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: c2\n  namespace: default\n"
                + (labelled ? "  labels:\n    istio/multiCluster: \"true\"\n" : "") + "type: Opaque\ndata:\n  c2: \(IdentityGraphTests.b64(kc))\n"
        }
        var g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2, "c1/s.yaml": secret(labelled: true)])
        XCTAssertEqual(kinds(g), ["namespace@5:14"])
        XCTAssertEqual(g.identity.remoteSecretEdges.map(\.target), [1])
        g = graph(["c1/iop.yaml": Self.iop1, "c2/iop.yaml": Self.iop2, "c1/s.yaml": secret(labelled: false)])
        XCTAssertEqual(g.identity.remoteSecrets.count, 0, "an unlabelled kubeconfig elsewhere belongs to another tool")
    }

    func testSecretTargetsKeepTheLowestAndWhetherItIsTheOnlyOne() {
        var t = SecretTargets()
        XCTAssertNil(t.lowest)
        XCTAssertNil(t.only)
        t.add(5)
        t.add(5)
        XCTAssertEqual(t.lowest, 5)
        XCTAssertEqual(t.only, 5, "one target written twice is still the only one")
        t.add(3)
        XCTAssertEqual(t.lowest, 3)
        XCTAssertNil(t.only)
        t.add(5)
        t.add(3)
        XCTAssertEqual(t.lowest, 3)
        XCTAssertNil(t.only, "never the only one again")
    }
}
