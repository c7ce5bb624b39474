import CLibFuzzer
import Foundation
import MeshLintFuzzOracle

// libFuzzer without its own main(): SwiftPM gives every executable a main of its own, so the
// harness links libclang_rt.fuzzer_no_main and hands libFuzzer the target here. One input is
// one whole multicluster set (see FuzzOracle).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
let status = LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    guard let data else { return 0 }
    FuzzOracle.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
exit(status)
