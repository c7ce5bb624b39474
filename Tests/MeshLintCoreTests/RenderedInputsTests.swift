import XCTest
@testable import MeshLintCore

/// Kustomizations rendered through the renderer seam and mapped back to their sources; Helm
/// charts and Go templates reported once instead of parsed.
final class RenderedInputsTests: XCTestCase {
    var dir: String!

    override func setUp() {
        let tmp = NSTemporaryDirectory() + "meshlint-render-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        guard case .success(let real) = FileWalker.realPath(tmp) else { fatalError("no temp dir") }
        dir = real
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func write(_ rel: String, _ text: String) {
        let path = dir + "/" + rel
        try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A renderer that answers with fixed text and records what it was asked to render.
    final class FakeRenderer: KustomizeRendering, @unchecked Sendable {
        let output: (String) -> Result<KustomizeOutput, KustomizeFailure>
        private let lock = NSLock()
        private var _calls: [String] = []
        var calls: [String] { lock.lock(); defer { lock.unlock() }; return _calls }
        var commandName: String { "fake kustomize" }
        init(_ output: @escaping (String) -> Result<KustomizeOutput, KustomizeFailure>) { self.output = output }
        func render(directory: String) -> Result<KustomizeOutput, KustomizeFailure> {
            lock.lock(); _calls.append(directory); lock.unlock()
            return output(directory)
        }
    }

    static let base = """
        apiVersion: v1
        kind: Secret
        metadata:
          name: istio-remote-secret-west
          namespace: istio-system
          labels:
            app: remote
        type: Opaque

        """

    func writeOverlaySet() {
        write("east/base/kustomization.yaml", "resources:\n- secret.yaml\n")
        write("east/base/secret.yaml", Self.base)
        write("east/overlay/kustomization.yaml", "resources:\n- ../base\nnamePrefix: x-\npatches:\n- path: label.yaml\n")
        write("east/overlay/label.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: istio-remote-secret-west\n  namespace: istio-system\n  labels:\n    istio/multiCluster: \"true\"\n")
        write("west/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n")
    }

    func testKustomizationIsRenderedAndMappedBackToItsBaseFile() throws {
        writeOverlaySet()
        // What kustomize prints for the overlay: prefix and patch applied, origin annotated
        // relative to the directory the renderer says.
        let renderer = FakeRenderer { _ in
            .success(KustomizeOutput(text: """
                apiVersion: v1
                kind: Secret
                metadata:
                  annotations:
                    config.kubernetes.io/origin: |
                      path: east/base/secret.yaml
                  labels:
                    app: remote
                    istio/multiCluster: "true"
                  name: x-istio-remote-secret-west
                  namespace: istio-system
                type: Opaque
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: x-generated
                """, originBase: self.dir))
        }
        let set = try ConfigSetLoader(options: LoadOptions(kustomize: renderer)).load(paths: [dir])
        XCTAssertEqual(renderer.calls, [dir + "/east/overlay"], "only the overlay is a root; the base is rendered through it")
        XCTAssertEqual(set.clusters.map(\.name), ["east", "west"])
        XCTAssertTrue(set.renderNotes.isEmpty, "\(set.renderNotes)")
        let east = set.resources(in: 0)
        XCTAssertEqual(east.map(\.name).sorted(), ["x-generated", "x-istio-remote-secret-west"], "raw files are not applied as written")
        let secret = try XCTUnwrap(east.first { $0.kind == "Secret" })
        XCTAssertEqual(secret.root.file.path, "east/base/secret.yaml")
        XCTAssertEqual(secret.root.at("metadata", "name")?.position, SourcePosition(line: 4, column: 9))
        XCTAssertEqual(secret.root["type"]?.position, SourcePosition(line: 8, column: 7))
        // Added by the patch: at its nearest ancestor in the base (the labels block).
        XCTAssertEqual(secret.root.at("metadata", "labels", "istio/multiCluster")?.position, SourcePosition(line: 7, column: 5))
        XCTAssertEqual(secret.root.at("metadata", "labels", "istio/multiCluster")?.scalar, "true")
        // A generated object has no source file: it stays at the overlay's `resources`.
        let generated = try XCTUnwrap(east.first { $0.kind == "ConfigMap" })
        XCTAssertEqual(generated.root.file.path, "east/overlay/kustomization.yaml")
        XCTAssertEqual(generated.root.at("metadata", "name")?.position, SourcePosition(line: 1, column: 1))
        XCTAssertEqual(set.resources(in: 1).map(\.name), ["istio-system"])
    }

    func testOutputWithoutOriginIsMappedByIdentity() throws {
        // An older kustomize prints no origin annotations: the source is found by kind and name
        // among the files the render can read (the overlay's and its base's).
        writeOverlaySet()
        write("west/other/secret.yaml", Self.base)
        let renderer = FakeRenderer { dir in
            .success(KustomizeOutput(text: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x-istio-remote-secret-west\n  namespace: istio-system\ntype: Opaque\n", originBase: dir))
        }
        let set = try ConfigSetLoader(options: LoadOptions(kustomize: renderer)).load(paths: [dir])
        let secret = try XCTUnwrap(set.resources(in: 0).first { $0.kind == "Secret" })
        XCTAssertEqual(secret.root.file.path, "east/base/secret.yaml")
        XCTAssertEqual(secret.root["type"]?.position, SourcePosition(line: 8, column: 7))
    }

    func testWithoutARendererOneFindingAndTheRawFilesAreNotApplied() throws {
        writeOverlaySet()
        let set = try ConfigSetLoader().load(paths: [dir])
        XCTAssertEqual(set.renderNotes.map(\.path), ["east/overlay/kustomization.yaml"])
        XCTAssertEqual(set.renderNotes.first?.position, SourcePosition(line: 1, column: 1))
        XCTAssertTrue(set.renderNotes[0].message.contains("kubectl kustomize east/overlay"), set.renderNotes[0].message)
        XCTAssertEqual(set.resources(in: 0).count, 0)
        XCTAssertEqual(set.resources(in: 1).map(\.name), ["istio-system"])

        let failing = FakeRenderer { _ in .failure(KustomizeFailure(message: "no matches for Id Secret.v1.[noGrp]/nope")) }
        let failed = try ConfigSetLoader(options: LoadOptions(kustomize: failing)).load(paths: [dir])
        XCTAssertEqual(failed.renderNotes.count, 1)
        XCTAssertTrue(failed.renderNotes[0].message.contains("could not be rendered (`fake kustomize`: no matches"), failed.renderNotes[0].message)
    }

    func testInMemoryOverlayIsReportedOnceNotItsBase() {
        let set = ConfigSetLoader().load(documents: [
            ("east/base/kustomization.yaml", "resources:\n- secret.yaml\n"),
            ("east/base/secret.yaml", Self.base),
            ("east/overlay/kustomization.yaml", "resources:\n- ../base\n"),
        ])
        XCTAssertEqual(set.renderNotes.map(\.path), ["east/overlay/kustomization.yaml"])
        XCTAssertTrue(set.resources.isEmpty)
    }

    func testReferencesOutsideTheSetAreRefusedAndNeverRendered() throws {
        let outside = dir + "-outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try "resources: []\n".write(toFile: outside + "/kustomization.yaml", atomically: true, encoding: .utf8)
        write("set/east/kustomization.yaml", """
            resources:
            - https://deploy:s3cr3t@github.com/example/mesh//base?ref=v1
            - ../../../\((outside as NSString).lastPathComponent)
            - /etc
            - local.yaml
            configMapGenerator:
            - name: certs
              files:
              - root-cert.pem=\(String(repeating: "../", count: 30))etc/hostname

            """)
        write("set/east/local.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n")
        // An inner kustomization with a link out of the set taints the one that includes it.
        write("set/west/kustomization.yaml", "resources:\n- inner\n")
        write("set/west/inner/kustomization.yaml", "resources:\n- link.yaml\n")
        try FileManager.default.createSymbolicLink(atPath: dir + "/set/west/inner/link.yaml", withDestinationPath: "/etc/hostname")
        // A FIFO would hang the render; a FIFO named kustomization.yaml makes no kustomization.
        write("set/north/kustomization.yaml", "resources:\n- pipe.yaml\n- ../south\n")
        XCTAssertEqual(mkfifo(dir + "/set/north/pipe.yaml", 0o644), 0)
        try FileManager.default.createDirectory(atPath: dir + "/set/south", withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(dir + "/set/south/kustomization.yaml", 0o644), 0)
        let renderer = FakeRenderer { _ in .failure(KustomizeFailure(message: "must not be called")) }
        let set = try ConfigSetLoader(options: LoadOptions(kustomize: renderer)).load(paths: [dir + "/set"])
        XCTAssertEqual(set.renderNotes.filter { $0.path == "north/kustomization.yaml" }.map(\.position.line), [2, 3])
        XCTAssertFalse(set.renderNotes.contains { $0.path.hasPrefix("south/") })
        XCTAssertEqual(renderer.calls, [])
        let east = set.renderNotes.filter { $0.path == "east/kustomization.yaml" }
        XCTAssertEqual(east.map(\.position.line), [2, 3, 4, 9])
        XCTAssertTrue(east[0].message.contains("remote location `https://***@github.com/example/mesh//base?ref=v1`"), east[0].message)
        XCTAssertFalse(set.renderNotes.contains { $0.message.contains("s3cr3t") })
        XCTAssertTrue(east[1].message.contains("outside the config set's root"), east[1].message)
        XCTAssertEqual(set.renderNotes.filter { $0.path == "west/inner/kustomization.yaml" }.map(\.position.line), [2])
        XCTAssertTrue(set.resources.isEmpty)
    }

    func testHelmChartIsReportedOnceAndItsTemplatesAreNotParsed() throws {
        write("east/gw/Chart.yaml", "apiVersion: v2\nname: eastwest\nversion: 0.1.0\n")
        write("east/gw/values.yaml", "global:\n  network: network1\n")
        write("east/gw/templates/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\n")
        write("east/gw/charts/sub/templates/x.yaml", "{{ broken\n")
        write("west/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: istio-system\n")
        let set = try ConfigSetLoader().load(paths: [dir])
        XCTAssertEqual(set.files.map(\.path), ["east/gw/Chart.yaml", "east/gw/values.yaml", "west/ns.yaml"])
        XCTAssertEqual(set.renderNotes.map(\.kind), [.helmChart])
        XCTAssertEqual(set.renderNotes[0].position, SourcePosition(line: 2, column: 7))
        XCTAssertTrue(set.renderNotes[0].message.contains("`helm template eastwest east/gw -f east/gw/values.yaml > east/gw-rendered.yaml`"), set.renderNotes[0].message)
        XCTAssertEqual(set.helmValues.count, 1, "chart values are still read")
        XCTAssertTrue(set.unrecognized.isEmpty, "Chart.yaml is not reported as a stray document")
        XCTAssertEqual(set.resources.map(\.name), ["istio-system"])
    }

    func testGoTemplateTextIsToldFromTemplatesInsideStrings() {
        func action(_ text: String) -> SourcePosition? {
            let bytes = Array(text.utf8)
            return GoTemplate.firstAction(in: bytes, parsed: YAMLParser.parse(bytes: bytes, path: "x.yaml"))
        }
        XCTAssertEqual(action("a: 1\nb: {{ .Values.b }}\n"), SourcePosition(line: 2, column: 4))
        XCTAssertEqual(action("kind: A\n{{- if .Values.enabled }}\nx: 1\n{{- end }}\n"), SourcePosition(line: 2, column: 1))
        XCTAssertEqual(action("ports:\n  - port: {{ include \"port\" . }}\n"), SourcePosition(line: 2, column: 11))
        XCTAssertNil(action("summary: \"{{ $labels.instance }} down ({{ .Value }})\"\n"), "inside a double-quoted string")
        XCTAssertNil(action("summary: '{{ .Value }}'\n"), "inside a single-quoted string")
        XCTAssertEqual(action("a: 1\ncidr: \"{{ .Values.podCIDR }}\"\n"), SourcePosition(line: 2, column: 8), "quoted, but Helm's own values")
        XCTAssertNil(action("config: |\n  text: {{ .CommonLabels.alertname }}\n  other: 1\n"), "inside a block scalar")
        XCTAssertNil(action("# {{ .Values.x }} is filled in later\na: 1\n"), "in a comment")
        XCTAssertNil(action("args: [\"{{inputs.parameters.x}}\"]\nb: {{workflow.name}}\n"), "Argo placeholders are not Go template actions")
    }
}
