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
}
