import Testing
@testable import IA32

/// Byte-load and pointer-advance fusion (Decoder/LoadAdvanceFusion.swift): the fused
/// pair computes what the two instructions do one at a time, and a load that faults
/// leaves the pointer where it was.
struct LoadAdvanceFusionTests {
    /// `xor %eax,%eax; L: movzbl (%esi),%edx; add $1,%esi; add %edx,%eax; cmp %edi,%esi;
    /// jne L; int $0x80` — a byte sum from ESI to EDI.
    static let byteSum: [UInt8] = [0x31, 0xc0, 0x0f, 0xb6, 0x16, 0x83, 0xc6, 0x01, 0x01, 0xd0, 0x39, 0xfe,
                                   0x75, 0xf4, 0xcd, 0x80]

    @Test func aFusedByteLoopAgreesWithSingleSteps() {
        let block = TestMachine(), single = TestMachine()
        for m in [block, single] {
            m.memory.poke(TestMachine.code, LoadAdvanceFusionTests.byteSum)
            m.memory.poke(TestMachine.data, (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
            m[.esi] = TestMachine.data
            m[.edi] = TestMachine.data + 300
            m.cpu.eip = TestMachine.code
        }
        _ = block.cpu.run()
        var stop = StopReason.budgetExhausted
        while stop == .budgetExhausted { stop = single.cpu.step() }
        let expected = (0..<300).reduce(UInt32(0)) { $0 + UInt32(UInt8(truncatingIfNeeded: $1 &* 37 &+ 11)) }
        #expect(block[.eax] == expected)
        for r in [Reg.eax, .edx, .esi, .edi] { #expect(block[r] == single[r], "\(r)") }
        #expect(block.cpu.eflags == single.cpu.eflags)
        #expect(block.cpu.instructionCount == single.cpu.instructionCount)
        let loop = block.cpu.blocks.lookup(TestMachine.code + 2, cpl: 3)
        #expect(loop >= 0)
        #expect(block.cpu.blocks.blocks[Int(loop)].start.pointee.op == .movzx8M32BAdvance)
    }

    /// The fused op heads the block of `program` (which `run` ends with `int $0x80`).
    static func headOp(_ m: TestMachine) -> Op {
        m.cpu.blocks.blocks[Int(m.cpu.blocks.lookup(TestMachine.code, cpl: 3))].start.pointee.op
    }

    /// `movzbl (%esi),%esi; add $1,%esi; xor %ecx,%ecx`: the add sees the loaded byte
    /// (and its flags are dead: the xor overwrites them).
    @Test func theAdvanceReadsTheRegisterAfterTheLoad() {
        let m = TestMachine()
        m.memory.poke(TestMachine.data, [0x41])
        m[.esi] = TestMachine.data
        m.run([0x0f, 0xb6, 0x36, 0x83, 0xc6, 0x01, 0x31, 0xc9])
        #expect(m[.esi] == 0x42)
        #expect(LoadAdvanceFusionTests.headOp(m) == .movzx8M32BAdvance)
    }

    /// A load from an unmapped page faults on the load, before the advance.
    @Test func aFaultingLoadLeavesThePointerAlone() {
        let m = TestMachine()
        let unmapped: UInt32 = 0x5000_0000
        m[.esi] = unmapped
        m[.edx] = 7
        let stop = m.run([0x0f, 0xb6, 0x16, 0x83, 0xc6, 0x01, 0x31, 0xc9])
        guard case .exception(let fault) = stop else {
            Issue.record("expected a page fault, got \(stop)")
            return
        }
        #expect(fault.vector == 14)
        #expect(LoadAdvanceFusionTests.headOp(m) == .movzx8M32BAdvance)
        #expect(m.cpu.eip == TestMachine.code)
        #expect(m[.esi] == unmapped)
        #expect(m[.edx] == 7)
    }
}
