import XCTest
@testable import MeshLintCore

/// Implied resources, DestinationRule selection, cross-cluster ServiceEntry edges and the
/// helpers behind them.
final class TrafficIndexTests: XCTestCase {
    func graph(_ files: [String: String], manifest: String? = nil) -> MeshGraph {
        let set = ConfigSetLoader(options: LoadOptions(manifestPath: manifest, parallel: false))
            .load(documents: files.map { ($0.key, $0.value) })
        return MeshGraph(set: set)
    }

    static let iop16 = """
    apiVersion: install.istio.io/v1alpha1
    kind: IstioOperator
    metadata:
      name: east
      namespace: istio-system
    spec:
      tag: 1.6.13
      values:
        global:
          multiCluster:
            clusterName: east
            enabled: true
          proxy:
            clusterDomain: east.local
    """

    // MARK: implied resources

    func testIstioOperatorImpliesGatewayFilterAndRule() {
        let g = graph(["east/iop.yaml": Self.iop16])
        let implied = g.traffic.implied[0]
        XCTAssertEqual(implied.map(\.resource.kind), ["Gateway", "EnvoyFilter", "DestinationRule"])
        XCTAssertTrue(implied.allSatisfy { $0.resource.isImplied && $0.resource.namespace == "istio-system" })
        XCTAssertEqual(implied.map(\.resource.name), Array(repeating: "istio-multicluster-ingressgateway", count: 3))
        // Every node of an implied resource sits at `multiCluster.enabled: true` in the install's file.
        let dr = implied[2].resource
        XCTAssertEqual(dr.file, "east/iop.yaml")
        XCTAssertEqual(dr.spec?["host"]?.scalar, "*.global")
        XCTAssertEqual(dr.spec?["host"]?.position, SourcePosition(line: 12, column: 18))
        XCTAssertEqual(dr.spec?.at("trafficPolicy", "tls", "mode")?.scalar, "ISTIO_MUTUAL")
        let filter = implied[1].resource
        let config = filter.spec?["configPatches"]?.items.first?.at("patch", "value", "config")
        XCTAssertEqual(config?["cluster_pattern"]?.scalar, #"\.global$"#)
        XCTAssertEqual(config?["cluster_replacement"]?.scalar, ".svc.east.local")
        let gw = g.traffic.gatewayServers[0].first!
        XCTAssertEqual(gw.port?.value, 15443)
        XCTAssertTrue(gw.isAutoPassthrough)
        XCTAssertEqual(gw.hosts.map(\.value), ["*.global"])
        XCTAssertEqual(gw.selector, ["istio": "ingressgateway"])
        XCTAssertEqual(g.resourcesIncludingImplied("DestinationRule", in: 0).count, 1)
        XCTAssertEqual(g.resources("DestinationRule", in: 0).count, 0, "implied resources are not in the set")
        XCTAssertEqual(g.set.distinctResourceCount, 1)
        XCTAssertNotNil(g.implied(dr))
    }

    func testHelmValuesOf11RenderTheLegacyForms() {
        let g = graph(["gke/values.yaml": """
        global:
          tag: 1.1.7
          multiCluster:
            enabled: true
        """])
        let implied = g.traffic.implied[0].map(\.resource)
        XCTAssertEqual(implied.map(\.name), ["istio-multicluster-egressgateway", "istio-multicluster-ingressgateway",
                                             "istio-multicluster-ingressgateway", "istio-multicluster-destinationrule"])
        XCTAssertEqual(implied[2].spec?["filters"]?.items.first?.at("filterConfig", "cluster_replacement")?.scalar, ".svc.cluster.local")
        XCTAssertNil(implied[0].metadata?["labels"])
    }

    func testSuffixEnvoyFilterSwitchAndVersions() {
        func implied(_ tag: String, _ extra: String = "") -> [Resource] {
            graph(["c/iop.yaml": """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            spec:
              tag: \(tag)
              values:
                global:
                  multiCluster:
                    enabled: true
                    globalDomainSuffix: mesh
                    includeEnvoyFilter: false
            \(extra)
            """]).traffic.implied[0].map(\.resource)
        }
        // 1.8: the suffix and the EnvoyFilter switch are read.
        XCTAssertEqual(implied("1.8.6").map(\.kind), ["Gateway", "DestinationRule"])
        XCTAssertEqual(implied("1.8.6").last?.spec?["host"]?.scalar, "*.mesh")
        // 1.7: the charts hard-code `global` and always render the filter.
        XCTAssertEqual(implied("1.7.8").map(\.kind), ["Gateway", "EnvoyFilter", "DestinationRule"])
        XCTAssertEqual(implied("1.7.8").last?.spec?["host"]?.scalar, "*.global")
        // 1.10+ renders nothing; neither does 1.0.
        XCTAssertEqual(implied("1.10.2").count, 0)
        XCTAssertEqual(implied("1.0.6").count, 0)
        // Unknown version: rendered with the values as written.
        XCTAssertEqual(implied("latest").map(\.kind), ["Gateway", "DestinationRule"])
        // No ingress gateway: no preconfigured template.
        XCTAssertEqual(graph(["c/iop.yaml": """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        spec:
          components:
            ingressGateways:
            - name: istio-ingressgateway
              enabled: false
          values:
            global:
              multiCluster:
                enabled: true
        """]).traffic.implied[0].count, 0)
        XCTAssertEqual(graph(["c/values.yaml": "global:\n  multiCluster:\n    enabled: false\n"]).traffic.implied[0].count, 0)
    }

    func testVersionParsing() {
        XCTAssertEqual(IstioVersion("1.6.13"), IstioVersion(major: 1, minor: 6))
        XCTAssertEqual(IstioVersion("release-1.7-latest"), IstioVersion(major: 1, minor: 7))
        XCTAssertEqual(IstioVersion("v1.10.0-distroless"), IstioVersion(major: 1, minor: 10))
        XCTAssertNil(IstioVersion("latest"))
        XCTAssertTrue(IstioVersion("1.9.9")! < IstioVersion("1.10.0")!)
    }

    // MARK: host matching and DestinationRule selection

    func testHostMatching() {
        XCTAssertTrue(IstioHost.matches(pattern: "*.global", host: "httpbin.bar.global"))
        XCTAssertTrue(IstioHost.matches(pattern: "*.bar.global", host: "httpbin.bar.global"))
        XCTAssertTrue(IstioHost.matches(pattern: "*", host: "httpbin.bar.global"))
        XCTAssertTrue(IstioHost.matches(pattern: "httpbin.bar.global", host: "HTTPBIN.bar.global"))
        XCTAssertTrue(IstioHost.matches(pattern: "*.global", host: "*.bar.global"))
        XCTAssertFalse(IstioHost.matches(pattern: "*.bar.global", host: "*.global"))
        XCTAssertFalse(IstioHost.matches(pattern: "*.global", host: "global"))
        XCTAssertFalse(IstioHost.matches(pattern: "*.global", host: "httpbin.bar.globals"))
        XCTAssertFalse(IstioHost.matches(pattern: "httpbin.bar.global", host: "*.global"))
        XCTAssertGreaterThan(IstioHost.specificity("a.b.global"), IstioHost.specificity("*.b.global"))
        XCTAssertGreaterThan(IstioHost.specificity("*.b.global"), IstioHost.specificity("*.global"))
        XCTAssertEqual(IstioHost.qualified("reviews", namespace: "bookinfo", domain: "cluster.local"), "reviews.bookinfo.svc.cluster.local")
        XCTAssertEqual(IstioHost.qualified("httpbin.bar.global", namespace: "foo", domain: "cluster.local"), "httpbin.bar.global")
    }

    func destinationRule(_ name: String, _ ns: String, host: String, mode: String?, exportTo: [String]? = nil) -> String {
        var s = """
        apiVersion: networking.istio.io/v1alpha3
        kind: DestinationRule
        metadata:
          name: \(name)
          namespace: \(ns)
        spec:
          host: "\(host)"

        """
        if let exportTo { s += "  exportTo: [\(exportTo.map { "\"\($0)\"" }.joined(separator: ", "))]\n" }
        if let mode { s += "  trafficPolicy:\n    tls:\n      mode: \(mode)\n" }
        return s
    }

    func testMostSpecificHostWinsWithinANamespaceStep() {
        let g = graph(["east/dr.yaml": [
            destinationRule("all-global", "istio-system", host: "*.global", mode: "ISTIO_MUTUAL"),
            destinationRule("bar-global", "istio-system", host: "*.bar.global", mode: "DISABLE"),
            destinationRule("httpbin", "istio-system", host: "httpbin.bar.global", mode: "SIMPLE"),
        ].joined(separator: "---\n")])
        let drs = g.traffic.destinationRules[0]
        XCTAssertEqual(drs.rootNamespace, "istio-system")
        XCTAssertEqual(drs.candidates(host: "httpbin.bar.global", client: "foo", serviceNamespace: "foo").map(\.resource.name),
                       ["httpbin", "bar-global", "all-global"])
        XCTAssertEqual(drs.applying(host: "details.bar.global", client: "foo", serviceNamespace: "foo")?.resource.name, "bar-global")
        XCTAssertEqual(drs.applying(host: "reviews.bookinfo.global", client: "foo", serviceNamespace: "foo")?.resource.name, "all-global")
    }

    func testClientNamespaceThenServiceNamespaceThenRootHonouringExportTo() {
        let g = graph(["east/dr.yaml": [
            destinationRule("root", "istio-system", host: "httpbin.bar.global", mode: "ISTIO_MUTUAL"),
            destinationRule("client-wildcard", "foo", host: "*.global", mode: "DISABLE", exportTo: ["."]),
            destinationRule("se-ns", "sebox", host: "*.global", mode: "SIMPLE", exportTo: ["qux"]),
            destinationRule("private-root", "istio-system", host: "*.global", mode: "ISTIO_MUTUAL", exportTo: ["."]),
        ].joined(separator: "---\n")])
        let drs = g.traffic.destinationRules[0]
        // In the client's own namespace even a private wildcard beats an exact host in the root namespace.
        XCTAssertEqual(drs.applying(host: "httpbin.bar.global", client: "foo", serviceNamespace: "sebox")?.resource.name, "client-wildcard")
        // The service's namespace only counts when exported to the client.
        XCTAssertEqual(drs.applying(host: "httpbin.bar.global", client: "qux", serviceNamespace: "sebox")?.resource.name, "se-ns")
        XCTAssertEqual(drs.applying(host: "httpbin.bar.global", client: "baz", serviceNamespace: "sebox")?.resource.name, "root")
        // A private root rule is invisible to other namespaces.
        XCTAssertNil(drs.applying(host: "details.bar.global", client: "baz", serviceNamespace: "sebox"))
        XCTAssertEqual(drs.namespaces(matching: "httpbin.bar.global"), ["foo", "istio-system", "sebox"])
    }

    func testRootNamespaceFromMeshConfig() {
        let g = graph(["east/iop.yaml": """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        spec:
          meshConfig:
            rootNamespace: istio-config
        """])
        XCTAssertEqual(g.traffic.destinationRules[0].rootNamespace, "istio-config")
    }

    // MARK: cross-cluster ServiceEntries

    static func serviceEntry(_ host: String, address: String, ns: String = "foo", location: String = "MESH_INTERNAL") -> String {
        """
        apiVersion: networking.istio.io/v1alpha3
        kind: ServiceEntry
        metadata:
          name: se
          namespace: \(ns)
        spec:
          hosts:
          - \(host)
          - other.example.com
          location: \(location)
          ports:
          - name: http1
            number: 8000
          resolution: DNS
          endpoints:
          - address: \(address)
            ports:
              http1: 15443
          - address: istio-egressgateway.istio-system.svc.cluster.local
            ports:
              http1: 15443

        """
    }

    func testEndpointAddressesLeadToTheClusterOwningThem() {
        let g = graph([
            "meshlint.yaml": """
            apiVersion: meshlint/v1
            kind: ConfigSet
            clusters:
            - name: east
              paths: ["east/**"]
            - name: west
              paths: ["west/**"]
              gatewayAddresses: ["west-gw.example.com"]
            - name: north
              paths: ["north/**"]
            """,
            "east/se.yaml": Self.serviceEntry("httpbin.bar.global", address: "203.0.113.9"),
            "east/se2.yaml": Self.serviceEntry("Details.Bar.Global", address: "WEST-GW.example.com"),
            "east/egress.yaml": """
            apiVersion: v1
            kind: Service
            metadata:
              name: istio-egressgateway
              namespace: istio-system
            spec:
              clusterIP: 10.96.0.20
            """,
            "north/lb.yaml": """
            apiVersion: v1
            kind: Service
            metadata:
              name: istio-ingressgateway
              namespace: istio-system
              labels:
                istio: ingressgateway
            spec:
              type: LoadBalancer
              ports:
              - name: tls
                port: 15443
                nodePort: 31443
            status:
              loadBalancer:
                ingress:
                - ip: 203.0.113.9
            """,
            "north/ext.yaml": Self.serviceEntry("x.y.global", address: "1.2.3.4", location: "MESH_EXTERNAL"),
        ], manifest: "meshlint.yaml")
        let entries = g.traffic.crossClusterEntries[0]
        XCTAssertEqual(entries.count, 2)
        XCTAssertEqual(entries.flatMap { $0.hosts.map(\.host.value) }.sorted(), ["Details.Bar.Global", "httpbin.bar.global"])
        let httpbin = entries.first { $0.hosts[0].host.value == "httpbin.bar.global" }!
        XCTAssertEqual(httpbin.addressedClusters, [2])
        XCTAssertEqual(httpbin.hosts[0].service?.name, "httpbin")
        XCTAssertEqual(httpbin.hosts[0].service?.namespace, "bar")
        XCTAssertTrue(httpbin.endpoints[1].isLocal, "the local egress gateway of the egress-gateway variant")
        XCTAssertFalse(httpbin.endpoints[0].isLocal)
        let details = entries.first { $0.hosts[0].host.value != "httpbin.bar.global" }!
        XCTAssertEqual(details.addressedClusters, [1], "host names compare case-insensitively")
        XCTAssertEqual(details.endpoints[0].gatewayMatches.first?.source, "meshlint.yaml gatewayAddresses")
        XCTAssertTrue(g.traffic.crossClusterEntries[2].isEmpty, "MESH_EXTERNAL entries are not cross-cluster calls")
        let north = g.traffic.gatewayServices[2].first!
        XCTAssertEqual(north.ports(serving: 15443).first?.nodePort?.value, 31443)
        XCTAssertEqual(CrossClusterServiceEntries.serviceName("a.b.global", suffix: "global")?.name, "a")
        XCTAssertNil(CrossClusterServiceEntries.serviceName("a.global", suffix: "global"))
        XCTAssertNil(CrossClusterServiceEntries.serviceName("a.b.svc.cluster.global", suffix: "global"))
        XCTAssertNil(CrossClusterServiceEntries.serviceName("*.b.global", suffix: "global"))
    }

    func testInstallDeclaredGatewaysAndMeshNetworks() {
        let g = graph(["c/iop.yaml": """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        spec:
          components:
            ingressGateways:
            - name: istio-eastwestgateway
              label:
                istio: eastwestgateway
              enabled: true
              k8s:
                service:
                  loadBalancerIP: 198.51.100.20
                  ports:
                  - name: tls
                    port: 15443
                    targetPort: 15443
          values:
            global:
              meshNetworks:
                network2:
                  endpoints:
                  - fromRegistry: c2
                  gateways:
                  - address: 198.51.100.20
                    port: 15443
        """,
        "c/istio-cm.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: istio
          namespace: istio-system
        data:
          meshNetworks: |-
            networks:
              network1:
                gateways:
                - registryServiceName: istio-eastwestgateway.istio-system.svc.cluster.local
                  port: 443
        """])
        let gw = g.traffic.gatewayServices[0]
        XCTAssertEqual(gw.map(\.name), ["istio-eastwestgateway"])
        XCTAssertEqual(gw[0].labels["istio"], "eastwestgateway")
        XCTAssertEqual(gw[0].addresses.map(\.value), ["198.51.100.20"])
        XCTAssertEqual(g.traffic.addressOwners["198.51.100.20"]?.map(\.cluster), [0])
        let mn = g.traffic.meshNetworkGateways[0]
        XCTAssertEqual(mn.map(\.network), ["network2", "network1"])
        XCTAssertEqual(mn.map { $0.port?.value }, [15443, 443])
        XCTAssertEqual(mn[0].fieldPath, "spec.values.global.meshNetworks.network2.gateways[0].port")
        XCTAssertEqual(mn[1].port?.node.position, SourcePosition(line: 12, column: 17), "inside the ConfigMap's literal block")
    }

    // MARK: YAML helpers

    func testScalarTextLayout() {
        let f = YAMLParser.parse(bytes: Array("data:\n  a: |\n    x y\n      z\n  b: 'q r'\n  c: plain text\n  d: >\n    folded\n".utf8), path: "t.yaml")
        let data = f.roots[0]["data"]!
        let a = ScalarTextLayout(host: data["a"]!, key: data.keyNode("a"))
        XCTAssertTrue(a.isMapped)
        XCTAssertEqual(a.position(line: 1, column: 2), SourcePosition(line: 4, column: 7))
        let b = ScalarTextLayout(host: data["b"]!, key: data.keyNode("b"))
        XCTAssertEqual(b.position(line: 0, column: 2), SourcePosition(line: 5, column: 9))
        let c = ScalarTextLayout(host: data["c"]!, key: data.keyNode("c"))
        XCTAssertEqual(c.position(line: 0, column: 6), SourcePosition(line: 6, column: 12))
        let d = ScalarTextLayout(host: data["d"]!, key: data.keyNode("d"))
        XCTAssertFalse(d.isMapped)
        XCTAssertEqual(d.position(line: 0, column: 3), data["d"]!.position)
    }

    func testRenderedDocumentsSitAtTheAnchor() {
        let src = YAMLParser.parse(bytes: Array("a:\n  b: true\n".utf8), path: "install.yaml")
        let anchor = src.roots[0].at("a", "b")!
        let f = YAMLParser.parseRendered("x: 1\ny:\n  - z\n---\nw: 2\n", anchoredAt: anchor)
        XCTAssertEqual(f.path, "install.yaml")
        XCTAssertEqual(f.roots.count, 2)
        XCTAssertEqual(f.roots[0].at("y")?.items.first?.position, SourcePosition(line: 2, column: 6))
        XCTAssertEqual(f.roots[1]["w"]?.int, 2)
        XCTAssertEqual(f.documents[1].position, SourcePosition(line: 2, column: 6))
    }
}
