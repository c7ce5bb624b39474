import Foundation
import XCTest
@testable import MeshLint

/// MC404 network-gateway-undiscoverable and MC405 eastwest-network-view-missing: east-west
/// gateways istiod cannot use as their network's gateway, and gateways without a network view.
final class NetworkGatewayUndiscoverableTests: XCTestCase {
    func lint(_ files: [String: String], rules: [String] = ["MC402", "MC404", "MC405"]) -> LintReport {
        try! Linter(only: rules).lint(documents: files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                      options: LoadOptions(parallel: false))
    }

    func describe(_ findings: [Finding]) -> String {
        findings.map { "  \($0.rule) \($0.cluster ?? "-") \($0.file):\($0.line):\($0.column) \($0.message)" }.joined(separator: "\n")
    }

    func keys(_ r: LintReport) -> [String] { r.findings.map { "\($0.rule) \($0.cluster ?? "-") \($0.file):\($0.line)" } }

    /// Two primaries on network1/network2 with remote secrets and the shared `*.local` Gateway;
    /// each cluster's east-west gateway Service comes from `service(i)`.
    static func mesh(_ service: (Int) -> String?) -> [String: String] {
        var out: [String: String] = [:]
        for (i, j) in [(1, 2), (2, 1)] {
            out["cluster\(i)/istio.yaml"] = MulticlusterFixtures.install(i, global: "      meshID: mesh1\n      network: network\(i)")
                + "---\n" + MulticlusterFixtures.remoteSecret(for: "cluster\(j)")
            if let s = service(i) { out["cluster\(i)/ew.yaml"] = s }
        }
        out["expose-services.yaml"] = MulticlusterFixtures.crossNetworkGateway
        return out
    }

    static func service(labels: String, spec: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: istio-eastwestgateway
          namespace: istio-system
          labels: {istio: eastwestgateway\(labels)}
        spec:
          selector: {istio: eastwestgateway}
        \(spec)
        """
    }

    static func labelled(_ i: Int, spec: String = "  type: LoadBalancer\n  ports:\n  - {name: tls, port: 15443}") -> String {
        service(labels: ", topology.istio.io/network: network\(i)", spec: spec)
    }

    func testEachWayIstiodMissesTheGatewayIsReportedAtTheService() {
        let cases: [(String, String, String)] = [
            ("no label", Self.service(labels: "", spec: "  type: LoadBalancer\n  ports:\n  - {name: tls, port: 15443}"), "cluster2/ew.yaml:6"),
            ("443 to 15443", Self.labelled(2, spec: "  type: LoadBalancer\n  ports:\n  - {name: tls, port: 443, targetPort: 15443}"), "cluster2/ew.yaml:10"),
            ("ClusterIP", Self.labelled(2, spec: "  type: ClusterIP\n  ports:\n  - {name: tls, port: 15443}"), "cluster2/ew.yaml:9"),
            ("NodePort", Self.labelled(2, spec: "  type: NodePort\n  ports:\n  - {name: tls, port: 15443, nodePort: 31443}"), "cluster2/ew.yaml:9"),
        ]
        for (name, svc, at) in cases {
            let files = Self.mesh { $0 == 1 ? Self.labelled(1) : svc }
            let report = lint(files)
            XCTAssertEqual(keys(report), ["MC404 cluster2 \(at)"], "\(name):\n" + describe(report.findings))
            XCTAssertEqual(report.findings.first?.related.count, 2, name)
        }
    }

    func testAddressesAndPortLabelsIstiodAcceptsAreSilent() {
        let variants = [
            Self.labelled(2, spec: "  externalIPs: [198.51.100.20]\n  ports:\n  - {name: tls, port: 15443}"),
            Self.service(labels: ", topology.istio.io/network: network2", spec: "  type: NodePort\n  ports:\n  - {name: tls, port: 15443}")
                .replacingOccurrences(of: "  namespace: istio-system\n", with: "  namespace: istio-system\n  annotations: {traffic.istio.io/nodeSelector: '{}'}\n"),
            Self.service(labels: ", topology.istio.io/network: network2, networking.istio.io/gatewayPort: \"443\"",
                         spec: "  type: LoadBalancer\n  ports:\n  - {name: tls, port: 443, targetPort: 15443}"),
            Self.labelled(2, spec: "  type: LoadBalancer\n  ports:\n  - {name: tls, port: 15443}\nstatus:\n  loadBalancer:\n    ingress:\n    - hostname: a.elb.amazonaws.com"),
        ]
        for v in variants {
            let report = lint(Self.mesh { $0 == 1 ? Self.labelled(1) : v })
            XCTAssertEqual(report.findings, [], v + "\n" + describe(report.findings))
        }
    }

    func testHostnameOnlyLoadBalancerWithResolutionOff() {
        var files = Self.mesh { $0 == 1 ? Self.labelled(1) : Self.labelled(2, spec: "  type: LoadBalancer\n  ports:\n  - {name: tls, port: 15443}\nstatus:\n  loadBalancer:\n    ingress:\n    - hostname: a.elb.amazonaws.com") }
        files["cluster1/istio.yaml"] = files["cluster1/istio.yaml"]!.replacingOccurrences(
            of: "  values:\n", with: "  values:\n    pilot:\n      env: {RESOLVE_HOSTNAME_GATEWAYS: \"false\"}\n")
        let report = lint(files)
        XCTAssertEqual(keys(report), ["MC404 cluster2 cluster2/ew.yaml:15"], describe(report.findings))
        XCTAssertTrue(report.findings[0].related.contains { $0.file == "cluster1/istio.yaml" }, describe(report.findings))
    }

    func testNoGatewayAtAllIsMC402sFindingOnly() {
        // cluster2's Service lacks 15443 altogether: MC402 says so, MC404 adds nothing.
        let report = lint(Self.mesh { $0 == 1 ? Self.labelled(1) : Self.service(labels: "", spec: "  type: ClusterIP\n  ports:\n  - {name: http, port: 80}") })
        XCTAssertEqual(report.findings.map(\.rule), ["MC402"], describe(report.findings))
    }

    func testAMeshNetworksGatewayAddressNeedsNoLabel() {
        var files = Self.mesh { $0 == 1 ? Self.labelled(1) : Self.service(labels: "", spec: "  type: ClusterIP\n  ports:\n  - {name: tls, port: 15443}") }
        files["cluster1/istio.yaml"] = files["cluster1/istio.yaml"]!.replacingOccurrences(of: "      network: network1\n", with: """
                  network: network1
                  meshNetworks:
                    network2:
                      endpoints: [{fromRegistry: cluster2}]
                      gateways: [{address: 198.51.100.20, port: 15443}]

            """)
        XCTAssertEqual(lint(files).findings.filter { $0.rule == "MC404" }, [])
    }

    func testOfficialGatewayShapesAreRecognised() throws {
        // gen-eastwest-gateway.sh (IstioOperator) in cluster1, istio/gateway chart with networkGateway in cluster2.
        let ew = try String(contentsOfFile: Self.corpus("official-multi-primary-multi-network-istioctl/cluster1/eastwest-gateway.yaml"), encoding: .utf8)
        let files = Self.mesh { $0 == 1 ? nil : nil }.merging([
            "cluster1/eastwest-gateway.yaml": ew,
            "cluster2/eastwest-gateway-values.yaml": "name: istio-eastwestgateway\nnetworkGateway: network2\n",
        ]) { a, _ in a }
        let report = lint(files)
        XCTAssertEqual(report.findings, [], describe(report.findings))
        XCTAssertEqual(report.graph.eastWestGateways(in: 0).map { $0.requestedNetworkView?.value }, ["network1"])
        XCTAssertEqual(report.graph.eastWestGateways(in: 1).map(\.isChartNetworkGateway), [true])
    }

    func testClusterWithoutNetworkInAMultiNetworkSet() {
        var files = Self.mesh { Self.labelled($0) }
        files["cluster3/istio.yaml"] = MulticlusterFixtures.install(3, global: "      meshID: mesh1") + "---\n" + MulticlusterFixtures.remoteSecret(for: "cluster1")
        let report = lint(files)
        XCTAssertEqual(keys(report), ["MC404 cluster3 cluster3/istio.yaml:6"], describe(report.findings))
        // On one network (or none) a cluster without a network is normal.
        files["cluster2/istio.yaml"] = files["cluster2/istio.yaml"]!.replacingOccurrences(of: "network: network2", with: "network: network1")
        XCTAssertEqual(lint(files).findings.filter { $0.rule == "MC404" }, [])
    }

    func testIstioRemoteGatewayWithoutAddresses() {
        var files = Self.mesh { Self.labelled($0) }
        files["cluster1/remote.yaml"] = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: network2-gateway
          namespace: istio-system
          labels: {topology.istio.io/network: network2}
        spec:
          gatewayClassName: istio-remote
          listeners:
          - {name: cross-network, port: 15443, protocol: TLS, tls: {mode: Passthrough}}
        """
        XCTAssertEqual(keys(lint(files)), ["MC404 cluster1 cluster1/remote.yaml:8"])
        files["cluster1/remote.yaml"]! += "\n  addresses: [{type: Hostname, value: gw.example.com}]"
        XCTAssertEqual(lint(files).findings, [])
    }

    func testPrimaryRemoteRemoteGatewayWithoutTheLabel() throws {
        // The official primary-remote multi-network set: cluster1's Gateway configures cluster2's gateway.
        var files = MulticlusterFixtures.corpusSet("official-primary-remote-multi-network-istioctl")
        XCTAssertEqual(lint(files).findings, [])
        let ew = try XCTUnwrap(files["cluster2/eastwest-gateway.yaml"])
        files["cluster2/eastwest-gateway.yaml"] = ew.replacingOccurrences(of: "          topology.istio.io/network: network2\n", with: "")
        XCTAssertNotEqual(files["cluster2/eastwest-gateway.yaml"], ew)
        let report = lint(files)
        XCTAssertEqual(report.findings.map { "\($0.rule) \($0.cluster ?? "-") \($0.file)" }, ["MC404 cluster2 cluster2/eastwest-gateway.yaml"],
                       describe(report.findings))
        XCTAssertTrue(report.findings[0].related.contains { $0.file == "cluster1/expose-services.yaml" })
    }

    // MARK: MC405

    func testHandWrittenGatewayWithoutNetworkView() throws {
        let ew = try String(contentsOfFile: Self.corpus("official-multi-primary-multi-network-istioctl/cluster1/eastwest-gateway.yaml"), encoding: .utf8)
        let stripped = ew.replacingOccurrences(of: "          env:\n            # traffic through this gateway should be routed inside the network\n            - name: ISTIO_META_REQUESTED_NETWORK_VIEW\n              value: network1\n", with: "")
        XCTAssertNotEqual(stripped, ew)
        var files = Self.mesh { _ in nil }
        files["cluster1/eastwest-gateway.yaml"] = stripped
        let report = lint(files, rules: ["MC405"])
        XCTAssertEqual(keys(report), ["MC405 cluster1 cluster1/eastwest-gateway.yaml:15"], describe(report.findings))
        XCTAssertEqual(report.findings.first?.fieldPath, "spec.components.ingressGateways[0].k8s.env")
        // A Deployment rendered from it counts instead of the IstioOperator: it has the env.
        files["cluster1/rendered.yaml"] = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: istio-eastwestgateway, namespace: istio-system}
        spec:
          template:
            metadata:
              labels: {istio: eastwestgateway, topology.istio.io/network: network1}
            spec:
              containers:
              - name: istio-proxy
                ports: [{containerPort: 15443}]
                env:
                - {name: ISTIO_META_REQUESTED_NETWORK_VIEW, value: network1}
        """
        XCTAssertEqual(lint(files, rules: ["MC405"]).findings, [])
    }

    static func corpus(_ path: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus").appendingPathComponent(path).path
    }
}
