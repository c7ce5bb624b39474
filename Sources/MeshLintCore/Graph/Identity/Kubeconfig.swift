/// A kubeconfig embedded in a Secret value (the credentials istiod uses to watch another
/// cluster's API server). Cluster, context and user names inside it are local aliases, not
/// cluster references (SPEC §1); only `server` says where it points.
public struct Kubeconfig: Sendable {
    /// The parsed text (positions mapped to the outer file when it was a `|` block).
    public let embedded: EmbeddedYAML
    /// `clusters[].cluster.server`, located at the value (or at the Secret value when unmapped).
    public let servers: [Located<String>]
    /// `clusters[].name` (local aliases).
    public let clusterAliases: [Located<String>]
    /// `contexts[].name` (local aliases).
    public let contextAliases: [Located<String>]
    /// `current-context`.
    public let currentContext: Located<String>?
    /// True when some user entry carries credentials (token, token file, client certificate,
    /// auth provider, exec plugin or basic auth).
    public let hasCredentials: Bool
    /// `users` entries, located at their `user` mapping (for "no credentials" findings).
    public let users: [YAMLNode]
    /// The first syntax error of the embedded text: message and outer position.
    public let syntaxError: (message: String, position: SourcePosition)?

    /// True when the text did not parse as YAML.
    public var isMalformed: Bool { syntaxError != nil }

    /// True when a parsed document looks like a kubeconfig: `kind: Config`, or both `clusters`
    /// and `contexts`.
    public static func looksLikeKubeconfig(_ root: YAMLNode?) -> Bool {
        guard let root, root.isMapping else { return false }
        if root["kind"]?.scalarEquals("Config") == true { return true }
        return root["clusters"] != nil && root["contexts"] != nil
    }

    /// Cheap pre-check on decoded text before parsing it.
    static func mayBeKubeconfig(_ text: String) -> Bool {
        text.contains("clusters") || text.contains("Config")
    }

    /// Reads a kubeconfig from embedded text. With `requireShape`, returns nil unless the text
    /// parses and looks like a kubeconfig; without it, a text that does not parse still gives a
    /// kubeconfig carrying its syntax error (a Secret that is a remote secret by name).
    static func read(_ embedded: EmbeddedYAML, requireShape: Bool) -> Kubeconfig? {
        let root = embedded.root
        let err = embedded.syntaxErrors.first.map { ($0.message, embedded.position($0.position)) }
        if requireShape && !looksLikeKubeconfig(root) { return nil }
        if !requireShape && err == nil && root != nil && !(root!.isMapping) {
            // A scalar (e.g. a token pasted alone) is no kubeconfig at all.
            return Kubeconfig(embedded: embedded, servers: [], clusterAliases: [], contextAliases: [],
                              currentContext: nil, hasCredentials: false, users: [],
                              syntaxError: ("the value is not a kubeconfig (a \(root!.kind == .scalar ? "plain string" : "list"))", embedded.host.position))
        }
        var servers: [Located<String>] = []
        var clusterAliases: [Located<String>] = []
        for c in root?["clusters"]?.items ?? [] {
            if let n = c.at("cluster", "server"), let s = n.text { servers.append(Located(s, embedded.locate(n))) }
            if let n = c["name"], let s = n.text { clusterAliases.append(Located(s, embedded.locate(n))) }
        }
        var contextAliases: [Located<String>] = []
        for c in root?["contexts"]?.items ?? [] {
            if let n = c["name"], let s = n.text { contextAliases.append(Located(s, embedded.locate(n))) }
        }
        var users: [YAMLNode] = []
        var creds = false
        for u in root?["users"]?.items ?? [] {
            guard let user = u["user"] else { continue }
            users.append(embedded.locate(user))
            for k in ["token", "tokenFile", "client-certificate-data", "client-certificate", "auth-provider", "exec", "password"] {
                if let v = user[k], !(v.isNull || v.scalarEquals("")) { creds = true }
            }
        }
        let current = root?["current-context"].flatMap { n in n.text.map { Located($0, embedded.locate(n)) } }
        return Kubeconfig(embedded: embedded, servers: servers, clusterAliases: clusterAliases,
                          contextAliases: contextAliases, currentContext: current, hasCredentials: creds,
                          users: users, syntaxError: err)
    }
}
