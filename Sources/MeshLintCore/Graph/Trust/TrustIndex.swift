import Foundation
import X509

/// One PEM-encoded certificate file of a `cacerts` Secret, decoded.
public struct CACertFile: Sendable {
    /// The key in the Secret (`root-cert.pem`, `ca-cert.pem`, `cert-chain.pem`).
    public let key: String
    /// The value node (for locations).
    public let node: YAMLNode
    /// The certificates it holds, in order (empty when it does not decode).
    public let certificates: [Certificate]
    /// Why it did not decode, if it did not.
    public let error: String?
}

/// The plug-in CA of one cluster: Secret `cacerts` in the Istio namespace.
public struct CACerts: Sendable {
    public let secret: Resource
    public let root: CACertFile?
    public let ca: CACertFile?
    public let chain: CACertFile?

    /// The root certificate (the first one in `root-cert.pem`).
    public var rootCertificate: Certificate? { root?.certificates.first }
}

/// Trust facts of the whole mesh: plug-in CAs, trust domains and their aliases.
public struct TrustIndex: Sendable {
    /// `cacerts` per cluster (nil when the cluster has none).
    public let caCerts: [CACerts?]
    /// `meshConfig.trustDomainAliases` per cluster.
    public let trustDomainAliases: [[Sourced<String>]]

    init(set: ConfigSet, facts: [ClusterFacts], resources: (String, Int) -> [Resource]) {
        var certs: [CACerts?] = []
        var aliases: [[Sourced<String>]] = []
        for f in facts {
            let secret = resources("Secret", f.index).first { $0.name == "cacerts" && $0.namespace == f.istioNamespace }
            certs.append(secret.map(Self.read))
            var a: [Sourced<String>] = []
            for i in f.installs {
                for base in [i.spec?["meshConfig"], i.values?["meshConfig"]] {
                    guard let list = base?["trustDomainAliases"], list.isSequence else { continue }
                    for item in list.items {
                        if let s = item.text { a.append(Sourced(s, item, source: "\(i.label) meshConfig.trustDomainAliases")) }
                    }
                }
            }
            aliases.append(a)
        }
        self.caCerts = certs
        self.trustDomainAliases = aliases
    }

    static func read(_ secret: Resource) -> CACerts {
        func file(_ key: String) -> CACertFile? {
            if let n = secret.root.at("stringData", key), let text = n.scalar {
                return decode(key: key, node: n, pem: text)
            }
            if let n = secret.root.at("data", key), let b64 = n.scalar {
                guard let bytes = Base64.decode(b64), let pem = String(validating: bytes, as: UTF8.self) else {
                    return CACertFile(key: key, node: n, certificates: [], error: "data.\(key) is not valid base64-encoded PEM")
                }
                return decode(key: key, node: n, pem: pem)
            }
            return nil
        }
        return CACerts(secret: secret, root: file("root-cert.pem"), ca: file("ca-cert.pem"), chain: file("cert-chain.pem"))
    }

    static func decode(key: String, node: YAMLNode, pem: String) -> CACertFile {
        do {
            let end = "-----END CERTIFICATE-----"
            var blocks: [String] = []
            var rest = Substring(pem)
            while let b = rest.range(of: "-----BEGIN CERTIFICATE-----"), let e = rest.range(of: end, range: b.upperBound..<rest.endIndex) {
                blocks.append(String(rest[b.lowerBound..<e.upperBound]))
                rest = rest[e.upperBound...]
            }
            let certs = try blocks.map { try Certificate(pemEncoded: $0) }
            if certs.isEmpty {
                return CACertFile(key: key, node: node, certificates: [], error: "\(key) holds no CERTIFICATE block")
            }
            return CACertFile(key: key, node: node, certificates: certs, error: nil)
        } catch {
            // The decoder's error names its own source file; say what is wrong in the file instead.
            let reason = "\(error)".split(separator: ":").first.map { String($0).replacingOccurrences(of: "ASN1Error.", with: "") } ?? "invalid"
            return CACertFile(key: key, node: node, certificates: [],
                              error: "\(key) holds a CERTIFICATE block whose body is not a valid DER certificate (\(reason))")
        }
    }

    /// True when `cert` chains to `root` through the certificates in `intermediates`
    /// (signatures verified, issuer names matched).
    public static func chains(_ cert: Certificate, to root: Certificate, via intermediates: [Certificate]) -> Bool {
        var current = cert
        var pool = intermediates
        for _ in 0..<8 {
            if current.issuer == root.subject, root.publicKey.isValidSignature(current.signature, for: current) {
                return true
            }
            guard let i = pool.firstIndex(where: { $0.subject == current.issuer && $0.publicKey.isValidSignature(current.signature, for: current) }) else {
                return false
            }
            current = pool.remove(at: i)
        }
        return false
    }
}
