// Differential tests (against GNU as) for system instructions, prefixes, string
// and atomic instructions, and data directives.
import Testing
import X86Asm

struct SystemTests {
    @Test func systemInstructions() throws {
        var p = DiffProgram()
        p.add("cli") { $0.cli() }
        p.add("sti") { $0.sti() }
        p.add("hlt") { $0.hlt() }
        p.add("cld") { $0.cld() }
        p.add("std") { $0.std() }
        p.add("clc") { $0.clc() }
        p.add("stc") { $0.stc() }
        p.add("cmc") { $0.cmc() }
        p.add("sahf") { $0.sahf() }
        p.add("lahf") { $0.lahf() }
        p.add("nop") { $0.nop() }
        p.add("nop; nop; nop") { $0.nop(count: 3) }
        p.add("pause") { $0.pause() }
        p.add("cpuid") { $0.cpuid() }
        p.add("rdtsc") { $0.rdtsc() }
        p.add("rdmsr") { $0.rdmsr() }
        p.add("wrmsr") { $0.wrmsr() }
        p.add("ud2") { $0.ud2() }
        p.add("clts") { $0.clts() }
        for x in someMems {
            p.add("lgdt \(p.m(x))") { $0.lgdt(x) }
            p.add("lidt \(p.m(x))") { $0.lidt(x) }
            p.add("sgdt \(p.m(x))") { $0.sgdt(x) }
            p.add("sidt \(p.m(x))") { $0.sidt(x) }
            p.add("invlpg \(p.m(x))") { $0.invlpg(x) }
            p.add("lldt \(p.m(x))") { $0.lldt(x) }
            p.add("ltr \(p.m(x))") { $0.ltr(x) }
        }
        for (r, r16) in zip(allR32, allR16) {
            p.add("ltr %\(r16)") { $0.ltr(r) }
            p.add("ltr %\(r16)") { $0.ltr(r16) }
            p.add("lldt %\(r16)") { $0.lldt(r) }
        }
        try p.check()
    }

    @Test func atomicsAndPrefixes() throws {
        var p = DiffProgram()
        for x in someMems + segMems {
            for r in [R32.eax, .ecx, .edi] {
                p.add("cmpxchg %\(r),\(p.m(x))") { $0.cmpxchg(x, r) }
                p.add("lock cmpxchg %\(r),\(p.m(x))") { $0.lock(); $0.cmpxchg(x, r) }
                p.add("xadd %\(r),\(p.m(x))") { $0.xadd(x, r) }
                p.add("lock xadd %\(r),\(p.m(x))") { $0.lock(); $0.xadd(x, r) }
            }
            p.add("lock incl \(p.m(x))") { $0.lock(); $0.inc(x) }
            p.add("lock addl $1,\(p.m(x))") { $0.lock(); $0.add(x, imm: 1) }
            p.add("lock orw $0x100,\(p.m(x))") { $0.lock(); $0.orw(x, imm: 0x100) }
            p.add("cmpxchg8b \(p.m(x))") { $0.cmpxchg8b(x) }
        }
        for d in allR32 {
            p.add("cmpxchg %ebx,%\(d)") { $0.cmpxchg(d, .ebx) }
            p.add("xadd %ebx,%\(d)") { $0.xadd(d, .ebx) }
        }
        // Prefix functions, including an explicit override of the default segment.
        p.add("ds mov (%eax),%ecx") { $0.seg(.ds); $0.mov(.ecx, mem(.eax)) }
        p.add("mov %ds:(%eax),%ecx") { $0.mov(.ecx, Mem(base: .eax, seg: .ds)) }
        p.add("mov %gs:(%eax),%ecx") { $0.seg(.gs); $0.mov(.ecx, mem(.eax)) }
        p.add("mov %gs:0x14,%eax") { $0.seg(.gs); $0.mov(.eax, .abs(0x14)) }
        p.add("movw %bx,%ax") { $0.opsize(); $0.mov(.eax, .ebx) }
        p.add("lock cmpxchg %ecx,%fs:(%eax)") { $0.lock(); $0.seg(.fs); $0.cmpxchg(mem(.eax), .ecx) }
        p.add("lock") { $0.lock() }   // a lone prefix, flushed by the next label/data/finish
        p.add(".byte 1") { $0.db(1) }
        try p.check()
    }

    @Test func stringInstructions() throws {
        var p = DiffProgram()
        let forms: [(String, (inout Assembler) -> Void)] = [
            ("movsb", { $0.movsb() }), ("movsw", { $0.movsw() }), ("movsl", { $0.movsl() }),
            ("cmpsb", { $0.cmpsb() }), ("cmpsl", { $0.cmpsl() }),
            ("stosb", { $0.stosb() }), ("stosw", { $0.stosw() }), ("stosl", { $0.stosl() }),
            ("lodsb", { $0.lodsb() }), ("lodsw", { $0.lodsw() }), ("lodsl", { $0.lodsl() }),
            ("scasb", { $0.scasb() }), ("scasl", { $0.scasl() }),
        ]
        for (name, f) in forms {
            p.add(name) { f(&$0) }
            p.add("rep \(name)") { $0.rep(); f(&$0) }
            p.add("repe \(name)") { $0.repe(); f(&$0) }
            p.add("repne \(name)") { $0.repne(); f(&$0) }
        }
        p.add("rep movsl %fs:(%esi),%es:(%edi)") { $0.rep(); $0.seg(.fs); $0.movsl() }
        p.add("fs movsb") { $0.seg(.fs); $0.movsb() }
        p.add("rep lodsl %gs:(%esi),%eax") { $0.seg(.gs); $0.rep(); $0.lodsl() }
        try p.check()
    }

    @Test func dataDirectives() throws {
        var p = DiffProgram()
        let l = p.label("here")
        p.add(".byte 0x12") { $0.db(0x12) }
        p.add(".word 0x3456") { $0.dw(0x3456) }
        p.add(".long 0x789abcde") { $0.dd(0x789A_BCDE) }
        p.add(".long here") { $0.dd(l) }
        p.add(".byte 1,2,3") { $0.raw([1, 2, 3]) }
        p.add(".ascii \"gate\"") { $0.ascii("gate") }
        p.add(".asciz \"vdso\"") { $0.asciz("vdso") }
        p.align(4)
        p.align(4)
        p.add("nop") { $0.nop() }
        p.align(32)
        p.add("nop; .fill 3,1,0") { $0.nop(); $0.align(4, fill: 0) }
        try p.check()
    }
}
