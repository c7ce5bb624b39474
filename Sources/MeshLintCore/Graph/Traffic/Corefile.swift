/// A CoreDNS `Corefile` (Caddyfile syntax) parsed into server blocks and plugin directives, each
/// word with its position in the file that holds the Corefile (usually the literal block of
/// ConfigMap `kube-system/coredns` `data.Corefile`).
///
/// Handles comments, quoted words, shell substitutions copied from docs (`$(kubectl get svc …)`
/// is one word), nested blocks (`health { … }`), several keys per block (`global:53 mesh:53`),
/// snippets (`(name) { … }`) expanded where they are imported, and file imports, which are kept
/// as unresolved.
public struct Corefile: Sendable {
    /// One whitespace-separated word.
    public struct Token: Sendable, Hashable {
        /// The word (quotes removed).
        public let text: String
        /// Where it is written.
        public let location: SourceLocation
        /// 0-based line of the word within the Corefile text.
        let lineIndex: Int
        /// True for a standalone `{` or `}` (block punctuation, not a value).
        let isBrace: Bool
    }

    /// A server block key such as `global:53`, `.:53` or `dns://global`.
    public struct ZoneKey: Sendable {
        /// The key as written.
        public let token: Token
        /// The zone, lowercased, without scheme, port or trailing dot; "" for the root zone `.`.
        public let zone: String
        /// The port, when written.
        public let port: Int?
        /// The scheme (`dns` when none is written).
        public let scheme: String

        /// True when the block listens where the cluster's DNS Service sends queries (port 53).
        public var servesClusterDNS: Bool { (port == nil || port == 53) && scheme == "dns" }
    }

    /// A plugin line with its arguments and optional block.
    public struct Directive: Sendable {
        /// The plugin name (`forward`, `proxy`, `template`, ...).
        public let name: Token
        /// The words after the name on its line.
        public let args: [Token]
        /// The directives of its `{ … }` block, if it has one.
        public let block: [Directive]?
    }

    /// A server block (or a snippet definition).
    public struct ServerBlock: Sendable {
        /// The zones the block serves.
        public let keys: [ZoneKey]
        /// Directives, with `import`s of snippets defined in the same Corefile expanded.
        public let directives: [Directive]
        /// `import` directives that name files (not snippets): their content is unknown.
        public let unresolvedImports: [Token]
    }

    /// Server blocks in order (snippets are not listed).
    public let blocks: [ServerBlock]
    /// Top-level `import` of files (e.g. `import /etc/coredns/custom/*.server`).
    public let unresolvedImports: [Token]
    /// Problems that made part of the text unreadable (unbalanced braces).
    public let problems: [(message: String, location: SourceLocation)]

    /// Parses `text` whose characters sit where `layout` says.
    public static func parse(_ text: String, layout: ScalarTextLayout) -> Corefile {
        var p = CorefileParser(tokens: CorefileLexer.tokens(text, layout: layout), host: layout.host)
        return p.parseFile()
    }

    /// Parses the text of a scalar value (e.g. `data.Corefile`); `key` is the scalar's mapping key
    /// and `parentKey` the key above it (`data`), used to learn the file's indentation.
    public static func parse(value: YAMLNode, key: YAMLNode?, parentKey: YAMLNode? = nil) -> Corefile {
        parse(value.scalar ?? "", layout: ScalarTextLayout(host: value, key: key, parentKey: parentKey))
    }

    /// Parses directives that are spliced into the root server block (AKS `coredns-custom`
    /// `*.override` keys) as a block with the root zone.
    public static func parseOverride(value: YAMLNode, key: YAMLNode?, parentKey: YAMLNode? = nil) -> Corefile {
        let layout = ScalarTextLayout(host: value, key: key, parentKey: parentKey)
        var p = CorefileParser(tokens: CorefileLexer.tokens(value.scalar ?? "", layout: layout), host: layout.host)
        return p.parseBody(asRootBlockAt: SourceLocation(key ?? value))
    }
}

/// Splits Corefile text into words.
enum CorefileLexer {
    static func tokens(_ text: String, layout: ScalarTextLayout) -> [Corefile.Token] {
        var out: [Corefile.Token] = []
        let file = layout.host.file.path
        for (lineIndex, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let chars = Array(line.unicodeScalars)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c == " " || c == "\t" || c == "\r" { i += 1; continue }
                if c == "#" { break }
                let start = i
                var word = ""
                if c == "\"" || c == "`" {
                    let quote = c
                    i += 1
                    while i < chars.count && chars[i] != quote {
                        if chars[i] == "\\" && quote == "\"" && i + 1 < chars.count { i += 1 }
                        word.unicodeScalars.append(chars[i])
                        i += 1
                    }
                    i += 1
                } else if c == "$" && i + 1 < chars.count && chars[i + 1] == "(" {
                    // A shell substitution copied from documentation: one word up to the matching ')'.
                    var depth = 0
                    word.unicodeScalars.append(chars[i])
                    i += 1
                    while i < chars.count {
                        if chars[i] == "(" { depth += 1 }
                        if chars[i] == ")" { depth -= 1 }
                        word.unicodeScalars.append(chars[i])
                        i += 1
                        if depth == 0 { break }
                    }
                } else {
                    while i < chars.count && chars[i] != " " && chars[i] != "\t" && chars[i] != "\r" {
                        word.unicodeScalars.append(chars[i])
                        i += 1
                    }
                }
                let pos = layout.position(line: lineIndex, column: start)
                let loc = SourceLocation(file: file, line: pos.line, column: pos.column)
                // `.:53{` — a key with its brace attached.
                if word.count > 1 && word.hasSuffix("{") && !word.hasSuffix("}{") && !word.contains("{$") {
                    out.append(Corefile.Token(text: String(word.dropLast()), location: loc, lineIndex: lineIndex, isBrace: false))
                    let bpos = layout.position(line: lineIndex, column: start + word.unicodeScalars.count - 1)
                    out.append(Corefile.Token(text: "{", location: SourceLocation(file: file, line: bpos.line, column: bpos.column),
                                              lineIndex: lineIndex, isBrace: true))
                } else {
                    out.append(Corefile.Token(text: word, location: loc, lineIndex: lineIndex, isBrace: word == "{" || word == "}"))
                }
            }
        }
        return out
    }
}

struct CorefileParser {
    let tokens: [Corefile.Token]
    let host: YAMLNode
    var i = 0
    var problems: [(message: String, location: SourceLocation)] = []
    var snippets: [String: [Corefile.Directive]] = [:]

    init(tokens: [Corefile.Token], host: YAMLNode) {
        self.tokens = tokens
        self.host = host
    }

    mutating func parseFile() -> Corefile {
        var blocks: [Corefile.ServerBlock] = []
        var topImports: [Corefile.Token] = []
        while i < tokens.count {
            let first = tokens[i]
            if first.isBrace {
                if first.text == "}" { problems.append(("unexpected '}'", first.location)) }
                i += 1
                continue
            }
            if first.text == "import" {
                // Top-level import: a snippet (its blocks are unknown here) or files.
                i += 1
                while i < tokens.count && tokens[i].lineIndex == first.lineIndex { topImports.append(tokens[i]); i += 1 }
                continue
            }
            // Keys: words up to `{` (keys may continue on following lines after a trailing comma).
            var keyTokens: [Corefile.Token] = []
            while i < tokens.count && !tokens[i].isBrace {
                let t = tokens[i]
                if let last = keyTokens.last, t.lineIndex != last.lineIndex && !last.text.hasSuffix(",") { break }
                keyTokens.append(t)
                i += 1
            }
            let keyWords = keyTokens.flatMap { t in
                t.text.split(separator: ",").filter { !$0.isEmpty }.map { Corefile.Token(text: String($0), location: t.location, lineIndex: t.lineIndex, isBrace: false) }
            }
            if i < tokens.count && tokens[i].text == "{" {
                i += 1
                let (body, imports) = parseDirectives(untilClose: true)
                if let name = keyWords.first?.text, keyWords.count == 1, name.hasPrefix("("), name.hasSuffix(")") {
                    snippets[String(name.dropFirst().dropLast())] = body
                } else {
                    blocks.append(Corefile.ServerBlock(keys: keyWords.map(Self.zoneKey), directives: body, unresolvedImports: imports))
                }
            } else if blocks.isEmpty && !keyWords.isEmpty {
                // A Corefile with a single block may omit braces: keys on the first line, then directives.
                let (body, imports) = parseDirectives(untilClose: false)
                blocks.append(Corefile.ServerBlock(keys: keyWords.map(Self.zoneKey), directives: body, unresolvedImports: imports))
            } else if let t = keyTokens.first {
                problems.append(("server block '\(t.text)' has no '{'", t.location))
            }
        }
        // Second pass: expand snippet imports that appear before their definition.
        blocks = blocks.map { b in
            var imports: [Corefile.Token] = []
            let expanded = expand(b.directives, unresolved: &imports)
            return Corefile.ServerBlock(keys: b.keys, directives: expanded, unresolvedImports: b.unresolvedImports + imports)
        }
        var fileImports: [Corefile.Token] = []
        for t in topImports where snippets[t.text] == nil { fileImports.append(t) }
        return Corefile(blocks: blocks, unresolvedImports: fileImports, problems: problems)
    }

    /// Parses everything as the body of the root block (used for `*.override` snippets).
    mutating func parseBody(asRootBlockAt location: SourceLocation) -> Corefile {
        let (body, imports) = parseDirectives(untilClose: false)
        let key = Corefile.ZoneKey(token: Corefile.Token(text: ".", location: location, lineIndex: 0, isBrace: false),
                                   zone: "", port: nil, scheme: "dns")
        return Corefile(blocks: [Corefile.ServerBlock(keys: [key], directives: body, unresolvedImports: imports)],
                        unresolvedImports: [], problems: problems)
    }

    /// Directives up to the matching `}` (or the end). Returns the directives and file imports.
    mutating func parseDirectives(untilClose: Bool) -> ([Corefile.Directive], [Corefile.Token]) {
        var out: [Corefile.Directive] = []
        var imports: [Corefile.Token] = []
        while i < tokens.count {
            let t = tokens[i]
            if t.isBrace && t.text == "}" {
                i += 1
                if untilClose { return (out, imports) }
                problems.append(("unexpected '}'", t.location))
                continue
            }
            if t.isBrace { i += 1; continue }
            i += 1
            var args: [Corefile.Token] = []
            while i < tokens.count && tokens[i].lineIndex == t.lineIndex && !tokens[i].isBrace {
                args.append(tokens[i])
                i += 1
            }
            var block: [Corefile.Directive]?
            if i < tokens.count && tokens[i].text == "{" && tokens[i].isBrace && tokens[i].lineIndex == t.lineIndex {
                i += 1
                let (inner, innerImports) = parseDirectives(untilClose: true)
                block = inner
                imports += innerImports
            }
            let d = Corefile.Directive(name: t, args: args, block: block)
            if t.text == "import", let target = args.first {
                if let snippet = snippets[target.text] {
                    out += snippet
                } else {
                    out.append(d)
                }
                continue
            }
            out.append(d)
        }
        if untilClose, let last = tokens.last { problems.append(("unclosed '{'", last.location)) }
        return (out, imports)
    }

    func expand(_ directives: [Corefile.Directive], unresolved: inout [Corefile.Token]) -> [Corefile.Directive] {
        var out: [Corefile.Directive] = []
        for d in directives {
            if d.name.text == "import", let target = d.args.first {
                if let snippet = snippets[target.text] { out += snippet } else { unresolved.append(target) }
            } else {
                out.append(d)
            }
        }
        return out
    }

    static func zoneKey(_ t: Corefile.Token) -> Corefile.ZoneKey {
        var s = t.text.lowercased()
        var scheme = "dns"
        if let r = s.range(of: "://") {
            scheme = String(s[..<r.lowerBound])
            s = String(s[r.upperBound...])
        }
        var port: Int?
        if let colon = s.lastIndex(of: ":"), !s.hasPrefix("[") || s[..<colon].hasSuffix("]") {
            port = Int(s[s.index(after: colon)...])
            s = String(s[..<colon])
        }
        return Corefile.ZoneKey(token: t, zone: DNSName.zone(s), port: port, scheme: scheme)
    }
}

/// DNS name helpers shared by the Corefile and kube-dns readers.
public enum DNSName {
    /// A zone normalised for comparison: lowercased, without the trailing dot; "" for the root.
    public static func zone(_ s: String) -> String {
        var z = s.lowercased()
        while z.hasSuffix(".") { z.removeLast() }
        return z
    }

    /// True when names under `inner` are within `outer` (equal, or `outer` is a parent; the
    /// root "" contains everything).
    public static func zone(_ outer: String, contains inner: String) -> Bool {
        outer.isEmpty || inner == outer || inner.hasSuffix("." + outer)
    }

    /// The IP in a forwarding target (`10.0.0.1`, `10.0.0.1:53`, `dns://10.0.0.1:53`,
    /// `[fd00::1]:53`, `fd00::1`), or nil for anything else (a file, a placeholder, a name).
    public static func ip(inTarget target: String) -> String? {
        var s = target
        if let r = s.range(of: "://") { s = String(s[r.upperBound...]) }
        if s.hasPrefix("[") {
            guard let close = s.firstIndex(of: "]") else { return nil }
            let inner = String(s[s.index(after: s.startIndex)..<close])
            return IPText.isIPv6(inner) ? inner.lowercased() : nil
        }
        if IPText.isIPv6(s) { return s.lowercased() }
        if let colon = s.firstIndex(of: ":") { s = String(s[..<colon]) }
        return IPText.isIPv4(s) ? s : nil
    }
}

/// Minimal IP literal checks (no allocation-heavy parsing; CIDR rules live elsewhere).
public enum IPText {
    /// True for a dotted-quad IPv4 address.
    public static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in !p.isEmpty && p.count <= 3 && p.allSatisfy(\.isASCII) && p.allSatisfy(\.isNumber) && Int(p)! <= 255 }
    }

    /// True for something shaped like an IPv6 address.
    public static func isIPv6(_ s: String) -> Bool {
        s.contains(":") && s.split(separator: ":", omittingEmptySubsequences: false).count >= 3
            && s.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }

    /// True for an IPv4 or IPv6 literal.
    public static func isIP(_ s: String) -> Bool { isIPv4(s) || isIPv6(s) }
}
