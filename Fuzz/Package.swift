// swift-tools-version:6.0
import PackageDescription

// The libFuzzer target for meshlint, in its own package (built and run by `scripts/fuzz`, see
// Fuzz/README.md). `swift build -Xswiftc -sanitize=fuzzer` cannot work: it links libFuzzer's
// main() into every executable, the rule-docs build plugin's tool included, and SwiftPM gives
// every executable a main of its own. So the script instruments all modules for coverage with
// AddressSanitizer (-sanitize=address -sanitize-coverage=...), and only the harness links
// libFuzzer, the variant without main() (libclang_rt.fuzzer_no_main, path in
// MESHLINT_FUZZER_LIB), calling LLVMFuzzerRunDriver from its own main.
let fuzzerLib = Context.environment["MESHLINT_FUZZER_LIB"]
let package = Package(
    name: "meshlint-fuzz",
    dependencies: [.package(name: "meshlint", path: "..")],
    targets: [
        .target(
            name: "MeshLintFuzzOracle",
            dependencies: [.product(name: "MeshLint", package: "meshlint")]
        ),
        .target(name: "CLibFuzzer"),
        .executableTarget(
            name: "MeshLintFuzz",
            dependencies: ["MeshLintFuzzOracle", "CLibFuzzer"],
            linkerSettings: [.unsafeFlags(fuzzerLib.map { [$0, "-lstdc++"] } ?? [])]
        ),
        // Replays inputs (seed corpus, crash files) without libFuzzer: `swift run MeshLintFuzzReplay FILE...`.
        .executableTarget(
            name: "MeshLintFuzzReplay",
            dependencies: ["MeshLintFuzzOracle"]
        ),
    ]
)
