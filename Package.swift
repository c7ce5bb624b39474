// swift-tools-version:6.0
import PackageDescription

// Dependency direction (enforced by target boundaries):
//   CYAML, CPCRE2  <-  MeshLintCore (YAML tree, loading, model, graph, engine)
//                  <-  MeshLintRules (one small type per rule; docs embedded from Rules/)
//                  <-  MeshLint (public facade, reporters, configuration)
//                  <-  meshlint (CLI, a thin shell)
let package = Package(
    name: "meshlint",
    products: [
        .library(name: "MeshLint", targets: ["MeshLint"]),
        .executable(name: "meshlint", targets: ["meshlint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"])]
        ),
        .target(
            name: "MeshLintCore",
            dependencies: [
                "CYAML", "CPCRE2",
                .product(name: "X509", package: "swift-certificates"),
            ]
        ),
        .executableTarget(
            name: "RuleDocsEmbedder",
            path: "Sources/RuleDocsEmbedder"
        ),
        .plugin(
            name: "EmbedRuleDocs",
            capability: .buildTool(),
            dependencies: ["RuleDocsEmbedder"]
        ),
        .target(
            name: "MeshLintRules",
            dependencies: ["MeshLintCore"],
            plugins: ["EmbedRuleDocs"]
        ),
        .target(
            name: "MeshLint",
            dependencies: ["MeshLintCore", "MeshLintRules"]
        ),
        .executableTarget(
            name: "meshlint",
            dependencies: [
                "MeshLint",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "MeshLintBench",
            dependencies: ["MeshLint", "CYAML"]
        ),
        .testTarget(
            name: "MeshLintCoreTests",
            dependencies: ["MeshLintCore"]
        ),
        .testTarget(
            name: "MeshLintRulesTests",
            dependencies: ["MeshLint"]
        ),
        .testTarget(
            name: "MeshLintTests",
            dependencies: ["MeshLint"]
        ),
    ]
)
