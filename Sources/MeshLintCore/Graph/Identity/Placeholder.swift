/// Template placeholders left in a value (`${CLUSTER_NAME}`, `{{ .Values.x }}`, `[[ .x ]]`,
/// `<cluster-name>`, `CLUSTER_NAME`): documentation extracts and un-rendered templates carry them. Identity
/// checks skip such values instead of reporting them as names.
public enum Placeholder {
    /// `N2_REGISTRY_TOKEN`, `CLUSTER_NAME`: upper-case words joined by `_`, the tokens CI scripts
    /// and docs replace with `sed` (no cluster ID can look like that: IDs are DNS labels).
    static let token = PCRE(literal: #"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$"#)

    /// True when `value` contains an un-substituted template placeholder.
    public static func isTemplate(_ value: String) -> Bool {
        var copy = value
        let verdict: Bool? = copy.withUTF8 { scanASCII($0) }
        return verdict ?? isTemplateCharacterwise(value)
    }

    /// The test on the bytes of an ASCII value, where every character is one byte (nil for
    /// any other value, which `isTemplateCharacterwise` decides): called for every name and
    /// address the identity checks read, so it makes one pass and no Foundation string search.
    private static func scanASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        var dollarBrace = false, doubleBrace = false, closeBrace = false, doubleClose = false
        var doubleBracket = false, doubleCloseBracket = false, underscore = false
        var previous: UInt8 = 0
        for c in b {
            if c >= 0x80 { return nil }
            switch c {
            case UInt8(ascii: "{"):
                if previous == UInt8(ascii: "$") { dollarBrace = true }
                if previous == c { doubleBrace = true }
            case UInt8(ascii: "}"):
                closeBrace = true
                if previous == c { doubleClose = true }
            case UInt8(ascii: "["):
                if previous == c { doubleBracket = true }
            case UInt8(ascii: "]"):
                if previous == c { doubleCloseBracket = true }
            case UInt8(ascii: "_"):
                underscore = true
            default:
                break
            }
            previous = c
        }
        if dollarBrace && closeBrace { return true }
        if doubleBrace && doubleClose { return true }
        if doubleBracket && doubleCloseBracket { return true }
        if b.count > 2 && b[0] == UInt8(ascii: "<") && b[b.count - 1] == UInt8(ascii: ">") { return true }
        // A token starts with an upper-case letter and has at least one `_`.
        guard underscore, let first = b.first, first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z") else { return false }
        return nil
    }

    /// The same test on characters.
    private static func isTemplateCharacterwise(_ value: String) -> Bool {
        if value.contains("${") && value.contains("}") { return true }
        if value.contains("{{") && value.contains("}}") { return true }
        if value.contains("[[") && value.contains("]]") { return true }
        if value.hasPrefix("<") && value.hasSuffix(">") && value.count > 2 { return true }
        return token.matches(value)
    }
}
