import XCTest
@testable import MeshLint

/// The CLI as CI runs it: exit codes never depend on the format, usage errors exit 2 with a
/// valid document, baselines round-trip, and real output validates against the schemas.
final class CommandLineTests: XCTestCase {
    let corpusSet = "Corpus/yaml-problems"

    func testExitCodeDoesNotDependOnTheFormat() throws {
        for failOn in ["error", "never"] {
            var statuses: [String: Int32] = [:]
            for format in OutputFormat.allCases {
                let r = try CLI.run(["lint", corpusSet, "--format", format.rawValue, "--fail-on", failOn], in: CLI.packageRoot)
                statuses[format.rawValue] = r.status
                XCTAssertTrue(r.stderr.isEmpty, r.stderr)
            }
            XCTAssertEqual(Set(statuses.values), [failOn == "error" ? 1 : 0], "\(statuses)")
        }
        let github = try CLI.run(["lint", corpusSet, "--format", "github"], in: CLI.packageRoot)
        let commands = github.stdout.split(separator: "\n")
        XCTAssertTrue(commands.allSatisfy { l in
            ["::error ", "::warning ", "::notice "].contains { l.hasPrefix($0) } && l.contains(" file=Corpus/yaml-problems/cluster")
        }, github.stdout)
        XCTAssertTrue(commands.contains { $0.hasPrefix("::warning ") } && commands.contains { $0.hasPrefix("::notice ") },
                      "warnings and info map to ::warning and ::notice")
    }

    func testUsageErrorsExit2WithAValidDocument() throws {
        let sarif = try CLI.run(["lint", corpusSet, "--fail-on", "sometimes", "--format", "sarif"], in: CLI.packageRoot)
        XCTAssertEqual(sarif.status, 2)
        XCTAssertFalse(sarif.stderr.isEmpty)
        let log = try JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as! [String: Any]
        let invocation = ((log["runs"] as! [[String: Any]])[0]["invocations"] as! [[String: Any]])[0]
        XCTAssertEqual(invocation["executionSuccessful"] as? Bool, false)

        for args in [["--config", "no/such/config.yaml"], ["--baseline", "no/such/baseline.json"], ["--select", "MC999"]] {
            let r = try CLI.run(["lint", corpusSet, "--format", "json"] + args, in: CLI.packageRoot)
            XCTAssertEqual(r.status, 2, "\(args)")
            let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            XCTAssertNotNil(doc["error"] as? String, "\(args)")
        }
        let text = try CLI.run(["lint", "no/such/dir"], in: CLI.packageRoot)
        XCTAssertEqual(text.status, 2)
        XCTAssertEqual(text.stdout, "")
        let github = try CLI.run(["lint", "no/such/dir", "--format", "github"], in: CLI.packageRoot)
        XCTAssertEqual(github.status, 2)
        XCTAssertEqual(github.stdout, "")
        XCTAssertTrue(github.stderr.hasPrefix("::error title=meshlint::"), github.stderr)
    }

    func testHostileFilesEndWithAValidDocumentAndTheRestChecked() throws {
        let set = TempSet()
        set.write("east/ok.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n")
        set.write("west/ok.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n")
        XCTAssertEqual(mkfifo(set.path + "/east/fifo.yaml", 0o644), 0)
        XCTAssertEqual(mkfifo(set.path + "/meshlint-pipe.yaml", 0o644), 0)
        try FileManager.default.createSymbolicLink(atPath: set.path + "/east/zero.yaml", withDestinationPath: "/dev/zero")
        try FileManager.default.createSymbolicLink(atPath: set.path + "/etc", withDestinationPath: "/etc")
        for format in ["json", "sarif"] {
            let r = try CLI.run(["lint", set.path, "--format", format, "--fail-on", "info"])
            XCTAssertEqual(r.status, 1, r.stderr)
            let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            XCTAssertNotNil(doc, format)
            if format == "json" {
                let clusters = (doc?["clusters"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
                XCTAssertEqual(clusters, ["east", "west"], "a link to an outside directory is no cluster")
                let files = (doc?["findings"] as? [[String: Any]])?.compactMap { $0["file"] as? String } ?? []
                XCTAssertEqual(Set(files), ["east/fifo.yaml", "east/zero.yaml", "etc", "meshlint-pipe.yaml"])
            }
        }
        for args in [["--manifest", set.path + "/meshlint-pipe.yaml"], ["--manifest", "/dev/zero"],
                     ["--config", set.path + "/meshlint-pipe.yaml"], ["--baseline", "/dev/zero"],
                     ["--rules", set.path]] {
            let r = try CLI.run(["lint", set.path, "--format", "json"] + args)
            XCTAssertEqual(r.status, 2, "\(args)")
            XCTAssertTrue(r.stderr.contains("not a regular file"), r.stderr)
            let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            XCTAssertNotNil(doc?["error"] as? String, "\(args)")
        }
    }

    func testKustomizeOverlayIsLintedAsRenderedOrReportedOnce() throws {
        let set = TempSet()
        set.write("east/base/kustomization.yaml", "resources:\n- secret.yaml\n")
        set.write("east/base/secret.yaml", """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-west
              namespace: istio-system
              labels:
                app: remote

            """)
        // The fault exists only after the patch: an unquoted boolean label value.
        set.write("east/overlay/kustomization.yaml", "resources:\n- ../base\npatches:\n- path: label.yaml\n")
        set.write("east/overlay/label.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: istio-remote-secret-west\n  namespace: istio-system\n  labels:\n    istio/multiCluster: true\n")
        set.write("west/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n")
        func findings(_ r: CLI.Result) throws -> [String] {
            let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            return (doc?["findings"] as? [[String: Any]] ?? []).map { f in
                "\(f["rule"]!) \(f["file"]!):\(f["line"]!):\(f["column"]!)"
            }
        }
        // Without kubectl or kustomize (CI's fresh machine): one finding, raw files not applied.
        _ = try CLI.run(["--version"])
        let bare = try CLI.exec(CLI.binary, ["lint", set.path, "--format", "json"], environment: ["PATH": "/nonexistent"])
        XCTAssertEqual(bare.status, 0, bare.stderr)
        XCTAssertEqual(try findings(bare), ["MC006 east/overlay/kustomization.yaml:1:1"])

        guard KustomizeCommand.fromPATH() != nil else { throw XCTSkip("neither kubectl nor kustomize on PATH") }
        let rendered = try CLI.run(["lint", set.path, "--format", "json"])
        XCTAssertEqual(rendered.status, 1, rendered.stderr)
        // Reported in the base file, at the labels block the patch adds to.
        XCTAssertEqual(try findings(rendered), ["MC003 east/base/secret.yaml:7:5"])
    }

    func testCorpusSetWrappedInKustomizationsGivesTheSameFindings() throws {
        // Every cluster directory of a corpus set becomes a kustomization listing its manifests:
        // rendered by the real tool, the findings must be the raw set's, at the same places.
        guard let kustomize = KustomizeCommand.fromPATH() else { throw XCTSkip("neither kubectl nor kustomize on PATH") }
        let source = CLI.packageRoot + "/Corpus/multi-primary-multi-network-broken"
        let set = TempSet()
        let fm = FileManager.default
        for rel in try fm.subpathsOfDirectory(atPath: source) where rel.hasSuffix(".yaml") && !rel.contains("EXPECTED") {
            set.write(rel, try String(contentsOfFile: source + "/" + rel, encoding: .utf8))
        }
        for cluster in try fm.contentsOfDirectory(atPath: set.path).sorted() {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: set.path + "/" + cluster, isDirectory: &isDir), isDir.boolValue else { continue }
            let manifests = try fm.contentsOfDirectory(atPath: set.path + "/" + cluster).sorted().filter { name in
                let text = set.read(cluster + "/" + name)
                return !text.contains("kind: ClusterConfiguration") && !text.hasPrefix("global:")
            }
            set.write(cluster + "/kustomization.yaml", "resources:\n" + manifests.map { "- \($0)\n" }.joined())
        }
        func places(_ report: LintReport) -> [String] {
            report.findings.map { "\($0.rule) \($0.file):\($0.line):\($0.column)" }.sorted()
        }
        let raw = try Linter().lint(paths: [source])
        let rendered = try Linter().lint(paths: [set.path], options: LoadOptions(kustomize: kustomize))
        XCTAssertFalse(raw.findings.isEmpty)
        XCTAssertEqual(places(rendered), places(raw))
    }

    func testWriteBaselineThenBaselineReportsNothing() throws {
        let dir = TempSet()
        for (path, text) in BaselineTests.files { dir.write("set/" + path, text) }
        let written = try CLI.run(["lint", "set", "--write-baseline", "baseline.json"], in: dir.path)
        XCTAssertEqual(written.status, 0, written.stdout)
        XCTAssertTrue(written.stderr.contains("wrote"), written.stderr)
        XCTAssertEqual(try CLI.run(["lint", "set"], in: dir.path).status, 1)
        for path in BaselineTests.files.keys { dir.write("set/" + path, BaselineTests.reindent(dir.read("set/" + path))) }
        let again = try CLI.run(["lint", "set", "--baseline", "baseline.json", "--format", "json"], in: dir.path)
        XCTAssertEqual(again.status, 0, again.stdout)
        let doc = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((doc["findings"] as! [Any]).count, 0)
        let bad = try CLI.run(["lint", "set", "--baseline", "set/east/cm.yaml"], in: dir.path)
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("not a meshlint baseline"), bad.stderr)
    }

    func testConfigOptionAppliesAFile() throws {
        let dir = TempSet()
        dir.write("set/east/s.yaml", SuppressionTests.secret(annotation: nil))
        dir.write("strict.yaml", "rules:\n  invalid-value-type: warning\n")
        let r = try CLI.run(["lint", "set", "--config", "strict.yaml"], in: dir.path)
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.stdout.contains("east/s.yaml:7:25: warning:"), r.stdout)
        XCTAssertEqual(try CLI.run(["lint", "set", "--config", "strict.yaml", "--fail-on", "warning"], in: dir.path).status, 1)
    }

    /// Runs `scripts/validate-output.py` (what CI runs) when python3 with jsonschema is here:
    /// every Corpus set, and a set with awkward names, through json and sarif, against
    /// `schema/meshlint-output.schema.json` and the SARIF 2.1.0 schema.
    func testRealOutputValidatesAgainstTheSchemas() throws {
        // The first python3 that has jsonschema: $PYTHON, then PATH (via env), then the usual places.
        let candidates: [[String]] = (ProcessInfo.processInfo.environment["PYTHON"].map { [[$0]] } ?? [])
            + [["/usr/bin/env", "python3"], ["/usr/bin/python3"], ["/usr/local/bin/python3"], ["/opt/homebrew/bin/python3"]]
        guard let python = candidates.first(where: { c in
            FileManager.default.isExecutableFile(atPath: c[0])
                && (try? CLI.exec(c[0], Array(c.dropFirst()) + ["-c", "import jsonschema"]))?.status == 0
        }) else {
            throw XCTSkip("python3 with jsonschema is not installed (python3 -m pip install jsonschema)")
        }
        guard FileManager.default.isExecutableFile(atPath: CLI.binary) else { throw XCTSkip("meshlint binary not built") }
        let script = CLI.packageRoot + "/scripts/validate-output.py"
        func validate(_ args: [String]) throws -> CLI.Result {
            try CLI.exec(python[0], Array(python.dropFirst()) + [script, "--meshlint", CLI.binary] + args, in: CLI.packageRoot)
        }
        let corpus = try validate([])
        XCTAssertEqual(corpus.status, 0, corpus.stdout + corpus.stderr)

        let dir = TempSet()
        dir.write("awkward/we st/a,b:c ü.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  name: x\n  annotations:\n    meshlint.io/ignore: \"MC03 # 100%\"\n")
        dir.write("awkward/east/broken.yaml", "apiVersion: v1\nkind: ConfigMap\ndata: [a, b\n")
        dir.write("awkward/east/notes.yaml", "owner: \"platform\\tteam\\r\\n\"\n")
        dir.write("awkward/.meshlint.yaml", "rules:\n  MC0004: off\nignore:\n  clusters: [lab]\n")
        let awkward = try validate(["--corpus", dir.path])
        XCTAssertEqual(awkward.status, 0, awkward.stdout + awkward.stderr)
        XCTAssertTrue(awkward.stdout.contains("1 sets"), awkward.stdout)
    }
}
