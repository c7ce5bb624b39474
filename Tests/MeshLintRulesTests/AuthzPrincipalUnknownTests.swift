import Foundation
import XCTest
@testable import MeshLint

/// MC308 (authz-principal-unknown): what is judged and, above all, what is not — wildcards,
/// `cluster.local`, aliases, sets that do not show namespaces or service accounts.
final class AuthzPrincipalUnknownTests: XCTestCase {
    func lint(_ files: [String: String]) -> [Finding] {
        try! Linter(only: ["MC308"]).lint(documents: files.map { ($0.key, $0.value) },
                                          options: LoadOptions(parallel: false)).findings
    }

    static func policy(_ principals: [String], key: String = "principals", action: String = "ALLOW") -> String {
        """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata:
          name: p
          namespace: shop
        spec:
          action: \(action)
          rules:
          - from:
            - source:
                \(key):
        \(principals.map { "        - \"\($0)\"" }.joined(separator: "\n"))

        """
    }

    static func install(_ td: String, aliases: [String] = []) -> String {
        "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec:\n  meshConfig:\n    trustDomain: \(td)\n    trustDomainAliases: [\(aliases.joined(separator: ", "))]\n"
    }

    /// Namespace `shop` with service account `frontend` and a workload running as `checkout`.
    static let shop = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: frontend, namespace: shop}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: checkout, namespace: shop}
        spec:
          template:
            spec:
              serviceAccountName: checkout
              containers: [{name: c, image: example.com/c:1}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: shop-gw, namespace: shop}
        spec:
          gatewayClassName: istio

        """

    func testTrustDomains() {
        let base = ["east/istio.yaml": Self.install("east.example", aliases: ["legacy.example"]),
                    "west/istio.yaml": Self.install("west.example")]
        var files = base
        files["east/p.yaml"] = Self.policy(["east.example/ns/a/sa/b", "west.example/ns/a/sa/b", "legacy.example/ns/a/sa/b",
                                            "cluster.local/ns/a/sa/b", "*/ns/a/sa/b", "*.example/ns/a/sa/b", "*", "east.exmaple/ns/a/sa/b"])
        let got = lint(files)
        XCTAssertEqual(got.count, 1, got.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(got.first?.message.contains("did you mean east.example?") ?? false, got.first?.message ?? "")
        XCTAssertEqual(got.first?.fieldPath, "spec.rules[0].from[0].source.principals[7]")
        XCTAssertEqual(got.first?.related.map(\.file).sorted(), ["east/istio.yaml", "west/istio.yaml"])
        // A cluster whose trust domain the set cannot see (no install in it): not judged.
        files["north/ns.yaml"] = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n"
        XCTAssertEqual(lint(files).map(\.message), [])
    }

    func testSchemeNeverMatchesAndNotPrincipalsSayWhatItMeans() {
        let got = lint(["east/p.yaml": Self.policy(["spiffe://cluster.local/ns/shop/sa/frontend"], key: "notPrincipals", action: "DENY")])
        XCTAssertEqual(got.count, 1)
        XCTAssertTrue(got.first?.message.contains("exclusion never applies") ?? false, got.first?.message ?? "")
        XCTAssertTrue(got.first?.message.contains("cluster.local/ns/shop/sa/frontend.") ?? false)
    }

    func testNamespacesAndServiceAccountsOnlyWhereTheSetShowsThem() {
        let principals = ["cluster.local/ns/shop/sa/frontend", "cluster.local/ns/shop/sa/checkout", "cluster.local/ns/shop/sa/default",
                          "cluster.local/ns/shop/sa/shop-gw-istio", "cluster.local/ns/shop/sa/*", "cluster.local/ns/kube-system/sa/x",
                          "cluster.local/ns/istio-system/sa/istio-eastwestgateway-service-account",
                          "cluster.local/ns/shop/sa/frontent", "cluster.local/ns/shopp/sa/frontend", "cluster.local/ns/sh*"]
        // Only Istio configuration: nothing about namespaces or accounts can be said.
        XCTAssertEqual(lint(["east/p.yaml": Self.policy(principals)]).map(\.message), [])
        // The workloads and their namespaces are in another cluster of the set.
        let got = lint(["east/p.yaml": Self.policy(principals), "west/shop.yaml": Self.shop])
        XCTAssertEqual(got.map(\.fieldPath), ["spec.rules[0].from[0].source.principals[7]", "spec.rules[0].from[0].source.principals[8]"],
                       got.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(got[0].message.contains("did you mean frontend?"), got[0].message)
        XCTAssertTrue(got[1].message.contains("namespace shopp"), got[1].message)
        // A workload whose namespace has no Namespace object: the set does not show its namespaces.
        let partial = Self.shop + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: undeclared}\nspec: {template: {spec: {containers: []}}}\n"
        XCTAssertEqual(lint(["east/p.yaml": Self.policy(principals), "west/shop.yaml": partial]).map(\.fieldPath),
                       ["spec.rules[0].from[0].source.principals[7]"])
    }

    func testWhenConditionsOnSourcePrincipal() {
        let policy = """
            apiVersion: security.istio.io/v1
            kind: AuthorizationPolicy
            metadata: {name: p, namespace: shop}
            spec:
              rules:
              - when:
                - key: source.principal
                  values: ["spiffe://cluster.local/ns/shop/sa/frontend"]
                - key: request.headers[x]
                  values: ["spiffe://not-a-principal"]
                - key: source.principal
                  notValues: ["cluster.local/ns/shop/sa/frontend"]

            """
        let got = lint(["east/p.yaml": policy])
        XCTAssertEqual(got.map(\.fieldPath), ["spec.rules[0].when[0].values[0]"])
    }
}
