import XCTest
@testable import MeshLint

/// `meshlint.io/ignore` annotations, `.meshlint.yaml` and MC005 unknown-suppression.
final class SuppressionTests: XCTestCase {
    static func secret(annotation: String?, name: String = "istio-remote-secret-west") -> String {
        var s = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: \(name)
          namespace: istio-system

        """
        if let annotation {
            s += "  annotations:\n    meshlint.io/ignore: \(annotation)\n"
        }
        s += "  labels:\n    istio/multiCluster: true\n"
        return s
    }

    func lint(_ docs: [(String, String)], only: [String]? = nil, configuration: LintConfiguration? = nil) throws -> [Finding] {
        try Linter(only: only, configuration: configuration).lint(documents: docs).findings
    }

    func testAnnotationSuppressesByCodeNameAndStar() throws {
        XCTAssertEqual(try lint([("east/s.yaml", Self.secret(annotation: nil))]).map(\.rule), ["MC003"])
        for value in ["MC003", "\"invalid-value-type\"", "\"MC002, mc003 # exported by istioctl 1.8\"", "\"*\"", "'* # legacy'"] {
            XCTAssertEqual(try lint([("east/s.yaml", Self.secret(annotation: value))]), [], value)
        }
        // Another rule named: MC003 is still reported.
        XCTAssertEqual(try lint([("east/s.yaml", Self.secret(annotation: "MC002"))]).map(\.rule), ["MC003"])
    }

    func testAnnotationAppliesToItsClusterOnly() throws {
        let findings = try lint([
            ("east/s.yaml", Self.secret(annotation: "MC003")),
            ("west/s.yaml", Self.secret(annotation: nil)),
        ])
        XCTAssertEqual(findings.map { "\($0.rule) \($0.cluster ?? "-") \($0.file)" }, ["MC003 west west/s.yaml"])
    }

    func testAnnotationCoversFindingsInsideItsDocumentOnly() throws {
        let text = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: first
          annotations:
            meshlint.io/ignore: duplicate-key
        data:
          a: "x"
          a: "y"
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: second
        data:
          b: "1"
          b: "2"
        """
        let findings = try lint([("east/cm.yaml", text)])
        XCTAssertEqual(findings.map { "\($0.rule) \($0.line)" }, ["MC002 17"])
    }

    func testUnknownRuleInAnnotationWarns() throws {
        let findings = try lint([("east/s.yaml", Self.secret(annotation: "\"MC03, duplicate-key # typo\""))])
        XCTAssertEqual(findings.map(\.rule), ["MC005", "MC003"], "\(findings)")
        let warning = try XCTUnwrap(findings.first { $0.rule == "MC005" })
        XCTAssertEqual(warning.severity, .warning)
        XCTAssertEqual(warning.name, "unknown-suppression")
        XCTAssertEqual(warning.line, 7)
        XCTAssertEqual(warning.column, 25)
        XCTAssertTrue(warning.message.contains("'MC03'"), warning.message)
        XCTAssertTrue(warning.message.contains("did you mean"), warning.message)
        XCTAssertEqual(warning.resource?.name, "istio-remote-secret-west")
        // The misspelt rule is not suppressed.
        XCTAssertNotNil(findings.first { $0.rule == "MC003" })
    }

    func testConfigurationFileInTheSet() throws {
        let set = ("east/s.yaml", Self.secret(annotation: nil))
        XCTAssertEqual(try lint([set, (".meshlint.yaml", "rules:\n  MC003: off\n")]), [])
        let lowered = try lint([set, (".meshlint.yaml", "rules:\n  invalid-value-type: warning\n")])
        XCTAssertEqual(lowered.map(\.severity), [.warning])
        XCTAssertEqual(try lint([set, (".meshlint.yaml", "ignore:\n  clusters: [east]\n")]), [])
        XCTAssertEqual(try lint([set, (".meshlint.yaml", "ignore:\n  paths: [\"east/**\"]\n")]), [])
        XCTAssertEqual(try lint([set, (".meshlint.yaml", "ignore:\n  paths: [\"west/**\"]\n")]).map(\.rule), ["MC003"])
    }

    func testUnknownEntriesInConfigurationWarnWhereWritten() throws {
        let config = """
        rules:
          MC0003: off
          invalid-value-type: fatal
        ignore:
          clusters: [lab]
        excludes: [east]
        """
        let findings = try lint([("east/s.yaml", Self.secret(annotation: nil)), (".meshlint.yaml", config)])
        let warnings = findings.filter { $0.rule == "MC005" }
        XCTAssertEqual(warnings.map { "\($0.file):\($0.line):\($0.column)" },
                       [".meshlint.yaml:2:3", ".meshlint.yaml:3:23", ".meshlint.yaml:5:14", ".meshlint.yaml:6:1"])
        XCTAssertTrue(warnings.allSatisfy { $0.severity == .warning })
        // Nothing was applied: MC003 keeps its default severity.
        XCTAssertEqual(findings.first { $0.rule == "MC003" }?.severity, .error)
    }

    func testConfigurationCanTurnMC005Off() throws {
        let findings = try lint([("east/s.yaml", Self.secret(annotation: "nothing")), (".meshlint.yaml", "rules: {MC005: off, nosuchrule: off}\n")])
        XCTAssertEqual(findings.map(\.rule), ["MC003"])
    }

    func testExplicitSettingsBeatTheConfiguration() throws {
        let config = try LintConfiguration(rules: ["MC003": .off])
        let linter = try Linter(settings: ["invalid-value-type": .severity(.info)], configuration: config)
        XCTAssertEqual(linter.lint(documents: [("east/s.yaml", Self.secret(annotation: nil))]).findings.map(\.severity), [.info])
        XCTAssertThrowsError(try LintConfiguration(rules: ["MC0003": .off]))
    }

    func testConfigurationOnDiskAtTheRootIsApplied() throws {
        let dir = TempSet()
        dir.write("east/s.yaml", Self.secret(annotation: nil))
        dir.write("west/s.yaml", Self.secret(annotation: nil))
        XCTAssertEqual(try Linter().lint(paths: [dir.path]).findings.count, 2)
        dir.write(".meshlint.yaml", "ignore:\n  clusters: [west]\nrules:\n  nosuch: off\n")
        let findings = try Linter().lint(paths: [dir.path]).findings
        XCTAssertEqual(findings.map { "\($0.rule) \($0.file):\($0.line)" }, ["MC005 .meshlint.yaml:4", "MC003 east/s.yaml:7"])
    }

    func testExplicitConfigurationFileOutsideTheSet() throws {
        let dir = TempSet()
        dir.write("set/east/s.yaml", Self.secret(annotation: nil))
        dir.write("set/.meshlint.yaml", "rules:\n  MC003: warning\n")
        dir.write("ci/meshlint-config.yaml", "rules:\n  MC003: info\n  duplicate-kee: off\n")
        let config = try LintConfiguration(contentsOfFile: dir.path + "/ci/meshlint-config.yaml")
        let findings = try Linter(configuration: config).lint(paths: [dir.path + "/set"]).findings
        // The explicit file replaces the set's own; its problems point at it relative to the root.
        XCTAssertEqual(findings.map { "\($0.rule) \($0.severity) \($0.file):\($0.line)" },
                       ["MC005 warning ../ci/meshlint-config.yaml:3", "MC003 info east/s.yaml:7"])
        XCTAssertThrowsError(try LintConfiguration(contentsOfFile: dir.path + "/nope.yaml")) { e in
            guard case .unreadableFile? = e as? LintError else { return XCTFail("\(e)") }
        }
    }

    func testBrokenConfigurationIsReportedNotIgnored() throws {
        let dir = TempSet()
        dir.write("east/s.yaml", Self.secret(annotation: nil))
        dir.write(".meshlint.yaml", "rules: [MC003: off\n")
        let findings = try Linter().lint(paths: [dir.path]).findings
        XCTAssertEqual(findings.map(\.rule), ["MC001", "MC003"])
        XCTAssertEqual(findings.first?.file, ".meshlint.yaml")
    }

    func testIgnoreAnnotationParsing() {
        let a = IgnoreAnnotation(parsing: "MC001,  duplicate-key MC999 # reason: legacy # really")
        XCTAssertEqual(a.codes, ["MC001", "MC002"])
        XCTAssertFalse(a.all)
        XCTAssertEqual(a.reason, "reason: legacy # really")
        XCTAssertEqual(a.unknown.map(\.text), ["MC999"])
        XCTAssertTrue(IgnoreAnnotation(parsing: "*").covers("MC401"))
        XCTAssertTrue(IgnoreAnnotation(parsing: "# only a reason").isEmpty)
    }
}
