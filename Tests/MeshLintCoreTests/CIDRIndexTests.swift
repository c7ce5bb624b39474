import XCTest
@testable import MeshLintCore

/// Reading CIDR sources (including YAML embedded in strings), precedence, disagreements and overlaps.
final class CIDRIndexTests: XCTestCase {
    func graph(_ files: [String: String], manifest: String? = nil) -> MeshGraph {
        let set = ConfigSetLoader(options: LoadOptions(manifestPath: manifest, parallel: false))
            .load(documents: files.map { ($0.key, $0.value) })
        return MeshGraph(set: set)
    }

    func cluster(_ g: MeshGraph, _ name: String) -> ClusterCIDRs {
        g.cidrs(g.set.cluster(named: name)!.index)
    }

    func testEmbeddedClusterConfigurationPointsIntoTheBlock() {
        let text = """
        # exported with kubectl
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: kubeadm-config
          namespace: kube-system
        data:
          ClusterConfiguration: |
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: ClusterConfiguration
            networking:
              podSubnet: 10.201.0.0/16
              serviceSubnet: 10.101.0.300/16
        """
        for variant in [text, text.replacingOccurrences(of: "\n", with: "\r\n")] {
            let c = cluster(graph(["east/kubeadm-config.yaml": variant]), "east")
            let pod = c.effective(.pod)
            XCTAssertEqual(pod.map(\.value.description), ["10.201.0.0/16"])
            XCTAssertEqual(pod.first?.cidr.location, SourceLocation(file: "east/kubeadm-config.yaml", line: 12, column: 18))
            XCTAssertEqual(pod.first?.fieldPath, "data.ClusterConfiguration.networking.podSubnet")
            XCTAssertEqual(pod.first?.resource?.name, "kubeadm-config")
            XCTAssertEqual(c.problems.count, 1)
            XCTAssertEqual(SourceLocation(c.problems[0].node), SourceLocation(file: "east/kubeadm-config.yaml", line: 13, column: 22))
        }
    }

    func testQuotedEmbeddedTextFallsBackToTheString() {
        let c = cluster(graph(["east/kube-proxy.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: kube-proxy, namespace: kube-system}
        data:
          config.conf: "apiVersion: kubeproxy.config.k8s.io/v1alpha1\\nkind: KubeProxyConfiguration\\nclusterCIDR: 10.244.0.0/16\\n"
        """]), "east")
        XCTAssertEqual(c.sources.map(\.value.description), ["10.244.0.0/16"])
        XCTAssertEqual(c.sources.first?.cidr.location, SourceLocation(file: "east/kube-proxy.yaml", line: 5, column: 16))
        XCTAssertEqual(c.sources.first?.origin, .kubeProxy)
    }

    func testEverySourceKindIsRead() {
        let g = graph([
            "c/kcm.yaml": """
            apiVersion: v1
            kind: Pod
            metadata: {name: kube-controller-manager-cp1, namespace: kube-system}
            spec:
              containers:
              - command: ["/usr/local/bin/kube-controller-manager", "--cluster-cidr", "10.1.0.0/16,fd01::/56"]
                args: ["--service-cluster-ip-range=10.2.0.0/16"]
                name: kcm
              - name: kube-apiserver
                command: [kube-apiserver, --service-cluster-ip-range=10.3.0.0/16]
            """,
            "c/cilium.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cilium-config, namespace: kube-system}
            data:
              cluster-pool-ipv4-cidr: "10.4.0.0/16 10.5.0.0/16"
            """,
            "c/flannel.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: kube-flannel-cfg, namespace: kube-flannel}
            data:
              net-conf.json: |
                {
                  "Network": "10.6.0.0/16",
                  "Backend": {"Type": "vxlan"}
                }
            """,
            "c/calico.yaml": """
            apiVersion: operator.tigera.io/v1
            kind: Installation
            metadata: {name: default}
            spec:
              calicoNetwork:
                ipPools:
                - cidr: 10.7.0.0/16
            ---
            apiVersion: cilium.io/v2alpha1
            kind: CiliumPodIPPool
            metadata: {name: pool}
            spec:
              ipv4:
                cidrs: [10.8.0.0/16]
            """,
            "c/kind.yaml": """
            kind: Cluster
            apiVersion: kind.x-k8s.io/v1alpha4
            networking:
              ipFamily: dual
            """,
            "c/capi.yaml": """
            apiVersion: cluster.x-k8s.io/v1beta1
            kind: Cluster
            metadata: {name: c, namespace: fleet}
            spec:
              clusterNetwork:
                pods: {cidrBlocks: [10.9.0.0/16]}
                services: {cidrBlocks: [10.10.0.0/16]}
            """,
            "c/other.yaml": """
            apiVersion: kubeproxy.config.k8s.io/v1alpha1
            kind: KubeProxyConfiguration
            clusterCIDR: 10.11.0.0/16
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: n1}
            spec:
              podCIDR: 10.1.1.0/24
              podCIDRs: [10.1.1.0/24, "fd01::/64"]
            ---
            apiVersion: networking.k8s.io/v1
            kind: ServiceCIDR
            metadata: {name: kubernetes}
            spec:
              cidrs: [10.12.0.0/16]
            """,
        ])
        let c = cluster(g, "c")
        func values(_ origin: CIDROrigin, _ role: CIDRRole) -> [String] {
            c.sources.filter { $0.origin == origin && $0.role == role }.map(\.value.description)
        }
        XCTAssertEqual(values(.controllerManagerFlag, .pod), ["10.1.0.0/16", "fd01::/56"])
        XCTAssertEqual(values(.controllerManagerFlag, .service), ["10.2.0.0/16"])
        XCTAssertEqual(values(.apiServerFlag, .service), ["10.3.0.0/16"])
        XCTAssertEqual(Set(values(.cni, .pod)), ["10.4.0.0/16", "10.5.0.0/16", "10.6.0.0/16", "10.7.0.0/16", "10.8.0.0/16"])
        XCTAssertEqual(Set(values(.clusterConfiguration, .pod)), ["10.244.0.0/16", "fd00:10:244::/56", "10.9.0.0/16"])
        XCTAssertEqual(Set(values(.clusterConfiguration, .service)), ["10.96.0.0/16", "fd00:10:96::/112", "10.10.0.0/16"])
        XCTAssertEqual(values(.kubeProxy, .pod), ["10.11.0.0/16"])
        XCTAssertEqual(values(.node, .pod), ["10.1.1.0/24", "fd01::/64"], "podCIDR repeated in podCIDRs counts once")
        XCTAssertEqual(values(.serviceCIDRObject, .service), ["10.12.0.0/16"])
        // Precedence per family: CNI for IPv4 pods, the controller manager for IPv6 pods.
        XCTAssertEqual(Set(c.effective(.pod, .v4).map(\.origin)), [.cni])
        XCTAssertEqual(c.effective(.pod, .v6).map(\.value.description), ["fd01::/56"])
        XCTAssertEqual(c.effective(.service).map(\.value.description), ["10.12.0.0/16", "fd00:10:96::/112"])
        let flannel = c.sources.first { $0.source.contains("net-conf.json") }!
        XCTAssertEqual(flannel.cidr.location, SourceLocation(file: "c/flannel.yaml", line: 7, column: 18))
        let kindDefault = c.sources.first { $0.isDefault && $0.role == .pod }!
        XCTAssertEqual(kindDefault.cidr.location.line, 3, "defaults point at the networking key")
    }

    func testKubeadmDefaultsAndKindPatchesAreNotRead() {
        let c = cluster(graph(["a/kind.yaml": """
            kind: Cluster
            apiVersion: kind.x-k8s.io/v1alpha4
            networking:
              podSubnet: 10.20.0.0/16
              serviceSubnet: 10.21.0.0/16
            kubeadmConfigPatches:
            - |
              apiVersion: kubeadm.k8s.io/v1beta3
              kind: ClusterConfiguration
              networking:
                serviceSubnet: 10.99.0.0/16
            ---
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: ClusterConfiguration
            networking:
              podSubnet: 10.20.0.0/16
            """]), "a")
        XCTAssertEqual(c.sources.filter { $0.role == .service }.map(\.value.description).sorted(), ["10.21.0.0/16", "10.96.0.0/12"])
        XCTAssertTrue(c.sources.first { $0.value.description == "10.96.0.0/12" }!.isDefault)
        XCTAssertTrue(c.disagreements.isEmpty, "kind and kubeadm are the same tier (cluster configuration)")
    }

    func testDisagreementsPointAtTheLowerSource() {
        let c = cluster(graph(["a/all.yaml": """
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: ClusterConfiguration
            networking:
              podSubnet: 10.244.0.0/16
              serviceSubnet: 10.96.0.0/16
            ---
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata: {name: default-ipv4-ippool}
            spec: {cidr: 192.168.0.0/16}
            ---
            apiVersion: projectcalico.org/v3
            kind: IPPool
            metadata: {name: lb}
            spec: {cidr: 203.0.113.0/24, allowedUses: [LoadBalancer]}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: n1}
            spec: {podCIDR: 10.244.3.0/24}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: n2}
            spec: {podCIDR: 172.16.0.0/24}
            """]), "a")
        XCTAssertEqual(c.disagreements.count, 2)
        XCTAssertEqual(c.disagreements[0].lower.map(\.source), ["kubeadm ClusterConfiguration networking.podSubnet"])
        XCTAssertEqual(c.disagreements[0].effective.map(\.value.description), ["192.168.0.0/16"])
        XCTAssertEqual(c.disagreements[1].lower.map(\.source), ["Node n2 spec.podCIDR"], "n1 lies inside kubeadm's podSubnet")
    }

    func testInvalidValuesInEverySourceAreProblems() {
        let c = cluster(graph(["a/x.yaml": """
            apiVersion: kubeadm.k8s.io/v1beta3
            kind: ClusterConfiguration
            networking:
              podSubnet: "10.244.0.0/16,"
              serviceSubnet: 10.96.0.0
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: ServiceEntry
            metadata: {name: se, namespace: foo}
            spec:
              hosts: [a.b.global]
              addresses: [240.0.0.1/33, 240.0.0.2]
              endpoints:
              - address: 10.0.0.1/32
              - address: istio-egressgateway.istio-system.svc.cluster.local
              - address: unix:///var/run/socket
            """]), "a")
        XCTAssertEqual(c.problems.map(\.fieldPath), [
            "networking.podSubnet", "networking.serviceSubnet", "spec.addresses[0]", "spec.endpoints[0].address",
        ])
        XCTAssertEqual(c.sources.filter { $0.role == .pod }.map(\.value.description), ["10.244.0.0/16"], "the valid part is still used")
    }

    func testOverlapsAreSweptPerNetworkAndDeduplicatedPerPair() {
        func kind(_ name: String, pod: String, svc: String, net: String?) -> [String: String] {
            var files = ["\(name)/kind.yaml": """
                kind: Cluster
                apiVersion: kind.x-k8s.io/v1alpha4
                name: \(name)
                networking: {podSubnet: "\(pod)", serviceSubnet: "\(svc)"}
                """]
            if let net {
                files["\(name)/values.yaml"] = "global:\n  network: \(net)\n"
            }
            return files
        }
        var files: [String: String] = [:]
        files.merge(kind("a", pod: "10.0.0.0/8", svc: "172.16.0.0/16", net: nil)) { $1 }
        files.merge(kind("b", pod: "10.1.0.0/16,10.2.0.0/16", svc: "172.17.0.0/16", net: nil)) { $1 }
        files.merge(kind("c", pod: "10.1.0.0/16", svc: "172.16.0.0/12", net: "net2")) { $1 }
        files.merge(kind("d", pod: "172.16.5.0/24", svc: "192.168.0.0/16", net: nil)) { $1 }
        let g = graph(files)
        let described = g.cidrIndex.overlaps.map { o in
            "\(g.name(o.later.cluster)):\(o.later.role)/\(g.name(o.earlier.cluster)):\(o.earlier.role) \(o.intersection.asCIDR!)"
        }
        XCTAssertEqual(described, [
            "b:pod/a:pod 10.1.0.0/16",          // one finding for the pair although two ranges of b overlap a's
            "d:pod/a:service 172.16.5.0/24",
        ])
        XCTAssertEqual(g.cidrIndex.overlaps[0].later.value.description, "10.1.0.0/16", "the earliest location wins")
    }

    func testSharedFileOverlapIsReportedOnce() {
        let g = graph([
            "kind.yaml": "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n",
            "a/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n",
            "b/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n",
            "c/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n",
        ])
        XCTAssertEqual(g.cidrIndex.overlaps.count, 2, "pod/pod and service/service")
        XCTAssertEqual(g.cidrIndex.overlaps.map(\.sharedBy), [[0, 1, 2], [0, 1, 2]])
    }

    func testManagementClusterInventoryOnlyCountsTheClusterItself() {
        let capi = { (name: String, pods: String) in """
            apiVersion: cluster.x-k8s.io/v1beta1
            kind: Cluster
            metadata: {name: \(name), namespace: fleet}
            spec:
              clusterNetwork: {pods: {cidrBlocks: ["\(pods)"]}}
            """ }
        let g = graph(["mgmt/clusters.yaml": [capi("mgmt", "10.0.0.0/16"), capi("w1", "10.1.0.0/16"), capi("w2", "10.2.0.0/16")]
            .joined(separator: "\n---\n")])
        XCTAssertEqual(cluster(g, "mgmt").sources.map(\.value.description), ["10.0.0.0/16"])
    }

    func testManifestSourcesAndGatewayAddresses() {
        let g = graph([
            "meshlint.yaml": """
            apiVersion: meshlint/v1
            kind: ConfigSet
            clusters:
            - name: east
              paths: ["east/**"]
              podCIDRs: ["10.10.0.0/16"]
              serviceCIDRs: ["10.96.0.0/16", "fd00::/108"]
              gatewayAddresses: ["203.0.113.10", "gw.example.com", "203.0.113.0/24"]
            """,
            "east/ns.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: istio-system}\n",
        ], manifest: "meshlint.yaml")
        let c = cluster(g, "east")
        XCTAssertEqual(c.sources.map(\.fieldPath), ["clusters[0].podCIDRs[0]", "clusters[0].serviceCIDRs[0]", "clusters[0].serviceCIDRs[1]"])
        XCTAssertEqual(c.problems.map(\.fieldPath), ["clusters[0].gatewayAddresses[2]"])
    }
}
