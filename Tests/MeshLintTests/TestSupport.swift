import Foundation
import XCTest

/// A scratch directory holding a config set on disk, removed when the test ends.
final class TempSet {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "meshlint-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` at `rel` (directories created as needed).
    func write(_ rel: String, _ text: String) {
        let file = path + "/" + rel
        try! FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent,
                                                 withIntermediateDirectories: true)
        try! text.write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// Reads the text at `rel`.
    func read(_ rel: String) -> String { try! String(contentsOfFile: path + "/" + rel, encoding: .utf8) }

    /// Every regular file under the root, relative paths.
    func files() -> [String] {
        (FileManager.default.enumerator(atPath: path)?.allObjects as? [String] ?? []).filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: path + "/" + $0, isDirectory: &isDir) && !isDir.boolValue
        }.sorted()
    }
}

/// Runs the built `meshlint` binary.
enum CLI {
    /// The directory holding the built products (the test bundle sits next to them).
    static var productsDirectory: URL {
        #if os(macOS)
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
        #else
        return Bundle.main.bundleURL
        #endif
    }

    /// The `meshlint` executable built alongside the tests.
    static var binary: String { productsDirectory.appendingPathComponent("meshlint").path }

    /// The package's root directory.
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `meshlint args…` in `directory`; skips the test when the binary was not built.
    static func run(_ args: [String], in directory: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw XCTSkip("meshlint binary not built at \(binary)")
        }
        return try exec(binary, args, in: directory)
    }

    /// Runs any executable and collects its output.
    static func exec(_ executable: String, _ args: [String], in directory: String? = nil,
                     environment: [String: String]? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Read both pipes before waiting so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let errBytes = Box()
        let group = DispatchGroup()
        group.enter()
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async { errBytes.data = errHandle.readDataToEndOfFile(); group.leave() }
        let outBytes = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outBytes, as: UTF8.self),
                      stderr: String(decoding: errBytes.data, as: UTF8.self))
    }
}
