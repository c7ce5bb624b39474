/// Renders a `Topology` as a Mermaid flowchart (GitHub renders it in Markdown): a subgraph per
/// network and per cluster, gateway nodes, edges styled by kind, findings in red with their
/// codes. Every label is entity-escaped (`TopologyText.mermaid`).
public struct MermaidRenderer: Sendable {
    /// A renderer.
    public init() {}

    /// The Mermaid text.
    public func render(_ t: Topology) -> String {
        typealias T = TopologyText
        func q(_ s: String) -> String { "\"" + T.mermaid(s) + "\"" }
        var o = "flowchart LR\n"
        o += "  %% " + T.mermaid(DOTRenderer.caption(t)) + "\n"
        var bad: [String] = []
        for net in t.networks {
            o += "  subgraph \(net.id)[\(q(T.title(net)))]\n"
            for ci in net.clusters {
                let c = t.clusters[ci]
                o += "    subgraph \(c.id)box[\(q(c.name))]\n"
                var label = T.lines(c).joined(separator: "\n")
                if !c.findings.isEmpty {
                    label += "\n✖ " + T.codes(t, c.findings)
                    bad.append(c.id)
                }
                o += "      \(c.id)[\(q(label))]\n"
                for g in c.gateways {
                    var gl = T.line(g)
                    if !g.findings.isEmpty {
                        gl += "\n✖ " + T.codes(t, g.findings)
                        bad.append(g.id)
                    }
                    o += "      \(g.id)[\(q(gl))]\n"
                }
                o += "    end\n"
            }
            o += "  end\n"
        }
        for x in t.externals {
            o += "  \(x.id)[\(q("address " + x.address + "\n(no cluster of the set)"))]\n"
            bad.append(x.id)
        }
        if !t.setFindings.isEmpty {
            o += "  setwide[\(q("set-wide\n✖ " + T.codes(t, t.setFindings)))]\n"
            bad.append("setwide")
        }
        var styles: [String] = []
        for (i, e) in t.edges.enumerated() {
            var label = e.label
            if !e.findings.isEmpty { label += "\n✖ " + T.codes(t, e.findings) }
            let (color, dashed) = DOTRenderer.style(e.kind)
            o += "  \(e.from) \(dashed ? "-.->" : "-->")|\(q(label))| \(e.to)\n"
            styles.append(e.isBroken
                ? "  linkStyle \(i) stroke:\(DOTRenderer.red),stroke-width:3px,color:\(DOTRenderer.red)\n"
                : "  linkStyle \(i) stroke:\(color)\n")
        }
        // Legend: one sample link per edge kind, and the colour of findings.
        o += "  subgraph legend[\"legend\"]\n"
        for (k, kind) in Topology.EdgeKind.allCases.enumerated() {
            let (color, dashed) = DOTRenderer.style(kind)
            o += "    legend\(k)a[\" \"]\n    legend\(k)b[\" \"]\n"
            o += "    legend\(k)a \(dashed ? "-.->" : "-->")|\(q(kind.legend))| legend\(k)b\n"
            styles.append("  linkStyle \(t.edges.count + k) stroke:\(color)\n")
        }
        o += "    legendfinding[\(q("red, ✖ CODE: a finding on this node or edge"))]\n  end\n"
        bad.append("legendfinding")
        o += styles.joined()
        o += "  classDef finding stroke:\(DOTRenderer.red),stroke-width:2px,color:\(DOTRenderer.red)\n"
        if !bad.isEmpty { o += "  class \(bad.joined(separator: ",")) finding\n" }
        return o
    }
}
