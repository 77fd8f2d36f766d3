import Testing
@testable import IA32

/// Runs of register pushes and pops (Decoder/StackRunFusion.swift): a run moves what the
/// single pushes and pops would, and one that faults partway stops where they would.
struct StackRunFusionTests {
    /// `push %eax; push %ecx; push %edx; push %ebx; push %ebp; push %esi; push %edi`, then
    /// `pop %edx; pop %eax; pop %eax; pop %ebx; pop %esi; pop %ecx; pop %edi`: seven of
    /// each, a pop run that names EAX twice (the later pop wins).
    static let saveAndShuffle: [UInt8] = [0x50, 0x51, 0x52, 0x53, 0x55, 0x56, 0x57,
                                          0x5a, 0x58, 0x58, 0x5b, 0x5e, 0x59, 0x5f]

    /// The op heading the block at the code address.
    static func headOp(_ m: TestMachine) -> Op {
        m.cpu.blocks.blocks[Int(m.cpu.blocks.lookup(TestMachine.code, cpl: 3))].start.pointee.op
    }

    /// Runs `program` (ending in `int $0x80`) as a block and one instruction at a time,
    /// from the same registers and `esp`.
    static func both(_ program: [UInt8], esp: UInt32) -> (block: TestMachine, single: TestMachine) {
        let block = TestMachine(), single = TestMachine()
        for m in [block, single] {
            for (k, r) in Reg.allCases.enumerated() where r != .esp { m[r] = 0x1111_1111 &* UInt32(k + 1) }
            m[.esp] = esp
            m.memory.poke(TestMachine.code, program + [0xcd, 0x80])
            m.cpu.eip = TestMachine.code
        }
        _ = block.cpu.run()
        var stop = StopReason.budgetExhausted
        while stop == .budgetExhausted { stop = single.cpu.step() }
        return (block, single)
    }

    @Test func runsAgreeWithSingleSteps() {
        let top = TestMachine.data + 0x8000
        let (block, single) = StackRunFusionTests.both(StackRunFusionTests.saveAndShuffle, esp: top)
        #expect(StackRunFusionTests.headOp(block) == .push32RRun)
        for r in Reg.allCases { #expect(block[r] == single[r], "\(r)") }
        #expect(block[.esp] == top)
        // EAX was pushed first (highest) and EDI last, so the pops read EDI, ESI, EBP,
        // EBX, EDX, ECX, EAX: EDX gets EDI's value, EAX ESI's and then EBP's, EDI EAX's.
        #expect(block[.edx] == 0x8888_8888)
        #expect(block[.eax] == 0x6666_6666)
        #expect(block[.edi] == 0x1111_1111)
        #expect(block.memory.read(top - 28, count: 28) == single.memory.read(top - 28, count: 28))
        #expect(block.cpu.instructionCount == single.cpu.instructionCount)
        let pops = block.cpu.blocks.blocks[Int(block.cpu.blocks.lookup(TestMachine.code, cpl: 3))].start + 7
        #expect(pops.pointee.op == .pop32RRun)
    }

    /// A run across a page boundary takes the general path, one push at a time.
    @Test func aRunAcrossPagesAgreesWithSingleSteps() {
        let (block, single) = StackRunFusionTests.both(StackRunFusionTests.saveAndShuffle,
                                                       esp: TestMachine.data + 0x4000 + 12)
        for r in Reg.allCases { #expect(block[r] == single[r], "\(r)") }
        #expect(block.memory.read(TestMachine.data + 0x4000 - 16, count: 28)
                == single.memory.read(TestMachine.data + 0x4000 - 16, count: 28))
    }

    /// Four pushes from 8 bytes above an unmapped page: the first two land, the third
    /// faults with ESP and EIP where single steps leave them.
    @Test func aRunThatFaultsPartwayStopsAtTheFaultingPush() {
        let m = TestMachine()
        let esp = TestMachine.data + 8
        m[.esp] = esp
        m[.eax] = 0xa
        m[.ecx] = 0xc
        let stop = m.run([0x50, 0x51, 0x52, 0x53])
        guard case .exception(let fault) = stop else {
            Issue.record("expected a page fault, got \(stop)")
            return
        }
        #expect(fault.vector == 14)
        #expect(StackRunFusionTests.headOp(m) == .push32RRun)
        #expect(m.cpu.eip == TestMachine.code + 2)
        #expect(m[.esp] == esp - 8)
        #expect(m.memory.load32(esp - 4) == 0xa)
        #expect(m.memory.load32(esp - 8) == 0xc)
    }

    /// `push %esp` is left out of runs: it stores the pointer before its decrement.
    @Test func pushOfESPIsNotInARun() {
        let top = TestMachine.data + 0x8000
        let (block, single) = StackRunFusionTests.both([0x50, 0x54, 0x51, 0x5b, 0x5a, 0x59], esp: top)
        #expect(StackRunFusionTests.headOp(block) == .push32R)
        for r in Reg.allCases { #expect(block[r] == single[r], "\(r)") }
        #expect(block[.edx] == top - 4)
    }
}
