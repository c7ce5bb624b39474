import Foundation

/// A file found under the config set's root, before parsing.
struct FoundFile: Sendable {
    /// Path relative to the root, with `/`.
    let relative: String
    /// Path to open.
    let absolute: String
}

/// Something the walker skipped, with the reason (symlink loops, unreadable directories).
public struct LoadNote: Sendable, Hashable {
    /// Relative path of what was skipped.
    public let path: String
    /// Why it was skipped.
    public let message: String
}

/// Walks a directory tree: `.yaml`, `.yml`, `.json` files, sorted, hidden entries skipped,
/// directory symlink loops detected by device and inode.
struct FileWalker {
    static let extensions: Set<String> = ["yaml", "yml", "json"]

    var files: [FoundFile] = []
    var notes: [LoadNote] = []
    private var visited: Set<DirID> = []

    private struct DirID: Hashable { let dev: UInt64; let ino: UInt64 }

    static func isConfigFile(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: ".") else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }

    private static func dirID(_ path: String) -> DirID? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return DirID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
    }

    mutating func walk(root: String, relativePrefix: String = "") {
        guard let id = Self.dirID(root) else { return }
        var ancestors: [DirID] = []
        visit(dir: root, relative: relativePrefix, id: id, ancestors: &ancestors)
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
            notes.append(LoadNote(path: relative.isEmpty ? "." : relative,
                                  message: "cannot read directory: \(describe(error))"))
            return
        }
        for name in entries.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            if name.hasPrefix(".") { continue }
            let abs = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            var st = stat()
            guard stat(abs, &st) == 0 else {
                var lst = stat()
                if lstat(abs, &lst) == 0 && (lst.st_mode & S_IFMT) == S_IFLNK {
                    notes.append(LoadNote(path: rel, message: "dangling symlink; skipped"))
                } else if Self.isConfigFile(name) {
                    // Let the reader report the error with its errno.
                    files.append(FoundFile(relative: rel, absolute: abs))
                }
                continue
            }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                visit(dir: abs, relative: rel, id: DirID(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino)), ancestors: &ancestors)
            } else if Self.isConfigFile(name) {
                files.append(FoundFile(relative: rel, absolute: abs))
            }
        }
    }

    private func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(u.code)))
        }
        return ns.localizedDescription
    }
}

/// Reads a whole file, returning bytes or a readable error.
enum FileReader {
    static func read(_ path: String, maxBytes: Int) -> Result<[UInt8], FileReadError> {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return .failure(FileReadError(message: String(cString: strerror(errno)))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(FileReadError(message: String(cString: strerror(errno)))) }
        if (st.st_mode & S_IFMT) == S_IFDIR { return .failure(FileReadError(message: "is a directory")) }
        if Int(st.st_size) > maxBytes {
            return .failure(FileReadError(message: "file is \(st.st_size) bytes, over the \(maxBytes)-byte limit; it was not parsed", tooLarge: true))
        }
        // One read into a buffer of the file's size (plus one byte, to see the end of the file
        // without a second buffer); a file that grew since fstat is read on in chunks.
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
        if failure != 0 { return .failure(FileReadError(message: String(cString: strerror(failure)))) }
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
            }
        }
        return .success(out)
    }
}

struct FileReadError: Error, Sendable {
    let message: String
    var tooLarge = false
}
