/// How reporters write a finding's fix: the JSON document's `fix` and SARIF's `fixes`.
enum FixOutput {
    /// `{"title", "edits": [{file, startOffset, endOffset, startLine, startColumn, endLine,
    /// endColumn, replacement}]}`, or null when the finding has no safe fix.
    static func json(_ fix: Fix?) -> JSONWriter.Value {
        guard let fix else { return .null }
        return .object([
            ("title", .string(fix.title)),
            ("edits", .array(fix.edits.map { e in
                .object([
                    ("file", .string(e.file)),
                    ("startOffset", .int(e.startOffset)), ("endOffset", .int(e.endOffset)),
                    ("startLine", .int(e.startLine)), ("startColumn", .int(e.startColumn)),
                    ("endLine", .int(e.endLine)), ("endColumn", .int(e.endColumn)),
                    ("replacement", .string(e.replacement)),
                ])
            })),
        ])
    }

    /// SARIF `fixes`: one fix with one `artifactChange` per file; each replacement names the
    /// deleted region by line/column and by byte offset/length.
    static func sarif(_ fix: Fix, prefix: String) -> JSONWriter.Value {
        var files: [String] = []
        for e in fix.edits where !files.contains(e.file) { files.append(e.file) }
        let changes: [JSONWriter.Value] = files.map { file in
            var artifact: JSONWriter.Value = .null
            if case .object(let pairs) = SARIFReporter.physical(file, line: 1, column: 1, prefix: prefix),
               let a = pairs.first(where: { $0.0 == "artifactLocation" }) {
                artifact = a.1
            }
            return .object([
                ("artifactLocation", artifact),
                ("replacements", .array(fix.edits.filter { $0.file == file }.map { e in
                    .object([
                        ("deletedRegion", .object([
                            ("startLine", .int(e.startLine)), ("startColumn", .int(e.startColumn)),
                            ("endLine", .int(e.endLine)), ("endColumn", .int(e.endColumn)),
                            ("byteOffset", .int(e.startOffset)), ("byteLength", .int(e.endOffset - e.startOffset)),
                        ])),
                        ("insertedContent", .object([("text", .string(e.replacement))])),
                    ])
                })),
            ])
        }
        return .array([.object([
            ("description", SARIFReporter.text(fix.title)),
            ("artifactChanges", .array(changes)),
        ])])
    }
}
