import Foundation

extension LintReport {
    /// The report restricted to what a change to `files` is involved in (`--only-changed`, for
    /// pre-commit): findings whose file, or any related location's file, is one of them. The
    /// whole set was still loaded and checked, so cross-cluster findings that a changed file
    /// causes elsewhere are kept, and nothing from untouched files is.
    ///
    /// Paths may be relative to `currentDirectory` (as pre-commit passes them), relative to the
    /// set's root, or absolute. When the manifest or `.meshlint.yaml` is among them every
    /// finding is kept, because those files change how every other file is read.
    public func onlyChanged(_ files: [String],
                            currentDirectory: String = FileManager.default.currentDirectoryPath) -> LintReport {
        let changed = ChangedFiles.setRelative(files, setRoot: set.root, currentDirectory: currentDirectory)
        if changed.contains(where: { set.assignments[$0] == .meta || $0 == LintConfiguration.fileName }) {
            return self
        }
        return filtered { f in changed.contains(f.file) || f.related.contains { changed.contains($0.file) } }
    }
}

/// Normalisation of the file names given to `--only-changed`.
public enum ChangedFiles {
    /// The directory a set root stands for: the root itself, or its parent when it names a
    /// file (a manifest); where `--new-since` asks git about the set.
    public static func directory(ofRoot root: String) -> String { Paths.rootDirectory(of: root) }

    /// The set-relative paths `files` can stand for: each is read both relative to
    /// `currentDirectory` (then made relative to the set's root) and relative to the root itself.
    public static func setRelative(_ files: [String], setRoot: String, currentDirectory: String) -> Set<String> {
        var out = Set<String>()
        for f in files {
            let fromCwd = Paths.relative(f, toRoot: setRoot, currentDirectory: currentDirectory)
            if !fromCwd.hasPrefix("../") && fromCwd != ".." { out.insert(fromCwd) }
            if !f.hasPrefix("/") {
                let fromRoot = Paths.normalise(f)
                if !fromRoot.hasPrefix("../") { out.insert(fromRoot) }
            }
        }
        return out
    }
}

extension LintReport {
    /// The report restricted to findings that `old` (the same set at an earlier revision) does
    /// not have, by fingerprint and count (`--new-since REV`): an old fault whose file was only
    /// edited is not reported again, and a deletion that breaks something is, because the
    /// finding it causes has no fingerprint in `old`.
    public func newSince(_ old: LintReport) -> LintReport {
        Baseline(report: old).apply(to: self)
    }
}
