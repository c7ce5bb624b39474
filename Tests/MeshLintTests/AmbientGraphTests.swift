@testable import MeshLint
import XCTest

/// `meshlint graph` of ambient sets: Gateway API east-west gateways (which Istio renders, so the
/// set holds no Service for them) are drawn as the networks' gateways, and the ambient rules'
/// findings land on them or on the cross-network edges.
final class AmbientGraphTests: XCTestCase {
    func topology(_ set: String) throws -> Topology {
        Topology(report: try Linter().lint(paths: [CLI.packageRoot + "/Corpus/" + set]))
    }

    func testHBONEEastWestGatewaysAreTheNetworksGateways() throws {
        let t = try topology("official-ambient-multi-network")
        for c in t.clusters {
            let ew = try XCTUnwrap(c.gateways.first { $0.kinds.contains("east-west") }, c.name)
            XCTAssertEqual(ew.name, "istio-eastwestgateway")
            XCTAssertEqual(ew.ports, [15021, 15008])
        }
        let crossing = t.edges.filter { $0.kind == .crossNetwork }
        XCTAssertEqual(crossing.count, 2)
        XCTAssertTrue(crossing.allSatisfy { $0.label == "via east-west gateway" }, crossing.map(\.label).description)
    }

    func testWaypointsAreNotDrawnAsEastWestGateways() throws {
        let t = try topology("ambient-multi-network-broken")
        XCTAssertFalse(t.clusters.flatMap(\.gateways).contains { $0.name == "waypoint" })
        let mc702 = try XCTUnwrap(t.findings.firstIndex { $0.rule == "MC702" })
        XCTAssertTrue(t.edges.contains { $0.kind == .crossNetwork && $0.findings.contains(mc702) && $0.to.hasPrefix("c1g") })
    }
}
