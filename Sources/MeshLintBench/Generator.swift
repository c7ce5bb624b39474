// A deterministic generator for large, realistic multicluster config sets.
//
// The mesh is multi-primary on several networks (Istio 1.22 installed with istioctl), the shape
// of a big production fleet: one directory per cluster with its namespaces, Cluster API
// definition (pod/service CIDRs), IstioOperator, east-west gateway and cross-network Gateway,
// plug-in CAs under one root, a remote secret for every other cluster (full mesh: n x (n-1)
// secrets with kubeconfigs), and application manifests (Services, ServiceAccounts, Deployments
// with containers/env/probes, ConfigMaps, DestinationRules, VirtualServices, egress
// ServiceEntries, ingress Gateways) packed into multi-document files of 20-200 documents the way
// `helm template` or kustomize output is committed. The set is consistent except for the
// injected faults (`Generator.faults`), each of which must give exactly one finding.
// Everything derives from one seed: the same arguments always give byte-identical files.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// SplitMix64: small, fast and good enough for synthetic data.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
    /// Uniform in `0..<n`.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    /// Uniform in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }
    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}

/// Parameters of a generated set.
struct GeneratorConfig: Equatable {
    /// Clusters in the mesh (every one a primary holding a remote secret for every other one).
    var clusters = 10
    /// Applications per cluster (each a Service, a ServiceAccount, usually a Deployment, and
    /// sometimes a ConfigMap, DestinationRule, VirtualService, egress ServiceEntry, Gateway).
    var services = 100
    /// Bytes of credentials in each embedded kubeconfig (certificate-authority-data + token).
    var secretBytes = 1400
    /// Whether to inject the faults listed by `Generator.faults` (they need at least 8 clusters).
    var faults = true
    var seed: UInt64 = 20_240_601

    /// Bumped whenever the generator's output changes, so `generate-and-run` regenerates.
    static let version = 4
    static let maxClusters = 1024

    var fingerprint: String {
        "meshlint-bench v\(Self.version) clusters=\(clusters) services=\(services) secret-bytes=\(secretBytes)"
            + " faults=\(faults) seed=\(seed)\n"
    }
}

/// What was written.
struct GeneratorSummary {
    var files = 0
    var documents = 0
    var bytes = 0
}

/// A fault the generator put into an otherwise consistent mesh, and the one finding it must cause.
struct InjectedFault: Equatable {
    let rule: String
    let cluster: String
    let file: String
    let what: String
}

/// Appends YAML text to a byte buffer.
struct Emitter {
    var bytes: [UInt8] = []
    var documents = 0

    init() { bytes.reserveCapacity(1 << 20) }

    @inline(__always) mutating func line(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        bytes.append(10)
    }

    /// Starts a document (a `---` separator before every document but the first).
    mutating func document(_ comment: String? = nil) {
        if documents > 0 { line("---") }
        if let comment { line("# " + comment) }
        documents += 1
    }

    /// A literal block scalar's lines, indented.
    mutating func block(_ text: [String], indent: Int) {
        let pad = String(repeating: " ", count: indent)
        for l in text { line(l.isEmpty ? "" : pad + l) }
    }
}

private let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
private let base64URLAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

private func randomText(_ rng: inout SplitMix64, count: Int, alphabet: [UInt8]) -> String {
    var out = [UInt8]()
    out.reserveCapacity(count)
    for _ in 0..<count { out.append(alphabet[rng.below(alphabet.count)]) }
    return String(decoding: out, as: UTF8.self)
}

private let regions = ["use1", "use2", "usw2", "euw1", "euw2", "euc1", "apse1", "apse2", "apne1", "sae1",
                       "cac1", "euw3", "aps1", "afs1", "mes1", "usw1"]
private let appWords = ["cart", "checkout", "catalog", "payments", "orders", "inventory", "search", "reviews",
                        "ratings", "profile", "auth", "billing", "shipping", "notifications", "recommendations",
                        "ads", "currency", "email", "frontend", "graphql", "ledger", "fraud", "pricing", "media",
                        "session", "loyalty", "tax", "returns", "warehouse", "quotes", "geo", "feeds"]
private let namespaceWords = ["shop", "payments", "identity", "platform", "data", "ml", "media", "ops",
                              "growth", "logistics", "finance", "support", "partner", "mobile", "web", "risk"]
private let externalHosts = ["api.stripe.com", "hooks.slack.com", "api.github.com", "sqs.us-east-1.amazonaws.com",
                             "storage.googleapis.com", "api.sendgrid.com", "login.microsoftonline.com",
                             "api.twilio.com", "vault.corp.example.com", "kafka.corp.example.com",
                             "ldap.corp.example.com", "artifactory.corp.example.com"]
private let envNames = ["LOG_LEVEL", "LOG_FORMAT", "HTTP_PORT", "GRPC_PORT", "OTEL_EXPORTER_OTLP_ENDPOINT",
                        "OTEL_SERVICE_NAME", "DB_HOST", "DB_PORT", "DB_NAME", "CACHE_URL", "FEATURE_FLAGS",
                        "REGION", "CLUSTER_NAME", "MAX_CONNECTIONS", "REQUEST_TIMEOUT", "JAVA_OPTS", "GOMAXPROCS",
                        "UPSTREAM_URL", "RETRY_BUDGET", "SAMPLE_RATE"]
private let istioTag = "1.22.3"
private let meshID = "mesh-prod"

/// One cluster of the generated mesh.
struct GenCluster {
    let index: Int
    let name: String
    let region: String
    let network: String
    let podCIDR: String
    let serviceCIDR: String
    let gatewayAddress: String
}

/// One application of the mesh-wide catalogue; every cluster defines its Service, some run it.
struct GenApp {
    let name: String
    let namespace: String
    let port: Int
    let grpc: Bool
    let versions: Int
    let hasDestinationRule: Bool
    let hasVirtualService: Bool
    let external: String?
    let homeCluster: Int
    /// The VirtualService's route timeout in seconds: one value for every cluster, since each
    /// primary's copy must be the same (MC801 reports copies that differ).
    let timeout: Int
}

/// Generates a multi-primary, multi-network mesh (Istio 1.22, istioctl installs): every cluster
/// has its IstioOperator (clusterName, network, meshID), an east-west gateway with the
/// cross-network Gateway on 15443 (AUTO_PASSTHROUGH), plug-in CAs under one root, its Cluster API
/// definition with unique pod and service CIDRs, a remote secret for every other cluster, and
/// `services` applications. Clusters come in groups of four per network. Everything is consistent
/// except the injected `faults`, so the lint must report exactly one finding for each.
struct Generator {
    let config: GeneratorConfig
    let clusters: [GenCluster]
    let namespaces: [String]

    init(config: GeneratorConfig) {
        self.config = config
        var cs: [GenCluster] = []
        for i in 0..<config.clusters {
            let group = i / 4
            let region = regions[group % regions.count]
            let generation = group / regions.count
            let site = region + (generation > 0 ? "-\(generation)" : "")
            let zone = ["a", "b", "c", "d"][i % 4]
            // Pods: /18s of 10.0.0.0/8; services: /22s of 172.16.0.0/12 (1,024 of each); east-west
            // gateways: 198.18.0.0/15 (the benchmarking range).
            cs.append(GenCluster(index: i, name: "prod-\(site)-\(zone)", region: region, network: "net-\(site)",
                                 podCIDR: "10.\(i / 4).\(i % 4 * 64).0/18",
                                 serviceCIDR: "172.\(16 + i / 64).\(i % 64 * 4).0/22",
                                 gatewayAddress: "198.\(18 + i / 250 / 256).\(i / 250 % 256).\(i % 250 + 1)"))
        }
        clusters = cs
        var ns: [String] = []
        for w in namespaceWords { ns.append(w) }
        for w in namespaceWords { ns.append(w + "-batch") }
        for t in 0..<16 { ns.append("team-\(String(format3: t * 7 + 3))") }
        namespaces = ns
    }

    func app(_ k: Int) -> GenApp {
        var rng = SplitMix64(seed: config.seed ^ (UInt64(k) &* 0xA24BAED4963EE407))
        let word = appWords[k % appWords.count]
        let name = k < appWords.count ? word : "\(word)-\(k / appWords.count)"
        let ns = namespaces[rng.below(namespaces.count)]
        let grpc = rng.chance(0.3)
        let dr = rng.chance(0.5)
        return GenApp(name: name, namespace: ns, port: grpc ? 9090 : [8080, 8000, 3000, 5000, 80][rng.below(5)],
                      grpc: grpc, versions: rng.int(1...3), hasDestinationRule: dr,
                      hasVirtualService: dr && rng.chance(0.6),
                      external: rng.chance(0.15) ? externalHosts[rng.below(externalHosts.count)] : nil,
                      homeCluster: rng.below(config.clusters), timeout: rng.int(1...30))
    }

    // MARK: - Faults

    private var faultsOn: Bool { config.faults && config.clusters >= 8 }
    /// Cluster 1's pod CIDR carved out of cluster 0's (same network).
    private var podOverlap: Int? { faultsOn ? 1 : nil }
    /// Cluster 2's secret for cluster 3 without the `istio/multiCluster` label.
    private var unlabelled: (Int, Int)? { faultsOn ? (2, 3) : nil }
    /// Cluster 5's istio-system namespace labelled with a misspelt network.
    private var namespaceNetworkTypo: Int? { faultsOn ? 5 : nil }
    /// Cluster 6's secret for cluster 7 points at a loopback API server.
    private var loopbackServer: (Int, Int)? { faultsOn ? (6, 7) : nil }
    /// Cluster 4's copy of the first application's Service names its port `tcp` while every
    /// other cluster's says `http`/`grpc` (a protocol that differs across clusters).
    private var serviceDrift: Int? { faultsOn ? 4 : nil }
    /// The last cluster's clusterName misspelt (the others' secrets call it by its name).
    private var clusterNameTypo: Int? { faultsOn ? config.clusters - 1 : nil }

    private func misspelt(_ s: String) -> String {
        var b = Array(s.utf8)
        if b.count >= 3 { b.swapAt(b.count - 2, b.count - 3) }
        return String(decoding: b, as: UTF8.self)
    }

    /// The faults this set holds, with the finding each must cause.
    var faults: [InjectedFault] {
        guard faultsOn else { return [] }
        let n = clusters.map(\.name)
        return [
            InjectedFault(rule: "MC101", cluster: n[1], file: "\(n[1])/cluster-api.yaml",
                          what: "pod CIDR 10.0.32.0/19 inside \(n[0])'s 10.0.0.0/18 on the same network"),
            InjectedFault(rule: "MC201", cluster: n[2], file: "\(n[2])/remote-secrets.yaml",
                          what: "remote secret for \(n[3]) without the istio/multiCluster label"),
            InjectedFault(rule: "MC204", cluster: n[6], file: "\(n[6])/remote-secrets.yaml",
                          what: "remote secret for \(n[7]) with a loopback API server"),
            InjectedFault(rule: "MC301", cluster: n[config.clusters - 1],
                          file: "\(n[config.clusters - 1])/istio-operator.yaml",
                          what: "clusterName \(misspelt(n[config.clusters - 1])) while the others call it \(n[config.clusters - 1])"),
            InjectedFault(rule: "MC805", cluster: n[4], file: "\(n[4])/apps-001.yaml",
                          what: "Service \(app(0).namespace)/\(app(0).name) port named tcp while the other clusters say \(app(0).grpc ? "grpc" : "http")"),
            InjectedFault(rule: "MC302", cluster: n[5], file: "\(n[5])/namespaces.yaml",
                          what: "istio-system labelled with network \(misspelt(clusters[5].network))"),
        ]
    }

    /// Writes the set under `dir` (which must exist and be empty or a previous generator output).
    func write(to dir: String) throws -> GeneratorSummary {
        var summary = GeneratorSummary()
        // Each cluster's API server CA and istio-reader token, the same in every secret for it.
        var credentials: [(ca: String, token: String)] = []
        for c in clusters {
            var rng = SplitMix64(seed: config.seed ^ 0x5EC2E7 &+ UInt64(c.index) &* 0x9E3779B97F4A7C15)
            let ca = max(config.secretBytes * 3 / 5, 4) / 4 * 4
            let rest = max(config.secretBytes - ca - 40, 30)
            let token = "eyJhbGciOiJSUzI1NiIsImtpZCI6I" + randomText(&rng, count: 11, alphabet: base64URLAlphabet)
                + "." + randomText(&rng, count: rest * 5 / 9, alphabet: base64URLAlphabet)
                + "." + randomText(&rng, count: rest * 4 / 9, alphabet: base64URLAlphabet)
            credentials.append((randomText(&rng, count: ca, alphabet: base64Alphabet), token))
        }
        for c in clusters {
            let cdir = dir + "/" + c.name
            try makeDirectory(cdir)
            var rng = SplitMix64(seed: config.seed &+ UInt64(c.index) &* 0x9E3779B97F4A7C15)
            func flush(_ e: inout Emitter, _ name: String) throws {
                guard e.documents > 0 else { return }
                try writeFile(cdir + "/" + name, e.bytes)
                summary.files += 1
                summary.documents += e.documents
                summary.bytes += e.bytes.count
                e = Emitter()
            }
            var e = Emitter()
            namespacesFile(&e, c, &rng)
            try flush(&e, "namespaces.yaml")
            clusterAPIFile(&e, c)
            try flush(&e, "cluster-api.yaml")
            istioOperatorFile(&e, c)
            try flush(&e, "istio-operator.yaml")
            eastWestFile(&e, c)
            try flush(&e, "eastwest-gateway.yaml")
            cacertsFile(&e, c)
            try flush(&e, "cacerts.yaml")
            remoteSecretsFile(&e, c, credentials)
            try flush(&e, "remote-secrets.yaml")
            // Applications, in bundles of 20–200 documents (helm template / kustomize output).
            var k = 0
            var fileNo = 0
            while k < config.services {
                fileNo += 1
                let target = rng.int(20...200)
                let anchors = rng.chance(0.08)
                e.line("# Source: \(c.name) apps, bundle \(fileNo) (helm template / kustomize build output)")
                while e.documents < target && k < config.services {
                    appDocuments(&e, app(k), c, &rng, anchors: anchors)
                    k += 1
                }
                try flush(&e, "apps-\(String(format3: fileNo)).yaml")
            }
        }
        return summary
    }

    // MARK: - Files

    func namespacesFile(_ e: inout Emitter, _ c: GenCluster, _ rng: inout SplitMix64) {
        e.line("# Namespaces of \(c.name); managed by the platform team")
        let network = namespaceNetworkTypo == c.index ? misspelt(c.network) : c.network
        for ns in ["istio-system", "istio-ingress", "kube-system", "monitoring"] + namespaces {
            e.document()
            e.line("apiVersion: v1")
            e.line("kind: Namespace")
            e.line("metadata:")
            e.line("  name: \(ns)")
            e.line("  labels:")
            if ns == "istio-system" {
                e.line("    topology.istio.io/network: \(network)")
            } else if !ns.hasPrefix("kube") {
                e.line("    istio-injection: enabled")
            }
            e.line("    kubernetes.io/metadata.name: \(ns)")
            if rng.chance(0.3) {
                e.line("  annotations:")
                e.line("    owner: \"\(ns)-oncall@example.com\"")
                e.line("    scheduler.alpha.kubernetes.io/node-selector: \"pool=general\"")
            }
        }
    }

    func clusterAPIFile(_ e: inout Emitter, _ c: GenCluster) {
        let pod = podOverlap == c.index ? "10.0.32.0/19" : c.podCIDR
        e.document("Cluster API definition of \(c.name) (management cluster: mgmt-global, namespace fleet)")
        e.line("apiVersion: cluster.x-k8s.io/v1beta1")
        e.line("kind: Cluster")
        e.line("metadata:")
        e.line("  name: \(c.name)")
        e.line("  namespace: fleet")
        e.line("  labels:")
        e.line("    mesh: \(meshID)")
        e.line("spec:")
        e.line("  clusterNetwork:")
        e.line("    pods:")
        e.line("      cidrBlocks: [\"\(pod)\"]")
        e.line("    services:")
        e.line("      cidrBlocks: [\"\(c.serviceCIDR)\"]")
        e.line("    serviceDomain: cluster.local")
        e.line("  controlPlaneEndpoint:")
        e.line("    host: api.\(c.name).k8s.example.com")
        e.line("    port: 6443")
        e.line("  controlPlaneRef:")
        e.line("    apiVersion: controlplane.cluster.x-k8s.io/v1beta1")
        e.line("    kind: KubeadmControlPlane")
        e.line("    name: \(c.name)-control-plane")
        e.line("  infrastructureRef:")
        e.line("    apiVersion: infrastructure.cluster.x-k8s.io/v1beta2")
        e.line("    kind: AWSCluster")
        e.line("    name: \(c.name)")
    }

    func istioOperatorFile(_ e: inout Emitter, _ c: GenCluster) {
        let clusterName = clusterNameTypo == c.index ? misspelt(c.name) : c.name
        e.document("Istio \(istioTag) primary \(c.name) (\(c.network)); generated, do not edit")
        e.line("apiVersion: install.istio.io/v1alpha1")
        e.line("kind: IstioOperator")
        e.line("metadata:")
        e.line("  name: istio-controlplane")
        e.line("  namespace: istio-system")
        e.line("spec:")
        e.line("  profile: default")
        e.line("  tag: \(istioTag)")
        e.line("  meshConfig:")
        e.line("    trustDomain: cluster.local")
        e.line("    accessLogFile: /dev/stdout")
        e.line("    defaultConfig:")
        e.line("      proxyMetadata:")
        e.line("        ISTIO_META_DNS_CAPTURE: \"true\"")
        e.line("        ISTIO_META_DNS_AUTO_ALLOCATE: \"true\"")
        e.line("  components:")
        e.line("    pilot:")
        e.line("      k8s:")
        e.line("        hpaSpec: {minReplicas: 2, maxReplicas: 8}")
        e.line("        resources:")
        e.line("          requests: {cpu: 500m, memory: 2Gi}")
        e.line("  values:")
        e.line("    global:")
        e.line("      meshID: \(meshID)")
        e.line("      multiCluster:")
        e.line("        clusterName: \(clusterName)")
        e.line("      network: \(c.network)")
    }

    func eastWestFile(_ e: inout Emitter, _ c: GenCluster) {
        e.document("samples/multicluster/gen-eastwest-gateway.sh --network \(c.network)")
        e.line("apiVersion: install.istio.io/v1alpha1")
        e.line("kind: IstioOperator")
        e.line("metadata:")
        e.line("  name: eastwest")
        e.line("  namespace: istio-system")
        e.line("spec:")
        e.line("  revision: \"\"")
        e.line("  profile: empty")
        e.line("  components:")
        e.line("    ingressGateways:")
        e.line("      - name: istio-eastwestgateway")
        e.line("        label:")
        e.line("          istio: eastwestgateway")
        e.line("          app: istio-eastwestgateway")
        e.line("          topology.istio.io/network: \(c.network)")
        e.line("        enabled: true")
        e.line("        k8s:")
        e.line("          env:")
        e.line("            - name: ISTIO_META_REQUESTED_NETWORK_VIEW")
        e.line("              value: \(c.network)")
        e.line("          serviceAnnotations:")
        e.line("            service.beta.kubernetes.io/aws-load-balancer-type: nlb")
        e.line("          service:")
        e.line("            loadBalancerIP: \(c.gatewayAddress)")
        e.line("            ports:")
        for (n, p) in [("status-port", 15021), ("tls", 15443), ("tls-istiod", 15012), ("tls-webhook", 15017)] {
            e.line("              - name: \(n)")
            e.line("                port: \(p)")
            e.line("                targetPort: \(p)")
        }
        e.line("  values:")
        e.line("    gateways:")
        e.line("      istio-ingressgateway:")
        e.line("        injectionTemplate: gateway")
        e.line("    global:")
        e.line("      network: \(c.network)")

        e.document("samples/multicluster/expose-services.yaml")
        e.line("apiVersion: networking.istio.io/v1")
        e.line("kind: Gateway")
        e.line("metadata:")
        e.line("  name: cross-network-gateway")
        e.line("  namespace: istio-system")
        e.line("spec:")
        e.line("  selector:")
        e.line("    istio: eastwestgateway")
        e.line("  servers:")
        e.line("    - port:")
        e.line("        number: 15443")
        e.line("        name: tls")
        e.line("        protocol: TLS")
        e.line("      tls:")
        e.line("        mode: AUTO_PASSTHROUGH")
        e.line("      hosts:")
        e.line("        - \"*.local\"")

        e.document("Mesh-wide strict mTLS")
        e.line("apiVersion: security.istio.io/v1")
        e.line("kind: PeerAuthentication")
        e.line("metadata:")
        e.line("  name: default")
        e.line("  namespace: istio-system")
        e.line("spec:")
        e.line("  mtls:")
        e.line("    mode: STRICT")
    }

    func cacertsFile(_ e: inout Emitter, _ c: GenCluster) {
        let pki = BenchPKI.intermediates[c.index % BenchPKI.intermediates.count]
        let root = BenchPKI.rootCert.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let cert = pki.cert.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let key = pki.key.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        e.document("Intermediate CA (EC P-256), signed by the mesh root")
        e.line("apiVersion: v1")
        e.line("kind: Secret")
        e.line("metadata:")
        e.line("  name: cacerts")
        e.line("  namespace: istio-system")
        e.line("type: Opaque")
        e.line("stringData:")
        for (name, lines) in [("ca-cert.pem", cert), ("ca-key.pem", key), ("cert-chain.pem", cert + root),
                              ("root-cert.pem", root)] {
            e.line("  \(name): |")
            e.block(lines, indent: 4)
        }
    }

    func remoteSecretsFile(_ e: inout Emitter, _ c: GenCluster, _ credentials: [(ca: String, token: String)]) {
        e.line("# Remote secrets for the \(clusters.count - 1) other primaries (istioctl create-remote-secret)")
        for o in clusters where o.index != c.index {
            let labelled = unlabelled.map { $0 != (c.index, o.index) } ?? true
            let server = loopbackServer.map { $0 == (c.index, o.index) } ?? false
                ? "https://127.0.0.1:6443" : "https://api.\(o.name).k8s.example.com:6443"
            e.document("This file is autogenerated, do not edit.")
            e.line("apiVersion: v1")
            e.line("kind: Secret")
            e.line("metadata:")
            e.line("  annotations:")
            e.line("    networking.istio.io/cluster: \(o.name)")
            if labelled {
                e.line("  labels:")
                e.line("    istio/multiCluster: \"true\"")
            }
            e.line("  name: istio-remote-secret-\(o.name)")
            e.line("  namespace: istio-system")
            e.line("stringData:")
            e.line("  \(o.name): |")
            e.block([
                "apiVersion: v1",
                "clusters:",
                "- cluster:",
                "    certificate-authority-data: " + credentials[o.index].ca,
                "    server: \(server)",
                "  name: \(o.name)",
                "contexts:",
                "- context:",
                "    cluster: \(o.name)",
                "    user: \(o.name)",
                "  name: \(o.name)",
                "current-context: \(o.name)",
                "kind: Config",
                "preferences: {}",
                "users:",
                "- name: \(o.name)",
                "  user:",
                "    token: " + credentials[o.index].token,
            ], indent: 4)
        }
    }

    /// The documents of one application in one cluster.
    func appDocuments(_ e: inout Emitter, _ a: GenApp, _ c: GenCluster, _ rng: inout SplitMix64, anchors: Bool) {
        // The home cluster and the next `versions - 1` clusters run v1, v2, ... in turn, so every
        // DestinationRule subset selects pods somewhere (MC802); the others run a random version.
        let offset = (c.index - a.homeCluster + config.clusters) % config.clusters
        let deployed = offset < a.versions || rng.chance(0.6)
        let drifted = serviceDrift == c.index && a.name == app(0).name && a.namespace == app(0).namespace
        let portName = drifted ? "tcp" : a.grpc ? "grpc" : "http"

        e.document("Source: \(a.name)/templates/service.yaml")
        e.line("apiVersion: v1")
        e.line("kind: Service")
        e.line("metadata:")
        e.line("  name: \(a.name)")
        e.line("  namespace: \(a.namespace)")
        e.line("  labels:")
        e.line("    app: \(a.name)")
        e.line("    app.kubernetes.io/part-of: \(a.namespace)")
        e.line("spec:")
        e.line("  selector:")
        e.line("    app: \(a.name)")
        e.line("  ports:")
        e.line("  - name: \(portName)")
        e.line("    port: \(a.port)")
        e.line("    targetPort: \(a.port)")

        e.document()
        e.line("apiVersion: v1")
        e.line("kind: ServiceAccount")
        e.line("metadata:")
        e.line("  name: \(a.name)")
        e.line("  namespace: \(a.namespace)")

        if deployed {
            deployment(&e, a, c, &rng, anchors: anchors, version: offset < a.versions ? offset + 1 : nil)
            if rng.chance(0.45) {
                e.document()
                e.line("apiVersion: v1")
                e.line("kind: ConfigMap")
                e.line("metadata:")
                e.line("  name: \(a.name)-config")
                e.line("  namespace: \(a.namespace)")
                e.line("data:")
                e.line("  LOG_LEVEL: info")
                e.line("  application.properties: |")
                e.block([
                    "server.port=\(a.port)",
                    "management.endpoints.web.exposure.include=health,prometheus",
                    "spring.application.name=\(a.name)",
                    "cluster=\(c.name)",
                ], indent: 4)
            }
        }

        if a.hasDestinationRule {
            e.document()
            e.line("apiVersion: networking.istio.io/v1beta1")
            e.line("kind: DestinationRule")
            e.line("metadata:")
            e.line("  name: \(a.name)")
            e.line("  namespace: \(a.namespace)")
            e.line("spec:")
            e.line("  host: \(a.name).\(a.namespace).svc.cluster.local")
            e.line("  trafficPolicy:")
            e.line("    tls:")
            e.line("      mode: ISTIO_MUTUAL")
            e.line("    connectionPool:")
            e.line("      http: {http2MaxRequests: 1000, maxRequestsPerConnection: 100}")
            e.line("    outlierDetection:")
            e.line("      consecutive5xxErrors: 5")
            e.line("      interval: 30s")
            e.line("      baseEjectionTime: 60s")
            e.line("  subsets:")
            for v in 1...a.versions {
                e.line("  - name: v\(v)")
                e.line("    labels:")
                e.line("      version: v\(v)")
            }
        }

        if a.hasVirtualService {
            e.document()
            e.line("apiVersion: networking.istio.io/v1beta1")
            e.line("kind: VirtualService")
            e.line("metadata:")
            e.line("  name: \(a.name)")
            e.line("  namespace: \(a.namespace)")
            e.line("spec:")
            e.line("  hosts:")
            e.line("  - \(a.name).\(a.namespace).svc.cluster.local")
            e.line("  http:")
            e.line("  - match:")
            e.line("    - headers:")
            e.line("        x-canary:")
            e.line("          exact: \"true\"")
            e.line("    route:")
            e.line("    - destination:")
            e.line("        host: \(a.name).\(a.namespace).svc.cluster.local")
            e.line("        subset: v\(a.versions)")
            e.line("  - route:")
            e.line("    - destination:")
            e.line("        host: \(a.name).\(a.namespace).svc.cluster.local")
            e.line("        subset: v1")
            e.line("      weight: 100")
            // The per-cluster draw stays so the rest of the set is the same as before.
            _ = rng.int(1...30)
            e.line("    timeout: \(a.timeout)s")
            e.line("    retries: {attempts: 3, perTryTimeout: 2s, retryOn: \"5xx,reset,connect-failure\"}")
        }

        if let host = a.external, deployed {
            e.document()
            e.line("apiVersion: networking.istio.io/v1beta1")
            e.line("kind: ServiceEntry")
            e.line("metadata:")
            e.line("  name: \(a.name)-egress-\(host.split(separator: ".").first ?? "ext")")
            e.line("  namespace: \(a.namespace)")
            e.line("spec:")
            e.line("  hosts: [\"\(host)\"]")
            e.line("  exportTo: [\".\"]")
            e.line("  location: MESH_EXTERNAL")
            e.line("  ports:")
            e.line("  - {number: 443, name: https, protocol: TLS}")
            e.line("  resolution: DNS")
        }

        if a.name.hasPrefix("frontend") || a.name.hasPrefix("graphql") {
            e.document()
            e.line("apiVersion: networking.istio.io/v1beta1")
            e.line("kind: Gateway")
            e.line("metadata:")
            e.line("  name: \(a.name)-gateway")
            e.line("  namespace: \(a.namespace)")
            e.line("spec:")
            e.line("  selector:")
            e.line("    istio: ingressgateway")
            e.line("  servers:")
            e.line("  - port:")
            e.line("      number: 443")
            e.line("      name: https")
            e.line("      protocol: HTTPS")
            e.line("    tls:")
            e.line("      mode: SIMPLE")
            e.line("      credentialName: \(a.name)-tls")
            e.line("    hosts:")
            e.line("    - \"\(a.name).\(c.region).example.com\"")
        }
    }

    func deployment(_ e: inout Emitter, _ a: GenApp, _ c: GenCluster, _ rng: inout SplitMix64, anchors: Bool, version fixed: Int?) {
        let version = "v\(fixed ?? rng.int(1...a.versions))"
        e.document("Source: \(a.name)/templates/deployment.yaml")
        e.line("apiVersion: apps/v1")
        e.line("kind: Deployment")
        e.line("metadata:")
        e.line("  name: \(a.name)-\(version)")
        e.line("  namespace: \(a.namespace)")
        if anchors {
            e.line("  labels: &labels")
        } else {
            e.line("  labels:")
        }
        e.line("    app: \(a.name)")
        e.line("    version: \(version)")
        e.line("spec:")
        e.line("  replicas: \(rng.int(2...12))")
        e.line("  revisionHistoryLimit: 5")
        e.line("  selector:")
        if anchors {
            e.line("    matchLabels: *labels")
        } else {
            e.line("    matchLabels:")
            e.line("      app: \(a.name)")
            e.line("      version: \(version)")
        }
        e.line("  template:")
        e.line("    metadata:")
        if anchors {
            e.line("      labels: *labels")
        } else {
            e.line("      labels:")
            e.line("        app: \(a.name)")
            e.line("        version: \(version)")
        }
        e.line("      annotations:")
        e.line("        prometheus.io/scrape: \"true\"")
        e.line("        prometheus.io/port: \"15020\"")
        e.line("        sidecar.istio.io/proxyCPU: 100m")
        e.line("    spec:")
        e.line("      serviceAccountName: \(a.name)")
        e.line("      terminationGracePeriodSeconds: 30")
        e.line("      containers:")
        e.line("      - name: \(a.name)")
        e.line("        image: registry.example.com/\(a.namespace)/\(a.name):\(rng.int(1...4)).\(rng.int(0...40)).\(rng.int(0...20))")
        e.line("        imagePullPolicy: IfNotPresent")
        e.line("        ports:")
        e.line("        - name: \(a.grpc ? "grpc" : "http")")
        e.line("          containerPort: \(a.port)")
        e.line("        env:")
        var start = rng.below(envNames.count)
        for _ in 0..<rng.int(4...10) {
            let n = envNames[start % envNames.count]
            start += 1
            e.line("        - name: \(n)")
            switch n {
            case "HTTP_PORT", "GRPC_PORT", "DB_PORT", "MAX_CONNECTIONS":
                e.line("          value: \"\(rng.int(1000...9999))\"")
            case "CLUSTER_NAME": e.line("          value: \(c.name)")
            case "REGION": e.line("          value: \(c.region)")
            case "OTEL_SERVICE_NAME": e.line("          value: \(a.name)")
            case "OTEL_EXPORTER_OTLP_ENDPOINT": e.line("          value: http://otel-collector.monitoring:4317")
            case "JAVA_OPTS": e.line("          value: \"-XX:MaxRAMPercentage=75 -Dfile.encoding=UTF-8\"")
            case "DB_HOST":
                e.line("          valueFrom:")
                e.line("            secretKeyRef: {name: \(a.name)-db, key: host}")
            default: e.line("          value: '\(rng.pick(["info", "json", "on", "0.1", "5s", "100", "enabled"]))'")
            }
        }
        e.line("        resources:")
        e.line("          requests:")
        e.line("            cpu: \(rng.pick(["100m", "250m", "500m", "1"]))")
        e.line("            memory: \(rng.pick(["128Mi", "256Mi", "512Mi", "1Gi"]))")
        e.line("          limits:")
        e.line("            memory: \(rng.pick(["256Mi", "512Mi", "1Gi", "2Gi"]))")
        e.line("        readinessProbe:")
        e.line("          httpGet:")
        e.line("            path: /healthz/ready")
        e.line("            port: \(a.port)")
        e.line("          periodSeconds: 10")
        e.line("        volumeMounts:")
        e.line("        - name: config")
        e.line("          mountPath: /etc/\(a.name)")
        e.line("      volumes:")
        e.line("      - name: config")
        e.line("        configMap:")
        e.line("          name: \(a.name)-config")
    }
}

extension String {
    /// A number padded to three digits.
    init(format3 n: Int) {
        let s = String(n)
        self = String(repeating: "0", count: Swift.max(0, 3 - s.count)) + s
    }
}

struct GeneratorError: Error, CustomStringConvertible {
    let description: String
}

func makeDirectory(_ path: String) throws {
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
        throw GeneratorError(description: "\(path): cannot create directory: \(String(cString: strerror(errno)))")
    }
}

func writeFile(_ path: String, _ bytes: [UInt8]) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw GeneratorError(description: "\(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var off = 0
    while off < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
        if n < 0 {
            if errno == EINTR { continue }
            throw GeneratorError(description: "\(path): \(String(cString: strerror(errno)))")
        }
        off += n
    }
}
