/// istiod feature flags (environment variables registered in `pilot/pkg/features`), read from
/// every place a cluster's install sets istiod's env (`ClusterFacts.istiodEnv`).
public enum IstiodFlag {
    /// `strconv.ParseBool`, which istiod's `env.Register` uses for boolean flags; nil when the
    /// text is not a boolean (istiod then keeps the default).
    public static func bool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }
}

extension MeshGraph {
    /// The settings of istiod env `name` in `cluster` whose boolean value is `value`.
    public func istiodFlag(_ name: String, is value: Bool, in cluster: Int) -> [Sourced<String>] {
        (facts[cluster].istiodEnv[name] ?? []).filter { IstiodFlag.bool($0.value) == value }
    }

    /// The non-empty settings of istiod env `name` in `cluster`.
    public func istiodSetting(_ name: String, in cluster: Int) -> [Sourced<String>] {
        (facts[cluster].istiodEnv[name] ?? []).filter { !$0.value.isEmpty }
    }
}
