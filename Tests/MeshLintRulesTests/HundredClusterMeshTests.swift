import XCTest
@testable import MeshLint

/// A generated mesh of 100 clusters — 50 modern multi-primary clusters on one flat network
/// (full mesh of remote secrets) and 50 Istio 1.6 clusters joined by gateways with `.global`
/// ServiceEntries in two chains — into which one fault of each kind is injected in two
/// clusters. Every injected fault must be found, in the cluster it was injected into, and
/// nothing else may be reported at error level.
final class HundredClusterMeshTests: XCTestCase {
    static let modern = 0..<50
    static let legacy = 50..<100

    /// rule → the clusters it was injected into.
    static let faults: [String: Set<Int>] = [
        "MC101": [13, 33], "MC102": [15, 35], "MC103": [17, 37],
        "MC201": [8, 28], "MC202": [9, 29], "MC301": [7, 27], "MC302": [11, 31],
        "MC401": [60, 85], "MC501": [50, 75], "MC502": [62, 87], "MC601": [64, 89], "MC602": [66, 91],
    ]

    static func name(_ i: Int) -> String { String(format: "c%03d", i) }
    static func has(_ rule: String, _ i: Int) -> Bool { faults[rule]!.contains(i) }

    /// Pod and service CIDRs: unique per cluster, except where an overlap is injected.
    static func podCIDR(_ i: Int) -> String {
        if has("MC101", i) { return podCIDR(i - 10) }
        if has("MC103", i) { return "10.3\(i).0.0/16" }     // 10.317.0.0/16: octet out of range
        return "10.\(100 + i).0.0/16"
    }

    static func serviceCIDR(_ i: Int) -> String {
        if has("MC102", i) { return serviceCIDR(i - 10) }
        return "100.\(64 + i / 4).\((i % 4) * 64).0/18"
    }

    static func istiocorednsIP(_ i: Int) -> String { "100.\(64 + i / 4).\((i % 4) * 64).53" }
    static func gatewayIP(_ i: Int) -> String { "198.18.\(i).10" }

    static func kubeadm(_ i: Int) -> String {
        """
        apiVersion: kubeadm.k8s.io/v1beta3
        kind: ClusterConfiguration
        clusterName: \(name(i))
        networking:
          dnsDomain: cluster.local
          podSubnet: \(podCIDR(i))
          serviceSubnet: \(serviceCIDR(i))

        """
    }

    static func namespaces(_ i: Int, network: String) -> String {
        let label = has("MC302", i) ? "net-b" : network
        return """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: istio-system
          labels:
            topology.istio.io/network: \(label)
        ---
        apiVersion: v1
        kind: Namespace
        metadata:
          name: app
          labels:
            istio-injection: enabled

        """
    }

    static func modernCluster(_ i: Int) -> [(String, String)] {
        let n = name(i)
        let clusterName = has("MC301", i) ? "Cluster_\(i)" : n
        var files: [(String, String)] = []
        files.append(("\(n)/istio-operator.yaml", """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        metadata:
          name: istio-controlplane
          namespace: istio-system
        spec:
          profile: default
          tag: 1.22.3
          values:
            global:
              meshID: mesh1
              multiCluster:
                clusterName: \(clusterName)
              network: net-a

        """))
        files.append(("\(n)/kubeadm-config.yaml", kubeadm(i)))
        files.append(("\(n)/namespaces.yaml", namespaces(i, network: "net-a")))
        var secrets = ""
        for j in modern where j != i {
            let target = name(j)
            let labels = has("MC201", i) && j == (i + 1) % 50 ? "" : "\n  labels:\n    istio/multiCluster: \"true\""
            secrets += """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-\(target)
              namespace: istio-system
              annotations:
                networking.istio.io/cluster: \(target)\(labels)
            stringData:
              \(target): |
                apiVersion: v1
                kind: Config
                clusters:
                - cluster:
                    certificate-authority-data: LS0tLS1CRUdJTi1DRVJUSUZJQ0FURS0tLS0t
                    server: https://api.\(target).example.com:6443
                  name: \(target)
                contexts:
                - context: {cluster: \(target), user: \(target)}
                  name: \(target)
                current-context: \(target)
                users:
                - name: \(target)
                  user:
                    token: eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.reader-\(target)
            ---

            """
        }
        if has("MC202", i) {
            secrets += """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-c999
              namespace: istio-system
              labels:
                istio/multiCluster: "true"
            stringData:
              c999: |
                apiVersion: v1
                kind: Config
                clusters:
                - cluster:
                    server: https://api.c999.example.com:6443
                  name: c999
                contexts:
                - context: {cluster: c999, user: c999}
                  name: c999
                current-context: c999
                users:
                - name: c999
                  user:
                    token: eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.reader-c999

            """
        }
        files.append(("\(n)/remote-secrets.yaml", secrets))
        files.append(("\(n)/app.yaml", service("svc-\(i)")))
        return files
    }

    static func service(_ svc: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: \(svc)
          namespace: app
        spec:
          selector:
            app: \(svc)
          ports:
          - name: http
            port: 8000
            targetPort: 80

        """
    }

    /// Two chains of `.global` callers: 50 → 51 → … → 74 and 75 → 76 → … → 99.
    static func callee(_ i: Int) -> Int? { (i == 74 || i == 99) ? nil : i + 1 }

    static func legacyCluster(_ i: Int) -> [(String, String)] {
        let n = name(i)
        let tag = has("MC501", i) && i == 50 ? "1.10.6" : "1.6.13"
        let multiCluster = has("MC501", i) && i == 75 ? "false" : "true"
        var files: [(String, String)] = []
        files.append(("\(n)/istio-operator.yaml", """
        apiVersion: install.istio.io/v1alpha1
        kind: IstioOperator
        metadata:
          name: istio-controlplane
          namespace: istio-system
        spec:
          profile: default
          tag: \(tag)
          addonComponents:
            istiocoredns:
              enabled: true
          values:
            global:
              meshID: mesh1
              podDNSSearchNamespaces:
              - global
              - "{{ valueOrDefault .DeploymentMeta.Namespace \\"default\\" }}.global"
              multiCluster:
                clusterName: \(n)
                enabled: \(multiCluster)
                globalDomainSuffix: global
              network: legacy-\(i)

        """))
        files.append(("\(n)/kubeadm-config.yaml", kubeadm(i)))
        files.append(("\(n)/namespaces.yaml", namespaces(i, network: "legacy-\(i)")))
        let globalBlock = has("MC601", i) ? "" : """

            global:53 {
                errors
                cache 30
                forward . \(istiocorednsIP(i))
            }
        """
        files.append(("\(n)/coredns.yaml", """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: coredns
          namespace: kube-system
        data:
          Corefile: |
            .:53 {
                errors
                kubernetes cluster.local in-addr.arpa ip6.arpa {
                   pods insecure
                   fallthrough in-addr.arpa ip6.arpa
                }
                forward . /etc/resolv.conf
                cache 30
            }\(globalBlock)
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: istiocoredns
          namespace: istio-system
        spec:
          clusterIP: \(istiocorednsIP(i))
          selector:
            app: istiocoredns
          ports:
          - name: dns
            port: 53
            protocol: UDP

        """))
        files.append(("\(n)/ingressgateway.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: istio-ingressgateway
          namespace: istio-system
          labels:
            app: istio-ingressgateway
            istio: ingressgateway
        spec:
          type: LoadBalancer
          selector:
            app: istio-ingressgateway
            istio: ingressgateway
          ports:
          - name: status-port
            port: 15021
          - name: tls
            port: 15443
            targetPort: 15443
        status:
          loadBalancer:
            ingress:
            - ip: \(gatewayIP(i))

        """))
        files.append(("\(n)/app.yaml", service("svc-\(i)")))
        if let j = callee(i) {
            let port = has("MC401", i) ? "8443" : "15443"
            var entries = serviceEntry(name: "svc-\(j)", host: "svc-\(j).app.global", address: "240.0.\(i).1",
                                       endpoint: gatewayIP(j), port: port)
            if has("MC602", i) {
                entries += "---\n" + serviceEntry(name: "reports", host: "reports.app.global", address: "240.0.\(i).2",
                                                  endpoint: gatewayIP(j), port: "15443")
            }
            files.append(("\(n)/serviceentries.yaml", entries))
            if has("MC502", i) {
                files.append(("\(n)/destinationrules.yaml", """
                apiVersion: networking.istio.io/v1alpha3
                kind: DestinationRule
                metadata:
                  name: svc-\(j)-timeouts
                  namespace: app
                spec:
                  host: svc-\(j).app.global
                  trafficPolicy:
                    connectionPool:
                      tcp:
                        connectTimeout: 3s

                """))
            }
        }
        return files
    }

    static func serviceEntry(name: String, host: String, address: String, endpoint: String, port: String) -> String {
        """
        apiVersion: networking.istio.io/v1alpha3
        kind: ServiceEntry
        metadata:
          name: \(name)
          namespace: app
        spec:
          hosts:
          - \(host)
          location: MESH_INTERNAL
          ports:
          - name: http1
            number: 8000
            protocol: http
          resolution: DNS
          addresses:
          - \(address)
          endpoints:
          - address: \(endpoint)
            ports:
              http1: \(port)

        """
    }

    static func documents() -> [(path: String, text: String)] {
        modern.flatMap(modernCluster) + legacy.flatMap(legacyCluster)
    }

    func testEveryInjectedFaultIsFoundAndNothingElseAtErrorLevel() throws {
        let set = ConfigSetLoader().load(documents: Self.documents())
        XCTAssertEqual(set.clusters.count, 100)
        let report = try Linter().lint(set)
        let errors = report.findings.filter { $0.severity == .error }

        var found: [String: Set<Int>] = [:]
        for f in errors {
            guard let c = f.cluster, let i = Int(c.dropFirst()) else {
                XCTFail("error finding without a cluster: \(f.file):\(f.line) \(f.rule) \(f.message)")
                continue
            }
            found[f.rule, default: []].insert(i)
        }
        for (rule, clusters) in Self.faults.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(found[rule] ?? [], clusters, "\(rule): injected into \(clusters.sorted().map(Self.name)), found in \((found[rule] ?? []).sorted().map(Self.name))")
        }
        let unexpected = errors.filter { f in
            guard let c = f.cluster, let i = Int(c.dropFirst()) else { return true }
            return !(Self.faults[f.rule]?.contains(i) ?? false)
        }
        XCTAssertTrue(unexpected.isEmpty, "errors that were not injected:\n" + unexpected.prefix(20).map {
            "  \($0.rule) \($0.cluster ?? "-") \($0.file):\($0.line):\($0.column) \($0.message)"
        }.joined(separator: "\n"))
    }
}
