import XCTest
@testable import MeshLint

/// MC101–MC103 beyond the Rules/ examples: scale, shared files, related locations.
final class CIDRRulesTests: XCTestCase {
    func lint(_ files: [String: String], rules: [String] = ["MC101", "MC102", "MC103"], manifest: String? = nil) -> [Finding] {
        let set = ConfigSetLoader(options: LoadOptions(manifestPath: manifest, parallel: false))
            .load(documents: files.map { ($0.key, $0.value) })
        return try! Linter(only: rules).lint(set).findings
    }

    func kind(_ pod: String, _ svc: String) -> String {
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  podSubnet: \(pod)\n  serviceSubnet: \(svc)\n"
    }

    /// 1,000 clusters on one network: the sweep finds exactly the injected overlaps.
    func testThousandClusters() {
        var files: [String: String] = [:]
        func name(_ i: Int) -> String { "c\(String(format: "%04d", i))" }
        for i in 0..<1000 {
            var pod = "10.\(i / 256).\(i % 256).0/24"
            var svc = "172.\(16 + i / 256).\(i % 256).0/24"
            if i == 500 { pod = "10.0.10.0/24" }            // = c0010's pod range
            if i == 700 { svc = "172.16.3.0/24" }           // = c0003's service range
            if i == 999 { svc = "10.0.0.0/8" }              // covers every other cluster's pods
            files["\(name(i))/kind.yaml"] = kind(pod, svc)
        }
        let findings = lint(files)
        let mc101 = findings.filter { $0.rule == "MC101" }
        let mc102 = findings.filter { $0.rule == "MC102" }
        XCTAssertEqual(mc102.count, 1)
        XCTAssertEqual(mc102.first?.cluster, "c0700")
        XCTAssertEqual(mc102.first?.related.first?.cluster, "c0003")
        // c0500 vs c0010, plus c0999's service range vs every cluster's pods: one finding for
        // c0999 that names the first cluster and lists ten more as related (SPEC 7).
        XCTAssertEqual(mc101.count, 1 + 1)
        XCTAssertTrue(mc101.contains { $0.cluster == "c0500" && $0.related.first?.cluster == "c0010" })
        let c999 = mc101.filter { $0.cluster == "c0999" }
        XCTAssertEqual(c999.count, 1, "c0999 is the later cluster of every pair, reported once")
        XCTAssertEqual(c999.first?.related.map(\.cluster), ["c0000"] + (1...10).map { Optional(name($0)) })
        XCTAssert(c999.first?.message.contains("(and pod CIDRs of 998 more clusters on the same network, 988 of them not listed)") == true,
                  c999.first?.message ?? "")
        XCTAssertEqual(findings.filter { $0.rule == "MC103" }.count, 0)
    }

    func testFindingCarriesResourceFieldPathAndRelated() {
        let findings = lint([
            "main/kubeadm.yaml": "apiVersion: kubeadm.k8s.io/v1beta2\nkind: ClusterConfiguration\nnetworking:\n  podSubnet: 10.32.0.0/12\n  serviceSubnet: 10.96.0.0/16\n",
            "remote/pool.yaml": "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: remote-pod-pool\nspec:\n  cidr: 10.40.0.0/16\n",
            "remote/kcm.yaml": """
            apiVersion: v1
            kind: Pod
            metadata: {name: kube-controller-manager, namespace: kube-system}
            spec:
              containers:
              - name: kube-controller-manager
                command: [kube-controller-manager, --cluster-cidr=10.40.0.0/16]
            """,
        ], rules: ["MC101"])
        XCTAssertEqual(findings.count, 1)
        let f = findings[0]
        XCTAssertEqual(f.cluster, "remote")
        XCTAssertEqual("\(f.file):\(f.line):\(f.column)", "remote/pool.yaml:6:9")
        XCTAssertEqual(f.resource, FindingResource(apiVersion: "projectcalico.org/v3", kind: "IPPool", namespace: nil, name: "remote-pod-pool"))
        XCTAssertEqual(f.fieldPath, "spec.cidr")
        XCTAssertEqual(f.related.map { "\($0.cluster ?? "-") \($0.file):\($0.line)" }, ["main main/kubeadm.yaml:4", "remote remote/kcm.yaml:7"])
        XCTAssertTrue(f.message.contains("10.40.0.0/16 (10.40.0.0–10.40.255.255) is in both"), f.message)
        XCTAssertTrue(f.message.contains("default network"), f.message)
    }

    func testSharedKindConfigIsOneFindingWithoutCluster() {
        let ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n"
        let findings = lint([
            "kind-config.yaml": "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n",
            "east/ns.yaml": ns, "west/ns.yaml": ns, "south/ns.yaml": ns,
        ], rules: ["MC101", "MC102"])
        XCTAssertEqual(findings.map(\.rule), ["MC101", "MC102"])
        XCTAssertEqual(findings.map(\.cluster), [nil, nil])
        XCTAssertTrue(findings[0].message.contains("east, south, west"), findings[0].message)
    }

    func testSharedServiceEntryProblemReportedOnce() {
        let ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n"
        let findings = lint([
            "se.yaml": """
            apiVersion: networking.istio.io/v1beta1
            kind: ServiceEntry
            metadata: {name: se, namespace: foo}
            spec:
              hosts: [httpbin.bar.global]
              addresses: [240.0.0.300]
            """,
            "east/ns.yaml": ns, "west/ns.yaml": ns,
        ], rules: ["MC103"])
        XCTAssertEqual(findings.count, 1)
        XCTAssertNil(findings[0].cluster)
        XCTAssertEqual(findings[0].fieldPath, "spec.addresses[0]")
    }

    func testDifferentNetworksNeverOverlap() {
        let findings = lint([
            "a/kind.yaml": kind("10.244.0.0/16", "10.96.0.0/16"),
            "a/values.yaml": "global:\n  network: network1\n",
            "b/kind.yaml": kind("10.244.0.0/16", "10.96.0.0/16"),
            "b/values.yaml": "global:\n  network: network2\n",
            "c/kind.yaml": kind("10.244.0.0/16", "10.97.0.0/16"),
            "c/values.yaml": "global:\n  network: network1\n",
        ], rules: ["MC101", "MC102"])
        XCTAssertEqual(findings.map { "\($0.rule) \($0.cluster ?? "-") \($0.related.first?.cluster ?? "-")" }, ["MC101 c a"])
    }
}
