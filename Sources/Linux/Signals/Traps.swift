import IA32

/// What the last trap left in a thread (`thread_struct`'s trap_no, error_code and cr2):
/// set by every CPU exception that sends the thread a signal, and copied into the
/// sigcontext of every frame built after it — the frame of a later SIGUSR1 still shows
/// the page fault before it, as on Linux.
public struct TrapRecord: Equatable, Sendable {
    public var number: UInt32 = 0
    public var errorCode: UInt32 = 0
    /// The address of the last page fault (CR2); other traps leave it alone.
    public var cr2: UInt32 = 0
}

/// CPU exceptions and traps in user mode become signals (arch/i386/kernel/traps.c,
/// mm/fault.c): the signal and siginfo each handler sends, the trap record it leaves,
/// and force_sig_info — a handler runs, or the default action kills. Two ways lead
/// here: an exception the run loop reports at CPL 3 (faults, int3, the single-step
/// trap), and a trap gate's stub in the kernel (`int $3`, `int $4`, `int $5`, icebp).
extension Kernel {
    /// EFLAGS.TF, the trap flag.
    static let trapFlag: UInt32 = 0x100
    /// TASK_SIZE: user addresses lie below it.
    static let taskSize: UInt32 = KernelLayout.pageOffset

    /// The signal each trap handler sends for an exception vector.
    public static func signal(for vector: Int32) -> Int32 {
        switch vector {
        case Vector.divideError, Vector.fpuError, Vector.deviceNotAvailable, 9: return 8     // SIGFPE
        case Vector.debug, Vector.breakpoint: return 5                                       // SIGTRAP
        case Vector.invalidOpcode: return 4                                                  // SIGILL
        case 11, Vector.stackFault, Vector.alignmentCheck: return 7                          // SIGBUS
        default: return 11                                                                   // SIGSEGV
        }
    }

    /// The siginfo the handlers send: the DO_ERROR_INFO traps name a cause and an
    /// address, math_error reads the FPU, do_page_fault gives the address and whether
    /// the page was there, the single-step trap (do_debug) TRAP_TRACE and the address
    /// after the instruction; the rest (int3, into, bound, #GP…) are force_sig without
    /// info: SI_KERNEL and nothing else.
    func siginfo(for f: PendingFault, signal: UInt32, eip: UInt32) -> SigInfo {
        switch f.vector {
        case Vector.fpuError:
            // math_error: the unmasked exceptions the status word holds name the cause.
            let fpu = process.cpu.fpu
            let code: Int32
            switch fpu.statusWord & ~fpu.cw & 0x3f {
            case 0x01: code = SigInfo.FPE_FLTINV
            case 0x02, 0x10: code = SigInfo.FPE_FLTUND
            case 0x04: code = SigInfo.FPE_FLTDIV
            case 0x08: code = SigInfo.FPE_FLTOVF
            case 0x20: code = SigInfo.FPE_FLTRES
            default: code = 0
            }
            return SigInfo(signo: signal, code: code, addr: eip)
        case Vector.pageFault:
            // Bit 0 of the error code: the page was present, so the access was refused.
            // Above TASK_SIZE the fault never reaches a VMA: SEGV_MAPERR.
            let refused = f.errorCode & 1 != 0 && f.address < Kernel.taskSize
            return SigInfo(signo: signal, code: refused ? SigInfo.SEGV_ACCERR : SigInfo.SEGV_MAPERR, addr: f.address)
        case Vector.divideError: return SigInfo(signo: signal, code: SigInfo.FPE_INTDIV, addr: eip)
        case Vector.invalidOpcode: return SigInfo(signo: signal, code: SigInfo.ILL_ILLOPN, addr: eip)
        case Vector.alignmentCheck: return SigInfo(signo: signal, code: SigInfo.BUS_ADRALN, addr: 0)
        case Vector.debug: return SigInfo(signo: signal, code: SigInfo.TRAP_TRACE, addr: eip)
        default: return SigInfo(signo: signal, code: SigInfo.SI_KERNEL)
        }
    }

    /// An exception the CPU reported at CPL 3: the registers are the live CPU's.
    func userException(_ f: PendingFault) {
        let cpu = process.cpu
        var regs = UserRegisters(cpu: cpu)
        let signal = UInt32(Kernel.signal(for: f.vector))
        let info = siginfo(for: f, signal: signal, eip: cpu.eip)
        if forceTrapSignal(f, info, &regs) {
            process.load(regs, into: cpu)
        } else {
            trapKills(f, signal: signal, eip: cpu.eip)
        }
    }

    /// A trap gate's stub (`hlt; iret` at CPL 0): user `int $3`, `int $4`, `int $5`
    /// through their DPL-3 gates, or icebp through the debug gate. The general
    /// registers are still the user's; EIP, CS, EFLAGS, ESP and SS are in the frame the
    /// gate pushed, where the stub's `iret` takes them back from.
    func trapGate(vector: Int32) {
        let p = process, cpu = p.cpu
        let frame = cpu.register(.esp)
        var regs = UserRegisters(cpu: cpu)
        regs.eip = p.memory.load32(frame)
        regs.cs = UInt16(truncatingIfNeeded: p.memory.load32(frame &+ 4))
        regs.eflags = p.memory.load32(frame &+ 8)
        regs.esp = p.memory.load32(frame &+ 12)
        regs.ss = UInt16(truncatingIfNeeded: p.memory.load32(frame &+ 16))
        let f = PendingFault(vector: vector, errorCode: 0, isTrap: true, address: 0)
        let signal = UInt32(Kernel.signal(for: vector))
        // icebp: do_debug with no DR6 condition set, which get_si_code calls TRAP_BRKPT.
        let info = vector == Vector.debug ? SigInfo(signo: signal, code: SigInfo.TRAP_BRKPT, addr: regs.eip)
                                          : siginfo(for: f, signal: signal, eip: regs.eip)
        if forceTrapSignal(f, info, &regs) {
            p.store(regs, interruptFrameAt: frame)
        } else {
            trapKills(f, signal: signal, eip: regs.eip)
        }
    }

    /// do_debug for a single-step trap taken in the kernel (TF was still set when
    /// `sysenter` or `int $0x80` entered it): clear_TF_reenable — the kernel goes on
    /// without stepping.
    func kernelDebugTrap() {
        let cpu = process.cpu
        cpu.eflags &= ~Kernel.trapFlag
    }

    /// force_sig_info for a trap: the thread records it; a blocked or ignored signal
    /// is unblocked and reset to its default action (a trap cannot be held off);
    /// then a handler gets its frame over `regs`. False when the default action is
    /// left to kill (or the frame could not be written, which kills with SIGSEGV).
    private func forceTrapSignal(_ f: PendingFault, _ info: SigInfo, _ regs: inout UserRegisters) -> Bool {
        let task = current
        task.trap.number = UInt32(bitPattern: f.vector)
        task.trap.errorCode = f.errorCode
        if f.vector == Vector.pageFault {
            task.trap.cr2 = f.address
            if f.address >= Kernel.taskSize { task.trap.errorCode |= 1 }   // always a protection fault
        }
        let signal = info.signo
        let bit = SignalState.bit(signal)
        if process.signals.blocked & bit != 0 || process.signals.actions[Int(signal)].handler == SignalState.Action.ignore {
            process.signals.actions[Int(signal)].handler = SignalState.Action.defaultHandler
            process.signals.blocked &= ~bit
        }
        let action = process.signals.actions[Int(signal)]
        guard action.handler != SignalState.Action.defaultHandler else { return false }
        return setUpFrame(signal, info, action, &regs)
    }

    /// The trap's signal takes its default action: the process dies of it (unless the
    /// frame for a handler could not be written, which already killed it).
    private func trapKills(_ f: PendingFault, signal: UInt32, eip: UInt32) {
        guard process.exitStatus == nil else { return }
        lastFault = (f, eip)
        onFatalSignal?(Int32(signal), f)
        process.exitStatus = Int32(signal)
    }
}
