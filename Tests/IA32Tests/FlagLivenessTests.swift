import Testing
@testable import IA32

/// Dead-flag elimination (Decoder/FlagLiveness.swift): flags nothing reads are not
/// computed, and nothing that can observe EFLAGS ever sees the difference.
struct FlagLivenessTests {
    /// The ops of the block decoded at `eip`.
    func decodedOps(_ m: TestMachine, at eip: UInt32) -> [Op] {
        let b = m.cpu.blocks.lookup(eip, cpl: 3)
        guard b >= 0 else { return [] }
        let block = m.cpu.blocks.blocks[Int(b)]
        return (0..<Int(block.count)).map { block.start[$0].op }
    }

    @Test func overwrittenFlagsAreNotComputed() {
        let m = TestMachine()
        // add $4,%edx; shl $13,%edi; xor %edi,%eax; cmp %eax,%ecx; int $0x80
        m.run([0x83, 0xc2, 0x04, 0xc1, 0xe7, 0x0d, 0x31, 0xf8, 0x39, 0xc1])
        #expect(decodedOps(m, at: TestMachine.code) == [.add32RINF, .shl32RINF, .xor32RRNF, .cmp32RR, .intN])
    }

    @Test func flagsStayLiveAtTheEndOfABlock() {
        let m = TestMachine()
        // sub $1,%eax; int $0x80 — the flags are visible after the block.
        m[.eax] = 1
        m.run([0x83, 0xe8, 0x01])
        #expect(decodedOps(m, at: TestMachine.code) == [.sub32RI, .intN])
        #expect(m.cpu.eflags & EFLAGS.zf != 0)
    }

    @Test func flagsStayLiveBeforeAnInstructionThatMayFault() {
        let m = TestMachine()
        // sub $1,%eax; mov 0,%ebx (faults); add $1,%ecx — at the fault EFLAGS shows the sub.
        m[.eax] = 1
        let stop = m.run([0x83, 0xe8, 0x01, 0x8b, 0x1d, 0, 0, 0, 0, 0x83, 0xc1, 0x01])
        #expect(stop == .exception(PendingFault(vector: Vector.pageFault, errorCode: 4, address: 0)))
        #expect(decodedOps(m, at: TestMachine.code).first == .sub32RI)
        #expect(m.cpu.eflags & EFLAGS.zf != 0)
        #expect(m.cpu.eip == TestMachine.code + 3)
    }

    @Test func incKeepsTheCarryItPassesThrough() {
        let m = TestMachine()
        // stc; inc %eax; jc 1f; mov $7,%ebx; 1: int $0x80 — CF passes through inc to the jc.
        m.run([0xf9, 0x40, 0x72, 0x05, 0xbb, 7, 0, 0, 0])
        #expect(decodedOps(m, at: TestMachine.code) == [.stc, .inc32R, .jb])
        #expect(m[.ebx] == 0)
        // clc; inc %eax; add %eax,%eax; jc — inc's flags die under the add.
        let n = TestMachine()
        n.run([0xf8, 0x40, 0x01, 0xc0, 0x72, 0x00])
        #expect(decodedOps(n, at: TestMachine.code) == [.clc, .inc32RNF, .add32RR, .jb])
    }

    @Test func aLoopComputesTheSameResultsWithoutTheDeadFlags() {
        let m = TestMachine()
        // xorshift32 ten thousand times, as the benchmark's fill loop does:
        // 1: mov %eax,%edx; shl $13,%edx; xor %edx,%eax; mov %eax,%edx; shr $17,%edx;
        //    xor %edx,%eax; mov %eax,%edx; shl $5,%edx; xor %edx,%eax; dec %ecx; jnz 1b
        m[.eax] = 0x1234_5678
        m[.ecx] = 10_000
        m.run([0x89, 0xc2, 0xc1, 0xe2, 0x0d, 0x31, 0xd0, 0x89, 0xc2, 0xc1, 0xea, 0x11,
               0x31, 0xd0, 0x89, 0xc2, 0xc1, 0xe2, 0x05, 0x31, 0xd0, 0x49, 0x75, 0xe8], budget: 1_000_000)
        var x: UInt32 = 0x1234_5678
        for _ in 0..<10_000 { x ^= x << 13; x ^= x >> 17; x ^= x << 5 }
        #expect(m[.eax] == x)
        #expect(m[.ecx] == 0)
        #expect(decodedOps(m, at: TestMachine.code).contains(.xor32RRNF))
    }
}

/// Blocks run with dead flags pruned agree with the same code run one instruction at a
/// time (`CPU.step` decodes instructions alone and keeps every flag), on random
/// register-only sequences that mix flag writers, readers and partial writers.
struct BlockVersusStepTests {
    /// A small deterministic generator (xorshift64*).
    struct Random {
        var x: UInt64
        mutating func next() -> UInt64 {
            x ^= x >> 12; x ^= x << 25; x ^= x >> 27
            return x &* 0x2545_F491_4F6C_DD1D
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
    }

    /// One random instruction on registers other than ESP.
    static func instruction(_ r: inout Random) -> [UInt8] {
        func reg() -> UInt8 { [0, 1, 2, 3, 5, 6, 7][r.below(7)] }
        let modrm = 0xc0 | reg() << 3 | reg()
        switch r.below(14) {
        case 0: return [[0x01, 0x29, 0x31, 0x21, 0x09, 0x39, 0x85, 0x11, 0x19][r.below(9)], modrm]   // op r,r
        case 1: return [0x83, 0xc0 | UInt8(r.below(8)) << 3 | reg(), r.byte()]                     // op r,imm8
        case 2: return [0x81, 0xc0 | UInt8(r.below(8)) << 3 | reg()] + (0..<4).map { _ in r.byte() }
        case 3: return [0xc1, [0xe0, 0xe8, 0xf8][r.below(3)] | reg(), UInt8(1 + r.below(31))]        // shl/shr/sar
        case 4: return [0x0f, 0xaf, modrm]                                                          // imul r,r
        case 5: return [0x6b, modrm, r.byte()]                                                      // imul r,r,imm8
        case 6: return [(r.below(2) == 0 ? 0x40 : 0x48) | reg()]                                    // inc/dec
        case 7: return [0x89, modrm]                                                                // mov
        case 8: return [0x8d, 0x04 | reg() << 3, reg() << 3 | [0, 1, 2, 3, 6, 7][r.below(6)]]       // lea (b,i)
        case 9: return [0x0f, 0x90 | UInt8(r.below(16)), 0xc0 | UInt8(r.below(4))]                  // setcc r8
        case 10: return [[0xf8, 0xf9, 0xf5][r.below(3)]]                                            // clc/stc/cmc
        case 11: return [0x70 | UInt8(r.below(16)), 0x00]                                           // jcc to the next
        case 12: return [0x0f, 0x40 | UInt8(r.below(16)), modrm]                                    // cmovcc
        default: return [0x00 | UInt8(r.below(8)) << 3, 0xc0 | reg() << 3 | reg()]                  // op r8,r8
        }
    }

    @Test func blocksAgreeWithSingleSteps() {
        var r = Random(x: 0x9e37_79b9_7f4a_7c15)
        for _ in 0..<300 {
            var code: [UInt8] = []
            for _ in 0..<(1 + r.below(40)) { code += BlockVersusStepTests.instruction(&r) }
            code += [0xcd, 0x80]
            let regs = (0..<8).map { _ in UInt32(truncatingIfNeeded: r.next()) }
            let flags = UInt32(0x202) | UInt32(truncatingIfNeeded: r.next()) & EFLAGS.arith
            let block = TestMachine(), single = TestMachine()
            for m in [block, single] {
                m.memory.poke(TestMachine.code, code)
                for reg in Reg.allCases where reg != .esp { m[reg] = regs[reg.rawValue] }
                m.cpu.eflags = flags
                m.cpu.eip = TestMachine.code
            }
            let stop = block.cpu.run(budget: 10_000)
            var singleStop = StopReason.budgetExhausted
            for _ in 0..<10_000 where singleStop == .budgetExhausted { singleStop = single.cpu.step() }
            #expect(stop == .softwareInterrupt(0x80))
            #expect(singleStop == .softwareInterrupt(0x80))
            for reg in Reg.allCases { #expect(block[reg] == single[reg], "\(reg) after \(code)") }
            #expect(block.cpu.eflags == single.cpu.eflags, "eflags after \(code)")
        }
    }
}
