import Foundation
import MeshLintCore

/// MC307: a plug-in CA (`cacerts`) whose key is not the intermediate's, whose certificates are
/// expired or not yet valid (warning: expiring within 30 days of the reference time), or whose
/// `cert-chain.pem` does not start with `ca-cert.pem`.
struct CACertsKeyOrExpiryRule: Rule {
    let code = "MC307"
    let reads: Set<String> = ["Secret"]

    /// How long before expiry a certificate is reported as expiring.
    static let warningWindow: TimeInterval = 30 * 24 * 3600

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for x in context.graph.caCertsConsistency() {
            let secret = x.caCerts.secret
            let name = "cacerts (\(secret.namespace)/\(secret.name))"
            if let node = x.keyNode, let problem = x.keyProblem, let ca = x.caCerts.ca, let caCert = ca.certificates.first {
                let message: String
                switch problem {
                case .mismatch:
                    message = "ca-key.pem of \(name) is not the private key of ca-cert.pem (\(caCert.subject)): their public keys differ, so istiod refuses to load the plug-in CA (\"the cert does not match the key\") and cannot sign workload certificates with it. Put the key that was generated with this intermediate in ca-key.pem (compare `openssl x509 -pubkey` with `openssl pkey -pubout`)."
                case .unreadable(let reason):
                    message = "ca-key.pem of \(name) cannot be read as a private key (\(reason)): istiod cannot sign workload certificates with the plug-in CA and does not start. Store the unencrypted PEM key (PKCS#1, SEC1 or PKCS#8) that belongs to ca-cert.pem."
                }
                out.append(context.finding(message, resource: secret, at: node,
                                           related: [context.related("ca-cert.pem", at: ca.node, cluster: x.cluster)],
                                           fieldPath: "data.ca-key.pem"))
            }
            if let first = x.chainStart, let chain = x.caCerts.chain, let ca = x.caCerts.ca, let caCert = ca.certificates.first {
                let effect = x.chainHoldsCA
                    ? "istiod sends this chain after every workload certificate it signs, and TLS requires each certificate to be followed by the one that certifies it: verifiers that follow the rule strictly reject the out-of-order chain"
                    : "istiod sends this chain after every workload certificate it signs, and without the intermediate in it peers cannot link the workload certificate to the root, so mTLS fails with CERTIFICATE_VERIFY_FAILED"
                out.append(context.finding(
                    "cert-chain.pem of \(name) starts with \(first.subject), not with ca-cert.pem (\(caCert.subject)): \(effect). Make cert-chain.pem the intermediate followed by its issuers up to the root (cat ca-cert.pem root-cert.pem > cert-chain.pem).",
                    resource: secret, at: chain.node,
                    related: [context.related("ca-cert.pem", at: ca.node, cluster: x.cluster)],
                    fieldPath: "data.cert-chain.pem"))
            }
            for d in x.certificates {
                let cert = d.certificate
                // The names and dates of the message only for a finding (most certificates are fine).
                var which: String { "the \(d.role) \(cert.subject) in \(d.file.key)\(d.index > 0 ? " (certificate \(d.index + 1))" : "") of \(name)" }
                var until: String { Self.day(cert.notValidAfter) }
                if context.now > cert.notValidAfter {
                    out.append(context.finding(
                        "\(which.capitalizedFirst) expired on \(until): istiod cannot use the plug-in CA and the workload certificates chaining to it are rejected (CERTIFICATE_VERIFY_FAILED), so mTLS inside and across clusters fails. Issue a new \(d.role == "root" ? "root and intermediates for every cluster" : "intermediate from the mesh root") and replace cacerts, then restart istiod.",
                        resource: secret, at: d.file.node, fieldPath: "data.\(d.file.key)"))
                } else if context.now < cert.notValidBefore {
                    out.append(context.finding(
                        "\(which.capitalizedFirst) is not valid before \(Self.day(cert.notValidBefore)): until then istiod cannot verify the plug-in CA and peers reject the certificates it issues. Check the issuing machine's clock and re-issue the certificate with a start date in the past.",
                        resource: secret, at: d.file.node, fieldPath: "data.\(d.file.key)"))
                } else if cert.notValidAfter.timeIntervalSince(context.now) < Self.warningWindow {
                    let days = Int(cert.notValidAfter.timeIntervalSince(context.now) / 86400)
                    var f = context.finding(
                        "\(which.capitalizedFirst) expires on \(until), \(days == 0 ? "in less than a day" : "in \(days) day\(days == 1 ? "" : "s")"): istiod does not rotate plug-in CA certificates, so on that day mTLS inside and across clusters fails. Issue a new \(d.role == "root" ? "root (and intermediates) and distribute it to every cluster before then" : "intermediate from the mesh root and replace cacerts before then").",
                        resource: secret, at: d.file.node, fieldPath: "data.\(d.file.key)")
                    f.severity = min(f.severity, .warning)
                    out.append(f)
                }
            }
        }
        return out
    }

    /// `2026-12-01` in UTC.
    static func day(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withFullDate]
        return f.string(from: date)
    }
}

private extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
