import Foundation
import XCTest
@testable import MeshLint

/// MC406, MC901, MC902, MC903 and the control-plane facts they read (Graph/ControlPlane).
final class ControlPlaneRulesTests: XCTestCase {
    static let codes = ["MC406", "MC901", "MC902", "MC903"]

    func lint(_ files: [(String, String)], only: [String] = codes) -> LintReport {
        try! Linter(only: only).lint(documents: files, options: LoadOptions(parallel: false))
    }

    func positions(_ report: LintReport) -> [String] {
        report.findings.map { "\($0.rule) \($0.severity.rawValue) \($0.file):\($0.line):\($0.column)" }
    }

    static let primary = ("cluster1/istio-operator.yaml", """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        spec:
          tag: 1.24.2
          values:
            global:
              externalIstiod: true
              meshID: mesh1
              multiCluster:
                clusterName: cluster1
              network: network1
        """)

    static func remote(address: String = "192.0.2.10", injection: String = "injectionPath: /inject/cluster/cluster2/net/network1",
                       extra: String = "") -> (String, String) {
        ("cluster2/istio-operator.yaml", """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            spec:
              profile: remote\(extra)
              values:
                istiodRemote:
                  \(injection)
                global:
                  remotePilotAddress: \(address)
            """)
    }

    static func namespace(annotation: String?) -> (String, String) {
        ("cluster2/namespace.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: istio-system
            """ + (annotation.map { "\n  annotations:\n    topology.istio.io/controlPlaneClusters: \"\($0)\"" } ?? ""))
    }

    // MARK: facts

    func testRemoteWiringAndVersionsAreRead() {
        let report = lint([Self.primary, Self.remote(extra: "\n  revision: canary\n  tag: 1.24.0"), Self.namespace(annotation: "cluster1")])
        let cp = report.graph.controlPlane.clusters
        XCTAssertNil(cp[0].remote)
        let w = try! XCTUnwrap(cp[1].remote)
        XCTAssertEqual(w.remotePilotAddress?.value, "192.0.2.10")
        XCTAssertEqual(w.injectionPath?.value, "/inject/cluster/cluster2/net/network1")
        XCTAssertNil(w.injectionURL)
        XCTAssertEqual(w.revision?.value, "canary")
        XCTAssertEqual(cp[0].revisions.map(\.value), [""])
        XCTAssertEqual(cp[1].revisions.map(\.value), ["canary"])
        XCTAssertEqual(cp[0].version.newestControlPlane?.version, IstioVersion(major: 1, minor: 24))
        XCTAssertEqual(cp[0].externalIstiod.count, 1)
        XCTAssertEqual(report.graph.controlPlanes(ofRemote: 1), [0])
        XCTAssertEqual(report.graph.remotes(of: 0), [1])
        XCTAssertEqual(report.graph.controlPlane.kinds, [.primary, .remote])
    }

    func testExternalControlPlaneKinds() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let set = root.appendingPathComponent("Corpus/control-plane-external-control-plane-ok").path
        let report = try Linter(only: Self.codes).lint(paths: [set], options: LoadOptions(parallel: false))
        let names = report.set.clusters.map(\.name)
        let kinds = Dictionary(uniqueKeysWithValues: zip(names, report.graph.controlPlane.kinds))
        XCTAssertEqual(kinds["external"], .externalControlPlane)
        XCTAssertEqual(kinds["remote1"], .configCluster)
        XCTAssertEqual(kinds["remote2"], .remote)
        let remote2 = try XCTUnwrap(names.firstIndex(of: "remote2"))
        let external = try XCTUnwrap(names.firstIndex(of: "external"))
        XCTAssertEqual(report.graph.istiodClusters(named: "remote1"), [external], "the config cluster's ID is the external istiod's")
        XCTAssertEqual(report.graph.istiodClusters(named: "external"), [], "the external istiod does not run with its own cluster's name")
        XCTAssertEqual(report.graph.controlPlanes(ofRemote: remote2), [external])
        // The JSON clusters[] entries say the same.
        let doc = try JSONSerialization.jsonObject(with: Data(JSONReporter.render(report).utf8)) as? [String: Any]
        let clusters = try XCTUnwrap(doc?["clusters"] as? [[String: Any]])
        let json = Dictionary(uniqueKeysWithValues: clusters.map { ($0["name"] as? String ?? "", $0["controlPlane"] as? String) })
        XCTAssertEqual(json, ["external": "external-control-plane", "remote1": "config-cluster", "remote2": "remote"])
    }

    func testRenderedVersionsAndTagsAreRead() {
        let report = lint([("c1/rendered.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: istiod-1-24
              namespace: istio-system
              labels:
                app: istiod
                istio.io/rev: 1-24
                helm.sh/chart: istiod-1.24.3
            spec:
              template:
                spec:
                  containers:
                  - name: discovery
                    image: docker.io/istio/pilot:1.24.3
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: istio-eastwestgateway
              namespace: istio-system
            spec:
              template:
                spec:
                  containers:
                  - name: istio-proxy
                    image: gcr.io/istio-release/proxyv2:1.23.1-distroless
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: MutatingWebhookConfiguration
            metadata:
              name: istio-revision-tag-prod-stable
              labels:
                istio.io/tag: prod-stable
                istio.io/rev: 1-24
            webhooks: []
            """)])
        let cp = report.graph.controlPlane.clusters[0]
        XCTAssertEqual(Set(cp.revisions.map(\.value)), ["1-24"])
        XCTAssertEqual(cp.revisionTags.map(\.value), ["prod-stable"])
        XCTAssertTrue(cp.knows(revision: "prod-stable"))
        XCTAssertFalse(cp.knows(revision: "1-23"))
        XCTAssertEqual(cp.version.controlPlane.map(\.version.description).sorted(), ["1.24", "1.24"])
        XCTAssertEqual(cp.version.newestDataPlane?.version, IstioVersion(major: 1, minor: 23))
    }

    func testInjectionTargetsThatNameTheCluster() {
        XCTAssertTrue(RemoteWiring.namesCluster("/inject/cluster/cluster2/net/network1"))
        XCTAssertTrue(RemoteWiring.namesCluster("https://istiod.example.com:15017/inject/cluster/remote1/net/network1"))
        XCTAssertTrue(RemoteWiring.namesCluster("/inject/:ENV:cluster=cluster2:ENV:net=network1"))
        XCTAssertFalse(RemoteWiring.namesCluster("/inject"))
        XCTAssertFalse(RemoteWiring.namesCluster("https://xxx:15017/inject"))
        XCTAssertTrue(RemoteWiring.isIPLiteral("34.75.71.237"))
        XCTAssertTrue(RemoteWiring.isIPLiteral("2001:db8::10"))
        XCTAssertFalse(RemoteWiring.isIPLiteral("istiod.example.com"))
    }

    // MARK: MC903

    func testAnnotationWildcardAndListsLeadTheRemote() {
        for a in ["cluster1", "*", "cluster-dr,cluster1"] {
            XCTAssertEqual(positions(lint([Self.primary, Self.remote(), Self.namespace(annotation: a)])), [], a)
        }
    }

    func testAnnotationNamingAnotherRemoteIsReported() {
        let third = ("cluster3/istio-operator.yaml", """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            spec:
              profile: remote
              values:
                istiodRemote:
                  injectionPath: /inject/cluster/cluster3/net/network1
                global:
                  remotePilotAddress: 192.0.2.10
            """)
        let got = positions(lint([Self.primary, Self.remote(), third, Self.namespace(annotation: "cluster3")], only: ["MC903"]))
        XCTAssertEqual(got, ["MC903 error cluster2/namespace.yaml:6:45"])
    }

    func testNoNamespaceInTheSetIsNotJudged() {
        XCTAssertEqual(positions(lint([Self.primary, Self.remote()])), [])
    }

    func testInjectionURLWithHostNameNeedsNoIPAddress() {
        let files = [Self.primary, Self.remote(address: "istiod.example.com",
                                               injection: "injectionURL: https://istiod.example.com:15017/inject/cluster/cluster2/net/network1"),
                     Self.namespace(annotation: "cluster1")]
        XCTAssertEqual(positions(lint(files)), [])
    }

    func testReleasesBefore111AreNotJudged() {
        let files = [Self.primary, Self.remote(injection: "injectionURL: \"\"", extra: "\n  tag: 1.9.5"), Self.namespace(annotation: nil)]
        XCTAssertEqual(positions(lint(files, only: ["MC903"])), [])
    }

    func testRenderedPrimaryWithoutExternalIstiodIsReportedAtItsEnv() {
        let istiod = ("cluster1/istiod.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: istiod
              namespace: istio-system
              labels:
                app: istiod
            spec:
              template:
                spec:
                  containers:
                  - name: discovery
                    image: docker.io/istio/pilot:1.24.2
                    env:
                    - name: CLUSTER_ID
                      value: cluster1
            """)
        let got = positions(lint([istiod, Self.remote(), Self.namespace(annotation: "cluster1")], only: ["MC903"]))
        XCTAssertEqual(got, ["MC903 error cluster1/istiod.yaml:14:9"])
    }

    // MARK: MC406

    func testRemotePilotAddressOnThePrimarysGatewayNeedsTheExposure() {
        let gateway = ("cluster1/eastwest.yaml", """
            apiVersion: v1
            kind: Service
            metadata:
              name: istio-eastwestgateway
              namespace: istio-system
              labels:
                istio: eastwestgateway
            spec:
              type: LoadBalancer
              selector:
                istio: eastwestgateway
              ports:
              - name: tls-istiod
                port: 15012
              - name: tls-webhook
                port: 15017
            status:
              loadBalancer:
                ingress:
                - ip: 192.0.2.10
            """)
        let got = positions(lint([Self.primary, gateway, Self.remote(), Self.namespace(annotation: "cluster1")], only: ["MC406"]))
        XCTAssertEqual(got, ["MC406 error cluster2/istio-operator.yaml:9:27"])
    }

    func testIstiodOwnLoadBalancerNeedsNoGateway() {
        let istiodLB = ("cluster1/istiod-lb.yaml", """
            apiVersion: v1
            kind: Service
            metadata:
              name: istiod-elb
              namespace: istio-system
            spec:
              type: LoadBalancer
              selector:
                app: istiod
              ports:
              - port: 15012
            status:
              loadBalancer:
                ingress:
                - ip: 192.0.2.10
            """)
        XCTAssertEqual(positions(lint([Self.primary, istiodLB, Self.remote(), Self.namespace(annotation: "cluster1")], only: ["MC406"])), [])
    }

    // MARK: MC901

    func testOneMinorApartIsFine() {
        let east = ("east/iop.yaml", "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  tag: 1.23.1\n")
        let west = ("west/iop.yaml", "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  tag: 1.24.0\n")
        XCTAssertEqual(positions(lint([east, west], only: ["MC901"])), [])
        let old = ("north/iop.yaml", "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  tag: 1.22.0\n")
        XCTAssertEqual(positions(lint([east, west, old], only: ["MC901"])), ["MC901 warning north/iop.yaml:4:8"])
    }

    func testRemoteNewerThanItsPrimaryIsAnError() {
        let got = positions(lint([Self.primary, Self.remote(extra: "\n  tag: 1.25.1"), Self.namespace(annotation: "cluster1")], only: ["MC901"]))
        XCTAssertEqual(got, ["MC901 error cluster2/istio-operator.yaml:5:8"])
    }

    // MARK: MC902

    func testRevisionTagUnknownToTheSetIsLeftAlone() {
        let ns = ("cluster2/sample.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: sample
              labels:
                istio.io/rev: prod-stable
            """)
        XCTAssertEqual(positions(lint([Self.primary, Self.remote(), Self.namespace(annotation: "cluster1"), ns], only: ["MC902"])), [])
    }

    func testRemoteRevisionOtherThanThePrimarysIsReported() {
        let got = positions(lint([Self.primary, Self.remote(extra: "\n  revision: canary"), Self.namespace(annotation: "cluster1")], only: ["MC902"]))
        XCTAssertEqual(got, ["MC902 error cluster2/istio-operator.yaml:5:13"])
    }

    // MARK: official set-ups

    func testOfficialSetsAndPublicSamplesAreSilent() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let corpus = root.appendingPathComponent("Corpus")
        let sets = try FileManager.default.contentsOfDirectory(atPath: corpus.path)
            .filter { ($0.hasPrefix("official-") && !$0.hasSuffix("-broken")) || $0.hasSuffix("-ok") }
        XCTAssertGreaterThan(sets.count, 10)
        for s in sets {
            let report = try Linter(only: Self.codes).lint(paths: [corpus.appendingPathComponent(s).path], options: LoadOptions(parallel: false))
            XCTAssertEqual(report.findings.map { "\($0.rule) \($0.file):\($0.line) \($0.message)" }, [], s)
        }
        let samples = root.appendingPathComponent("Tests/Fixtures/public-samples")
        if FileManager.default.fileExists(atPath: samples.path) {
            let report = try Linter(only: Self.codes).lint(paths: [samples.path], options: LoadOptions(parallel: false))
            XCTAssertEqual(report.findings.map { "\($0.rule) \($0.file):\($0.line)" }, [])
        }
    }
}
