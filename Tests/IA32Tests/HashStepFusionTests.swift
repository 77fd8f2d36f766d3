import Testing
@testable import IA32

/// Hash-step fusion (Decoder/HashStepFusion.swift): a fused `xor; imul $prime` computes
/// what the two do one at a time, the pointer step of a word loop moves after the
/// multiply without changing a thing, and an xor from memory that faults does so before
/// anything after it has run.
struct HashStepFusionTests {
    static let prime: UInt32 = 0x0100_0193
    static let basis: UInt32 = 0x811c_9dc5

    /// Runs `program` from `setUp`'s state as blocks and one instruction at a time.
    static func both(_ program: [UInt8], _ setUp: (TestMachine) -> Void) -> (block: TestMachine, single: TestMachine) {
        let block = TestMachine(), single = TestMachine()
        for m in [block, single] {
            m.memory.poke(TestMachine.code, program)
            m.memory.poke(TestMachine.data, (0..<400).map { UInt8(truncatingIfNeeded: $0 &* 91 &+ 7) })
            setUp(m)
            m.cpu.eip = TestMachine.code
        }
        _ = block.cpu.run()
        var stop = StopReason.budgetExhausted
        while stop == .budgetExhausted { stop = single.cpu.step() }
        return (block, single)
    }

    /// The op in slot `slot` of the block at `address`.
    static func op(_ m: TestMachine, at address: UInt32, slot: Int) -> Op {
        (m.cpu.blocks.blocks[Int(m.cpu.blocks.lookup(address, cpl: 3))].start + slot).pointee.op
    }

    /// intloop's FNV-1a over bytes: `mov $basis,%esi; L: movzbl (%eax),%edx; add $1,%eax;
    /// xor %edx,%esi; imul $prime,%esi,%esi; cmp %ecx,%eax; jne L; int $0x80`.
    @Test func aByteHashLoopAgreesWithSingleSteps() {
        let program: [UInt8] = [0xbe, 0xc5, 0x9d, 0x1c, 0x81, 0x0f, 0xb6, 0x10, 0x83, 0xc0, 0x01, 0x31, 0xd6,
                                0x69, 0xf6, 0x93, 0x01, 0x00, 0x01, 0x39, 0xc8, 0x75, 0xee, 0xcd, 0x80]
        let (block, single) = HashStepFusionTests.both(program) { m in
            m[.eax] = TestMachine.data
            m[.ecx] = TestMachine.data + 300
        }
        let expected = (0..<300).reduce(HashStepFusionTests.basis) {
            ($0 ^ UInt32(UInt8(truncatingIfNeeded: $1 &* 91 &+ 7))) &* HashStepFusionTests.prime
        }
        #expect(block[.esi] == expected)
        for r in Reg.allCases { #expect(block[r] == single[r], "\(r)") }
        #expect(block.cpu.eflags == single.cpu.eflags)
        #expect(block.cpu.instructionCount == single.cpu.instructionCount)
        #expect(HashStepFusionTests.op(block, at: TestMachine.code + 5, slot: 2) == .xorMul32RR)
    }

    /// fileio's FNV-1a over words, whose pointer step sits between the two:
    /// `mov $basis,%edi; L: xor (%edx),%edi; add $4,%edx; imul $prime,%edi,%edi;
    /// cmp %eax,%edx; jne L; int $0x80`.
    @Test func aWordHashLoopAgreesWithSingleSteps() {
        let program: [UInt8] = [0xbf, 0xc5, 0x9d, 0x1c, 0x81, 0x33, 0x3a, 0x83, 0xc2, 0x04,
                                0x69, 0xff, 0x93, 0x01, 0x00, 0x01, 0x39, 0xc2, 0x75, 0xf1, 0xcd, 0x80]
        let (block, single) = HashStepFusionTests.both(program) { m in
            m[.edx] = TestMachine.data
            m[.eax] = TestMachine.data + 400
        }
        var expected = HashStepFusionTests.basis
        for k in 0..<100 { expected = (expected ^ block.memory.load32(TestMachine.data + UInt32(4 * k))) &* HashStepFusionTests.prime }
        #expect(block[.edi] == expected)
        for r in Reg.allCases { #expect(block[r] == single[r], "\(r)") }
        #expect(block.cpu.eflags == single.cpu.eflags)
        #expect(block.cpu.instructionCount == single.cpu.instructionCount)
        // The multiply moved ahead of the pointer step, which kept its own slot's position.
        let loop = TestMachine.code + 5
        #expect(HashStepFusionTests.op(block, at: loop, slot: 0) == .xorMul32RM)
        #expect(HashStepFusionTests.op(block, at: loop, slot: 1) == .imul32RRINF)
        #expect(HashStepFusionTests.op(block, at: loop, slot: 2) == .add32RINF)
        let start = block.cpu.blocks.blocks[Int(block.cpu.blocks.lookup(loop, cpl: 3))].start
        #expect((0..<3).map { (start + $0).pointee.pos } == [0, 1, 2])
    }

    /// `xor (%edx),%edi; add $4,%edx; imul $prime,%edi,%edi; xor %ecx,%ecx` with EDX on an
    /// unmapped page: the xor faults at its own address, with EDX and EDI untouched.
    @Test func aFaultingXorLeavesEverythingAfterItUndone() {
        let m = TestMachine()
        let unmapped: UInt32 = 0x5000_0000
        m[.edx] = unmapped
        m[.edi] = 1234
        m[.ecx] = 5
        let stop = m.run([0x33, 0x3a, 0x83, 0xc2, 0x04, 0x69, 0xff, 0x93, 0x01, 0x00, 0x01, 0x31, 0xc9])
        guard case .exception(let fault) = stop else {
            Issue.record("expected a page fault, got \(stop)")
            return
        }
        #expect(fault.vector == 14)
        #expect(m.cpu.eip == TestMachine.code)
        #expect(m[.edx] == unmapped && m[.edi] == 1234 && m[.ecx] == 5)
        #expect(HashStepFusionTests.op(m, at: TestMachine.code, slot: 0) == .xorMul32RM)
    }

    /// A step that touches the hash register does not commute: `xor (%edx),%edi; add
    /// $4,%edi; imul $prime,%edi,%edi; xor %ecx,%ecx` runs as written.
    @Test func aStepOnTheHashRegisterStaysPut() {
        let m = TestMachine()
        m.memory.poke(TestMachine.data, m.bytes(0x0102_0304))
        m[.edx] = TestMachine.data
        m[.edi] = 0x1000
        m.run([0x33, 0x3a, 0x83, 0xc7, 0x04, 0x69, 0xff, 0x93, 0x01, 0x00, 0x01, 0x31, 0xc9])
        #expect(m[.edi] == ((0x1000 ^ 0x0102_0304) &+ 4) &* HashStepFusionTests.prime)
        #expect(HashStepFusionTests.op(m, at: TestMachine.code, slot: 0) == .xor32RM)
        #expect(HashStepFusionTests.op(m, at: TestMachine.code, slot: 1) == .add32RINF)
    }
}
