// Differential tests (against GNU as) for addressing modes and data movement.
import Testing
import X86Asm

struct DataMovementTests {
    /// Every ModRM/SIB/displacement shape, through lea and both directions of mov.
    @Test func addressingModes() throws {
        var p = DiffProgram()
        for x in mems {
            for r in [R32.eax, .ecx, .esp, .edi] {
                if x.seg == nil { p.add("lea \(p.m(x)),%\(r)") { $0.lea(r, x) } }
                p.add("mov \(p.m(x)),%\(r)") { $0.mov(r, x) }
                p.add("mov %\(r),\(p.m(x))") { $0.mov(x, r) }
            }
        }
        try p.check()
    }

    @Test func mov32() throws {
        var p = DiffProgram()
        for d in allR32 {
            for s in allR32 { p.add("mov %\(s),%\(d)") { $0.mov(d, s) } }
            for i in imms { p.add("mov $\(i),%\(d)") { $0.mov(d, imm: i) } }
        }
        for x in someMems + segMems {
            for i in [UInt32(0), 1, 0x80, 0xFFFF_FFFF] { p.add("movl $\(i),\(p.m(x))") { $0.mov(x, imm: i) } }
        }
        try p.check()
    }

    @Test func mov16And8() throws {
        var p = DiffProgram()
        for d in allR16 {
            for s in allR16 { p.add("mov %\(s),%\(d)") { $0.mov(d, s) } }
            for i: UInt16 in [0, 1, 0x7F, 0x80, 0xFFFF] { p.add("mov $\(i),%\(d)") { $0.mov(d, imm: i) } }
            for x in someMems {
                p.add("mov \(p.m(x)),%\(d)") { $0.mov(d, x) }
                p.add("mov %\(d),\(p.m(x))") { $0.mov(x, d) }
            }
        }
        for d in allR8 {
            for s in allR8 { p.add("mov %\(s),%\(d)") { $0.mov(d, s) } }
            for i: UInt8 in [0, 1, 0x7F, 0x80, 0xFF] { p.add("mov $\(i),%\(d)") { $0.mov(d, imm: i) } }
            for x in someMems {
                p.add("mov \(p.m(x)),%\(d)") { $0.mov(d, x) }
                p.add("mov %\(d),\(p.m(x))") { $0.mov(x, d) }
            }
        }
        for x in someMems + segMems {
            p.add("movw $0x1234,\(p.m(x))") { $0.movw(x, imm: 0x1234) }
            p.add("movb $0xab,\(p.m(x))") { $0.movb(x, imm: 0xAB) }
        }
        try p.check()
    }

    @Test func segmentAndControlRegisters() throws {
        var p = DiffProgram()
        for s in Seg.allCases {
            for r in allR32 {
                if s != .cs { p.add("mov %\(r),%\(s)") { $0.movSeg(s, r) } }
                p.add("mov %\(s),%\(r)") { $0.movFromSeg(r, s) }
            }
            for x in someMems {
                if s != .cs { p.add("mov \(p.m(x)),%\(s)") { $0.movSeg(s, x) } }
                p.add("mov %\(s),\(p.m(x))") { $0.movFromSeg(x, s) }
            }
        }
        // mov %ax,%ds is the same instruction as mov %eax,%ds.
        p.add("mov %ax,%ds") { $0.movSeg(.ds, .eax) }
        for n: UInt8 in [0, 2, 3, 4] {
            for r in allR32 {
                p.add("mov %\(r),%cr\(n)") { $0.movToCR(n, r) }
                p.add("mov %cr\(n),%\(r)") { $0.movFromCR(r, n) }
            }
        }
        try p.check()
    }

    @Test func extensionExchangeAndConditionalMoves() throws {
        var p = DiffProgram()
        for d in allR32 {
            for s in allR8 {
                p.add("movzbl %\(s),%\(d)") { $0.movzx(d, s) }
                p.add("movsbl %\(s),%\(d)") { $0.movsx(d, s) }
            }
            for s in allR16 {
                p.add("movzwl %\(s),%\(d)") { $0.movzx(d, s) }
                p.add("movswl %\(s),%\(d)") { $0.movsx(d, s) }
            }
            for x in someMems {
                p.add("movzbl \(p.m(x)),%\(d)") { $0.movzx(d, x, byte: true) }
                p.add("movzwl \(p.m(x)),%\(d)") { $0.movzx(d, x, byte: false) }
                p.add("movsbl \(p.m(x)),%\(d)") { $0.movsx(d, x, byte: true) }
                p.add("movswl \(p.m(x)),%\(d)") { $0.movsx(d, x, byte: false) }
                p.add("xchg %\(d),\(p.m(x))") { $0.xchg(x, d) }
                p.add("xchg \(p.m(x)),%\(d)") { $0.xchg(d, x) }
            }
            for s in allR32 { p.add("xchg %\(s),%\(d)") { $0.xchg(d, s) } }
            p.add("bswap %\(d)") { $0.bswap(d) }
        }
        for c in Cond.allCases {
            for (d, s) in [(R32.eax, R32.ebx), (.esp, .ebp), (.edi, .esi)] {
                p.add("cmov\(c) %\(s),%\(d)") { $0.cmov(c, d, s) }
            }
            p.add("cmov\(c) 0x18(%esp),%ecx") { $0.cmov(c, .ecx, mem(.esp, 0x18)) }
            for r in allR8 { p.add("set\(c) %\(r)") { $0.set(c, r) } }
            p.add("set\(c) -1(%ebp)") { $0.set(c, mem(.ebp, -1)) }
        }
        try p.check()
    }
}
