/// Renders a `Topology` as one self-contained HTML page that works offline (no external
/// resource of any kind): the SVG inline, a side panel with every network, cluster, gateway and
/// broken edge as collapsible sections listing their findings with file:line, and a little
/// inline script: clicking a node or edge opens its section, clicking a cluster's name folds
/// its details, hovering shows the findings (SVG titles).
public struct HTMLRenderer: Sendable {
    /// A renderer.
    public init() {}

    /// The page around `svg` (meshlint's `SVGRenderer` output, or Graphviz's `dot -Tsvg` of the
    /// `DOTRenderer` output; both carry the topology ids); `layout` names which, for the header.
    public func render(_ t: Topology, svg: String, layout: String) -> String {
        typealias T = TopologyText
        var o = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        o += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        o += "<title>meshlint graph</title>\n<style>\n" + Self.css + "</style></head>\n<body>\n"
        o += "<header><b>\(T.xml(DOTRenderer.caption(t)))</b> <span class=\"muted\">· layout: \(T.xml(layout)) · click a node or edge for its findings</span></header>\n"
        o += "<main><div id=\"canvas\">\n" + Self.strippingXMLDeclaration(svg) + "</div>\n<aside id=\"panel\">\n"
        if !t.setFindings.isEmpty {
            o += section(t, id: "setwide", title: "set-wide (no cluster)", lines: [], findings: t.setFindings, open: true)
        }
        for net in t.networks {
            let count = net.clusters.reduce(0) { $0 + t.clusters[$1].findings.count + t.clusters[$1].gateways.reduce(0) { $0 + $1.findings.count } }
            o += "<details class=\"net\" open><summary>\(T.xml(T.title(net)))\(Self.badge(count))</summary>\n"
            for ci in net.clusters {
                let c = t.clusters[ci]
                o += section(t, id: c.id, title: c.name, lines: T.lines(c), findings: c.findings, open: !c.findings.isEmpty,
                             children: c.gateways.map { g in section(t, id: g.id, title: T.line(g), lines: [], findings: g.findings, open: !g.findings.isEmpty) })
            }
            o += "</details>\n"
        }
        for x in t.externals {
            o += section(t, id: x.id, title: "address \(x.address) (no cluster of the set)", lines: [], findings: x.findings, open: true)
        }
        let broken = t.edges.filter(\.isBroken)
        if !broken.isEmpty {
            let names = Self.names(t)
            o += "<details class=\"net\" open><summary>broken edges\(Self.badge(broken.count))</summary>\n"
            for e in broken {
                o += section(t, id: e.id, title: "\(e.kind.rawValue): \(names[e.from] ?? e.from) → \(names[e.to] ?? e.to)", lines: [e.label],
                             findings: e.findings, open: true)
            }
            o += "</details>\n"
        }
        o += "</aside></main>\n<script>\n" + Self.script + "</script>\n</body></html>\n"
        return o
    }

    /// The display name of every node id.
    static func names(_ t: Topology) -> [String: String] {
        var out: [String: String] = [:]
        for c in t.clusters {
            out[c.id] = c.name
            for g in c.gateways { out[g.id] = "\(c.name)/\(g.name)" }
        }
        for x in t.externals { out[x.id] = x.address }
        return out
    }

    func section(_ t: Topology, id: String, title: String, lines: [String], findings: [Int], open: Bool, children: [String] = []) -> String {
        typealias T = TopologyText
        var o = "<details class=\"item\(findings.isEmpty ? "" : " bad")\" id=\"p-\(id)\" data-ref=\"\(id)\"\(open ? " open" : "")><summary>\(T.xml(title))\(Self.badge(findings.count))</summary>"
        for l in lines { o += "<div class=\"muted\">\(T.xml(l))</div>" }
        if !findings.isEmpty {
            o += "<ul>"
            for i in findings {
                let f = t.findings[i]
                o += "<li><span class=\"code \(f.severity.rawValue)\">\(T.xml(f.rule))</span> <code>\(T.xml("\(f.file):\(f.line):\(f.column)"))</code> \(T.xml(f.message))"
                if !f.related.isEmpty {
                    o += "<ul class=\"rel\">"
                    for r in f.related { o += "<li><code>\(T.xml("\(r.file):\(r.line):\(r.column)"))</code> \(T.xml(r.message))</li>" }
                    o += "</ul>"
                }
                o += "</li>"
            }
            o += "</ul>"
        }
        o += children.joined()
        return o + "</details>\n"
    }

    static func badge(_ n: Int) -> String { n == 0 ? "" : " <span class=\"badge\">\(n)</span>" }

    /// Graphviz output starts with an XML declaration and a DOCTYPE, which are not allowed
    /// inside HTML; the `<svg>` element is kept as it is.
    static func strippingXMLDeclaration(_ svg: String) -> String {
        guard let start = svg.range(of: "<svg") else { return svg }
        return String(svg[start.lowerBound...])
    }

    static let css = """
    body{margin:0;font:13px Helvetica,Arial,sans-serif;color:#24292f}
    header{padding:8px 12px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
    main{display:flex;height:calc(100vh - 36px)}
    #canvas{flex:1;overflow:auto;background:#fff}
    #panel{width:420px;overflow:auto;border-left:1px solid #d0d7de;padding:6px 10px;font-size:12px}
    .muted{color:#57606a}
    .badge{background:#d1242f;color:#fff;border-radius:8px;padding:0 6px;font-size:11px}
    details.item{margin:3px 0 3px 10px}
    details.bad>summary{color:#d1242f;font-weight:bold}
    details.sel{outline:2px solid #0969da;outline-offset:2px}
    summary{cursor:pointer}
    .code{font-weight:bold;color:#d1242f}.code.warning{color:#9a6700}.code.info{color:#0969da}
    ul{margin:2px 0;padding-left:18px}ul.rel{color:#57606a}
    code{font-size:11px}
    svg .node,svg .edge{cursor:pointer}
    svg .edge:hover path,svg .edge.sel path{stroke-width:4}
    svg .node.sel>rect{stroke:#0969da;stroke-width:3}
    svg .collapsed .detail{display:none}

    """

    static let script = """
    (function(){
      var svg=document.querySelector('#canvas svg');if(!svg)return;
      function ref(el){while(el&&el!==svg){var r=el.getAttribute&&(el.getAttribute('data-ref')||el.getAttribute('id'));
        if(r&&document.getElementById('p-'+r))return r;el=el.parentNode;}return null;}
      function clear(){document.querySelectorAll('.sel').forEach(function(e){e.classList.remove('sel');});}
      svg.addEventListener('click',function(ev){
        if(ev.target.classList&&ev.target.classList.contains('name')){
          var g=ev.target.parentNode;g.classList.toggle('collapsed');return;}
        var r=ref(ev.target);if(!r)return;clear();
        var el=document.getElementById(r);if(el)el.classList.add('sel');
        var p=document.getElementById('p-'+r);
        for(var d=p;d;d=d.parentElement){if(d.tagName==='DETAILS')d.open=true;}
        p.classList.add('sel');p.scrollIntoView({block:'nearest'});
      });
    })();

    """
}
