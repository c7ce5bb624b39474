extension RuleContext {
    /// A finding at a location that is not a YAML node of its own (a word inside a `Corefile`,
    /// a value inside JSON text), about `resource`.
    public func finding(_ message: String, at location: SourceLocation, cluster: Int?, resource: Resource?,
                        related: [RelatedLocation] = [], fieldPath: String? = nil) -> Finding {
        Finding(rule: rule.code, name: rule.name, severity: rule.severity, message: message,
                cluster: cluster.map(clusterName), file: location.file, line: location.line, column: location.column,
                resource: resource.map { FindingResource($0.identity) }, related: related, fieldPath: fieldPath)
    }

    /// A related location given as a file position.
    public func related(_ message: String, at location: SourceLocation, cluster: Int?) -> RelatedLocation {
        RelatedLocation(cluster: cluster.map(clusterName), file: location.file, line: location.line,
                        column: location.column, message: message)
    }
}
