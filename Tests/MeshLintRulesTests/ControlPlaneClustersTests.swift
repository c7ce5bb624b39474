import XCTest
@testable import MeshLint

/// `topology.istio.io/controlPlaneClusters` takes `*` and comma-separated lists
/// (pilot/pkg/serviceregistry/kube/controller/multicluster.go checkShouldLead).
final class ControlPlaneClustersTests: XCTestCase {
    func lint(annotation: String) -> [String] {
        let files = [
            ("cluster1/istio-operator.yaml", """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  values:
                    global:
                      meshID: mesh1
                      externalIstiod: true
                      multiCluster:
                        clusterName: cluster1
                      network: network1
                """),
            ("cluster1/remote-secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata:
                  labels:
                    istio/multiCluster: "true"
                  name: istio-remote-secret-cluster2
                  namespace: istio-system
                stringData:
                  cluster2: |
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - cluster: {server: "https://198.51.100.7:6443"}
                      name: cluster2
                    contexts:
                    - context: {cluster: cluster2, user: cluster2}
                      name: cluster2
                    current-context: cluster2
                    users:
                    - name: cluster2
                      user: {token: PLACEHOLDER}
                """),
            ("cluster2/istio-operator.yaml", """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                spec:
                  profile: remote
                  values:
                    istiodRemote:
                      injectionPath: /inject/cluster/cluster2/net/network1
                    global:
                      remotePilotAddress: 203.0.113.10
                """),
            ("cluster2/namespace.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: istio-system
                  annotations:
                    topology.istio.io/controlPlaneClusters: "\(annotation)"
                """),
        ]
        let report = try! Linter(only: ["MC301", "MC203"]).lint(documents: files, options: LoadOptions(parallel: false))
        return report.findings.map { "\($0.rule) \($0.file):\($0.line)" }
    }

    func testWildcardAndListsAreAccepted() {
        XCTAssertEqual(lint(annotation: "*"), [])
        XCTAssertEqual(lint(annotation: "cluster1"), [])
        XCTAssertEqual(lint(annotation: "cluster1, cluster-dr"), [], "a second primary outside the set")
        XCTAssertEqual(lint(annotation: "cluster-dr,cluster1"), [])
    }

    func testListWithoutAnyKnownClusterIsReported() {
        XCTAssertEqual(lint(annotation: "cluster9,cluster-dr"), ["MC301 cluster2/namespace.yaml:6", "MC301 cluster2/namespace.yaml:6"])
    }
}
