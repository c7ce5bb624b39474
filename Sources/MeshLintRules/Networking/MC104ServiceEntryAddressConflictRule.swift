import MeshLintCore

/// MC104: a cross-cluster ServiceEntry address (the VIP sidecars capture for a `.global` host)
/// is reused by another ServiceEntry of the cluster, or lies where it cannot work: loopback
/// (except the Istio 1.1 docs' 127.255.0.0/16 on 1.1), multicast, the cluster's own pod or
/// service CIDR, or — with DNS auto-allocation on — Istio's auto-allocation range 240.240.0.0/16.
struct ServiceEntryAddressConflictRule: Rule {
    let code = "MC104"
    let reads: Set<String> = ["ServiceEntry"]

    func check(_ context: RuleContext) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<YAMLNode>()
        let graph = context.graph
        for c in context.set.clusters.indices {
            let addresses = graph.serviceEntryAddresses(in: c)
            guard addresses.contains(where: \.isCrossCluster) else { continue }
            let autoAllocation = graph.dnsAutoAllocation(in: c)
            for a in addresses where a.isCrossCluster {
                guard let f = rangeFinding(a, c, autoAllocation, context), seen.insert(a.value.node).inserted else { continue }
                out.append(f)
            }
            for reuse in graph.serviceEntryAddressReuses(in: c) where seen.insert(reuse.later.value.node).inserted {
                out.append(reuseFinding(reuse, c, context))
            }
        }
        return out
    }

    static let fix = "Give it an unused address from 240.0.0.0/4 (class E, never routed), unique within the cluster."

    func rangeFinding(_ a: ServiceEntryAddress, _ c: Int, _ autoAllocation: Sourced<Bool>?, _ context: RuleContext) -> Finding? {
        let graph = context.graph
        let r = a.resource
        let what = "ServiceEntry \(r.namespace)/\(r.name) gives \(hostList(a)) the address \(a.value.value)"
        let shared = r.isShared ? nil : Optional(c)
        let range = a.cidr.range
        if ReservedAddressRanges.loopbackV4.range.overlaps(range) || ReservedAddressRanges.loopbackV6.range.overlaps(range) {
            let legacy = ReservedAddressRanges.legacyGlobalV4.range.contains(range)
            if legacy && graph.usesLegacyGlobalAddresses(c) { return nil }
            let note = legacy ? " 127.255.0.0/16 was the Istio 1.1 docs' convention; \(versionNote(c, graph))the docs use 240.0.0.0/4." : ""
            return context.finding(
                "\(what), a loopback address (127.0.0.0/8): traffic to loopback addresses may be redirected to the sidecar's inbound listener instead of the outbound route to the remote gateway, so the call never leaves the pod.\(note) \(Self.fix)",
                at: a.value.node, cluster: shared, resource: r, fieldPath: a.fieldPath)
        }
        if ReservedAddressRanges.multicastV4.range.overlaps(range) || ReservedAddressRanges.multicastV6.range.overlaps(range) {
            return context.finding(
                "\(what), a multicast address (\(a.cidr.family == .v4 ? "224.0.0.0/4" : "ff00::/8")): TCP cannot connect to it (the docs warn there is no route), so calls fail before the sidecar can capture them. \(Self.fix)",
                at: a.value.node, cluster: shared, resource: r, fieldPath: a.fieldPath)
        }
        let cidrs = graph.cidrs(c)
        for role in [CIDRRole.pod, .service] {
            guard let s = cidrs.effective(role).first(where: { $0.value.range.overlaps(range) }) else { continue }
            let victim = role == .pod ? "pods that get those IPs become unreachable from sidecars, which send their traffic to the remote service instead" :
                "Services allocated those ClusterIPs become unreachable from sidecars, which send their traffic to the remote service instead"
            return context.finding(
                "\(what), which lies in \(context.clusterName(c))'s own \(role.rawValue) CIDR \(s.value) (\(s.source)): \(victim), and the remote service breaks whenever a local IP takes the address. \(Self.fix)",
                at: a.value.node, cluster: c, resource: r,
                related: [context.related("\(context.clusterName(c))'s \(role.rawValue) CIDR \(s.value) (\(s.source))", at: s.node, cluster: c)],
                fieldPath: a.fieldPath)
        }
        if let auto = autoAllocation, ReservedAddressRanges.autoAllocatedV4.range.overlaps(range) {
            return context.finding(
                "\(what), which lies in 240.240.0.0/16, the range Istio's DNS proxy auto-allocates ServiceEntry addresses from (auto-allocation is on: \(auto.source)): another ServiceEntry can be given the same VIP, and calls to either host reach one of the two services. Use an address of 240.0.0.0/4 outside 240.240.0.0/16, unique within the cluster.",
                at: a.value.node, cluster: c, resource: r,
                related: [context.related("DNS auto-allocation is turned on here (\(auto.source))", at: auto.node, cluster: c)],
                fieldPath: a.fieldPath)
        }
        return nil
    }

    func reuseFinding(_ reuse: ServiceEntryAddressReuse, _ c: Int, _ context: RuleContext) -> Finding {
        let a = reuse.later, b = reuse.earlier
        let r = a.resource
        let other = "ServiceEntry \(b.resource.namespace)/\(b.resource.name)"
        let clash = a.cidr == b.cidr ? "which \(other) already uses" : "which overlaps \(b.value.value), used by \(other),"
        let cluster = r.isShared && b.resource.isShared ? nil : Optional(c)
        return context.finding(
            "ServiceEntry \(r.namespace)/\(r.name) gives \(hostList(a)) the address \(a.value.value), \(clash) for \(hostList(b)) in \(context.clusterName(c)): sidecars pick the outbound route by destination VIP and port, so calls to one host reach the other service. Give every remote service its own address, unique within the cluster (across namespaces too).",
            at: a.value.node, cluster: cluster, resource: r,
            related: [context.related("ServiceEntry \(b.resource.namespace)/\(b.resource.name) uses \(b.value.value) for \(hostList(b))", at: b.value.node,
                                      cluster: b.resource.isShared ? nil : c)],
            fieldPath: a.fieldPath)
    }

    func hostList(_ a: ServiceEntryAddress) -> String {
        let hosts = a.hosts.sorted()
        return hosts.count <= 2 ? hosts.joined(separator: ", ") : "\(hosts[0]) and \(hosts.count - 1) more hosts"
    }

    func versionNote(_ c: Int, _ graph: MeshGraph) -> String {
        if let v = graph.facts[c].istioRelease { return "on Istio \(v) " }
        return "from Istio 1.2 on "
    }
}
