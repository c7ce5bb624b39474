import MeshLintCore

/// Bounds on what one mistake repeated many times can make meshlint print (SPEC section 7):
/// at most ``perRuleAndFile`` findings of one rule in one file, then one finding that says how
/// many more there are; at most ``relatedPerFinding`` related locations per finding, and the
/// message says how many were left out. Output then stays linear in the input, and small when
/// one duplicate key or one unknown document is repeated a million times.
public struct FindingLimits: Sendable {
    /// Findings of one rule in one file listed one by one.
    public var perRuleAndFile: Int
    /// Related locations listed per finding.
    public var relatedPerFinding: Int

    public init(perRuleAndFile: Int = 20, relatedPerFinding: Int = 20) {
        self.perRuleAndFile = perRuleAndFile
        self.relatedPerFinding = relatedPerFinding
    }

    /// `findings` (in report order) with the limits applied; the order is kept.
    public func apply(_ findings: [Finding]) -> [Finding] {
        struct Key: Hashable { let rule: String; let file: String }
        var counts: [Key: Int] = [:]
        for f in findings { counts[Key(rule: f.rule, file: f.file), default: 0] += 1 }
        var seen: [Key: Int] = [:]
        var out: [Finding] = []
        out.reserveCapacity(min(findings.count, counts.count * (perRuleAndFile + 1)))
        for var f in findings {
            let key = Key(rule: f.rule, file: f.file)
            let n = seen[key, default: 0]
            seen[key] = n + 1
            if n < perRuleAndFile {
                if f.related.count > relatedPerFinding {
                    let left = f.related.count - relatedPerFinding
                    f.related.removeLast(left)
                    f.message += " (\(left.withThousandsSeparators) more related location\(left == 1 ? "" : "s") not listed.)"
                }
                out.append(f)
            } else if n == perRuleAndFile {
                let more = counts[key]! - perRuleAndFile
                out.append(Finding(
                    rule: f.rule, name: f.name, severity: f.severity,
                    message: "... and \(more.withThousandsSeparators) more \(f.rule) finding\(more == 1 ? "" : "s") like the ones above in this file, from here on (meshlint lists at most \(perRuleAndFile) per rule and file; fix those and run it again).",
                    cluster: f.cluster, file: f.file, line: f.line, column: f.column))
            }
        }
        return out
    }
}

extension Int {
    /// The number with `,` between thousands (`999,990`).
    var withThousandsSeparators: String {
        let digits = String(magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (self < 0 ? "-" : "") + out
    }
}
