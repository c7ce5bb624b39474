/// A Secret istiod reads (or is meant to read) as another cluster's credentials: named
/// `istio-remote-secret-*`, annotated `networking.istio.io/cluster`, or holding a kubeconfig in
/// `data`/`stringData` (the 1.1–1.7 `kubectl create secret generic <name> --from-file <kubeconfig>`
/// shape). Every data key is a cluster ID for istiod, and its value the kubeconfig.
///
/// A class (immutable), as are its entries: the graph, its derived facts and the rules hand
/// secrets around by the hundred thousand in a full mesh, and a reference is one retain where a
/// copy of the struct retained every string, array and node in it.
public final class RemoteSecret: Sendable {
    /// Why the Secret counts as a remote secret.
    public enum Evidence: String, Sendable, Hashable {
        case name, annotation, kubeconfig
    }

    /// One `data`/`stringData` entry: key = the cluster ID istiod registers, value = kubeconfig.
    public final class Entry: Sendable {
        /// The key, located at the key node.
        public let key: Located<String>
        /// `data` (base64) or `stringData`.
        public var field: String { isStringData ? "stringData" : "data" }
        /// The value node.
        public let value: YAMLNode
        /// The kubeconfig, when the value decodes (and, for secrets found only by content, looks
        /// like one). Nil when the value is not base64 or not text.
        public let kubeconfig: Kubeconfig?
        /// Why the value could not be read as a kubeconfig (bad base64, not UTF-8), if so.
        public var decodeProblem: String? { problem?.message }
        /// `data.<key>` / `stringData.<key>`.
        public var fieldPath: String { "\(field).\(key.value)" }

        // Stored small (a million entries in a full mesh of a thousand clusters).
        private let isStringData: Bool
        private let problem: DecodeProblem?

        enum DecodeProblem: UInt8 {
            case notBase64, notUTF8

            var message: String {
                switch self {
                case .notBase64: return "the value is not valid base64"
                case .notUTF8: return "the base64 value does not decode to UTF-8 text"
                }
            }
        }

        init(key: Located<String>, field: String, value: YAMLNode, kubeconfig: Kubeconfig?, problem: DecodeProblem?) {
            precondition(field == "data" || field == "stringData")
            self.key = key
            self.isStringData = field == "stringData"
            self.value = value
            self.kubeconfig = kubeconfig
            self.problem = problem
        }
    }

    /// The Secret.
    public let resource: Resource
    /// Why it was recognised.
    public var evidence: Set<Evidence> {
        Set([Evidence.name, .annotation, .kubeconfig].filter { evidenceBits & Self.bit($0) != 0 })
    }
    /// `evidence` as bits (a set per secret was an allocation each, for a million secrets).
    private let evidenceBits: UInt8

    private static func bit(_ e: Evidence) -> UInt8 {
        switch e {
        case .name: return 1
        case .annotation: return 2
        case .kubeconfig: return 4
        }
    }
    /// The data/stringData entries (stringData first, as the API server lets it win).
    public let entries: [Entry]
    /// `networking.istio.io/cluster` (written by istioctl; istiod itself does not read it).
    public let annotation: Located<String>?
    /// The `<name>` of `istio-remote-secret-<name>`, located at `metadata.name`.
    public let nameSuffix: Located<String>?

    init(resource: Resource, evidenceBits: UInt8, entries: [Entry], annotation: Located<String>?,
         nameSuffix: Located<String>?) {
        self.resource = resource
        self.evidenceBits = evidenceBits
        self.entries = entries
        self.annotation = annotation
        self.nameSuffix = nameSuffix
    }

    /// The cluster holding the Secret (where istiod would read it).
    public var holder: Int { resource.clusterIndex }
    /// `metadata.namespace` (default `default`).
    public var namespace: String { resource.namespace }
    /// The `istio/multiCluster` label value node as written (any type), if present.
    public var multiClusterLabel: YAMLNode? { resource.labelsNode?["istio/multiCluster"] }
    /// The key node of `metadata.labels`, if the Secret has labels.
    public var labelsKey: YAMLNode? { resource.metadata?.keyNode("labels") }
    /// True when istiod's selector `istio/multiCluster=true` matches the Secret as written.
    public var isSelectedByIstiod: Bool {
        guard let v = multiClusterLabel, v.isScalar, v.resolvedType == .string else { return false }
        return v.scalarEquals("true")
    }

    static let namePrefix = "istio-remote-secret-"
    static let clusterAnnotation = "networking.istio.io/cluster"
    /// Its path in the Secret, one string for every reference that points there.
    static let clusterAnnotationPath = "metadata.annotations.\(clusterAnnotation)"
    /// Secrets that hold a kubeconfig but are not watched by istiod (`--type=config` for an
    /// external control plane, mounted as a file).
    static let notRemoteSecretNames: Set<String> = ["istio-kubeconfig"]

    /// Recognises and reads a remote secret; nil for any other Secret. A Secret found by its
    /// content only counts in the Istio namespace (`istioNamespace`), or elsewhere when labelled
    /// `istio/multiCluster: "true"`: other kubeconfigs belong to other tools (Cluster API
    /// `<cluster>-kubeconfig`, Flux, Argo CD).
    static func read(_ r: Resource, istioNamespace: String = "istio-system", parses: EmbeddedParseCache? = nil,
                     kubeconfigs: KubeconfigReadCache? = nil) -> RemoteSecret? {
        guard r.kind == "Secret", !notRemoteSecretNames.contains(r.name) else { return nil }
        var evidence: UInt8 = 0
        var suffix: Located<String>?
        if r.name.hasPrefix(namePrefix) {
            evidence |= bit(.name)
            let s = String(r.name.dropFirst(namePrefix.count))
            if !s.isEmpty { suffix = Located(s, r.nameNode) }
        }
        let annotation = r.annotation(clusterAnnotation)
        if annotation != nil { evidence |= bit(.annotation) }
        let byDeclaration = evidence != 0
        // Service-account tokens, TLS and docker secrets never hold a kubeconfig for istiod.
        if !byDeclaration, let t = r.root["type"]?.text, t != "Opaque" { return nil }
        // Outside the Istio namespace only when labelled for istiod: a hand-made remote secret
        // created without `-n istio-system` (MC204 reports the namespace).
        if !byDeclaration, r.namespace != istioNamespace, r.label("istio/multiCluster")?.value != "true" { return nil }

        var entries: [Entry] = []
        // Keys seen so far: a secret has one or a few, so a list (a set per secret costs a
        // hash table allocation for each of a million secrets).
        var seenKeys: [String] = []
        for field in ["stringData", "data"] {
            guard let map = r.root[field], map.isMapping else { continue }
            for (k, v) in map.pairs {
                guard let key = k.text, !seenKeys.contains(key) else { continue }
                seenKeys.append(key)
                var problem: Entry.DecodeProblem?
                var embedded: EmbeddedYAML?
                if field == "data" {
                    if let s = v.text {
                        if let decoded = Base64.decode(s) {
                            if let t = String(validating: decoded, as: UTF8.self) {
                                if byDeclaration || Kubeconfig.mayBeKubeconfig(t) {
                                    embedded = EmbeddedYAML(text: t, host: v, key: k, mapPositions: false)
                                }
                            } else {
                                problem = .notUTF8
                            }
                        } else {
                            problem = .notBase64
                        }
                    }
                } else if v.isScalar && v.resolvedType != .null && (byDeclaration || v.text.map(Kubeconfig.mayBeKubeconfig) == true) {
                    // The value's own text, parsed where it lies (no copy of the kubeconfig).
                    embedded = EmbeddedYAML(scalarOf: v, key: k, cache: parses)
                }
                var kubeconfig: Kubeconfig?
                if let embedded {
                    kubeconfig = Kubeconfig.read(embedded, requireShape: !byDeclaration, cache: kubeconfigs)
                    if let kubeconfig, kubeconfig.facts.looksLikeKubeconfig { evidence |= bit(.kubeconfig) }
                }
                entries.append(Entry(key: Located(key, k), field: field, value: v, kubeconfig: kubeconfig,
                                     problem: problem))
            }
        }
        guard evidence != 0 else { return nil }
        if !byDeclaration {
            // Found by content only: keep just the entries that are kubeconfigs.
            entries = entries.filter { $0.kubeconfig != nil }
        }
        return RemoteSecret(resource: r, evidenceBits: evidence, entries: entries, annotation: annotation, nameSuffix: suffix)
    }
}
