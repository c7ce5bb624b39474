import XCTest
@testable import MeshLint

/// `lint --new-since REV` on a real git repository: deletions count, untouched old faults are
/// not reported again, and the user's work tree and index are left alone.
final class NewSinceTests: XCTestCase {
    func git(_ args: [String], in dir: String) throws -> CLI.Result {
        let r = try CLI.exec("/usr/bin/env", ["git"] + args, in: dir, environment: [
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
        ])
        XCTAssertEqual(r.status, 0, "git \(args): \(r.stderr)")
        return r
    }

    /// A repository whose mesh (a correct multi-primary set plus one old MC303) lives in `mesh/`.
    func repository() throws -> TempSet {
        let dir = TempSet()
        let source = CLI.packageRoot + "/Corpus/multi-primary-single-network-ok"
        for cluster in ["cluster1", "cluster2"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: source + "/" + cluster) {
                dir.write("mesh/\(cluster)/\(name)", try String(contentsOfFile: "\(source)/\(cluster)/\(name)", encoding: .utf8))
            }
        }
        dir.write("mesh/cluster2/istio-operator.yaml",
                  dir.read("mesh/cluster2/istio-operator.yaml").replacingOccurrences(of: "meshID: mesh1", with: "meshID: mesh2"))
        _ = try git(["init", "-q"], in: dir.path)
        _ = try git(["add", "-A"], in: dir.path)
        _ = try git(["commit", "-q", "-m", "old"], in: dir.path)
        return dir
    }

    func testDeletionIsNewAndOldFaultsAreNotRepeated() throws {
        let dir = try repository()
        let full = try CLI.run(["lint", "mesh"], in: dir.path)
        XCTAssertTrue(full.stdout.contains("[MC303]"), full.stdout)

        // Unchanged, and a harmless edit of the file the old finding points into: nothing new.
        XCTAssertEqual(try CLI.run(["lint", "mesh", "--new-since", "HEAD"], in: dir.path).status, 0)
        dir.write("mesh/cluster2/istio-operator.yaml",
                  "# edited\n" + dir.read("mesh/cluster2/istio-operator.yaml"))
        let edited = try CLI.run(["lint", "mesh", "--new-since", "HEAD"], in: dir.path)
        XCTAssertEqual(edited.status, 0, edited.stdout)
        XCTAssertFalse(edited.stdout.contains("MC303"), edited.stdout)

        // Deleting cluster2's remote secret for cluster1 is new (MC203), named from the repository.
        _ = try git(["rm", "-q", "mesh/cluster2/remote-secrets.yaml"], in: dir.path)
        let deleted = try CLI.run(["lint", "mesh", "--new-since", "HEAD", "--format", "json"], in: dir.path)
        XCTAssertEqual(deleted.status, 1, deleted.stdout + deleted.stderr)
        let doc = try JSONSerialization.jsonObject(with: Data(deleted.stdout.utf8)) as! [String: Any]
        XCTAssertEqual((doc["findings"] as! [[String: Any]]).map { $0["rule"] as! String }, ["MC203"])
        let text = try CLI.run(["lint", "mesh", "--new-since", "HEAD"], in: dir.path)
        XCTAssertTrue(text.stdout.hasPrefix("mesh/cluster2/"), text.stdout)

        // The index and work tree were not touched: the edit is still unstaged, the deletion staged.
        XCTAssertEqual(try git(["status", "--porcelain"], in: dir.path).stdout,
                       " M mesh/cluster2/istio-operator.yaml\nD  mesh/cluster2/remote-secrets.yaml\n")
    }

    func testOnlyChangedTextNamesFilesFromTheRepository() throws {
        let dir = try repository()
        let r = try CLI.run(["lint", "mesh", "--only-changed", "mesh/cluster2/istio-operator.yaml"], in: dir.path)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        // MC303 reports the odd cluster out (ties keep the first cluster's meshID): cluster2.
        XCTAssertTrue(r.stdout.hasPrefix("mesh/cluster2/istio-operator.yaml:") && r.stdout.contains("related: mesh/cluster1/"), r.stdout)
        let json = try CLI.run(["lint", "mesh", "--only-changed", "mesh/cluster2/istio-operator.yaml", "--format", "json"], in: dir.path)
        XCTAssertTrue(json.stdout.contains("\"file\": \"cluster2/istio-operator.yaml\""), "JSON stays set-relative: \(json.stdout)")
    }

    func testRevisionErrorsAndSetsThatDidNotExist() throws {
        let dir = try repository()
        let bad = try CLI.run(["lint", "mesh", "--new-since", "no-such-rev"], in: dir.path)
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("no-such-rev"), bad.stderr)

        // A set added after the revision: everything in it is new.
        dir.write("other/cluster1/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n  labels:\n    istio-injection: yes\n")
        let added = try CLI.run(["lint", "other", "--new-since", "HEAD"], in: dir.path)
        XCTAssertEqual(added.status, 1, added.stdout + added.stderr)
        XCTAssertTrue(added.stdout.contains("[MC003]"), added.stdout)

        let outside = TempSet()
        outside.write("c1/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n")
        let noGit = try CLI.run(["lint", outside.path, "--new-since", "HEAD"])
        XCTAssertEqual(noGit.status, 2)
        XCTAssertTrue(noGit.stderr.contains("git"), noGit.stderr)
    }
}

/// What GitHub and CI scripts read: embedded related-location links and security severities in
/// SARIF, the job summary table, and fingerprints in JSON.
final class GitHubOutputTests: XCTestCase {
    func report() throws -> LintReport {
        try Linter().lint(paths: [CLI.packageRoot + "/Corpus/trust-identity-broken"])
    }

    func testSARIFEmbedsRelatedLocationsAndMarksSecurityRules() throws {
        let log = try JSONSerialization.jsonObject(with: Data(SARIFReporter.render(try report()).utf8)) as! [String: Any]
        let run = (log["runs"] as! [[String: Any]])[0]
        XCTAssertNotNil((run["originalUriBaseIds"] as? [String: Any])?["%SRCROOT%"])
        let results = run["results"] as! [[String: Any]]
        let withRelated = results.filter { ($0["relatedLocations"] as? [Any])?.isEmpty == false }
        XCTAssertFalse(withRelated.isEmpty)
        for r in withRelated {
            let text = (r["message"] as! [String: Any])["text"] as! String
            for loc in r["relatedLocations"] as! [[String: Any]] {
                XCTAssertTrue(text.contains("](\(loc["id"] as! Int))"), text)
            }
        }
        let rules = ((run["tool"] as! [String: Any])["driver"] as! [String: Any])["rules"] as! [[String: Any]]
        let mtls = rules.first { $0["id"] as? String == "MC501" }!
        XCTAssertEqual((mtls["properties"] as! [String: Any])["security-severity"] as? String, "7.5")
        XCTAssertTrue(((mtls["properties"] as! [String: Any])["tags"] as! [String]).contains("security"))
        let port = rules.first { $0["id"] as? String == "MC401" }!
        XCTAssertNil((port["properties"] as! [String: Any])["security-severity"])
        XCTAssertEqual(port["helpUri"] as? String, "https://github.com/meshlint/meshlint/blob/v\(MeshLintVersion.version)/Rules/MC401.yaml")
    }

    func testSARIFEscapesBracketsOutsideLinks() {
        let f = Finding(rule: "MC401", name: "cross-cluster-port", severity: .error, message: "ports[0] is wrong",
                        cluster: "east", file: "east/se.yaml", line: 3, column: 1,
                        related: [RelatedLocation(cluster: "west", file: "west/gw.yaml", line: 2, column: 1, message: "gw [x]")])
        XCTAssertEqual(SARIFReporter.resultMessage(f, prefix: "mesh/"),
                       "ports\\[0\\] is wrong\n- [mesh/west/gw.yaml:2 (west)](1): gw \\[x\\]")
    }

    func testStepSummaryHasEveryFindingAndACap() throws {
        let report = try report()
        let summary = GitHubReporter.renderStepSummary(report)
        XCTAssertEqual(summary.split(separator: "\n").filter { $0.hasPrefix("| error |") || $0.hasPrefix("| warning |") }.count,
                       report.findings.count)
        let capped = GitHubReporter.renderStepSummary(report, limit: 1500)
        XCTAssertLessThanOrEqual(capped.utf8.count, 1500)
        XCTAssertTrue(capped.contains("more finding(s) not shown"), capped)
        XCTAssertEqual(GitHubReporter.cell("a|b\n`c` *d*"), "a\\|b 'c' \\*d\\*")
    }

    func testJSONCarriesFingerprintAndFieldPath() throws {
        let report = try report()
        let doc = try JSONSerialization.jsonObject(with: Data(JSONReporter.render(report).utf8)) as! [String: Any]
        let findings = doc["findings"] as! [[String: Any]]
        XCTAssertEqual(findings.map { $0["fingerprint"] as? String }, report.findings.map { Fingerprint.of($0) })
        XCTAssertTrue(findings.allSatisfy { $0.keys.contains("fieldPath") })
        XCTAssertEqual(findings.compactMap { $0["fieldPath"] as? String }, report.findings.compactMap(\.fieldPath))
    }
}
