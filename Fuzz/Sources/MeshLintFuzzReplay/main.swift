import Foundation
import MeshLintFuzzOracle

// Runs the fuzz oracle over files without libFuzzer (seed corpus, crash reproducers).
var count = 0
for path in CommandLine.arguments.dropFirst() {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write("cannot read \(path)\n".data(using: .utf8)!)
        exit(2)
    }
    FuzzOracle.run([UInt8](data))
    count += 1
}
print("replayed \(count) input(s) without a failure")
