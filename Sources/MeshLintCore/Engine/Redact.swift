/// Removes secrets from text a finding quotes (SPEC section 7: no credentials in URLs, no
/// Secret values, no kubeconfig tokens or keys in any output).
public enum Redact {
    /// `url` with its credentials replaced: `https://admin:password@host:6443/x?token=t`
    /// becomes `https://***@host:6443/x?***`. The user information before the host's `@` and
    /// the query (where `?token=`/`?access_token=` put bearer tokens) are removed; scheme, host,
    /// port and path stay, since they are what the finding is about.
    public static func url(_ url: String) -> String {
        var s = Substring(url)
        var out = ""
        if let r = s.range(of: "://") {
            out += s[..<r.upperBound]
            s = s[r.upperBound...]
        }
        let authorityEnd = s.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? s.endIndex
        var authority = s[..<authorityEnd]
        var rest = s[authorityEnd...]
        if let at = authority.lastIndex(of: "@") {
            out += "***@"
            authority = authority[authority.index(after: at)...]
        }
        out += authority
        if let q = rest.firstIndex(of: "?") {
            let fragment = rest[q...].firstIndex(of: "#").map { rest[$0...] } ?? ""
            rest = rest[..<q]
            out += rest + "?***" + fragment
        } else {
            out += rest
        }
        return out
    }
}
