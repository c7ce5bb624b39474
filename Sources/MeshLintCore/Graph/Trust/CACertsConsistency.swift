import Foundation
import X509

/// What a cluster's `cacerts` Secret says about itself, beyond the root it shares (MC305):
/// whether `ca-key.pem` is the key of `ca-cert.pem`, whether `cert-chain.pem` starts with
/// `ca-cert.pem`, and the validity period of every CA certificate it holds. Time-independent:
/// rules judge the validity periods against their reference time.
public struct CACertsConsistency: Sendable {
    /// A CA certificate of the Secret, with the file it is reported at.
    public struct Dated: Sendable {
        /// `ca-cert.pem`, `root-cert.pem` or `cert-chain.pem`.
        public let file: CACertFile
        /// Position in that file (0 for the first certificate).
        public let index: Int
        /// The certificate.
        public let certificate: Certificate
        /// "intermediate", "root" or "chain certificate".
        public let role: String
    }

    /// Why `ca-key.pem` cannot be used with `ca-cert.pem`.
    public enum KeyProblem: Sendable {
        /// The key parses but its public key is not the certificate's.
        case mismatch
        /// The value is not a PEM private key istiod can read (reason, no key material).
        case unreadable(String)
    }

    /// The `cacerts` Secret.
    public let caCerts: CACerts
    /// The cluster it belongs to.
    public let cluster: Int
    /// The `ca-key.pem` value node, if the Secret has one.
    public let keyNode: YAMLNode?
    /// What is wrong with `ca-key.pem`, if anything (nil also when there is no key or no
    /// readable `ca-cert.pem` to compare with).
    public let keyProblem: KeyProblem?
    /// The first certificate of `cert-chain.pem` when it is not `ca-cert.pem`'s.
    public let chainStart: Certificate?
    /// True when `cert-chain.pem` holds `ca-cert.pem`'s certificate somewhere (only out of order).
    public let chainHoldsCA: Bool
    /// Every distinct CA certificate of the Secret (intermediate, root, rest of the chain).
    public let certificates: [Dated]

    init(_ cc: CACerts, cluster: Int) {
        self.caCerts = cc
        self.cluster = cluster
        let caCert = cc.ca?.certificates.first
        var keyNode: YAMLNode?
        var problem: KeyProblem?
        if let (node, pem) = Self.keyText(cc.secret) {
            keyNode = node
            if let caCert {
                switch Self.readKey(pem) {
                case .success(let key): if key.publicKey != caCert.publicKey { problem = .mismatch }
                case .failure(let reason): problem = .unreadable(reason.text)
                }
            }
        }
        self.keyNode = keyNode
        self.keyProblem = problem
        if let caCert, let first = cc.chain?.certificates.first, first != caCert {
            chainStart = first
        } else {
            chainStart = nil
        }
        chainHoldsCA = caCert.map { cc.chain?.certificates.contains($0) ?? false } ?? false
        var dated: [Dated] = []
        func add(_ file: CACertFile?, role: (Int) -> String) {
            guard let file else { return }
            for (i, c) in file.certificates.enumerated() where !dated.contains(where: { $0.certificate == c }) {
                dated.append(Dated(file: file, index: i, certificate: c, role: role(i)))
            }
        }
        add(cc.ca) { $0 == 0 ? "intermediate" : "certificate" }
        add(cc.root) { $0 == 0 ? "root" : "certificate" }
        add(cc.chain) { _ in "chain certificate" }
        self.certificates = dated
    }

    struct Reason: Error { let text: String }

    /// The `ca-key.pem` node and its PEM text (stringData, else base64 data); nil when absent
    /// or not decodable (MC305 reports undecodable values of the certificate files).
    static func keyText(_ secret: Resource) -> (YAMLNode, String)? {
        if let n = secret.root.at("stringData", "ca-key.pem"), let t = n.scalar { return (n, t) }
        if let n = secret.root.at("data", "ca-key.pem"), let b = n.scalar {
            guard let bytes = Base64.decode(b), let t = String(validating: bytes, as: UTF8.self) else { return (n, "") }
            return (n, t)
        }
        return nil
    }

    /// Reads the first private key block (PKCS#1 RSA, SEC1 EC or PKCS#8), as istiod's
    /// ParsePemEncodedKey does. The reason never quotes the value.
    static func readKey(_ pem: String) -> Result<Certificate.PrivateKey, Reason> {
        guard let begin = pem.range(of: "-----BEGIN "), let typeEnd = pem.range(of: "-----", range: begin.upperBound..<pem.endIndex) else {
            return .failure(Reason(text: "it holds no PEM block"))
        }
        let type = String(pem[begin.upperBound..<typeEnd.lowerBound])
        var start = begin.lowerBound
        var label = type
        if !type.hasSuffix("PRIVATE KEY") {
            // `openssl ecparam -genkey` writes EC PARAMETERS before the key.
            guard let k = pem.range(of: "-----BEGIN ", range: typeEnd.upperBound..<pem.endIndex),
                  let e = pem.range(of: "-----", range: k.upperBound..<pem.endIndex) else {
                return .failure(Reason(text: "it holds a \(type) block, not a private key"))
            }
            start = k.lowerBound
            label = String(pem[k.upperBound..<e.lowerBound])
        }
        if label == "ENCRYPTED PRIVATE KEY" { return .failure(Reason(text: "the private key is encrypted, and istiod cannot decrypt it")) }
        guard label.hasSuffix("PRIVATE KEY"), let end = pem.range(of: "-----END \(label)-----", range: start..<pem.endIndex) else {
            return .failure(Reason(text: "it holds no complete PRIVATE KEY block"))
        }
        do {
            return .success(try Certificate.PrivateKey(pemEncoded: String(pem[start..<end.upperBound])))
        } catch {
            return .failure(Reason(text: "its \(label) block is not a valid RSA, EC or Ed25519 key"))
        }
    }
}

extension MeshGraph {
    /// The consistency facts of every cluster's `cacerts`, one per distinct Secret (a shared
    /// `cacerts` file is read once).
    public func caCertsConsistency() -> [CACertsConsistency] {
        var seen = Set<SourceLocation>()
        var out: [CACertsConsistency] = []
        for (c, cc) in trust.caCerts.enumerated() {
            guard let cc, seen.insert(SourceLocation(cc.secret.root)).inserted else { continue }
            out.append(CACertsConsistency(cc, cluster: c))
        }
        return out
    }
}
