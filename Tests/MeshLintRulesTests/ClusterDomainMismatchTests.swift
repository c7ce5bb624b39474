import Foundation
import XCTest
@testable import MeshLint

/// MC904 cluster-domain-mismatch: Istio's cluster domain across clusters that share services,
/// and against the platform's (kubelet, kubeadm, CoreDNS).
final class ClusterDomainMismatchTests: XCTestCase {
    func lint(_ files: [String: String]) -> LintReport {
        try! Linter(only: ["MC904"]).lint(documents: files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                          options: LoadOptions(parallel: false))
    }

    func keys(_ r: LintReport) -> [String] { r.findings.map { "\($0.cluster ?? "-") \($0.file):\($0.line)" } }

    /// Primaries 1...n with remote secrets to the next one; `domain(i)` is Istio's clusterDomain.
    static func mesh(_ n: Int, domain: (Int) -> String?) -> [String: String] {
        var out: [String: String] = [:]
        for i in 1...n {
            let j = i % n + 1
            out["cluster\(i)/istio.yaml"] = MulticlusterFixtures.install(i, global: domain(i).map { "      proxy: {clusterDomain: \($0)}" } ?? "")
                + "---\n" + MulticlusterFixtures.remoteSecret(for: "cluster\(j)")
        }
        out["helloworld.yaml"] = "apiVersion: v1\nkind: Service\nmetadata: {name: helloworld, namespace: sample}\nspec:\n  ports: [{port: 5000}]\n"
        return out
    }

    func testTheMinorityDomainIsReported() {
        let report = lint(Self.mesh(3) { $0 == 2 ? "corp.example" : ($0 == 3 ? "cluster.local" : nil) })
        XCTAssertEqual(keys(report), ["cluster2 cluster2/istio.yaml:8"], report.findings.map(\.message).joined(separator: "\n"))
        XCTAssertTrue(report.findings[0].related.contains { $0.cluster == "cluster1" && $0.file == "helloworld.yaml" })
    }

    func testDefaultDomainInTheMinorityIsReportedAtTheInstall() {
        let report = lint(Self.mesh(3) { $0 == 1 ? nil : "corp.example" })
        XCTAssertEqual(keys(report), ["cluster1 cluster1/istio.yaml:6"])
        XCTAssertEqual(report.findings.first?.fieldPath, "spec.values.global.proxy.clusterDomain")
    }

    func testSharedSystemServicesAndUnsharedServicesDoNotCount() {
        var files = Self.mesh(2) { $0 == 2 ? "corp.example" : nil }
        files["helloworld.yaml"] = "apiVersion: v1\nkind: Service\nmetadata: {name: istiod, namespace: istio-system}\nspec:\n  ports: [{port: 15012}]\n"
        XCTAssertEqual(lint(files).findings, [])
    }

    func testPlatformDomainFromKubeadmConfigMap() {
        var files = Self.mesh(2) { _ in nil }
        files["cluster2/kubeadm-config.yaml"] = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: kubeadm-config, namespace: kube-system}
        data:
          ClusterConfiguration: |
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: ClusterConfiguration
            networking:
              dnsDomain: corp.example
              podSubnet: 10.20.0.0/16
        """
        XCTAssertEqual(keys(lint(files)), ["cluster2 cluster2/kubeadm-config.yaml:9"])
        // Istio told about it: consistent inside cluster2, but now cluster2 differs from cluster1.
        let both = Self.mesh(2) { $0 == 2 ? "corp.example" : nil }.merging(["cluster2/kubeadm-config.yaml": files["cluster2/kubeadm-config.yaml"]!]) { a, _ in a }
        XCTAssertEqual(keys(lint(both)), ["cluster2 cluster2/istio.yaml:8"])
    }

    func testPrimaryRemoteWithAnotherDomainOnTheRemote() throws {
        var files = MulticlusterFixtures.corpusSet("official-primary-remote-multi-network-istioctl")
        XCTAssertEqual(lint(files).findings, [])
        let remote = try XCTUnwrap(files["cluster2/cluster2.yaml"])
        files["cluster2/cluster2.yaml"] = remote.replacingOccurrences(of: "    global:\n", with: "    global:\n      proxy: {clusterDomain: remote.example}\n")
        XCTAssertEqual(lint(files).findings.map { "\($0.cluster ?? "-") \($0.file)" }, ["cluster2 cluster2/cluster2.yaml"])
    }
}
