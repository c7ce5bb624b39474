import Foundation
import XCTest
@testable import MeshLint

/// MC905 multicluster-flag-override: each istiod flag fires only when the set uses what it turns off.
final class MulticlusterFlagOverrideTests: XCTestCase {
    func lint(_ files: [String: String]) -> LintReport {
        try! Linter(only: ["MC905"]).lint(documents: files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                          options: LoadOptions(parallel: false))
    }

    func describe(_ findings: [Finding]) -> String {
        findings.map { "  \($0.rule) \($0.severity) \($0.cluster ?? "-") \($0.file):\($0.line):\($0.column) \($0.message)" }.joined(separator: "\n")
    }

    /// Two primaries with remote secrets both ways; `env(i)` is istiod's `values.pilot.env` of cluster i.
    static func mesh(networks: Bool = false, env: (Int) -> [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for (i, j) in [(1, 2), (2, 1)] {
            let vars = env(i).sorted { $0.key < $1.key }.map { "        \($0.key): \"\($0.value)\"" }.joined(separator: "\n")
            out["cluster\(i)/istio.yaml"] = MulticlusterFixtures.install(i, global: networks ? "      network: network\(i)" : "",
                                                                      values: vars.isEmpty ? "" : "    pilot:\n      env:\n" + vars)
                + "\n---\n" + MulticlusterFixtures.remoteSecret(for: "cluster\(j)")
        }
        return out
    }

    func testFlagsWithoutWhatTheyTurnOffAreSilent() {
        let env = ["ENABLE_MULTICLUSTER_HEADLESS": "false", "PILOT_ENABLE_CROSS_CLUSTER_WORKLOAD_ENTRY": "false",
                   "PILOT_MULTI_NETWORK_DISCOVER_GATEWAY_API": "false", "RESOLVE_HOSTNAME_GATEWAYS": "false",
                   "PILOT_SKIP_VALIDATE_TRUST_DOMAIN": "no", "ISTIO_MULTIROOT_MESH": "false"]
        let report = lint(Self.mesh { _ in env })
        XCTAssertEqual(report.findings, [], describe(report.findings))
    }

    func testWorkloadEntriesInAnotherCluster() {
        var files = Self.mesh { $0 == 1 ? ["PILOT_ENABLE_CROSS_CLUSTER_WORKLOAD_ENTRY": "False"] : [:] }
        files["cluster2/vm.yaml"] = "apiVersion: networking.istio.io/v1\nkind: WorkloadEntry\nmetadata: {name: vm1, namespace: app}\nspec:\n  address: 10.0.0.5\n"
        let report = lint(files)
        XCTAssertEqual(report.findings.map { "\($0.file):\($0.line) \($0.severity)" }, ["cluster1/istio.yaml:10 warning"], describe(report.findings))
        XCTAssertEqual(report.findings.first?.related.first?.file, "cluster2/vm.yaml")
        // In the istiod's own cluster, WorkloadEntries are read whatever the flag.
        files["cluster1/vm.yaml"] = files.removeValue(forKey: "cluster2/vm.yaml")
        XCTAssertEqual(lint(files).findings, [])
    }

    func testGatewayAPIDiscoveryOffWithALabelledGateway() {
        var files = Self.mesh(networks: true) { $0 == 2 ? ["PILOT_MULTI_NETWORK_DISCOVER_GATEWAY_API": "0"] : [:] }
        files["cluster1/ew.yaml"] = """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata:
          name: eastwest
          namespace: istio-system
          labels: {topology.istio.io/network: network1}
        spec:
          gatewayClassName: istio
          listeners:
          - {name: cross-network, port: 15443, protocol: TLS, tls: {mode: Passthrough}}
        """
        let report = lint(files)
        XCTAssertEqual(report.findings.map { "\($0.cluster ?? "-") \($0.file):\($0.line)" }, ["cluster2 cluster2/istio.yaml:11"], describe(report.findings))
    }

    func testHostnameResolutionOffOnlyMattersOnSeveralNetworks() {
        let off: (Int) -> [String: String] = { $0 == 1 ? ["RESOLVE_HOSTNAME_GATEWAYS": "false"] : [:] }
        XCTAssertEqual(lint(Self.mesh(env: off)).findings, [])
        XCTAssertEqual(lint(Self.mesh(networks: true, env: off)).findings.map(\.file), ["cluster1/istio.yaml"])
        // A meshNetworks gateway named by host name is the related location.
        var files = Self.mesh(networks: true, env: off)
        files["cluster2/istio.yaml"] = files["cluster2/istio.yaml"]!.replacingOccurrences(of: "      network: network2\n", with: """
              network: network2
              meshNetworks:
                network1:
                  endpoints: [{fromRegistry: cluster1}]
                  gateways: [{address: ew1.example.com, port: 15443}]

        """)
        let report = lint(files)
        XCTAssertEqual(report.findings.first?.related.map(\.file), ["cluster2/istio.yaml"], describe(report.findings))
        XCTAssertTrue(report.findings.first?.message.contains("ew1.example.com") == true)
    }

    func testSecuritySettingsAndInformationalOnes() {
        let report = lint(Self.mesh { i in
            i == 1 ? ["PILOT_SKIP_VALIDATE_TRUST_DOMAIN": "true", "PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS": "exec,clientKey"]
                : ["PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS": "tokenFile", "PILOT_REMOTE_CLUSTER_TIMEOUT": "0s", "ISTIO_MULTIROOT_MESH": "true"]
        })
        XCTAssertEqual(report.findings.map { "\($0.cluster ?? "-") \($0.severity)" }.sorted(),
                       ["cluster1 warning", "cluster1 warning", "cluster2 info", "cluster2 info", "cluster2 info"], describe(report.findings))
        XCTAssertFalse(report.findings.contains { $0.message.contains("eyJ") })
    }
}
