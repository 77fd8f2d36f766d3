// GateFuzz: the long-running fuzz target for the IA-32 decoder and executor.
//
//     swift run -c release GateFuzz [RUNS] [SEED]
//
// Runs RUNS random byte sequences (default 10 million) and prints how they ended.
// Any host crash is a bug; rerun with the printed seed to reproduce.
import IA32
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

let args = CommandLine.arguments
let total = args.count > 1 ? Int(args[1]) ?? 10_000_000 : 10_000_000
let seed = args.count > 2 ? UInt64(args[2]) ?? 1 : UInt64(UInt32.random(in: 1...UInt32.max))
print("GateFuzz: \(total) sequences, seed \(seed)")
guard var fuzzer = InstructionFuzzer(seed: seed) else {
    print("cannot reserve guest address space")
    exit(1)
}
var stats = InstructionFuzzer.Stats()
let chunk = 100_000
var done = 0
while done < total {
    let n = min(chunk, total - done)
    fuzzer.run(count: n, stats: &stats)
    done += n
    print("\(done) sequences, \(stats.instructions) instructions, exceptions \(stats.exceptions.sorted { $0.key < $1.key }), budget \(stats.budget)")
}
