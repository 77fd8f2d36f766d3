// Differential tests (against GNU as) for the ALU, test, multiply/divide and shifts.
import Testing
import X86Asm

struct ArithmeticTests {
    @Test(arguments: aluForms.map(\.name))
    func alu(_ name: String) throws {
        let f = aluForms.first { $0.name == name }!
        let o = f.name
        var p = DiffProgram()
        for d in allR32 {
            for s in allR32 { p.add("\(o) %\(s),%\(d)") { f.rr(&$0, d, s) } }
            for i in imms { p.add("\(o) $\(i),%\(d)") { f.ri(&$0, d, i) } }
        }
        for x in someMems + segMems {
            for r in [R32.eax, .edx, .esp] {
                p.add("\(o) \(p.m(x)),%\(r)") { f.rm(&$0, r, x) }
                p.add("\(o) %\(r),\(p.m(x))") { f.mr(&$0, x, r) }
            }
            for i in imms { p.add("\(o)l $\(i),\(p.m(x))") { f.mi(&$0, x, i) } }
        }
        for d in allR8 {
            for s in allR8 { p.add("\(o) %\(s),%\(d)") { f.rr8(&$0, d, s) } }
            for i: UInt8 in [0, 1, 0x7F, 0x80, 0xFF] { p.add("\(o) $\(i),%\(d)") { f.ri8(&$0, d, i) } }
        }
        for d in allR16 {
            for s in allR16 { p.add("\(o) %\(s),%\(d)") { f.rr16(&$0, d, s) } }
            for i: UInt16 in [0, 1, 0x7F, 0x80, 0xFF80, 0xFFFF, 0x1234] { p.add("\(o) $\(i),%\(d)") { f.ri16(&$0, d, i) } }
        }
        for x in someMems {
            for r in [R8.al, .bh] {
                p.add("\(o) \(p.m(x)),%\(r)") { f.rm8(&$0, r, x) }
                p.add("\(o) %\(r),\(p.m(x))") { f.mr8(&$0, x, r) }
            }
            for r in [R16.ax, .si] {
                p.add("\(o) \(p.m(x)),%\(r)") { f.rm16(&$0, r, x) }
                p.add("\(o) %\(r),\(p.m(x))") { f.mr16(&$0, x, r) }
            }
            for i: UInt8 in [1, 0x80] { p.add("\(o)b $\(i),\(p.m(x))") { f.mi8(&$0, x, i) } }
            for i: UInt16 in [1, 0x80, 0xFFFF] { p.add("\(o)w $\(i),\(p.m(x))") { f.mi16(&$0, x, i) } }
        }
        try p.check()
    }

    @Test func test() throws {
        var p = DiffProgram()
        for d in allR32 {
            for s in allR32 { p.add("test %\(s),%\(d)") { $0.test(d, s) } }
            for i in imms { p.add("test $\(i),%\(d)") { $0.test(d, imm: i) } }
        }
        for d in allR8 {
            for s in allR8 { p.add("test %\(s),%\(d)") { $0.test(d, s) } }
            p.add("test $0x80,%\(d)") { $0.test(d, imm: 0x80) }
        }
        for d in allR16 {
            for s in [R16.ax, .bp] { p.add("test %\(s),%\(d)") { $0.test(d, s) } }
            p.add("test $0xff,%\(d)") { $0.test(d, imm: 0xFF) }
        }
        for x in someMems {
            p.add("test %ecx,\(p.m(x))") { $0.test(x, .ecx) }
            p.add("testl $1,\(p.m(x))") { $0.test(x, imm: 1) }
            p.add("test %dh,\(p.m(x))") { $0.test(x, .dh) }
            p.add("testb $1,\(p.m(x))") { $0.testb(x, imm: 1) }
            p.add("test %di,\(p.m(x))") { $0.test(x, .di) }
            p.add("testw $0x100,\(p.m(x))") { $0.testw(x, imm: 0x100) }
        }
        try p.check()
    }

    @Test func unaryMultiplyDivide() throws {
        var p = DiffProgram()
        for r in allR32 {
            p.add("inc %\(r)") { $0.inc(r) }
            p.add("dec %\(r)") { $0.dec(r) }
            p.add("neg %\(r)") { $0.neg(r) }
            p.add("not %\(r)") { $0.not(r) }
            p.add("mul %\(r)") { $0.mul(r) }
            p.add("imul %\(r)") { $0.imul(r) }
            p.add("div %\(r)") { $0.div(r) }
            p.add("idiv %\(r)") { $0.idiv(r) }
            for s in [R32.eax, .ecx, .esp, .edi] {
                p.add("imul %\(s),%\(r)") { $0.imul(r, s) }
                for i in [UInt32(3), 0x80, 0xFFFF_FFFF, 0x1000] {
                    p.add("imul $\(i),%\(s),%\(r)") { $0.imul(r, s, imm: i) }
                }
            }
            p.add("imul $10,%\(r)") { $0.imul(r, imm: 10) }
        }
        for x in someMems {
            p.add("incl \(p.m(x))") { $0.inc(x) }
            p.add("decl \(p.m(x))") { $0.dec(x) }
            p.add("negl \(p.m(x))") { $0.neg(x) }
            p.add("notl \(p.m(x))") { $0.not(x) }
            p.add("mull \(p.m(x))") { $0.mul(x) }
            p.add("imull \(p.m(x))") { $0.imul(x) }
            p.add("divl \(p.m(x))") { $0.div(x) }
            p.add("idivl \(p.m(x))") { $0.idiv(x) }
            p.add("imul \(p.m(x)),%esi") { $0.imul(.esi, x) }
            p.add("imul $0x12345,\(p.m(x)),%esi") { $0.imul(.esi, x, imm: 0x12345) }
            p.add("imul $-2,\(p.m(x)),%esi") { $0.imul(.esi, x, imm: 0xFFFF_FFFE) }
        }
        p.add("cltd") { $0.cdq() }
        p.add("cwtl") { $0.cwde() }
        try p.check()
    }

    @Test func shiftsAndRotates() throws {
        var p = DiffProgram()
        for r in allR32 {
            for n: UInt8 in [0, 1, 2, 31] {
                p.add("shl $\(n),%\(r)") { $0.shl(r, imm: n) }
                p.add("shr $\(n),%\(r)") { $0.shr(r, imm: n) }
                p.add("sar $\(n),%\(r)") { $0.sar(r, imm: n) }
                p.add("rol $\(n),%\(r)") { $0.rol(r, imm: n) }
                p.add("ror $\(n),%\(r)") { $0.ror(r, imm: n) }
                p.add("rcl $\(n),%\(r)") { $0.rcl(r, imm: n) }
                p.add("rcr $\(n),%\(r)") { $0.rcr(r, imm: n) }
            }
            p.add("shl %cl,%\(r)") { $0.shl(r, .cl) }
            p.add("shr %cl,%\(r)") { $0.shr(r, .cl) }
            p.add("sar %cl,%\(r)") { $0.sar(r, .cl) }
            p.add("rol %cl,%\(r)") { $0.rol(r, .cl) }
            p.add("ror %cl,%\(r)") { $0.ror(r, .cl) }
        }
        for x in someMems {
            for n: UInt8 in [1, 5] {
                p.add("shll $\(n),\(p.m(x))") { $0.shl(x, imm: n) }
                p.add("shrl $\(n),\(p.m(x))") { $0.shr(x, imm: n) }
                p.add("sarl $\(n),\(p.m(x))") { $0.sar(x, imm: n) }
            }
            p.add("shll %cl,\(p.m(x))") { $0.shl(x, .cl) }
            p.add("shrl %cl,\(p.m(x))") { $0.shr(x, .cl) }
            p.add("sarl %cl,\(p.m(x))") { $0.sar(x, .cl) }
        }
        try p.check()
    }
}
