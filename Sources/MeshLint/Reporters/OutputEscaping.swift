/// The one escaping every reporter applies to text it did not write itself (file names, cluster
/// names, messages that quote YAML values), so that a value can neither move the terminal nor
/// start a CI workflow command (SPEC section 7).
///
/// Unsafe are: C0 controls (ESC, CR, LF, TAB, …), DEL, C1 controls (U+0080–U+009F, which some
/// terminals read as CSI/OSC), the bidirectional formatting characters that reorder what a
/// reader sees (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069) and the Unicode line and
/// paragraph separators (U+2028, U+2029).
public enum OutputEscaping {
    /// Whether `u` must not reach a terminal or a log as it is.
    public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        case 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// `s` with every unsafe scalar written visibly: `\n`, `\r`, `\t`, `\e` and `\u{XXXX}` for
    /// the rest. Safe text comes back unchanged.
    public static func text(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isUnsafe) else { return s }
        var out = ""
        out.unicodeScalars.reserveCapacity(s.unicodeScalars.count + 8)
        for u in s.unicodeScalars {
            guard isUnsafe(u) else { out.unicodeScalars.append(u); continue }
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{1B}": out += "\\e"
            default: out += "\\u{" + hex(u.value, width: u.value > 0xFF ? 4 : 2) + "}"
            }
        }
        return out
    }

    /// Multi-line text (a rule's documentation, which `--rules DIR` may take from anywhere):
    /// line breaks stay, every other unsafe scalar is written visibly as in ``text(_:)``.
    public static func document(_ s: String) -> String {
        s.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
            .map { text(String(String.UnicodeScalarView($0))) }.joined(separator: "\n")
    }

    /// `value` in upper-case hexadecimal, zero-padded to `width` digits.
    public static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
