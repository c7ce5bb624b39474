import XCTest
@testable import MeshLintCore

/// The loader on the shapes real multicluster manifests take.
final class YAMLLoaderTests: XCTestCase {
    func parse(_ text: String, path: String = "f.yaml") -> YAMLFile {
        YAMLParser.parse(bytes: Array(text.utf8), path: path)
    }

    func testMultiDocumentStreamKeepsPositions() {
        let f = parse("""
        # leading comment
        apiVersion: v1
        kind: Namespace
        metadata:
          name: istio-system
        ---
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: istiocoredns
          namespace: istio-system
        spec:
          clusterIP: 10.96.0.53
        """)
        XCTAssertEqual(f.diagnostics, [])
        XCTAssertEqual(f.documents.count, 3)
        XCTAssertTrue(f.roots[1].isNull, "an empty document between two separators")
        let ip = f.roots[2].at("spec", "clusterIP")!
        XCTAssertEqual(ip.scalar, "10.96.0.53")
        XCTAssertEqual(ip.line, 14)
        XCTAssertEqual(ip.column, 14)
        XCTAssertEqual(f.roots[0].at("metadata", "name")?.position, SourcePosition(line: 5, column: 9))
    }

    func testAnchorsAliasesAndMergeKeys() {
        let f = parse("""
        base: &base
          network: network1
          meshID: mesh1
        east:
          <<: *base
          network: network2
        list: [*base, {a: 1}]
        """)
        XCTAssertEqual(f.diagnostics, [])
        let root = f.roots[0]
        XCTAssertEqual(root.at("east", "network")?.scalar, "network2", "explicit keys win over merged ones")
        XCTAssertEqual(root.at("east", "meshID")?.scalar, "mesh1")
        XCTAssertEqual(root["list"]?.items.first?.at("network")?.line, 2, "an alias points at the anchored node")
        XCTAssertEqual(root["east"]?.mergedPairs.count, 2)
    }

    func testFlowStyleAndJSON() {
        let f = parse(#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "labels": {"a": "b"}}, "data": {"k": "v"}}"#, path: "x.json")
        XCTAssertEqual(f.diagnostics, [])
        XCTAssertEqual(f.roots[0].at("metadata", "labels", "a")?.scalar, "b")
        XCTAssertEqual(f.roots[0].at("data")?.style, .flow)
        let pretty = parse("{\n\t\"kind\": \"Namespace\",\n\t\"metadata\": {\"name\": \"foo\"}\n}\n", path: "tabs.json")
        XCTAssertEqual(pretty.diagnostics, [], "tab-indented JSON must parse")
        XCTAssertEqual(pretty.roots.first?.at("metadata", "name")?.scalar, "foo")
    }

    func testBlockScalarsHoldPEMAndKubeconfig() {
        let f = parse("""
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-west
        stringData:
          west: |
            apiVersion: v1
            clusters:
            - cluster:
                server: https://10.0.0.2:6443
              name: west
          root-cert.pem: |-
            -----BEGIN CERTIFICATE-----
            MIIBszCCAVmgAwIBAgIUQk
            -----END CERTIFICATE-----
          folded: >
            one
            two
        """)
        XCTAssertEqual(f.diagnostics, [])
        let data = f.roots[0]["stringData"]!
        XCTAssertEqual(data["west"]?.style, .literal)
        XCTAssertTrue(data["west"]!.scalar!.contains("server: https://10.0.0.2:6443\n"))
        XCTAssertEqual(data["root-cert.pem"]?.scalar?.hasSuffix("-----END CERTIFICATE-----"), true)
        XCTAssertEqual(data["folded"]?.scalar, "one two", "folded, clipped at the end of the stream")
        XCTAssertEqual(data["west"]?.line, 6)
    }

    func testCRLFAndBOM() {
        let text = "\u{FEFF}apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: foo\r\n"
        let f = parse(text)
        XCTAssertEqual(f.diagnostics, [])
        let name = f.roots[0].at("metadata", "name")!
        XCTAssertEqual(name.scalar, "foo")
        XCTAssertEqual(name.position, SourcePosition(line: 4, column: 9))
    }

    func testEmptyAndCommentOnlyFiles() {
        XCTAssertEqual(parse("").documents.count, 0)
        let comments = parse("# nothing here\n# at all\n")
        XCTAssertEqual(comments.diagnostics, [])
        XCTAssertEqual(comments.documents.count, 0)
        XCTAssertEqual(parse("---\n").roots.first?.isNull, true)
    }

    func testScalarTypesFollowYAML11() {
        let f = parse("""
        a: true
        b: "true"
        c: yes
        d: 'on'
        e: 15443
        f: "15443"
        g: 0x1F
        h: 1.5
        i: ~
        j: network1
        k: !!str 10
        l: 10.0.0.1
        m: 0777
        n:
        o: 1e3
        """)
        let r = f.roots[0]
        XCTAssertEqual(r["a"]?.resolvedType, .bool)
        XCTAssertEqual(r["b"]?.resolvedType, .string)
        XCTAssertEqual(r["c"]?.resolvedType, .bool, "yes is a bool in YAML 1.1 (Kubernetes' decoder)")
        XCTAssertEqual(r["d"]?.resolvedType, .string)
        XCTAssertEqual(r["e"]?.int, 15443)
        XCTAssertNil(r["f"]?.int)
        XCTAssertEqual(r["g"]?.int, 31)
        XCTAssertEqual(r["h"]?.resolvedType, .float)
        XCTAssertEqual(r["i"]?.isNull, true)
        XCTAssertEqual(r["j"]?.string, "network1")
        XCTAssertEqual(r["k"]?.resolvedType, .string)
        XCTAssertEqual(r["l"]?.resolvedType, .string)
        XCTAssertEqual(r["m"]?.int, 511)
        XCTAssertEqual(r["n"]?.isNull, true)
        XCTAssertEqual(r["o"]?.resolvedType, .float)
        XCTAssertEqual(r["a"]?.bool, true)
    }

    func testDuplicateKeysAreReported() {
        let f = parse("""
        metadata:
          labels:
            a: "1"
            "a": "2"
        big: {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9, k10: 10, k11: 11, k12: 12, k13: 13, k14: 14, k15: 15, k16: 16, k17: 17, k18: 18, k19: 19, k20: 20, k21: 21, k22: 22, k23: 23, k24: 24, k25: 25, k3: 99}
        """)
        let dups = f.diagnostics.filter { $0.kind == .duplicateKey }
        XCTAssertEqual(dups.count, 2)
        XCTAssertEqual(dups[0].position, SourcePosition(line: 4, column: 5))
        XCTAssertEqual(dups[0].related, SourcePosition(line: 3, column: 5))
        XCTAssertTrue(dups[1].message.contains("'k3'"))
        XCTAssertEqual(f.documents.count, 1, "a duplicate key does not drop the document")
    }

    func testSyntaxErrorKeepsEarlierDocuments() {
        let f = parse("""
        kind: Namespace
        metadata: {name: a}
        ---
        kind: Namespace
        metadata:
          name: [b
        ---
        kind: Namespace
        """)
        XCTAssertEqual(f.documents.count, 1)
        XCTAssertEqual(f.diagnostics.count, 1)
        XCTAssertEqual(f.diagnostics[0].kind, .syntax)
        XCTAssertEqual(f.diagnostics[0].position.line, 7)
    }

    func testAliasBombIsBounded() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        text += "---\nkind: Namespace\nmetadata: {name: after}\n"
        let f = parse(text)
        XCTAssertTrue(f.diagnostics.contains { $0.kind == .aliasExpansion })
        XCTAssertEqual(f.documents.count, 1, "the bomb is skipped, the next document kept")
        XCTAssertEqual(f.roots[0].at("metadata", "name")?.scalar, "after")
        XCTAssertLessThan(f.nodeCount, 1000, "aliases are shared, never copied")
    }

    func testBinaryAndInvalidUTF8() {
        let bin = YAMLParser.parse(bytes: [0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01], path: "a.yaml")
        XCTAssertEqual(bin.diagnostics.first?.kind, .binary)
        let bad = YAMLParser.parse(bytes: Array("a: b\nc: ".utf8) + [0xC3, 0x28] + [0x0A], path: "b.yaml")
        XCTAssertEqual(bad.diagnostics.first?.kind, .encoding)
        XCTAssertEqual(bad.diagnostics.first?.position.line, 2)
    }

    func testLatin1ByteIsReportedAtItsOwnPosition() {
        // "café" in Latin-1: the 0xE9 is the 4th character of line 2, followed by a newline
        // (libyaml itself blames the byte after it).
        let f = YAMLParser.parse(bytes: Array("kind: ConfigMap\nname: caf".utf8) + [0xE9, 0x0A, 0x78, 0x3A, 0x20, 0x31, 0x0A], path: "l1.yaml")
        XCTAssertEqual(f.diagnostics.first?.kind, .encoding)
        XCTAssertEqual(f.diagnostics.first?.position, SourcePosition(line: 2, column: 10))
        XCTAssertTrue(f.diagnostics.first?.message.contains("0xE9") ?? false, f.diagnostics.first?.message ?? "")
        // At the end of the file (an incomplete sequence) too.
        let g = YAMLParser.parse(bytes: Array("a: b\nc: d".utf8) + [0xE9], path: "l2.yaml")
        XCTAssertEqual(g.diagnostics.first?.position, SourcePosition(line: 2, column: 5))
    }

    func testUTF16WithoutBOMAndUTF32AreNamedNotCalledBinary() {
        let text = "kind: Namespace\n"
        var le16: [UInt8] = [], be16: [UInt8] = [], le32: [UInt8] = [], be32: [UInt8] = []
        for u in text.utf16 { le16 += [UInt8(u & 0xFF), UInt8(u >> 8)]; be16 += [UInt8(u >> 8), UInt8(u & 0xFF)] }
        for u in text.unicodeScalars {
            let v = u.value
            le32 += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), 0, 0]
            be32 += [0, 0, UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
        }
        let cases: [([UInt8], String)] = [
            (le16, "UTF-16 (little-endian, without a byte order mark)"),
            (be16, "UTF-16 (big-endian, without a byte order mark)"),
            (le32, "UTF-32 (little-endian)"), (be32, "UTF-32 (big-endian)"),
            ([0xFF, 0xFE, 0, 0] + le32, "UTF-32 (little-endian, with a byte order mark)"),
            ([0, 0, 0xFE, 0xFF] + be32, "UTF-32 (big-endian, with a byte order mark)"),
        ]
        for (bytes, name) in cases {
            let f = YAMLParser.parse(bytes: bytes, path: "x.yaml")
            XCTAssertEqual(f.diagnostics.map(\.kind), [.encoding], name)
            XCTAssertTrue(f.diagnostics.first?.message.contains(name) ?? false, f.diagnostics.first?.message ?? "")
        }
    }

    func testUTF16WithBOM() {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for u in "kind: Namespace\n".utf16 { bytes += [UInt8(u & 0xFF), UInt8(u >> 8)] }
        let f = YAMLParser.parse(bytes: bytes, path: "u16.yaml")
        XCTAssertEqual(f.diagnostics, [])
        XCTAssertEqual(f.roots.first?["kind"]?.scalar, "Namespace")
    }

    func testDeepNestingIsBoundedAndKeepsEarlierDocuments() {
        let deep = "kind: Namespace\nmetadata: {name: first}\n---\na: " + String(repeating: "[", count: 50_000)
            + String(repeating: "]", count: 50_000) + "\n"
        let f = parse(deep)
        XCTAssertEqual(f.diagnostics.map(\.kind), [.tooDeep])
        XCTAssertEqual(f.diagnostics.first?.position.line, 4)
        XCTAssertEqual(f.documents.count, 1, "the document before the deep one is kept")
        let ok = parse(String(repeating: "[", count: 900) + String(repeating: "]", count: 900))
        XCTAssertEqual(ok.diagnostics, [], "nesting below the limit parses")
    }

    func testTooLarge() {
        let f = YAMLParser.parse(bytes: Array(repeating: UInt8(ascii: "a"), count: 100), path: "big.yaml",
                                 limits: YAMLLimits(maxFileBytes: 10))
        XCTAssertEqual(f.diagnostics.first?.kind, .tooLarge)
    }

    func testUnicodeColumnsCountCharacters() {
        let f = parse("note: \"héllo wörld\"\nname: x\n")
        XCTAssertEqual(f.roots[0]["name"]?.position, SourcePosition(line: 2, column: 7))
        let g = parse("a: é\nb: ü\n")
        XCTAssertEqual(g.roots[0]["b"]?.column, 4)
    }
}
