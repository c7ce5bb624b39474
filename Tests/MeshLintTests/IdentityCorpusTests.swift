import XCTest
@testable import MeshLint

final class IdentityCorpusTests: XCTestCase {
    func testPlaceholder() {}
}
