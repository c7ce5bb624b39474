import XCTest
@testable import MeshLintCore

/// IP/CIDR parsing, range arithmetic and the interval sweep.
final class CIDRTests: XCTestCase {
    func cidr(_ s: String, file: StaticString = #filePath, line: UInt = #line) -> CIDR {
        switch CIDR.parse(s) {
        case .success(let c): return c
        case .failure(let e):
            XCTFail("\(s): \(e)", file: file, line: line)
            return CIDR(address: IPAddress(family: .v4, value: 0), prefix: 0)
        }
    }

    func error(_ s: String, allowBare: Bool = false) -> IPParseError? {
        if case .failure(let e) = CIDR.parse(s, allowBareAddress: allowBare) { return e }
        return nil
    }

    func testIPv4Parsing() {
        XCTAssertEqual(cidr("10.244.0.0/16").description, "10.244.0.0/16")
        XCTAssertEqual(cidr("0.0.0.0/0").range, IPRange(family: .v4, lower: 0, upper: 0xFFFF_FFFF))
        XCTAssertEqual(cidr("255.255.255.255/32").range.lower, 0xFFFF_FFFF)
        XCTAssertEqual(error("10.300.0.0/16")?.message, "octet 300 is over 255")
        XCTAssertEqual(error("10.300.0.0/16")?.suggestion, "10.30.0.0/16")
        XCTAssertNil(error("10.256.0.0/16")?.suggestion, "no plausible single-digit typo")
        XCTAssertEqual(error("10.0.0/16")?.message, "'10.0.0' has 3 dot-separated parts; an IPv4 address has 4")
        XCTAssertEqual(error("10..0.0/16")?.message, "octet 2 is empty")
        XCTAssertEqual(error("10.0.0.x/8")?.message, "octet 'x' is not a decimal number")
        XCTAssertTrue(error("010.0.0.0/8")?.message.contains("leading zero") == true)
        XCTAssertEqual(error("10.0.0.1234/8")?.message, "octet 1234 is over 255")
    }

    func testPrefixErrors() {
        XCTAssertTrue(error("10.244.0.0")?.message.hasPrefix("the prefix length is missing") == true)
        XCTAssertNil(error("10.244.0.1", allowBare: true))
        XCTAssertEqual(error("10.0.0.0/33")?.message, "prefix length /33 is longer than the 32 bits of an IPv4 address")
        XCTAssertEqual(error("fd00::/129")?.message, "prefix length /129 is longer than the 128 bits of an IPv6 address")
        XCTAssertEqual(error("10.0.0.0/")?.message, "the prefix length after '/' is empty")
        XCTAssertEqual(error("10.0.0.0/1a")?.message, "prefix length '1a' is not a number")
        XCTAssertEqual(error("")?.message, "the address is empty")
    }

    func testHostBitsAreReportedButUsable() {
        let c = cidr("10.244.1.0/16")
        XCTAssertTrue(c.hostBitsSet)
        XCTAssertEqual(c.description, "10.244.0.0/16")
        XCTAssertEqual(c.written, "10.244.1.0/16")
        XCTAssertFalse(cidr("10.244.0.0/16").hostBitsSet)
        XCTAssertTrue(cidr("fd00::1/64").hostBitsSet)
        XCTAssertFalse(cidr("0.0.0.0/0").hostBitsSet)
    }

    func testIPv6Forms() {
        XCTAssertEqual(cidr("fd00:10:244::/56").description, "fd00:10:244::/56")
        XCTAssertEqual(cidr("FD00:0010:0244:0000:0000:0000:0000:0000/56").description, "fd00:10:244::/56")
        XCTAssertEqual(cidr("::/0").range, IPRange(family: .v6, lower: 0, upper: UInt128.max))
        XCTAssertEqual(cidr("::1/128").description, "::1/128")
        XCTAssertEqual(cidr("2001:db8::/32").range.lower, UInt128(0x2001_0db8) << 96)
        XCTAssertEqual(cidr("::ffff:10.0.0.1/128").address.value, UInt128(0xFFFF) << 32 | 0x0A00_0001)
        XCTAssertEqual(cidr("1:2:3:4:5:6:7::/128").description, "1:2:3:4:5:6:7:0/128")
        XCTAssertEqual(cidr("1:0:0:2:0:0:0:3/128").description, "1:0:0:2::3/128", "longest zero run compressed")
        XCTAssertEqual(error("fd00::10::/64")?.message, "more than one '::' in an IPv6 address")
        XCTAssertEqual(error("fd00:12345::/64")?.message, "group '12345' has more than 4 hex digits")
        XCTAssertEqual(error("fd00:zz::/64")?.message, "group 'zz' is not hexadecimal")
        XCTAssertEqual(error("1:2:3:4:5:6:7/64")?.message, "'1:2:3:4:5:6:7' has 7 groups; an IPv6 address has 8 (or use '::' for zeros)")
        XCTAssertEqual(error("1:2:3:4::5:6:7:8/64")?.message, "'::' must stand for at least one zero group, but 8 groups are written")
        XCTAssertEqual(error(":1::/64")?.message, "a single ':' at the start or end of an IPv6 address (use '::')")
        XCTAssertEqual(error("fe80::1%eth0")?.message, "a zone index ('%…') is not allowed here")
        XCTAssertEqual(error("1.2.3.4::/64")?.message, "an embedded IPv4 address may only be the last part")
        XCTAssertEqual(error("fd00:::/64")?.message, "':::' is not valid IPv6 notation")
    }

    func testContainsOverlapsIntersection() {
        let big = cidr("10.32.0.0/12"), small = cidr("10.40.0.0/16"), other = cidr("10.48.0.0/16")
        XCTAssertTrue(big.contains(small))
        XCTAssertFalse(small.contains(big))
        XCTAssertTrue(big.overlaps(small))
        XCTAssertFalse(big.overlaps(other))
        XCTAssertFalse(cidr("10.0.0.0/8").overlaps(cidr("::/0")), "families never overlap")
        XCTAssertEqual(big.range.intersection(small.range)?.description, "10.40.0.0/16 (10.40.0.0–10.40.255.255)")
        XCTAssertTrue(big.contains(IPAddress(family: .v4, value: 0x0A28_0001)))
        let odd = IPRange(family: .v4, lower: 1, upper: 2)
        XCTAssertNil(odd.asCIDR)
        XCTAssertEqual(odd.description, "0.0.0.1–0.0.0.2")
        XCTAssertEqual(IPRange(family: .v6, lower: 0, upper: .max).asCIDR?.description, "::/0")
    }

    func testLooksLikeAddress() {
        for s in ["10.0.0.1", "10.300.0.0/16", "192.168.1.", "fd00::1", "::ffff:1.2.3.4", "face:b00c"] {
            XCTAssertTrue(IPAddress.looksLikeAddress(s), s)
        }
        for s in ["", "httpbin.bar.global", "a1b2.elb.amazonaws.com", "unix:///var/run/sock", "1.2.3.4.nip.io", "${GW_ADDR}", "example.com:443"] {
            XCTAssertFalse(IPAddress.looksLikeAddress(s), s)
        }
    }

    func testCoversAndMerge() {
        let halves = [cidr("10.244.0.0/17").range, cidr("10.244.128.0/17").range]
        XCTAssertTrue(IntervalSweep.covers(halves, [cidr("10.244.0.0/16").range]), "adjacent ranges merge")
        XCTAssertFalse(IntervalSweep.covers([cidr("10.244.0.0/17").range], [cidr("10.244.0.0/16").range]))
        XCTAssertEqual(IntervalSweep.merge(halves), [cidr("10.244.0.0/16").range])
        XCTAssertEqual(IntervalSweep.merge([cidr("::/0").range, cidr("::1/128").range]).count, 1)
    }

    /// A deterministic generator so failures can be reproduced.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testSweepMatchesBruteForceOnRandomData() {
        var rng = SplitMix(state: 42)
        for round in 0..<200 {
            let n = Int.random(in: 0...60, using: &rng)
            var ranges: [IPRange] = []
            for _ in 0..<n {
                let family: IPFamily = Bool.random(using: &rng) ? .v4 : .v6
                let prefix = Int.random(in: (family == .v4 ? 4 : 100)...(family.bits), using: &rng)
                // A small address space so overlaps are frequent.
                let raw = UInt128(UInt32.random(in: 0...0xFFFF, using: &rng)) << (family == .v4 ? 16 : 112)
                ranges.append(CIDR(address: IPAddress(family: family, value: raw), prefix: prefix).range)
            }
            var expected = Set<[Int]>()
            for i in ranges.indices { for j in ranges.indices where i < j && ranges[i].overlaps(ranges[j]) { expected.insert([i, j]) } }
            let got = IntervalSweep.overlappingPairs(ranges).map { [$0.0, $0.1] }
            XCTAssertEqual(Set(got), expected, "round \(round)")
            XCTAssertEqual(got.count, Set(got).count, "round \(round): duplicate pairs")
        }
    }

    func testSweepIsNearLinearWithoutOverlaps() {
        let ranges = (0..<100_000).map { i in CIDR(address: IPAddress(family: .v4, value: UInt128(i) << 8), prefix: 24).range }
        XCTAssertEqual(IntervalSweep.overlappingPairs(ranges.reversed()).count, 0)
    }
}
