import Foundation
import XCTest
@testable import MeshLint

/// MC104, MC402, MC403, MC603 and MC604 beyond the Rules/ examples: correct corpus sets really
/// take their cross-cluster traffic in (silence is not a skipped check), findings carry resource,
/// field path and related locations, and shared files are reported once.
final class CrossClusterIngressTests: XCTestCase {
    static let corpus = CrossClusterTrafficTests.corpus
    static let rules = ["MC104", "MC402", "MC403", "MC603", "MC604"]

    func lint(_ set: String) throws -> LintReport {
        let dir = Self.corpus.appendingPathComponent(set)
        try XCTSkipUnless(FileManager.default.fileExists(atPath: dir.path), "no Corpus/\(set) in this checkout")
        return try Linter(only: Self.rules).lint(paths: [dir.path], options: LoadOptions(parallel: false))
    }

    func lint(_ files: [String: String], manifest: String? = nil) -> LintReport {
        try! Linter(only: Self.rules).lint(documents: files.map { ($0.key, $0.value) },
                                           options: LoadOptions(manifestPath: manifest, parallel: false))
    }

    func describe(_ findings: [Finding]) -> String {
        findings.map { "  \($0.rule) \($0.cluster ?? "-") \($0.file):\($0.line):\($0.column) \($0.message)" }.joined(separator: "\n")
    }

    // MARK: correct sets take their traffic in

    func testCorrectSetsHaveAWorkingIngressForEveryDemand() throws {
        let expected: [String: [String]] = [
            "gateways-global-1.6-ok": ["global(suffix: \"global\") istio-cluster-002"],
            "gateways-global-1.1-helm-ok": ["global(suffix: \"global\") gke-us-east", "global(suffix: \"global\") onprem-dc1"],
            "multi-primary-multi-network-ok": ["crossNetwork(network: \"network1\") cluster1", "crossNetwork(network: \"network2\") cluster2"],
            "primary-remote-multi-network-ok": ["crossNetwork(network: \"network1\") cluster1", "crossNetwork(network: \"network2\") cluster2"],
            "multi-primary-single-network-ok": [],
            "shared-control-plane-flat-ok": [],
        ]
        for (set, demands) in expected.sorted(by: { $0.key < $1.key }) {
            let report = try lint(set)
            let g = report.graph
            let got = g.ingressDemands()
            XCTAssertEqual(got.map { "\($0.kind) \($0.clusters.map(g.name).joined(separator: ","))" }, demands, set)
            for d in got {
                XCTAssertTrue(d.clusters.contains { g.assessIngress(of: $0, for: d.kind).isWorking }, "\(set): \(d.kind) has no working gateway")
            }
            XCTAssertEqual(report.findings, [], "\(set):\n" + describe(report.findings))
        }
        // Twelve clusters on three networks, one shared expose-services Gateway.
        let g = try lint("large-mesh-12-clusters").graph
        let demands = g.ingressDemands()
        XCTAssertEqual(demands.count, 3)
        XCTAssertTrue(demands.allSatisfy { d in d.clusters.count == 4 && d.callers.count == 8 })
        XCTAssertTrue(demands.allSatisfy { d in d.clusters.allSatisfy { g.assessIngress(of: $0, for: d.kind).isWorking } })
    }

    func testSNIRewriteOfTheSeedIsImpliedAndRoutedInSniDnatMode() throws {
        let g = try lint("gateways-global-1.6-ok").graph
        let callee = g.set.clusters.first { $0.name == "istio-cluster-002" }!.index
        let a = g.assessIngress(of: callee, for: .global(suffix: "global"))
        let workloads = a.working.flatMap(\.workloads)
        XCTAssertEqual(g.sniRewriteFilters(reaching: workloads, in: callee).map(\.resource.isImplied), [true])
        XCTAssertTrue(workloads.contains { $0.routerMode?.value == "sni-dnat" })
    }

    // MARK: finding details

    func testFindingsCarryResourceFieldPathAndRelatedLocations() throws {
        let findings = try lint("gateways-global-1.8-misc-broken").findings
        let reuse = try XCTUnwrap(findings.first { $0.rule == "MC104" && $0.line == 49 })
        XCTAssertEqual(reuse.resource?.name, "details-bar")
        XCTAssertEqual(reuse.fieldPath, "spec.addresses[0]")
        XCTAssertEqual(reuse.related.map { "\($0.file):\($0.line)" }, ["east/serviceentries.yaml:22"])
        let multicast = try XCTUnwrap(findings.first { $0.rule == "MC104" && $0.line == 76 })
        XCTAssertTrue(multicast.message.contains("multicast"), multicast.message)

        let gateway = try XCTUnwrap(findings.first { $0.rule == "MC402" })
        XCTAssertEqual(gateway.cluster, "west")
        XCTAssertEqual(gateway.resource?.kind, "IstioOperator")
        XCTAssertEqual(gateway.fieldPath, "spec.components.ingressGateways[0].k8s.service.ports")
        XCTAssertEqual(gateway.column, 11, "at the `ports` key")
        XCTAssertTrue(gateway.related.contains { $0.cluster == "east" && $0.file == "east/serviceentries.yaml" }, "the senders")
        XCTAssertTrue(gateway.message.contains("15021/80/443"), gateway.message)

        let rewrite = try XCTUnwrap(findings.first { $0.rule == "MC403" })
        XCTAssertEqual(rewrite.severity, .warning)
        XCTAssertEqual(rewrite.fieldPath, "spec.values.global.multiCluster.includeEnvoyFilter")
        let search = try XCTUnwrap(findings.first { $0.rule == "MC603" })
        XCTAssertEqual(search.fieldPath, "spec.values.global")
        XCTAssertEqual(search.related.first?.file, "east/serviceentries.yaml")

        let unresolvable = try XCTUnwrap(try lint("trust-identity-broken").findings.first { $0.rule == "MC604" })
        XCTAssertEqual(unresolvable.fieldPath, "spec.hosts[0]")
        XCTAssertEqual(unresolvable.resource?.kind, "VirtualService")
        XCTAssertEqual(unresolvable.related.map(\.file), ["cluster2/bookinfo.yaml"])
    }

    // MARK: shared files

    static let eastwestService = """
    apiVersion: v1
    kind: Service
    metadata:
      name: istio-eastwestgateway
      namespace: istio-system
      labels: {istio: eastwestgateway}
    spec:
      selector: {istio: eastwestgateway}
      ports: [{name: tls, port: 15443}]
    """

    static func iop(_ name: String, _ network: String) -> String {
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: \(name), namespace: istio-system}\nspec:\n  values:\n    global:\n      multiCluster: {clusterName: \(name)}\n      network: \(network)\n"
    }

    func testASharedCrossNetworkGatewayIsReportedOnce() {
        let report = lint([
            "expose-services.yaml": """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: cross-network-gateway, namespace: istio-system}
            spec:
              selector: {istio: eastwestgateway}
              servers:
              - port: {number: 15444, name: tls, protocol: TLS}
                tls: {mode: AUTO_PASSTHROUGH}
                hosts: ["*.local"]
            """,
            "a/iop.yaml": Self.iop("a", "net1"), "a/ew.yaml": Self.eastwestService,
            "b/iop.yaml": Self.iop("b", "net2"), "b/ew.yaml": Self.eastwestService,
            "c/iop.yaml": Self.iop("c", "net3"), "c/ew.yaml": Self.eastwestService,
            "c/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: istio-remote-secret-a\n  namespace: istio-system\n  labels: {istio/multiCluster: \"true\"}\n",
        ])
        let f = report.findings.filter { $0.rule == "MC402" }
        XCTAssertEqual(f.map { "\($0.file):\($0.line)" }, ["expose-services.yaml:7"], describe(f))
        XCTAssertNil(f.first?.cluster, "the Gateway is in a file every cluster shares")
    }

    func testASharedVirtualServiceIsReportedInTheClusterThatLacksTheService() {
        let report = lint([
            "routing.yaml": """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              hosts: [reviews]
              http: [{route: [{destination: {host: reviews}}]}]
            """,
            "cluster1/reviews.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: bookinfo}\n",
            "cluster2/sleep.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: sleep, namespace: bookinfo}\n",
        ])
        let f = report.findings.filter { $0.rule == "MC604" }
        XCTAssertEqual(f.map { "\($0.cluster ?? "-") \($0.file):\($0.line)" }, ["cluster2 routing.yaml:5"], describe(f))
        XCTAssertEqual(f.first?.related.first?.cluster, "cluster1")
    }

    func testRemoteClustersUseThePrimarysGatewayOnlyForTheirOwnPods() {
        // The remote runs an east-west gateway with other labels than the primary's Gateway selects.
        let report = lint([
            "cluster1/iop.yaml": Self.iop("cluster1", "network1"),
            "cluster1/ew.yaml": Self.eastwestService,
            "cluster1/expose.yaml": """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: cross-network-gateway, namespace: istio-system}
            spec:
              selector: {istio: eastwestgateway}
              servers:
              - port: {number: 15443, name: tls, protocol: TLS}
                tls: {mode: AUTO_PASSTHROUGH}
                hosts: ["*.local"]
            """,
            "cluster2/iop.yaml": """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            metadata: {name: remote, namespace: istio-system}
            spec:
              profile: remote
              values:
                global:
                  multiCluster: {clusterName: cluster2}
                  network: network2
            """,
            "cluster2/ew.yaml": Self.eastwestService.replacingOccurrences(of: "{istio: eastwestgateway}", with: "{istio: eastwest}"),
        ])
        let f = report.findings.filter { $0.rule == "MC402" }
        XCTAssertEqual(f.map { "\($0.cluster ?? "-") \($0.file):\($0.line)" }, ["cluster2 cluster2/ew.yaml:4"],
                       "at the remote's own gateway, with the primary's selector as related location:\n" + describe(f))
        XCTAssertEqual(f.first?.related.first.map { "\($0.file):\($0.line):\($0.column)" }, "cluster1/expose.yaml:5:21")
    }
}
