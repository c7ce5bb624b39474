import Foundation
import PackagePlugin

/// Compiles the rule documentation in `Rules/*.yaml` into the target as Swift string literals.
@main
struct EmbedRuleDocs: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let rulesDir = context.package.directoryURL.appendingPathComponent("Rules")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: rulesDir.path)) ?? []
        let inputs = names.filter { $0.hasSuffix(".yaml") }.sorted().map { rulesDir.appendingPathComponent($0) }
        let output = context.pluginWorkDirectoryURL.appendingPathComponent("EmbeddedRuleDocs.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) rule documents from Rules/",
                executable: try context.tool(named: "RuleDocsEmbedder").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            ),
        ]
    }
}
