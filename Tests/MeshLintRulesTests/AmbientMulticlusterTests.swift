import XCTest
@testable import MeshLint

/// Ambient multicluster facts and rules (issue 11): service scope read from every place that
/// states it, label-selector semantics, waypoint bindings, and the hand-offs between the older
/// rules and the ambient ones (MC304 → MC306, MC604 → MC705, MC402 → MC702).
final class AmbientMulticlusterTests: XCTestCase {
    func lint(_ files: [String: String], rules: [String]) -> LintReport {
        try! Linter(only: rules).lint(documents: files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                      options: LoadOptions(parallel: false))
    }

    func keys(_ r: LintReport) -> [String] { r.findings.map { "\($0.rule) \($0.severity.rawValue) \($0.cluster ?? "-") \($0.file):\($0.line)" } }

    func testServiceScopeIsReadFromEveryPlaceThatStatesIt() {
        let custom = """
            serviceScopeConfigs:
            - namespaceSelector: {matchLabels: {shared: "yes"}}
              servicesSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [internal]}]}
              scope: GLOBAL
            """
        let cases: [(String, [String: String], String)] = [
            ("ambient profile default", ["c/iop.yaml": "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {profile: ambient}\n"],
             "GLOBAL ns[] svc[istio.io/global In (true)]"),
            ("IstioOperator meshConfig", ["c/iop.yaml": "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  profile: ambient\n  meshConfig:\n" + custom.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"],
             "GLOBAL ns[shared=yes] svc[tier NotIn (internal)]"),
            ("Helm values", ["c/istiod.yaml": "profile: ambient\nglobal: {network: n1}\nmeshConfig:\n" + custom.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"],
             "GLOBAL ns[shared=yes] svc[tier NotIn (internal)]"),
            ("rendered ConfigMap", ["c/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: istio, namespace: istio-system}\ndata:\n  mesh: |-\n" + custom.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"],
             "GLOBAL ns[shared=yes] svc[tier NotIn (internal)]"),
            ("sidecar install", ["c/iop.yaml": "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {}\n"], ""),
        ]
        for (name, files, canonical) in cases {
            let g = lint(files, rules: ["MC703"]).graph
            XCTAssertEqual(g.ambient.scope[0].canonical, canonical, name)
        }
        // The rendered scope points inside the embedded mesh config.
        let g = lint(cases[3].1, rules: ["MC703"]).graph
        XCTAssertEqual(g.ambient.scope[0].source?.node.line, 6)
    }

    func testScopeSelectorsUseKubernetesSemanticsOverServiceAndNamespaceLabels() {
        let files = [
            "c/iop.yaml": """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            spec:
              profile: ambient
              meshConfig:
                serviceScopeConfigs:
                - namespaceSelector: {matchLabels: {shared: "yes"}}
                  servicesSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [internal]}, {key: app, operator: Exists}]}
                  scope: GLOBAL
            """,
            "c/ns.yaml": """
            apiVersion: v1
            kind: Namespace
            metadata: {name: a, labels: {shared: "yes"}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: b}
            """,
            "c/svc.yaml": """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: a, labels: {app: web}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: db, namespace: a, labels: {app: db, tier: internal}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: b, labels: {app: web}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: bare, namespace: a}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: gone, namespace: elsewhere, labels: {app: gone}}
            """,
        ]
        let g = lint(files, rules: ["MC703"]).graph
        let scope = g.ambient.scope[0]
        let global = g.resources("Service", in: 0).filter { g.isGlobal($0, by: scope) }.map { "\($0.namespace)/\($0.name)" }
        XCTAssertEqual(global, ["a/web"])
        // The configs select by Namespace labels: a Service whose Namespace the set lacks has an
        // unknown scope, and the rules leave it alone.
        XCTAssertEqual(g.resources("Service", in: 0).filter { !g.scopeIsKnown($0, by: scope) }.map(\.name), ["gone"])
    }

    func testWaypointBindingComesFromTheServiceElseItsNamespace() {
        let files = [
            "c/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {istio.io/use-waypoint: ns-wp}}\n",
            "c/svc.yaml": """
            apiVersion: v1
            kind: Service
            metadata: {name: own, namespace: a, labels: {istio.io/use-waypoint: svc-wp, istio.io/use-waypoint-namespace: shared}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: inherits, namespace: a}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: optout, namespace: a, labels: {istio.io/use-waypoint: none}}
            """,
        ]
        let g = lint(files, rules: ["MC704"]).graph
        let uses = g.resources("Service", in: 0).map { s in "\(s.name)=\(g.waypointUse(of: s).map { $0.key ?? "none" } ?? "-")" }
        XCTAssertEqual(uses, ["own=shared/svc-wp", "inherits=a/ns-wp", "optout=none"])
    }

    /// The two-network ambient install of the docs: ModernGatewaysTests' primaries with profile
    /// ambient, istiod's AMBIENT_ENABLE_MULTI_NETWORK (value per cluster, line 11) and the
    /// `gen-eastwest-gateway.sh --ambient` Gateway.
    static func ambientMesh(env: [String] = ["true", "true"]) -> [String: String] {
        var out = ModernGatewaysTests.primaries(profile: "ambient", extra: """
              components:
                pilot:
                  k8s:
                    env:
                    - name: AMBIENT_ENABLE_MULTI_NETWORK
                      value: "ENV"

            """)
        for i in 1...2 {
            out["cluster\(i)/iop.yaml"] = out["cluster\(i)/iop.yaml"]!.replacingOccurrences(of: "ENV", with: env[i - 1])
            out["cluster\(i)/ew.yaml"] = ModernGatewaysTests.gatewayAPI("network\(i)", cls: "istio-east-west", listener: ModernGatewaysTests.hbone)
        }
        return out
    }

    static let ambientRules = ["MC306", "MC407", "MC701", "MC702", "MC703", "MC704", "MC705", "MC706", "MC402", "MC604", "MC304"]

    func testTheDocumentedAmbientMeshIsCleanAndEachFlagValueIsJudged() {
        XCTAssertEqual(keys(lint(Self.ambientMesh(), rules: Self.ambientRules)), [])
        let off = lint(Self.ambientMesh(env: ["true", "false"]), rules: ["MC701"])
        XCTAssertEqual(keys(off), ["MC701 error cluster2 cluster2/iop.yaml:11"])
        XCTAssertEqual(off.findings[0].related.map(\.cluster), ["cluster1", "cluster2"])
    }

    func testRenderedIstiodEnvIsWhereTheFlagIsReported() {
        var files = Self.ambientMesh()
        files["cluster2/iop.yaml"] = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: istiod, namespace: istio-system, labels: {app: istiod}}
        spec:
          template:
            spec:
              containers:
              - name: discovery
                image: docker.io/istio/pilot:1.29.1
                env:
                - name: PILOT_ENABLE_AMBIENT
                  value: "true"
                - name: CLUSTER_ID
                  value: cluster2
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: istio-system, labels: {topology.istio.io/network: network2}}
        """
        XCTAssertEqual(keys(lint(files, rules: ["MC701"])), ["MC701 error cluster2 cluster2/iop.yaml:10"])
    }

    func testScopeConfigFindingsAreWarnings() {
        var files = Self.ambientMesh()
        files["cluster2/iop.yaml"] = files["cluster2/iop.yaml"]!.replacingOccurrences(of: "  profile: ambient\n", with: """
          profile: ambient
          meshConfig:
            serviceScopeConfigs: []

        """)
        XCTAssertEqual(keys(lint(files, rules: ["MC703"])), ["MC703 warning cluster2 cluster2/iop.yaml:7"])
    }

    func testMixedDataPlanesNeedBothGatewaysButEachRuleReportsItsOwnSide() {
        // A sidecar-only network with only an HBONE gateway is MC402's, not MC407's.
        var files = Self.ambientMesh()
        for i in 1...2 {
            files["cluster\(i)/iop.yaml"] = files["cluster\(i)/iop.yaml"]!.replacingOccurrences(of: "  profile: ambient\n", with: "")
            files["cluster\(i)/ns.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata: {name: sample, labels: {istio-injection: enabled}}\n"
        }
        XCTAssertEqual(lint(files, rules: ["MC402", "MC407"]).findings.map(\.rule), ["MC402", "MC402"])
    }

    func testIstiodOnTheAmbientGatewayIsJudgedOnlyWithAKnownVersionBefore130() {
        let istiod = "\n  - name: tls-istiod\n    port: 15012\n    protocol: TLS\n    tls: {mode: Passthrough}"
        func files(tag: String?) -> [String: String] {
            var f = Self.ambientMesh()
            f["cluster1/ew.yaml"]! += istiod
            if let tag { f["cluster1/iop.yaml"] = f["cluster1/iop.yaml"]!.replacingOccurrences(of: "  profile: ambient\n", with: "  profile: ambient\n  tag: \(tag)\n") }
            return f
        }
        XCTAssertEqual(keys(lint(files(tag: nil), rules: ["MC706"])), [], "no version stated: not judged")
        XCTAssertEqual(keys(lint(files(tag: "1.30.1"), rules: ["MC706"])), [])
        XCTAssertEqual(keys(lint(files(tag: "1.29.3"), rules: ["MC706"])), ["MC706 warning cluster1 cluster1/ew.yaml:18"])
    }

    func testMultiNetworkFlagOnHelmValuesWithoutTheProfileIsNotJudged() {
        // `helm install istiod --set profile=ambient -f values.yaml` keeps the profile out of the file.
        var files = Self.ambientMesh()
        files["cluster2/iop.yaml"] = "env:\n  AMBIENT_ENABLE_MULTI_NETWORK: \"true\"\nglobal:\n  meshID: mesh1\n  multiCluster: {clusterName: cluster2}\n  network: network2\n"
        XCTAssertEqual(keys(lint(files, rules: ["MC701"])), [])
    }

    func testAnAmbientNetworkCalledOnlyBySidecarsIsNotMC702s() {
        var files = Self.ambientMesh()
        files["cluster1/iop.yaml"] = files["cluster1/iop.yaml"]!.replacingOccurrences(of: "  profile: ambient\n", with: "")
        files["cluster1/ns.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata: {name: sample, labels: {istio-injection: enabled}}\n"
        let rules = ["MC402", "MC407", "MC702"]
        // Sidecars cannot use network2's HBONE gateway: MC407, not MC702.
        XCTAssertEqual(keys(lint(files, rules: rules)).filter { $0.contains("cluster2") }, ["MC407 warning cluster2 cluster2/ew.yaml:11"])
        // Without any gateway in network2 the sidecars' missing way in is MC402's.
        files["cluster2/ew.yaml"] = nil
        XCTAssertEqual(lint(files, rules: rules).findings.filter { $0.cluster == "cluster2" }.map(\.rule), ["MC402"])
    }
}
