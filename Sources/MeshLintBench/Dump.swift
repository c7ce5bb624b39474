// `meshlint-bench dump DIR`: a canonical, complete text dump of a loaded set (every file's
// documents, diagnostics and nodes with kind, style, tag, position, text and children; the
// resources, clusters and assignments; the findings). Loader optimisations must leave it
// byte-identical: dump a few sets before and after a change and compare.
import MeshLint

func dumpSet(_ dir: String) throws {
    // Serial, so node order and diagnostics are deterministic.
    let set = try ConfigSetLoader(options: LoadOptions(parallel: false)).load(paths: [dir])
    var out = ""
    for f in set.files {
        out += "FILE \(f.path) bytes=\(f.byteCount) nodes=\(f.nodeCount)\n"
        for d in f.documents { out += " DOC root=\(d.root) \(d.position)\n" }
        for d in f.diagnostics { out += " DIAG \(d)\n" }
        // Nodes reachable from the documents, in index order (the nodes of a rejected document
        // can be incomplete: an alias that was refused leaves its slot out).
        var reachable = Set<Int32>()
        var work = f.roots
        while let n = work.popLast() {
            guard reachable.insert(n.index).inserted else { continue }
            if n.isSequence { work += n.items }
            if n.isMapping { for p in n.pairs { work += [p.key, p.value] } }
        }
        for i in reachable.sorted() {
            let n = f.node(i)
            var s = " N\(i) \(n.kind) \(n.style) tag=\(n.tag ?? "-") \(n.line):\(n.column)"
            switch n.kind {
            case .scalar: s += " \(String(reflecting: n.scalar!)) type=\(n.resolvedType)"
            case .sequence: s += " [" + n.items.map { String($0.index) }.joined(separator: ",") + "]"
            case .mapping: s += " {" + n.pairs.map { "\($0.key.index):\($0.value.index)" }.joined(separator: ",") + "}"
            }
            out += s + "\n"
        }
    }
    for r in set.resources { out += "RES \(r.clusterIndex) \(r.identity) \(r.file) root=\(r.root.index) shared=\(r.isShared)\n" }
    for c in set.clusters { out += "CLUSTER \(c.index) \(c.name) \(c.files)\n" }
    for h in set.helmValues { out += "HELM \(h.clusterIndex) \(h.root.file.path) \(h.root.index)\n" }
    for u in set.unrecognized { out += "UNREC \(u.file.path) \(u.index)\n" }
    for n in set.notes { out += "NOTE \(n)\n" }
    for u in set.unreadable { out += "UNREADABLE \(u)\n" }
    for (k, v) in set.assignments.sorted(by: { $0.key < $1.key }) { out += "ASSIGN \(k) \(v)\n" }
    for f in try Linter().lint(set).findings { out += "FINDING \(f)\n" }
    print(out, terminator: "")
}
