import Foundation
import XCTest
@testable import MeshLint

/// The cross-cluster traffic rules (MC104, MC401–MC403, MC501, MC502, MC601–MC604) across deployment models:
/// the seed 001 set-up and the public samples lint clean, the corpus sets give what their
/// EXPECTED.md lists, and findings carry resource, field path and related locations.
final class CrossClusterTrafficTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")
    static let corpus = packageRoot.appendingPathComponent("Corpus")
    static let trafficRules = ["MC104", "MC401", "MC402", "MC403", "MC501", "MC502", "MC601", "MC602", "MC603", "MC604"]

    func lint(_ dir: URL, only: [String] = trafficRules) throws -> LintReport {
        try Linter(only: only).lint(paths: [dir.path], options: LoadOptions(parallel: false))
    }

    func lint(_ files: [String: String], manifest: String? = nil) -> LintReport {
        try! Linter(only: Self.trafficRules).lint(documents: files.map { ($0.key, $0.value) },
                                                  options: LoadOptions(manifestPath: manifest, parallel: false))
    }

    func describe(_ findings: [Finding]) -> String {
        findings.map { "  \($0.rule) \($0.cluster ?? "-") \($0.file):\($0.line):\($0.column) \($0.message)" }.joined(separator: "\n")
    }

    func subdirectories(_ url: URL) -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.sorted().map { url.appendingPathComponent($0) }.filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0.path, isDirectory: &isDir) && isDir.boolValue
        }
    }

    // MARK: correct configurations

    func testSeed001LintsClean() throws {
        let report = try lint(Self.fixtures.appendingPathComponent("seed-001"), only: Self.trafficRules + ["MC001", "MC002", "MC003"])
        XCTAssertEqual(report.findings, [], "seed 001 must lint clean:\n" + describe(report.findings))
        let g = report.graph
        XCTAssertEqual(report.set.clusters.map(\.name), ["istio-cluster-001", "istio-cluster-002"])
        for c in 0..<2 {
            XCTAssertEqual(g.traffic.implied[c].map(\.resource.kind), ["Gateway", "EnvoyFilter", "DestinationRule"],
                           "Istio 1.6 with multiCluster.enabled renders the .global resources")
            XCTAssertEqual(g.traffic.implied[c].first?.resource.file, "\(report.set.clusters[c].name)/istio-operator.yaml")
            guard case .forwarded(let f) = g.traffic.dns[c].resolution(of: "global") else { return XCTFail("global:53 block") }
            XCTAssertNil(f[0].targets[0].ip, "the seed's $(kubectl …) substitution is not an IP")
        }
        XCTAssertEqual(g.traffic.crossClusterEntries[0].map(\.resource.name), ["httpbin-bar"])
        XCTAssertEqual(g.traffic.crossClusterEntries[1].count, 0)
        XCTAssertEqual(g.crossClusterTLSGaps(in: 0).count, 0)
    }

    func testPublicSamplesAreNotFlagged() throws {
        let sets = subdirectories(Self.fixtures.appendingPathComponent("public-samples"))
        XCTAssertGreaterThanOrEqual(sets.count, 8)
        for dir in sets {
            let report = try lint(dir)
            XCTAssertEqual(report.findings, [], "public samples \(dir.lastPathComponent) flagged:\n" + describe(report.findings))
        }
        // The 1.1 samples do use the model: their ServiceEntries are cross-cluster entries.
        let g = try lint(Self.fixtures.appendingPathComponent("public-samples/gateways-1.1")).graph
        XCTAssertEqual(g.traffic.crossClusterEntries[0].count, 3)
        XCTAssertEqual(g.traffic.implied[0].last?.resource.name, "istio-multicluster-destinationrule")
    }

    // MARK: corpus

    /// Findings of the traffic rules that `Corpus/<set>/EXPECTED.md` lists (rule cluster file:line).
    static let corpusExpectations: [String: [String]] = [
        "gateways-global-1.1-helm-broken": [
            "MC501 gke-us-east gke-us-east/serviceentries.yaml:10",
            "MC401 gke-us-east gke-us-east/serviceentries.yaml:31",
        ],
        "gateways-global-1.6-broken": [
            "MC502 istio-cluster-001 istio-cluster-001/destinationrules.yaml:14",
            "MC401 istio-cluster-001 istio-cluster-001/serviceentries.yaml:27",
            "MC401 istio-cluster-001 istio-cluster-001/serviceentries.yaml:53",
            "MC602 istio-cluster-001 istio-cluster-001/serviceentries.yaml:64",
            "MC601 istio-cluster-002 istio-cluster-002/coredns.yaml:8",
        ],
        "official-primary-remote-helm-broken": [
            "MC402 cluster1 cluster1/expose-istiod.yaml:15",
        ],
        "gateways-global-1.8-misc-broken": [
            "MC601 east east/istio-operator.yaml:16",
            "MC603 east east/istio-operator.yaml:82",
            "MC104 east east/serviceentries.yaml:49",
            "MC104 east east/serviceentries.yaml:76",
            "MC402 west west/istio-operator.yaml:57",
            "MC403 west west/istio-operator.yaml:88",
        ],
        "multi-primary-multi-network-broken": [
            "MC401 cluster2 cluster2/expose-services.yaml:13",
            "MC402 cluster2 cluster2/expose-services.yaml:13",
        ],
        "trust-identity-broken": [
            "MC604 cluster1 cluster1/virtualservices.yaml:9",
        ],
        // official-ambient-multi-network-broken: its network runs only ambient workloads, which
        // MC402 leaves to MC702 (AmbientMulticlusterTests, ModernGatewaysTests).
        "official-multi-primary-multi-network-helm-broken": ["MC402 cluster2 cluster2/expose-services.yaml:9"],
        "official-multi-primary-multi-network-istioctl-broken": ["MC402 cluster2 cluster2/expose-services.yaml:16"],
    ]

    func testCorpusSetsGiveTheirExpectedTrafficFindings() throws {
        let sets = subdirectories(Self.corpus)
        try XCTSkipIf(sets.isEmpty, "no Corpus/ in this checkout")
        for dir in sets {
            let name = dir.lastPathComponent
            let report = try lint(dir)
            let got = report.findings.map { "\($0.rule) \($0.cluster ?? "-") \($0.file):\($0.line)" }
            XCTAssertEqual(got, Self.corpusExpectations[name] ?? [], "Corpus/\(name):\n" + describe(report.findings))
        }
    }

    // MARK: finding details

    func testFindingsCarryResourceFieldPathAndRelatedLocations() throws {
        let dir = Self.corpus.appendingPathComponent("gateways-global-1.6-broken")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: dir.path))
        let findings = try lint(dir).findings
        let mc502 = try XCTUnwrap(findings.first { $0.rule == "MC502" })
        XCTAssertEqual(mc502.resource?.name, "httpbin-bar-global")
        XCTAssertEqual(mc502.fieldPath, "spec.trafficPolicy.tls.mode")
        XCTAssertEqual(mc502.related.first?.file, "istio-cluster-001/istio-operator.yaml", "the implied *.global rule points at the install")
        let missingPorts = try XCTUnwrap(findings.first { $0.rule == "MC401" && $0.line == 53 })
        XCTAssertEqual(missingPorts.column, 5, "at the endpoint's address key")
        XCTAssertEqual(missingPorts.fieldPath, "spec.endpoints[0].ports")
        XCTAssertEqual(missingPorts.related.first?.cluster, "istio-cluster-002", "the remote gateway that should receive it")
        let wrongPort = try XCTUnwrap(findings.first { $0.rule == "MC401" && $0.line == 27 })
        XCTAssertEqual(wrongPort.fieldPath, "spec.endpoints[0].ports.http1")
        let dns = try XCTUnwrap(findings.first { $0.rule == "MC601" })
        XCTAssertEqual(dns.resource?.name, "coredns")
        XCTAssertEqual(dns.related.first?.file, "istio-cluster-002/serviceentries.yaml")
        let unresolved = try XCTUnwrap(findings.first { $0.rule == "MC602" })
        XCTAssertEqual(unresolved.fieldPath, "spec.hosts[0]")
        XCTAssertTrue(unresolved.message.contains("bar/ratings"))
    }

    func testSharedServiceEntryIsReportedOnce() {
        let report = lint([
            "common.yaml": """
            apiVersion: networking.istio.io/v1alpha3
            kind: ServiceEntry
            metadata:
              name: httpbin-bar
              namespace: foo
            spec:
              hosts:
              - httpbin.bar.global
              location: MESH_INTERNAL
              ports:
              - name: http1
                number: 8000
              resolution: DNS
              endpoints:
              - address: 203.0.113.20
                ports:
                  http1: 80
            """,
            "east/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: foo\n",
            "west/httpbin.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: httpbin\n  namespace: bar\n",
        ])
        let mc401 = report.findings.filter { $0.rule == "MC401" }
        XCTAssertEqual(mc401.count, 1, describe(mc401))
        XCTAssertNil(mc401.first?.cluster, "a shared file belongs to no single cluster")
        // The Service runs in west; for the shared entry that is enough in both clusters.
        XCTAssertEqual(report.findings.filter { $0.rule == "MC602" }, [])
    }

    func testSuggestsTheServiceInAnotherNamespace() {
        let report = lint([
            "east/se.yaml": """
            apiVersion: networking.istio.io/v1alpha3
            kind: ServiceEntry
            metadata:
              name: reviews
              namespace: foo
            spec:
              hosts: [reviews.default.global]
              location: MESH_INTERNAL
              ports: [{name: http1, number: 9080}]
              endpoints: [{address: 203.0.113.20, ports: {http1: 15443}}]
            """,
            "west/reviews.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: bookinfo\n",
        ])
        let f = report.findings.filter { $0.rule == "MC602" }
        XCTAssertEqual(f.count, 1)
        XCTAssertTrue(f.first?.message.contains("reviews.bookinfo.global") ?? false, describe(f))
        XCTAssertEqual(f.first?.related.first?.file, "west/reviews.yaml")
    }

    func testModernModelsStaySilent() {
        // 1.22 multi-primary: no `.global` entries, DestinationRules with DISABLE subsets, a kubeadm
        // Corefile without a global block, east-west gateway on 15443.
        let report = lint([
            "cluster1/coredns.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: coredns
              namespace: kube-system
            data:
              Corefile: |
                .:53 {
                    forward . /etc/resolv.conf
                }
            """,
            "cluster1/dr.yaml": """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: reviews
              namespace: bookinfo
            spec:
              host: reviews
              trafficPolicy:
                tls:
                  mode: DISABLE
            """,
            "cluster2/se.yaml": """
            apiVersion: networking.istio.io/v1
            kind: ServiceEntry
            metadata:
              name: external-svc
            spec:
              hosts: [api.example.com]
              location: MESH_EXTERNAL
              ports: [{name: https, number: 443, protocol: TLS}]
              resolution: DNS
            """,
        ])
        XCTAssertEqual(report.findings, [], describe(report.findings))
    }
}
