/// The text every renderer shows for nodes and findings, and the escaping each output format
/// needs (names and messages come from untrusted YAML).
enum TopologyText {
    /// Lines under a cluster's name: role, version and data plane, cluster ID, root CA, DNS path.
    static func lines(_ c: Topology.Cluster) -> [String] {
        if !c.summary.isEmpty { return c.summary }
        var out: [String] = []
        var head = [c.role]
        if let v = c.version { head.append("Istio \(v)") }
        if let p = c.dataPlane { head.append(p) }
        out.append(head.joined(separator: " · "))
        if let id = c.clusterID { out.append("clusterID \(id)") }
        if let r = c.rootCA, let g = c.rootCAGroup { out.append("root CA #\(g): \(r)") }
        if let d = c.dns { out.append(d.text) }
        return out
    }

    /// Name and kinds of a gateway: "istio-eastwestgateway (east-west, istiod)".
    static func name(_ g: Topology.Gateway) -> String { "\(g.name) (\(g.kinds.joined(separator: ", ")))" }

    /// Addresses and ports of a gateway: "203.0.113.10 :15443 :15012" ("chart ports" when the
    /// install leaves them to the chart).
    static func reach(_ g: Topology.Gateway) -> String {
        var parts = g.addresses
        if let p = g.ports { parts += p.map { ":\($0)" } } else { parts.append("chart ports") }
        return parts.isEmpty ? "no address" : parts.joined(separator: " ")
    }

    /// One line for a gateway: name, kinds, addresses and ports.
    static func line(_ g: Topology.Gateway) -> String { name(g) + " " + reach(g) }

    /// "MC401 error cluster2/expose-services.yaml:13:17: message".
    static func finding(_ f: Finding) -> String {
        "\(f.rule) \(f.severity.rawValue) \(f.file):\(f.line):\(f.column): \(f.message)"
    }

    /// Rule codes with counts: "MC401, MC402 ×2".
    static func codes(_ t: Topology, _ indices: [Int]) -> String {
        var count: [String: Int] = [:]
        for i in indices { count[t.findings[i].rule, default: 0] += 1 }
        return t.codes(indices).map { count[$0]! > 1 ? "\($0) ×\(count[$0]!)" : $0 }.joined(separator: ", ")
    }

    /// The network box title.
    static func title(_ n: Topology.Network) -> String { n.name.map { "network \($0)" } ?? "no network stated" }

    /// Text for XML (SVG, HTML) content and attribute values; control characters XML 1.0
    /// forbids become U+FFFD.
    static func xml(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0xFFFE || u.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// A DOT double-quoted string body: backslashes and quotes escaped (so `\N`, `\G`, `\l`
    /// in names stay literal), line breaks as `\n`, other control characters dropped.
    static func dot(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: if u.value >= 0x20 && u.value != 0x7F { out.unicodeScalars.append(u) }
            }
        }
        return out
    }

    /// A Mermaid label body: letters, digits, spaces and plain punctuation as they are, every
    /// other character as a `#<decimal>;` entity (so quotes, pipes, brackets, `<`, `#` and
    /// markdown can neither end the label nor inject markup); line breaks as `<br/>`.
    static func mermaid(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if u == "\n" { out += "<br/>"; continue }
            if u.value < 0x20 || u.value == 0x7F { continue }
            let plain = (u.value < 0x80 && (u.properties.isAlphabetic || ("0"..."9").contains(u)))
                || " .,:/_-=+()@".unicodeScalars.contains(u)
            out += plain ? String(u) : "#\(u.value);"
        }
        return out
    }
}
