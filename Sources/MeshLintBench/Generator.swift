// A deterministic generator for a large, realistic multicluster config set.
//
// The set has one directory per cluster (replicated control planes over several networks, the
// shape of a big production mesh): namespaces, the Istio install (IstioOperator, cacerts with
// PEM blocks, a CoreDNS Corefile forwarding `.global`, east-west gateways, remote secrets with
// kubeconfig block scalars for every other cluster) and application manifests (Services,
// ServiceAccounts, Deployments with containers/env/probes, ConfigMaps, DestinationRules,
// VirtualServices, ServiceEntries for `.global` hosts and external APIs, ingress Gateways),
// packed into multi-document files of 20–200 documents the way `helm template` or
// kustomize output is committed. Everything derives from one seed: the same arguments always
// give byte-identical files.

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
    var resources = 60_000
    var clusters = 40
    var seed: UInt64 = 20_240_601

    /// Bumped whenever the generator's output changes, so `generate-and-run` regenerates.
    static let version = 2

    var fingerprint: String { "meshlint-bench v\(Self.version) resources=\(resources) clusters=\(clusters) seed=\(seed)\n" }
}

/// What was written.
struct GeneratorSummary {
    var files = 0
    var documents = 0
    var bytes = 0
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

private func pemLines(_ rng: inout SplitMix64, label: String, bytes: Int) -> [String] {
    var lines = ["-----BEGIN \(label)-----"]
    var left = (bytes * 4 + 2) / 3
    while left > 0 {
        let n = min(64, left)
        var l = randomText(&rng, count: n, alphabet: base64Alphabet)
        left -= n
        if left == 0 && n % 4 != 0 { l += String(repeating: "=", count: 4 - n % 4) }
        lines.append(l)
    }
    lines.append("-----END \(label)-----")
    return lines
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

/// One cluster of the generated mesh.
struct GenCluster {
    let index: Int
    let name: String
    let region: String
    let network: String
    let podCIDR: String
    let serviceCIDR: String
    let gatewayAddress: String
    let dnsIP: String
}

/// One application of the mesh-wide catalogue; each cluster runs a subset.
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
}

struct Generator {
    let config: GeneratorConfig
    let clusters: [GenCluster]
    let namespaces: [String]

    init(config: GeneratorConfig) {
        self.config = config
        var cs: [GenCluster] = []
        for i in 0..<config.clusters {
            let region = regions[i / 4 % regions.count]
            let zone = ["a", "b", "c", "d"][i % 4]
            let generation = i / (4 * regions.count)
            let name = "prod-\(region)-\(zone)" + (generation > 0 ? "\(generation)" : "")
            cs.append(GenCluster(index: i, name: name, region: region, network: "net-\(region)",
                                 podCIDR: "10.\(i % 256).0.0/16",
                                 serviceCIDR: "172.\(16 + i / 16 % 16).\(i % 16 * 16).0/20",
                                 gatewayAddress: "203.0.\(113 + i / 250 % 10).\(i % 250 + 1)",
                                 dnsIP: "172.\(16 + i / 16 % 16).\(i % 16 * 16).10"))
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
        return GenApp(name: name, namespace: ns, port: grpc ? 9090 : [8080, 8000, 3000, 5000, 80][rng.below(5)],
                      grpc: grpc, versions: rng.int(1...3), hasDestinationRule: rng.chance(0.5),
                      hasVirtualService: rng.chance(0.35),
                      external: rng.chance(0.15) ? externalHosts[rng.below(externalHosts.count)] : nil,
                      homeCluster: rng.below(config.clusters))
    }

    /// Writes the set under `dir` (which must exist and be empty or a previous generator output).
    func write(to dir: String) throws -> GeneratorSummary {
        var summary = GeneratorSummary()
        let perCluster = max(config.resources / max(config.clusters, 1), 1)
        for c in clusters {
            let cdir = dir + "/" + c.name
            try makeDirectory(cdir)
            var rng = SplitMix64(seed: config.seed &+ UInt64(c.index) &* 0x9E3779B97F4A7C15)
            var budget = perCluster
            var fileNo = 0
            func flush(_ e: inout Emitter, _ name: String) throws {
                guard e.documents > 0 else { return }
                try writeFile(cdir + "/" + name, e.bytes)
                summary.files += 1
                summary.documents += e.documents
                summary.bytes += e.bytes.count
                budget -= e.documents
                e = Emitter()
            }
            var e = Emitter()
            namespacesFile(&e, c, &rng)
            try flush(&e, "00-namespaces.yaml")
            istioSystemFile(&e, c, &rng)
            try flush(&e, "10-istio-system.yaml")
            // Applications: walk the catalogue; each cluster runs most apps, deployed in some.
            var k = 0
            while budget > 0 {
                fileNo += 1
                let target = min(rng.int(20...200), max(budget, 1))
                let anchors = rng.chance(0.08)
                e.line("# Source: \(c.name) apps, bundle \(fileNo) (helm template / kustomize build output)")
                while e.documents < target && budget - e.documents > 0 {
                    let a = app(k)
                    k += 1
                    if !rng.chance(0.8) { continue }
                    appDocuments(&e, a, c, &rng, anchors: anchors, limit: target)
                }
                try flush(&e, "20-apps-\(String(format3: fileNo)).yaml")
            }
        }
        return summary
    }

    // MARK: - Files

    func namespacesFile(_ e: inout Emitter, _ c: GenCluster, _ rng: inout SplitMix64) {
        e.line("# Namespaces of \(c.name); managed by the platform team")
        for ns in ["istio-system", "istio-ingress", "kube-system", "monitoring"] + namespaces {
            e.document()
            e.line("apiVersion: v1")
            e.line("kind: Namespace")
            e.line("metadata:")
            e.line("  name: \(ns)")
            e.line("  labels:")
            if ns == "istio-system" {
                e.line("    topology.istio.io/network: \(c.network)")
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

    func istioSystemFile(_ e: inout Emitter, _ c: GenCluster, _ rng: inout SplitMix64) {
        e.line("# Istio 1.6 replicated control plane for \(c.name) (\(c.network)); generated, do not edit")
        e.document()
        e.line("apiVersion: install.istio.io/v1alpha1")
        e.line("kind: IstioOperator")
        e.line("metadata:")
        e.line("  name: istio-controlplane")
        e.line("  namespace: istio-system")
        e.line("spec:")
        e.line("  profile: default")
        e.line("  hub: docker.io/istio")
        e.line("  tag: 1.6.14")
        e.line("  addonComponents:")
        e.line("    istiocoredns:")
        e.line("      enabled: true")
        e.line("  components:")
        e.line("    ingressGateways:")
        e.line("    - name: istio-ingressgateway")
        e.line("      enabled: true")
        e.line("      k8s:")
        e.line("        hpaSpec: {minReplicas: 3, maxReplicas: 12}")
        e.line("        resources:")
        e.line("          requests: {cpu: 500m, memory: 512Mi}")
        e.line("  meshConfig:")
        e.line("    accessLogFile: /dev/stdout")
        e.line("    enableTracing: true")
        e.line("    defaultConfig:")
        e.line("      proxyMetadata:")
        e.line("        ISTIO_META_DNS_CAPTURE: \"true\"")
        e.line("  values:")
        e.line("    global:")
        e.line("      meshID: mesh-prod")
        e.line("      multiCluster:")
        e.line("        enabled: true")
        e.line("        clusterName: \(c.name)")
        e.line("      network: \(c.network)")
        e.line("      podDNSSearchNamespaces:")
        e.line("      - global")
        e.line("      - \"{{ valueOrDefault .DeploymentMeta.Namespace \\\"default\\\" }}.global\"")
        e.line("      controlPlaneSecurityEnabled: true")
        e.line("    gateways:")
        e.line("      istio-egressgateway:")
        e.line("        env:")
        e.line("          ISTIO_META_REQUESTED_NETWORK_VIEW: external")

        e.document("Intermediate CA of \(c.name), signed by the mesh root")
        e.line("apiVersion: v1")
        e.line("kind: Secret")
        e.line("metadata:")
        e.line("  name: cacerts")
        e.line("  namespace: istio-system")
        e.line("type: Opaque")
        e.line("stringData:")
        for (key, label, size) in [("ca-cert.pem", "CERTIFICATE", 500), ("ca-key.pem", "PRIVATE KEY", 138),
                                   ("root-cert.pem", "CERTIFICATE", 460), ("cert-chain.pem", "CERTIFICATE", 960)] {
            e.line("  \(key): |")
            e.block(pemLines(&rng, label: label, bytes: size), indent: 4)
        }

        e.document("CoreDNS forwards *.global to istiocoredns")
        e.line("apiVersion: v1")
        e.line("kind: ConfigMap")
        e.line("metadata:")
        e.line("  name: coredns")
        e.line("  namespace: kube-system")
        e.line("data:")
        e.line("  Corefile: |")
        e.block([
            ".:53 {",
            "    errors",
            "    health {",
            "       lameduck 5s",
            "    }",
            "    ready",
            "    kubernetes cluster.local in-addr.arpa ip6.arpa {",
            "       pods insecure",
            "       fallthrough in-addr.arpa ip6.arpa",
            "       ttl 30",
            "    }",
            "    prometheus :9153",
            "    forward . /etc/resolv.conf {",
            "       max_concurrent 1000",
            "    }",
            "    cache 30",
            "    loop",
            "    reload",
            "    loadbalance",
            "}",
            "global:53 {",
            "    errors",
            "    cache 30",
            "    forward . \(c.dnsIP):53",
            "}",
        ], indent: 4)

        e.document()
        e.line("apiVersion: networking.istio.io/v1alpha3")
        e.line("kind: Gateway")
        e.line("metadata:")
        e.line("  name: istio-multicluster-ingressgateway")
        e.line("  namespace: istio-system")
        e.line("spec:")
        e.line("  selector:")
        e.line("    istio: ingressgateway")
        e.line("  servers:")
        e.line("  - hosts:")
        e.line("    - \"*.global\"")
        e.line("    port:")
        e.line("      name: tls")
        e.line("      number: 15443")
        e.line("      protocol: TLS")
        e.line("    tls:")
        e.line("      mode: AUTO_PASSTHROUGH")

        e.document()
        e.line("apiVersion: networking.istio.io/v1alpha3")
        e.line("kind: DestinationRule")
        e.line("metadata:")
        e.line("  name: istio-multicluster-destinationrule")
        e.line("  namespace: istio-system")
        e.line("spec:")
        e.line("  host: \"*.global\"")
        e.line("  trafficPolicy:")
        e.line("    tls:")
        e.line("      mode: ISTIO_MUTUAL")

        e.document()
        e.line("apiVersion: v1")
        e.line("kind: Service")
        e.line("metadata:")
        e.line("  name: istio-ingressgateway")
        e.line("  namespace: istio-system")
        e.line("  labels: {app: istio-ingressgateway, istio: ingressgateway}")
        e.line("  annotations:")
        e.line("    service.beta.kubernetes.io/aws-load-balancer-type: nlb")
        e.line("spec:")
        e.line("  type: LoadBalancer")
        e.line("  loadBalancerIP: \(c.gatewayAddress)")
        e.line("  selector:")
        e.line("    app: istio-ingressgateway")
        e.line("  ports:")
        for (n, p) in [("status-port", 15021), ("http2", 80), ("https", 443), ("tls", 15443)] {
            e.line("  - name: \(n)")
            e.line("    port: \(p)")
            e.line("    targetPort: \(p == 80 ? 8080 : p == 443 ? 8443 : p)")
        }

        // Remote secrets: a kubeconfig for every other cluster.
        for o in clusters where o.index != c.index {
            e.document("remote secret for \(o.name); istioctl x create-remote-secret")
            e.line("apiVersion: v1")
            e.line("kind: Secret")
            e.line("metadata:")
            e.line("  annotations:")
            e.line("    networking.istio.io/cluster: \(o.name)")
            e.line("  labels:")
            e.line("    istio/multiCluster: \"true\"")
            e.line("  name: istio-remote-secret-\(o.name)")
            e.line("  namespace: istio-system")
            e.line("type: Opaque")
            e.line("stringData:")
            e.line("  \(o.name): |")
            e.block([
                "apiVersion: v1",
                "clusters:",
                "- cluster:",
                "    certificate-authority-data: " + randomText(&rng, count: 1040, alphabet: base64Alphabet) + "=",
                "    server: https://api.\(o.name).k8s.example.com:6443",
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
                "    token: eyJhbGciOiJSUzI1NiIsImtpZCI6I" + randomText(&rng, count: 40, alphabet: base64URLAlphabet)
                    + "." + randomText(&rng, count: 420, alphabet: base64URLAlphabet)
                    + "." + randomText(&rng, count: 342, alphabet: base64URLAlphabet),
            ], indent: 4)
        }
    }

    /// The documents of one application in one cluster (stops early at `limit` documents).
    func appDocuments(_ e: inout Emitter, _ a: GenApp, _ c: GenCluster, _ rng: inout SplitMix64,
                      anchors: Bool, limit: Int) {
        let deployed = a.homeCluster == c.index || rng.chance(0.22)
        let portName = a.grpc ? "grpc" : "http"

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
        if e.documents >= limit { return }

        e.document()
        e.line("apiVersion: v1")
        e.line("kind: ServiceAccount")
        e.line("metadata:")
        e.line("  name: \(a.name)")
        e.line("  namespace: \(a.namespace)")
        if e.documents >= limit { return }

        if deployed {
            deployment(&e, a, c, &rng, anchors: anchors)
            if e.documents >= limit { return }
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
                if e.documents >= limit { return }
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
            if e.documents >= limit { return }
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
            e.line("    timeout: \(rng.int(1...30))s")
            e.line("    retries: {attempts: 3, perTryTimeout: 2s, retryOn: \"5xx,reset,connect-failure\"}")
            if e.documents >= limit { return }
        }

        if !deployed && rng.chance(0.55) {
            // Reach the app in its home cluster through that cluster's gateway (Istio 1.6 .global).
            let home = clusters[a.homeCluster]
            e.document()
            e.line("apiVersion: networking.istio.io/v1alpha3")
            e.line("kind: ServiceEntry")
            e.line("metadata:")
            e.line("  name: \(a.name)-\(a.namespace)-global")
            e.line("  namespace: \(a.namespace)")
            e.line("spec:")
            e.line("  hosts:")
            e.line("  - \(a.name).\(a.namespace).global")
            e.line("  location: MESH_INTERNAL")
            e.line("  ports:")
            e.line("  - name: \(portName)1")
            e.line("    number: \(a.port)")
            e.line("    protocol: \(a.grpc ? "GRPC" : "http")")
            e.line("  resolution: DNS")
            e.line("  addresses:")
            e.line("  - 240.0.\(a.homeCluster % 250).\(rng.int(2...254))")
            e.line("  endpoints:")
            e.line("  - address: \(home.gatewayAddress)")
            e.line("    network: \(home.network)")
            e.line("    ports:")
            e.line("      \(portName)1: 15443 # Do not change this port value")
            if e.documents >= limit { return }
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
            if e.documents >= limit { return }
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

    func deployment(_ e: inout Emitter, _ a: GenApp, _ c: GenCluster, _ rng: inout SplitMix64, anchors: Bool) {
        let version = "v\(rng.int(1...a.versions))"
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
