import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import MeshLint
import XCTest

/// `meshlint graph`: the topology model, its renderers and the command.
final class GraphTests: XCTestCase {
    static let corpus = CLI.packageRoot + "/Corpus"

    func topology(_ set: String) throws -> Topology {
        Topology(report: try CorpusTests.linter().lint(paths: [Self.corpus + "/" + set]))
    }

    static var corpusSets: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus)) ?? []).filter {
            FileManager.default.fileExists(atPath: corpus + "/" + $0 + "/expected-findings.txt")
        }.sorted()
    }

    /// Where each finding went: every finding is attached exactly once.
    func attachments(_ t: Topology) -> [Int] {
        var all = t.setFindings + t.edges.flatMap(\.findings) + t.externals.flatMap(\.findings)
        for c in t.clusters { all += c.findings + c.gateways.flatMap(\.findings) }
        return all.sorted()
    }

    func testEveryFindingOfEveryCorpusSetIsDrawnOnce() throws {
        XCTAssertFalse(Self.corpusSets.isEmpty)
        for set in Self.corpusSets {
            let t = try topology(set)
            XCTAssertEqual(attachments(t), Array(t.findings.indices), set)
            for e in t.edges {
                XCTAssertNotNil(node(t, e.from), "\(set) \(e.id) from \(e.from)")
                XCTAssertNotNil(node(t, e.to), "\(set) \(e.id) to \(e.to)")
            }
        }
    }

    func node(_ t: Topology, _ id: String) -> String? {
        for c in t.clusters {
            if c.id == id { return c.name }
            if let g = c.gateways.first(where: { $0.id == id }) { return g.name }
        }
        return t.externals.first { $0.id == id }?.address
    }

    func testBrokenTwoNetworkSetDrawsTheBrokenCrossNetworkEdge() throws {
        let t = try topology("multi-primary-multi-network-broken")
        XCTAssertEqual(t.networks.compactMap(\.name), ["network1", "network2"])
        let c1 = try XCTUnwrap(t.clusters.first { $0.name == "cluster1" })
        let c2 = try XCTUnwrap(t.clusters.first { $0.name == "cluster2" })
        XCTAssertEqual(c1.role, "primary")
        let ew = try XCTUnwrap(c2.gateways.first { $0.kinds.contains("east-west") })
        XCTAssertTrue(ew.ports?.contains(15443) ?? false)
        // Remote secrets both ways.
        XCTAssertTrue(t.edges.contains { $0.kind == .discovery && $0.from == c1.id && $0.to == c2.id })
        XCTAssertTrue(t.edges.contains { $0.kind == .discovery && $0.from == c2.id && $0.to == c1.id })
        // cluster1 reaches cluster2 through cluster2's east-west gateway, which listens on the
        // wrong port (MC401, MC402), and cluster1's meshNetworks puts cluster2 on a misspelt
        // network (MC302): all three are on that edge.
        let edge = try XCTUnwrap(t.edges.first { $0.kind == .crossNetwork && $0.from == c1.id && $0.to == ew.id })
        XCTAssertEqual(Set(t.codes(edge.findings)), ["MC302", "MC401", "MC402"])
        // The manifest's wrong network for cluster2 is about cluster2 itself.
        XCTAssertEqual(t.codes(c2.findings), ["MC302"])
    }

    func testLargeMeshTwelveClusters() throws {
        let t = try topology("large-mesh-12-clusters")
        XCTAssertEqual(t.clusters.count, 12)
        XCTAssertFalse(t.isLarge)
        XCTAssertGreaterThan(t.networks.count, 1)
        XCTAssertTrue(t.edges.contains { $0.kind == .discovery })
        XCTAssertTrue(t.edges.contains(where: \.isBroken))
    }

    func testMissingRemoteSecretIsABrokenEdge() throws {
        for set in Self.corpusSets {
            let t = try topology(set)
            for e in t.edges where e.kind == .missingDiscovery {
                XCTAssertTrue(e.isBroken)
            }
            // MC203 (remote secret missing): its primary has a missing-discovery edge, and the
            // finding is on that edge or, when it names several clusters, on the primary.
            for (i, f) in t.findings.enumerated() where f.rule == "MC203" {
                let c = try XCTUnwrap(t.clusters.first { $0.name == f.cluster })
                let missing = t.edges.filter { $0.kind == .missingDiscovery && $0.from == c.id }
                XCTAssertFalse(missing.isEmpty, "\(set): \(f.message)")
                XCTAssertTrue(missing.contains { $0.findings.contains(i) } || c.findings.contains(i), set)
            }
        }
    }

    // MARK: Renderers

    func testSVGIsWellFormedXMLForEveryCorpusSet() throws {
        for set in Self.corpusSets {
            let svg = SVGRenderer().render(try topology(set))
            let parser = XMLParser(data: Data(svg.utf8))
            XCTAssertTrue(parser.parse(), "\(set): \(parser.parserError.map { "\($0)" } ?? "")")
        }
    }

    /// Names and messages come from YAML: nothing in them may become markup or syntax.
    func testHostileNamesAreEscapedInEveryFormat() throws {
        let evil = #"x"><script>alert(1)</script>|]#\N"#
        let set = TempSet()
        set.write("east/secret.yaml", """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-west
              namespace: istio-system
              annotations:
                networking.istio.io/cluster: '\(evil)'
            stringData:
              '\(evil)': |
                apiVersion: v1
                kind: Config
            """)
        set.write("west/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n")
        let report = try CorpusTests.linter().lint(paths: [set.path])
        XCTAssertTrue(report.findings.contains { $0.message.contains("<script>") }, "the test needs a message with markup")
        let t = Topology(report: report)
        let svg = SVGRenderer().render(t)
        XCTAssertFalse(svg.contains("<script"))
        XCTAssertTrue(XMLParser(data: Data(svg.utf8)).parse())
        let html = HTMLRenderer().render(t, svg: svg, layout: "meshlint")
        XCTAssertEqual(html.components(separatedBy: "<script").count, 2, "only the page's own script")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let mermaid = MermaidRenderer().render(t)
        try MermaidGrammar.check(mermaid)
        XCTAssertFalse(mermaid.contains("<script"))
        let dot = DOTRenderer().render(t)
        XCTAssertTrue(dot.contains(#"]#\\N"#), "a backslash in a name stays a backslash")
        XCTAssertFalse(dot.contains(#"]#\N"#))
        try checkWithGraphviz(dot, "hostile")
        XCTAssertEqual(TopologyText.dot("a\"b\\c\nd"), #"a\"b\\c\nd"#)
        XCTAssertEqual(TopologyText.mermaid("a\"|b#<"), "a#34;#124;b#35;#60;")
        XCTAssertEqual(TopologyText.xml("a<&>\"'\u{7}"), "a&lt;&amp;&gt;&quot;&#39;\u{FFFD}")
    }

    func testMermaidFollowsTheFlowchartGrammarForEveryCorpusSet() throws {
        for set in Self.corpusSets {
            let text = MermaidRenderer().render(try topology(set))
            XCTAssertNoThrow(try MermaidGrammar.check(text), set)
        }
    }

    func testMermaidCheckerRejectsBrokenText() {
        XCTAssertThrowsError(try MermaidGrammar.check("flowchart LR\n  a[\"x\"] --> b\n"), "undefined node b")
        XCTAssertThrowsError(try MermaidGrammar.check("flowchart LR\n  subgraph s[\"x\"]\n  a[\"x\"]\n"), "unclosed subgraph")
        XCTAssertThrowsError(try MermaidGrammar.check("flowchart LR\n  a[\"x\"y\"]\n"), "quote in a label")
        XCTAssertThrowsError(try MermaidGrammar.check("flowchart LR\n  a[\"x\"]\n  linkStyle 0 stroke:red\n"), "linkStyle beyond the links")
    }

    func testDOTIsAcceptedByGraphvizForEveryCorpusSet() throws {
        for set in Self.corpusSets {
            try checkWithGraphviz(DOTRenderer().render(try topology(set)), set)
        }
    }

    func checkWithGraphviz(_ dot: String, _ what: String) throws {
        guard let tool = ["/usr/bin/dot", "/usr/local/bin/dot"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("Graphviz dot is not installed")
        }
        let set = TempSet()
        set.write("g.dot", dot)
        let r = try CLI.exec(tool, ["-Tsvg", set.path + "/g.dot"])
        XCTAssertEqual(r.status, 0, "\(what): \(r.stderr)")
        XCTAssertEqual(r.stderr, "", what)
        XCTAssertTrue(r.stdout.contains("<svg"), what)
    }

    // MARK: Large meshes

    func testAHundredClustersAreAggregatedByNetwork() throws {
        var docs: [(path: String, text: String)] = []
        for i in 0..<120 {
            docs.append((path: "c\(i)/istio.yaml", text: """
                apiVersion: install.istio.io/v1alpha1
                kind: IstioOperator
                metadata:
                  name: istio
                  namespace: istio-system
                spec:
                  values:
                    global:
                      meshID: mesh1
                      multiCluster:
                        clusterName: c\(i)
                      network: net\(i % 3)
                """))
        }
        // One cluster holds a remote secret for a cluster that does not exist.
        docs.append((path: "c0/secret.yaml", text: """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-c1
              namespace: istio-system
              labels:
                istio/multiCluster: "true"
            stringData:
              c1: |
                apiVersion: v1
                kind: Config
                clusters:
                - name: c1
                  cluster:
                    server: https://c1.example.com
                users:
                - name: c1
                  user:
                    token: t
                contexts:
                - name: c1
                  context: {cluster: c1, user: c1}
                current-context: c1
            """))
        let t = Topology(report: try CorpusTests.linter().lint(documents: docs))
        XCTAssertTrue(t.isLarge)
        let a = t.aggregatedByNetwork()
        XCTAssertTrue(a.isAggregated)
        XCTAssertFalse(a.isLarge)
        XCTAssertEqual(a.clusters.map(\.name), ["net0", "net1", "net2"])
        XCTAssertEqual(a.clusters.map(\.members), [40, 40, 40])
        XCTAssertTrue(a.edges.allSatisfy(\.isBroken))
        XCTAssertEqual(a.hiddenEdges, t.edges.filter { !$0.isBroken }.count)
        XCTAssertEqual(a.edges.reduce(0) { $0 + $1.count }, t.edges.filter(\.isBroken).count)
        XCTAssertFalse(a.edges.isEmpty, "the secret for a cluster that does not exist, or the missing ones, are broken edges")
        XCTAssertEqual(attachments(a), Array(a.findings.indices))
        XCTAssertTrue(XMLParser(data: Data(SVGRenderer().render(a).utf8)).parse())
        try MermaidGrammar.check(MermaidRenderer().render(a))
    }

    // MARK: The command

    func testGraphCommandIsDeterministicAcrossRuns() throws {
        let set = Self.corpus + "/large-mesh-12-clusters"
        for format in ["dot", "mermaid", "svg", "html"] {
            let a = try CLI.run(["graph", set, "--format", format])
            let b = try CLI.run(["graph", set, "--format", format])
            XCTAssertEqual(a.status, 0, a.stderr)
            XCTAssertEqual(a.stdout, b.stdout, format)
            XCTAssertFalse(a.stdout.isEmpty)
        }
    }

    func testHTMLIsSelfContained() throws {
        let r = try CLI.run(["graph", Self.corpus + "/multi-primary-multi-network-broken", "--format", "html"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let html = r.stdout
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("<svg"))
        XCTAssertTrue(html.contains("layout: meshlint"))
        // No resource from anywhere: no src/href attributes except in-page anchors, no url() but
        // in-page markers, no @import.
        for pattern in ["src=", "href=", "@import", "http://", "https://"] {
            let hits = html.components(separatedBy: pattern).count - 1
            let allowed = pattern == "http://" ? html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1 : 0
            XCTAssertEqual(hits, allowed, pattern)
        }
        XCTAssertTrue(html.contains("cluster2/expose-services.yaml:13:17"))
    }

    func testGraphvizLayoutAndOutputFile() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/dot") else { throw XCTSkip("Graphviz dot is not installed") }
        let dir = TempSet()
        let r = try CLI.run(["graph", Self.corpus + "/multi-primary-multi-network-broken", "--format", "html", "--layout", "dot",
                             "--output", dir.path + "/g.html"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "")
        let html = dir.read("g.html")
        XCTAssertTrue(html.contains("layout: Graphviz dot"))
        XCTAssertFalse(html.contains("<?xml"), "Graphviz's XML declaration does not belong inside HTML")
        // Graphviz keeps the topology ids, so the page links the drawing to the findings.
        XCTAssertTrue(html.contains("id=\"e2\"") && html.contains("id=\"p-e2\""))
    }

    func testGraphUsageErrors() throws {
        let r = try CLI.run(["graph", Self.corpus + "/multi-primary-multi-network-broken", "--format", "png"])
        XCTAssertEqual(r.status, 2)
        let missing = try CLI.run(["graph", "/nonexistent/meshlint-set"])
        XCTAssertEqual(missing.status, 2)
    }
}

/// A structural check of Mermaid flowchart text, as much of the grammar as meshlint writes:
/// the header, balanced `subgraph`/`end`, node definitions with quoted labels that hold no
/// quote, pipe or line break, edges between defined ids with a quoted label, `linkStyle`
/// indices within the edges, and `classDef`/`class` lines naming defined ids.
enum MermaidGrammar {
    struct Failure: Error, CustomStringConvertible {
        let line: Int
        let text: String
        let why: String
        var description: String { "line \(line): \(why): \(text)" }
    }

    static func check(_ text: String) throws {
        let id = #"[A-Za-z][A-Za-z0-9_]*"#
        let label = #""[^"|\n\[\]{}]*""#
        let rules: [(String, NSRegularExpression)] = [
            ("subgraph", try NSRegularExpression(pattern: "^subgraph (\(id))\\[(\(label))\\]$")),
            ("end", try NSRegularExpression(pattern: "^end$")),
            ("node", try NSRegularExpression(pattern: "^(\(id))\\[(\(label))\\]$")),
            ("edge", try NSRegularExpression(pattern: "^(\(id)) (-->|-\\.->)\\|(\(label))\\| (\(id))$")),
            ("linkStyle", try NSRegularExpression(pattern: "^linkStyle ([0-9]+) [a-z-]+:[#a-zA-Z0-9.]+(,[a-z-]+:[#a-zA-Z0-9.]+)*$")),
            ("classDef", try NSRegularExpression(pattern: "^classDef (\(id)) [a-z-]+:[#a-zA-Z0-9.]+(,[a-z-]+:[#a-zA-Z0-9.]+)*$")),
            ("class", try NSRegularExpression(pattern: "^class (\(id)(,\(id))*) (\(id))$")),
            ("comment", try NSRegularExpression(pattern: "^%%[^\n]*$")),
        ]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.first == "flowchart LR" else { throw Failure(line: 1, text: lines.first ?? "", why: "no flowchart header") }
        var depth = 0, edges = 0
        var defined = Set<String>(), classes = Set<String>()
        var pendingEdges: [(Int, String, String)] = []
        for (n, raw) in lines.enumerated().dropFirst() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let range = NSRange(line.startIndex..., in: line)
            guard let (kind, m) = rules.lazy.compactMap({ r in r.1.firstMatch(in: line, range: range).map { (r.0, $0) } }).first else {
                throw Failure(line: n + 1, text: line, why: "not a flowchart statement meshlint writes")
            }
            func group(_ i: Int) -> String { String(line[Range(m.range(at: i), in: line)!]) }
            switch kind {
            case "subgraph":
                guard defined.insert(group(1)).inserted else { throw Failure(line: n + 1, text: line, why: "id defined twice") }
                depth += 1
            case "end":
                depth -= 1
                if depth < 0 { throw Failure(line: n + 1, text: line, why: "end without subgraph") }
            case "node":
                guard defined.insert(group(1)).inserted else { throw Failure(line: n + 1, text: line, why: "id defined twice") }
            case "edge":
                pendingEdges.append((n + 1, group(1), group(4)))
                edges += 1
            case "linkStyle":
                if Int(group(1))! >= edges { throw Failure(line: n + 1, text: line, why: "linkStyle index beyond the links") }
            case "classDef":
                classes.insert(group(1))
            case "class":
                guard classes.contains(group(3)) else { throw Failure(line: n + 1, text: line, why: "undefined class") }
                for name in group(1).split(separator: ",") where !defined.contains(String(name)) {
                    throw Failure(line: n + 1, text: line, why: "class on undefined id \(name)")
                }
            default:
                break
            }
        }
        if depth != 0 { throw Failure(line: lines.count, text: "", why: "unclosed subgraph") }
        for (n, a, b) in pendingEdges where !defined.contains(a) || !defined.contains(b) {
            throw Failure(line: n, text: "\(a) -> \(b)", why: "edge between undefined ids")
        }
    }
}
