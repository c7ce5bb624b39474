import Foundation
import XCTest
@testable import MeshLint
@testable import MeshLintCore
@testable import MeshLintRules

/// MC801 config-drift-across-primaries, MC804 cluster-local-hides-service and MC806
/// discovery-selectors-hide-remote: the structural comparison, the mesh config facts they read
/// (IstioOperator, Helm values, rendered `istio` ConfigMap), silence on the official set-ups and
/// the public samples, the corpus set, and a generated 1,000-primary mesh.
final class PolicyDriftRulesTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let corpus = packageRoot.appendingPathComponent("Corpus")
    static let rules = ["MC801", "MC804", "MC806"]

    func lint(_ files: [(String, String)], manifest: String? = nil) -> LintReport {
        try! Linter(only: Self.rules).lint(documents: files, options: LoadOptions(manifestPath: manifest, parallel: false))
    }

    func describe(_ findings: [Finding]) -> String {
        findings.map { "  \($0.rule) \($0.cluster ?? "-") \($0.file):\($0.line):\($0.column) \($0.message)" }.joined(separator: "\n")
    }

    static func primary(_ name: String, others: [String], meshConfig: String = "") -> String {
        var text = """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        spec:
        \(meshConfig)  values:
            global:
              meshID: mesh1
              multiCluster:
                clusterName: \(name)
              network: network1

        """
        for o in others {
            text += """
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              annotations:
                networking.istio.io/cluster: \(o)
              labels:
                istio/multiCluster: "true"
              name: istio-remote-secret-\(o)
              namespace: istio-system
            stringData:
              \(o): |
                apiVersion: v1
                kind: Config
                clusters:
                - cluster: {server: "https://api.\(o).example.com:6443"}
                  name: \(o)
                contexts:
                - context: {cluster: \(o), user: \(o)}
                  name: \(o)
                users:
                - name: \(o)
                  user: {token: PLACEHOLDER_TOKEN}

            """
        }
        return text
    }

    // MARK: structural diff

    func parse(_ text: String) -> YAMLNode {
        YAMLParser.parse(bytes: Array(text.utf8), path: "t.yaml").roots[0]
    }

    func testCanonicalIgnoresKeyOrderNullsAndBooleanSpelling() {
        let a = parse("b: 1\na: {x: True, y: [1, 2]}\nc: null\nd: []\n")
        let b = parse("a:\n  y: [1, 2]\n  x: true\nb: 1\n")
        XCTAssertEqual(StructuralDiff.canonical(a), StructuralDiff.canonical(b))
        XCTAssertNotEqual(StructuralDiff.canonical(parse("a: [1, 2]")), StructuralDiff.canonical(parse("a: [2, 1]")),
                          "list order is significant (routes and rules match in order)")
    }

    func testIdenticalTreesHaveTheSameCanonicalTextAndNearMissesAreNotIdentical() {
        // Written the same in two files: identical (the drift grouping skips their texts).
        let text = "a: {x: True, y: [1, 'two']}\nb: !!str 3\nc: &k {d: 1}\ne: *k\n"
        XCTAssertTrue(StructuralDiff.identical(parse(text), parse(text)))
        XCTAssertEqual(StructuralDiff.canonical(parse(text)), StructuralDiff.canonical(parse(text)))
        XCTAssertTrue(StructuralDiff.identical(nil, nil))
        // Any change of bytes, style, tag, order or shape is not identical, even where the
        // canonical text is the same (that case is then decided by the text).
        for other in ["a: {x: true, y: [1, 'two']}\nb: !!str 3\nc: &k {d: 1}\ne: *k\n",
                      "a: {x: True, y: [1, \"two\"]}\nb: !!str 3\nc: &k {d: 1}\ne: *k\n",
                      "a: {x: True, y: [1, 'two']}\nb: 3\nc: &k {d: 1}\ne: *k\n",
                      "a: {y: [1, 'two'], x: True}\nb: !!str 3\nc: &k {d: 1}\ne: *k\n",
                      "a: {x: True, y: [1, 'two']}\nb: !!str 3\nc: &k {d: 1}\ne: {d: 2}\n",
                      "a: {x: True, y: [1]}\nb: !!str 3\nc: &k {d: 1}\ne: *k\n"] {
            XCTAssertFalse(StructuralDiff.identical(parse(text), parse(other)), other)
        }
        XCTAssertFalse(StructuralDiff.identical(parse(text), nil))
    }

    func testCanonicalTextExpandsMergeKeysOrdersKeysAndQuotes() {
        let root = parse("""
        base: &b {z: 1, y: "it's"}
        m:
          <<: *b
          y: 2
          é: x
          b: ~
          a: [True, '', null, {}]
        n: {é: 1, e: 2}
        """)
        XCTAssertEqual(StructuralDiff.canonical(root),
                       "{'base':{'y':'it''s','z':'1',},'m':{'a':['true','',~,~,],'y':'2','z':'1','é':'x',},'n':{'e':'2','é':'1',},}")
        XCTAssertEqual(StructuralDiff.canonical(nil), "~")
    }

    func testDifferencesNameEveryFieldWithBothNodes() {
        let left = parse("""
        spec:
          host: reviews
          trafficPolicy:
            tls:
              mode: DISABLE
          subsets:
          - name: v2
            labels: {version: v2}
          - name: v1
            labels: {version: v1}
        """)
        let right = parse("""
        spec:
          host: reviews
          subsets:
          - name: v1
            labels: {version: v1}
          - name: v2
            labels: {version: v2}
          - name: v3
            labels: {version: v3}
          trafficPolicy:
            tls:
              mode: ISTIO_MUTUAL
        """)
        let d = StructuralDiff.differences(left["spec"]!, right["spec"]!, path: "spec")
        XCTAssertEqual(d.map(\.path), ["spec.subsets[name=v3]", "spec.trafficPolicy.tls.mode"],
                       "subsets match by name, whatever their order")
        XCTAssertNil(d[0].left)
        XCTAssertEqual(d[0].leftAnchor.line, 7, "a missing entry points at the list that lacks it")
        XCTAssertEqual(d[1].left?.scalar, "DISABLE")
        XCTAssertEqual(d[1].right?.scalar, "ISTIO_MUTUAL")
        XCTAssertEqual(d[1].right?.line, 12)
    }

    // MARK: mesh config sources

    func testMeshConfigIsReadFromHelmValuesAndTheRenderedConfigMap() {
        let report = lint([
            ("cluster1/istiod-values.yaml", """
            global:
              meshID: mesh1
              multiCluster:
                clusterName: cluster1
              network: network1
            meshConfig:
              discoverySelectors:
              - matchLabels:
                  team: a
              serviceSettings:
              - settings:
                  clusterLocal: true
                hosts:
                - "*.db.svc.cluster.local"
            """),
            ("cluster2/istio-configmap.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: istio
              namespace: istio-system
            data:
              mesh: |-
                discoverySelectors:
                - matchLabels:
                    team: b
                serviceSettings:
                - settings:
                    clusterLocal: false
                  hosts:
                  - "kubernetes.default.svc.cluster.local"
            """),
        ])
        let g = report.graph
        XCTAssertEqual(g.policy.meshConfigs[0].discoverySelectors?.canonical, "{team=a;}")
        XCTAssertEqual(g.policy.meshConfigs[0].clusterLocal.clusterLocalReason("mysql.db.svc.cluster.local").isLocal, true)
        XCTAssertEqual(g.policy.meshConfigs[0].clusterLocal.clusterLocalReason("kubernetes.default.svc.cluster.local").isLocal, true,
                       "built-in default")
        XCTAssertEqual(g.policy.meshConfigs[0].clusterLocal.clusterLocalReason("coredns.kube-system.svc.cluster.local").isLocal, true)
        XCTAssertEqual(g.policy.meshConfigs[0].clusterLocal.clusterLocalReason("reviews.bookinfo.svc.cluster.local").isLocal, false)
        let rendered = g.policy.meshConfigs[1]
        XCTAssertEqual(rendered.discoverySelectors?.canonical, "{team=b;}")
        XCTAssertEqual(rendered.discoverySelectors?.node.line, 9, "positions point inside the ConfigMap string")
        XCTAssertEqual(rendered.clusterLocal.clusterLocalReason("kubernetes.default.svc.cluster.local").isLocal, false,
                       "clusterLocal: false removes a default")
        XCTAssertEqual(rendered.clusterLocal.settings.first?.host.node.line, 15)
    }

    func testSelectorsFollowKubernetesSemantics() {
        let sel = parse("""
        - matchLabels: {team: a}
          matchExpressions:
          - {key: env, operator: NotIn, values: [dev]}
        - matchExpressions:
          - {key: kubernetes.io/metadata.name, operator: In, values: [istio-system]}
        """).items.compactMap(NamespaceSelector.read)
        XCTAssertEqual(sel.count, 2)
        let s = sel[0]
        XCTAssertTrue(s.matches(["team": "a"]), "NotIn matches a namespace without the key")
        XCTAssertFalse(s.matches(["team": "a", "env": "dev"]))
        XCTAssertFalse(s.matches(["env": "prod"]))
        XCTAssertTrue(sel[1].matches(["kubernetes.io/metadata.name": "istio-system"]))
        XCTAssertNil(NamespaceSelector.read(parse("matchExpressions: [{key: a, operator: Equals, values: [b]}]")),
                     "istiod rejects an unknown operator")
        XCTAssertTrue(NamespaceSelector.read(parse("{}"))!.matches([:]), "an empty selector matches everything")
        XCTAssertFalse(NamespaceSelector.read(parse("~"))!.matches([:]), "a null selector matches nothing (labels.Nothing)")
    }

    // MARK: quiet where config cannot drift

    func testOfficialSetsAndPublicSamplesAreQuiet() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
        var checked = 0
        for name in names where name.hasPrefix("official-") || name == "policy-drift-multi-primary-ok" {
            let report = try Linter(only: Self.rules).lint(paths: [Self.corpus.appendingPathComponent(name).path])
            XCTAssertEqual(report.findings, [], "\(name):\n" + describe(report.findings))
            checked += 1
        }
        XCTAssertGreaterThan(checked, 10)
        let samples = URL(fileURLWithPath: "/work/shared/reference/public-samples")
        let fixtures = Self.packageRoot.appendingPathComponent("Tests/Fixtures/public-samples")
        for root in [samples, fixtures] where FileManager.default.fileExists(atPath: root.path) {
            for dir in (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [] {
                let url = root.appendingPathComponent(dir)
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue else { continue }
                let report = try Linter(only: Self.rules).lint(paths: [url.path])
                XCTAssertEqual(report.findings, [], "\(url.path):\n" + describe(report.findings))
            }
        }
    }

    func testIdenticalCopiesInTheMultiPrimaryOkSetAreCompared() throws {
        let report = try Linter(only: Self.rules).lint(paths: [Self.corpus.appendingPathComponent("policy-drift-multi-primary-ok").path])
        XCTAssertEqual(report.graph.policy.configHolders.count, 2)
        XCTAssertEqual(report.graph.policy.drift.count, 0, "metadata noise (resourceVersion, uid, last-applied) is not drift")
        XCTAssertNotNil(report.graph.policy.meshConfigs[0].discoverySelectors)
    }

    // MARK: where a missing copy matters

    func testAMissingSelectorPolicyMattersOnlyWhereItSelectsAWorkload() {
        let policy = """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata:
          name: ledger-strict
          namespace: payments
        spec:
          selector:
            matchLabels:
              app: ledger
          mtls:
            mode: STRICT

        """
        func deployment(_ app: String) -> String {
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(app)
              namespace: payments
            spec:
              selector:
                matchLabels: {app: \(app)}
              template:
                metadata:
                  labels: {app: \(app), version: v1}
                spec:
                  containers:
                  - name: \(app)
                    image: example/\(app):1

            """
        }
        let base: [(String, String)] = [
            ("cluster1/istio.yaml", Self.primary("cluster1", others: ["cluster2"])),
            ("cluster1/policy.yaml", policy),
            ("cluster2/istio.yaml", Self.primary("cluster2", others: ["cluster1"])),
        ]
        XCTAssertEqual(lint(base + [("cluster2/apps.yaml", deployment("billing"))]).findings, [],
                       "cluster2 runs no ledger: the policy would select nothing there")
        let report = lint(base + [("cluster2/apps.yaml", deployment("ledger"))])
        XCTAssertEqual(report.findings.map(\.rule), ["MC801"], describe(report.findings))
        XCTAssertEqual(report.findings.first?.related.first?.file, "cluster2/apps.yaml")
        XCTAssertEqual(report.findings.first?.cluster, "cluster1")
    }

    func testARemoteUsesItsPrimarysClusterLocalHostsAndRouting() {
        let meshConfig = """
          meshConfig:
            serviceSettings:
            - settings:
                clusterLocal: true
              hosts:
              - "*.bookinfo.svc.cluster.local"

        """
        let report = lint([
            ("cluster1/istio.yaml", Self.primary("cluster1", others: ["cluster2"], meshConfig: meshConfig)),
            ("cluster1/bookinfo.yaml", """
            apiVersion: v1
            kind: Service
            metadata:
              name: ratings
              namespace: bookinfo
            spec:
              ports:
              - port: 9080
                name: http
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: ratings
              namespace: bookinfo
            spec:
              host: ratings.bookinfo.svc.cluster.local

            """),
            ("cluster2/istio.yaml", """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            spec:
              profile: remote
              values:
                global:
                  meshID: mesh1
                  multiCluster:
                    clusterName: cluster2
                  network: network1
                  remotePilotAddress: 172.18.0.3

            """),
        ])
        let f = report.findings
        XCTAssertEqual(f.map(\.rule), ["MC804"], describe(f))
        XCTAssertEqual(f.first?.cluster, "cluster1", "the DestinationRule lives in the primary")
        XCTAssertEqual(f.first?.file, "cluster1/bookinfo.yaml")
        XCTAssertTrue(f.first?.message.contains("for the proxies of its remote cluster2 too") == true, f.first?.message ?? "")
        XCTAssertEqual(report.graph.governingMeshConfigs(of: 1).map(\.istiod), [0])
    }

    // MARK: the corpus set

    func testCorpusSetNamesEveryClusterInvolved() throws {
        let report = try Linter(only: Self.rules).lint(paths: [Self.corpus.appendingPathComponent("policy-drift-three-primaries").path])
        let f = report.findings
        XCTAssertEqual(f.map(\.rule).sorted(), ["MC801", "MC801", "MC804", "MC804", "MC806"], describe(f))
        let drift = try XCTUnwrap(f.first { $0.rule == "MC801" && $0.cluster == "cluster2" })
        XCTAssertEqual(drift.fieldPath, "spec.subsets[name=v3]")
        XCTAssertTrue(drift.message.contains("`spec.trafficPolicy.tls.mode` is `DISABLE` here and `ISTIO_MUTUAL` in cluster1"), drift.message)
        XCTAssertEqual(Set(drift.related.compactMap(\.cluster)), ["cluster1", "cluster3"], "the reference and another primary with its content")
        let missing = try XCTUnwrap(f.first { $0.rule == "MC801" && $0.cluster == "cluster1" })
        XCTAssertEqual(missing.related.map(\.cluster), ["cluster3", "cluster2"], "the primary without it, then the other copy")
        XCTAssertTrue(missing.message.contains("exists in cluster1, cluster2 but not in cluster3"), missing.message)
        let hidden = try XCTUnwrap(f.first { $0.rule == "MC804" && $0.cluster == "cluster1" })
        XCTAssertEqual(Set(hidden.related.compactMap(\.cluster)), ["cluster1", "cluster2"])
        let differs = try XCTUnwrap(f.first { $0.rule == "MC804" && $0.cluster == "cluster3" })
        XCTAssertEqual(differs.related.first?.cluster, "cluster1")
        let selectors = try XCTUnwrap(f.first { $0.rule == "MC806" })
        XCTAssertEqual(selectors.cluster, "cluster2")
        XCTAssertEqual(Set(selectors.related.compactMap(\.cluster)), ["cluster1", "cluster3"])
    }

    // MARK: scale

    /// 1,000 primaries (roles declared in the manifest) each hold the same DestinationRule, except
    /// three; one namespace lacks the discovery label in two clusters. Each copy is compared with
    /// one reference, so exactly the odd ones are reported, with the cap on findings per resource.
    func testThousandPrimariesReportOnlyTheOddCopies() {
        let n = 1000
        let odd: Set<Int> = [17, 500, 999]
        let unlabelled: Set<Int> = [3, 640]
        var manifest = "apiVersion: meshlint/v1\nkind: ConfigSet\nclusters:\n"
        var files: [(String, String)] = []
        for i in 0..<n {
            let c = String(format: "p%04d", i)
            manifest += "- name: \(c)\n  paths: [\"\(c)/**\"]\n  role: primary\n"
            files.append(("\(c)/istio.yaml", """
            apiVersion: install.istio.io/v1alpha1
            kind: IstioOperator
            spec:
              meshConfig:
                discoverySelectors:
                - matchLabels: {mesh: "on"}
              values:
                global:
                  multiCluster:
                    clusterName: \(c)
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels:
                mesh: "\(unlabelled.contains(i) ? "off" : "on")"
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: cart
              namespace: shop
            spec:
              ports:
              - port: 8080
                name: http
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: cart
              namespace: shop
            spec:
              host: cart.shop.svc.cluster.local
              trafficPolicy:
                connectionPool:
                  http:
                    http2MaxRequests: \(odd.contains(i) ? 10 : 1000)

            """))
        }
        let report = lint(files + [("meshlint.yaml", manifest)], manifest: "meshlint.yaml")
        XCTAssertEqual(report.graph.policy.configHolders.count, n)
        let drift = report.findings.filter { $0.rule == "MC801" }
        XCTAssertEqual(drift.compactMap(\.cluster).sorted(), ["p0017", "p0500", "p0999"], describe(drift))
        XCTAssertTrue(drift.allSatisfy { $0.fieldPath == "spec.trafficPolicy.connectionPool.http.http2MaxRequests" })
        XCTAssertTrue(drift.allSatisfy { $0.related.count == 1 + ConfigDriftAcrossPrimariesRule.moreClusters })
        // Discovery selectors: without remote secrets no primary watches another cluster.
        XCTAssertEqual(report.findings.filter { $0.rule == "MC806" }, [])
    }
}
