import Foundation
import X509

/// A remote-secret kubeconfig whose TLS settings make istiod's connection to the remote API
/// server insecure or likely to fail verification.
public struct RemoteSecretTLSProblem: Sendable {
    /// What is suspect.
    public enum Kind: Sendable {
        /// `insecure-skip-tls-verify: true`: the server's certificate is not checked.
        case insecureSkipVerify
        /// `server` has a path (a proxy such as Rancher's `/k8s/clusters/<id>`) and the kubeconfig
        /// pins `certificate-authority-data`, which `istioctl create-remote-secret` copies from
        /// the cluster itself, not from the proxy. `path` is the URL path.
        case proxiedServerWithClusterCA(path: String)
        /// `server` is plain `http://`: the token travels unencrypted.
        case plainHTTP
        /// `certificate-authority-data` holds certificates none of which is a CA.
        case caNotCA(subjects: [String])
        /// `certificate-authority-data` is base64 of base64 of a PEM (encoded twice).
        case caEncodedTwice
    }

    /// What is suspect.
    public let kind: Kind
    /// The secret and the entry holding the kubeconfig.
    public let secret: RemoteSecret
    public let entry: RemoteSecret.Entry
    /// The cluster whose istiod reads the secret.
    public let holder: Int
    /// Where to report.
    public let node: YAMLNode
    /// Dotted path in the Secret.
    public let fieldPath: String
}

extension Kubeconfig {
    /// The suspect TLS settings of every `clusters[]` entry, read from the kubeconfig as parsed
    /// when the secret was read (no second parse). Values that are not certificates at all
    /// (placeholders such as `PLACEHOLDER_BASE64_CA`, redacted or truncated data in samples) are
    /// not judged: nothing can be said about them. `judge` gives the verdict on a
    /// `certificate-authority-data` node, a non-null scalar (`judgeCA`, or a cache of it): its
    /// text is only copied out when it is judged.
    /// The text's problems are judged once for every copy of it (`KubeconfigFacts`), and moved
    /// to this copy's nodes.
    func tlsProblems(judge: (YAMLNode) -> RemoteSecretTLSProblem.Kind? = { judgeCA($0.text ?? "", node: $0) })
        -> [(kind: RemoteSecretTLSProblem.Kind, node: YAMLNode, fieldPath: String)] {
        let own = facts.memo(\.tlsProblems) { Kubeconfig(embedded: facts.source, facts: facts).readTLSProblems(judge: judge) }
        return isSource ? own : own.map { ($0.kind, rehome($0.node), $0.fieldPath) }
    }

    /// `tlsProblems` read from this copy's own text.
    private func readTLSProblems(judge: (YAMLNode) -> RemoteSecretTLSProblem.Kind?)
        -> [(kind: RemoteSecretTLSProblem.Kind, node: YAMLNode, fieldPath: String)] {
        guard syntaxError == nil, let root = embedded.root else { return [] }
        var out: [(kind: RemoteSecretTLSProblem.Kind, node: YAMLNode, fieldPath: String)] = []
        for (i, c) in (root["clusters"]?.items ?? []).enumerated() {
            guard let cluster = c["cluster"], cluster.isMapping else { continue }
            let base = "clusters[\(i)].cluster"
            if let v = cluster["insecure-skip-tls-verify"], v.bool == true || v.scalarEquals("true") {
                out.append((.insecureSkipVerify, embedded.locate(cluster.keyNode("insecure-skip-tls-verify") ?? v), "\(base).insecure-skip-tls-verify"))
            }
            // A non-null scalar, as `text` reads it (no copy of the ~1 KB value per kubeconfig).
            let caData = cluster["certificate-authority-data"].flatMap { n in n.isScalar && n.resolvedType != .null ? n : nil }
            if let sn = cluster["server"], let server = sn.text, !Placeholder.isTemplate(server) {
                if Self.hasPlainHTTPScheme(server) {
                    out.append((.plainHTTP, embedded.locate(sn), "\(base).server"))
                } else if let path = Self.urlPath(server), let n = caData, n.raw.count > 0 {
                    out.append((.proxiedServerWithClusterCA(path: path), embedded.locate(sn), "\(base).server"))
                }
            }
            if let n = caData, let kind = judge(n) {
                out.append((kind, embedded.locate(n), "\(base).certificate-authority-data"))
            }
        }
        return out
    }

    /// True when `server` starts with `http://` in any case (no non-ASCII character lower-cases
    /// to one of those, so the first seven bytes decide; no lower-cased copy per kubeconfig).
    static func hasPlainHTTPScheme(_ server: String) -> Bool {
        let scheme = "http://".utf8
        let u = server.utf8
        guard u.count >= scheme.count else { return false }
        // A combining mark right after the scheme would join the final `/` (character compare).
        if u.count > scheme.count, u[u.index(u.startIndex, offsetBy: scheme.count)] >= 0x80 {
            return server.lowercased().hasPrefix("http://")
        }
        return zip(u, scheme).allSatisfy { c, s in
            (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c + 32 : c) == s
        }
    }

    /// The path of an `https://host[:port]/path` URL when it is more than `/`.
    static func urlPath(_ server: String) -> String? {
        var copy = server
        if let ascii = copy.withUTF8({ urlPathASCII($0) }) { return ascii }
        guard let scheme = server.range(of: "://") else { return nil }
        let rest = server[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        var path = String(rest[slash...])
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<q]) }
        return path.allSatisfy({ $0 == "/" }) ? nil : path
    }

    /// `urlPath` on the bytes of an ASCII server without CR (a byte is a character there);
    /// nil for any other text.
    private static func urlPathASCII(_ b: UnsafeBufferPointer<UInt8>) -> String?? {
        for c in b where c >= 0x80 || c == 0x0D { return nil }
        var i = 0
        while i + 3 <= b.count && !(b[i] == UInt8(ascii: ":") && b[i + 1] == UInt8(ascii: "/") && b[i + 2] == UInt8(ascii: "/")) { i += 1 }
        guard i + 3 <= b.count else { return .some(nil) }
        guard let slash = (i + 3..<b.count).first(where: { b[$0] == UInt8(ascii: "/") }) else { return .some(nil) }
        let end = (slash..<b.count).first(where: { b[$0] == UInt8(ascii: "?") || b[$0] == UInt8(ascii: "#") }) ?? b.count
        guard (slash..<end).contains(where: { b[$0] != UInt8(ascii: "/") }) else { return .some(nil) }
        return .some(String(decoding: UnsafeBufferPointer(rebasing: b[slash..<end]), as: UTF8.self))
    }

    /// A verdict on `certificate-authority-data`, or nil when it is fine or cannot be judged.
    static func judgeCA(_ base64: String, node: YAMLNode) -> RemoteSecretTLSProblem.Kind? {
        guard let bytes = Base64.decode(base64), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        if !text.contains("-----BEGIN") {
            // Encoded twice: the decoded text is itself base64 of a PEM.
            let inner = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if let b = Base64.decode(inner), let t = String(validating: b, as: UTF8.self), t.contains("-----BEGIN CERTIFICATE-----") {
                return .caEncodedTwice
            }
            return nil
        }
        let file = TrustIndex.decode(key: "certificate-authority-data", node: node, pem: text)
        guard file.error == nil, !file.certificates.isEmpty else { return nil }
        if file.certificates.contains(where: isCA) { return nil }
        return .caNotCA(subjects: file.certificates.map { "\($0.subject)" })
    }

    /// True for a CA certificate: basicConstraints CA:TRUE, or (v1 roots) no basicConstraints
    /// and self-issued.
    static func isCA(_ cert: Certificate) -> Bool {
        switch try? cert.extensions.basicConstraints {
        case .isCertificateAuthority?: return true
        case .notCertificateAuthority?: return false
        case nil: return cert.subject == cert.issuer
        }
    }
}

extension MeshGraph {
    /// Every suspect TLS setting of every remote-secret kubeconfig, per secret entry.
    /// Each distinct `certificate-authority-data` is decoded and judged once: in a full mesh
    /// every primary's secret for a cluster carries that cluster's same CA (C x (C-1)
    /// secrets, C CAs).
    public func remoteSecretTLSProblems() -> [RemoteSecretTLSProblem] {
        var out: [RemoteSecretTLSProblem] = []
        var verdicts: [ScalarBytes: RemoteSecretTLSProblem.Kind?] = [:]
        func judge(_ node: YAMLNode) -> RemoteSecretTLSProblem.Kind? {
            let key = ScalarBytes(node)
            if let known = verdicts[key] { return known }
            let verdict = Kubeconfig.judgeCA(node.text ?? "", node: node)
            verdicts[key] = verdict
            return verdict
        }
        for s in identity.remoteSecrets {
            for entry in s.entries {
                guard let kc = entry.kubeconfig else { continue }
                for p in kc.tlsProblems(judge: judge) {
                    out.append(RemoteSecretTLSProblem(kind: p.kind, secret: s, entry: entry, holder: s.holder,
                                                      node: p.node, fieldPath: "\(entry.fieldPath).\(p.fieldPath)"))
                }
            }
        }
        return out
    }
}

/// A scalar as a dictionary key by its bytes (equal when the texts are equal), read in place in
/// its file's arena: no String per lookup. The hash takes the length and the last 64 bytes
/// (certificates share their first bytes, not their signatures); equality compares all bytes.
private struct ScalarBytes: Hashable {
    let node: YAMLNode

    init(_ node: YAMLNode) { self.node = node }

    private func withBytes<T>(_ body: (UnsafeRawBufferPointer) -> T) -> T {
        let r = node.raw
        return body(UnsafeRawBufferPointer(node.file.bytes(of: r)))
    }

    static func == (a: ScalarBytes, b: ScalarBytes) -> Bool {
        a.withBytes { x in b.withBytes { y in x.count == y.count && (x.isEmpty || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) } }
    }

    func hash(into h: inout Hasher) {
        withBytes { b in
            h.combine(b.count)
            h.combine(bytes: UnsafeRawBufferPointer(rebasing: b[max(0, b.count - 64)...]))
        }
    }
}
