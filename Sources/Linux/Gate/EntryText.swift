import X86Asm

/// The kernel's own i386 code, assembled at boot into the kernel half and executed by
/// the CPU at CPL 0, as arch/i386/kernel/entry.S and cpu/common.c have it:
///
/// - `boot`: loads GDTR, IDTR and TR, then `enable_sep_cpu` — CPUID, the Pentium Pro
///   check, and `wrmsr` of SYSENTER_CS/ESP/EIP — only when the CPU has SEP.
/// - `system_call`: the `int $0x80` entry. SAVE_ALL builds `struct pt_regs`, the number
///   is checked against NR_syscalls, `call *sys_call_table(,%eax,4)`, the result goes
///   into the frame, and the exit is RESTORE_ALL and `iret`.
/// - `sysenter_entry`: loads the real kernel stack, builds the user half of the frame by
///   hand, fetches the sixth argument through %ebp (a fault there is fixed up to
///   `syscall_fault`, −EFAULT), then as `system_call`; the fast exit is `sysexit`.
/// - one `hlt; ret` stub per system call: the table points there, and the `hlt` hands
///   the call to its Swift body (the CPU idles while the Swift half of the kernel runs).
public struct EntryText {
    public let bytes: [UInt8]
    /// Named addresses: entry points, labels the tracer shows, the fixup site.
    public let symbolList: SymbolList
    public var symbols: [String: UInt32] { symbolList.dictionary }
    /// The stub area: `hlt` of system call n is at `stubBase + 4n`.
    public let stubs: [UInt8]
    public let syscallCount: Int

    public var boot: UInt32 { symbolList["boot"]! }
    public var systemCall: UInt32 { symbolList["system_call"]! }
    public var sysenterEntry: UInt32 { symbolList["sysenter_entry"]! }
    /// The `movl (%ebp),%ebp` whose fault the exception table sends to `syscall_fault`.
    public var sixthArgumentFetch: UInt32 { symbolList["sysenter_fetch_arg6"]! }
    public var syscallFault: UInt32 { symbolList["syscall_fault"]! }
    /// `do_notify_resume`'s stub: pending work on the way out (signals, tracing).
    public var notifyResume: UInt32 { stubBase + UInt32(syscallCount) * 4 }
    /// The trap handlers' stubs: the ones user `int $3`, `int $4` and `int $5` reach
    /// through their DPL-3 gates (vector 3, 4 or 5), the debug trap's (1: icebp), and the
    /// one every other vector points to (0). Each is `hlt; iret`: the kernel answers the
    /// trap, then returns to user mode through the frame the gate pushed.
    public func trapStub(_ vector: Int) -> UInt32 {
        let k: Int
        switch vector {
        case 3, 4, 5: k = vector - 2
        case 1: k = 4
        default: k = 0
        }
        return stubBase + UInt32(syscallCount + 1 + k) * 4
    }
    /// The vectors with a stub of their own, as `trapStub` orders them after stub 0.
    public static let trapVectors = [3, 4, 5, 1]
    public let stubBase: UInt32

    /// Kernel data the code reads and writes.
    public static let sepEnabled: UInt32 = KernelLayout.data
    public static let gdtDescriptor: UInt32 = KernelLayout.data + 0x10
    public static let idtDescriptor: UInt32 = KernelLayout.data + 0x18
    public static let trSelector: UInt32 = KernelLayout.data + 0x20

    /// `TIF_*` bits that send the exit path through `syscall_exit_work`.
    public static let workMask: UInt32 = 0x0000_ffff

    /// `sysenterReturn` is SYSENTER_RETURN in the vDSO: the EIP the sysenter path
    /// records in pt_regs and `sysexit` returns to.
    public init(syscallCount: Int, sysenterReturn: UInt32) throws {
        self.syscallCount = syscallCount
        stubBase = KernelLayout.syscallStubs
        var a = Assembler(origin: KernelLayout.text)
        let userDS = UInt32(KernelLayout.userDS), userCS = UInt32(KernelLayout.userCS)
        let ptEAX = Int32(PtRegs.EAX)
        let table = Mem(index: .eax, scale: 4, disp: Int32(bitPattern: KernelLayout.syscallTable))
        let tiFlags = Mem(base: .ebp, disp: Int32(KernelLayout.tiFlags))
        let notifyResume = stubBase + UInt32(syscallCount) * 4

        let noSEP = a.newLabel("no_sep"), sepOK = a.newLabel("sep_ok")
        let syscallExit = a.newLabel("syscall_exit"), restoreAll = a.newLabel("restore_all")
        let badsys = a.newLabel("syscall_badsys"), exitWork = a.newLabel("syscall_exit_work")
        let fault = a.newLabel("syscall_fault")

        func saveAll(_ a: inout Assembler) {
            a.cld()
            a.push(Seg.es); a.push(Seg.ds); a.push(R32.eax); a.push(R32.ebp); a.push(R32.edi)
            a.push(R32.esi); a.push(R32.edx); a.push(R32.ecx); a.push(R32.ebx)
            a.mov(.edx, imm: userDS)
            a.movSeg(.ds, .edx)
            a.movSeg(.es, .edx)
        }
        func getThreadInfo(_ a: inout Assembler) {
            a.mov(.ebp, imm: ~(KernelLayout.threadSize - 1))
            a.and(.ebp, .esp)
        }

        // --- boot: descriptor tables, then enable_sep_cpu (arch/i386/kernel/cpu/common.c)
        _ = a.label("boot")
        a.lgdt(Mem.abs(EntryText.gdtDescriptor))
        a.lidt(Mem.abs(EntryText.idtDescriptor))
        a.ltr(Mem.abs(EntryText.trSelector))
        a.mov(.eax, imm: 1)
        a.cpuid()
        a.test(.edx, imm: 1 << 11)                    // X86_FEATURE_SEP
        a.j(.e, noSEP)
        // The Pentium Pro reports SEP but has no working SYSENTER.
        a.mov(.ebx, .eax); a.shr(.ebx, imm: 8); a.and(.ebx, imm: 0xf)
        a.cmp(.ebx, imm: 6); a.j(.ne, sepOK)
        a.mov(.ebx, .eax); a.shr(.ebx, imm: 4); a.and(.ebx, imm: 0xf)
        a.cmp(.ebx, imm: 3); a.j(.ae, sepOK)
        a.mov(.ebx, .eax); a.and(.ebx, imm: 0xf)
        a.cmp(.ebx, imm: 3); a.j(.ae, sepOK)
        a.jmp(noSEP)
        a.bind(sepOK)
        _ = a.label("enable_sep_cpu")
        a.mov(.ecx, imm: 0x174); a.mov(.eax, imm: UInt32(KernelLayout.kernelCS)); a.xor(.edx, .edx); a.wrmsr()
        a.mov(.ecx, imm: 0x175); a.mov(.eax, imm: KernelLayout.sysenterStackTop); a.wrmsr()
        let sysenterEntry = a.newLabel("sysenter_entry")
        a.mov(.ecx, imm: 0x176); a.mov(.eax, label: sysenterEntry); a.wrmsr()
        a.mov(Mem.abs(EntryText.sepEnabled), imm: 1)
        a.bind(noSEP)
        a.hlt()
        a.align(16)

        // --- system_call: the int $0x80 gate's target
        _ = a.label("system_call")
        a.push(R32.eax)                                // orig_eax
        saveAll(&a)
        getThreadInfo(&a)
        a.cmp(.eax, imm: UInt32(syscallCount))
        a.j(.ae, badsys)
        _ = a.label("syscall_call")
        a.call(table)
        a.mov(Mem(base: .esp, disp: ptEAX), .eax)      // store the return value
        a.bind(syscallExit)
        a.cli()
        a.mov(.ecx, tiFlags)
        a.test(.ecx, imm: EntryText.workMask)
        a.j(.ne, exitWork)
        a.bind(restoreAll)
        a.pop(R32.ebx); a.pop(R32.ecx); a.pop(R32.edx); a.pop(R32.esi); a.pop(R32.edi)
        a.pop(R32.ebp); a.pop(R32.eax); a.pop(Seg.ds); a.pop(Seg.es)
        a.add(.esp, imm: 4)                            // drop orig_eax
        a.iret()
        a.bind(badsys)
        a.mov(Mem(base: .esp, disp: ptEAX), imm: UInt32(bitPattern: Errno.ENOSYS.negated))
        a.jmp(syscallExit)
        a.bind(exitWork)
        a.mov(.eax, .esp)                              // do_notify_resume(regs)
        a.call(address: notifyResume)
        a.jmp(syscallExit)                             // work_pending loops while work is left
        a.align(16)

        // --- sysenter_entry: SYSENTER_EIP
        a.bind(sysenterEntry)
        // ESP is SYSENTER_ESP, the top of the small stack in the TSS; tss.esp0 lies at
        // a fixed distance below it (TSS_sysenter_esp0).
        let tssSysenterESP0 = Int32(4) - Int32(KernelLayout.tssSize)
        a.mov(.esp, Mem(base: .esp, disp: tssSysenterESP0))
        _ = a.label("sysenter_past_esp")
        a.sti()
        a.push(imm: userDS)
        a.push(R32.ebp)                                // the user ESP, from __kernel_vsyscall
        a.pushfl()
        a.push(imm: userCS)
        a.push(imm: sysenterReturn)                    // SYSENTER_RETURN
        // The sixth argument lives on the user stack: careful about security.
        a.cmp(.ebp, imm: KernelLayout.pageOffset - 3)
        a.j(.ae, fault)
        _ = a.label("sysenter_fetch_arg6")
        a.mov(.ebp, Mem(base: .ebp))
        a.push(R32.eax)
        saveAll(&a)
        getThreadInfo(&a)
        a.cmp(.eax, imm: UInt32(syscallCount))
        a.j(.ae, badsys)
        _ = a.label("sysenter_call")
        a.call(table)
        a.mov(Mem(base: .esp, disp: ptEAX), .eax)
        a.cli()
        a.mov(.ecx, tiFlags)
        a.test(.ecx, imm: EntryText.workMask)
        a.j(.ne, exitWork)
        _ = a.label("sysenter_exit")
        a.mov(.edx, Mem(base: .esp, disp: Int32(PtRegs.EIP)))
        a.mov(.ecx, Mem(base: .esp, disp: Int32(PtRegs.OLDESP)))
        a.xor(.ebp, .ebp)
        a.sti()
        a.sysexit()
        a.bind(fault)
        a.push(R32.eax)
        saveAll(&a)
        getThreadInfo(&a)
        a.mov(Mem(base: .esp, disp: ptEAX), imm: UInt32(bitPattern: Errno.EFAULT.negated))
        a.jmp(syscallExit)
        bytes = try a.finish()
        var syms = a.symbolList

        // --- the stubs: sys_call_table entries and do_notify_resume (hlt; ret), then
        // the trap handlers (hlt; iret)
        var s: [UInt8] = []
        for _ in 0..<(syscallCount + 1) { s += [0xf4, 0xc3, 0x90, 0x90] }
        for _ in 0...EntryText.trapVectors.count { s += [0xf4, 0xcf, 0x90, 0x90] }
        stubs = s
        syms["do_notify_resume"] = notifyResume
        symbolList = syms
    }
}
