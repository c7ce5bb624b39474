// `lint --new-since REV`: the set as it was at a git revision, materialised with `git archive`
// into a temporary directory (the user's work tree, index and HEAD are never touched).
import Foundation
import MeshLint

/// A config set root as it was at one git revision.
struct GitRevisionTree {
    /// The set root inside the temporary copy, or nil when the set did not exist at the
    /// revision (or the repository has no commit yet): then every finding is new.
    let root: String?
    /// The temporary directory to remove afterwards.
    let temporary: String?

    /// Materialises `root` (a directory inside a git work tree) as it is at `revision`.
    /// `manifest`, when given and inside the repository, is mapped into the copy as well.
    static func materialise(root: String, revision: String, manifest: String?) throws -> (tree: GitRevisionTree, manifest: String?) {
        let rootDir = ChangedFiles.directory(ofRoot: root)
        let top = try git(["rev-parse", "--show-toplevel"], in: rootDir,
                          what: "--new-since needs the set inside a git work tree")
        let prefix = try git(["rev-parse", "--show-prefix"], in: rootDir, what: "git rev-parse --show-prefix")
        guard let commit = try? git(["rev-parse", "--verify", "--quiet", "\(revision)^{commit}"], in: top, what: "") else {
            if revision == "HEAD", (try? git(["rev-parse", "--verify", "--quiet", "HEAD"], in: top, what: "")) == nil {
                return (GitRevisionTree(root: nil, temporary: nil), manifest)   // no commit yet
            }
            throw UsageError(description: "--new-since: '\(revision)' is no commit of the repository at \(top)")
        }
        var pathspec: [String] = []
        if !prefix.isEmpty {
            let listed = try git(["ls-tree", "-d", "--name-only", commit, "--", String(prefix.dropLast())], in: top,
                                 what: "git ls-tree")
            if listed.isEmpty { return (GitRevisionTree(root: nil, temporary: nil), manifest) }   // set added since
            pathspec = ["--", prefix]
        }
        let temporary = (NSTemporaryDirectory() as NSString).appendingPathComponent("meshlint-new-since-\(UUID().uuidString)")
        let tree = (temporary as NSString).appendingPathComponent("tree")
        do {
            try FileManager.default.createDirectory(atPath: tree, withIntermediateDirectories: true)
            let archive = (temporary as NSString).appendingPathComponent("old.tar")
            _ = try git(["archive", "--format=tar", "-o", archive, commit] + pathspec, in: top, what: "git archive \(revision)")
            try run(["tar", "-xf", archive, "-C", tree], in: top, what: "tar")
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        let oldRoot = prefix.isEmpty ? tree : (tree as NSString).appendingPathComponent(String(prefix.dropLast()))
        var oldManifest = manifest
        if let manifest {
            let absolute = URL(fileURLWithPath: manifest).standardizedFileURL.path
            let topPath = URL(fileURLWithPath: top).standardizedFileURL.path
            if absolute.hasPrefix(topPath + "/") {
                oldManifest = (tree as NSString).appendingPathComponent(String(absolute.dropFirst(topPath.count + 1)))
            }
        }
        return (GitRevisionTree(root: oldRoot, temporary: temporary), oldManifest)
    }

    /// Removes the temporary copy.
    func remove() {
        if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
    }

    /// Runs git and returns its stdout without the trailing newline.
    @discardableResult
    static func git(_ args: [String], in directory: String, what: String) throws -> String {
        try run(["git"] + args, in: directory, what: what)
    }

    @discardableResult
    static func run(_ argv: [String], in directory: String, what: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw UsageError(description: "\(what): cannot run \(argv[0]): \(error.localizedDescription)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errData, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "exit \(process.terminationStatus)"
            throw UsageError(description: "\(what): \(message)")
        }
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
