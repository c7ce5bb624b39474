import Foundation

/// A file found under the config set's root, before parsing.
struct FoundFile: Sendable {
    /// Path relative to the root, with `/`.
    let relative: String
    /// Path to open: the file's real path (no symlink in it), checked to be under the root.
    let absolute: String
    /// Named on the command line: read even through a symlink (the user chose the file).
    var explicit = false
}

/// Something the walker skipped, with the reason (symlink loops, links out of the set, FIFOs...).
public struct LoadNote: Sendable, Hashable {
    /// Relative path of what was skipped.
    public let path: String
    /// Why it was skipped.
    public let message: String
}

/// Walks a directory tree: `.yaml`, `.yml`, `.json` files, sorted, hidden entries skipped,
/// directory symlink loops detected by device and inode. Only regular files whose real path is
/// under one of `boundaries` are listed; symlinks that leave them, FIFOs, sockets and devices
/// become notes, so nothing outside the set is ever opened and nothing can block a read.
struct FileWalker {
    static let extensions: Set<String> = ["yaml", "yml", "json"]

    /// Real paths (symlinks resolved) of the directories the set may read from.
    let boundaries: [String]
    var files: [FoundFile] = []
    var notes: [LoadNote] = []
    /// Directories that exist but cannot be listed (relative path, reason): nothing under them was checked.
    var unreadableDirectories: [(path: String, message: String)] = []
    /// Directories holding a Helm chart (`Chart.yaml` + `templates/`), relative: their templates
    /// are not YAML and are not listed; the chart's own top-level files (values) are.
    var charts: [String] = []
    /// Directories holding a kustomization file, relative, with the real path of the directory.
    var kustomizations: [(path: String, real: String)] = []
    /// File names that make a directory a kustomization, in kustomize's order of preference.
    static let kustomizationNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
    private var visited: Set<DirID> = []

    private struct DirID: Hashable { let dev: UInt64; let ino: UInt64 }

    init(boundaries: [String]) {
        self.boundaries = boundaries
    }

    static func isConfigFile(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// The path with every symlink resolved, or the errno that stopped the resolution.
    static func realPath(_ path: String) -> Resolved {
        guard let p = realpath(path, nil) else { return .failure(errno) }
        defer { free(p) }
        return .success(String(cString: p))
    }

    /// A resolved path, or the errno that stopped the resolution.
    enum Resolved {
        case success(String)
        case failure(Int32)
    }

    /// Whether `real` (a resolved path) lies under one of the boundaries.
    func isInside(_ real: String) -> Bool {
        boundaries.contains { b in b == "/" || real == b || real.hasPrefix(b + "/") }
    }

    /// What a non-regular, non-directory file is, for messages.
    static func describeType(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFLNK: return "a symlink"
        default: return "not a regular file"
        }
    }

    /// Walks the directory `root` (whose real path must be inside the boundaries).
    mutating func walk(root: String, relativePrefix: String = "") {
        guard case .success(let real) = Self.realPath(root) else { return }
        var st = stat()
        guard stat(real, &st) == 0 else { return }
        var ancestors: [DirID] = []
        visit(dir: real, relative: relativePrefix, id: DirID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino)), ancestors: &ancestors)
    }

    private mutating func visit(dir: String, relative: String, id: DirID, ancestors: inout [DirID]) {
        if ancestors.contains(id) {
            notes.append(LoadNote(path: relative, message: "directory symlink loop (points back to an enclosing directory); not followed"))
            return
        }
        if visited.contains(id) {
            notes.append(LoadNote(path: relative, message: "directory already loaded through another path; not loaded twice"))
            return
        }
        visited.insert(id)
        ancestors.append(id)
        defer { ancestors.removeLast() }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: dir)
        } catch {
            unreadableDirectories.append((relative.isEmpty ? "." : relative, describe(error)))
            return
        }
        let names = Set(entries)
        let isChart = names.contains("Chart.yaml") && names.contains("templates")
        if isChart { charts.append(relative.isEmpty ? "." : relative) }
        // Only a regular file (not a link, FIFO or device) makes a kustomization: the renderer
        // would open it without our checks.
        if let k = Self.kustomizationNames.first(where: { n in
            var st = stat()
            return names.contains(n) && lstat(dir + "/" + n, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        }) {
            kustomizations.append((relative.isEmpty ? "." : relative, dir))
            if k == "Kustomization" {
                files.append(FoundFile(relative: relative.isEmpty ? k : relative + "/" + k, absolute: dir + "/" + k))
            }
        }
        for name in entries.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            if name.hasPrefix(".") { continue }
            let abs = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            var lst = stat()
            guard lstat(abs, &lst) == 0 else {
                if Self.isConfigFile(name) {
                    // Let the reader report the error with its errno.
                    files.append(FoundFile(relative: rel, absolute: abs))
                }
                continue
            }
            var target = abs
            var st = lst
            if (lst.st_mode & S_IFMT) == S_IFLNK {
                switch Self.realPath(abs) {
                case .failure(let e):
                    let why = e == ELOOP ? "symlink loop (the link resolves back to itself)"
                        : e == ENOENT || e == ENOTDIR ? "dangling symlink (its target does not exist)"
                        : "symlink that cannot be resolved (\(String(cString: strerror(e))))"
                    notes.append(LoadNote(path: rel, message: "\(why); skipped"))
                    continue
                case .success(let real):
                    // stat of the resolved path only reads metadata; nothing is opened.
                    guard stat(real, &st) == 0 else { continue }
                    let relevant = (st.st_mode & S_IFMT) == S_IFDIR || Self.isConfigFile(name)
                    guard isInside(real) else {
                        if relevant {
                            notes.append(LoadNote(path: rel, message: "symlink whose target is outside the config set's root; not followed (meshlint reads only files under the root)"))
                        }
                        continue
                    }
                    target = real
                }
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                // A chart's subdirectories (templates, subcharts, CI values) are rendered by helm, not read.
                if isChart { continue }
                visit(dir: target, relative: rel, id: DirID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino)), ancestors: &ancestors)
            case S_IFREG:
                if Self.isConfigFile(name) { files.append(FoundFile(relative: rel, absolute: target)) }
            default:
                if Self.isConfigFile(name) {
                    notes.append(LoadNote(path: rel, message: "\(Self.describeType(st.st_mode)), not a regular file; not read"))
                }
            }
        }
    }

    private func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(u.code)))
        }
        if ns.domain == NSCocoaErrorDomain && ns.code == CocoaError.fileReadNoPermission.rawValue {
            return String(cString: strerror(EACCES))
        }
        return ns.localizedDescription
    }
}

/// Reads a whole file, returning bytes or a readable error. Never blocks on a FIFO and never
/// reads a device: only a regular file is read, and at most `maxBytes` of it.
enum FileReader {
    /// `followSymlinks: false` refuses a symlink as the last path component (files found by the
    /// walker are opened by their real path, so a link there means the tree changed under us).
    static func read(_ path: String, maxBytes: Int, followSymlinks: Bool = false) -> Result<[UInt8], FileReadError> {
        var flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC
        if !followSymlinks { flags |= O_NOFOLLOW }
        let fd = open(path, flags)
        guard fd >= 0 else {
            let e = errno
            return .failure(FileReadError(message: e == ELOOP && !followSymlinks ? "is a symlink; not followed" : String(cString: strerror(e))))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(FileReadError(message: String(cString: strerror(errno)))) }
        if (st.st_mode & S_IFMT) == S_IFDIR { return .failure(FileReadError(message: "is a directory")) }
        if (st.st_mode & S_IFMT) != S_IFREG {
            return .failure(FileReadError(message: "is \(FileWalker.describeType(st.st_mode)), not a regular file; not read", notRegular: true))
        }
        if Int(st.st_size) > maxBytes {
            return .failure(tooLarge(Int(st.st_size), maxBytes))
        }
        // One read into a buffer of the file's size (plus one byte, to see the end of the file
        // without a second buffer); a file that grew since fstat is read on in chunks, up to the limit.
        let size = max(Int(st.st_size), 0)
        var failure: Int32 = 0
        let want = size + 1
        var out = [UInt8](unsafeUninitializedCapacity: want) { buf, count in
            count = 0
            while count < want {
                let n = Foundation.read(fd, buf.baseAddress! + count, want - count)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { return }
                count += n
            }
        }
        if failure != 0 { return .failure(FileReadError(message: String(cString: failure == EAGAIN ? strerror(EIO) : strerror(failure)))) }
        if out.count == want {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    return .failure(FileReadError(message: String(cString: strerror(errno))))
                }
                if n == 0 { break }
                out.append(contentsOf: chunk[0..<n])
                if out.count > maxBytes { return .failure(tooLarge(out.count, maxBytes, growing: true)) }
            }
        }
        return .success(out)
    }

    private static func tooLarge(_ size: Int, _ maxBytes: Int, growing: Bool = false) -> FileReadError {
        FileReadError(message: growing
                      ? "file grew past the \(maxBytes)-byte limit while being read; it was not parsed"
                      : "file is \(size) bytes, over the \(maxBytes)-byte limit; it was not parsed",
                      tooLarge: true)
    }
}

struct FileReadError: Error, Sendable {
    let message: String
    var tooLarge = false
    var notRegular = false
}
