import Foundation

/// Path arithmetic for set roots as the user gave them (relative to the current directory or
/// absolute) and paths relative to a set's root.
enum Paths {
    /// `a/b` from `a` and `b` (no doubled slash, `.` dropped).
    static func join(_ dir: String, _ name: String) -> String {
        if dir.isEmpty || dir == "." { return name }
        return dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// The directory a set root stands for: the root itself, or its parent when it names a file.
    static func rootDirectory(of root: String) -> String {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isDir), !isDir.boolValue {
            let parent = PathText.parent(root)
            return parent.isEmpty ? "." : parent
        }
        return root
    }

    /// An absolute, standardised path (`..` and `.` resolved) for a path relative to the current directory.
    static func absolute(_ path: String, currentDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        let p = path.hasPrefix("/") ? path : join(currentDirectory, path)
        return normalise(p)
    }

    /// Resolves `.` and `..` segments and duplicate slashes without touching the file system.
    static func normalise(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = out.last, last != ".." { out.removeLast(); continue }
            if part == "..", absolute { continue }
            out.append(part)
        }
        let joined = out.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// `path` (relative to the current directory, or absolute) relative to the directory of the
    /// set root `root`, using `..` when it lies outside.
    static func relative(_ path: String, toRoot root: String,
                         currentDirectory: String = FileManager.default.currentDirectoryPath) -> String {
        let base = rootDirectory(of: absolute(root, currentDirectory: currentDirectory)).split(separator: "/")
        let target = absolute(path, currentDirectory: currentDirectory).split(separator: "/")
        var n = 0
        while n < base.count && n < target.count && base[n] == target[n] { n += 1 }
        let ups = Array(repeating: "..", count: base.count - n)
        return (ups + target[n...].map(String.init)).joined(separator: "/")
    }

    /// The prefix that turns a set-relative path into one relative to the directory meshlint ran
    /// in (`""` for the root `.`, `mesh/` for `mesh`); absolute roots keep their absolute path.
    static func displayPrefix(root: String) -> String {
        let dir = normalise(rootDirectory(of: root))
        return dir == "." ? "" : dir + "/"
    }
}
