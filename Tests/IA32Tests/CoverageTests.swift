import Foundation
import Testing
@testable import IA32

/// Every handler the decoder can choose is exercised by the differential corpus, except
/// the few listed here, each with the reason and the test that covers it instead.
struct CoverageTests {
    static let coveredElsewhere: [Op: String] = [
        .fetchFault: "no instruction bytes to record; MemoryTests.userCannotTouchKernelPages",
        .cpuid: "host-specific values; ProcessorTests.cpuidReportsTheModel",
        .rdtsc: "host-specific values; ProcessorTests.rdtscCountsRetiredInstructions",
        .movSregRM: "native selectors differ from Linux 2.6's; SegmentTests",
        .movRMSreg: "native selectors differ; SegmentTests",
        .popSreg: "native selectors differ; SegmentTests",
        .pushSreg: "native selectors differ",
        .loadFarPointer: "needs descriptors the host does not have",
        .jmpFar: "far transfers need descriptors", .callFar: "far transfers need descriptors",
        .jmpFarRM: "far transfers need descriptors", .callFarRM: "far transfers need descriptors",
        .retFar: "far transfers need descriptors", .iret: "the kernel's exit path (the gate issue)",
        .sysenter: "ProcessorTests.sysenterNeedsTheMSRsAndTheFeature",
        .sysexit: "ProcessorTests.privilegedInstructionsFaultAtCPL3",
        .rdmsr: "ProcessorTests.privilegedInstructionsFaultAtCPL3",
        .wrmsr: "ProcessorTests.privilegedInstructionsFaultAtCPL3",
        .lgdt: "ProcessorTests.privilegedInstructionsFaultAtCPL3",
        .sgdt: "the host kernel emulates it (UMIP)", .sidt: "the host kernel emulates it (UMIP)",
        .sldt: "the host kernel emulates it (UMIP)", .str: "the host kernel emulates it (UMIP)",
        .smsw: "the host kernel emulates it (UMIP)",
        .lidt: "privileged; #GP like lgdt", .lldt: "privileged", .ltr: "privileged", .lmsw: "privileged",
        .lar: "needs descriptors", .lsl: "needs descriptors", .verr: "needs descriptors", .verw: "needs descriptors",
        .x87: "X87CorpusTests: its own differential corpus in Corpus/x87 (ProcessorTests.x87Executes)",
        .add32RRNF: "flagless form: FlagLivenessTests", .sub32RRNF: "flagless form: FlagLivenessTests",
        .xor32RRNF: "flagless form: FlagLivenessTests", .and32RRNF: "flagless form: FlagLivenessTests",
        .or32RRNF: "flagless form: FlagLivenessTests", .add32RINF: "flagless form: FlagLivenessTests",
        .sub32RINF: "flagless form: FlagLivenessTests", .and32RINF: "flagless form: FlagLivenessTests",
        .or32RINF: "flagless form: FlagLivenessTests", .xor32RINF: "flagless form: FlagLivenessTests",
        .shl32RINF: "flagless form: FlagLivenessTests", .shr32RINF: "flagless form: FlagLivenessTests",
        .sar32RINF: "flagless form: FlagLivenessTests", .imul32RRNF: "flagless form: FlagLivenessTests",
        .imul32RRINF: "flagless form: FlagLivenessTests", .inc32RNF: "flagless form: FlagLivenessTests",
        .dec32RNF: "flagless form: FlagLivenessTests",
        .cmpRRJb: "fused branch: BranchFusionTests", .cmpRRJae: "fused branch: BranchFusionTests",
        .cmpRRJe: "fused branch: BranchFusionTests", .cmpRRJne: "fused branch: BranchFusionTests",
        .cmpRRJbe: "fused branch: BranchFusionTests", .cmpRRJa: "fused branch: BranchFusionTests",
        .cmpRRJs: "fused branch: BranchFusionTests", .cmpRRJns: "fused branch: BranchFusionTests",
        .cmpRRJl: "fused branch: BranchFusionTests", .cmpRRJge: "fused branch: BranchFusionTests",
        .cmpRRJle: "fused branch: BranchFusionTests", .cmpRRJg: "fused branch: BranchFusionTests",
        .cmpRIJb: "fused branch: BranchFusionTests", .cmpRIJae: "fused branch: BranchFusionTests",
        .cmpRIJe: "fused branch: BranchFusionTests", .cmpRIJne: "fused branch: BranchFusionTests",
        .cmpRIJbe: "fused branch: BranchFusionTests", .cmpRIJa: "fused branch: BranchFusionTests",
        .cmpRIJs: "fused branch: BranchFusionTests", .cmpRIJns: "fused branch: BranchFusionTests",
        .cmpRIJl: "fused branch: BranchFusionTests", .cmpRIJge: "fused branch: BranchFusionTests",
        .cmpRIJle: "fused branch: BranchFusionTests", .cmpRIJg: "fused branch: BranchFusionTests",
        .testRRJb: "fused branch: BranchFusionTests", .testRRJae: "fused branch: BranchFusionTests",
        .testRRJe: "fused branch: BranchFusionTests", .testRRJne: "fused branch: BranchFusionTests",
        .testRRJbe: "fused branch: BranchFusionTests", .testRRJa: "fused branch: BranchFusionTests",
        .testRRJs: "fused branch: BranchFusionTests", .testRRJns: "fused branch: BranchFusionTests",
        .testRRJl: "fused branch: BranchFusionTests", .testRRJge: "fused branch: BranchFusionTests",
        .testRRJle: "fused branch: BranchFusionTests", .testRRJg: "fused branch: BranchFusionTests",
        .cmp8MIJe: "fused branch: BranchFusionTests", .cmp8MIJne: "fused branch: BranchFusionTests",
        .cmp8MIBJe: "fused branch: BranchFusionTests", .cmp8MIBJne: "fused branch: BranchFusionTests",
        .cmp32MIJe: "fused branch: BranchFusionTests", .cmp32MIJne: "fused branch: BranchFusionTests",
        .cmp32MIBJe: "fused branch: BranchFusionTests", .cmp32MIBJne: "fused branch: BranchFusionTests",
        .movzx8M32BAdvance: "fused pair: LoadAdvanceFusionTests",
        .xorMul32RR: "fused pair: HashStepFusionTests", .xorMul32RM: "fused pair: HashStepFusionTests",
        .push32RRun: "fused run: StackRunFusionTests", .pop32RRun: "fused run: StackRunFusionTests",
        .blockTail: "not an instruction: the record after a block (ThreadedDispatchTests)",
        .invalidBlock: "not an instruction: marks a block code writes invalidated (ThreadedDispatchTests)",
    ]

    @Test func corpusReachesEveryHandler() throws {
        let m = TestMachine()
        var seen = Set<Op>()
        for url in CorpusTests.corpusFiles {
            let text = try String(contentsOf: url, encoding: .utf8)
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let code = CorpusTests.bytes(line.split(separator: ";")[1])
                m.memory.poke(TestMachine.code, code + [UInt8](repeating: 0xf4, count: 16))
                seen.insert(m.cpu.decodeOne(at: TestMachine.code).op)
            }
        }
        // The x87 forms with operations of their own run in X87CorpusTests, from their
        // own differential corpus in Corpus/x87.
        let x87Forms = Set(X87Op.allCases.compactMap(Op.x87))
        let missing = Op.allCases.filter {
            !seen.contains($0) && CoverageTests.coveredElsewhere[$0] == nil && !x87Forms.contains($0)
        }
        #expect(missing.isEmpty, "handlers no corpus case reaches: \(missing)")
    }
}
