import Foundation
import MeshLintFuzzOracle

// Runs the fuzz oracles over files without libFuzzer (seed corpus, crash reproducers): every
// input goes through both targets, the fast `load` one first.
var count = 0
for path in CommandLine.arguments.dropFirst() {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write("cannot read \(path)\n".data(using: .utf8)!)
        exit(2)
    }
    LoadOracle.run([UInt8](data))
    FuzzOracle.run([UInt8](data))
    count += 1
}
print("replayed \(count) input(s) without a failure")
