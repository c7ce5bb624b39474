import XCTest
@testable import MeshLintCore

/// Graph/Identity/DiscoveryPlan: control-plane roles, each remote's primary, multi-primary
/// detection and which remote secrets each primary must hold, across deployment models.
final class DiscoveryPlanTests: XCTestCase {
    func graph(_ files: [String: String], manifest: String? = nil) -> MeshGraph {
        let set = ConfigSetLoader(options: LoadOptions(manifestPath: manifest, parallel: false))
            .load(documents: files.map { ($0.key, $0.value) })
        return MeshGraph(set: set)
    }

    static func iop(_ name: String, network: String? = nil, extra: String = "", profile: String? = nil, tag: String? = nil,
                    gatewaysGlobal: Bool = false) -> String {
        var s = "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n"
        if let p = profile { s += "  profile: \(p)\n" }
        if let t = tag { s += "  tag: \(t)\n" }
        s += "  values:\n    global:\n      multiCluster:\n        clusterName: \(name)\n"
        if gatewaysGlobal { s += "        enabled: true\n" }
        if let n = network { s += "      network: \(n)\n" }
        return s + extra
    }

    static func secret(_ key: String, name: String? = nil, server: String = "https://203.0.113.99:6443", namespace: String = "istio-system") -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata:
          labels:
            istio/multiCluster: "true"
          name: \(name ?? "istio-remote-secret-\(key)")
          namespace: \(namespace)
        stringData:
          \(key): |
            apiVersion: v1
            kind: Config
            clusters:
            - cluster: {server: "\(server)"}
              name: \(key)
            contexts:
            - context:
                cluster: \(key)
                user: \(key)
              name: \(key)
            users:
            - name: \(key)
              user: {token: PLACEHOLDER_TOKEN}
        ---

        """
    }

    /// "holder→target" for every missing requirement, by cluster name.
    func missing(_ g: MeshGraph) -> [String] {
        g.set.clusters.indices.flatMap { p in g.discovery.missing(from: p).map { "\(g.name(p))→\(g.name($0.target))" } }
    }

    func testNoEndpointDiscoveryNoRequirements() {
        let g = graph([
            "a/iop.yaml": Self.iop("a", gatewaysGlobal: true),
            "b/iop.yaml": Self.iop("b"),
        ])
        XCTAssertFalse(g.identity.usesEndpointDiscovery)
        XCTAssertEqual(g.discovery.roles.map { $0?.kind }, [nil, nil])
        XCTAssertEqual(missing(g), [])
    }

    func testMultiPrimaryRequiresEveryPair() {
        let g = graph([
            "c1/iop.yaml": Self.iop("c1"), "c1/s.yaml": Self.secret("c2") + Self.secret("c3"),
            "c2/iop.yaml": Self.iop("c2"), "c2/s.yaml": Self.secret("c1"),
            "c3/iop.yaml": Self.iop("c3"),
        ])
        XCTAssertTrue(g.discovery.isMultiPrimary)
        XCTAssertEqual(g.discovery.roles.map { $0?.kind }, [.primary, .primary, .primary])
        XCTAssertEqual(missing(g), ["c2→c3", "c3→c1", "c3→c2"])
        XCTAssertEqual(g.discovery.requirements[0].map(\.reason), [.multiPrimary, .multiPrimary])
    }

    func testPrimaryRemoteByAnnotationAndRemoteHoldsNothing() {
        let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n  annotations:\n    topology.istio.io/controlPlaneClusters: c1\n"
        let g = graph([
            "c1/iop.yaml": Self.iop("c1", extra: "      externalIstiod: true\n"),
            "c2/iop.yaml": Self.iop("c2", profile: "remote"),
            "c2/ns.yaml": ns,
        ])
        XCTAssertEqual(g.discovery.roles.map { $0?.kind }, [.primary, .remote])
        XCTAssertEqual(g.discovery.controlPlanes[1].map(\.primary), [0])
        XCTAssertFalse(g.discovery.isMultiPrimary)
        XCTAssertEqual(missing(g), ["c1→c2"])
        XCTAssertEqual(g.discovery.requirements[1].count, 0, "a remote needs no secrets")
    }

    func testRemotePilotAddressResolvesThroughGatewayAddressOrPodCIDR() {
        // Two separate primary-remote pairs in one set: each remote belongs to the primary its
        // remotePilotAddress names (a manifest gateway address; a Pilot pod IP in the pod CIDR).
        let manifest = """
            apiVersion: meshlint/v1
            kind: ConfigSet
            clusters:
            - name: p1
              paths: ["p1/**"]
              gatewayAddresses: ["203.0.113.10"]
            - name: r1
              paths: ["r1/**"]
            - name: p2
              paths: ["p2/**"]
              podCIDRs: ["10.32.0.0/12"]
            - name: r2
              paths: ["r2/**"]
            """
        let g = graph([
            "meshlint.yaml": manifest,
            "p1/iop.yaml": Self.iop("p1"), "p1/s.yaml": Self.secret("r1"),
            "r1/iop.yaml": Self.iop("r1", extra: "      remotePilotAddress: 203.0.113.10\n", profile: "remote"),
            "p2/values.yaml": "global:\n  tag: 1.4.10\n  multiCluster:\n    clusterName: p2\n",
            "r2/values.yaml": "global:\n  tag: 1.4.10\n  istioRemote: true\n  remotePilotAddress: 10.32.3.27\n  multiCluster:\n    clusterName: r2\n",
        ], manifest: "meshlint.yaml")
        XCTAssertEqual(g.discovery.roles.map { $0?.kind }, [.primary, .remote, .primary, .remote])
        XCTAssertEqual(g.discovery.controlPlanes[1].map(\.primary), [0])
        XCTAssertEqual(g.discovery.controlPlanes[3].map(\.primary), [2])
        XCTAssertTrue(g.discovery.controlPlanes[3][0].reason.contains("pod CIDR 10.32.0.0/12"), g.discovery.controlPlanes[3][0].reason)
        XCTAssertFalse(g.discovery.isMultiPrimary, "the primaries hold no secrets for each other")
        XCTAssertEqual(missing(g), ["p2→r2"])
    }

    func testMultiPrimaryWithARemoteNeedsItEverywhere() {
        let g = graph([
            "p1/iop.yaml": Self.iop("p1"), "p1/s.yaml": Self.secret("p2") + Self.secret("r"),
            "p2/iop.yaml": Self.iop("p2"), "p2/s.yaml": Self.secret("p1"),
            "r/iop.yaml": Self.iop("r", extra: "      remotePilotAddress: 198.51.100.7\n", profile: "remote"),
        ])
        XCTAssertTrue(g.discovery.isMultiPrimary)
        XCTAssertEqual(missing(g), ["p2→r"])
    }

    func testRemoteWithoutStatedPrimaryIsReportedOnce() {
        let g = graph([
            "p1/iop.yaml": Self.iop("p1"), "p1/s.yaml": Self.secret("r1"),
            "p2/iop.yaml": Self.iop("p2"),
            "r1/iop.yaml": Self.iop("r1", profile: "remote"),
            "r2/iop.yaml": Self.iop("r2", profile: "remote"),
        ])
        XCTAssertFalse(g.discovery.isMultiPrimary)
        XCTAssertEqual(missing(g), ["p1→r2"])
        XCTAssertEqual(g.discovery.missing(from: 0).first?.reason, .remoteWithoutStatedPrimary)
    }

    func testLegacyIstioRemoteIsARemote() {
        let g = graph([
            "main/values.yaml": "global:\n  tag: 1.4.10\n  multiCluster:\n    clusterName: main\nmixer:\n  policy:\n    enabled: true\n",
            "remote/values.yaml": "global:\n  istioRemote: true\n  multiCluster:\n    clusterName: remote\n",
        ])
        XCTAssertEqual(g.discovery.roles.map { $0?.kind }, [.primary, .remote])
        XCTAssertEqual(g.discovery.roles[1]?.source, "Helm values remote/values.yaml global.istioRemote: true")
        XCTAssertEqual(missing(g), ["main→remote"])
    }

    func testUnresolvedKeyIsNotCoverageButANearMiss() {
        let g = graph([
            "main/iop.yaml": Self.iop("main"), "main/s.yaml": Self.secret("remote-2", name: "remote-2"),
            "remote2/iop.yaml": Self.iop("remote2", profile: "remote"),
        ])
        let m = g.discovery.missing(from: 0)
        XCTAssertEqual(m.map(\.target), [1])
        XCTAssertEqual(m.first?.nearMisses.map(\.name.value), ["remote-2"])
    }

    func testSecretForItselfDoesNotCoverAnother() {
        let g = graph([
            "c1/iop.yaml": Self.iop("c1"), "c1/s.yaml": Self.secret("c1"),
            "c2/iop.yaml": Self.iop("c2"), "c2/s.yaml": Self.secret("c1"),
        ])
        XCTAssertEqual(missing(g), ["c1→c2"])
    }

    func testAmbiguousKeyCoversEveryTwin() {
        // Both c2 and c3 say clusterName "dup" (MC301); the key "dup" covers both.
        let g = graph([
            "c1/iop.yaml": Self.iop("c1"), "c1/s.yaml": Self.secret("dup"),
            "c2/iop.yaml": Self.iop("dup"), "c2/s.yaml": Self.secret("c1"),
            "c3/iop.yaml": Self.iop("dup"), "c3/s.yaml": Self.secret("c1"),
        ])
        XCTAssertEqual(missing(g).filter { $0.hasPrefix("c1") }, [])
    }

    func testPlaceholderKeysAndRegistryAliasesCount() {
        // 1.5–1.7 docs verbatim: placeholder key for a concrete remote name.
        var g = graph([
            "main/iop.yaml": Self.iop("main"),
            "main/s.yaml": Self.secret("${REMOTE_CLUSTER_NAME}", name: "remote-secret"),
            "remote/iop.yaml": Self.iop("remote", extra: "      remotePilotAddress: ${ISTIOD_REMOTE_EP}\n"),
        ])
        XCTAssertEqual(g.discovery.roles.map { $0?.kind }, [.primary, .remote])
        XCTAssertEqual(missing(g), [])
        // 1.1–1.4 split horizon: key n2-k8s-config is meshNetworks' registry for network2.
        g = graph([
            "main/values.yaml": """
                global:
                  tag: 1.4.10
                  network: network1
                  meshNetworks:
                    network2:
                      endpoints:
                      - fromRegistry: n2-k8s-config
                      gateways:
                      - address: 198.51.100.20
                        port: 443
                """,
            "main/s.yaml": Self.secret("n2-k8s-config", name: "n2-k8s-secret"),
            "n2/values.yaml": "global:\n  tag: 1.4.10\n  istioRemote: true\n  network: network2\n",
            "n3/values.yaml": "global:\n  tag: 1.4.10\n  istioRemote: true\n  network: network3\n",
        ])
        XCTAssertEqual(missing(g), ["main→n3"], "the alias stands for n2, the only cluster on network2")
    }

    func testGlobalGatewayClusterInAMixedSetIsNotRequired() {
        let se = """
            apiVersion: networking.istio.io/v1alpha3
            kind: ServiceEntry
            metadata:
              name: httpbin-bar
            spec:
              hosts: [httpbin.bar.global]
              location: MESH_INTERNAL
              resolution: DNS
              endpoints:
              - address: 203.0.113.50
                ports: {http1: 15443}
            """
        let g = graph([
            "c1/iop.yaml": Self.iop("c1"), "c1/s.yaml": Self.secret("c2"),
            "c2/iop.yaml": Self.iop("c2"), "c2/s.yaml": Self.secret("c1"),
            "legacy/iop.yaml": Self.iop("legacy", gatewaysGlobal: true),
            "legacy/se.yaml": se,
        ])
        XCTAssertEqual(g.discovery.participates, [true, true, false])
        XCTAssertEqual(missing(g), [])
    }
}
