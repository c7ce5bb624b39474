/// Renders a `Topology` as a standalone SVG with meshlint's own layout (`TopologyLayout`):
/// network boxes, cluster boxes with their gateways, edges as labelled curves (broken ones red,
/// thick, with their rule codes, drawn last), hover titles listing each finding with its
/// file:line, and a legend. Every element that carries findings has the topology id as `id`
/// and `data-ref`, which the HTML page uses.
public struct SVGRenderer: Sendable {
    /// A renderer.
    public init() {}

    /// Healthy edges get labels only when there are at most this many edges (their labels are
    /// always in the hover title).
    static let labelAllEdgesUpTo = 40

    /// The SVG document.
    public func render(_ t: Topology) -> String {
        typealias T = TopologyText
        // Many edges: the healthy ones are drawn as one bundle per pair of networks (under
        // the boxes) and counted in the network's title when inside one network.
        var netOf: [String: Int] = [:]
        for (ni, net) in t.networks.enumerated() {
            for ci in net.clusters {
                netOf[t.clusters[ci].id] = ni
                for g in t.clusters[ci].gateways { netOf[g.id] = ni }
            }
        }
        let bundling = t.edges.count > Self.labelAllEdgesUpTo
        var bundles: [String: (a: Int, b: Int, counts: [Topology.EdgeKind: Int])] = [:]
        var inside = Array(repeating: 0, count: t.networks.count)
        var drawn: [Int] = []
        for (i, e) in t.edges.enumerated() {
            guard bundling, !e.isBroken, let a = netOf[e.from], let b = netOf[e.to] else {
                drawn.append(i)
                continue
            }
            if a == b {
                inside[a] += 1
            } else {
                let key = "\(min(a, b))-\(max(a, b))"
                bundles[key, default: (min(a, b), max(a, b), [:])].counts[e.kind, default: 0] += 1
            }
        }
        let bundleKeys = bundles.keys.sorted { (bundles[$0]!.b - bundles[$0]!.a, $0) < (bundles[$1]!.b - bundles[$1]!.a, $1) }
        let L = TopologyLayout(t, bottomSpace: bundles.isEmpty ? 0 : 30 + Double(bundles.count) * 26)
        let red = DOTRenderer.red
        func n(_ v: Double) -> String {
            let r = (v * 10).rounded() / 10
            return r == r.rounded() ? String(Int(r)) : String(r)
        }
        func fit(_ s: String, _ width: Double, _ charWidth: Double = TopologyLayout.charWidth) -> String {
            let max = Int(width / charWidth)
            return s.count <= max ? s : String(s.prefix(Swift.max(1, max - 1))) + "…"
        }
        func title(_ subject: String, _ findings: [Int]) -> String {
            "<title>" + T.xml(DOTRenderer.tooltip(t, subject, findings)) + "</title>"
        }
        var o = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(L.width))\" height=\"\(n(L.height))\" viewBox=\"0 0 \(n(L.width)) \(n(L.height))\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\" class=\"meshlint-graph\">\n"
        o += "<style>.edge.ok{opacity:.55}.edge text{font-size:10.5px}.gw text{font-size:11px}.detail text{fill:#24292f}.bad text.f{fill:\(red)}</style>\n"
        o += "<defs>"
        for k in Topology.EdgeKind.allCases {
            o += "<marker id=\"arrow-\(k.rawValue)\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"\(DOTRenderer.style(k).color)\"/></marker>"
        }
        o += "<marker id=\"arrow-red\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto-start-reverse\"><path d=\"M0,0L10,5L0,10z\" fill=\"\(red)\"/></marker>"
        o += "</defs>\n"
        o += "<text x=\"\(n(TopologyLayout.margin))\" y=\"28\" font-size=\"15\" font-weight=\"bold\">\(T.xml(DOTRenderer.caption(t)))</text>\n"
        o += "<text x=\"\(n(TopologyLayout.margin))\" y=\"44\" font-size=\"10.5\" fill=\"#57606a\">layout: meshlint (deterministic); hover a node or edge for its findings and their file:line</text>\n"

        if let b = L.setWide {
            o += "<g class=\"node bad\" id=\"setwide\" data-ref=\"setwide\">\(title("set-wide findings", t.setFindings))"
            o += "<rect x=\"\(n(b.x))\" y=\"\(n(b.y))\" width=\"\(n(b.w))\" height=\"\(n(b.h))\" rx=\"6\" fill=\"#fff\" stroke=\"\(red)\" stroke-width=\"2\"/>"
            o += "<text x=\"\(n(b.x + 8))\" y=\"\(n(b.y + 16))\" font-weight=\"bold\">set-wide (no cluster)</text>"
            o += "<text class=\"f\" x=\"\(n(b.x + 8))\" y=\"\(n(b.y + 32))\" fill=\"\(red)\">✖ \(T.xml(fit(T.codes(t, t.setFindings), b.w - 30)))</text></g>\n"
        }

        for (ni, net) in t.networks.enumerated() {
            let b = L.networks[ni]
            let insideNote = inside[ni] > 0 ? "<title>\(inside[ni]) edges inside this network, no findings</title>" : ""
            o += "<g class=\"network\" id=\"\(net.id)\">\(insideNote)<rect x=\"\(n(b.x))\" y=\"\(n(b.y))\" width=\"\(n(b.w))\" height=\"\(n(b.h))\" rx=\"10\" fill=\"#f6f8fa\" stroke=\"#8c959f\"/>"
            o += "<text x=\"\(n(b.x + 12))\" y=\"\(n(b.y + 20))\" font-weight=\"bold\" fill=\"#57606a\">\(T.xml(fit(T.title(net) + " · \(Self.plural(net.clusters.reduce(0) { $0 + t.clusters[$1].members }, "cluster"))", b.w - 24)))</text></g>\n"
            for ci in net.clusters {
                let c = t.clusters[ci]
                let cb = L.clusters[ci]
                let b = cb.box
                let bad = !c.findings.isEmpty
                o += "<g class=\"node cluster\(bad ? " bad" : "")\" id=\"\(c.id)\" data-ref=\"\(c.id)\">\(title(c.name, c.findings))"
                o += "<rect x=\"\(n(b.x))\" y=\"\(n(b.y))\" width=\"\(n(b.w))\" height=\"\(n(b.h))\" rx=\"6\" fill=\"#fff\" stroke=\"\(bad ? red : "#57606a")\" stroke-width=\"\(bad ? 2.5 : 1)\"/>"
                o += "<text class=\"name\" x=\"\(n(b.x + 8))\" y=\"\(n(b.y + 17))\" font-weight=\"bold\" font-size=\"13\">\(T.xml(fit("▾ " + c.name, b.w - 16, 7.4)))</text>"
                o += "<g class=\"detail\">"
                var y = b.y + 17
                for line in T.lines(c) {
                    y += TopologyLayout.lineHeight
                    let broken = c.dns.map { $0.isBroken && line == $0.text } ?? false
                    o += "<text x=\"\(n(b.x + 10))\" y=\"\(n(y))\"\(broken ? " fill=\"\(red)\"" : "")>\(T.xml(fit(line, b.w - 20)))</text>"
                }
                if bad {
                    y += TopologyLayout.lineHeight
                    o += "<text class=\"f\" x=\"\(n(b.x + 10))\" y=\"\(n(y))\" fill=\"\(red)\" font-weight=\"bold\">✖ \(T.xml(fit(T.codes(t, c.findings), b.w - 30)))</text>"
                }
                for (gi, g) in c.gateways.enumerated() {
                    let gb = cb.gateways[gi].box
                    let gbad = !g.findings.isEmpty
                    var text = T.name(g)
                    if gbad { text = "✖ " + T.codes(t, g.findings) + " · " + text }
                    o += "<g class=\"node gw\(gbad ? " bad" : "")\" id=\"\(g.id)\" data-ref=\"\(g.id)\">\(title(T.line(g), g.findings))"
                    o += "<rect x=\"\(n(gb.x))\" y=\"\(n(gb.y))\" width=\"\(n(gb.w))\" height=\"\(n(gb.h))\" rx=\"3\" fill=\"\(gbad ? "#ffebe9" : "#eaeef2")\" stroke=\"\(gbad ? red : "#afb8c1")\"/>"
                    o += "<text\(gbad ? " class=\"f\" fill=\"\(red)\"" : "") x=\"\(n(gb.x + 5))\" y=\"\(n(gb.y + 12))\">\(T.xml(fit(text, gb.w - 10, 5.9)))</text>"
                    o += "<text x=\"\(n(gb.x + 5))\" y=\"\(n(gb.y + 25))\" fill=\"#57606a\">\(T.xml(fit(T.reach(g), gb.w - 10, 5.9)))</text></g>"
                }
                o += "</g></g>\n"
            }
        }
        for (xi, x) in t.externals.enumerated() {
            let b = L.externals[xi]
            o += "<g class=\"node bad\" id=\"\(x.id)\" data-ref=\"\(x.id)\">\(title("address " + x.address, x.findings))"
            o += "<rect x=\"\(n(b.x))\" y=\"\(n(b.y))\" width=\"\(n(b.w))\" height=\"\(n(b.h))\" rx=\"6\" fill=\"#fff\" stroke=\"\(red)\" stroke-dasharray=\"5,3\"/>"
            o += "<text x=\"\(n(b.x + 8))\" y=\"\(n(b.y + 15))\">\(T.xml(fit(x.address, b.w - 16)))</text>"
            o += "<text x=\"\(n(b.x + 8))\" y=\"\(n(b.y + 29))\" fill=\"\(red)\" font-size=\"10.5\">no cluster of the set owns it</text></g>\n"
        }

        let bottom = L.networks.map { $0.y + $0.h }.max() ?? 0
        for (k, key) in bundleKeys.enumerated() {
            let (a, b, counts) = bundles[key]!
            let ba = L.networks[a], bb = L.networks[b]
            let dip = bottom + 24 + Double(k) * 26
            let summary = Topology.EdgeKind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }.joined(separator: " · ")
            let text = "\(T.title(t.networks[a])) ↔ \(T.title(t.networks[b])): \(summary), no findings"
            o += "<g class=\"bundle\"><title>\(T.xml(text))</title>"
            o += "<path d=\"M\(n(ba.midX)),\(n(ba.y + ba.h)) C\(n(ba.midX)),\(n(dip)) \(n(bb.midX)),\(n(dip)) \(n(bb.midX)),\(n(bb.y + bb.h))\" fill=\"none\" stroke=\"#8c959f\" stroke-width=\"4\" stroke-opacity=\"0.5\"/>"
            let label = fit("\(summary), no findings", bb.midX - ba.midX - 20, 5.8)
            let lx = (ba.midX + bb.midX) / 2 - Double(label.count) * 2.9
            let midY = 0.125 * (ba.y + ba.h) + 0.125 * (bb.y + bb.h) + 0.75 * dip
            o += "<text x=\"\(n(lx))\" y=\"\(n(midY + 13))\" font-size=\"10.5\" fill=\"#57606a\">\(T.xml(label))</text></g>\n"
        }

        // Edges: healthy first, broken on top; labels placed where they do not cover a label
        // already placed or a cluster's text.
        var taken = LabelGrid()
        for c in L.clusters { taken.insert(TopologyLayout.Box(x: c.box.x, y: c.box.y, w: c.box.w, h: c.box.h)) }
        let order = t.edges.indices.sorted { (t.edges[$0].isBroken ? 0 : 1, $0) < (t.edges[$1].isBroken ? 0 : 1, $1) }
        var labels: [Int: (Double, Double, [String])] = [:]
        let isDrawn = Set(drawn)
        for i in order where isDrawn.contains(i) {
            let e = t.edges[i]
            guard e.isBroken || t.edges.count <= Self.labelAllEdgesUpTo else { continue }
            var lines = [e.label]
            if !e.findings.isEmpty { lines.append("✖ " + T.codes(t, e.findings)) }
            lines = lines.map { fit($0, 260, 5.8) }
            let w = Double(lines.map(\.count).max() ?? 0) * 5.8 + 10
            let h = Double(lines.count) * 13 + 4
            let path = L.paths[i]
            var chosen: TopologyLayout.Box?
            for tt in [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.15, 0.85] {
                let p = path.point(tt)
                let box = TopologyLayout.Box(x: p.0 - w / 2, y: p.1 - h / 2, w: w, h: h)
                if !taken.overlaps(box) { chosen = box; break }
            }
            if chosen == nil && e.isBroken {
                let p = path.point(0.5)
                chosen = TopologyLayout.Box(x: p.0 - w / 2, y: p.1 - h / 2, w: w, h: h)
            }
            if let b = chosen {
                taken.insert(b)
                labels[i] = (b.x, b.y, lines)
            }
        }
        let drawOrder = drawn.sorted { (t.edges[$0].isBroken ? 1 : 0, $0) < (t.edges[$1].isBroken ? 1 : 0, $1) }
        for i in drawOrder {
            let e = t.edges[i]
            let p = L.paths[i]
            let (color, dashed) = DOTRenderer.style(e.kind)
            let stroke = e.isBroken ? red : color
            o += "<g class=\"edge \(e.isBroken ? "broken" : "ok") \(e.kind.rawValue)\" id=\"\(e.id)\" data-ref=\"\(e.id)\">\(title(e.kind.legend + ": " + e.label, e.findings))"
            let d = "M\(n(p.start.0)),\(n(p.start.1)) C\(n(p.c1.0)),\(n(p.c1.1)) \(n(p.c2.0)),\(n(p.c2.1)) \(n(p.end.0)),\(n(p.end.1))"
            if e.isBroken { o += "<path d=\"\(d)\" fill=\"none\" stroke=\"#fff\" stroke-width=\"6\" stroke-opacity=\"0.8\"/>" }
            o += "<path d=\"M\(n(p.start.0)),\(n(p.start.1)) C\(n(p.c1.0)),\(n(p.c1.1)) \(n(p.c2.0)),\(n(p.c2.1)) \(n(p.end.0)),\(n(p.end.1))\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(e.isBroken ? 2.5 : 1.3)\"\(dashed ? " stroke-dasharray=\"6,4\"" : "") marker-end=\"url(#arrow-\(e.isBroken ? "red" : e.kind.rawValue))\"/>"
            if let (x, y, lines) = labels[i] {
                let w = Double(lines.map(\.count).max() ?? 0) * 5.8 + 10
                o += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(w))\" height=\"\(n(Double(lines.count) * 13 + 4))\" rx=\"3\" fill=\"#fff\" fill-opacity=\"0.92\" stroke=\"\(e.isBroken ? red : "none")\"/>"
                for (k, line) in lines.enumerated() {
                    o += "<text x=\"\(n(x + 5))\" y=\"\(n(y + 12 + Double(k) * 13))\" fill=\"\(e.isBroken ? red : "#57606a")\"\(k > 0 ? " font-weight=\"bold\"" : "")>\(T.xml(line))</text>"
                }
            }
            o += "</g>\n"
        }

        // Legend.
        var y = L.legendY
        o += "<g class=\"legend\"><text x=\"\(n(TopologyLayout.margin))\" y=\"\(n(y))\" font-weight=\"bold\">legend</text>"
        for k in Topology.EdgeKind.allCases {
            y += 16
            let (color, dashed) = DOTRenderer.style(k)
            o += "<path d=\"M\(n(TopologyLayout.margin)),\(n(y - 4)) h40\" stroke=\"\(color)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"6,4\"" : "")/>"
            o += "<text x=\"\(n(TopologyLayout.margin + 50))\" y=\"\(n(y))\" font-size=\"11\">\(T.xml(k.legend))</text>"
        }
        y += 16
        o += "<path d=\"M\(n(TopologyLayout.margin)),\(n(y - 4)) h40\" stroke=\"\(red)\" stroke-width=\"2.5\"/>"
        o += "<text x=\"\(n(TopologyLayout.margin + 50))\" y=\"\(n(y))\" font-size=\"11\" fill=\"\(red)\">red, ✖ CODE: a finding on this node, gateway or edge (hover for message and file:line)</text>"
        y += 16
        var note = "gateway rows: name (kinds) addresses :ports; root CA #n: clusters with the same number share a root certificate"
        if t.isAggregated { note = "aggregated by network: \(t.hiddenEdges) edges without findings are not drawn (meshlint graph --all draws them)" }
        o += "<text x=\"\(n(TopologyLayout.margin))\" y=\"\(n(y))\" font-size=\"11\" fill=\"#57606a\">\(T.xml(note))</text></g>\n"
        o += "</svg>\n"
        return o
    }
}

extension SVGRenderer {
    static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}

/// Boxes already covered, bucketed on a coarse grid so checking a label stays cheap.
struct LabelGrid {
    static let cell = 80.0
    var buckets: [Int: [TopologyLayout.Box]] = [:]

    func keys(_ b: TopologyLayout.Box) -> [Int] {
        let x0 = Int((b.x / Self.cell).rounded(.down)), x1 = Int(((b.x + b.w) / Self.cell).rounded(.down))
        let y0 = Int((b.y / Self.cell).rounded(.down)), y1 = Int(((b.y + b.h) / Self.cell).rounded(.down))
        var out: [Int] = []
        for gx in x0...max(x0, x1) { for gy in y0...max(y0, y1) { out.append(gx &* 100_003 &+ gy) } }
        return out
    }

    mutating func insert(_ b: TopologyLayout.Box) { for k in keys(b) { buckets[k, default: []].append(b) } }

    func overlaps(_ b: TopologyLayout.Box) -> Bool { keys(b).contains { k in (buckets[k] ?? []).contains { $0.overlaps(b) } } }
}
