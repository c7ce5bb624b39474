/// Where a cluster's own API server says it listens, so a kubeconfig `server` in another
/// cluster's remote secret can be traced to the cluster it reaches (a hint for messages; a
/// server is an address, never a cluster name).
public struct APIServerAddress: Sendable {
    /// Host (IP or DNS name) without scheme or port, lower-cased.
    public let host: String
    /// The node stating it.
    public let node: YAMLNode
    /// A short description, e.g. "kube-apiserver --advertise-address".
    public let source: String
}

enum APIServers {
    /// The host of a kubeconfig `server` URL or a `host:port` endpoint.
    static func host(of endpoint: String) -> String? {
        var copy = endpoint
        if let ascii = copy.withUTF8({ hostASCII($0) }) { return ascii }
        return hostCharacterwise(endpoint)
    }

    /// `host(of:)` on the bytes of an ASCII endpoint (one byte per character, so byte search
    /// finds exactly what character search finds); nil for any other text, which
    /// `hostCharacterwise` decides. Called for every kubeconfig server of every remote secret.
    private static func hostASCII(_ b: UnsafeBufferPointer<UInt8>) -> String?? {
        var lo = 0, hi = b.count
        for c in b where c >= 0x80 { return nil }
        func trimmed(_ c: UInt8) -> Bool {
            c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")
        }
        while lo < hi && trimmed(b[lo]) { lo += 1 }
        while hi > lo && trimmed(b[hi - 1]) { hi -= 1 }
        var i = lo
        while i + 3 <= hi {
            if b[i] == UInt8(ascii: ":") && b[i + 1] == UInt8(ascii: "/") && b[i + 2] == UInt8(ascii: "/") { lo = i + 3; break }
            i += 1
        }
        if let slash = (lo..<hi).first(where: { b[$0] == UInt8(ascii: "/") }) { hi = slash }
        if let at = (lo..<hi).last(where: { b[$0] == UInt8(ascii: "@") }) { lo = at + 1 }
        if lo < hi && b[lo] == UInt8(ascii: "[") {
            guard let close = (lo..<hi).first(where: { b[$0] == UInt8(ascii: "]") }) else { return .some(nil) }
            lo += 1
            hi = close
        } else {
            var colons = 0, colon = hi
            for j in lo..<hi where b[j] == UInt8(ascii: ":") {
                colons += 1
                if colons == 1 { colon = j }
            }
            if colons == 1 { hi = colon }
        }
        guard lo < hi else { return .some(nil) }
        return .some(String(unsafeUninitializedCapacity: hi - lo) { out in
            for j in lo..<hi {
                let c = b[j]
                out[j - lo] = c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c + 32 : c
            }
            return hi - lo
        })
    }

    /// `host(of:)` on characters.
    static func hostCharacterwise(_ endpoint: String) -> String? {
        var s = Substring(endpoint.trimmingCharacters(in: " \t\"'"))
        if let r = s.range(of: "://") { s = s[r.upperBound...] }
        if let slash = s.firstIndex(of: "/") { s = s[..<slash] }
        if let at = s.lastIndex(of: "@") { s = s[s.index(after: at)...] }
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return nil }
            s = s[s.index(after: s.startIndex)..<close]
        } else if s.filter({ $0 == ":" }).count == 1, let colon = s.firstIndex(of: ":") {
            s = s[..<colon]
        }
        return s.isEmpty ? nil : s.lowercased()
    }

    /// Addresses a cluster's files give for its API server.
    static func collect(_ resources: [Resource]) -> [APIServerAddress] {
        var out: [APIServerAddress] = []
        func add(_ n: YAMLNode?, _ value: String?, _ source: String) {
            guard let n, let v = value, let h = host(of: v) else { return }
            out.append(APIServerAddress(host: h, node: n, source: source))
        }
        func kubeadm(_ root: YAMLNode, _ locate: (YAMLNode) -> YAMLNode, _ what: String) {
            if let n = root["controlPlaneEndpoint"] { add(locate(n), n.text, "\(what) controlPlaneEndpoint") }
            if let n = root.at("localAPIEndpoint", "advertiseAddress") { add(locate(n), n.text, "\(what) localAPIEndpoint.advertiseAddress") }
        }
        for r in resources {
            switch r.kind {
            case "Pod" where r.name.hasPrefix("kube-apiserver"):
                for c in r.spec?["containers"]?.items ?? [] {
                    for list in [c["command"], c["args"]] {
                        for item in list?.items ?? [] {
                            guard let s = item.text, s.hasPrefix("--advertise-address=") else { continue }
                            add(item, String(s.dropFirst("--advertise-address=".count)), "kube-apiserver --advertise-address")
                        }
                    }
                }
            case "ClusterConfiguration", "InitConfiguration":
                kubeadm(r.root, { $0 }, "kubeadm \(r.kind)")
            case "ConfigMap" where r.name == "kubeadm-config":
                for key in ["ClusterConfiguration", "InitConfiguration"] {
                    guard let data = r.root["data"], let v = data[key], let text = v.text else { continue }
                    let e = EmbeddedYAML(text: text, host: v, key: data.keyNode(key))
                    if let root = e.root { kubeadm(root, e.locate, "kubeadm-config \(key)") }
                }
            case "Cluster" where r.identity.apiVersion.hasPrefix("kind.x-k8s.io"):
                if let n = r.root.at("networking", "apiServerAddress") { add(n, n.text, "kind networking.apiServerAddress") }
            case "Cluster" where r.identity.apiVersion.hasPrefix("cluster.x-k8s.io"):
                if let n = r.spec?.at("controlPlaneEndpoint", "host") { add(n, n.text, "Cluster API spec.controlPlaneEndpoint.host") }
            default:
                break
            }
        }
        return out
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
