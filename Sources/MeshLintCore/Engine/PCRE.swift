import CPCRE2

/// A compiled PCRE2 regular expression (JIT-compiled where the platform supports it).
/// Immutable after creation and safe to share between threads; every match uses its own
/// match data.
public final class PCRE: @unchecked Sendable {
    /// Why a pattern did not compile.
    public struct CompileError: Error, Sendable, CustomStringConvertible {
        public let pattern: String
        public let offset: Int
        public let message: String
        public var description: String { "invalid regular expression '\(pattern)' at offset \(offset): \(message)" }
    }

    /// The source pattern.
    public let pattern: String
    private let code: OpaquePointer

    /// Compiles `pattern` (UTF-8 mode; `caseless` for case-insensitive matching).
    public init(_ pattern: String, caseless: Bool = false) throws {
        var errorCode: Int32 = 0
        var errorOffset: Int = 0
        var options = UInt32(PCRE2_UTF)
        if caseless { options |= UInt32(PCRE2_CASELESS) }
        let compiled = pattern.withCString { p in
            p.withMemoryRebound(to: UInt8.self, capacity: pattern.utf8.count) { up in
                pcre2_compile_8(up, pattern.utf8.count, options, &errorCode, &errorOffset, nil)
            }
        }
        guard let compiled else {
            var buf = [UInt8](repeating: 0, count: 256)
            _ = pcre2_get_error_message_8(errorCode, &buf, buf.count)
            throw CompileError(pattern: pattern, offset: errorOffset,
                               message: String(decoding: buf.prefix { $0 != 0 }, as: UTF8.self))
        }
        _ = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE))
        self.code = compiled
        self.pattern = pattern
    }

    /// For patterns written in the source: a bad pattern is a programming error.
    public convenience init(literal pattern: String, caseless: Bool = false) {
        do { try self.init(pattern, caseless: caseless) } catch { fatalError("\(error)") }
    }

    deinit { pcre2_code_free_8(code) }

    /// A match: the whole match and each capture group (nil when a group did not take part),
    /// with UTF-8 byte ranges.
    public struct Match: Sendable {
        public let groups: [String?]
        public let ranges: [Range<Int>?]
        /// The whole match.
        public var text: String { groups[0] ?? "" }
        /// Capture group `i` (1-based like in the pattern).
        public subscript(_ i: Int) -> String? { i < groups.count ? groups[i] : nil }
    }

    /// True when the pattern matches somewhere in `subject`.
    public func matches(_ subject: String) -> Bool { firstMatch(in: subject) != nil }

    /// The first match at or after UTF-8 offset `from`.
    public func firstMatch(in subject: String, from: Int = 0) -> Match? {
        var s = subject
        return s.withUTF8 { buf in match(buf, from: from) }
    }

    /// Every non-overlapping match, in order.
    public func allMatches(in subject: String) -> [Match] {
        var s = subject
        return s.withUTF8 { buf in
            var out: [Match] = []
            var pos = 0
            while pos <= buf.count, let m = match(buf, from: pos), let r = m.ranges[0] {
                out.append(m)
                pos = r.isEmpty ? r.upperBound + 1 : r.upperBound
            }
            return out
        }
    }

    private func match(_ buf: UnsafeBufferPointer<UInt8>, from: Int) -> Match? {
        guard let md = pcre2_match_data_create_from_pattern_8(code, nil) else { return nil }
        defer { pcre2_match_data_free_8(md) }
        let base = buf.baseAddress ?? UnsafePointer<UInt8>(bitPattern: 1)!
        let rc = pcre2_match_8(code, base, buf.count, from, 0, md, nil)
        guard rc > 0 else { return nil }
        let ovector = pcre2_get_ovector_pointer_8(md)!
        let pairs = Int(pcre2_get_ovector_count_8(md))
        var groups: [String?] = []
        var ranges: [Range<Int>?] = []
        for i in 0..<pairs {
            let start = ovector[2 * i], end = ovector[2 * i + 1]
            if start < 0 || end < start {
                groups.append(nil)
                ranges.append(nil)
            } else {
                groups.append(String(decoding: UnsafeBufferPointer(rebasing: buf[start..<end]), as: UTF8.self))
                ranges.append(start..<end)
            }
        }
        return Match(groups: groups, ranges: ranges)
    }
}
