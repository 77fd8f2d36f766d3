import Testing
@testable import IA32

/// 100,000 random byte sequences through the decoder and executor end only in clean
/// guest stops; a host crash would end the test process.
struct FuzzTests {
    @Test func randomSequencesEndCleanly() {
        var fuzzer = InstructionFuzzer(seed: 0x6a7e_2026)!
        var stats = InstructionFuzzer.Stats()
        fuzzer.run(count: 100_000, stats: &stats)
        #expect(stats.runs == 100_000)
        #expect(stats.other == 0)
        // The mix shows the fuzzer reaches deep: invalid opcodes, page faults, #GP.
        #expect(stats.exceptions[Vector.invalidOpcode, default: 0] > 100)
        #expect(stats.exceptions[Vector.pageFault, default: 0] > 100)
        #expect(stats.exceptions[Vector.generalProtection, default: 0] > 100)
        #expect(stats.instructions > 100_000)
    }
}
