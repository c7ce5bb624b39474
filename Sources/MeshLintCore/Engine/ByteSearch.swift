#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Substring tests on UTF-8 bytes for the package's own code.
//
// With Foundation imported anywhere in a module, `text.contains("x")` resolves to Foundation's
// `StringProtocol.contains`, which on Linux bridges both strings to NSString and searches UTF-16
// with a locale-aware compare: a heap copy and a slow search per call, on paths that run once
// per resource or per remote secret. These overloads are more specific (a concrete `String`
// argument), so every such call in MeshLintCore, MeshLintRules and MeshLint takes them instead;
// `package` keeps them out of the library's public API.
//
// Semantics are those of Kubernetes and Istio, which compare bytes: the needle matches where its
// UTF-8 bytes occur (a `\n` inside a `\r\n` pair too, as with Foundation). As with Foundation, the
// empty string is contained in nothing.

extension String {
    /// True when `other`'s UTF-8 bytes occur in this string's (false for an empty `other`).
    @inline(__always)
    package func contains(_ other: String) -> Bool {
        var me = self
        return me.withUTF8 { haystack in ByteSearch.contains(haystack, other) }
    }
}

extension Substring {
    /// True when `other`'s UTF-8 bytes occur in this substring's (false for an empty `other`).
    @inline(__always)
    package func contains(_ other: String) -> Bool {
        var me = self
        return me.withUTF8 { haystack in ByteSearch.contains(haystack, other) }
    }
}

package enum ByteSearch {
    /// True when `needle`'s UTF-8 bytes occur in `haystack` (false for an empty needle).
    package static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: String) -> Bool {
        var needle = needle
        return needle.withUTF8 { n in
            guard !n.isEmpty, n.count <= haystack.count, let h = haystack.baseAddress else { return false }
            // memchr for the first byte, memcmp for the rest (glibc's memmem is not exported to
            // Swift without _GNU_SOURCE).
            let first = Int32(n[0]), last = haystack.count - n.count
            var i = 0
            while i <= last {
                guard let hit = memchr(h + i, first, last - i + 1) else { return false }
                let at = h.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if n.count == 1 || memcmp(h + at + 1, n.baseAddress! + 1, n.count - 1) == 0 { return true }
                i = at + 1
            }
            return false
        }
    }
}
