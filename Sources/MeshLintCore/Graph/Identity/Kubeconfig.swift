import Foundation

/// A kubeconfig embedded in a Secret value (the credentials istiod uses to watch another
/// cluster's API server). Cluster, context and user names inside it are local aliases, not
/// cluster references (SPEC §1); only `server` says where it points.
public struct Kubeconfig: Sendable {
    /// The parsed text (positions mapped to the outer file when it was a `|` block).
    public let embedded: EmbeddedYAML
    /// What the text says, read once for every copy of the same text (see `KubeconfigReadCache`);
    /// its nodes lie in `facts.source`, and the accessors below move them to `embedded`.
    let facts: KubeconfigFacts

    /// `clusters[].cluster.server`, located at the value (or at the Secret value when unmapped).
    public var servers: [Located<String>] { rehomed(facts.servers) }
    /// `clusters[].name` (local aliases).
    public var clusterAliases: [Located<String>] { rehomed(facts.clusterAliases) }
    /// `contexts[].name` (local aliases).
    public var contextAliases: [Located<String>] { rehomed(facts.contextAliases) }
    /// `current-context`.
    public var currentContext: Located<String>? { facts.currentContext.map(rehomed) }
    /// True when some user entry carries credentials (token, token file, client certificate,
    /// auth provider, exec plugin or basic auth).
    public var hasCredentials: Bool { facts.hasCredentials }
    /// `users` entries, located at their `user` mapping (for "no credentials" findings).
    public var users: [YAMLNode] { isSource ? facts.users : facts.users.map(rehome) }
    /// The first syntax error of the embedded text: message and outer position. Texts with a
    /// parse error are never shared, so a copy's can only be "not a kubeconfig", which stands at
    /// the host value: this copy's own.
    public var syntaxError: (message: String, position: SourcePosition)? {
        guard let e = facts.syntaxError else { return nil }
        return isSource ? e : (e.message, embedded.host.position)
    }
    /// Credentials istiod refuses unless `PILOT_INSECURE_MULTICLUSTER_KUBECONFIG_OPTIONS` lists
    /// them (`pkg/kube` sanitizeKubeConfig), in the order written.
    public var unsafeAuth: [UnsafeAuth] {
        isSource ? facts.unsafeAuth
            : facts.unsafeAuth.map { UnsafeAuth(what: $0.what, option: $0.option, node: rehome($0.node), fieldPath: $0.fieldPath) }
    }
    /// Context wiring `clientcmd.Validate` rejects: a `current-context` or a context's
    /// `cluster`/`user` that names no entry.
    public var danglingNames: [DanglingName] {
        isSource ? facts.danglingNames
            : facts.danglingNames.map { DanglingName(fieldPath: $0.fieldPath, name: rehomed($0.name), expected: $0.expected) }
    }

    /// True when the facts were read from this very copy (nothing to move).
    var isSource: Bool { facts.source.file === embedded.file }

    /// `node` of `facts.source` as the same node of this copy: same index in the shared tree,
    /// or this copy's host where the source's host stood (unmapped positions).
    func rehome(_ node: YAMLNode) -> YAMLNode {
        if node.file === facts.source.file { return YAMLNode(file: embedded.file, index: node.index) }
        if node == facts.source.host { return embedded.host }
        return node
    }

    func rehomed(_ v: Located<String>) -> Located<String> { isSource ? v : Located(v.value, rehome(v.node)) }
    func rehomed(_ list: [Located<String>]) -> [Located<String>] { isSource ? list : list.map { Located($0.value, rehome($0.node)) } }

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
    /// With `cache`, a text whose parse is shared with earlier copies (`EmbeddedParseCache`) is
    /// read once for all of them: the copies get the same facts, moved to their own positions.
    static func read(_ embedded: EmbeddedYAML, requireShape: Bool, cache: KubeconfigReadCache? = nil) -> Kubeconfig? {
        if let cache, let tree = embedded.file.treeOwner {
            let facts = cache.facts(tree: tree, exact: embedded.exact, requireShape: requireShape) {
                readFacts(embedded, requireShape: requireShape)
            }
            return facts.map { Kubeconfig(embedded: embedded, facts: $0) }
        }
        return readFacts(embedded, requireShape: requireShape).map { Kubeconfig(embedded: embedded, facts: $0) }
    }

    /// The facts of one copy, its nodes in `embedded`; nil when `requireShape` and the text is
    /// no kubeconfig.
    static func readFacts(_ embedded: EmbeddedYAML, requireShape: Bool) -> KubeconfigFacts? {
        let root = embedded.root
        let err = embedded.syntaxErrors.first.map { ($0.message, embedded.position($0.position)) }
        if requireShape && !looksLikeKubeconfig(root) { return nil }
        if !requireShape && err == nil && root != nil && !(root!.isMapping) {
            // A scalar (e.g. a token pasted alone) is no kubeconfig at all.
            return KubeconfigFacts(source: embedded, servers: [], clusterAliases: [], contextAliases: [],
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
        return KubeconfigFacts(source: embedded, servers: servers, clusterAliases: clusterAliases,
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

/// What one kubeconfig text says, with nodes in the copy it was read from (`source`). Shared by
/// every copy of the same text: a mesh kept in git holds each cluster's kubeconfig once per
/// other cluster (999,000 copies of 1,000 texts at 1,000 clusters).
final class KubeconfigFacts: @unchecked Sendable {
    let source: EmbeddedYAML
    let servers: [Located<String>]
    let clusterAliases: [Located<String>]
    let contextAliases: [Located<String>]
    let currentContext: Located<String>?
    let hasCredentials: Bool
    let users: [YAMLNode]
    let syntaxError: (message: String, position: SourcePosition)?
    let unsafeAuth: [Kubeconfig.UnsafeAuth]
    let danglingNames: [Kubeconfig.DanglingName]
    /// `Kubeconfig.looksLikeKubeconfig` of the text's root.
    let looksLikeKubeconfig: Bool

    init(source: EmbeddedYAML, servers: [Located<String>], clusterAliases: [Located<String>],
         contextAliases: [Located<String>], currentContext: Located<String>?, hasCredentials: Bool,
         users: [YAMLNode], syntaxError: (message: String, position: SourcePosition)?,
         unsafeAuth: [Kubeconfig.UnsafeAuth], danglingNames: [Kubeconfig.DanglingName]) {
        self.source = source
        self.servers = servers
        self.clusterAliases = clusterAliases
        self.contextAliases = contextAliases
        self.currentContext = currentContext
        self.hasCredentials = hasCredentials
        self.users = users
        self.syntaxError = syntaxError
        self.unsafeAuth = unsafeAuth
        self.danglingNames = danglingNames
        self.looksLikeKubeconfig = Kubeconfig.looksLikeKubeconfig(source.root)
    }

    // Facts the checks derive from the text alone, computed by the first caller and kept.
    private let lock = NSLock()
    var serverChecks: KubeconfigServerChecks?
    var tlsProblems: [(kind: RemoteSecretTLSProblem.Kind, node: YAMLNode, fieldPath: String)]?

    /// The derived fact at `field`, made by `make` (on `source`) by its first caller.
    func memo<T>(_ field: ReferenceWritableKeyPath<KubeconfigFacts, T?>, _ make: () -> T) -> T {
        lock.lock()
        if let known = self[keyPath: field] { lock.unlock(); return known }
        lock.unlock()
        let value = make()
        lock.lock()
        self[keyPath: field] = value
        lock.unlock()
        return value
    }
}

/// Kubeconfig facts per shared parse (one graph build, any thread): copies of one text with the
/// same position mapping read the facts once.
final class KubeconfigReadCache: @unchecked Sendable {
    private struct Key: Hashable {
        let tree: ObjectIdentifier
        let exact: Bool
        let requireShape: Bool
    }
    private let lock = NSLock()
    private var read: [Key: KubeconfigFacts?] = [:]
    /// The trees the keys name, kept alive so that no identifier is reused.
    private var trees: [AnyObject] = []

    func facts(tree: AnyObject, exact: Bool, requireShape: Bool, _ make: () -> KubeconfigFacts?) -> KubeconfigFacts? {
        let key = Key(tree: ObjectIdentifier(tree), exact: exact, requireShape: requireShape)
        lock.lock()
        if let known = read[key] { lock.unlock(); return known }
        lock.unlock()
        let value = make()
        lock.lock()
        defer { lock.unlock() }
        if let raced = read[key] { return raced }
        read[key] = value
        trees.append(tree)
        return value
    }
}
