import Foundation
import XCTest
@testable import MeshLint

/// MC203 and MC204 on every `Corpus/` set: exactly the findings the sets' EXPECTED.md lists for
/// these rules (rule, cluster, file:line), nothing in the `*-ok` sets.
final class RemoteSecretCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Corpus")
    static let rules = ["MC203", "MC204"]

    /// Expected findings per set as "RULE cluster file:line"; every other set has none.
    static let expected: [String: [String]] = [
        "official-multi-primary-istioctl-broken": [
            "MC203 cluster1 cluster1/cluster1.yaml:9",
        ],
        "shared-control-plane-flat-broken": [
            "MC203 main main/values-istio-main.yaml:10",
        ],
        "trust-identity-broken": [
            "MC203 cluster2 cluster2/istio-operator.yaml:19",
            "MC204 cluster1 cluster1/remote-secrets.yaml:51",
        ],
    ]

    func testCorpusSets() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.corpus.path)) ?? []
        try XCTSkipIf(names.isEmpty, "no Corpus/ in this checkout")
        var checked = 0
        for name in names.sorted() {
            var isDir: ObjCBool = false
            let dir = Self.corpus.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir), isDir.boolValue else { continue }
            let report = try Linter(only: Self.rules).lint(paths: [dir.path], options: LoadOptions(parallel: false))
            let got = report.findings.map { "\($0.rule) \($0.cluster ?? "-") \($0.file):\($0.line)" }
            XCTAssertEqual(got.sorted(), (Self.expected[name] ?? []).sorted(), name)
            for f in report.findings {
                XCTAssertNotNil(f.fieldPath, "\(name): \(f.rule) has a field path")
                XCTAssertFalse(f.related.isEmpty, "\(name): \(f.rule) names the other cluster")
                // A Helm values file is no Kubernetes object; everything else names its resource.
                if !f.file.contains("values") { XCTAssertNotNil(f.resource, "\(name): \(f.rule) names its resource") }
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, Self.expected.count)
    }

    /// The missing secret points at the other end: the remote's clusterName, and the mistyped
    /// key that was probably meant for it.
    func testMissingSecretNamesTheRemoteAndTheTypo() throws {
        let dir = Self.corpus.appendingPathComponent("shared-control-plane-flat-broken")
        try XCTSkipIf(!FileManager.default.fileExists(atPath: dir.path), "no Corpus/ in this checkout")
        let report = try Linter(only: ["MC203"]).lint(paths: [dir.path], options: LoadOptions(parallel: false))
        let f = try XCTUnwrap(report.findings.first)
        XCTAssertEqual(f.related.map { "\($0.cluster ?? "-") \($0.file):\($0.line)" },
                       ["remote2 remote2/values-istio-remote.yaml:40", "main main/remote-secrets.yaml:26"])
        XCTAssertEqual(f.fieldPath, "global.multiCluster.clusterName")
        XCTAssertTrue(f.message.contains("kubectl create secret generic remote2"), f.message)
    }
}
