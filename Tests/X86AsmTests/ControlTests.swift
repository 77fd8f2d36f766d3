// Differential tests (against GNU as) for the stack, branches, calls and returns.
import Testing
import X86Asm

struct ControlTests {
    @Test func stack() throws {
        var p = DiffProgram()
        for r in allR32 {
            p.add("push %\(r)") { $0.push(r) }
            p.add("pop %\(r)") { $0.pop(r) }
        }
        for i in imms { p.add("push $\(i)") { $0.push(imm: i) } }
        for x in someMems + segMems {
            p.add("pushl \(p.m(x))") { $0.push(x) }
            p.add("popl \(p.m(x))") { $0.pop(x) }
        }
        for s in Seg.allCases {
            p.add("push %\(s)") { $0.push(s) }
            if s != .cs { p.add("pop %\(s)") { $0.pop(s) } }
        }
        p.add("pushfl") { $0.pushfl() }
        p.add("popfl") { $0.popfl() }
        p.add("pushal") { $0.pushal() }
        p.add("popal") { $0.popal() }
        p.add("enter $8,$0") { $0.enter(8) }
        p.add("enter $0x1000,$3") { $0.enter(0x1000, 3) }
        p.add("leave") { $0.leave() }
        try p.check()
    }

    /// Backward branches pick rel8 when in reach; forward ones are rel32 unless
    /// forced short (GNU as would relax those, so its source says `{disp32}`).
    @Test func branchesAndLabels() throws {
        var p = DiffProgram()
        let back = p.label("back")
        p.add("jmp back") { $0.jmp(back) }
        p.add("jmp back") { $0.jmp(short: back) }
        for c in Cond.allCases {
            p.add("j\(c) back") { $0.j(c, back) }
            p.add("j\(c) back") { $0.j(c, short: back) }
        }
        p.add("call back") { $0.call(back) }
        p.add("loop back") { $0.loop(back) }
        p.add("loope back") { $0.loope(back) }
        p.add("loopne back") { $0.loopne(back) }
        p.add("jecxz back") { $0.jecxz(back) }

        let fwd = p.newLabel("fwd")
        p.add("{disp32} jmp fwd") { $0.jmp(fwd) }
        for c in Cond.allCases { p.add("{disp32} j\(c) fwd") { $0.j(c, fwd) } }
        p.add("call fwd") { $0.call(fwd) }
        p.add("jmp fwd") { $0.jmp(short: fwd) }
        for c in Cond.allCases { p.add("j\(c) fwd") { $0.j(c, short: fwd) } }
        p.add("loop fwd") { $0.loop(fwd) }
        p.add("jecxz fwd") { $0.jecxz(fwd) }
        p.bind(fwd)

        // Far behind now: rel32 both ways.
        p.add(".fill 200,1,0x90") { $0.nop(count: 200) }
        p.add("jmp back") { $0.jmp(back) }
        p.add("jne back") { $0.j(.ne, back) }

        // The rel8 boundaries: exactly -128 and one byte beyond, +127.
        for (pad, label) in [(126, "m128"), (127, "m129")] {
            let l = p.label(label)
            p.add(".fill \(pad),1,0x90") { $0.nop(count: pad) }
            p.add("jmp \(label)") { $0.jmp(l) }
        }
        for (pad, label) in [(126, "c128"), (127, "c129")] {
            let l = p.label(label)
            p.add(".fill \(pad),1,0x90") { $0.nop(count: pad) }
            p.add("jz \(label)") { $0.j(.z, l) }
        }
        let p127 = p.newLabel("p127")
        p.add("jmp p127") { $0.jmp(short: p127) }
        p.add("jc p127") { $0.j(.c, short: p127) }
        p.add(".fill 125,1,0x90") { $0.nop(count: 125) }
        p.bind(p127)
        try p.check()
    }

    @Test func indirectFarAndReturns() throws {
        var p = DiffProgram()
        for r in allR32 {
            p.add("call *%\(r)") { $0.call(r) }
            p.add("jmp *%\(r)") { $0.jmp(r) }
        }
        for x in someMems + segMems {
            p.add("call *\(p.m(x))") { $0.call(x) }
            p.add("jmp *\(p.m(x))") { $0.jmp(x) }
            p.add("ljmp *\(p.m(x))") { $0.jmpFar(x) }
            p.add("lcall *\(p.m(x))") { $0.callFar(x) }
        }
        p.add("ljmp $0x10,$0x1000") { $0.jmpFar(selector: 0x10, offset: 0x1000) }
        p.add("lcall $0x23,$0xc0001234") { $0.callFar(selector: 0x23, offset: 0xC000_1234) }
        p.add("ret") { $0.ret() }
        p.add("ret $0") { $0.ret(imm: 0) }
        p.add("ret $12") { $0.ret(imm: 12) }
        p.add("lret") { $0.lret() }
        p.add("lret $8") { $0.lret(imm: 8) }
        p.add("iret") { $0.iret() }
        p.add("int $0x80") { $0.int(0x80) }
        p.add("int $0") { $0.int(0) }
        // GNU as turns `int $3` into int3; X86Asm keeps what was asked for.
        p.add(".byte 0xcd,3") { $0.int(3) }
        p.add("int3") { $0.int3() }
        p.add("into") { $0.into() }
        p.add("sysenter") { $0.sysenter() }
        p.add("sysexit") { $0.sysexit() }
        try p.check()
    }

    /// Labels used as absolute addresses: immediates, memory displacements, data.
    @Test(arguments: [UInt32(0), 0xFFFF_E000, 0x0804_8000])
    func absoluteLabels(origin: UInt32) throws {
        var p = DiffProgram(origin: origin)
        let table = p.newLabel("table")
        let start = p.label("start")
        for r in [R32.eax, .ebx, .esp] {
            p.add("mov $table,%\(r)") { $0.mov(r, label: table) }
            p.add("mov table,%\(r)") { $0.mov(r, Mem.at(table)) }
            p.add("mov %\(r),table+8") { $0.mov(Mem.at(table, disp: 8), r) }
            p.add("mov table-4(%\(r)),%ecx") { $0.mov(.ecx, Mem.at(table, base: r, disp: -4)) }
            let i = r == .esp ? R32.esi : r
            p.add("lea table(,%\(i),4),%edx") { $0.lea(.edx, Mem.at(table, index: i, scale: 4)) }
        }
        p.add("push $start") { $0.push(label: start) }
        p.add("movl $start,4(%esp)") { $0.mov(mem(.esp, 4), label: start) }
        p.add("call *table(,%eax,4)") { $0.call(Mem.at(table, index: .eax, scale: 4)) }
        p.add("jmp *%fs:table") { $0.jmp(Mem.at(table, seg: .fs)) }
        p.add("call start") { $0.call(start) }
        p.align(16)
        p.bind(table)
        p.add(".long start") { $0.dd(start) }
        p.add(".long table") { $0.dd(table) }
        try p.check()
        #expect(p.asm.symbols["table"] == p.asm.address(of: table))
        #expect(p.asm.address(of: start) == origin)
    }
}
