// IPv4 and IPv6 addresses as 128-bit numbers, with parse errors precise enough to put in a
// finding ("octet 300 is over 255", "more than one '::'"). Parsing is strict in the way Go's
// `net/netip` (used by Istio) is: no leading zeros in IPv4 octets, no zones in prefixes.

/// The address family of an IP address or CIDR.
public enum IPFamily: UInt8, Sendable, Hashable, Comparable, CustomStringConvertible {
    case v4 = 4
    case v6 = 6

    /// Number of bits in an address of this family.
    public var bits: Int { self == .v4 ? 32 : 128 }

    public var description: String { self == .v4 ? "IPv4" : "IPv6" }

    public static func < (a: IPFamily, b: IPFamily) -> Bool { a.rawValue < b.rawValue }
}

/// Why a text is not a valid IP address or CIDR.
public struct IPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, e.g. "octet 300 is over 255".
    public let message: String
    /// A plausible intended value, when the mistake looks like a typo (e.g. `10.30.0.0/16`).
    public let suggestion: String?

    public init(_ message: String, suggestion: String? = nil) {
        self.message = message
        self.suggestion = suggestion
    }

    public var description: String { message }
}

/// An IPv4 or IPv6 address. IPv4 addresses keep their 32 bits in the low bits of `value`.
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let family: IPFamily
    public let value: UInt128

    public init(family: IPFamily, value: UInt128) {
        self.family = family
        self.value = family == .v4 ? value & 0xFFFF_FFFF : value
    }

    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        (a.family, a.value) < (b.family, b.value)
    }

    /// Parses a dotted-quad IPv4 or an IPv6 address (compressed forms, embedded IPv4 tail).
    public static func parse(_ text: String) -> Result<IPAddress, IPParseError> {
        if text.isEmpty { return .failure(IPParseError("the address is empty")) }
        // Every kubeconfig server host of every remote secret comes through here: on ASCII text
        // (a colon is a character of its own) the bytes answer without a Foundation search.
        let u = text.utf8
        if u.allSatisfy({ $0 < 0x80 }) ? u.contains(UInt8(ascii: ":")) : text.contains(":") { return parseV6(text) }
        return parseV4(text)
    }

    /// The address `text` is, or nil; a text that is not shaped like an address (a DNS name)
    /// is turned down before any parsing (every address `parse` accepts has that shape), so
    /// no error message is built for it.
    public static func parseIfAddress(_ text: String) -> IPAddress? {
        guard looksLikeAddress(text), case .success(let ip) = parse(text) else { return nil }
        return ip
    }

    /// True when `text` is shaped like an IP address or CIDR rather than a DNS name: only
    /// digits and dots (IPv4-like), or hex digits and colons (IPv6-like), optionally with `/n`.
    /// Used where a field accepts either a host name or an address.
    public static func looksLikeAddress(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        let u = text.utf8
        if u.contains(UInt8(ascii: ":")) {
            if text.hasPrefix("unix:") { return false }
            return u.allSatisfy { c in
                isHex(c) || c == UInt8(ascii: ":") || c == UInt8(ascii: ".") || c == UInt8(ascii: "/") || c == UInt8(ascii: "%")
            }
        }
        guard first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"), u.contains(UInt8(ascii: ".")) else { return false }
        return u.allSatisfy { c in (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: ".") || c == UInt8(ascii: "/") }
    }

    static func isHex(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
    }

    static func parseV4(_ text: String) -> Result<IPAddress, IPParseError> {
        // Most texts that are not addresses are DNS names with more or fewer than four labels:
        // count the dots on the bytes before splitting anything (on ASCII text, where a dot is
        // always a character of its own).
        var dots = 0, ascii = true
        for c in text.utf8 {
            if c == UInt8(ascii: ".") { dots += 1 } else if c >= 0x80 { ascii = false }
        }
        if ascii && dots != 3 {
            let count = dots + 1
            return .failure(IPParseError("'\(text)' has \(count) dot-separated part\(count == 1 ? "" : "s"); an IPv4 address has 4"))
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            return .failure(IPParseError("'\(text)' has \(parts.count) dot-separated part\(parts.count == 1 ? "" : "s"); an IPv4 address has 4"))
        }
        var value: UInt32 = 0
        var suggestion: [String]? = nil
        for (i, p) in parts.enumerated() {
            if p.isEmpty { return .failure(IPParseError("octet \(i + 1) is empty")) }
            guard p.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
                return .failure(IPParseError("octet '\(p)' is not a decimal number"))
            }
            if p.count > 1 && p.hasPrefix("0") {
                return .failure(IPParseError("octet '\(p)' has a leading zero, which some parsers read as octal; Istio and Go reject it",
                                             suggestion: nil))
            }
            guard p.count <= 3, let n = UInt32(p), n <= 255 else {
                // An extra trailing zero (300 for 30, 2550 for 255) is the commonest typo.
                if p.hasSuffix("0"), let shorter = UInt32(p.dropLast()), shorter <= 255 {
                    if suggestion == nil { suggestion = parts.map(String.init) }
                    suggestion?[i] = String(shorter)
                }
                let s = suggestion.map { $0.joined(separator: ".") }
                return .failure(IPParseError("octet \(p) is over 255", suggestion: s))
            }
            value = value << 8 | n
        }
        return .success(IPAddress(family: .v4, value: UInt128(value)))
    }

    static func parseV6(_ text: String) -> Result<IPAddress, IPParseError> {
        if text.contains("%") {
            return .failure(IPParseError("a zone index ('%…') is not allowed here"))
        }
        let doubleColons = text.components(separatedBy: "::").count - 1
        if text.contains(":::") { return .failure(IPParseError("':::' is not valid IPv6 notation")) }
        if doubleColons > 1 { return .failure(IPParseError("more than one '::' in an IPv6 address")) }

        // Returns the 16-bit groups of one side of '::' (an embedded IPv4 tail counts as two).
        func groups(_ side: Substring, isTail: Bool) -> Result<[UInt16], IPParseError> {
            if side.isEmpty { return .success([]) }
            let parts = side.split(separator: ":", omittingEmptySubsequences: false)
            var out: [UInt16] = []
            for (i, p) in parts.enumerated() {
                if p.isEmpty { return .failure(IPParseError("a single ':' at the start or end of an IPv6 address (use '::')")) }
                if p.contains(".") {
                    guard isTail && i == parts.count - 1 else {
                        return .failure(IPParseError("an embedded IPv4 address may only be the last part"))
                    }
                    switch parseV4(String(p)) {
                    case .failure(let e): return .failure(IPParseError("embedded IPv4 '\(p)': \(e.message)"))
                    case .success(let a):
                        out.append(UInt16(truncatingIfNeeded: a.value >> 16))
                        out.append(UInt16(truncatingIfNeeded: a.value))
                    }
                    continue
                }
                guard p.utf8.allSatisfy(isHex) else {
                    return .failure(IPParseError("group '\(p)' is not hexadecimal"))
                }
                guard p.utf8.count <= 4, let v = UInt16(p, radix: 16) else {
                    return .failure(IPParseError("group '\(p)' has more than 4 hex digits"))
                }
                out.append(v)
            }
            return .success(out)
        }

        let head: [UInt16], tail: [UInt16]
        if doubleColons == 1 {
            let r = text.range(of: "::")!
            switch groups(text[..<r.lowerBound], isTail: false) {
            case .failure(let e): return .failure(e)
            case .success(let g): head = g
            }
            switch groups(text[r.upperBound...], isTail: true) {
            case .failure(let e): return .failure(e)
            case .success(let g): tail = g
            }
            if head.count + tail.count > 7 {
                return .failure(IPParseError("'::' must stand for at least one zero group, but \(head.count + tail.count) groups are written"))
            }
        } else {
            switch groups(text[...], isTail: true) {
            case .failure(let e): return .failure(e)
            case .success(let g): head = g
            }
            tail = []
            if head.count != 8 {
                return .failure(IPParseError("'\(text)' has \(head.count) groups; an IPv6 address has 8 (or use '::' for zeros)"))
            }
        }
        var all = head
        all += Array(repeating: 0, count: 8 - head.count - tail.count)
        all += tail
        var value: UInt128 = 0
        for g in all { value = value << 16 | UInt128(g) }
        return .success(IPAddress(family: .v6, value: value))
    }

    /// Canonical text: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run as '::').
    public var description: String {
        if family == .v4 {
            let v = UInt32(truncatingIfNeeded: value)
            return "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
        }
        var g: [UInt16] = []
        for i in stride(from: 7, through: 0, by: -1) { g.append(UInt16(truncatingIfNeeded: value >> (UInt128(i) * 16))) }
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if g[i] == 0 {
                var j = i
                while j < 8 && g[j] == 0 { j += 1 }
                if j - i > bestLen && j - i >= 2 { bestStart = i; bestLen = j - i }
                i = j
            } else {
                i += 1
            }
        }
        func hex(_ r: ArraySlice<UInt16>) -> String { r.map { String($0, radix: 16) }.joined(separator: ":") }
        if bestStart < 0 { return hex(g[...]) }
        return hex(g[..<bestStart]) + "::" + hex(g[(bestStart + bestLen)...])
    }
}
