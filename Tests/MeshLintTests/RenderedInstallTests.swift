import Foundation
import XCTest
@testable import MeshLint
@testable import MeshLintCore

/// Rendered install output (`istioctl manifest generate`, `helm template`) as a source of facts.
final class RenderedInstallTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus")

    /// The JSON clusters[] entries carry what istiod's env, the injector values and the
    /// istio-system label say, although the set has no IstioOperator and no manifest.
    func testJSONClustersAreFilledFromRenderedOutput() throws {
        let dir = Self.corpus.appendingPathComponent("official-rendered-install")
        let report = try Linter().lint(paths: [dir.path], options: LoadOptions(parallel: false))
        let json = JSONReporter.render(report)
        let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let clusters = doc["clusters"] as! [[String: Any]]
        XCTAssertEqual(clusters.map { $0["name"] as? String }, ["cluster1", "cluster2"])
        XCTAssertEqual(clusters.map { $0["clusterName"] as? String }, ["cluster1", "cluster2"])
        XCTAssertEqual(clusters.map { $0["network"] as? String }, ["network1", "network2"])
        XCTAssertEqual(clusters.map { $0["role"] as? String }, ["primary", "primary"])
        let facts = report.graph.facts[0]
        // Every fact points inside the embedded text, at its own line.
        XCTAssertEqual(facts.meshID.sources.map { "\($0.location.file):\($0.location.line)" },
                       ["cluster1/injector-configmap.yaml:34", "cluster1/istio-configmap.yaml:21"])
        XCTAssertEqual(facts.dnsCapture.value, true)
        XCTAssertEqual(facts.dnsCapture.primary.map { "\($0.location.file):\($0.location.line):\($0.location.column)" },
                       "cluster1/istio-configmap.yaml:23:33")
        XCTAssertEqual(facts.trustDomain.value, "cluster.local")
        XCTAssertEqual(facts.istioVersion.value, "1.28.0")
        XCTAssertEqual(facts.istiodEnv["CLUSTER_ID"]?.first?.value, "cluster1")
    }

    /// DNS capture turned off in the mesh config is read as off (no regex on the text).
    func testDNSCaptureOffIsRead() throws {
        let t = TempSet()
        t.write("a/istio.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: istio-canary
              namespace: istio-system
              labels:
                istio.io/rev: canary
            data:
              mesh: |-
                defaultConfig:
                  proxyMetadata:
                    # ISTIO_META_DNS_CAPTURE: "true" was turned off
                    ISTIO_META_DNS_CAPTURE: "false"
            """)
        let report = try Linter().lint(paths: [t.path], options: LoadOptions(parallel: false))
        let f = report.graph.facts[0]
        XCTAssertEqual(f.dnsCapture.value, false)
        XCTAssertEqual(f.dnsCapture.primary?.location.line, 13)
    }
}

extension RenderedInstallTests {
    /// A remote kept as `istioctl manifest generate` output of `profile: remote`: no istiod, the
    /// injector webhook calls the primary with `/inject/cluster/cluster2/net/network1`. The
    /// cluster is a remote with that cluster ID and network, and a webhook that disagrees with
    /// the istio-system label is reported.
    func testRenderedRemoteWebhookGivesClusterIDAndNetwork() throws {
        let t = TempSet()
        let primary = Self.corpus.appendingPathComponent("official-rendered-install/cluster1").path
        // cluster1 as rendered, with its remote secret for cluster2.
        for f in try FileManager.default.contentsOfDirectory(atPath: primary) {
            t.write("cluster1/\(f)", try String(contentsOfFile: primary + "/" + f, encoding: .utf8))
        }
        func remote(net: String) {
            t.write("cluster2/istio-system.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: istio-system
                  labels:
                    topology.istio.io/network: \(net)
                  annotations:
                    topology.istio.io/controlPlaneClusters: cluster1
                """)
            t.write("cluster2/webhook.yaml", """
                apiVersion: admissionregistration.k8s.io/v1
                kind: MutatingWebhookConfiguration
                metadata:
                  name: istio-sidecar-injector
                webhooks:
                - name: rev.namespace.sidecar-injector.istio.io
                  clientConfig:
                    service:
                      name: istiod
                      namespace: istio-system
                      path: "/inject/cluster/cluster2/net/network1"
                      port: 443
                  sideEffects: None
                  admissionReviewVersions: ["v1beta1", "v1"]
                """)
        }
        remote(net: "network1")
        var report = try Linter().lint(paths: [t.path], options: LoadOptions(parallel: false))
        XCTAssertEqual(report.graph.facts[1].role, .remote)
        XCTAssertEqual(report.graph.clusterID(1), "cluster2")
        XCTAssertEqual(report.graph.networkName(1), "network1")
        // cluster1 is rendered as a multi-primary install (`externalIstiod: false`, no EXTERNAL_ISTIOD env):
        // leading a remote needs EXTERNAL_ISTIOD, which MC903 reports at istiod's env.
        XCTAssertEqual(report.findings.filter { $0.severity == .error }.map { "\($0.rule) \($0.file)" }, ["MC903 cluster1/istiod.yaml"])
        remote(net: "network9")
        report = try Linter(only: ["MC302"]).lint(paths: [t.path], options: LoadOptions(parallel: false))
        XCTAssertEqual(report.findings.map { "\($0.rule) \($0.file):\($0.line)" }, ["MC302 cluster2/istio-system.yaml:6"])
    }
}

extension RenderedInstallTests {
    /// The external control plane kept as rendered output: istiod's CLUSTER_ID is the config
    /// cluster's name, so it is not this cluster's clusterName (no duplicate-ID MC301), and the
    /// istio-kubeconfig Secret still covers discovery of the config cluster (no MC203).
    func testRenderedExternalIstiodIsNotTheConfigClustersTwin() throws {
        let t = TempSet()
        let base = Self.corpus.appendingPathComponent("official-external-control-plane").path
        for dir in ["external", "remote1"] {
            for f in try FileManager.default.contentsOfDirectory(atPath: base + "/" + dir) where f != "external-istiod.yaml" {
                t.write("\(dir)/\(f)", try String(contentsOfFile: base + "/\(dir)/\(f)", encoding: .utf8))
            }
        }
        t.write("external/istiod.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: istiod
              namespace: external-istiod
            spec:
              template:
                spec:
                  containers:
                  - name: discovery
                    image: docker.io/istio/pilot:1.28.0
                    env:
                    - name: EXTERNAL_ISTIOD
                      value: "true"
                    - name: CLUSTER_ID
                      value: remote1
                    - name: KUBECONFIG
                      value: /var/run/secrets/remote/config
            """)
        let report = try Linter().lint(paths: [t.path], options: LoadOptions(parallel: false))
        XCTAssertEqual(report.findings.filter { $0.severity == .error }.map { "\($0.rule) \($0.file):\($0.line)" }, [])
        XCTAssertEqual(report.graph.facts[0].istiodEnv["CLUSTER_ID"]?.first?.value, "remote1")
        XCTAssertNil(report.graph.facts[0].clusterName.value)
    }
}
