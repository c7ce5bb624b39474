/// Reads `meshlint.yaml` (apiVersion meshlint/v1, kind ConfigSet).
enum ManifestParser {
    static func parse(_ file: YAMLFile) -> (manifest: Manifest?, problems: [(node: YAMLNode, message: String)]) {
        var problems: [(node: YAMLNode, message: String)] = []
        guard let root = file.roots.first(where: { $0.isMapping }) else {
            if let r = file.roots.first { problems.append((r, "the manifest must be a mapping with a 'clusters' list")) }
            return (nil, problems)
        }
        if let kind = root["kind"], !kind.scalarEquals("ConfigSet") {
            problems.append((kind, "manifest kind should be 'ConfigSet'"))
        }
        guard let list = root["clusters"], list.isSequence else {
            problems.append((root["clusters"] ?? root, "the manifest needs a 'clusters' list; falling back to one cluster per top-level directory"))
            return (nil, problems)
        }
        func strings(_ node: YAMLNode?, _ field: String) -> [Located<String>] {
            guard let node else { return [] }
            if node.isScalar, let s = node.text { return [Located(s, node)] }
            guard node.isSequence else {
                problems.append((node, "'\(field)' must be a list of strings"))
                return []
            }
            var out: [Located<String>] = []
            for item in node.items {
                if let s = item.text { out.append(Located(s, item)) } else { problems.append((item, "'\(field)' entries must be strings")) }
            }
            return out
        }
        var clusters: [ClusterDeclaration] = []
        var names = Set<String>()
        for entry in list.items {
            guard entry.isMapping else {
                problems.append((entry, "each cluster must be a mapping with 'name' and 'paths'"))
                continue
            }
            guard let nameNode = entry["name"], let name = nameNode.text, !name.isEmpty else {
                problems.append((entry, "cluster entry has no 'name'"))
                continue
            }
            guard names.insert(name).inserted else {
                problems.append((nameNode, "cluster '\(name)' is declared twice in the manifest"))
                continue
            }
            var paths = strings(entry["paths"], "paths").map(\.value)
            if paths.isEmpty { paths = ["\(name)/**"] }
            let network = entry["network"].flatMap { n in n.text.map { Located($0, n) } }
            let role = entry["role"].flatMap { n in n.text.map { Located($0, n) } }
            if let role, role.value != "primary", role.value != "remote" {
                problems.append((role.node, "role must be 'primary' or 'remote', not '\(role.value)'"))
            }
            clusters.append(ClusterDeclaration(
                name: Located(name, nameNode), paths: paths, network: network,
                podCIDRs: strings(entry["podCIDRs"], "podCIDRs"),
                serviceCIDRs: strings(entry["serviceCIDRs"], "serviceCIDRs"),
                gatewayAddresses: strings(entry["gatewayAddresses"], "gatewayAddresses"),
                role: role, node: entry))
        }
        return (Manifest(file: file, clusters: clusters, shared: strings(root["shared"], "shared").map(\.value)), problems)
    }
}
