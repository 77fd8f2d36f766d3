import IA32

/// The registers a signal frame saves and sigreturn restores: `struct pt_regs` plus the
/// fs and gs the 2.6 i386 pt_regs leaves in the CPU.
public struct UserRegisters: Equatable, Sendable {
    public var eax, ebx, ecx, edx, esi, edi, ebp, esp, eip, eflags: UInt32
    public var cs, ss, ds, es, fs, gs: UInt16
    /// orig_eax: the system call being made, or -1 (no restart).
    public var origEAX: UInt32

    /// The frame `system_call`/`sysenter_entry` built, with fs/gs from the CPU.
    public init(_ r: PtRegs, cpu: CPU) {
        eax = r.eax; ebx = r.ebx; ecx = r.ecx; edx = r.edx; esi = r.esi; edi = r.edi; ebp = r.ebp
        esp = r.esp; eip = r.eip; eflags = r.eflags
        cs = UInt16(truncatingIfNeeded: r.cs); ss = UInt16(truncatingIfNeeded: r.ss)
        ds = UInt16(truncatingIfNeeded: r.ds); es = UInt16(truncatingIfNeeded: r.es)
        fs = cpu.segment(.fs).selector; gs = cpu.segment(.gs).selector
        origEAX = r.origEAX
    }

    /// The live CPU at CPL 3 (a fault: no frame was built).
    public init(cpu: CPU) {
        eax = cpu.register(.eax); ebx = cpu.register(.ebx); ecx = cpu.register(.ecx); edx = cpu.register(.edx)
        esi = cpu.register(.esi); edi = cpu.register(.edi); ebp = cpu.register(.ebp); esp = cpu.register(.esp)
        eip = cpu.eip; eflags = cpu.eflags
        cs = cpu.segment(.cs).selector; ss = cpu.segment(.ss).selector; ds = cpu.segment(.ds).selector
        es = cpu.segment(.es).selector; fs = cpu.segment(.fs).selector; gs = cpu.segment(.gs).selector
        origEAX = UInt32.max
    }
}

/// The i386 signal frames of Linux 2.6 (arch/i386/kernel/signal.c): `struct sigframe`
/// for handlers without SA_SIGINFO, `struct rt_sigframe` for those with it, each holding
/// a `struct sigcontext` and the `struct _fpstate` its `fpstate` field points at.
public enum SignalFrame {
    // struct sigcontext (88 bytes).
    static let sigcontextSize = 88
    // struct sigframe: pretcode, sig, sc, fpstate, extramask[1], retcode[8].
    static let sigframeSC = 8, sigframeFP = 96, sigframeExtramask = 720, sigframeRetcode = 724
    static let sigframeSize = 732
    // struct rt_sigframe: pretcode, sig, pinfo, puc, info (128), uc, fpstate, retcode[8].
    static let rtInfo = 16, rtUC = 144, rtFP = 260, rtRetcode = 884
    static let rtSigframeSize = 892
    // struct ucontext: uc_flags, uc_link, uc_stack (sp, flags, size), uc_mcontext, uc_sigmask.
    static let ucStack = 8, ucMcontext = 20, ucSigmask = 108

    /// Where the frame goes (get_sigframe): below the user stack pointer, or at the top of
    /// the alternate stack for an SA_ONSTACK handler not already on it, aligned so that
    /// the handler starts as if called with a 16-byte aligned stack.
    static func address(size: Int, esp: UInt32, action: SignalState.Action, signals: SignalState) -> UInt32 {
        var sp = esp
        if action.flags & SignalState.SA_ONSTACK != 0 && signals.altStack.flags & 2 == 0 && !signals.onAltStack(esp) {
            sp = signals.altStack.sp &+ signals.altStack.size
        }
        sp = sp &- UInt32(size)
        return ((sp &+ 4) & ~15) &- 4
    }

    /// `struct sigcontext` for `r`, with the fault's trap number, error code and CR2.
    static func sigcontext(_ r: UserRegisters, fpstate: UInt32, oldmask: UInt32,
                           trapno: UInt32, err: UInt32, cr2: UInt32) -> [UInt8] {
        var b = GuestLayout.Builder(size: sigcontextSize)
        b.u32(0, UInt32(r.gs)); b.u32(4, UInt32(r.fs)); b.u32(8, UInt32(r.es)); b.u32(12, UInt32(r.ds))
        b.u32(16, r.edi); b.u32(20, r.esi); b.u32(24, r.ebp); b.u32(28, r.esp)
        b.u32(32, r.ebx); b.u32(36, r.edx); b.u32(40, r.ecx); b.u32(44, r.eax)
        b.u32(48, trapno); b.u32(52, err); b.u32(56, r.eip); b.u32(60, UInt32(r.cs))
        b.u32(64, r.eflags); b.u32(68, r.esp); b.u32(72, UInt32(r.ss))
        b.u32(76, fpstate); b.u32(80, oldmask); b.u32(84, cr2)
        return b.bytes
    }

    /// The registers a sigcontext holds, over `current` (restore_sigcontext): only the
    /// flags a user may change come from the frame, and cs/ss keep RPL 3.
    static func restore(_ sc: [UInt8], over current: UserRegisters) -> UserRegisters {
        func w(_ o: Int) -> UInt32 { GuestLayout.u32(sc, o) }
        var r = current
        r.gs = UInt16(truncatingIfNeeded: w(0)); r.fs = UInt16(truncatingIfNeeded: w(4))
        r.es = UInt16(truncatingIfNeeded: w(8)); r.ds = UInt16(truncatingIfNeeded: w(12))
        r.edi = w(16); r.esi = w(20); r.ebp = w(24); r.esp = w(28)
        r.ebx = w(32); r.edx = w(36); r.ecx = w(40); r.eax = w(44)
        r.eip = w(56); r.cs = UInt16(truncatingIfNeeded: w(60)) | 3
        // FIX_EFLAGS: AC, RF, OF, DF, TF, SF, ZF, AF, PF, CF.
        let fix: UInt32 = 0x4_0000 | 0x1_0000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1
        r.eflags = (current.eflags & ~fix) | (w(64) & fix)
        r.ss = UInt16(truncatingIfNeeded: w(72)) | 3
        r.origEAX = UInt32.max          // sigreturn is never restarted
        return r
    }
}
