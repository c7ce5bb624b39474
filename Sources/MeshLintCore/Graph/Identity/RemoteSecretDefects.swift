/// One reason istiod cannot use a remote secret or one of its kubeconfigs (SPEC §2 MC204).
public struct RemoteSecretDefect: Sendable {
    /// What is wrong.
    public enum Kind: Sendable {
        /// `metadata.namespace` is not the Istio namespace of the holder (istiod watches only its own).
        case wrongNamespace(expected: String)
        /// The key is the holder's own cluster ID (istiod ignores it).
        case ownCluster
        /// The `data` value is not base64 of UTF-8 text.
        case undecodable(String)
        /// The value is empty.
        case empty
        /// The kubeconfig does not parse, or is not a mapping.
        case malformed(String)
        /// No `clusters[].cluster.server` (or an empty one).
        case noServer
        /// The server (credentials redacted, ``Redact/url(_:)``) is loopback, unspecified or
        /// `localhost`: from istiod's pod that is the pod itself.
        case loopbackServer(server: String, host: String, what: String)
        /// The server is the in-cluster API name (`kubernetes.default.svc`), which resolves to
        /// the holder's own API server.
        case inClusterServer(server: String, host: String)
        /// The server lies in the target's pod or service CIDR, which the holder cannot reach.
        case serverInTargetRange(server: String, host: String, range: CIDRSource)
        /// No user entry carries credentials.
        case noCredentials
    }

    /// What is wrong.
    public let kind: Kind
    /// The secret.
    public let secret: RemoteSecret
    /// The data/stringData entry, for problems of one kubeconfig.
    public let entry: RemoteSecret.Entry?
    /// The cluster the entry is for, when its key (or the secret's annotation/name) resolves.
    public let target: Int?
    /// The cluster holding the secret (where istiod reads it).
    public let holder: Int
    /// The most specific place at fault.
    public let location: SourceLocation
    /// Dotted path in the Secret (into the kubeconfig for its nodes).
    public let fieldPath: String
}

/// How a kubeconfig `server` host can be reached from another cluster's istiod.
public enum KubeconfigServerHost {
    /// A description when `host` only ever reaches the local machine: `localhost`, `*.localhost`,
    /// 127.0.0.0/8, `::1` (also IPv4-mapped), or the unspecified address.
    public static func loopback(_ host: String) -> String? {
        let h = host.hasSuffix(".") ? String(host.dropLast()) : host
        if h == "localhost" || h.hasSuffix(".localhost") { return "localhost" }
        guard let ip = IPAddress.parseIfAddress(h) else { return nil }
        switch ip.family {
        case .v4:
            if ip.value >> 24 == 127 { return "a loopback address (127.0.0.0/8)" }
            if ip.value == 0 { return "the unspecified address" }
        case .v6:
            if ip.value == 1 { return "the IPv6 loopback address" }
            if ip.value == 0 { return "the unspecified address" }
            if ip.value >> 32 == 0xFFFF, (ip.value & 0xFFFF_FFFF) >> 24 == 127 { return "a loopback address (IPv4-mapped 127.0.0.0/8)" }
        }
        return nil
    }

    /// True for the in-cluster names of the Kubernetes API (`kubernetes`, `kubernetes.default`,
    /// `kubernetes.default.svc[.<domain>]`): inside a pod they reach that pod's own cluster.
    public static func isInClusterName(_ host: String) -> Bool {
        host == "kubernetes" || host == "kubernetes.default" || host == "kubernetes.default.svc"
            || host.hasPrefix("kubernetes.default.svc.")
    }
}

extension MeshGraph {
    /// Every defect of every remote secret, per holding cluster (a shared file's secret is
    /// checked once per cluster; callers dedupe by location).
    public func remoteSecretDefects() -> [RemoteSecretDefect] {
        let id = identity
        // What the checks need of each secret's targets: the lowest, and whether it is the only
        // one (no set per secret).
        var targets = Array(repeating: SecretTargets(), count: id.remoteSecrets.count)
        for e in id.remoteSecretEdges where e.secret < targets.count { targets[e.secret].add(e.target) }
        // Secrets are independent: checked in contiguous chunks on all cores, concatenated in
        // secret order (the order the findings come out in does not depend on the chunking).
        let targetsBySecret = targets
        let total = id.remoteSecrets.count
        let chunks = min(total, 64)
        let perChunk = concurrentMap(count: chunks) { k in
            defects(ofSecrets: (total * k / chunks)..<(total * (k + 1) / chunks), targetsBySecret: targetsBySecret)
        }
        return perChunk.flatMap { $0 }
    }

    /// The defects of remote secrets `range` (indices into `identity.remoteSecrets`).
    private func defects(ofSecrets range: Range<Int>, targetsBySecret: [SecretTargets]) -> [RemoteSecretDefect] {
        let id = identity
        var out: [RemoteSecretDefect] = []
        for si in range {
            let s = id.remoteSecrets[si]
            let holder = s.holder
            let f = facts[holder]
            let refs = id.references(ofSecret: si)
            func add(_ kind: RemoteSecretDefect.Kind, _ entry: RemoteSecret.Entry?, _ target: Int?, _ loc: SourceLocation, _ path: String) {
                out.append(RemoteSecretDefect(kind: kind, secret: s, entry: entry, target: target, holder: holder, location: loc, fieldPath: path))
            }
            if let ns = s.resource.metadata?["namespace"], let v = ns.text, v != f.istioNamespace {
                add(.wrongNamespace(expected: f.istioNamespace), nil, targetsBySecret[si].lowest,
                    SourceLocation(ns), "metadata.namespace")
            }
            let ownID = id.clusterID(holder, facts: f)?.value
            let secretTarget = targetsBySecret[si]
            for entry in s.entries {
                let ref = refs.first { $0.kind == .secretKey && $0.name.node == entry.key.node }
                var target = ref?.target
                if target == nil, s.entries.count == 1, let only = secretTarget.only { target = only }
                if entry.key.value == ownID || ref?.target == holder {
                    add(.ownCluster, entry, holder, SourceLocation(entry.key.node), entry.fieldPath)
                    continue
                }
                if let problem = entry.decodeProblem {
                    add(.undecodable(problem), entry, target, SourceLocation(entry.value), entry.fieldPath)
                    continue
                }
                if entry.value.isNull || (!entry.value.startsWithNonBlankASCII && (entry.value.text.map { $0.allSatisfy(\.isWhitespace) } ?? false)) {
                    add(.empty, entry, target, SourceLocation(entry.key.node), entry.fieldPath)
                    continue
                }
                guard let kc = entry.kubeconfig else {
                    add(.malformed("the value is not a string"), entry, target, SourceLocation(entry.value), entry.fieldPath)
                    continue
                }
                if let err = kc.syntaxError {
                    add(.malformed(err.message), entry, target,
                        SourceLocation(file: entry.value.file.path, line: err.position.line, column: err.position.column), entry.fieldPath)
                    continue
                }
                serverDefects(kc, entry: entry, holder: holder, target: target, add: add)
                if !kc.hasCredentials {
                    let e = kc.embedded
                    let node = kc.users.first ?? e.root?.keyNode("users").map(e.locate) ?? entry.key.node
                    add(.noCredentials, entry, target, SourceLocation(node), entry.fieldPath + (kc.users.isEmpty ? ".users" : ".users[0].user"))
                }
            }
        }
        return out
    }

    private func serverDefects(_ kc: Kubeconfig, entry: RemoteSecret.Entry, holder: Int, target: Int?,
                               add: (RemoteSecretDefect.Kind, RemoteSecret.Entry?, Int?, SourceLocation, String) -> Void) {
        let checks = kc.serverChecks
        for check in checks.servers {
            // Location and path are only built for a defect (most servers have none).
            func report(_ kind: RemoteSecretDefect.Kind) {
                add(kind, entry, target, SourceLocation(kc.rehome(check.node)), "\(entry.fieldPath).clusters[\(check.index)].cluster.server")
            }
            switch check.verdict {
            case .fine:
                break
            case .noServer:
                report(.noServer)
            case .loopback(let server, let host, let what):
                report(.loopbackServer(server: server, host: host, what: what))
            case .inCluster(let server, let host):
                report(.inClusterServer(server: server, host: host))
            case .address(let server, let host, let ip):
                guard let t = target, t != holder else { break }
                let ranges = cidrIndex.cidrs(t)
                // Pod IPs are routable between clusters of one network (SPEC: same network);
                // ClusterIPs never leave their cluster.
                let sameNetwork = identity.network(t) == identity.network(holder)
                if let src = ranges.effective(.service).first(where: { $0.value.contains(ip) })
                    ?? (sameNetwork ? nil : ranges.effective(.pod).first(where: { $0.value.contains(ip) })) {
                    report(.serverInTargetRange(server: server, host: host, range: src))
                }
            }
        }
        if let node = checks.noServers {
            add(.noServer, entry, target, SourceLocation(kc.rehome(node)), entry.fieldPath + ".clusters")
        }
    }
}

/// The clusters one remote secret's edges point at, as far as the defect checks need them.
struct SecretTargets: Sendable {
    /// The lowest target index, if any.
    private(set) var lowest: Int?
    private var distinct = 0

    mutating func add(_ t: Int) {
        if let l = lowest, l == t { return }
        distinct += 1
        lowest = min(lowest ?? t, t)
    }

    /// The target when there is exactly one.
    var only: Int? { distinct == 1 ? lowest : nil }
}

/// What the text of a kubeconfig says about its `server`s, apart from which cluster it is meant
/// for: read once per distinct text (`KubeconfigFacts`), with nodes in the facts' source copy.
struct KubeconfigServerChecks: Sendable {
    struct Server: Sendable {
        enum Verdict: Sendable {
            /// Nothing to report, or a template placeholder (not judged).
            case fine
            /// Empty, blank or without a host.
            case noServer
            case loopback(server: String, host: String, what: String)
            case inCluster(server: String, host: String)
            /// An IP address: reported when it lies in the target cluster's ranges.
            case address(server: String, host: String, ip: IPAddress)
        }
        /// Index in `clusters`.
        let index: Int
        /// Where to report (the server value, or the host when positions are unmapped).
        let node: YAMLNode
        let verdict: Verdict
    }
    let servers: [Server]
    /// Where to report a kubeconfig without any server; nil when it has one.
    let noServers: YAMLNode?

    init(_ e: EmbeddedYAML, fallback: YAMLNode) {
        var out: [Server] = []
        for (i, item) in (e.root?["clusters"]?.items ?? []).enumerated() {
            guard let node = item.at("cluster", "server") else { continue }
            let verdict: Server.Verdict
            if let text = node.text, !text.allSatisfy(\.isWhitespace), let host = APIServers.host(of: text) {
                if Placeholder.isTemplate(text) || Placeholder.isTemplate(host) {
                    verdict = .fine
                } else if let what = KubeconfigServerHost.loopback(host) {
                    verdict = .loopback(server: Redact.url(text), host: host, what: what)
                } else if KubeconfigServerHost.isInClusterName(host) {
                    verdict = .inCluster(server: Redact.url(text), host: host)
                } else if let ip = IPAddress.parseIfAddress(host) {
                    verdict = .address(server: Redact.url(text), host: host, ip: ip)
                } else {
                    verdict = .fine
                }
            } else {
                verdict = .noServer
            }
            out.append(Server(index: i, node: e.locate(node), verdict: verdict))
        }
        servers = out
        if out.isEmpty {
            let first = e.root?["clusters"]?.items.first
            noServers = first.map { ($0.keyNode("cluster") ?? $0) }.map(e.locate)
                ?? e.root?.keyNode("clusters").map(e.locate) ?? fallback
        } else {
            noServers = nil
        }
    }
}

extension Kubeconfig {
    /// The server checks of this text, read once for every copy (nodes in `facts.source`:
    /// pass them through `rehome`).
    var serverChecks: KubeconfigServerChecks {
        facts.memo(\.serverChecks) { KubeconfigServerChecks(facts.source, fallback: facts.source.host) }
    }
}

extension YAMLNode {
    /// True when the node is a scalar whose first byte is an ASCII character that is not
    /// whitespace, so its text is not blank; answered without copying the text (a remote
    /// secret's value is a whole kubeconfig).
    var startsWithNonBlankASCII: Bool {
        let r = raw
        guard r.kind == .scalar, r.count > 0 else { return false }
        let c = file.bytes(of: r)[0]
        return c < 0x80 && !(c == 0x20 || (c >= 0x09 && c <= 0x0D))
    }
}
