import MeshLintCore

/// MC601: a cluster uses `.global` hosts but its DNS does not send the `global` zone to
/// istiocoredns (no CoreDNS `global:53` block or `proxy`/`forward global` stanza, no kube-dns
/// stubDomain), forwards it to an address that is not istiocoredns, or istiocoredns is off.
struct GlobalDNSMissingRule: Rule {
    let code = "MC601"
    let reads: Set<String> = ["ServiceEntry", "ConfigMap", "Service", "IstioOperator", "Istio"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        let graph = context.graph, traffic = graph.traffic
        for c in context.set.clusters.indices {
            let entries = traffic.crossClusterEntries[c]
            guard let firstEntry = entries.first, let firstHost = firstEntry.hosts.first else { continue }
            let facts = graph.facts[c]
            // 1.8+ DNS proxying answers ServiceEntry hosts in the sidecar: no cluster DNS needed.
            if facts.dnsCapture.value == true { continue }
            let suffix = traffic.globalSuffixes[c]
            let dns = traffic.dns[c]
            let name = context.clusterName(c)
            let uses = context.related("\(name) uses \(firstHost.host.value) (ServiceEntry \(firstEntry.resource.namespace)/\(firstEntry.resource.name))",
                                       at: firstHost.host.node, cluster: c)
            let resolution = dns.resolution(of: suffix)

            if let enabled = facts.istiocorednsEnabled.primary, !enabled.value {
                var related: [RelatedLocation] = []
                if case .forwarded(let fwds) = resolution {
                    related += fwds.map { context.related("\($0.description) sends `\(suffix)` to istiocoredns, which is not installed", at: $0.location, cluster: c) }
                }
                related.append(uses)
                out.append(context.finding(
                    "istiocoredns is disabled (\(enabled.source)), but \(name) uses `.\(suffix)` hosts: istiocoredns is what answers `<name>.<namespace>.\(suffix)` from the ServiceEntries, so those names get NXDOMAIN and calls fail before they leave the pod. Enable istiocoredns (or, on 1.8+, turn on DNS proxying with `ISTIO_META_DNS_CAPTURE: \"true\"`).",
                    at: enabled.node, cluster: c, resource: facts.installs.first { $0.root.file === enabled.node.file }?.resource,
                    related: related, fieldPath: enabled.source.contains("addonComponents") ? "spec.addonComponents.istiocoredns.enabled" : "istiocoredns.enabled"))
            }

            let fix = "add a `\(suffix):53 { errors  cache 30  forward . <istiocoredns clusterIP> }` server block to the Corefile (CoreDNS < 1.4: `proxy`), or `stubDomains: {\"\(suffix)\": [\"<istiocoredns clusterIP>\"]}` for kube-dns"
            switch resolution {
            case .noConfiguration:
                out.append(context.finding(
                    "\(name) uses \(firstHost.host.value) but the set holds no cluster DNS configuration for it (ConfigMap kube-system/coredns or kube-dns), so nothing sends the `\(suffix)` zone to istiocoredns and `.\(suffix)` names would not resolve. Include the DNS ConfigMap in the set and \(fix).",
                    at: firstHost.host.node, cluster: c, resource: firstEntry.resource, fieldPath: firstHost.fieldPath))
            case .notForwarded(let anchors):
                guard let a = anchors.first else { break }
                let others = anchors.dropFirst().map { context.related("\($0.description) does not forward `\(suffix)` either", at: $0.location, cluster: c) }
                out.append(context.finding(
                    "\(name) uses `.\(suffix)` hosts, but its DNS (\(a.description)) does not forward the `\(suffix)` zone to istiocoredns, so `<name>.<namespace>.\(suffix)` gets NXDOMAIN from the upstream resolver and calls fail. To fix, \(fix).",
                    at: a.location, cluster: c, resource: a.resource, related: [uses] + others, fieldPath: a.fieldPath))
            case .forwarded(let forwarders):
                guard let ip = dns.istiocorednsClusterIP, let svc = dns.istiocoredns else { break }
                for f in forwarders {
                    for t in f.targets {
                        guard let tip = t.ip, tip != ip.value.lowercased() else { continue }
                        out.append(context.finding(
                            "\(f.description) sends the `\(suffix)` zone to \(t.text), but istiocoredns's clusterIP is \(ip.value) (Service \(svc.namespace)/\(svc.name)); queries for `.\(suffix)` names go to a server that does not know them. Forward to \(ip.value).",
                            at: t.location, cluster: c, resource: f.resource,
                            related: [context.related("istiocoredns Service clusterIP", at: ip.node, cluster: c), uses], fieldPath: f.fieldPath))
                    }
                }
            case .answered, .unknown:
                break
            }
        }
        return out
    }
}
