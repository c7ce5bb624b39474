import Foundation
import XCTest
@testable import MeshLint

/// Today's installs (issue 8): `istio/gateway` chart values read as the chart renders them,
/// Gateway API east-west gateways (classes `istio`, `istio-east-west`, `istio-remote`), the
/// `.global` resources a gateway-less profile does not render, and the per-cluster data plane
/// with the rules that depend on it (MC304, MC402, MC604).
final class ModernGatewaysTests: XCTestCase {
    func lint(_ files: [String: String], rules: [String] = ["MC302", "MC402"]) -> LintReport {
        try! Linter(only: rules).lint(documents: files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                      options: LoadOptions(parallel: false))
    }

    func describe(_ findings: [Finding]) -> String {
        findings.map { "  \($0.rule) \($0.cluster ?? "-") \($0.file):\($0.line):\($0.column) \($0.message)" }.joined(separator: "\n")
    }

    func keys(_ r: LintReport) -> [String] { r.findings.map { "\($0.rule) \($0.cluster ?? "-") \($0.file):\($0.line)" } }

    /// Two primaries on two networks with remote secrets both ways; `extra` adds install lines.
    static func primaries(profile: String? = nil, extra: String = "") -> [String: String] {
        var out: [String: String] = [:]
        for (i, j) in [(1, 2), (2, 1)] {
            out["cluster\(i)/iop.yaml"] = """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            metadata: {name: istio, namespace: istio-system}
            spec:
            \(profile.map { "  profile: \($0)\n" } ?? "")\(extra)  values:
                global:
                  meshID: mesh1
                  multiCluster: {clusterName: cluster\(i)}
                  network: network\(i)
            """
            out["cluster\(i)/secret.yaml"] = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-cluster\(j)
              namespace: istio-system
              labels: {istio/multiCluster: "true"}
              annotations: {networking.istio.io/cluster: cluster\(j)}
            """
        }
        return out
    }

    static func gatewayAPI(_ network: String, cls: String = "istio", labels: String = "", listener: String) -> String {
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: eastwestgateway
          namespace: istio-system
          labels:
            topology.istio.io/network: "\(network)"\(labels)
        spec:
          gatewayClassName: \(cls)
          listeners:
        \(listener)
        """
    }

    static let passthrough15443 = """
      - name: cross-network
        hostname: "*.local"
        port: 15443
        protocol: TLS
        tls: {mode: Passthrough}
    """

    static let hbone = """
      - name: mesh
        port: 15008
        protocol: HBONE
        tls:
          mode: Terminate
          options: {gateway.istio.io/tls-terminate-mode: ISTIO_MUTUAL}
    """

    // MARK: istio/gateway chart values

    func testGatewayChartWithNetworkGatewayRendersTheTLSPort() throws {
        var files = Self.primaries()
        for i in 1...2 {
            files["cluster\(i)/eastwest-values.yaml"] = "name: istio-eastwestgateway\nnetworkGateway: network\(i)\n"
            files["cluster\(i)/expose.yaml"] = """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: cross-network-gateway, namespace: istio-system}
            spec:
              selector: {istio: eastwestgateway}
              servers:
              - port: {number: 15443, name: tls, protocol: TLS}
                tls: {mode: AUTO_PASSTHROUGH}
                hosts: ["*.local"]
            """
        }
        // `service.ports` is ignored by the chart when networkGateway is set.
        files["cluster2/eastwest-values.yaml"]! += "service:\n  ports:\n  - {name: http2, port: 80}\n"
        let report = lint(files)
        XCTAssertEqual(report.findings, [], describe(report.findings))
        let w = try XCTUnwrap(report.graph.ingress.workloads[1].first { $0.name == "istio-eastwestgateway" })
        XCTAssertEqual(w.service?.ports?.compactMap { $0.port?.value }, [15021, 15443, 15012, 15017])
        XCTAssertEqual(w.labels["topology.istio.io/network"], "network2")
        XCTAssertEqual(w.service?.env["ISTIO_META_REQUESTED_NETWORK_VIEW"]?.value, "network2")

        // networkGatewayPorts overrides one port: the Service then exposes that port.
        files["cluster2/eastwest-values.yaml"] = "name: istio-eastwestgateway\nnetworkGateway: network2\nnetworkGatewayPorts:\n  tls:\n    port: 16443\n    targetPort: 16443\n"
        let broken = lint(files)
        XCTAssertEqual(keys(broken), ["MC402 cluster2 cluster2/eastwest-values.yaml:3"], describe(broken.findings))
    }

    // MARK: Gateway API east-west gateways

    func testGatewayAPIPassthroughListenersAreAcceptedAsIstioReadsThem() {
        let variants: [(String, String)] = [
            ("15443", Self.gatewayAPI("network2", listener: Self.passthrough15443)),
            ("gatewayPort label", Self.gatewayAPI("network2", labels: "\n    networking.istio.io/gatewayPort: \"35443\"",
                                                  listener: Self.passthrough15443.replacingOccurrences(of: "15443", with: "35443"))),
            ("listener option", Self.gatewayAPI("network2", listener: """
              - name: cross-network
                port: 16443
                protocol: TLS
                tls:
                  mode: Passthrough
                  options: {gateway.istio.io/listener-protocol: auto-passthrough}
            """)),
        ]
        for (name, gw) in variants {
            var files = Self.primaries()
            files["cluster1/ew.yaml"] = Self.gatewayAPI("network1", listener: Self.passthrough15443)
            files["cluster2/ew.yaml"] = gw
            let report = lint(files)
            XCTAssertEqual(report.findings, [], "\(name):\n" + describe(report.findings))
            let a = report.graph.assessIngress(of: 1, for: .crossNetwork(network: "network2"))
            XCTAssertEqual(a.gatewayAPI.map(\.gateway.resource.name), ["eastwestgateway"], name)
            XCTAssertEqual(a.gatewayAPI.first?.gateway.renderedName, "eastwestgateway-istio", name)
        }
    }

    func testGatewayAPIPassthroughOnAnotherPortIsReportedAtThePort() {
        var files = Self.primaries()
        files["cluster1/ew.yaml"] = Self.gatewayAPI("network1", listener: Self.passthrough15443)
        files["cluster2/ew.yaml"] = Self.gatewayAPI("network2", listener: Self.passthrough15443.replacingOccurrences(of: "15443", with: "15444"))
        let report = lint(files)
        XCTAssertEqual(keys(report), ["MC402 cluster2 cluster2/ew.yaml:13"], describe(report.findings))
        XCTAssertTrue(report.findings[0].message.contains("gateway.istio.io/listener-protocol"), report.findings[0].message)
    }

    func testIstioRemoteGatewayWithAddressesServesItsNetwork() {
        var files = Self.primaries()
        files["cluster1/ew.yaml"] = Self.gatewayAPI("network1", listener: Self.passthrough15443)
        // cluster1 (the config cluster) describes network2's gateway, which istiod cannot see.
        files["cluster1/remote-gw.yaml"] = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: network2-gateway
          namespace: istio-system
          labels: {topology.istio.io/network: network2}
        spec:
          gatewayClassName: istio-remote
          addresses:
          - {type: IPAddress, value: 198.51.100.20}
          listeners:
          - name: cross-network
            port: 15443
            protocol: TLS
            tls: {mode: Passthrough}
        """
        var report = lint(files)
        XCTAssertEqual(report.findings, [], describe(report.findings))
        XCTAssertEqual(report.graph.gatewayAPINetworkGateways(for: "network2", receiving: 1).map(\.gateway.resource.name), ["network2-gateway"])
        XCTAssertNil(report.graph.ingress.gatewayAPIGateways[0].first { $0.resource.name == "network2-gateway" }?.renderedName)
        // Without addresses istiod has nowhere to send the traffic.
        files["cluster1/remote-gw.yaml"] = files["cluster1/remote-gw.yaml"]!.replacingOccurrences(of: "  addresses:\n  - {type: IPAddress, value: 198.51.100.20}\n", with: "")
        report = lint(files)
        XCTAssertEqual(report.findings.map(\.rule), ["MC402"], describe(report.findings))
    }

    func testGatewayAPINetworkLabelIsANetworkClaim() {
        var files = Self.primaries()
        files["cluster1/ew.yaml"] = Self.gatewayAPI("network1", listener: Self.passthrough15443)
        files["cluster2/ew.yaml"] = Self.gatewayAPI("network1", listener: Self.passthrough15443)
        files["cluster2/ns.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system, labels: {topology.istio.io/network: network2}}\n"
        let report = lint(files)
        let mismatch = report.findings.filter { $0.rule == "MC302" }
        XCTAssertEqual(mismatch.map { "\($0.cluster ?? "-") \($0.file):\($0.line)" }, ["cluster2 cluster2/ew.yaml:7"], describe(report.findings))
        XCTAssertTrue(mismatch[0].message.contains("Gateway API Gateway istio-system/eastwestgateway"), mismatch[0].message)
    }

    // MARK: ambient east-west (HBONE)

    func testHBONEEastWestGatewayServesAmbientNetworks() {
        var files = Self.primaries(profile: "ambient")
        for i in 1...2 { files["cluster\(i)/ew.yaml"] = Self.gatewayAPI("network\(i)", cls: "istio-east-west", listener: Self.hbone) }
        let report = lint(files)
        XCTAssertEqual(report.findings, [], describe(report.findings))
        XCTAssertEqual(report.graph.dataPlane(0).mode, .ambient)

        // Class `istio` renders an ordinary gateway: reported at the class name, by MC702 (MC402
        // leaves networks whose clusters run only ambient workloads to it).
        files["cluster2/ew.yaml"] = Self.gatewayAPI("network2", cls: "istio", listener: Self.hbone)
        let wrongClass = lint(files, rules: ["MC302", "MC402", "MC702"])
        XCTAssertEqual(keys(wrongClass), ["MC702 cluster2 cluster2/ew.yaml:9"], describe(wrongClass.findings))

        // Sidecar clusters cannot use an HBONE-only gateway; an install without a recorded
        // profile is not evidence enough that the cluster is sidecar-only.
        var sidecar = Self.primaries()
        for i in 1...2 { sidecar["cluster\(i)/ew.yaml"] = Self.gatewayAPI("network\(i)", cls: "istio-east-west", listener: Self.hbone) }
        XCTAssertEqual(lint(sidecar).findings, [])
        for i in 1...2 { sidecar["cluster\(i)/ns.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata: {name: sample, labels: {istio-injection: enabled}}\n" }
        let sidecarReport = lint(sidecar)
        XCTAssertEqual(sidecarReport.findings.map(\.rule), ["MC402", "MC402"], describe(sidecarReport.findings))
        XCTAssertTrue(sidecarReport.findings[0].message.contains("only has an HBONE listener"), sidecarReport.findings[0].message)
    }

    func testAmbientNetworkWithoutGatewayIsToldToInstallTheHBONEGateway() throws {
        var files = Self.primaries(profile: "ambient")
        files["cluster1/ew.yaml"] = Self.gatewayAPI("network1", cls: "istio-east-west", listener: Self.hbone)
        let report = lint(files, rules: ["MC402", "MC702"])
        XCTAssertEqual(report.findings.map(\.rule), ["MC702"], describe(report.findings))
        let f = try XCTUnwrap(report.findings.first { $0.rule == "MC702" }, describe(report.findings))
        XCTAssertEqual(f.cluster, "cluster2")
        XCTAssertTrue(f.message.contains("--ambient") && f.message.contains("istio-east-west"), f.message)
    }

    // MARK: data plane

    func testDataPlaneIsReadFromEveryPlaceThatStatesIt() {
        let cases: [(String, [String: String], DataPlaneMode?)] = [
            ("plain install", ["c/iop.yaml": "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {}\n"], .sidecar),
            ("ambient profile", ["c/iop.yaml": "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {profile: ambient}\n"], .ambient),
            ("Helm profile", ["c/istiod.yaml": "profile: ambient\nglobal: {network: n1}\n"], .ambient),
            ("cni values", ["c/cni-values.yaml": "profile: ambient\n"], .ambient),
            ("ztunnel values", ["c/ztunnel-values.yaml": "multiCluster: {clusterName: c}\nglobal: {network: n1}\n"], .ambient),
            ("ztunnel DaemonSet", ["c/ds.yaml": "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: ztunnel, namespace: istio-system}\n"], .ambient),
            ("PILOT_ENABLE_AMBIENT", ["c/iop.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  components:
                    pilot:
                      k8s:
                        env: [{name: PILOT_ENABLE_AMBIENT, value: "true"}]
                """], .ambient),
            ("both", ["c/ns.yaml": """
                apiVersion: v1
                kind: Namespace
                metadata: {name: a, labels: {istio.io/dataplane-mode: ambient}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: b, labels: {istio-injection: enabled}}
                """], .both),
            ("nothing", ["c/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: x}\n"], nil),
        ]
        for (name, files, mode) in cases {
            let report = lint(files)
            XCTAssertEqual(report.graph.dataPlane(0).mode, mode, name)
            if mode != nil && mode != .sidecar { XCTAssertFalse(report.graph.dataPlane(0).ambient.isEmpty, name) }
        }
    }

    func testJSONReportsTheDataPlane() throws {
        let report = lint(Self.primaries(profile: "ambient"))
        let json = JSONReporter.render(report)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let clusters = try XCTUnwrap(doc["clusters"] as? [[String: Any]])
        XCTAssertEqual(clusters.map { $0["dataPlane"] as? String }, ["ambient", "ambient"])
    }

    // MARK: MC304 and MC604 in ambient

    static func trustDomains(profile: String?) -> [String: String] {
        var out: [String: String] = [:]
        for (i, td, alias) in [(1, "td1", "td2"), (2, "td2", "td1")] {
            out["cluster\(i)/iop.yaml"] = """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            metadata: {name: istio, namespace: istio-system}
            spec:
            \(profile.map { "  profile: \($0)\n" } ?? "")  meshConfig:
                trustDomain: \(td)
                trustDomainAliases: [\(alias)]
            """
        }
        return out
    }

    func testTrustDomainAliasesDoNotExemptAmbientClusters() {
        XCTAssertEqual(lint(Self.trustDomains(profile: nil), rules: ["MC304", "MC306"]).findings, [])
        // Between ambient clusters MC306 reports the mismatch whatever the aliases say; MC304,
        // whose aliases do work for sidecars, leaves the pair to it.
        let ambient = lint(Self.trustDomains(profile: "ambient"), rules: ["MC304", "MC306"])
        XCTAssertEqual(keys(ambient), ["MC306 cluster2 cluster2/iop.yaml:7"], describe(ambient.findings))
        XCTAssertTrue(ambient.findings[0].message.contains("ztunnel") && ambient.findings[0].message.contains("trustDomainAliases"),
                      ambient.findings[0].message)
    }

    func testDNSCaptureDoesNotWaiveMissingLocalServicesForAmbientClients() {
        func files(_ profile: String?) -> [String: String] {
            [
                "cluster1/iop.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                \(profile.map { "  profile: \($0)\n" } ?? "")  meshConfig:
                    defaultConfig:
                      proxyMetadata: {ISTIO_META_DNS_CAPTURE: "true"}
                """,
                "cluster1/vs.yaml": """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  hosts: [reviews.bookinfo.svc.cluster.local]
                  http: [{route: [{destination: {host: reviews.bookinfo.svc.cluster.local}}]}]
                """,
                "cluster2/reviews.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: bookinfo}\n",
            ]
        }
        XCTAssertEqual(lint(files(nil), rules: ["MC604", "MC705"]).findings, [])
        // Ambient clients are MC705's: DNS capture does not waive it, and MC604 stays silent.
        let ambient = lint(files("ambient"), rules: ["MC604", "MC705"])
        XCTAssertEqual(keys(ambient), ["MC705 cluster1 cluster1/vs.yaml:5"], describe(ambient.findings))
        XCTAssertTrue(ambient.findings[0].message.contains("ztunnel"), ambient.findings[0].message)
    }

    // MARK: implied .global resources

    func testGatewaylessProfilesRenderNoGlobalResources() {
        func implied(_ spec: String) -> Int {
            let report = lint(["c/iop.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  tag: 1.8.2
                \(spec)  values:
                    global:
                      multiCluster: {enabled: true, clusterName: c}
                """])
            return report.graph.traffic.implied[0].count
        }
        XCTAssertEqual(implied(""), 3)
        XCTAssertEqual(implied("  profile: minimal\n"), 0)
        XCTAssertEqual(implied("  profile: empty\n"), 0)
        XCTAssertEqual(implied("  profile: minimal\n  components:\n    ingressGateways: [{name: istio-ingressgateway, enabled: true}]\n"), 3)
        XCTAssertEqual(implied("  components:\n    ingressGateways: [{name: istio-ingressgateway, enabled: false}]\n"), 0)

        // A control plane without gateway plus a separately installed ingress gateway: the
        // gateway's install renders the templates only when it sets multiCluster.enabled itself.
        func separate(_ gatewayValues: String) -> [String] {
            let report = lint([
                "c/control-plane.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                metadata: {name: control-plane, namespace: istio-system}
                spec:
                  profile: minimal
                  tag: 1.8.2
                  values:
                    global:
                      multiCluster: {enabled: true, clusterName: c}
                """,
                "c/gateway.yaml": """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                metadata: {name: gateway, namespace: istio-system}
                spec:
                  profile: empty
                  components:
                    ingressGateways: [{name: istio-ingressgateway, enabled: true}]
                \(gatewayValues)
                """,
            ])
            return report.graph.traffic.implied[0].map { "\($0.install.resource?.name ?? "-") \($0.resource.kind)" }
        }
        XCTAssertEqual(separate(""), [])
        XCTAssertEqual(separate("  values:\n    global:\n      multiCluster: {enabled: true}\n"),
                       ["gateway Gateway", "gateway EnvoyFilter", "gateway DestinationRule"])
    }

    func testMinimalProfileLeavesCrossClusterHostsWithoutMutualTLS() {
        // Istio 1.7 replicated control planes: cluster `a` calls `b`'s `.global` service, but `a`
        // was installed with the minimal profile, so no `*.global` ISTIO_MUTUAL rule is rendered.
        func iop(_ cluster: String, _ profile: String) -> String {
            """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            spec:
              profile: \(profile)
              tag: 1.7.4
              values:
                global:
                  multiCluster: {enabled: true, clusterName: \(cluster)}
            """
        }
        let files = [
            "a/iop.yaml": iop("a", "minimal"),
            "b/iop.yaml": iop("b", "default"),
            "b/svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: httpbin, namespace: bar}\n",
            "a/se.yaml": """
            apiVersion: networking.istio.io/v1alpha3
            kind: ServiceEntry
            metadata: {name: httpbin-bar, namespace: foo}
            spec:
              hosts: [httpbin.bar.global]
              location: MESH_INTERNAL
              ports: [{name: http1, number: 8000, protocol: http}]
              resolution: DNS
              addresses: [240.0.0.2]
              endpoints:
              - address: 198.51.100.7
                ports: {http1: 15443}
            """,
        ]
        let report = lint(files, rules: ["MC501"])
        XCTAssertEqual(report.findings.map { "\($0.rule) \($0.cluster ?? "-")" }, ["MC501 a"], describe(report.findings))
    }
}

extension ModernGatewaysTests {
    func testCrossNetworkEntryPointsNameEveryGatewayOfANetworkWithItsTransport() {
        var files = Self.primaries(profile: "ambient")
        files["cluster1/ew.yaml"] = Self.gatewayAPI("network1", cls: "istio-east-west", listener: Self.hbone)
        files["cluster2/ew.yaml"] = Self.gatewayAPI("network2", listener: Self.passthrough15443)
        let g = lint(files).graph
        XCTAssertEqual(g.crossNetworkEntryPoints(for: "network1").map { "\($0.cluster) \($0.transport.rawValue) \($0.port ?? 0)" }, ["0 hbone 15008"])
        XCTAssertEqual(g.crossNetworkEntryPoints(for: "network2").map { "\($0.cluster) \($0.transport.rawValue) \($0.port ?? 0)" }, ["1 passthrough 15443"])
        XCTAssertEqual(g.crossNetworkEntryPoints(for: "network3").count, 0)
    }
}
