import Foundation
import XCTest
@testable import MeshLint

/// MC201, MC202, MC301 and MC302 on every `Corpus/` set: exactly the findings the sets'
/// EXPECTED.md lists for these rules (rule, cluster, file:line), nothing in the `*-ok` sets.
final class IdentityCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus")
    static let rules = ["MC201", "MC202", "MC301", "MC302"]

    /// Expected findings per set as "RULE cluster file:line".
    static let expected: [String: [String]] = [
        "large-mesh-12-clusters": [
            "MC201 prod-apse1-a prod-apse1-a/remote-secrets.yaml:101",
            "MC301 prod-apse2-a prod-apse2-a/istio-operator.yaml:17",
            "MC302 prod-use1-c prod-use1-c/namespaces.yaml:6",
        ],
        "multi-primary-multi-network-broken": [
            "MC302 cluster1 cluster1/istio-operator.yaml:27",
            "MC302 cluster2 meshlint.yaml:15",
        ],
        "multi-primary-single-network-broken": [
            "MC301 cluster2 cluster2/istio-operator.yaml:18",
            "MC302 cluster3 cluster3/namespaces.yaml:6",
        ],
        "primary-remote-multi-network-broken": [
            "MC201 cluster1 cluster1/remote-secrets.yaml:8",
            "MC301 cluster2 cluster2/istio-operator.yaml:18",
        ],
        "shared-control-plane-flat-broken": [
            "MC201 main main/remote-secrets.yaml:6",
            "MC202 main main/remote-secrets.yaml:26",
        ],
        "official-external-control-plane": [],
        "official-external-control-plane-broken": [
            "MC301 external external/external-istiod.yaml:50",
        ],
        "official-multi-primary-istioctl": [],
        "official-multi-primary-istioctl-broken": [
            "MC202 cluster1 cluster1/remote-secret-cluster2.yaml:14",
        ],
        "official-multi-primary-helm": [],
        "official-multi-primary-helm-broken": [],
        "official-primary-remote-istioctl": [],
        "official-primary-remote-istioctl-broken": [
            "MC301 cluster2 cluster2/namespace.yaml:8",
        ],
        "official-primary-remote-helm": [],
        "official-primary-remote-helm-broken": [
            "MC302 cluster2 cluster2/istiod-values.yaml:15",
        ],
        "official-rendered-install": [],
        "official-rendered-install-broken": [
            "MC301 cluster1 cluster1/eastwest-gateway.yaml:112",
            "MC301 cluster1 cluster1/injector-configmap.yaml:36",
            "MC301 cluster1 cluster1/istiod.yaml:89",
            "MC302 cluster2 cluster2/eastwest-gateway.yaml:110",
        ],
        "yaml-problems": [
            "MC201 cluster2 cluster2/remote-secrets.yaml:8",
        ],
    ]

    func testCorpusSets() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)) ?? []
        var checked = 0
        for name in names.sorted() {
            var isDir: ObjCBool = false
            let dir = Self.corpus.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else { continue }
            guard let want = Self.expected[name] ?? (name.hasSuffix("-ok") ? [] : nil) else { continue }
            let report = try Linter(only: Self.rules).lint(paths: [dir.path], options: LoadOptions(parallel: false))
            let got = report.findings.map { "\($0.rule) \($0.cluster ?? "-") \($0.file):\($0.line)" }
            XCTAssertEqual(got.sorted(), want.sorted(), name)
            for f in report.findings {
                // The manifest and Helm values files are no Kubernetes objects.
                if f.file != "meshlint.yaml" && !f.file.contains("values") { XCTAssertNotNil(f.resource, "\(name): \(f.rule) names its resource") }
                XCTAssertNotNil(f.fieldPath, "\(name): \(f.rule) has a field path")
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, Self.expected.count)
    }

    /// The cross-cluster findings name the other end of the problem.
    func testRelatedLocationsPointAcrossClusters() throws {
        let dir = Self.corpus.appendingPathComponent("multi-primary-single-network-broken")
        guard FileManager.default.fileExists(atPath: dir.path) else { return }
        let report = try Linter(only: ["MC301"]).lint(paths: [dir.path], options: LoadOptions(parallel: false))
        let f = try XCTUnwrap(report.findings.first)
        XCTAssertEqual(Set(f.related.map { "\($0.file):\($0.line)" }), ["cluster1/remote-secrets.yaml:15", "cluster3/remote-secrets.yaml:46"])
        XCTAssertEqual(f.fieldPath, "spec.values.global.multiCluster.clusterName")
    }
}
