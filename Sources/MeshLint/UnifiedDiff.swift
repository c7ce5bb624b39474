/// Unified diffs of whole files (`git diff` style, three lines of context), for `meshlint fix
/// --diff` and its tests.
enum UnifiedDiff {
    /// The diff of one file; "" when the texts are equal.
    static func render(path: String, _ a: [UInt8], _ b: [UInt8]) -> String {
        let old = lines(a), new = lines(b)
        guard old != new else { return "" }
        // Common prefix and suffix first: fixes change a few lines of a file.
        var pre = 0
        while pre < old.count && pre < new.count && old[pre] == new[pre] { pre += 1 }
        var suf = 0
        while suf < old.count - pre && suf < new.count - pre && old[old.count - 1 - suf] == new[new.count - 1 - suf] { suf += 1 }
        let x = Array(old[pre..<(old.count - suf)]), y = Array(new[pre..<(new.count - suf)])
        // The edit script over whole files: (kind, old index, new index). Fixes change a few
        // lines here and there, so after a difference the texts resynchronise nearby: take the
        // nearest pair of equal lines (followed by another equal pair, or at an end) within a
        // window; far apart, the rest is one replacement. Linear in the file for fixes.
        var ops: [(Character, Int, Int)] = (0..<pre).map { (" ", $0, $0) }
        func syncs(_ i: Int, _ j: Int) -> Bool {
            guard i < x.count, j < y.count, x[i] == y[j] else { return false }
            return i + 1 == x.count || j + 1 == y.count || x[i + 1] == y[j + 1]
        }
        var i = 0, j = 0
        while i < x.count || j < y.count {
            if i < x.count && j < y.count && x[i] == y[j] { ops.append((" ", pre + i, pre + j)); i += 1; j += 1; continue }
            var next: (Int, Int)?
            search: for distance in 1...window {
                for a in 0...distance where syncs(i + a, j + distance - a) {
                    next = (i + a, j + distance - a)
                    break search
                }
            }
            let (ti, tj) = next ?? (x.count, y.count)
            while i < ti { ops.append(("-", pre + i, pre + j)); i += 1 }
            while j < tj { ops.append(("+", pre + i, pre + j)); j += 1 }
        }
        for k in 0..<suf { ops.append((" ", old.count - suf + k, new.count - suf + k)) }
        // Hunks: changes with three lines of context, merged when they touch.
        var out = "--- a/\(path)\n+++ b/\(path)\n"
        let changed = ops.indices.filter { ops[$0].0 != " " }
        var k = 0
        while k < changed.count {
            let start = max(0, changed[k] - 3)
            var end = min(ops.count - 1, changed[k] + 3)
            while k + 1 < changed.count && changed[k + 1] - 3 <= end + 1 { k += 1; end = min(ops.count - 1, changed[k] + 3) }
            let hunk = ops[start...end]
            let oldCount = hunk.filter { $0.0 != "+" }.count, newCount = hunk.filter { $0.0 != "-" }.count
            let oldStart = hunk.first { $0.0 != "+" }.map { $0.1 + 1 } ?? ops[start].1
            let newStart = hunk.first { $0.0 != "-" }.map { $0.2 + 1 } ?? ops[start].2
            out += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
            for op in hunk {
                let text = op.0 == "+" ? new[op.2] : old[op.1]
                out += String(op.0) + text.text + "\n"
                if !text.hasNewline { out += "\\ No newline at end of file\n" }
            }
            k += 1
        }
        return out
    }

    /// How far apart (in lines of both files) a resynchronisation is looked for.
    static let window = 200

    struct Line: Equatable {
        var text: String
        var hasNewline: Bool
    }

    /// Lines without their `\n` (a CRLF line keeps its `\r`).
    static func lines(_ bytes: [UInt8]) -> [Line] {
        var out: [Line] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            out.append(Line(text: String(decoding: bytes[start..<i], as: UTF8.self), hasNewline: true))
            start = i + 1
        }
        if start < bytes.count { out.append(Line(text: String(decoding: bytes[start...], as: UTF8.self), hasNewline: false)) }
        return out
    }
}
