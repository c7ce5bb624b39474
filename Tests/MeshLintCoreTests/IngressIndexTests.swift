import XCTest
@testable import MeshLintCore

/// Gateway workloads, SNI rewrite filters, who must take cross-cluster traffic in, ServiceEntry
/// addresses and the hosts applications resolve (the graph behind MC104, MC402, MC403, MC603, MC604).
final class IngressIndexTests: XCTestCase {
    func graph(_ files: [String: String], manifest: String? = nil) -> MeshGraph {
        let set = ConfigSetLoader(options: LoadOptions(manifestPath: manifest, parallel: false))
            .load(documents: files.map { ($0.key, $0.value) })
        return MeshGraph(set: set)
    }

    func cluster(_ g: MeshGraph, _ name: String) -> Int { g.set.clusters.first { $0.name == name }!.index }

    static func serviceEntry(_ name: String, _ host: String, address: String = "240.0.0.2", endpoint: String = "203.0.113.20",
                             namespace: String = "foo", exportTo: String? = nil) -> String {
        """
        apiVersion: networking.istio.io/v1alpha3
        kind: ServiceEntry
        metadata:
          name: \(name)
          namespace: \(namespace)
        spec:
          hosts: [\(host)]
        \(exportTo.map { "  exportTo: [\"\($0)\"]\n" } ?? "")  location: MESH_INTERNAL
          ports: [{name: http1, number: 8000, protocol: http}]
          resolution: DNS
          addresses: [\(address)]
          endpoints: [{address: \(endpoint), ports: {http1: 15443}}]
        """
    }

    static let httpbin = "apiVersion: v1\nkind: Service\nmetadata:\n  name: httpbin\n  namespace: bar\n"

    // MARK: gateway workloads

    func testInstallsDeclareAndDefaultTheirGateways() {
        let g = graph([
            "a/iop.yaml": """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            metadata: {name: a, namespace: istio-system}
            spec:
              tag: 1.8.6
              components:
                ingressGateways:
                - name: istio-eastwestgateway
                  enabled: true
                  k8s:
                    env:
                    - {name: ISTIO_META_ROUTER_MODE, value: sni-dnat}
                    service:
                      ports: [{name: tls, port: 15443, targetPort: 15443}]
              values:
                gateways:
                  istio-ingressgateway:
                    env: {ISTIO_META_ROUTER_MODE: standard}
            """,
            "b/eastwest.yaml": """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            metadata: {name: eastwest, namespace: istio-system}
            spec:
              profile: empty
              components:
                ingressGateways:
                - name: istio-eastwestgateway
                  label: {istio: eastwestgateway, topology.istio.io/network: network2}
                  enabled: true
            """,
            "c/values.yaml": "global:\n  tag: 1.1.7\n  multiCluster:\n    enabled: true\n",
            "d/values.yaml": "global:\n  multiCluster:\n    enabled: true\ngateways:\n  istio-ingressgateway:\n    enabled: false\n",
        ])
        let a = g.ingress.workloads[cluster(g, "a")]
        XCTAssertEqual(a.map(\.name).sorted(), ["istio-eastwestgateway", "istio-ingressgateway"], "the default profile adds the ingress gateway")
        let eastwest = a.first { $0.name == "istio-eastwestgateway" }!
        XCTAssertEqual(eastwest.labels, ["istio": "eastwestgateway", "app": "istio-eastwestgateway"], "default labels by name")
        XCTAssertEqual(eastwest.routerMode?.value, "sni-dnat")
        XCTAssertTrue(eastwest.exposes(15443))
        XCTAssertFalse(eastwest.exposes(443))
        let ingress = a.first { $0.name == "istio-ingressgateway" }!
        XCTAssertEqual(ingress.origin, .installDefault)
        XCTAssertEqual(ingress.routerMode?.value, "standard", "values.gateways.istio-ingressgateway.env")
        XCTAssertTrue(ingress.exposes(15443), "the chart's default ports include 15443")

        let relabelled = graph(["x/iop.yaml": """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            metadata: {name: x, namespace: istio-system}
            spec:
              components:
                ingressGateways:
                - {name: istio-ingressgateway, enabled: true, label: {topology.istio.io/network: network1}}
                - {name: istio-ingressgateway-internal, enabled: true, label: {app: internal}}
            """]).ingress.workloads[0]
        XCTAssertEqual(relabelled.map { $0.labels["istio"] }, ["ingressgateway", "ingressgateway"],
                       "an IstioOperator component's labels are merged over the ingress chart's defaults")
        XCTAssertEqual(relabelled[1].labels["app"], "internal")

        let b = g.ingress.workloads[cluster(g, "b")]
        XCTAssertEqual(b.map(\.name), ["istio-eastwestgateway"], "profile empty renders no ingress gateway")
        XCTAssertEqual(b[0].labels["topology.istio.io/network"], "network2")

        let c = g.ingress.workloads[cluster(g, "c")]
        XCTAssertEqual(c.map(\.origin), [.installDefault], "1.1–1.4 Helm charts render istio-ingressgateway")
        XCTAssertEqual(g.defaultRouterMode(in: cluster(g, "c")), "sni-dnat")
        XCTAssertEqual(g.defaultRouterMode(in: cluster(g, "a")), "standard")
        let modes = graph([
            "v17/iop.yaml": "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: a}\nspec:\n  tag: 1.7.8\n",
            "v17mc/iop.yaml": "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: a}\nspec:\n  tag: 1.7.8\n  values: {global: {multiCluster: {enabled: true}}}\n",
            "v111/iop.yaml": "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: a}\nspec:\n  tag: 1.11.4\n",
        ])
        XCTAssertEqual(["v17", "v17mc", "v111"].map { modes.defaultRouterMode(in: cluster(modes, $0)) }, ["standard", "sni-dnat", nil])
        XCTAssertEqual(g.ingress.workloads[cluster(g, "d")].count, 0, "disabled in the values")
        XCTAssertTrue(g.ingress.describesGateways[cluster(g, "d")])
    }

    func testServiceObjectsAndDeploymentsAreWorkloads() {
        let g = graph([
            "west/gw.yaml": """
            apiVersion: v1
            kind: Service
            metadata:
              name: istio-ingressgateway
              namespace: istio-system
              labels: {app: istio-ingressgateway}
            spec:
              selector: {app: istio-ingressgateway, istio: ingressgateway}
              ports: [{name: http2, port: 80}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: istio-ingressgateway, namespace: istio-system}
            spec:
              template:
                metadata:
                  labels: {app: istio-ingressgateway, istio: ingressgateway}
                spec:
                  containers:
                  - name: istio-proxy
                    env: [{name: ISTIO_META_ROUTER_MODE, value: sni-dnat}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: reviews, namespace: bookinfo}
            spec:
              template:
                metadata:
                  labels: {app: reviews}
            """,
        ])
        let w = g.ingress.workloads[0]
        XCTAssertEqual(w.map(\.origin), [.serviceObject, .deployment], "reviews is no gateway")
        XCTAssertEqual(w[0].labels["istio"], "ingressgateway", "a Service's selector counts as pod labels")
        XCTAssertFalse(w[0].exposes(15443))
        XCTAssertEqual(w[1].service?.name, "istio-ingressgateway", "the Service that selects the Deployment")
        XCTAssertEqual(w[1].routerMode?.value, "sni-dnat")
        XCTAssertEqual(g.gatewayWorkloads(matching: ["istio": "ingressgateway"], in: 0).count, 2)
        XCTAssertEqual(g.gatewayWorkloads(matching: ["istio": "eastwestgateway"], in: 0).count, 0)
    }

    func testGatewayChartValuesAreWorkloads() {
        let g = graph([
            "c1/istiod.yaml": "global:\n  network: network1\n",
            "c1/eastwest.yaml": """
            name: istio-eastwestgateway
            networkGateway: network1
            labels: {istio: eastwestgateway}
            service:
              ports: [{name: tls, port: 15443, targetPort: 15443}]
            """,
            "c2/gateway.yaml": """
            global: {hub: docker.io/istio}
            name: istio-ingress
            service: {type: LoadBalancer}
            env: {ISTIO_META_ROUTER_MODE: sni-dnat}
            """,
            "c3/notes.yaml": "owner: team-a\nservice: {tier: gold}\n",
        ])
        let c1 = g.ingress.workloads[cluster(g, "c1")]
        let chart = c1.first { $0.source.hasPrefix("gateway chart values") }!
        XCTAssertEqual(chart.labels, ["app": "istio-eastwestgateway", "istio": "eastwestgateway", "topology.istio.io/network": "network1"])
        XCTAssertTrue(chart.exposes(15443))
        XCTAssertEqual(chart.service?.env["ISTIO_META_REQUESTED_NETWORK_VIEW"]?.value, "network1")
        let c2 = g.ingress.workloads[cluster(g, "c2")]
        XCTAssertEqual(c2.map(\.labels["istio"]), ["ingress"], "a gateway chart values file with `global` is no full install")
        XCTAssertFalse(c2[0].exposes(15443), "the chart's default Service ports are 15021, 80 and 443")
        XCTAssertEqual(c2[0].routerMode?.value, "sni-dnat")
        XCTAssertEqual(g.ingress.workloads[cluster(g, "c3")].count, 0)
    }

    func testSNIRewriteFiltersWrittenAndImplied() {
        let g = graph([
            "gke/values.yaml": "global:\n  tag: 1.1.7\n  multiCluster:\n    enabled: true\n",
            "east/iop.yaml": """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            metadata: {name: east, namespace: istio-system}
            spec:
              tag: 1.8.6
              values:
                global:
                  multiCluster: {enabled: true, includeEnvoyFilter: false}
            """,
            "east/filter.yaml": """
            apiVersion: networking.istio.io/v1alpha3
            kind: EnvoyFilter
            metadata: {name: rewrite, namespace: istio-system}
            spec:
              workloadSelector:
                labels: {istio: ingress-mc}
              configPatches:
              - applyTo: NETWORK_FILTER
                patch:
                  value:
                    name: envoy.filters.network.tcp_cluster_rewrite
                    config: {cluster_pattern: "\\\\.global$", cluster_replacement: ".svc.cluster.local"}
            """,
        ])
        let gke = g.ingress.sniRewriteFilters[cluster(g, "gke")]
        XCTAssertEqual(gke.count, 1, "the 1.1 chart's filter (workloadLabels, filterName)")
        XCTAssertEqual(gke[0].selector, ["istio": "ingressgateway"])
        XCTAssertEqual(gke[0].pattern?.value, #"\.global$"#)
        let east = g.ingress.sniRewriteFilters[cluster(g, "east")]
        XCTAssertEqual(east.map(\.resource.name), ["rewrite"], "includeEnvoyFilter: false renders none")
        XCTAssertEqual(east[0].selector, ["istio": "ingress-mc"])
        let workloads = g.ingress.workloads[cluster(g, "east")]
        XCTAssertEqual(g.sniRewriteFilters(reaching: workloads, in: cluster(g, "east")).count, 0)
    }

    // MARK: who must take traffic in

    func testGlobalReceiversByAddressAndByService() {
        let g = graph([
            "east/se.yaml": Self.serviceEntry("httpbin-bar", "httpbin.bar.global", endpoint: "west-lb.example.com"),
            "west/httpbin.yaml": Self.httpbin,
            "gke/se.yaml": """
            apiVersion: networking.istio.io/v1alpha3
            kind: ServiceEntry
            metadata: {name: reviews, namespace: foo}
            spec:
              hosts: [reviews.bookinfo.global]
              location: MESH_INTERNAL
              ports: [{name: http1, number: 9080}]
              endpoints:
              - {address: 198.51.100.7, network: external, ports: {http1: 15443}}
              - {address: istio-egressgateway.istio-system.svc.cluster.local, ports: {http1: 15443}}
            """,
            "onprem/gw.yaml": """
            apiVersion: v1
            kind: Service
            metadata: {name: istio-ingressgateway, namespace: istio-system, labels: {istio: ingressgateway}}
            spec:
              ports: [{name: tls, port: 15443}]
            status:
              loadBalancer:
                ingress: [{ip: 198.51.100.7}]
            """,
        ])
        let demands = g.ingressDemands()
        XCTAssertEqual(demands.map { g.name($0.clusters[0]) }, ["onprem", "west"].sorted { cluster(g, $0) < cluster(g, $1) })
        let west = demands.first { $0.clusters == [cluster(g, "west")] }!
        XCTAssertEqual(west.kind, .global(suffix: "global"))
        XCTAssertNil(west.senders[0].endpoint, "known from the Service the host names")
        let onprem = demands.first { $0.clusters == [cluster(g, "onprem")] }!
        XCTAssertEqual(onprem.senders.count, 1, "the local egress gateway endpoint is not a receiver")
        XCTAssertEqual(onprem.senders[0].endpoint?.address?.value, "198.51.100.7")
        XCTAssertFalse(g.ingress.usesEndpointDiscovery)
    }

    static func iop(_ name: String, network: String, profile: String? = nil) -> String {
        """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        metadata: {name: \(name), namespace: istio-system}
        spec:
        \(profile.map { "  profile: \($0)\n" } ?? "")  values:
            global:
              multiCluster: {clusterName: \(name)}
              network: \(network)
        """
    }

    static let eastwest = """
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

    static let exposeServices = """
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

    func testCrossNetworkDemandsAndTheRemotesConfigCluster() {
        let g = graph([
            "cluster1/iop.yaml": Self.iop("cluster1", network: "network1"),
            "cluster1/eastwest.yaml": Self.eastwest,
            "cluster1/expose.yaml": Self.exposeServices,
            "cluster2/iop.yaml": Self.iop("cluster2", network: "network2", profile: "remote"),
            "cluster2/eastwest.yaml": Self.eastwest,
            "cluster3/iop.yaml": Self.iop("cluster3", network: "${NETWORK}"),
            "cluster4/iop.yaml": "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nmetadata: {name: c4}\nspec: {}\n",
        ])
        XCTAssertTrue(g.ingress.usesEndpointDiscovery, "a remote profile means endpoint discovery")
        let demands = g.ingressDemands()
        XCTAssertEqual(demands.map(\.kind), [.crossNetwork(network: "network1"), .crossNetwork(network: "network2")],
                       "a placeholder network and no network at all are left out")
        XCTAssertEqual(demands[1].callers, [cluster(g, "cluster1")])
        let remote = g.assessIngress(of: cluster(g, "cluster2"), for: demands[1].kind)
        XCTAssertTrue(remote.isWorking, "the primary's Gateway configures the remote's own east-west gateway")
        XCTAssertEqual(remote.working[0].server.gateway.clusterIndex, cluster(g, "cluster1"))
        XCTAssertEqual(remote.working[0].workloads[0].cluster, cluster(g, "cluster2"))
        XCTAssertTrue(g.assessIngress(of: cluster(g, "cluster1"), for: demands[0].kind).isWorking)
    }

    func testDataPlaneNetworkPrefersTheInstallOverTheManifest() {
        let g = graph([
            "meshlint.yaml": """
            apiVersion: meshlint/v1
            kind: ConfigSet
            clusters:
            - {name: cluster1, paths: ["cluster1/**"], network: network1}
            - {name: cluster2, paths: ["cluster2/**"], network: network1}
            """,
            "cluster2/iop.yaml": Self.iop("cluster2", network: "network2"),
        ], manifest: "meshlint.yaml")
        XCTAssertEqual(g.dataPlaneNetwork(1)?.value, "network2", "what the proxies report")
        XCTAssertEqual(g.networkName(1), "network1", "the manifest stays the effective fact elsewhere")
        XCTAssertEqual(g.dataPlaneNetwork(0)?.value, "network1", "the manifest when nothing else says")
    }

    // MARK: ServiceEntry addresses

    func testAddressReuseIsPerClusterAcrossNamespacesAndVisibility() {
        let g = graph([
            "east/a.yaml": Self.serviceEntry("httpbin-bar", "httpbin.bar.global"),
            "east/b.yaml": Self.serviceEntry("reviews", "reviews.bookinfo.global", namespace: "bookinfo"),
            "east/c.yaml": Self.serviceEntry("httpbin-bar", "httpbin.bar.global"),
            "east/d.yaml": Self.serviceEntry("ratings", "ratings.bookinfo.global", address: "240.0.0.3", namespace: "x", exportTo: "."),
            "east/e.yaml": Self.serviceEntry("details", "details.bookinfo.global", address: "240.0.0.3", namespace: "y", exportTo: "."),
            "west/a.yaml": Self.serviceEntry("sleep", "sleep.foo.global"),
        ])
        let east = cluster(g, "east")
        XCTAssertEqual(g.serviceEntryAddresses(in: east).map(\.value.node.file.path), ["east/a.yaml", "east/b.yaml", "east/c.yaml", "east/d.yaml", "east/e.yaml"])
        let reuses = g.serviceEntryAddressReuses(in: east)
        XCTAssertEqual(reuses.map { "\($0.later.resource.name)<-\($0.earlier.resource.name)" }, ["reviews<-httpbin-bar"],
                       "a copy of one object and entries no namespace sees together are no reuse")
        XCTAssertEqual(g.serviceEntryAddressReuses(in: cluster(g, "west")).count, 0)
    }

    func testLegacyAddressEraAndAutoAllocation() {
        let g = graph([
            "a/values.yaml": "global:\n  multiCluster:\n    enabled: true\n",
            "b/values.yaml": "global:\n  tag: 1.4.6\n",
            "c/values.yaml": "global:\n  tag: 1.1.7\n",
            "d/iop.yaml": """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            metadata: {name: d}
            spec:
              values:
                pilot:
                  env: {PILOT_ENABLE_IP_AUTOALLOCATE: "true"}
            """,
            "e/mesh.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: istio, namespace: istio-system}
            data:
              mesh: |
                defaultConfig:
                  proxyMetadata:
                    ISTIO_META_DNS_CAPTURE: "true"
                    ISTIO_META_DNS_AUTO_ALLOCATE: "true"
            """,
        ])
        XCTAssertEqual(["a", "b", "c", "d", "e"].map { g.usesLegacyGlobalAddresses(cluster(g, $0)) }, [true, false, true, false, false])
        XCTAssertNil(g.dnsAutoAllocation(in: cluster(g, "a")))
        XCTAssertEqual(g.dnsAutoAllocation(in: cluster(g, "d"))?.source, "IstioOperator default/d pilot.env.PILOT_ENABLE_IP_AUTOALLOCATE")
        XCTAssertEqual(g.dnsAutoAllocation(in: cluster(g, "e"))?.source, "ConfigMap istio-system/istio data.mesh")
    }

    // MARK: hosts applications resolve

    func testServiceNamesOfHosts() {
        let cases: [(String, (String, String)?)] = [
            ("reviews", ("reviews", "bookinfo")),
            ("reviews.other", ("reviews", "other")),
            ("reviews.other.svc", ("reviews", "other")),
            ("Reviews.Other.svc.cluster.local.", ("reviews", "other")),
            ("reviews.other.svc.east.local", nil),
            ("api.payments.example.com", nil),
            ("*.bookinfo.svc.cluster.local", nil),
            ("reviews..svc", nil),
        ]
        for (host, want) in cases {
            let got = MeshGraph.serviceName(host, namespace: "bookinfo", domain: "cluster.local")
            XCTAssertEqual(got.map { "\($0.name)/\($0.namespace)" }, want.map { "\($0.0)/\($0.1)" }, host)
        }
    }

    func testRoutedHostsSkipGatewaysEntriesAndGlobalNames() {
        let g = graph([
            "east/traffic.yaml": """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: a, namespace: bookinfo}
            spec:
              hosts: [reviews, "*.bookinfo.svc.cluster.local", 10.0.0.1, httpbin.bar.global]
              http: [{route: [{destination: {host: ratings}}]}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: b, namespace: bookinfo}
            spec:
              hosts: [details]
              gateways: [bookinfo-gateway]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: c, namespace: bookinfo}
            spec:
              hosts: [productpage]
              gateways: [bookinfo-gateway, mesh]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: d, namespace: bookinfo}
            spec:
              host: legacy.bookinfo.svc.cluster.local
            ---
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata: {name: legacy, namespace: bookinfo}
            spec:
              hosts: [legacy.bookinfo.svc.cluster.local]
            """,
        ])
        XCTAssertEqual(g.routedServiceHosts(in: 0).map { "\($0.fieldPath) \($0.serviceNamespace)/\($0.serviceName)" },
                       ["spec.hosts[0] bookinfo/reviews", "spec.hosts[0] bookinfo/productpage"])
    }
}
