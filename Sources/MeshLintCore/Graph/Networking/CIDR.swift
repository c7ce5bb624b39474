/// A closed range of addresses of one family (`lower...upper`), the form CIDRs are compared in.
public struct IPRange: Hashable, Sendable, CustomStringConvertible {
    public let family: IPFamily
    public let lower: UInt128
    public let upper: UInt128

    public init(family: IPFamily, lower: UInt128, upper: UInt128) {
        self.family = family
        self.lower = lower
        self.upper = upper
    }

    /// True when both ranges share at least one address.
    public func overlaps(_ other: IPRange) -> Bool {
        family == other.family && lower <= other.upper && other.lower <= upper
    }

    /// True when every address of `other` is in this range.
    public func contains(_ other: IPRange) -> Bool {
        family == other.family && lower <= other.lower && other.upper <= upper
    }

    /// The addresses in both ranges, if any.
    public func intersection(_ other: IPRange) -> IPRange? {
        guard overlaps(other) else { return nil }
        return IPRange(family: family, lower: max(lower, other.lower), upper: min(upper, other.upper))
    }

    /// The range as a CIDR when it is exactly one prefix.
    public var asCIDR: CIDR? {
        let size = upper &- lower
        // A prefix block has size 2^k - 1 (all host bits) and a start aligned to it.
        guard size & (size &+ 1) == 0, lower & size == 0 else { return nil }
        let hostBits = size == UInt128.max ? 128 : (UInt128.bitWidth - (size &+ 1).leadingZeroBitCount - 1)
        let prefix = family.bits - hostBits
        guard prefix >= 0 else { return nil }
        return CIDR(network: IPAddress(family: family, value: lower), prefix: prefix)
    }

    /// `10.40.0.0/16 (10.40.0.0–10.40.255.255)`, or `first–last` when not a single prefix.
    public var description: String {
        let a = IPAddress(family: family, value: lower), b = IPAddress(family: family, value: upper)
        if let c = asCIDR { return a == b ? "\(a)" : "\(c) (\(a)–\(b))" }
        return "\(a)–\(b)"
    }
}

/// A CIDR prefix such as `10.244.0.0/16` or `fd00:10:244::/56`.
public struct CIDR: Hashable, Sendable, CustomStringConvertible {
    /// The address as written (may have host bits set).
    public let address: IPAddress
    /// The prefix length.
    public let prefix: Int

    public init(address: IPAddress, prefix: Int) {
        self.address = address
        self.prefix = prefix
    }

    init(network: IPAddress, prefix: Int) {
        self.init(address: network, prefix: prefix)
    }

    public var family: IPFamily { address.family }

    /// Mask of the host bits (within the family's width).
    var hostMask: UInt128 {
        let hostBits = family.bits - prefix
        if hostBits >= 128 { return UInt128.max }
        return (UInt128(1) << UInt128(hostBits)) &- 1
    }

    /// The network address (host bits cleared).
    public var network: IPAddress { IPAddress(family: family, value: address.value & ~hostMask) }

    /// True when the written address has bits set beyond the prefix (`10.244.1.0/16`).
    /// Kubernetes reads such a value as its network; it usually hides a typo.
    public var hostBitsSet: Bool { address.value & hostMask != 0 }

    /// Every address of the prefix.
    public var range: IPRange {
        let n = network.value
        return IPRange(family: family, lower: n, upper: n | hostMask)
    }

    /// True when both prefixes share an address.
    public func overlaps(_ other: CIDR) -> Bool { range.overlaps(other.range) }

    /// True when `other` lies completely inside this prefix.
    public func contains(_ other: CIDR) -> Bool { range.contains(other.range) }

    /// True when `ip` lies inside this prefix.
    public func contains(_ ip: IPAddress) -> Bool {
        ip.family == family && range.lower <= ip.value && ip.value <= range.upper
    }

    /// The canonical form (network address / prefix).
    public var description: String { "\(network)/\(prefix)" }

    /// The form as written (canonicalised address text, original host bits).
    public var written: String { "\(address)/\(prefix)" }

    /// Parses `address/prefix`. With `allowBareAddress`, a lone address is read as a /32 or /128
    /// (as Istio does for `fromCidr` and ServiceEntry `addresses`).
    public static func parse(_ text: String, allowBareAddress: Bool = false) -> Result<CIDR, IPParseError> {
        let trimmed = text
        guard let slash = trimmed.firstIndex(of: "/") else {
            switch IPAddress.parse(trimmed) {
            case .failure(let e): return .failure(e)
            case .success(let a):
                if allowBareAddress { return .success(CIDR(address: a, prefix: a.family.bits)) }
                return .failure(IPParseError("the prefix length is missing (write \(a)/\(a.family == .v4 ? "16" : "64") for a range, or \(a)/\(a.family.bits) for one address)"))
            }
        }
        let addrText = String(trimmed[..<slash])
        let prefixText = trimmed[trimmed.index(after: slash)...]
        let address: IPAddress
        switch IPAddress.parse(addrText) {
        case .failure(let e):
            let suggestion = e.suggestion.map { "\($0)/\(prefixText)" }
            return .failure(IPParseError(e.message, suggestion: suggestion))
        case .success(let a): address = a
        }
        guard !prefixText.isEmpty else { return .failure(IPParseError("the prefix length after '/' is empty")) }
        guard prefixText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), prefixText.utf8.count <= 3,
              let prefix = Int(prefixText) else {
            return .failure(IPParseError("prefix length '\(prefixText)' is not a number"))
        }
        guard prefix <= address.family.bits else {
            return .failure(IPParseError("prefix length /\(prefix) is longer than the \(address.family.bits) bits of an \(address.family) address"))
        }
        return .success(CIDR(address: address, prefix: prefix))
    }
}

/// Finds overlapping ranges by sorting on the start address and sweeping with the set of ranges
/// still open: O(n log n + pairs) instead of comparing all pairs.
public enum IntervalSweep {
    /// Every pair `(i, j)` with `i < j` of overlapping ranges (indices into `ranges`), in a
    /// deterministic order. Ranges of different families never overlap.
    public static func overlappingPairs(_ ranges: [IPRange]) -> [(Int, Int)] {
        let order = ranges.indices.sorted { a, b in
            let x = ranges[a], y = ranges[b]
            if x.family != y.family { return x.family < y.family }
            if x.lower != y.lower { return x.lower < y.lower }
            return a < b
        }
        var active: [Int] = []
        var pairs: [(Int, Int)] = []
        for i in order {
            let r = ranges[i]
            // Every range still open after dropping the finished ones started at or before r and
            // ends at or after r's start: it overlaps r.
            var kept = 0
            for k in active.indices {
                let a = active[k]
                let o = ranges[a]
                guard o.family == r.family && o.upper >= r.lower else { continue }
                active[kept] = a
                kept += 1
                pairs.append(a < i ? (a, i) : (i, a))
            }
            active.removeSubrange(kept...)
            active.append(i)
        }
        return pairs
    }

    /// True when every range of `inner` is covered by the union of `outer`.
    public static func covers(_ outer: [IPRange], _ inner: [IPRange]) -> Bool {
        let merged = merge(outer)
        return inner.allSatisfy { r in merged.contains { $0.contains(r) } }
    }

    /// Unions overlapping or adjacent ranges of the same family.
    public static func merge(_ ranges: [IPRange]) -> [IPRange] {
        let sorted = ranges.sorted { ($0.family, $0.lower) < ($1.family, $1.lower) }
        var out: [IPRange] = []
        for r in sorted {
            if let last = out.last, last.family == r.family, last.upper == UInt128.max || last.upper &+ 1 >= r.lower {
                out[out.count - 1] = IPRange(family: r.family, lower: last.lower, upper: max(last.upper, r.upper))
            } else {
                out.append(r)
            }
        }
        return out
    }
}
