/// One `spec.addresses` entry of a ServiceEntry: the VIP sidecars capture for its hosts.
public struct ServiceEntryAddress: Sendable {
    /// The ServiceEntry.
    public let resource: Resource
    /// Index in `spec.addresses`.
    public let index: Int
    /// The address as written.
    public let value: Located<String>
    /// The parsed address (a /32 or /128 for a lone address).
    public let cidr: CIDR
    /// The entry's hosts, lowercased.
    public let hosts: Set<String>
    /// `spec.exportTo` (`["*"]` when absent).
    public let exportTo: [String]
    /// True for a cross-cluster (`.global`) ServiceEntry.
    public let isCrossCluster: Bool

    /// The dotted path, for fingerprints.
    public var fieldPath: String { "spec.addresses[\(index)]" }

    /// True when some sidecar namespace sees both entries (Istio's `exportTo` visibility).
    public func sharesVisibility(with other: ServiceEntryAddress) -> Bool {
        func namespaces(_ a: ServiceEntryAddress) -> Set<String>? {
            if a.exportTo.contains("*") { return nil }
            return Set(a.exportTo.map { $0 == "." ? a.resource.namespace : $0 })
        }
        guard let mine = namespaces(self), let theirs = namespaces(other) else { return true }
        return !mine.isDisjoint(with: theirs)
    }
}

/// Two ServiceEntries of one cluster whose addresses overlap although they define different hosts.
public struct ServiceEntryAddressReuse: Sendable {
    /// The address written first (file, then position).
    public let earlier: ServiceEntryAddress
    /// The address that reuses it.
    public let later: ServiceEntryAddress
}

/// Well-known ranges a ServiceEntry VIP must stay out of.
public enum ReservedAddressRanges {
    /// 127.0.0.0/8.
    public static let loopbackV4 = try! CIDR.parse("127.0.0.0/8").get()
    /// ::1/128.
    public static let loopbackV6 = try! CIDR.parse("::1/128").get()
    /// 127.255.0.0/16, the Istio 1.1 docs' range for `.global` ServiceEntry addresses.
    public static let legacyGlobalV4 = try! CIDR.parse("127.255.0.0/16").get()
    /// 224.0.0.0/4.
    public static let multicastV4 = try! CIDR.parse("224.0.0.0/4").get()
    /// ff00::/8.
    public static let multicastV6 = try! CIDR.parse("ff00::/8").get()
    /// 240.240.0.0/16, where Istio's DNS proxy auto-allocates ServiceEntry VIPs (1.8+).
    public static let autoAllocatedV4 = try! CIDR.parse("240.240.0.0/16").get()
}

private let autoAllocateInMesh = PCRE(literal: #"ISTIO_META_DNS_AUTO_ALLOCATE:\s*["']?true"#, caseless: true)

extension MeshGraph {
    /// Every parseable `spec.addresses` entry of the ServiceEntries of `cluster`, in file order
    /// (values that do not parse are MC103's).
    public func serviceEntryAddresses(in cluster: Int) -> [ServiceEntryAddress] {
        let cross = Set(traffic.crossClusterEntries[cluster].map(\.resource.root))
        var out: [ServiceEntryAddress] = []
        for r in resources("ServiceEntry", in: cluster) {
            guard let spec = r.spec, let list = spec["addresses"], list.isSequence else { continue }
            let hosts = Set((spec["hosts"]?.items ?? []).compactMap { $0.text?.lowercased() })
            var exportTo = (spec["exportTo"]?.items ?? []).compactMap(\.text)
            if exportTo.isEmpty { exportTo = ["*"] }
            for (i, item) in list.items.enumerated() {
                guard let text = item.text, case .success(let cidr) = CIDR.parse(text, allowBareAddress: true) else { continue }
                out.append(ServiceEntryAddress(resource: r, index: i, value: Located(text, item), cidr: cidr, hosts: hosts,
                                               exportTo: exportTo, isCrossCluster: cross.contains(r.root)))
            }
        }
        return out.sorted { a, b in
            let x = a.value.node, y = b.value.node
            if x.file.path != y.file.path { return x.file.path.utf8.lexicographicallyPrecedes(y.file.path.utf8) }
            return x.position < y.position
        }
    }

    /// Overlapping addresses of two different ServiceEntries of `cluster` (not two copies of one
    /// object) that define different hosts and are seen together by some namespace, where at
    /// least one of the two is a cross-cluster entry. Each address that reuses an earlier one is
    /// reported once, against the first it reuses.
    public func serviceEntryAddressReuses(in cluster: Int) -> [ServiceEntryAddressReuse] {
        let all = serviceEntryAddresses(in: cluster)
        var out: [ServiceEntryAddressReuse] = []
        var reported = Set<Int>()
        var objectPairs = Set<[ResourceIdentity]>()
        for (i, j) in IntervalSweep.overlappingPairs(all.map(\.cidr.range)).sorted(by: { ($0.1, $0.0) < ($1.1, $1.0) }) {
            let a = all[i], b = all[j]
            guard a.isCrossCluster || b.isCrossCluster, a.resource.identity != b.resource.identity,
                  a.hosts != b.hosts, a.sharesVisibility(with: b), !reported.contains(j) else { continue }
            // Copies of one object (doc variants) clash once with the same other object.
            let pair = [a.resource.identity, b.resource.identity].sorted { $0.display < $1.display }
            guard objectPairs.insert(pair).inserted else { continue }
            reported.insert(j)
            out.append(ServiceEntryAddressReuse(earlier: a, later: b))
        }
        return out
    }

    /// Where DNS auto-allocation of ServiceEntry addresses is turned on for `cluster`
    /// (`ISTIO_META_DNS_AUTO_ALLOCATE: "true"` in `meshConfig.defaultConfig.proxyMetadata`, or
    /// istiod's `PILOT_ENABLE_IP_AUTOALLOCATE: "true"`), if anywhere.
    public func dnsAutoAllocation(in cluster: Int) -> Sourced<Bool>? {
        let f = facts[cluster]
        for i in f.installs {
            for (base, path) in [(i.spec?["meshConfig"], "spec.meshConfig"), (i.values?["meshConfig"], "meshConfig")] {
                if let n = base?.at("defaultConfig", "proxyMetadata", "ISTIO_META_DNS_AUTO_ALLOCATE"), n.text?.lowercased() == "true" {
                    return Sourced(true, n, source: "\(i.label) \(path).defaultConfig.proxyMetadata.ISTIO_META_DNS_AUTO_ALLOCATE")
                }
            }
            if let n = i.values?.at("pilot", "env", "PILOT_ENABLE_IP_AUTOALLOCATE"), n.text?.lowercased() == "true" {
                return Sourced(true, n, source: "\(i.label) pilot.env.PILOT_ENABLE_IP_AUTOALLOCATE")
            }
            if let v = GatewayReader.envList(i.spec?.at("components", "pilot", "k8s", "env"))["PILOT_ENABLE_IP_AUTOALLOCATE"],
               v.value.lowercased() == "true" {
                return Sourced(true, v.node, source: "\(i.label) spec.components.pilot.k8s.env PILOT_ENABLE_IP_AUTOALLOCATE")
            }
        }
        for r in resources("ConfigMap", in: cluster) where r.name == "istio" && r.namespace == f.istioNamespace {
            if let mesh = r.root.at("data", "mesh"), let text = mesh.scalar, autoAllocateInMesh.matches(text) {
                return Sourced(true, mesh, source: "ConfigMap \(r.namespace)/istio data.mesh")
            }
        }
        return nil
    }

    /// True when `cluster` follows the Istio 1.1 docs, which put `.global` ServiceEntry addresses
    /// in 127.255.0.0/16: its release is 1.1, or unknown and installed from Helm values (the
    /// 1.1–1.4 install method) without an IstioOperator.
    public func usesLegacyGlobalAddresses(_ cluster: Int) -> Bool {
        let f = facts[cluster]
        if let v = f.istioRelease { return v == IstioVersion(major: 1, minor: 1) }
        return !f.installs.isEmpty && f.installs.allSatisfy { $0.resource == nil }
    }
}
