import MeshLintCore

/// The repair MC501 and MC502 share: set `spec.trafficPolicy.tls.mode: ISTIO_MUTUAL` on the
/// DestinationRule that applies, when that is all it takes: the rule is written in a file, no
/// port-level TLS overrides it, and its `tls` holds nothing ISTIO_MUTUAL forbids (certificates,
/// keys, credentialName).
enum IstioMutualFix {
    static let compatibleTLSKeys: Set<String> = ["mode", "sni", "subjectAltNames"]

    static func fix(_ rule: DestinationRuleEntry, _ context: RuleContext) -> Fix? {
        guard rule.implied == nil, !rule.resource.isImplied,
              rule.portTLSModes.values.allSatisfy({ $0.value == "ISTIO_MUTUAL" }),
              var b = FixBuilder(rule.resource.root, sources: context.sources) else { return nil }
        let tls: [FixPathStep] = ["spec", "trafficPolicy", "tls"]
        if let t = b.node(at: tls), !t.pairs.allSatisfy({ compatibleTLSKeys.contains($0.key.scalar ?? "") }) { return nil }
        b.set(tls + ["mode"], to: .string("ISTIO_MUTUAL"))
        return b.fix("Set trafficPolicy.tls.mode: ISTIO_MUTUAL in DestinationRule \(rule.namespace)/\(rule.resource.name)")
    }
}
