import MeshLintCore

/// The rule documentation compiled into the library from `Rules/*.yaml`.
public enum RuleCatalog {
    /// Every rule document, sorted by code. A document that fails to parse is a build-time
    /// mistake caught by the tests; at run time it is left out rather than crashing.
    public static let docs: [RuleDoc] = {
        EmbeddedRuleDocs.files.compactMap { try? RuleDoc.parse($0.text, source: $0.path) }
            .sorted { $0.code < $1.code }
    }()

    /// Parse errors of the embedded documents (empty in a correct build).
    public static var errors: [String] {
        EmbeddedRuleDocs.files.compactMap { f in
            do { _ = try RuleDoc.parse(f.text, source: f.path); return nil } catch { return "\(error)" }
        }
    }

    /// The raw embedded files (path, text).
    public static var sources: [(path: String, text: String)] { EmbeddedRuleDocs.files }

    /// The doc for a code (`MC401`) or name (`cross-cluster-port`), case-insensitively.
    public static func doc(_ codeOrName: String) -> RuleDoc? {
        let key = codeOrName.lowercased()
        return docs.first { $0.code.lowercased() == key || $0.name.lowercased() == key }
    }

    /// Code, name and default severity of every document, sorted by code, read by the build
    /// without parsing the documents (804 KB of YAML, most of a short run's start-up): what
    /// resolving rule names and running rules needs. A test checks them against `docs`.
    public static let entries: [RuleDescriptor] = {
        EmbeddedRuleDocs.headers.compactMap { h in
            Severity(rawValue: h.severity).map { RuleDescriptor(code: h.code, name: h.name, severity: $0) }
        }.sorted { $0.code < $1.code }
    }()

    /// The entry for a code or name, case-insensitively (like `doc`, without parsing).
    public static func entry(_ codeOrName: String) -> RuleDescriptor? {
        RuleDescriptor.find(codeOrName, in: entries)
    }
}

/// Every built-in rule, registered by hand in code order (a test checks the order, that codes
/// are unique and that rule types and `Rules/` files match one to one).
public enum BuiltinRules {
    public static let all: [any Rule] = [
        YAMLSyntaxRule(),
        DuplicateKeyRule(),
        InvalidValueTypeRule(),
        SkippedInputRule(),
        UnknownSuppressionRule(),
        UnrenderedInputRule(),
        PodCIDROverlapRule(),
        ServiceCIDROverlapRule(),
        InvalidCIDRRule(),
        ServiceEntryAddressConflictRule(),
        RemoteSecretMissingLabelRule(),
        RemoteSecretUnknownClusterRule(),
        RemoteSecretMissingRule(),
        RemoteSecretInvalidRule(),
        RemoteSecretAuthRejectedRule(),
        RemoteSecretTLSSuspectRule(),
        RemoteSecretDuplicateRule(),
        ClusterNameMismatchRule(),
        NetworkMismatchRule(),
        MeshIDMismatchRule(),
        TrustDomainMismatchRule(),
        RootCAMismatchRule(),
        AmbientTrustDomainMismatchRule(),
        CACertsKeyOrExpiryRule(),
        AuthzPrincipalUnknownRule(),
        CrossClusterPortRule(),
        CrossClusterGatewayMissingRule(),
        SNIRewriteMissingRule(),
        NetworkGatewayUndiscoverableRule(),
        EastWestNetworkViewMissingRule(),
        IstiodNotExposedRule(),
        MixedDataplaneEastWestRule(),
        IstioMutualMissingRule(),
        IstioMutualShadowedRule(),
        CrossNetworkMTLSDisabledRule(),
        GlobalDNSMissingRule(),
        CrossClusterHostUnresolvedRule(),
        GlobalSearchDomainMissingRule(),
        RemoteServiceUnresolvableRule(),
        AmbientMultiNetworkDisabledRule(),
        AmbientEastWestGatewayRule(),
        AmbientServiceScopeRule(),
        WaypointInconsistentAcrossClustersRule(),
        AmbientGlobalServiceNotLocalRule(),
        AmbientUnsupportedTopologyRule(),
        ConfigDriftAcrossPrimariesRule(),
        SubsetSelectsNothingInMeshRule(),
        LocalityFailoverWithoutOutlierDetectionRule(),
        ClusterLocalHidesServiceRule(),
        ServiceInconsistentAcrossClustersRule(),
        DiscoverySelectorsHideRemoteRule(),
        VersionSkewRule(),
        RevisionMismatchRule(),
        RemoteControlPlaneWiringRule(),
        ClusterDomainMismatchRule(),
        MulticlusterFlagOverrideRule(),
    ]

    /// The rule with this code.
    public static func rule(_ code: String) -> (any Rule)? {
        all.first { $0.code == code }
    }
}
