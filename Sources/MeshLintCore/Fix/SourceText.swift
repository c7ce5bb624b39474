/// The bytes of one source file with a line index: converts the loader's line:column positions
/// (columns count characters, as libyaml does) to byte offsets and back. Built only on the fix
/// path, so the YAML tree keeps no offsets of its own.
public struct SourceText: Sendable {
    /// The file's path in findings.
    public let path: String
    /// The file's bytes.
    public let bytes: [UInt8]
    /// Byte offset where each line starts (index 0 is line 1).
    let lineStarts: [Int]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            if c == 0x0A {
                starts.append(i + 1)
            } else if c == 0x0D {
                if i + 1 < n && bytes[i + 1] == 0x0A { i += 1 }
                starts.append(i + 1)
            }
            i += 1
        }
        lineStarts = starts
    }

    /// Number of lines (a final line break starts an empty last line).
    public var lineCount: Int { lineStarts.count }

    /// The line break this file uses: CRLF when its first line ends with one, else LF.
    public var lineBreak: String {
        guard lineStarts.count > 1 else { return "\n" }
        let end = lineStarts[1] - 1
        return end > 0 && bytes[end - 1] == 0x0D ? "\r\n" : "\n"
    }

    /// Byte offset of 1-based `line`, `column` (characters); nil when outside the file.
    public func offset(line: Int, column: Int) -> Int? {
        guard line >= 1, line <= lineStarts.count, column >= 1 else { return nil }
        var i = lineStarts[line - 1]
        let end = contentEnd(ofLine: line)
        var col = 1
        while col < column {
            guard i < end else { return col == column ? i : nil }
            i += 1
            while i < end && bytes[i] & 0xC0 == 0x80 { i += 1 }
            col += 1
        }
        return i
    }

    /// 1-based line and column of a byte offset.
    public func position(of offset: Int) -> SourcePosition {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        var col = 1
        var i = lineStarts[lo]
        while i < offset {
            i += 1
            while i < offset && bytes[i] & 0xC0 == 0x80 { i += 1 }
            col += 1
        }
        return SourcePosition(line: lo + 1, column: col)
    }

    /// Offset of the line break that ends `line` (the end of the file for the last line).
    public func contentEnd(ofLine line: Int) -> Int {
        guard line < lineStarts.count else { return bytes.count }
        var e = lineStarts[line] - 1
        if e > lineStarts[line - 1] && bytes[e] == 0x0A && bytes[e - 1] == 0x0D { e -= 1 }
        return e
    }

    /// The line break ending `line` ("" for a last line without one).
    public func lineBreak(ofLine line: Int) -> String {
        guard line < lineStarts.count else { return "" }
        return String(decoding: bytes[contentEnd(ofLine: line)..<lineStarts[line]], as: UTF8.self)
    }

    /// The text of `line` without its line break.
    public func text(ofLine line: Int) -> String {
        String(decoding: bytes[lineStarts[line - 1]..<contentEnd(ofLine: line)], as: UTF8.self)
    }

    /// 1-based column of the first character that is not a space, or nil for a blank line.
    public func indentColumn(ofLine line: Int) -> Int? {
        var i = lineStarts[line - 1]
        let end = contentEnd(ofLine: line)
        while i < end && bytes[i] == 0x20 { i += 1 }
        return i < end ? i - lineStarts[line - 1] + 1 : nil
    }

    /// True when the line holds only spaces or a comment.
    public func isBlankOrComment(_ line: Int) -> Bool {
        guard let c = indentColumn(ofLine: line) else { return true }
        return bytes[lineStarts[line - 1] + c - 1] == UInt8(ascii: "#")
    }

    /// A text edit replacing `range` with `replacement`.
    public func edit(_ range: Range<Int>, _ replacement: String) -> TextEdit {
        let a = position(of: range.lowerBound), b = position(of: range.upperBound)
        return TextEdit(file: path, startOffset: range.lowerBound, endOffset: range.upperBound,
                        startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column,
                        replacement: replacement)
    }

    /// The text in `range`.
    public func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    /// The bytes of a scalar node as written (quotes included, trailing comment and spaces
    /// excluded), or nil when the text there is not the node's value written on one line
    /// (anchors, tags, multi-line or block scalars, relocated nodes).
    public func scalarRange(_ node: YAMLNode) -> Range<Int>? {
        guard node.isScalar, let value = node.scalar,
              let start = offset(line: node.line, column: node.column), start < bytes.count else { return nil }
        let end = contentEnd(ofLine: node.line)
        let first = bytes[start]
        switch node.style {
        case .doubleQuoted, .singleQuoted:
            let q = node.style == .doubleQuoted ? UInt8(ascii: "\"") : UInt8(ascii: "'")
            guard first == q else { return nil }
            var i = start + 1
            while i < end {
                if node.style == .doubleQuoted && bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
                if bytes[i] == q {
                    if node.style == .singleQuoted && i + 1 < end && bytes[i + 1] == q { i += 2; continue }
                    let r = start..<(i + 1)
                    // Escapes make the written text differ from the value: not certain, no fix.
                    let inner = text((start + 1)..<i)
                    return inner == value ? r : nil
                }
                i += 1
            }
            return nil
        case .plain:
            // Block context: up to a comment or the line end; flow context: also `,` `]` `}`.
            var i = start
            var stop = end
            while i < end {
                if bytes[i] == UInt8(ascii: "#") && i > start && (bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09) { stop = i; break }
                i += 1
            }
            var e = stop
            while e > start && (bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09) { e -= 1 }
            if text(start..<e) == value { return start..<e }
            i = start
            while i < e && ![UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")].contains(bytes[i]) { i += 1 }
            var f = i
            while f > start && (bytes[f - 1] == 0x20 || bytes[f - 1] == 0x09) { f -= 1 }
            return text(start..<f) == value ? start..<f : nil
        default:
            return nil
        }
    }
}
