import Foundation

/// What `kustomize build` printed for one kustomization directory.
public struct KustomizeOutput: Sendable {
    /// The rendered YAML stream.
    public var text: String
    /// The directory that `config.kubernetes.io/origin` paths in `text` are relative to (absolute).
    public var originBase: String

    public init(text: String, originBase: String) {
        self.text = text
        self.originBase = originBase
    }
}

/// Why a kustomization could not be rendered (the tool's own error, shortened).
public struct KustomizeFailure: Error, Sendable, Equatable {
    /// One or a few lines for the user.
    public var message: String

    public init(message: String) { self.message = message }
}

/// Renders a kustomization directory. The loader calls this seam instead of running a program
/// itself, so the library works without any tool on PATH and tests can render without one.
public protocol KustomizeRendering: Sendable {
    /// The command a user would run, for messages (e.g. `kubectl kustomize`).
    var commandName: String { get }
    /// Renders the kustomization in `directory` (an absolute real path inside the set). Every
    /// reference it makes was checked to stay inside the set before this is called.
    func render(directory: String) -> Result<KustomizeOutput, KustomizeFailure>
}

/// Runs `kubectl kustomize` or `kustomize build` from PATH, with a timeout, no kubeconfig and
/// origin annotations on, so each rendered resource names the file it came from.
public struct KustomizeCommand: KustomizeRendering {
    /// The executable (absolute path).
    public let executable: String
    /// Arguments before the directory (`["kustomize"]` for kubectl, `["build"]` for kustomize).
    public let arguments: [String]
    /// Seconds before the render is stopped.
    public var timeout: Double

    public var commandName: String {
        (PathText.lastComponent(executable) + " " + arguments.joined(separator: " "))
    }

    public init(executable: String, arguments: [String], timeout: Double = 60) {
        self.executable = executable
        self.arguments = arguments
        self.timeout = timeout
    }

    /// `kubectl kustomize`, else `kustomize build`, found on `PATH` (nil when neither is there).
    public static func fromPATH(_ path: String? = ProcessInfo.processInfo.environment["PATH"]) -> KustomizeCommand? {
        let dirs = (path ?? "").split(separator: ":").map(String.init)
        func find(_ name: String) -> String? {
            dirs.lazy.map { $0 + "/" + name }.first { access($0, X_OK) == 0 }
        }
        if let k = find("kubectl") { return KustomizeCommand(executable: k, arguments: ["kustomize"]) }
        if let k = find("kustomize") { return KustomizeCommand(executable: k, arguments: ["build"]) }
        return nil
    }

    public func render(directory: String) -> Result<KustomizeOutput, KustomizeFailure> {
        // kustomize has no flag for origin annotations: a kustomization of our own in a scratch
        // directory includes the user's one (by a relative path: kustomize refuses absolute
        // ones) and asks for them. The user's files are never written.
        let fm = FileManager.default
        let scratch = NSTemporaryDirectory() + "meshlint-kustomize-\(UUID().uuidString)"
        guard (try? fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)) != nil,
              case .success(let scratchReal) = FileWalker.realPath(scratch) else {
            return .failure(KustomizeFailure(message: "cannot create a scratch directory for the render"))
        }
        defer { try? fm.removeItem(atPath: scratch) }
        let wrapper = "resources:\n- \(Self.relativePath(from: scratchReal, to: directory))\nbuildMetadata: [originAnnotations]\n"
        guard (try? wrapper.write(toFile: scratchReal + "/kustomization.yaml", atomically: true, encoding: .utf8)) != nil else {
            return .failure(KustomizeFailure(message: "cannot write the scratch kustomization"))
        }
        switch run(arguments + [scratchReal], in: scratchReal) {
        case .success(let text):
            return .success(KustomizeOutput(text: text, originBase: scratchReal))
        case .failure(let e) where e.timedOut:
            return .failure(KustomizeFailure(message: e.message))
        case .failure(let first):
            // An older kustomize without `buildMetadata`: render the directory itself; the
            // loader then maps documents back by identity instead of origin.
            switch run(arguments + [directory], in: directory) {
            case .success(let text): return .success(KustomizeOutput(text: text, originBase: directory))
            case .failure(let e): return .failure(KustomizeFailure(message: Self.summarize(e.message.isEmpty ? first.message : e.message, scratch: scratchReal)))
            }
        }
    }

    private struct RunFailure: Error {
        var message: String
        var timedOut = false
    }

    /// Runs the tool with `args` in `directory`; stdout, or stderr's text on failure.
    private func run(_ args: [String], in directory: String) -> Result<String, RunFailure> {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        // No kubeconfig, no proxies: rendering is local. Remote references were refused before.
        p.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
                         "HOME": NSTemporaryDirectory(), "KUBECONFIG": "/dev/null"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            return .failure(RunFailure(message: "cannot run \(executable): \(error.localizedDescription)"))
        }
        final class Box: @unchecked Sendable { var data = Data() }
        let errBytes = Box()
        let group = DispatchGroup()
        group.enter()
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async { errBytes.data = errHandle.readDataToEndOfFile(); group.leave() }
        let timer = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let outBytes = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        timer.cancel()
        if p.terminationReason == .uncaughtSignal {
            return .failure(RunFailure(message: "\(commandName) did not finish within \(Int(timeout)) seconds", timedOut: true))
        }
        guard p.terminationStatus == 0 else {
            return .failure(RunFailure(message: String(decoding: errBytes.data, as: UTF8.self)))
        }
        return .success(String(decoding: outBytes, as: UTF8.self))
    }

    /// The last meaningful line of the tool's error, without the scratch directory's name.
    static func summarize(_ stderr: String, scratch: String) -> String {
        let line = stderr.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }).map(String.init) ?? "failed"
        var msg = line.replacingOccurrences(of: scratch + "/", with: "").replacingOccurrences(of: scratch, with: ".")
        if let r = msg.range(of: "err=\"") { msg = String(msg[r.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        return msg.count > 400 ? String(msg.prefix(400)) + "…" : msg
    }

    /// `to` relative to `from` (both absolute, normalized).
    static func relativePath(from: String, to: String) -> String {
        let a = from.split(separator: "/"), b = to.split(separator: "/")
        var n = 0
        while n < a.count && n < b.count && a[n] == b[n] { n += 1 }
        let ups = Array(repeating: "..", count: a.count - n)
        let rest = b[n...].map(String.init)
        let parts = ups + rest
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
