/// Istio host names as DestinationRules, ServiceEntries and Gateways use them: exact names and
/// wildcards (`*`, `*.global`, `*.bar.global`), with Istio's "most specific host wins" order.
public enum IstioHost {
    /// True when `pattern` (a DestinationRule or Gateway host) covers `host` (a service host,
    /// itself possibly a wildcard): equal names, `*`, or a wildcard whose suffix ends `host`.
    public static func matches(pattern: String, host: String) -> Bool {
        // Host names are ASCII: compared in place, without lowercased copies (this runs for
        // every routed host against every rule of its namespace).
        if let fast = ASCIIName.matches(pattern: pattern, host: host) { return fast }
        let p = pattern.lowercased(), h = host.lowercased()
        if p == h || p == "*" { return true }
        guard p.hasPrefix("*") else { return false }
        let suffix = p.dropFirst()                      // ".global"
        let target = h.hasPrefix("*") ? String(h.dropFirst()) : h
        return target.hasSuffix(suffix) && target.count > suffix.count - (h.hasPrefix("*") ? 1 : 0)
    }

    /// How specific a pattern is: exact names beat every wildcard, longer wildcards beat shorter.
    public static func specificity(_ pattern: String) -> Int {
        pattern.hasPrefix("*") ? pattern.count - 1 : Int.max
    }

    /// The fully qualified form Istio gives a host written in a resource of `namespace`: a short
    /// name (`reviews`) becomes `reviews.<namespace>.svc.<domain>`; anything with a dot or a
    /// wildcard is taken as written.
    public static func qualified(_ host: String, namespace: String, domain: String) -> String {
        if host == "*" || host.contains(".") || host.hasPrefix("*") { return host.lowercased() }
        return "\(host).\(namespace).svc.\(domain)".lowercased()
    }

    /// True when `host` ends in `.<suffix>` (e.g. `httpbin.bar.global` for `global`).
    public static func isUnder(_ host: String, suffix: String) -> Bool {
        guard !suffix.isEmpty else { return false }
        if let fast = ASCIIName.isUnder(host, suffix: suffix) { return fast }
        var h = host.lowercased()
        while h.hasSuffix(".") { h.removeLast() }
        return h.hasSuffix("." + suffix.lowercased())
    }
}

/// Byte-level forms of the host-name comparisons above, for names made only of ASCII bytes
/// other than CR (where a byte is a character and lowercasing is A-Z to a-z, the answers equal
/// those of the `String` forms). Each returns nil for any other name; callers then take the
/// `String` path.
enum ASCIIName {
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 {
        b &- UInt8(ascii: "A") < 26 ? b | 0x20 : b
    }

    /// True when every byte is ASCII and none is CR (CR LF is one `Character`).
    @inline(__always) static func isPlain(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in u where b >= 0x80 || b == 0x0D { return false }
        return true
    }

    /// Case-insensitive equality of `a[a0..<a0+n]` and `b[b0..<b0+n]`.
    @inline(__always) static func equal(_ a: UnsafeBufferPointer<UInt8>, _ a0: Int, _ b: UnsafeBufferPointer<UInt8>, _ b0: Int, _ n: Int) -> Bool {
        var i = 0
        while i < n {
            if lower(a[a0 + i]) != lower(b[b0 + i]) { return false }
            i += 1
        }
        return true
    }

    /// Runs `body` over the UTF-8 bytes of two strings (contiguous for native strings).
    @inline(__always) static func withBytes<R>(_ a: String, _ b: String, _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> R?) -> R? {
        var a = a, b = b
        return a.withUTF8 { pa in b.withUTF8 { pb in body(pa, pb) } }
    }

    static func matches(pattern: String, host: String) -> Bool? {
        withBytes(pattern, host) { p, h in
            guard isPlain(p), isPlain(h) else { return nil }
            if p.count == h.count && equal(p, 0, h, 0, p.count) { return true }
            guard let first = p.first, first == UInt8(ascii: "*") else { return false }
            if p.count == 1 { return true }
            let suffixCount = p.count - 1
            let hostStar = h.first == UInt8(ascii: "*")
            let t0 = hostStar ? 1 : 0
            let targetCount = h.count - t0
            guard targetCount >= suffixCount, equal(h, t0 + targetCount - suffixCount, p, 1, suffixCount) else { return false }
            return targetCount > suffixCount - (hostStar ? 1 : 0)
        }
    }

    static func isUnder(_ host: String, suffix: String) -> Bool? {
        withBytes(host, suffix) { h, s in
            guard isPlain(h), isPlain(s) else { return nil }
            var end = h.count
            while end > 0 && h[end - 1] == UInt8(ascii: ".") { end -= 1 }
            let need = s.count + 1
            guard end >= need, h[end - need] == UInt8(ascii: ".") else { return false }
            return equal(h, end - need + 1, s, 0, s.count)
        }
    }

    /// What `MeshGraph.serviceName` makes of a host, read from its bytes.
    enum ServiceLabels {
        case notService
        case short(String)
        case qualified(name: String, namespace: String)
    }

    /// `name`, `name.ns`, `name.ns.svc` or `name.ns.svc.<domain>` (trailing dots ignored,
    /// compared without case, the parts lowercased); nil when host or domain is not plain ASCII.
    static func serviceLabels(_ host: String, domain: String) -> ServiceLabels? {
        withBytes(host, domain) { h, d -> ServiceLabels? in
            guard isPlain(h), isPlain(d) else { return nil }
            var end = h.count
            while end > 0 && h[end - 1] == UInt8(ascii: ".") { end -= 1 }
            guard end > 0 else { return .notService }
            var dots: (Int, Int, Int) = (-1, -1, -1)
            var count = 0
            var previous = -1
            for i in 0..<end {
                let b = h[i]
                if b == UInt8(ascii: "*") { return .notService }
                guard b == UInt8(ascii: ".") else { continue }
                if i == previous + 1 { return .notService }     // an empty label
                switch count {
                case 0: dots.0 = i
                case 1: dots.1 = i
                case 2: dots.2 = i
                default: break
                }
                count += 1
                previous = i
            }
            func text(_ from: Int, _ to: Int) -> String {
                String(unsafeUninitializedCapacity: to - from) { out in
                    for i in from..<to { out[i - from] = lower(h[i]) }
                    return to - from
                }
            }
            switch count {
            case 0: return .short(text(0, end))
            case 1: return .qualified(name: text(0, dots.0), namespace: text(dots.0 + 1, end))
            default:
                let l2 = dots.1 + 1, l2End = count == 2 ? end : dots.2
                guard l2End - l2 == 3, lower(h[l2]) == UInt8(ascii: "s"), lower(h[l2 + 1]) == UInt8(ascii: "v"),
                      lower(h[l2 + 2]) == UInt8(ascii: "c") else { return .notService }
                if count > 2 {
                    let rest = dots.2 + 1
                    guard end - rest == d.count, equal(h, rest, d, 0, d.count) else { return .notService }
                }
                return .qualified(name: text(0, dots.0), namespace: text(dots.0 + 1, dots.1))
            }
        }
    }
}
