import Foundation
import XCTest
@testable import MeshLint
@testable import MeshLintCore

/// MC503, MC802, MC803 and MC805 and the per-service cross-cluster index they share: grouping
/// by namespace/name, injection facts, one finding per outlier among many clusters, related
/// locations in the other clusters, and silence on the public samples.
final class TrafficPolicyRulesTests: XCTestCase {
    static let rules = ["MC503", "MC802", "MC803", "MC805"]
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func lint(_ files: [String: String], only: [String] = rules, manifest: String? = nil) -> LintReport {
        try! Linter(only: only).lint(documents: files.map { ($0.key, $0.value) },
                                     options: LoadOptions(manifestPath: manifest, parallel: false))
    }

    func service(_ name: String = "reviews", portName: String = "http", port: Int = 9080, selector: String = "reviews") -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: \(name)
          namespace: bookinfo
        spec:
          selector:
            app: \(selector)
          ports:
          - name: \(portName)
            port: \(port)
        """
    }

    func deployment(_ version: String, inject: String? = nil) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: reviews-\(version)
          namespace: bookinfo
        spec:
          template:
            metadata:
              labels:
                app: reviews
                version: \(version)
        \(inject.map { "        sidecar.istio.io/inject: \"\($0)\"" } ?? "")
            spec:
              containers:
              - name: reviews
                image: docker.io/istio/examples-bookinfo-reviews-\(version)
        """
    }

    func testIndexGroupsDefinitionsByKeyAndReadsInjection() {
        let set = ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: [
            ("east/a.yaml", service() + "\n---\n" + deployment("v1") + "\n---\n" + deployment("v2", inject: "false")
                + "\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n  labels:\n    istio-injection: enabled\n"),
            ("west/a.yaml", service() + "\n---\n" + deployment("v3")),
        ])
        let index = MeshGraph(set: set).serviceInstances
        XCTAssertEqual(index.keys, ["bookinfo/reviews"])
        let defs = index.byKey["bookinfo/reviews"] ?? []
        XCTAssertEqual(defs.map { set.clusters[$0.cluster].name }, ["east", "west"])
        XCTAssertEqual(defs.first?.ports.first?.istioProtocol, "HTTP")
        let east = index.selected(by: defs[0]).sorted { $0.resource.name < $1.resource.name }
        XCTAssertEqual(east.map { $0.resource.name }, ["reviews-v1", "reviews-v2"])
        XCTAssertEqual(east.map { $0.sidecar }, [true, false], "namespace label injects v1; the pod's inject: \"false\" wins for v2")
        // West has no Namespace object: injection unknown, not "off".
        XCTAssertEqual(index.selected(by: defs[1]).map { $0.sidecar }, [nil])
    }

    func testOneOutlierAmongManyClustersGetsOneFindingWithRelatedMajority() {
        var files: [String: String] = [:]
        for i in 0..<40 { files["c\(i)/reviews.yaml"] = service(portName: i == 17 ? "grpc" : "http") }
        let findings = lint(files, only: ["MC805"]).findings
        XCTAssertEqual(findings.count, 1, findings.map(\.message).joined(separator: "\n"))
        let f = findings[0]
        XCTAssertEqual(f.cluster, "c17")
        XCTAssertEqual(f.severity, .error)
        XCTAssertEqual(f.fieldPath, "spec.ports[0].name")
        XCTAssertTrue(f.message.contains("and 36 more"), f.message)
        XCTAssertEqual(f.related.count, 2, "two places of the majority value, not 39")
        XCTAssertTrue(f.related.allSatisfy { $0.cluster != "c17" })
    }

    func testPortNameOnlyDifferenceIsAWarningAndSelectorlessStubIsQuiet() {
        let findings = lint([
            "a/s.yaml": service(portName: "http-web"),
            "b/s.yaml": service(portName: "http-api"),
            "c/s.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  ports:\n  - name: http-web\n    port: 9080\n",
        ], only: ["MC805"]).findings
        XCTAssertEqual(findings.map(\.cluster), ["b"], findings.map(\.message).joined(separator: "\n"))
        XCTAssertEqual(findings.first?.severity, .warning)
    }

    func testSubsetSelectingPodsOfAnotherClusterByClusterNameIsQuiet() {
        let dr = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata:
          name: reviews
          namespace: bookinfo
        spec:
          host: reviews.bookinfo.svc.cluster.local
          subsets:
          - name: v3-west
            labels:
              version: v3
              topology.istio.io/cluster: cluster-west
          - name: v3-east
            labels:
              version: v3
              topology.istio.io/cluster: cluster-east
        """
        let iop = { (name: String) in
            "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  values:\n    global:\n      multiCluster:\n        clusterName: \(name)\n"
        }
        let findings = lint([
            "east/a.yaml": service() + "\n---\n" + deployment("v1") + "\n---\n" + dr,
            "east/istio.yaml": iop("cluster-east"),
            "west/a.yaml": service() + "\n---\n" + deployment("v3"),
            "west/istio.yaml": iop("cluster-west"),
        ], only: ["MC802"]).findings
        // v3 runs only in west: the west subset selects it, the east one selects nothing.
        XCTAssertEqual(findings.count, 1, findings.map(\.message).joined(separator: "\n"))
        XCTAssertEqual(findings.first?.fieldPath, "spec.subsets[1].labels")
        XCTAssertEqual(findings.first?.related.first?.cluster, "west")
    }

    func testCrossNetworkFindingNamesTheServerCluster() {
        let manifest = """
        apiVersion: meshlint/v1
        kind: ConfigSet
        clusters:
        - name: east
          paths: ["east/**"]
          network: net-east
          role: primary
        - name: west
          paths: ["west/**"]
          network: net-west
          role: primary
        """
        let dr = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n  namespace: bookinfo\nspec:\n  host: reviews\n  trafficPolicy:\n    tls:\n      mode: SIMPLE\n"
        let findings = lint([
            "meshlint.yaml": manifest,
            "east/a.yaml": service() + "\n---\n" + dr,
            "west/a.yaml": service() + "\n---\n" + deployment("v1"),
        ], manifest: "meshlint.yaml").findings
        XCTAssertEqual(findings.map(\.rule), ["MC503"], findings.map(\.message).joined(separator: "\n"))
        XCTAssertEqual(findings.first?.cluster, "east")
        XCTAssertEqual(findings.first?.related.first?.cluster, "west")
        XCTAssertTrue(findings.first?.message.contains("SIMPLE") == true)
    }

    func testPublicSampleFixturesAreQuiet() throws {
        let root = Self.packageRoot.appendingPathComponent("Tests/Fixtures/public-samples")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        for name in names {
            let report = try Linter(only: Self.rules).lint(paths: [root.appendingPathComponent(name).path], options: LoadOptions(parallel: false))
            XCTAssertEqual(report.findings.map { "\($0.rule) \($0.file):\($0.line)" }, [], name)
        }
    }
}
