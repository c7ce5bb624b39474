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
    /// Credentials istiod refuses unless `PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS` lists
    /// them (`pkg/kube` sanitizeKubeConfig), in the order written.
    public let unsafeAuth: [UnsafeAuth]
    /// Context wiring `clientcmd.Validate` rejects: a `current-context` or a context's
    /// `cluster`/`user` that names no entry.
    public let danglingNames: [DanglingName]

    /// One credential istiod refuses by default.
    public struct UnsafeAuth: Sendable {
        /// What it is, for messages: "exec", "auth-provider gcp", "tokenFile", ...
        public let what: String
        /// The word `PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS` must list to allow it.
        public let option: String
        /// The offending key (or, for an auth provider, its name), located.
        public let node: YAMLNode
        /// Dotted path inside the kubeconfig, e.g. `users[0].user.exec`.
        public let fieldPath: String
    }

    /// A name in the kubeconfig that points at nothing.
    public struct DanglingName: Sendable {
        /// "current-context", "contexts[0].context.cluster", ...
        public let fieldPath: String
        /// The name as written.
        public let name: Located<String>
        /// "context", "cluster" or "user": what it should name.
        public let expected: String
    }

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
                              syntaxError: ("the value is not a kubeconfig (a \(root!.kind == .scalar ? "plain string" : "list"))", embedded.host.position),
                              unsafeAuth: [], danglingNames: [])
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
        var userNames = Set<String>()
        var creds = false
        var unsafe: [UnsafeAuth] = []
        for (ui, u) in (root?["users"]?.items ?? []).enumerated() {
            if let n = u["name"]?.text { userNames.insert(n) }
            guard let user = u["user"] else { continue }
            users.append(embedded.locate(user))
            for k in ["token", "tokenFile", "client-certificate-data", "client-certificate", "auth-provider", "exec", "password"] {
                if let v = user[k], !(v.isNull || v.scalarEquals("")) { creds = true }
            }
            unsafe += unsafeAuth(user, path: "users[\(ui)].user", embedded: embedded)
        }
        let current = root?["current-context"].flatMap { n in n.text.map { Located($0, embedded.locate(n)) } }
        var dangling: [DanglingName] = []
        let clusterNames = Set(clusterAliases.map(\.value))
        if let c = current, !c.value.isEmpty, !contextAliases.contains(where: { $0.value == c.value }) {
            dangling.append(DanglingName(fieldPath: "current-context", name: c, expected: "context"))
        }
        for (ci, c) in (root?["contexts"]?.items ?? []).enumerated() {
            for (key, known) in [("cluster", clusterNames), ("user", userNames)] {
                guard let n = c.at("context", key), let v = n.text, !v.isEmpty, !known.contains(v) else { continue }
                dangling.append(DanglingName(fieldPath: "contexts[\(ci)].context.\(key)", name: Located(v, embedded.locate(n)), expected: key))
            }
        }
        return Kubeconfig(embedded: embedded, servers: servers, clusterAliases: clusterAliases,
                          contextAliases: contextAliases, currentContext: current, hasCredentials: creds,
                          users: users, syntaxError: err, unsafeAuth: unsafe, danglingNames: dangling)
    }

    /// The credentials of one `users[].user` that istiod's sanitizeKubeConfig refuses: an
    /// `auth-provider` other than `oidc`, `client-key` / `client-certificate` file paths (the
    /// `-data` forms are fine), `tokenFile`, `exec`.
    static func unsafeAuth(_ user: YAMLNode, path: String, embedded: EmbeddedYAML) -> [UnsafeAuth] {
        func present(_ k: String) -> YAMLNode? {
            guard let v = user[k], !(v.isNull || v.scalarEquals("")) else { return nil }
            return user.keyNode(k)
        }
        var out: [UnsafeAuth] = []
        if let key = present("auth-provider"), let ap = user["auth-provider"] {
            let name = ap["name"]?.text ?? ""
            if name != "oidc" {
                out.append(UnsafeAuth(what: name.isEmpty ? "an auth-provider without a name" : "auth-provider \(name)",
                                      option: name.isEmpty ? "<provider name>" : name,
                                      node: embedded.locate(ap["name"] ?? key), fieldPath: "\(path).auth-provider"))
            }
        }
        for (k, option) in [("client-key", "clientKey"), ("client-certificate", "clientCertificate"), ("tokenFile", "tokenFile"), ("exec", "exec")] {
            if let key = present(k) {
                out.append(UnsafeAuth(what: k == "exec" ? "exec (\(user.at("exec", "command")?.text ?? "a credential plugin"))" : "\(k) (a file path)",
                                      option: option, node: embedded.locate(key), fieldPath: "\(path).\(k)"))
            }
        }
        return out
    }
}
