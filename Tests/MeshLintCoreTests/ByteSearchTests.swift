import XCTest
@testable import MeshLintCore

/// The package's `contains(String)` searches UTF-8 bytes: the results Foundation's search gave
/// on the texts meshlint reads, without bridging to NSString.
final class ByteSearchTests: XCTestCase {
    func testFindsNeedlesAnywhere() {
        XCTAssertTrue("apiVersion: v1\nclusters: []".contains("clusters"))
        XCTAssertTrue("-----BEGIN CERTIFICATE-----".contains("-----BEGIN"))
        XCTAssertTrue("abc".contains("c"))
        XCTAssertTrue("abc".contains("abc"))
        XCTAssertTrue("aab".contains("ab"), "a failed partial match at the first byte must not skip the real one")
        XCTAssertTrue("ababac".contains("abac"))
        XCTAssertFalse("abc".contains("abcd"))
        XCTAssertFalse("abc".contains("d"))
        XCTAssertFalse("abab".contains("abb"))
        XCTAssertFalse("".contains("a"))
    }

    func testEmptyNeedleIsContainedInNothing() {
        // Foundation's answer, kept so that no caller's result changes.
        XCTAssertFalse("abc".contains(""))
        XCTAssertFalse("".contains(""))
    }

    func testComparesBytesNotCharacters() {
        // A line feed inside a CR LF pair (one Character) is found, as Foundation finds it.
        XCTAssertTrue("a\r\nb".contains("\n"))
        XCTAssertTrue("zürich-1".contains("ürich"))
        XCTAssertTrue("東京-west".contains("京-"))
        XCTAssertFalse("ZURICH".contains("zurich"), "case matters")
    }

    func testSubstringsAndNonContiguousStrings() {
        let s = "prefix.global.suffix"
        let sub = s[s.index(s.startIndex, offsetBy: 7)...]
        XCTAssertTrue(sub.contains("global"))
        XCTAssertFalse(sub.contains("prefix"))
        // A bridged or otherwise foreign string is made contiguous first.
        let lazy = String(repeating: "x", count: 100) + "needle"
        XCTAssertTrue(lazy.contains("needle"))
    }
}
