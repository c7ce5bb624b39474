/// Renders a `Topology` as a Graphviz DOT digraph: a subgraph per network holding a subgraph
/// per cluster (its node and its gateways), edges styled by kind, findings in red with their
/// codes, and a legend. Node and edge `id`s are the topology's, so `dot -Tsvg` output can be
/// linked to the findings (the HTML page does).
public struct DOTRenderer: Sendable {
    /// A renderer.
    public init() {}

    static let red = "#d1242f"

    /// Colour and style of each edge kind (shared with the SVG renderer's legend).
    static func style(_ kind: Topology.EdgeKind) -> (color: String, dashed: Bool) {
        switch kind {
        case .discovery: return ("#1f6feb", false)
        case .missingDiscovery: return (red, true)
        case .crossNetwork: return ("#1a7f37", false)
        case .serviceEntry: return ("#8250df", false)
        case .differentRootCA: return ("#bc4c00", true)
        }
    }

    /// The DOT text.
    public func render(_ t: Topology) -> String {
        typealias T = TopologyText
        var o = "digraph meshlint {\n"
        o += "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, compound=true, newrank=true, nodesep=0.3, ranksep=1.2,"
        o += " label=\"\(T.dot(Self.caption(t)))\", labelloc=t];\n"
        o += "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\", fontsize=10];\n"
        o += "  edge [fontname=\"Helvetica\", fontsize=9];\n"
        for net in t.networks {
            o += "  subgraph cluster_\(net.id) {\n"
            o += "    label=\"\(T.dot(T.title(net)))\"; style=\"rounded,filled\"; fillcolor=\"#f6f8fa\"; color=\"#8c959f\";\n"
            for ci in net.clusters {
                let c = t.clusters[ci]
                let bad = !c.findings.isEmpty
                o += "    subgraph cluster_\(c.id) {\n"
                o += "      label=\"\"; style=\"rounded,filled\"; fillcolor=white; color=\"\(bad ? Self.red : "#57606a")\";\n"
                var label = ([c.name] + T.lines(c)).joined(separator: "\n")
                if bad { label += "\n✖ " + T.codes(t, c.findings) }
                o += "      \(c.id) [id=\"\(c.id)\", label=\"\(T.dot(label))\", shape=plaintext, style=\"\", fontcolor=\"\(bad ? Self.red : "black")\","
                o += " tooltip=\"\(T.dot(Self.tooltip(t, c.name, c.findings)))\"];\n"
                for g in c.gateways {
                    let gbad = !g.findings.isEmpty
                    var gl = T.line(g)
                    if gbad { gl += "\n✖ " + T.codes(t, g.findings) }
                    o += "      \(g.id) [id=\"\(g.id)\", label=\"\(T.dot(gl))\", shape=box, fontsize=9, color=\"\(gbad ? Self.red : "#8c959f")\","
                    o += " fontcolor=\"\(gbad ? Self.red : "black")\", tooltip=\"\(T.dot(Self.tooltip(t, g.name, g.findings)))\"];\n"
                }
                o += "    }\n"
            }
            o += "  }\n"
        }
        for x in t.externals {
            o += "  \(x.id) [id=\"\(x.id)\", label=\"\(T.dot("address " + x.address + "\n(no cluster of the set)"))\", shape=box, style=\"dashed\", color=\"\(Self.red)\"];\n"
        }
        if !t.setFindings.isEmpty {
            o += "  setwide [id=\"setwide\", label=\"\(T.dot("set-wide\n✖ " + T.codes(t, t.setFindings)))\", fontcolor=\"\(Self.red)\", color=\"\(Self.red)\"];\n"
        }
        for e in t.edges {
            let (color, dashed) = Self.style(e.kind)
            var label = e.label
            if !e.findings.isEmpty { label += "\n✖ " + T.codes(t, e.findings) }
            var attrs = ["id=\"\(e.id)\"", "label=\"\(T.dot(label))\"", "tooltip=\"\(T.dot(Self.tooltip(t, e.kind.rawValue + " " + e.label, e.findings)))\""]
            attrs.append("color=\"\(e.isBroken ? Self.red : color)\"")
            if e.isBroken { attrs += ["fontcolor=\"\(Self.red)\"", "penwidth=2.5"] } else { attrs.append("fontcolor=\"#57606a\"") }
            if dashed { attrs.append("style=dashed") }
            o += "  \(e.from) -> \(e.to) [\(attrs.joined(separator: ", "))];\n"
        }
        // Legend.
        o += "  subgraph cluster_legend {\n    label=\"legend\"; style=rounded; color=\"#8c959f\"; fontsize=10;\n"
        for (i, k) in Topology.EdgeKind.allCases.enumerated() {
            let (color, dashed) = Self.style(k)
            o += "    legend\(i)a [label=\"\", shape=point, width=0.05]; legend\(i)b [label=\"\(T.dot(k.legend))\", shape=plaintext, style=\"\", fontsize=9];\n"
            o += "    legend\(i)a -> legend\(i)b [color=\"\(color)\"\(dashed ? ", style=dashed" : "")];\n"
        }
        o += "    legendred [label=\"red, ✖ CODE: a finding on this node or edge\", shape=plaintext, style=\"\", fontsize=9, fontcolor=\"\(Self.red)\"];\n"
        o += "  }\n}\n"
        return o
    }

    /// The caption: counts, and what an aggregated picture leaves out.
    static func caption(_ t: Topology) -> String {
        let p = SVGRenderer.plural
        var s = "meshlint graph: \(p(t.clusterCount, "cluster")), \(p(t.networks.count, "network")), \(p(t.findings.count, "finding"))"
        if t.isAggregated { s += " — aggregated by network; \(t.hiddenEdges) edges without findings not shown (--all shows them)" }
        return s
    }

    /// A hover text: the subject, then one line per finding with its file:line.
    static func tooltip(_ t: Topology, _ subject: String, _ findings: [Int]) -> String {
        ([subject] + findings.map { TopologyText.finding(t.findings[$0]) }).joined(separator: "\n")
    }
}
