/// Istio host names as DestinationRules, ServiceEntries and Gateways use them: exact names and
/// wildcards (`*`, `*.global`, `*.bar.global`), with Istio's "most specific host wins" order.
public enum IstioHost {
    /// True when `pattern` (a DestinationRule or Gateway host) covers `host` (a service host,
    /// itself possibly a wildcard): equal names, `*`, or a wildcard whose suffix ends `host`.
    public static func matches(pattern: String, host: String) -> Bool {
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
        var h = host.lowercased()
        while h.hasSuffix(".") { h.removeLast() }
        return h.hasSuffix("." + suffix.lowercased())
    }
}
