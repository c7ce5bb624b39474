import XCTest
@testable import MeshLint

/// Cluster ranges from distribution and cloud descriptors: k3s/RKE2 config.yaml, eksctl
/// ClusterConfig, GKE ContainerCluster, OpenShift install-config, Talos machine config.
final class CIDRPlatformSourcesTests: XCTestCase {
    func lint(_ files: [String: String], rules: [String] = ["MC101", "MC102", "MC103", "MC004"]) -> [String] {
        let set = ConfigSetLoader(options: LoadOptions(parallel: false)).load(documents: files.map { ($0.key, $0.value) })
        return try! Linter(only: rules).lint(set).findings.map { "\($0.rule) \($0.file):\($0.line):\($0.column)" }.sorted()
    }

    /// Two k3s servers left at the defaults (10.42.0.0/16, 10.43.0.0/16) on one network overlap;
    /// explicit values are read at their keys, and the file is not reported as skipped (MC004).
    func testK3sConfig() {
        let defaults = lint([
            "east/config.yaml": "write-kubeconfig-mode: \"0644\"\ntls-san:\n  - east.example.com\n",
            "west/config.yaml": "write-kubeconfig-mode: \"0644\"\ntls-san:\n  - west.example.com\n",
        ])
        XCTAssertEqual(defaults.filter { $0.hasPrefix("MC004") }, [])
        // One finding per overlapping pair, on one side (the other is its related location).
        XCTAssertEqual(defaults, ["MC101 west/config.yaml:1:1", "MC102 west/config.yaml:1:1"])
        let explicit = lint([
            "east/config.yaml": "cluster-cidr: 10.42.0.0/16\nservice-cidr: 10.43.0.0/16\n",
            "west/config.yaml": "cluster-cidr: 10.52.0.0/16,fd00:52::/56\nservice-cidr: 10.43.0.0/16\n",
        ])
        XCTAssertEqual(explicit, ["MC102 west/config.yaml:2:15"])
    }

    func testEksctlGKEOpenShiftTalos() {
        let found = lint([
            "eks/cluster.yaml": """
                apiVersion: eksctl.io/v1alpha5
                kind: ClusterConfig
                metadata:
                  name: eks
                  region: eu-west-1
                kubernetesNetworkConfig:
                  serviceIPv4CIDR: 172.20.0.0/16
                """,
            "gke/cluster.yaml": """
                apiVersion: container.cnrm.cloud.google.com/v1beta1
                kind: ContainerCluster
                metadata:
                  name: gke
                spec:
                  location: europe-west1
                  ipAllocationPolicy:
                    clusterIpv4CidrBlock: 10.8.0.0/14
                    servicesIpv4CidrBlock: 172.20.0.0/20
                """,
            "ocp/install-config.yaml": """
                apiVersion: v1
                baseDomain: example.com
                metadata:
                  name: ocp
                networking:
                  clusterNetwork:
                  - cidr: 10.8.0.0/14
                    hostPrefix: 23
                  serviceNetwork:
                  - 172.30.0.0/16
                platform:
                  none: {}
                """,
            "talos/controlplane.yaml": """
                version: v1alpha1
                machine:
                  type: controlplane
                cluster:
                  network:
                    podSubnets:
                      - 10.244.0.0/16
                    serviceSubnets:
                      - 172.30.0.0/16
                """,
        ])
        // GKE and OpenShift pods share 10.8.0.0/14; EKS 172.20.0.0/16 contains GKE's
        // 172.20.0.0/20; OpenShift and Talos services share 172.30.0.0/16.
        XCTAssertEqual(found, [
            "MC101 ocp/install-config.yaml:7:11", "MC102 gke/cluster.yaml:9:28", "MC102 talos/controlplane.yaml:9:9",
        ])
    }
}
