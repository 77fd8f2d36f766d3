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
}
