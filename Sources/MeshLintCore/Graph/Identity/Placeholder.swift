/// Template placeholders left in a value (`${CLUSTER_NAME}`, `{{ .Values.x }}`, `[[ .x ]]`,
/// `<cluster-name>`, `CLUSTER_NAME`): documentation extracts and un-rendered templates carry them. Identity
/// checks skip such values instead of reporting them as names.
public enum Placeholder {
    /// `N2_REGISTRY_TOKEN`, `CLUSTER_NAME`: upper-case words joined by `_`, the tokens CI scripts
    /// and docs replace with `sed` (no cluster ID can look like that: IDs are DNS labels).
    static let token = PCRE(literal: #"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$"#)

    /// True when `value` contains an un-substituted template placeholder.
    public static func isTemplate(_ value: String) -> Bool {
        if value.contains("${") && value.contains("}") { return true }
        if value.contains("{{") && value.contains("}}") { return true }
        if value.contains("[[") && value.contains("]]") { return true }
        if value.hasPrefix("<") && value.hasSuffix(">") && value.count > 2 { return true }
        return token.matches(value)
    }
}
