/// meshlint's own deterministic layout of a `Topology`: networks as columns (split into
/// sub-columns of at most `rowsPerColumn` clusters), clusters stacked inside with their
/// gateways as rows, addresses outside the set in a last column, and each edge as a cubic
/// curve between box sides with its end points spread along the side. Pure arithmetic on the
/// topology: the same topology always gives the same coordinates.
struct TopologyLayout {
    struct Box {
        var x: Double, y: Double, w: Double, h: Double
        var midY: Double { y + h / 2 }
        var midX: Double { x + w / 2 }
        func overlaps(_ o: Box) -> Bool { x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h }
    }

    struct ClusterBox {
        var box: Box
        /// Column index (for edge sides).
        var column: Int
        /// Gateway id → row box.
        var gateways: [(id: String, box: Box)]
    }

    struct EdgePath {
        var start: (Double, Double)
        var c1: (Double, Double)
        var c2: (Double, Double)
        var end: (Double, Double)

        func point(_ t: Double) -> (Double, Double) {
            let u = 1 - t
            let a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t
            return (a * start.0 + b * c1.0 + c * c2.0 + d * end.0, a * start.1 + b * c1.1 + c * c2.1 + d * end.1)
        }
    }

    static let rowsPerColumn = 6
    static let networksPerRow = 5
    static let clusterWidth = 330.0
    static let columnGap = 250.0
    static let innerGap = 40.0
    static let lineHeight = 15.0
    static let gatewayHeight = 30.0
    static let margin = 20.0
    static let charWidth = 6.4

    var networks: [Box] = []
    var clusters: [ClusterBox] = []
    var externals: [Box] = []
    var setWide: Box?
    var paths: [EdgePath] = []
    var width = 0.0
    var height = 0.0
    var legendY = 0.0

    /// Height of a cluster box.
    static func height(_ t: Topology, _ c: Topology.Cluster) -> Double {
        24 + Double(TopologyText.lines(c).count) * lineHeight + (c.findings.isEmpty ? 0 : lineHeight)
            + Double(c.gateways.count) * (gatewayHeight + 4) + 8
    }

    /// `bottomSpace`: room to leave under the networks (for edge bundles) before the legend.
    init(_ t: Topology, bottomSpace: Double = 0) {
        var top = 50.0
        if !t.setFindings.isEmpty {
            setWide = Box(x: Self.margin, y: top, w: Self.clusterWidth, h: 40)
            top += 56
        }
        var x = Self.margin
        var column = 0
        var bottom = top
        clusters = Array(repeating: ClusterBox(box: Box(x: 0, y: 0, w: 0, h: 0), column: 0, gateways: []), count: t.clusters.count)
        var widest = x
        for (ni, net) in t.networks.enumerated() {
            // An aggregated mesh has one small box per network: rows of `networksPerRow`.
            if t.isAggregated && ni > 0 && ni % Self.networksPerRow == 0 {
                widest = max(widest, x)
                x = Self.margin
                column = 0
                top = bottom + 30
            }
            let subColumns = max(1, (net.clusters.count + Self.rowsPerColumn - 1) / Self.rowsPerColumn)
            let w = Double(subColumns) * Self.clusterWidth + Double(subColumns - 1) * Self.innerGap + 24
            var maxY = top + 30
            for (k, ci) in net.clusters.enumerated() {
                let sub = k / Self.rowsPerColumn
                if k % Self.rowsPerColumn == 0 { maxY = max(maxY, top + 30) }
                let cx = x + 12 + Double(sub) * (Self.clusterWidth + Self.innerGap)
                // y: after the previous cluster of the same sub-column.
                let prev = k % Self.rowsPerColumn == 0 ? nil : clusters[net.clusters[k - 1]].box
                let cy = prev.map { $0.y + $0.h + 16 } ?? top + 32
                let c = t.clusters[ci]
                let h = Self.height(t, c)
                var gy = cy + 24 + Double(TopologyText.lines(c).count) * Self.lineHeight + (c.findings.isEmpty ? 0 : Self.lineHeight)
                var rows: [(String, Box)] = []
                for g in c.gateways {
                    rows.append((g.id, Box(x: cx + 8, y: gy, w: Self.clusterWidth - 16, h: Self.gatewayHeight)))
                    gy += Self.gatewayHeight + 4
                }
                clusters[ci] = ClusterBox(box: Box(x: cx, y: cy, w: Self.clusterWidth, h: h), column: column + sub, gateways: rows)
                maxY = max(maxY, cy + h)
            }
            networks.append(Box(x: x, y: top, w: w, h: maxY - top + 14))
            bottom = max(bottom, maxY + 14)
            x += w + Self.columnGap
            column += subColumns
        }
        x = max(x, widest)
        var ey = top + 32
        for _ in t.externals {
            externals.append(Box(x: x, y: ey, w: 220, h: 36))
            ey += 52
            bottom = max(bottom, ey)
        }
        let rightmost = t.externals.isEmpty ? x - Self.columnGap : x + 220
        width = max(rightmost + Self.margin, 760)
        legendY = bottom + 20 + bottomSpace
        height = legendY + 22 + Double(Topology.EdgeKind.allCases.count + 2) * 16 + Self.margin

        // Edge end points: the node's box, on the side facing the other end, spread along it.
        var nodeBox: [String: (Box, Int)] = [:]
        for (ci, c) in clusters.enumerated() {
            // A cluster's edges leave from its text, above its gateway rows (whose edges are theirs).
            let textBottom = c.gateways.first.map { $0.box.y - 2 } ?? c.box.y + c.box.h
            nodeBox[t.clusters[ci].id] = (Box(x: c.box.x, y: c.box.y, w: c.box.w, h: textBottom - c.box.y), c.column)
            for g in c.gateways { nodeBox[g.id] = (g.box, c.column) }
        }
        for (i, b) in externals.enumerated() { nodeBox[t.externals[i].id] = (b, column) }
        struct End { var edge: Int, isStart: Bool, right: Bool, otherY: Double }
        var ends: [String: [End]] = [:]
        var sides: [(Bool, Bool)] = []
        for (i, e) in t.edges.enumerated() {
            guard let (a, ca) = nodeBox[e.from], let (b, cb) = nodeBox[e.to] else {
                sides.append((true, true))
                continue
            }
            let startRight: Bool, endRight: Bool
            if ca == cb { (startRight, endRight) = (true, true) } else if ca < cb { (startRight, endRight) = (true, false) } else { (startRight, endRight) = (false, true) }
            sides.append((startRight, endRight))
            ends["\(e.from) \(startRight)", default: []].append(End(edge: i, isStart: true, right: startRight, otherY: b.midY))
            ends["\(e.to) \(endRight)", default: []].append(End(edge: i, isStart: false, right: endRight, otherY: a.midY))
        }
        var points = Array(repeating: ((0.0, 0.0), (0.0, 0.0)), count: t.edges.count)
        for key in ends.keys.sorted() {
            let id = String(key.split(separator: " ")[0])
            guard let (box, _) = nodeBox[id] else { continue }
            let list = ends[key]!.sorted { ($0.otherY, $0.edge) < ($1.otherY, $1.edge) }
            for (k, end) in list.enumerated() {
                let y = box.y + Double(k + 1) * box.h / Double(list.count + 1)
                let p = (end.right ? box.x + box.w : box.x, y)
                if end.isStart { points[end.edge].0 = p } else { points[end.edge].1 = p }
            }
        }
        for (i, _) in t.edges.enumerated() {
            let (s, e) = points[i]
            let (sr, er) = sides[i]
            // Same side: a loop out into the gap, wider the farther apart the ends are (and a
            // little wider for each edge, so parallel loops stay apart).
            let dx = sr == er ? 30 + 0.35 * abs(e.1 - s.1) + Double(i % 5) * 9 : max(60, abs(e.0 - s.0) / 2)
            paths.append(EdgePath(start: s, c1: (s.0 + (sr ? dx : -dx), s.1), c2: (e.0 + (er ? dx : -dx), e.1), end: e))
        }
    }
}
