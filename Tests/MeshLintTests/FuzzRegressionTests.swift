import XCTest
@testable import MeshLint

/// Inputs the fuzzer (scripts/fuzz) found that broke the oracle, kept as tests.
final class FuzzRegressionTests: XCTestCase {
    /// Every finding and related location lies inside its file (the fuzz oracle's check).
    func assertLocationsInsideFiles(_ docs: [(path: String, text: String)], lineBreaks: Set<Character> = ["\n"],
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let report = try Linter().lint(documents: docs)
        XCTAssertFalse(report.findings.isEmpty, file: file, line: line)
        var lines: [String: [Substring]] = [:]
        for d in docs { lines[d.path] = d.text.split(omittingEmptySubsequences: false, whereSeparator: lineBreaks.contains) }
        for f in report.findings {
            for (path, l, c) in [(f.file, f.line, f.column)] + f.related.map({ ($0.file, $0.line, $0.column) }) {
                guard let fileLines = lines[path] else { XCTFail("\(f.rule) points at \(path)", file: file, line: line); continue }
                XCTAssert(l >= 1 && l <= fileLines.count, "\(f.rule) at \(path):\(l) of \(fileLines.count) lines", file: file, line: line)
                if l >= 1 && l <= fileLines.count {
                    XCTAssert(c >= 1 && c <= fileLines[l - 1].utf8.count + 1, "\(f.rule) at \(path):\(l):\(c)", file: file, line: line)
                }
            }
        }
    }

    /// crash-b5af7d25: a file cut inside a kubeconfig block scalar (no final line break): the
    /// embedded parse error was reported on the line after the file's last line (MC204).
    func testKubeconfigCutInsideBlockIsReportedInsideTheFile() throws {
        try assertLocationsInsideFiles([
            ("cluster1/remote-secrets.yaml", """
            apiVersion: v1
            kind: Secret
            metadata:
              name: istio-remote-secret-cluster2
              namespace: istio-system
              labels:
                istio/multiCluster: "true"
            stringData:
              cluster2: |
                apiVersion: v1
                clusters:
                - cluster:
                    server: https://198.51.100.5:6443
                  name: cluster2
                conte
            """),
        ])
    }

    /// crash-d712c29f: a file without a final line break that ends inside a syntax error: libyaml
    /// puts the end of the stream on a line after the file's last (MC001 at line 12 of 11).
    func testSyntaxErrorAtEndOfFileWithoutLineBreakIsInsideTheFile() throws {
        for text in ["apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespacget svc -j ie\nssp",
                     "apiVersion: v1\nkind: ConfigMap\ndata: [1, 2", "a: 'unterminated"] {
            try assertLocationsInsideFiles([("east/cm.yaml", text)])
        }
    }

    /// crash-b6ad74db: a byte libyaml rejects after a lone CR line break was reported on the
    /// CR's line, at a column past its end (CR counted as a character, not a line break).
    func testUndecodableByteAfterLoneCRIsOnItsOwnLine() throws {
        try assertLocationsInsideFiles([("east/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\r \u{0}\u{0}\n  name: a\n")],
                                       lineBreaks: ["\n", "\r"])
    }

    /// Every node and diagnostic of `text` parsed alone lies on a line of the file (the load
    /// target's check); lines are broken as libyaml breaks them.
    func assertNodesInsideFile(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> YAMLFile {
        let parsed = YAMLParser.parse(bytes: Array(text.utf8), path: "x.yaml")
        let lines = text.split(omittingEmptySubsequences: false) { ["\n", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}"].contains($0) }
        let positions = (0..<parsed.nodeCount).map { parsed.node(Int32($0)).position } + parsed.diagnostics.map(\.position)
        for p in positions {
            XCTAssert(p.line >= 1 && p.line <= lines.count, "\(p) in a file of \(lines.count) lines", file: file, line: line)
            if p.line >= 1 && p.line <= lines.count {
                XCTAssert(p.column >= 1 && p.column <= lines[p.line - 1].unicodeScalars.count + 1, "\(p)", file: file, line: line)
            }
        }
        return parsed
    }

    /// crash-af502c9a (load target): a file cut after `---` and a comment, without a final line
    /// break: libyaml puts the stream's end, and with it the empty last document's null root, on
    /// a line after the file's last (node at line 15 of 14).
    func testEmptyLastDocumentWithoutLineBreakIsInsideTheFile() {
        let cut = assertNodesInsideFile("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n# remote2 cluster")
        XCTAssertEqual(cut.documents.count, 2)
        XCTAssertEqual(cut.node(cut.documents[1].root).position, SourcePosition(line: 5, column: 18))
        let marker = assertNodesInsideFile("a: 1\n---")
        XCTAssertEqual(marker.node(marker.documents[1].root).position, SourcePosition(line: 2, column: 4))
        // NEL is a line break to libyaml: the file's end is on the line after it, nothing moves.
        let nel = assertNodesInsideFile("a: 1\u{85}b: 2")
        XCTAssertEqual(nel.node(nel.documents[0].root)["b"]?.position, SourcePosition(line: 2, column: 4))
        // With a final line break libyaml invents no line: positions are libyaml's own.
        let ended = assertNodesInsideFile("a: 1\n---\n")
        XCTAssertEqual(ended.node(ended.documents[1].root).position, SourcePosition(line: 3, column: 1))
    }

    /// crash-3dd3a1b4 (load target): an alias to an unknown anchor written as a key (`*amatchLabels:`)
    /// was dropped from its mapping, so every later value was read as a key: equal values became
    /// "duplicate keys" and `pairs` read one slot past the mapping.
    func testUnresolvedAliasKeepsKeysAndValuesPaired() {
        for text in ["*u: v\na: v\nb: v\n", "m:\n  *nope:\n  x: 1\n", "a: &a [*a, 1]\nb: c\n"] {
            let parsed = assertNodesInsideFile(text)
            XCTAssertFalse(parsed.diagnostics.contains { $0.kind == .duplicateKey }, "\(text): \(parsed.diagnostics)")
            XCTAssertTrue(parsed.diagnostics.contains { $0.kind == .syntax || $0.kind == .aliasExpansion }, "\(text): \(parsed.diagnostics)")
            for i in 0..<parsed.nodeCount where parsed.node(Int32(i)).isMapping {
                let node = parsed.node(Int32(i))
                XCTAssertEqual(node.pairs.count, node.count, "\(text): node \(i)")
            }
        }
    }

    /// crash-7ca7990a (lint target): a lone CR in a comment of a file with a `{{ .Values.x }}`
    /// action: MC006 counted lines at LF only and pointed one line below the action, past the
    /// end of that line, while libyaml (and every other finding) counts the CR as a line break.
    func testTemplateActionAfterLoneCRIsOnItsOwnLine() throws {
        let text = "# rendered by tooling: {{ .Values.* }}\r\u{0}x\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: {{ .Values.port }}\n"
        try assertLocationsInsideFiles([("east/svc.yaml", text)], lineBreaks: ["\n", "\r"])
        let report = try Linter().lint(documents: [("east/svc.yaml", text)])
        let mc006 = try XCTUnwrap(report.findings.first { $0.rule == "MC006" })
        XCTAssertEqual(mc006.line, 9)
        XCTAssertEqual(mc006.column, 11)
    }

    /// crash-1468f03b (load target): a Go template file with a one-character path next to a Helm
    /// chart. Foundation's `deletingLastPathComponent` traps on a one-character last component
    /// on Linux; paths are now split without it (PathText).
    func testOneCharacterTemplatePathBesideAChartIsNoted() throws {
        let report = try Linter().lint(documents: [
            ("cluster0/eastwest-gateway/Chart.yaml", "apiVersion: v2\nname: eastwest-gateway\nversion: 1.0.0\n"),
            ("c", "metadata:\n  name: {{ .Release.Name }}\n"),
        ])
        XCTAssertEqual(report.set.renderNotes.filter { $0.path == "c" }.map(\.kind), [.goTemplate])
    }

    /// The same trap through the CLI: a set root that is a file with a one-character name.
    func testOneCharacterFileAsTheSetRoot() throws {
        let t = TempSet()
        t.write("x", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n")
        let r = try CLI.run(["lint", "x", "--format", "json"], in: t.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual((doc?["summary"] as? [String: Any])?["resources"] as? Int, 1)
    }

    func testPathTextSplitsLikeNSStringWithoutTrapping() {
        let cases: [(String, String, String)] = [
            ("c", "c", ""), ("x/", "x", ""), ("a/b", "b", "a"), ("a/b/", "b", "a"), ("/c", "c", "/"),
            ("/", "/", "/"), ("", "", ""), ("a//b", "b", "a"), ("é", "é", ""), ("a/é", "é", "a"), ("ab/cd/ef", "ef", "ab/cd"),
        ]
        for (path, last, parent) in cases {
            XCTAssertEqual(PathText.lastComponent(path), last, path)
            XCTAssertEqual(PathText.parent(path), parent, path)
        }
    }
}
