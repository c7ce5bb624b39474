import XCTest
@testable import MeshLintCore

/// The Corefile reader and the DNS zone lookup on the shapes real clusters and docs use.
final class CorefileTests: XCTestCase {
    /// Parses `corefile` as the `data.Corefile` literal block of a ConfigMap (key at column 3,
    /// content at column 5, first content line at line 9).
    func configMap(_ corefile: String, name: String = "coredns", key: String = "Corefile") -> (YAMLFile, YAMLNode, YAMLNode) {
        let body = corefile.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
        let text = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: \(name)
          namespace: kube-system
        data:
          other: x
          \(key): |
        \(body)
        """
        let f = YAMLParser.parse(bytes: Array(text.utf8), path: "east/coredns.yaml")
        let data = f.roots[0]["data"]!
        return (f, data[key]!, data.keyNode(key)!)
    }

    func corefile(_ text: String) -> Corefile {
        let (_, v, k) = configMap(text)
        return Corefile.parse(value: v, key: k)
    }

    func testKubeadmCorefileWithGlobalBlockKeepsPositions() {
        let c = corefile("""
        .:53 {
            errors
            health {
               lameduck 5s
            }
            kubernetes cluster.local in-addr.arpa ip6.arpa {
               pods insecure
               fallthrough in-addr.arpa ip6.arpa
            }
            forward . /etc/resolv.conf
            cache 30
        }
        global:53 {
            errors
            cache 30
            forward . 10.101.108.171
        }
        """)
        XCTAssertTrue(c.problems.isEmpty)
        XCTAssertEqual(c.blocks.count, 2)
        XCTAssertEqual(c.blocks[0].keys.map(\.zone), [""])
        XCTAssertEqual(c.blocks[1].keys.map(\.zone), ["global"])
        XCTAssertEqual(c.blocks[1].keys[0].port, 53)
        XCTAssertEqual(c.blocks[0].directives.map(\.name.text), ["errors", "health", "kubernetes", "forward", "cache"])
        XCTAssertEqual(c.blocks[0].directives[1].block?.first?.name.text, "lameduck")
        let fwd = c.blocks[1].directives[2]
        XCTAssertEqual(fwd.args.map(\.text), [".", "10.101.108.171"])
        // Line 9 holds `.:53 {`; `forward` of the global block is on content line 16.
        XCTAssertEqual(fwd.name.location, SourceLocation(file: "east/coredns.yaml", line: 24, column: 9))
        XCTAssertEqual(fwd.args[1].location, SourceLocation(file: "east/coredns.yaml", line: 24, column: 19))
        XCTAssertEqual(c.blocks[1].keys[0].token.location, SourceLocation(file: "east/coredns.yaml", line: 21, column: 5))
    }

    func testCommentsQuotesShellSubstitutionAndAttachedBrace() {
        let c = corefile("""
        # global zone for Istio
        global:53{   # trailing comment
            errors # another
            proxy . $(kubectl get svc -n istio-system istiocoredns -o jsonpath={.spec.clusterIP})
            template IN A "my zone" {
                answer "{{ .Name }} 60 IN A 1.2.3.4"
            }
        }
        """)
        XCTAssertTrue(c.problems.isEmpty, "\(c.problems.map(\.message))")
        XCTAssertEqual(c.blocks.count, 1)
        XCTAssertEqual(c.blocks[0].keys.map(\.zone), ["global"])
        let proxy = c.blocks[0].directives[1]
        XCTAssertEqual(proxy.name.text, "proxy")
        XCTAssertEqual(proxy.args.count, 2, "the shell substitution is one word")
        XCTAssertTrue(proxy.args[1].text.hasPrefix("$(kubectl"))
        XCTAssertNil(DNSName.ip(inTarget: proxy.args[1].text))
        XCTAssertEqual(c.blocks[0].directives[2].args.map(\.text), ["IN", "A", "my zone"])
        XCTAssertEqual(c.blocks[0].directives[2].block?.first?.args.first?.text, "{{ .Name }} 60 IN A 1.2.3.4")
    }

    func testSnippetsImportsAndSchemes() {
        let c = corefile("""
        (istio) {
            forward . 10.0.0.53
        }
        dns://global:53, mesh.local:5353 {
            import istio
        }
        .:53 {
            import /etc/coredns/custom/*.override
        }
        import custom/*.server
        """)
        XCTAssertEqual(c.blocks.count, 2, "the snippet is not a server block")
        XCTAssertEqual(c.blocks[0].keys.map(\.zone), ["global", "mesh.local"])
        XCTAssertEqual(c.blocks[0].keys.map(\.port), [53, 5353])
        XCTAssertEqual(c.blocks[0].directives.first?.name.text, "forward", "snippet expanded")
        XCTAssertEqual(c.blocks[1].unresolvedImports.map(\.text), ["/etc/coredns/custom/*.override"])
        XCTAssertEqual(c.unresolvedImports.map(\.text), ["custom/*.server"])
    }

    func testBracelessSingleBlockAndUnbalancedBraces() {
        let c = corefile("""
        .
        forward . 8.8.8.8
        """)
        XCTAssertEqual(c.blocks.count, 1)
        XCTAssertEqual(c.blocks[0].directives.map(\.name.text), ["forward"])
        let broken = corefile("""
        global:53 {
            forward . 10.0.0.1
        """)
        XCTAssertFalse(broken.problems.isEmpty)
        XCTAssertEqual(broken.blocks.first?.directives.first?.args.last?.text, "10.0.0.1", "what parsed is kept")
    }

    func testTargets() {
        XCTAssertEqual(DNSName.ip(inTarget: "10.96.0.53"), "10.96.0.53")
        XCTAssertEqual(DNSName.ip(inTarget: "10.96.0.53:53"), "10.96.0.53")
        XCTAssertEqual(DNSName.ip(inTarget: "dns://10.96.0.53:53"), "10.96.0.53")
        XCTAssertEqual(DNSName.ip(inTarget: "[fd00::53]:53"), "fd00::53")
        XCTAssertNil(DNSName.ip(inTarget: "/etc/resolv.conf"))
        XCTAssertNil(DNSName.ip(inTarget: "10.300.0.1"))
        XCTAssertTrue(DNSName.zone("", contains: "global"))
        XCTAssertTrue(DNSName.zone("global", contains: "global"))
        XCTAssertFalse(DNSName.zone("bar.global", contains: "global"))
    }

    // MARK: zone resolution

    func resource(_ root: YAMLNode) -> Resource {
        guard case .resource(let id) = ResourceFactory.classify(root) else { fatalError() }
        return Resource(clusterIndex: 0, root: root, identity: id, isShared: false)
    }

    func dns(_ corefile: String) -> ClusterDNSConfig {
        let (f, _, _) = configMap(corefile)
        return ClusterDNSConfig.read(configMaps: [resource(f.roots[0])], services: [], istioNamespace: "istio-system")
    }

    func testZoneResolution() {
        if case .forwarded(let f) = dns(".:53 {\n    forward . /etc/resolv.conf\n}\nglobal:53 {\n    forward . 10.0.0.53\n}").resolution(of: "global") {
            XCTAssertEqual(f.first?.targets.map(\.ip), ["10.0.0.53"])
        } else { XCTFail("global:53 block") }
        if case .forwarded(let f) = dns(".:53 {\n    proxy global 10.96.108.171\n    proxy . /etc/resolv.conf\n}").resolution(of: "global") {
            XCTAssertEqual(f.first?.targets.map(\.text), ["10.96.108.171"])
        } else { XCTFail("proxy global stanza") }
        if case .forwarded = dns(".:53 {\n    forward global 10.0.0.53\n    forward . /etc/resolv.conf\n}").resolution(of: "global") {} else {
            XCTFail("forward global stanza")
        }
        if case .notForwarded(let anchors) = dns(".:53 {\n    forward . /etc/resolv.conf\n}").resolution(of: "global") {
            XCTAssertEqual(anchors.first?.location, SourceLocation(file: "east/coredns.yaml", line: 8, column: 3), "the Corefile key")
        } else { XCTFail("root forward only") }
        if case .notForwarded(let anchors) = dns(".:53 {\n    forward . /etc/resolv.conf\n}\nglobal:53 {\n    errors\n    cache 30\n}").resolution(of: "global") {
            XCTAssertEqual(anchors.first?.location, SourceLocation(file: "east/coredns.yaml", line: 12, column: 5), "the global:53 key")
        } else { XCTFail("global block without forward") }
        if case .notForwarded = dns("global:5353 {\n    forward . 10.0.0.53\n}\n.:53 {\n    forward . /etc/resolv.conf\n}").resolution(of: "global") {} else {
            XCTFail("a block on another port does not serve cluster DNS")
        }
        if case .answered = dns(".:53 {\n    template IN A global {\n        answer \"{{ .Name }} 3600 IN A 1.1.1.1\"\n    }\n}").resolution(of: "global") {} else {
            XCTFail("template")
        }
        if case .unknown = dns(".:53 {\n    forward . /etc/resolv.conf\n}\nimport custom/*.server").resolution(of: "global") {} else {
            XCTFail("unresolved import")
        }
        if case .noConfiguration = ClusterDNSConfig.read(configMaps: [], services: [], istioNamespace: "istio-system").resolution(of: "global") {} else {
            XCTFail("no DNS ConfigMap at all")
        }
    }

    func testStubDomainsJSONPositions() {
        let text = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: kube-dns
          namespace: kube-system
        data:
          stubDomains: |
            {"global": ["10.31.245.12", "10.31.245.13:53"],
             "corp.example": ["10.0.0.1"]}
          upstreamNameservers: '["8.8.8.8"]'
        """
        let f = YAMLParser.parse(bytes: Array(text.utf8), path: "gke/kube-dns.yaml")
        let cfg = ClusterDNSConfig.read(configMaps: [resource(f.roots[0])], services: [], istioNamespace: "istio-system")
        guard case .forwarded(let fw) = cfg.resolution(of: "global") else { return XCTFail() }
        XCTAssertEqual(fw[0].targets.map(\.ip), ["10.31.245.12", "10.31.245.13"])
        XCTAssertEqual(fw[0].targets[0].location, SourceLocation(file: "gke/kube-dns.yaml", line: 8, column: 17))
        XCTAssertEqual(fw[0].location, SourceLocation(file: "gke/kube-dns.yaml", line: 8, column: 6))

        let quoted = YAMLParser.parse(bytes: Array("kind: ConfigMap\napiVersion: v1\nmetadata: {name: kube-dns, namespace: kube-system}\ndata:\n  stubDomains: '{\"global\": [\"10.0.0.9\"]}'\n".utf8), path: "q.yaml")
        let q = ClusterDNSConfig.read(configMaps: [resource(quoted.roots[0])], services: [], istioNamespace: "istio-system")
        guard case .forwarded(let qf) = q.resolution(of: "global") else { return XCTFail() }
        XCTAssertEqual(qf[0].targets[0].location, SourceLocation(file: "q.yaml", line: 5, column: 29))
    }

    func testIstioCorednsConfigMapIsNotClusterDNS() {
        // The istiocoredns chart's own ConfigMap is also named `coredns`, but in istio-system.
        let text = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: coredns
          namespace: istio-system
        data:
          Corefile: |
            .:53 {
                  proxy global 127.0.0.1:8053 {
                    protocol grpc insecure
                  }
                  proxy . /etc/resolv.conf
            }
        """
        let f = YAMLParser.parse(bytes: Array(text.utf8), path: "istiocoredns.yaml")
        let cfg = ClusterDNSConfig.read(configMaps: [resource(f.roots[0])], services: [], istioNamespace: "istio-system")
        XCTAssertTrue(cfg.isEmpty)
    }
}
