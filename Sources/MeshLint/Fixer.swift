/// A fix that was not applied because the file it would produce does not parse as before.
public struct FixRefusal: Sendable, Hashable, CustomStringConvertible {
    /// The file (relative to the set's root).
    public let file: String
    /// Why it was refused.
    public let reason: String

    public var description: String { "\(file): fix not applied: \(reason)" }
}

/// The result of applying fixes to in-memory files.
public struct FixApplication: Sendable {
    /// Every file's text after the fixes (unchanged files included), by path.
    public var texts: [String: [UInt8]]
    /// The fixes applied.
    public var applied: [Fix]
    /// Fixes left for a later pass because they overlap one applied before them.
    public var deferred: [Fix]
    /// Files whose fixes were refused, with the reason.
    public var refused: [FixRefusal]
}

/// Applying fixes to files held in memory (the CLI's `meshlint fix` and embedders).
public enum Fixes {
    /// Applies the non-overlapping subset of `fixes` (in order) to `texts` (path → bytes).
    /// A file is changed only when every edit of it is applied and the result parses with the
    /// same documents and no new YAML problem; otherwise its fixes are refused with a reason.
    /// Edits for files not in `texts` are refused (a fix never touches files outside the set).
    public static func apply(_ fixes: [Fix], to texts: [String: [UInt8]]) -> FixApplication {
        var result = FixApplication(texts: texts, applied: [], deferred: [], refused: [])
        let chosen = FixApplier.nonOverlapping(fixes)
        result.deferred = fixes.filter { f in !f.edits.isEmpty && !chosen.contains(f) }
        var byFile: [String: [TextEdit]] = [:]
        var refusedFiles = Set<String>()
        for f in chosen {
            for e in f.edits { byFile[e.file, default: []].append(e) }
        }
        for (file, edits) in byFile.sorted(by: { $0.key < $1.key }) {
            guard let before = texts[file] else {
                result.refused.append(FixRefusal(file: file, reason: "the file is not part of the set"))
                refusedFiles.insert(file)
                continue
            }
            guard let after = FixApplier.apply(edits, to: before) else {
                result.refused.append(FixRefusal(file: file, reason: "the edits overlap or lie outside the file"))
                refusedFiles.insert(file)
                continue
            }
            if let problem = parseProblem(before: before, after: after, path: file) {
                result.refused.append(FixRefusal(file: file, reason: "the result would no longer parse as before (\(problem)); the file is left unchanged"))
                refusedFiles.insert(file)
                continue
            }
            result.texts[file] = after
        }
        result.applied = chosen.filter { $0.files.isDisjoint(with: refusedFiles) }
        return result
    }

    /// What is wrong with `after` compared with `before`: a YAML problem it adds, or a changed
    /// number of documents; nil when it parses as well as before.
    static func parseProblem(before: [UInt8], after: [UInt8], path: String) -> String? {
        let old = YAMLParser.parse(bytes: before, path: path)
        let new = YAMLParser.parse(bytes: after, path: path)
        let oldProblems = Set(old.diagnostics.map { "\($0.kind.rawValue): \($0.message)" })
        if let d = new.diagnostics.first(where: { !oldProblems.contains("\($0.kind.rawValue): \($0.message)") }) {
            return "line \(d.position.line), column \(d.position.column): \(d.message)"
        }
        if new.diagnostics.count > old.diagnostics.count { return "a YAML problem more than before" }
        if new.documents.count != old.documents.count {
            return "\(new.documents.count) documents instead of \(old.documents.count)"
        }
        return nil
    }
}

/// One file a fix run changed.
public struct FixedFile: Sendable {
    /// Path relative to the set's root.
    public let path: String
    /// Where the file lives on disk (nil for in-memory documents).
    public let location: String?
    /// The text before the fixes.
    public let original: [UInt8]
    /// The text after the fixes.
    public let fixed: [UInt8]
}

/// What `meshlint fix` did: the changed files, the fixes applied, what was refused, and the
/// lint report of the fixed set.
public struct FixResult: Sendable {
    /// Changed files, sorted by path.
    public let files: [FixedFile]
    /// Every fix applied, over all passes.
    public let applied: [Fix]
    /// The findings those fixes repaired (one fix can repair the same finding reported for
    /// several clusters of a shared file).
    public let fixed: [Finding]
    /// Fixes refused (the file would not parse as before).
    public let refused: [FixRefusal]
    /// The findings left after the fixes.
    public let report: LintReport
    /// Lint passes run (the last one finds nothing more to fix, or the limit was reached).
    public let passes: Int

    /// A unified diff of every changed file (`--- a/path`, `+++ b/path`).
    public var diff: String { files.map { UnifiedDiff.render(path: $0.path, $0.original, $0.fixed) }.joined() }
}

extension Linter {
    /// How many lint-and-fix passes a run makes at most (fixes that overlap wait for the next).
    public static let maxFixPasses = 5

    /// Lints the set under `paths`, applies every safe fix in memory (overlapping ones in later
    /// passes), and lints again. Nothing is written: the result holds the new texts and their
    /// locations (the CLI writes them).
    public func fix(paths: [String], options: LoadOptions = LoadOptions()) throws(LoadError) -> FixResult {
        var opts = options
        var failure: LoadError?
        let result = fixLoop { overlay in
            opts.overlay = overlay
            do throws(LoadError) {
                return try self.lint(paths: paths, options: opts)
            } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        return result!
    }

    /// The same for in-memory documents (relative path → text); the fixed texts are in the
    /// result's `files`.
    public func fix(documents: [(path: String, text: String)], options: LoadOptions = LoadOptions()) -> FixResult {
        fixLoop { overlay in
            self.lint(documents: documents.map { d in (d.path, overlay[d.path].map { String(decoding: $0, as: UTF8.self) } ?? d.text) },
                      options: options)
        }!
    }

    /// A finding and the fix proposed for it, as stable across passes as edits move lines.
    static func fixKey(_ f: Finding, _ fix: Fix) -> String {
        [f.rule, f.cluster ?? "-", f.file, f.fieldPath ?? f.message, fix.title].joined(separator: "|")
    }

    private func fixLoop(_ lint: ([String: [UInt8]]) -> LintReport?) -> FixResult? {
        var overlay: [String: [UInt8]] = [:]
        var originals: [String: [UInt8]] = [:]
        var applied: [Fix] = []
        var fixed: [Finding] = []
        var refused: [FixRefusal] = []
        var refusedFixes = Set<Fix>()
        var tried = Set<String>()
        guard var report = lint(overlay) else { return nil }
        var passes = 1
        while passes <= Self.maxFixPasses {
            // A fix that did not repair its finding is not applied again (that would repeat an
            // insertion); a different fix for the same finding may follow (a second rule to edit).
            let fixes = report.findings.compactMap { f -> Fix? in
                guard let fix = f.fix, !refusedFixes.contains(fix) else { return nil }
                if tried.contains(Self.fixKey(f, fix)) {
                    refusedFixes.insert(fix)
                    refused.append(FixRefusal(file: f.file, reason: "\(fix.title): the finding is still reported after this fix was applied, so it is not applied again"))
                    return nil
                }
                return fix
            }
            guard !fixes.isEmpty else { break }
            var texts: [String: [UInt8]] = [:]
            for file in Set(fixes.flatMap(\.files)) {
                if let t = overlay[file] ?? report.set.sources.text(of: file)?.bytes { texts[file] = t }
            }
            let step = Fixes.apply(fixes, to: texts)
            refused += step.refused
            for f in Fixes.refusedFixes(fixes, step) { refusedFixes.insert(f) }
            guard !step.applied.isEmpty else { break }
            for (file, text) in step.texts where text != texts[file] {
                if originals[file] == nil { originals[file] = texts[file] }
                overlay[file] = text
            }
            applied += step.applied
            let done = Set(step.applied)
            for f in report.findings { if let fix = f.fix, done.contains(fix) { fixed.append(f); tried.insert(Self.fixKey(f, fix)) } }
            guard let next = lint(overlay) else { return nil }
            report = next
            passes += 1
        }
        let files = overlay.keys.sorted().compactMap { p -> FixedFile? in
            guard let o = originals[p], let n = overlay[p], o != n else { return nil }
            return FixedFile(path: p, location: report.set.sources.locations[p], original: o, fixed: n)
        }
        return FixResult(files: files, applied: applied, fixed: fixed, refused: refused, report: report, passes: min(passes, Self.maxFixPasses))
    }
}

extension Fixes {
    /// Applies `fixes` to in-memory documents (relative path → text), as ``apply(_:to:)``
    /// does to bytes; returns the documents in the same order with their new texts.
    public static func apply(_ fixes: [Fix], to documents: [(path: String, text: String)])
        -> (documents: [(path: String, text: String)], application: FixApplication) {
        var texts: [String: [UInt8]] = [:]
        for d in documents { texts[d.path] = Array(d.text.utf8) }
        let result = apply(fixes, to: texts)
        let out = documents.map { d in (path: d.path, text: result.texts[d.path].map { String(decoding: $0, as: UTF8.self) } ?? d.text) }
        return (out, result)
    }

    /// The fixes of `fixes` that touch a file `step` refused.
    static func refusedFixes(_ fixes: [Fix], _ step: FixApplication) -> [Fix] {
        let files = Set(step.refused.map(\.file))
        return fixes.filter { !$0.files.isDisjoint(with: files) }
    }
}
