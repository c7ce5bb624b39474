/// A small, strict-enough base64 decoder for Secret `data` values (standard alphabet, also the
/// URL-safe one; whitespace and line breaks ignored; padding optional).
public enum Base64 {
    private static let table: [Int8] = {
        var t = [Int8](repeating: -1, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = Int8(i) }
        t[Int(UInt8(ascii: "-"))] = 62
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    /// The decoded bytes, or nil when `text` is not base64 (a character outside the alphabet,
    /// data after padding, or a length that cannot come from an encoder).
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var acc: UInt32 = 0
        var bits = 0
        var symbols = 0
        var padding = 0
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                continue
            case UInt8(ascii: "="):
                padding += 1
                if padding > 2 { return nil }
                continue
            default:
                guard padding == 0 else { return nil }
                let v = table[Int(c)]
                guard v >= 0 else { return nil }
                acc = (acc << 6) | UInt32(v)
                bits += 6
                symbols += 1
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                    acc &= (1 << UInt32(bits)) - 1
                }
            }
        }
        // A single leftover symbol carries fewer than 8 bits: no encoder produces that.
        if symbols % 4 == 1 { return nil }
        if padding > 0 && (symbols + padding) % 4 != 0 { return nil }
        return out
    }

    /// The decoded text when `text` is base64 of valid UTF-8.
    public static func decodeUTF8(_ text: String) -> String? {
        guard let bytes = decode(text) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}
