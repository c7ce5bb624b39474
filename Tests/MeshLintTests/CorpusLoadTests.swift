import XCTest
@testable import MeshLint

/// Loading the bundled corpus on one thread and on all cores gives the same set and findings.
final class CorpusLoadTests: XCTestCase {
    static let corpus: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Corpus").path
    }()

    func corpusSets() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Self.corpus).sorted()
            .map { Self.corpus + "/" + $0 }
            .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && d.boolValue }
    }

    func fingerprint(_ set: ConfigSet) -> [String] {
        var out = set.files.map { f in
            "\(f.path) bytes=\(f.byteCount) docs=\(f.documents.count) nodes=\(f.nodeCount) diags=\(f.diagnostics.map { "\($0.kind):\($0.position.line):\($0.position.column)" })"
        }
        out += set.resources.map { "\($0.clusterIndex) \($0.identity.display) \($0.file):\($0.root.line)" }
        out += set.clusters.map { "cluster \($0.name) \($0.files)" }
        return out
    }

    func testSerialAndParallelLoadsAgree() throws {
        let sets = try corpusSets()
        XCTAssertFalse(sets.isEmpty)
        let linter = try Linter()
        for dir in sets {
            let serial = try ConfigSetLoader(options: LoadOptions(parallel: false)).load(paths: [dir])
            let parallel = try ConfigSetLoader(options: LoadOptions(parallel: true)).load(paths: [dir])
            XCTAssertFalse(serial.resources.isEmpty, dir)
            XCTAssertEqual(fingerprint(serial), fingerprint(parallel), dir)
            let a = linter.lint(serial).findings.map { "\($0.file):\($0.line):\($0.column) \($0.rule)" }
            let b = linter.lint(parallel).findings.map { "\($0.file):\($0.line):\($0.column) \($0.rule)" }
            XCTAssertEqual(a, b, dir)
        }
    }
}
