/// Stable identities of findings, for baselines and SARIF `partialFingerprints`.
///
/// A fingerprint hashes what a finding is about — rule, cluster, resource identity (API group,
/// kind, namespace, name) and the field at fault (``Finding/fieldPath``, or the message with
/// every number blanked out when a rule gives no field path) — and never its line or column,
/// so it survives re-indentation, reordering and moving a document within its file. The API
/// version is left out (as in SPEC's resource identity) so `v1alpha3` → `v1beta1` migrations
/// keep their fingerprints. Findings about no resource (YAML syntax, duplicate keys) add the
/// file path, their only stable anchor.
public enum Fingerprint {
    /// The fingerprint scheme; part of the hashed text and of the SARIF key.
    public static let version = "v1"
    /// The key under which SARIF results carry the fingerprint.
    public static let sarifKey = "meshlintFingerprint/\(version)"

    /// The fingerprint of one finding: 32 lowercase hex digits.
    public static func of(_ f: Finding) -> String {
        String(SHA256.hex(Array(canonicalText(f).utf8)).prefix(32))
    }

    /// The text that is hashed (fields separated by U+001F).
    static func canonicalText(_ f: Finding) -> String {
        var parts = ["meshlint/\(version)", f.rule, f.cluster ?? ""]
        if let r = f.resource {
            parts += [ResourceIdentity(apiVersion: r.apiVersion, kind: r.kind, namespace: r.namespace, name: r.name).group,
                      r.kind, r.namespace ?? "", r.name, ""]
        } else {
            parts += ["", "", "", "", f.file]
        }
        parts.append(f.fieldPath.map { "field:" + $0 } ?? "message:" + normalisedMessage(f.message))
        return parts.joined(separator: "\u{1F}")
    }

    /// The message with digit runs replaced by `#` and whitespace collapsed, so line numbers,
    /// offsets and counts inside it do not change the fingerprint.
    static func normalisedMessage(_ message: String) -> String {
        var out = ""
        var lastWasDigit = false
        var lastWasSpace = false
        for u in message.unicodeScalars {
            if ("0"..."9").contains(u) {
                if !lastWasDigit { out += "#" }
                lastWasDigit = true
                lastWasSpace = false
                continue
            }
            lastWasDigit = false
            if u == " " || u == "\n" || u == "\t" || u == "\r" {
                if !lastWasSpace && !out.isEmpty { out += " " }
                lastWasSpace = true
                continue
            }
            lastWasSpace = false
            out.unicodeScalars.append(u)
        }
        while out.hasSuffix(" ") { out.removeLast() }
        return out
    }
}
