import CLibFuzzer
import Foundation
import MeshLintFuzzOracle

// libFuzzer without its own main(): SwiftPM gives every executable a main of its own, so the
// harness links libclang_rt.fuzzer_no_main and hands libFuzzer the target here. One input is
// one whole multicluster set (see FuzzOracle). MESHLINT_FUZZ_TARGET picks the target:
// `lint` (default: every rule, every format, the JSON oracle) or `load` (YAML layer, loader
// and graph facts only, many times faster; see LoadOracle).
let target: ([UInt8]) -> Void
switch ProcessInfo.processInfo.environment["MESHLINT_FUZZ_TARGET"] ?? "lint" {
case "lint": target = FuzzOracle.run
case "load": target = LoadOracle.run
case let other:
    FileHandle.standardError.write(Data("MESHLINT_FUZZ_TARGET: unknown target '\(other)' (lint, load)\n".utf8))
    exit(2)
}
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    guard let data else { return 0 }
    target(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
exit(status)
