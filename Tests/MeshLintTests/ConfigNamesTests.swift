import XCTest
@testable import MeshLint

/// Rule names in `--select` and `.meshlint.yaml`: renamed ones (`--rules DIR`) are accepted, a
/// rule named twice is reported; and a set root one level too high is recognised.
final class ConfigNamesTests: XCTestCase {
    func renamedBook() throws -> (RuleBook, TempSet) {
        let dir = TempSet()
        let doc = try String(contentsOfFile: CLI.packageRoot + "/Rules/MC401.yaml", encoding: .utf8)
        dir.write("MC401.yaml", doc.replacingOccurrences(of: "name: cross-cluster-port", with: "name: east-west-port"))
        return (try RuleBook.load(directory: dir.path), dir)
    }

    func testRenamedRuleIsAcceptedBySelectAndConfiguration() throws {
        let (book, keep) = try renamedBook()
        _ = keep
        XCTAssertEqual(try Linter(only: ["east-west-port"], ruleBook: book).only, ["MC401"])
        XCTAssertEqual(try Linter(only: ["cross-cluster-port"], ruleBook: book).only, ["MC401"], "the built-in name stays an alias")
        XCTAssertThrowsError(try Linter(only: ["east-west-port"]))

        let config = LintConfiguration(parsing: "rules:\n  east-west-port: off\n  no-such-rule: off\n", path: "cfg.yaml")
        let renamed = config.resolvingNames(in: book)
        XCTAssertEqual(renamed.rules["MC401"], .off)
        XCTAssertEqual(renamed.problems.map(\.line), [3], "only the unknown name is a problem: \(renamed.problems)")
        XCTAssertEqual(config.resolvingNames(in: .builtin).problems.map(\.line), [2, 3])
    }

    func testRuleNamedTwiceIsReported() {
        let config = LintConfiguration(parsing: "rules:\n  MC302: warning\n  network-mismatch: error\n", path: "cfg.yaml")
        XCTAssertEqual(config.rules["MC302"], .severity(.error), "the later entry wins")
        XCTAssertEqual(config.problems.count, 1)
        XCTAssertEqual(config.problems.first?.rule, "MC005")
        XCTAssertEqual(config.problems.first?.line, 3)
        XCTAssertTrue(config.problems.first?.message.contains("line 2") == true, "\(config.problems)")
    }

    func testSetRootOneLevelTooHighIsRecognised() throws {
        let dir = TempSet()
        let source = CLI.packageRoot + "/Corpus/multi-primary-single-network-ok"
        for cluster in ["cluster1", "cluster2"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: source + "/" + cluster) {
                dir.write("mesh/\(cluster)/\(name)", try String(contentsOfFile: "\(source)/\(cluster)/\(name)", encoding: .utf8))
            }
        }
        dir.write("docs/notes.yaml", "title: notes\n")
        let linter = try Linter()
        let nested = try linter.lint(paths: [dir.path]).nestedSet
        XCTAssertEqual(nested, NestedSet(directory: "mesh", clusters: ["cluster1", "cluster2"]))
        XCTAssertNil(try linter.lint(paths: [dir.path + "/mesh"]).nestedSet)

        let cli = try CLI.run(["lint", "."], in: dir.path)
        XCTAssertEqual(cli.status, 2)
        XCTAssertTrue(cli.stderr.contains("meshlint lint mesh"), cli.stderr)
        XCTAssertEqual(cli.stdout, "")
    }
}
