/// An Istio minor version read from an install (`spec.tag: 1.6.13`, Helm `global.tag: 1.1.7`,
/// `release-1.7-latest`), for behaviour that changed between releases.
public struct IstioVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The major version (1).
    public let major: Int
    /// The minor version (6 for 1.6.13).
    public let minor: Int

    /// A version from its parts.
    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    private static let pattern = PCRE(literal: #"(?:^|[^0-9.])v?(\d+)\.(\d+)(?:\.\d+)?"#)

    /// Parses the first `major.minor` in `text` (nil when there is none).
    public init?(_ text: String) {
        guard let m = Self.pattern.firstMatch(in: text), let a = m[1].flatMap({ Int($0) }), let b = m[2].flatMap({ Int($0) }) else {
            return nil
        }
        self.init(major: a, minor: b)
    }

    /// Release order.
    public static func < (a: IstioVersion, b: IstioVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }

    /// `major.minor`.
    public var description: String { "\(major).\(minor)" }

    /// 1.1: the gateway charts gained the multicluster templates.
    public static let v1_1 = IstioVersion(major: 1, minor: 1)
    /// 1.5: IstioOperator installs; the multicluster DestinationRule is renamed.
    public static let v1_5 = IstioVersion(major: 1, minor: 5)
    /// 1.8: `globalDomainSuffix`/`includeEnvoyFilter`; east-west gateways on 15443 become the norm.
    public static let v1_8 = IstioVersion(major: 1, minor: 8)
    /// 1.9: the last release whose gateway chart renders the `.global` resources.
    public static let v1_9 = IstioVersion(major: 1, minor: 9)
}

extension ClusterFacts {
    /// The Istio version of the cluster's control-plane install, when one is stated.
    public var istioRelease: IstioVersion? { istioVersion.sources.lazy.compactMap { IstioVersion($0.value) }.first }

    /// The global domain suffix the cluster's charts really use: `global` before 1.8 (the
    /// charts hard-code it), else `multiCluster.globalDomainSuffix` (default `global`).
    public var effectiveGlobalSuffix: String {
        if let v = istioRelease, v < .v1_8 { return "global" }
        return DNSName.zone(String(globalSuffix.filter { $0 != " " && $0 != "\t" }))
    }
}
