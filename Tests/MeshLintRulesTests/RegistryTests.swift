import XCTest
@testable import MeshLint

/// Meta-tests over the rule registry and `Rules/`.
final class RegistryTests: XCTestCase {
    func testCodesAreUniqueAndSorted() {
        let codes = BuiltinRules.all.map(\.code)
        XCTAssertEqual(codes, codes.sorted(), "register rules in code order")
        XCTAssertEqual(Set(codes).count, codes.count, "duplicate rule codes")
        for c in codes { XCTAssertNotNil(c.range(of: #"^MC\d{3}$"#, options: .regularExpression), c) }
    }

    func testRulesAndDocsMatchOneToOne() {
        let codes = Set(BuiltinRules.all.map(\.code))
        let docs = Set(RuleCatalog.docs.map(\.code))
        XCTAssertEqual(codes.subtracting(docs), [], "rule types without a Rules/ file")
        XCTAssertEqual(docs.subtracting(codes), [], "Rules/ files without a rule type")
        for d in RuleCatalog.docs {
            XCTAssertEqual(d.source, "Rules/\(d.code).yaml", "a rule file is named after its code")
            XCTAssertFalse(d.rationale.isEmpty, "\(d.code) needs a rationale")
            XCTAssertFalse(d.fix.isEmpty, "\(d.code) needs a fix section")
        }
    }

    func testNamesAreUniqueKebabCase() {
        let names = RuleCatalog.docs.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        for n in names { XCTAssertNotNil(n.range(of: #"^[a-z0-9]+(-[a-z0-9]+)*$"#, options: .regularExpression), n) }
    }

    func testRulesResolveByCodeOrName() throws {
        XCTAssertEqual(try Linter.resolve("mc002"), "MC002")
        XCTAssertEqual(try Linter.resolve("duplicate-key"), "MC002")
        XCTAssertThrowsError(try Linter.resolve("duplicate-kee")) { e in
            XCTAssertEqual(e as? LintError, .unknownRule("duplicate-kee", suggestion: "duplicate-key"))
        }
    }
}
