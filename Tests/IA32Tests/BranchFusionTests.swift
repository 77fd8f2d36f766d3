import Testing
@testable import IA32

/// Compare-and-branch fusion (Decoder/BranchFusion.swift): every fused form and
/// condition branches as the compare and the jcc do one at a time, and leaves the same
/// flags behind.
struct BranchFusionTests {
    static let values: [UInt32] = [0, 1, 2, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xffff_fffe, 0xffff_ffff, 0x1234_5678]
    /// jb, jae, je, jne, jbe, ja, js, jns, jl, jge, jle, jg: the condition nibbles.
    static let conditions: [UInt8] = [0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xc, 0xd, 0xe, 0xf]

    enum Form: CaseIterable { case cmpRR, cmpRI, testRR }

    /// `cmp/test …; jcc +5; mov $1,%ecx; int $0x80`: ECX says whether the jump was taken.
    static func program(_ form: Form, _ cc: UInt8, imm: UInt32) -> [UInt8] {
        let compare: [UInt8]
        switch form {
        case .cmpRR: compare = [0x39, 0xd8]                                  // cmp %ebx,%eax
        case .cmpRI: compare = [0x81, 0xf8] + (0..<4).map { UInt8(truncatingIfNeeded: imm >> (8 * $0)) }
        case .testRR: compare = [0x85, 0xd8]                                 // test %ebx,%eax
        }
        return compare + [0x70 | cc, 0x05, 0xb9, 1, 0, 0, 0, 0xcd, 0x80]
    }

    @Test(arguments: Form.allCases)
    func fusedBranchesAgreeWithSingleSteps(_ form: Form) {
        for cc in BranchFusionTests.conditions {
            for a in BranchFusionTests.values {
                for b in BranchFusionTests.values {
                    let code = BranchFusionTests.program(form, cc, imm: b)
                    let block = TestMachine(), single = TestMachine()
                    for m in [block, single] {
                        m.memory.poke(TestMachine.code, code)
                        m[.eax] = a; m[.ebx] = b; m[.ecx] = 0
                        m.cpu.eip = TestMachine.code
                    }
                    _ = block.cpu.run()
                    var stop = StopReason.budgetExhausted
                    while stop == .budgetExhausted { stop = single.cpu.step() }
                    #expect(block[.ecx] == single[.ecx], "\(form) cc \(cc) \(a) \(b)")
                    #expect(block.cpu.eflags == single.cpu.eflags, "\(form) cc \(cc) \(a) \(b)")
                    let head = block.cpu.blocks.lookup(TestMachine.code, cpl: 3)
                    let op = block.cpu.blocks.blocks[Int(head)].start.pointee.op
                    #expect(BranchFusion.afterCmpRR.contains(op) || BranchFusion.afterCmpRI.contains(op)
                            || BranchFusion.afterTestRR.contains(op), "\(op) is not fused")
                }
            }
        }
    }

    /// `cmpb/cmpl $imm, mem; je/jne +5; mov $1,%ecx; int $0x80` with the operand at
    /// `data` through EBX, indexed by ESI or not.
    static func memoryProgram(byte: Bool, indexed: Bool, jne: Bool, imm: UInt32) -> [UInt8] {
        let modrm: [UInt8] = indexed ? [0x3c, 0x33] : [0x3b]        // /7 (%ebx,%esi,1) or (%ebx)
        let compare: [UInt8] = byte
            ? [0x80] + modrm + [UInt8(truncatingIfNeeded: imm)]
            : [0x81] + modrm + (0..<4).map { UInt8(truncatingIfNeeded: imm >> (8 * $0)) }
        return compare + [jne ? 0x75 : 0x74, 0x05, 0xb9, 1, 0, 0, 0, 0xcd, 0x80]
    }

    @Test(arguments: [false, true])
    func fusedMemoryComparesAgreeWithSingleSteps(_ byte: Bool) {
        for indexed in [false, true] {
            for jne in [false, true] {
                for a in BranchFusionTests.values {
                    for b in BranchFusionTests.values {
                        let code = BranchFusionTests.memoryProgram(byte: byte, indexed: indexed, jne: jne, imm: b)
                        let block = TestMachine(), single = TestMachine()
                        for m in [block, single] {
                            m.memory.poke(TestMachine.code, code)
                            m.memory.poke(TestMachine.data + 8, m.bytes(a))
                            m[.ebx] = indexed ? TestMachine.data : TestMachine.data + 8
                            m[.esi] = indexed ? 8 : 0
                            m[.ecx] = 0
                            m.cpu.eip = TestMachine.code
                        }
                        _ = block.cpu.run()
                        var stop = StopReason.budgetExhausted
                        while stop == .budgetExhausted { stop = single.cpu.step() }
                        #expect(block[.ecx] == single[.ecx], "byte \(byte) indexed \(indexed) jne \(jne) \(a) \(b)")
                        #expect(block.cpu.eflags == single.cpu.eflags)
                        let head = block.cpu.blocks.lookup(TestMachine.code, cpl: 3)
                        let op = block.cpu.blocks.blocks[Int(head)].start.pointee.op
                        let fusedForms = [Op.cmp8MI, .cmp8MIB, .cmp32MI, .cmp32MIB].flatMap { compare in
                            [true, false].compactMap { BranchFusion.afterCmpMemory(compare, je: $0) }
                        }
                        #expect(fusedForms.contains(op), "\(op) is not fused")
                    }
                }
            }
        }
    }

    @Test func aFusedMemoryCompareThatFaultsStopsOnTheCompare() {
        let m = TestMachine()
        // sub $1,%eax (ZF=1); cmpb $0,(%ebx) with EBX unmapped; jne …
        m[.eax] = 1
        m[.ebx] = 0x5000_0000
        m.run([0x83, 0xe8, 0x01] + BranchFusionTests.memoryProgram(byte: true, indexed: false, jne: true, imm: 0))
        #expect(m.cpu.eip == TestMachine.code + 3)
        #expect(m.cpu.instructionCount == 1)
        #expect(m.cpu.eflags & EFLAGS.zf != 0)
    }
}
