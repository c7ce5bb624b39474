import XCTest
@testable import MeshLintCore

/// Sail Operator `Istio` resources read as installs: values, profile, version, namespace,
/// revision, no gateways of their own, and the external control plane they can describe.
final class SailInstallTests: XCTestCase {
    func graph(_ files: [String: String]) -> MeshGraph {
        let set = ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: files.map { ($0.key, $0.value) })
        return MeshGraph(set: set)
    }

    static func istio(name: String = "default", spec: String) -> String {
        "apiVersion: sailoperator.io/v1\nkind: Istio\nmetadata:\n  name: \(name)\nspec:\n" + spec
    }

    func testIstioResourceIsTheClustersInstall() throws {
        let g = graph(["east/istio.yaml": Self.istio(spec: """
              version: v1.26.0
              namespace: istio-control
              profile: ambient
              values:
                global:
                  meshID: mesh1
                  istioNamespace: ignored-by-sail
                  multiCluster:
                    clusterName: east
                  network: net-east
                pilot:
                  env:
                    AMBIENT_ENABLE_MULTI_NETWORK: "true"
            """)])
        let f = g.facts[0]
        XCTAssertEqual(f.installs.map(\.kind), [.sailIstio])
        XCTAssertEqual(f.installs.first?.label, "Sail Istio default")
        XCTAssertEqual(f.clusterName.value, "east")
        XCTAssertEqual(f.clusterName.primary?.source, "Sail Istio default spec.values.global.multiCluster.clusterName")
        XCTAssertEqual(f.network.value, "net-east")
        XCTAssertEqual(f.meshID.value, "mesh1")
        XCTAssertEqual(f.istioNamespace, "istio-control", "the operator writes spec.namespace over values.global.istioNamespace")
        XCTAssertEqual(f.istioRelease, IstioVersion(major: 1, minor: 26))
        XCTAssertEqual(f.profile.value, "ambient")
        XCTAssertEqual(f.role, .primary)
        XCTAssertTrue(g.dataPlane(0).hasAmbient)
        XCTAssertEqual(f.istiodEnv["AMBIENT_ENABLE_MULTI_NETWORK"]?.first?.value, "true")
        XCTAssertEqual(f.istiodEnv["AMBIENT_ENABLE_MULTI_NETWORK"]?.first?.fieldPath, "spec.values.pilot.env.AMBIENT_ENABLE_MULTI_NETWORK")
    }

    func testOnlyTheSailGroupCounts() {
        let other = "apiVersion: example.com/v1\nkind: Istio\nmetadata:\n  name: default\nspec:\n  values:\n    global:\n      multiCluster:\n        clusterName: east\n"
        XCTAssertTrue(graph(["east/istio.yaml": other]).facts[0].installs.isEmpty)
    }

    func testRemoteProfileMakesARemote() {
        let g = graph(["west/istio.yaml": Self.istio(spec: """
              profile: remote
              values:
                istiodRemote:
                  injectionPath: /inject/cluster/west/net/net-west
                global:
                  remotePilotAddress: 192.0.2.10
            """)])
        XCTAssertEqual(g.facts[0].role, .remote)
    }

    func testRevisionIsTheResourcesName() {
        func revisions(_ name: String, _ spec: String) -> [String] {
            let g = graph(["east/istio.yaml": Self.istio(name: name, spec: spec)])
            return g.controlPlane.clusters[0].revisions.map(\.value)
        }
        XCTAssertEqual(revisions("default", "  namespace: istio-system\n"), [""], "a revision named default is installed as the empty one")
        XCTAssertEqual(revisions("canary", "  namespace: istio-system\n"), ["canary"])
        XCTAssertEqual(revisions("canary", "  updateStrategy:\n    type: InPlace\n"), ["canary"])
        XCTAssertEqual(revisions("default", "  version: v1.26.0\n  updateStrategy:\n    type: RevisionBased\n"), ["default-v1-26-0"])
    }

    func testRevisionTagsPointAtTheirTargetsRevision() {
        let tag = { (name: String, kind: String, target: String) in
            "apiVersion: sailoperator.io/v1\nkind: IstioRevisionTag\nmetadata:\n  name: \(name)\nspec:\n  targetRef:\n    kind: \(kind)\n    name: \(target)\n"
        }
        let g = graph([
            "east/istio.yaml": Self.istio(spec: "  version: v1.26.0\n  updateStrategy:\n    type: RevisionBased\n"),
            "east/tags.yaml": tag("prod", "Istio", "default") + "---\n" + tag("old", "IstioRevision", "default-v1-25-0")
                + "---\n" + tag("ghost", "Istio", "missing"),
        ])
        let cp = g.controlPlane.clusters[0]
        XCTAssertTrue(cp.knows(revision: "prod"))
        XCTAssertEqual(Set(cp.revisionTags.map(\.value)), ["prod", "old", "ghost"])
        XCTAssertEqual(cp.tagTargets.map { "\($0.tag.value)->\($0.revision)" }, ["prod->default-v1-26-0", "old->default-v1-25-0"],
                       "a tag whose Istio the set does not hold has no known target")
    }

    func testInstallsNoIngressGatewayOfItsOwn() {
        let g = graph(["east/istio.yaml": Self.istio(spec: """
              values:
                gateways:
                  istio-ingressgateway:
                    enabled: true
                    ports:
                    - port: 15443
                      name: tls
            """)])
        XCTAssertEqual(g.ingress.workloads[0].map(\.name), [], "Sail installs gateways apart from the Istio resource")
    }

    /// An `Istio` in the namespace of the `istio-kubeconfig` Secret runs the external control
    /// plane of another cluster: its clusterName and network are that cluster's.
    func testExternalControlPlaneValuesAreNotTheHostsOwn() {
        let g = graph([
            "ext/istio.yaml": Self.istio(spec: "  namespace: istio-system\n  values:\n    global:\n      network: net-ext\n"),
            "ext/external.yaml": Self.istio(name: "external-istiod", spec: """
                  namespace: external-istiod
                  profile: empty
                  values:
                    pilot:
                      enabled: true
                    global:
                      multiCluster:
                        clusterName: remote1
                      network: net-remote
                """),
            "ext/kubeconfig.yaml": """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: istio-kubeconfig
                  namespace: external-istiod
                  annotations:
                    networking.istio.io/cluster: remote1
                stringData:
                  config: "apiVersion: v1\\nkind: Config\\n"
                """,
            "remote1/istio.yaml": Self.istio(name: "external-istiod", spec: """
                  namespace: external-istiod
                  profile: remote
                  values:
                    istiodRemote:
                      injectionPath: /inject/cluster/remote1/net/net-remote
                    global:
                      remotePilotAddress: 192.0.2.10
                      configCluster: true
                """),
        ])
        let ext = g.set.clusters.first { $0.name == "ext" }!.index
        XCTAssertNil(g.facts[ext].clusterName.value)
        XCTAssertEqual(g.facts[ext].network.sources.map(\.value), ["net-ext"])
        XCTAssertEqual(Set(g.controlPlane.clusters[ext].revisions.map(\.value)), ["", "external-istiod"])
    }

    /// ztunnel states its own cluster ID and network (Sail `ZTunnel`, istio/ztunnel chart values,
    /// with or without `global:`); both are read after the control plane's.
    func testZtunnelValuesStateTheClusterIDAndNetwork() {
        let g = graph([
            "east/istio.yaml": Self.istio(spec: "  values:\n    global:\n      multiCluster:\n        clusterName: east\n      network: n1\n"),
            "east/ztunnel.yaml": """
                apiVersion: sailoperator.io/v1
                kind: ZTunnel
                metadata:
                  name: default
                spec:
                  values:
                    ztunnel:
                      multiCluster:
                        clusterName: east-x
                      network: n2
                """,
            "east/ztunnel-values.yaml": "multiCluster:\n  clusterName: east-y\nnetwork: n3\n",
        ])
        let f = g.facts[0]
        XCTAssertEqual(f.clusterName.sources.map(\.value), ["east", "east-y", "east-x"])
        XCTAssertEqual(f.clusterName.sources.map { ZtunnelValues.isZtunnelStatement($0) }, [false, true, true])
        XCTAssertEqual(Set(g.identity.networks[0].claims.map(\.value)), ["n1", "n2", "n3"])
        XCTAssertTrue(g.set.unrecognized.allSatisfy(g.readsAsValues), "ztunnel chart values without global: are read, not skipped")
    }
}
