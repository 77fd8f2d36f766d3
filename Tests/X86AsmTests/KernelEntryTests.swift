// The kernel-entry idioms of Linux 2.6 (arch/i386/kernel/entry.S), assembled at a
// kernel address and compared with GNU as plus ld.
import Testing
import X86Asm

private let userCS: UInt32 = 0x73, userDS: UInt32 = 0x7B, nrSyscalls: UInt32 = 318
/// `TSS_sysenter_esp0`: from the sysenter stack to the TSS's esp0 field.
private let tssSysenterESP0: Int32 = -0x1FFC

struct KernelEntryTests {
    /// SAVE_ALL
    static func saveAll(_ p: inout DiffProgram) {
        p.add("cld") { $0.cld() }
        p.add("pushl %es") { $0.push(Seg.es) }
        p.add("pushl %ds") { $0.push(Seg.ds) }
        for r in [R32.eax, .ebp, .edi, .esi, .edx, .ecx, .ebx] { p.add("pushl %\(r)") { $0.push(r) } }
        p.add("movl $\(userDS),%edx") { $0.mov(.edx, imm: userDS) }
        p.add("movl %edx,%ds") { $0.movSeg(.ds, .edx) }
        p.add("movl %edx,%es") { $0.movSeg(.es, .edx) }
    }

    @Test func systemCallAndSysenter() throws {
        var p = DiffProgram(origin: 0xC010_0000)
        let table = p.newLabel("sys_call_table")
        let badsys = p.newLabel("syscall_badsys")
        let exitWork = p.newLabel("syscall_exit_work")
        let sysenterReturn = p.newLabel("SYSENTER_RETURN")

        // ENTRY(system_call)
        _ = p.label("system_call")
        p.add("pushl %eax") { $0.push(.eax) }
        Self.saveAll(&p)
        p.add("movl $-8192,%ebp") { $0.mov(.ebp, imm: 0xFFFF_E000) }
        p.add("andl %esp,%ebp") { $0.and(.ebp, .esp) }
        p.add("testb $0xc1,8(%ebp)") { $0.testb(mem(.ebp, 8), imm: 0xC1) }
        p.add("{disp32} jnz syscall_exit_work") { $0.j(.nz, exitWork) }
        p.add("cmpl $\(nrSyscalls),%eax") { $0.cmp(.eax, imm: nrSyscalls) }
        p.add("{disp32} jae syscall_badsys") { $0.j(.ae, badsys) }
        let call = p.label("syscall_call")
        p.add("call *sys_call_table(,%eax,4)") { $0.call(Mem.at(table, index: .eax, scale: 4)) }
        p.add("call *0x1000(,%eax,4)") { $0.call(Mem(index: .eax, scale: 4, disp: 0x1000)) }
        p.add("movl %eax,0x18(%esp)") { $0.mov(mem(.esp, 0x18), .eax) }
        let exit = p.label("syscall_exit")
        p.add("cli") { $0.cli() }
        p.add("movl 8(%ebp),%ecx") { $0.mov(.ecx, mem(.ebp, 8)) }
        p.add("testw $0xffff,%cx") { $0.test(.cx, imm: 0xFFFF) }
        p.add("jne syscall_exit_work") { $0.j(.ne, short: exitWork) }
        _ = p.label("restore_all")
        for r in [R32.ebx, .ecx, .edx, .esi, .edi, .ebp, .eax] { p.add("popl %\(r)") { $0.pop(r) } }
        p.add("popl %ds") { $0.pop(Seg.ds) }
        p.add("popl %es") { $0.pop(Seg.es) }
        p.add("addl $4,%esp") { $0.add(.esp, imm: 4) }
        p.add("iret") { $0.iret() }

        p.bind(exitWork)
        p.add("sti") { $0.sti() }
        p.add("mov 0x18(%esp),%eax") { $0.mov(.eax, mem(.esp, 0x18)) }
        p.add("jmp syscall_exit") { $0.jmp(exit) }
        p.bind(badsys)
        p.add("movl $-38,0x18(%esp)") { $0.mov(mem(.esp, 0x18), imm: UInt32(bitPattern: -38)) }
        p.add("jmp syscall_exit") { $0.jmp(exit) }

        // ENTRY(sysenter_entry)
        p.align(16)
        _ = p.label("sysenter_entry")
        p.add("movl \(tssSysenterESP0)(%esp),%esp") { $0.mov(.esp, mem(.esp, tssSysenterESP0)) }
        p.add("movl 4(%esp),%esp") { $0.mov(.esp, mem(.esp, 4)) }
        p.add("sti") { $0.sti() }
        p.add("pushl $\(userDS)") { $0.push(imm: userDS) }
        p.add("pushl %ebp") { $0.push(.ebp) }
        p.add("pushfl") { $0.pushfl() }
        p.add("pushl $\(userCS)") { $0.push(imm: userCS) }
        p.add("pushl $SYSENTER_RETURN") { $0.push(label: sysenterReturn) }
        p.add("cmpl $0xbffffffd,%ebp") { $0.cmp(.ebp, imm: 0xBFFF_FFFD) }
        p.add("jae syscall_badsys") { $0.j(.ae, badsys) }
        p.add("movl (%ebp),%ebp") { $0.mov(.ebp, mem(.ebp)) }
        p.add("pushl %eax") { $0.push(.eax) }
        Self.saveAll(&p)
        p.add("cmpl $\(nrSyscalls),%eax") { $0.cmp(.eax, imm: nrSyscalls) }
        p.add("jae syscall_badsys") { $0.j(.ae, badsys) }
        p.add("call *sys_call_table(,%eax,4)") { $0.call(Mem.at(table, index: .eax, scale: 4)) }
        p.add("movl %eax,0x18(%esp)") { $0.mov(mem(.esp, 0x18), .eax) }
        p.add("cli") { $0.cli() }
        p.add("movl 0x28(%esp),%edx") { $0.mov(.edx, mem(.esp, 0x28)) }
        p.add("movl 0x34(%esp),%ecx") { $0.mov(.ecx, mem(.esp, 0x34)) }
        p.add("xorl %ebp,%ebp") { $0.xor(.ebp, .ebp) }
        p.add("sti") { $0.sti() }
        p.add("sysexit") { $0.sysexit() }

        // Segment idioms and the vDSO's return point.
        p.add("mov %ax,%ds") { $0.movSeg(.ds, .eax) }
        p.add("push %ds") { $0.push(Seg.ds) }
        p.add("mov %ds,%eax") { $0.movFromSeg(.eax, .ds) }
        p.add("mov %gs:0x14,%eax") { $0.mov(.eax, Mem.abs(0x14, seg: .gs)) }
        p.add("jmp syscall_call") { $0.jmp(call) }
        p.bind(sysenterReturn)
        p.add("pop %ebp; pop %edx; pop %ecx; ret") { $0.pop(.ebp); $0.pop(.edx); $0.pop(.ecx); $0.ret() }

        p.align(4)
        p.bind(table)
        for target in ["system_call", "sysenter_entry", "syscall_exit", "restore_all"] {
            p.add(".long \(target)") { $0.dd($0.symbols[target]!) }
        }
        try p.check()
        #expect(p.asm.symbols["system_call"] == 0xC010_0000)
        #expect(p.asm.symbols["sysenter_entry"]! % 16 == 0)
    }
}
