public enum SignalSyscalls {
    static let sigKill: UInt32 = 9, sigStop: UInt32 = 19

    public static let entries: [SyscallEntry] = [
        SyscallEntry(174, "rt_sigaction", [.signal, .sigaction, .sigaction, .size], rtSigaction),
        SyscallEntry(175, "rt_sigprocmask", [.int, .sigset, .sigset, .size], rtSigprocmask),
        SyscallEntry(176, "rt_sigpending", [.sigset, .size], { c in
            let s = c.process.signals
            return c.write(GuestLayout.le64(s.pending & s.blocked), to: c.arg(0)) ? 0 : Errno.EFAULT.negated
        }),
        SyscallEntry(119, "sigreturn", [], { c in sigreturn(c, rt: false) }),
        SyscallEntry(173, "rt_sigreturn", [], { c in sigreturn(c, rt: true) }),
        SyscallEntry(186, "sigaltstack", [.pointer, .pointer], sigaltstack),
        SyscallEntry(0, "restart_syscall", [], restartSyscall),
    ]

    /// restart_syscall: the exit path rewound a call that returned
    /// -ERESTART_RESTARTBLOCK onto this one; it goes on through the thread's restart
    /// block, which is used once. Without one (do_no_restart_syscall): -EINTR.
    static func restartSyscall(_ c: SyscallContext) -> Int32 {
        guard let task = c.task, let go = task.restartBlock else { return Errno.EINTR.negated }
        task.restartBlock = nil
        return go(c)
    }

    static func rtSigaction(_ c: SyscallContext) -> Int32 {
        let sig = c.arg(0)
        guard sig >= 1 && sig <= 64, c.arg(3) == 8 else { return Errno.EINVAL.negated }
        let old = c.process.signals.actions[Int(sig)]
        if c.arg(1) != 0 {
            if sig == sigKill || sig == sigStop { return Errno.EINVAL.negated }
            guard let raw = c.bytes(at: c.arg(1), count: 20) else { return Errno.EFAULT.negated }
        func w(_ i: Int) -> UInt32 { GuestLayout.u32(raw, i) }
            c.process.signals.actions[Int(sig)] = SignalState.Action(handler: w(0), flags: w(4), restorer: w(8),
                                                                      mask: UInt64(w(12)) | UInt64(w(16)) << 32)
        }
        if c.arg(2) != 0 {
            let out = GuestLayout.le32(old.handler) + GuestLayout.le32(old.flags) + GuestLayout.le32(old.restorer)
                + GuestLayout.le64(old.mask)
            guard c.write(out, to: c.arg(2)) else { return Errno.EFAULT.negated }
        }
        return 0
    }

    static func rtSigprocmask(_ c: SyscallContext) -> Int32 {
        guard c.arg(3) == 8 else { return Errno.EINVAL.negated }
        let old = c.process.signals.blocked
        if c.arg(1) != 0 {
            guard let raw = c.bytes(at: c.arg(1), count: 8) else { return Errno.EFAULT.negated }
            var set: UInt64 = 0
            for i in 0..<8 { set |= UInt64(raw[i]) << (8 * UInt64(i)) }
            set &= ~((1 << (sigKill - 1)) | (1 << (sigStop - 1)))
            switch c.arg(0) {
            case 0: c.process.signals.blocked |= set       // SIG_BLOCK
            case 1: c.process.signals.blocked &= ~set      // SIG_UNBLOCK
            case 2: c.process.signals.blocked = set        // SIG_SETMASK
            default: return Errno.EINVAL.negated
            }
        }
        if c.arg(2) != 0 {
            guard c.write(GuestLayout.le64(old), to: c.arg(2)) else { return Errno.EFAULT.negated }
        }
        if c.process.sharedPending != 0 { c.kernel?.claimSharedSignals(c.process) }
        return 0
    }

    static func sigaltstack(_ c: SyscallContext) -> Int32 {
        let old = c.process.signals.altStack
        if c.arg(0) != 0 {
            guard let raw = c.bytes(at: c.arg(0), count: 12) else { return Errno.EFAULT.negated }
        func w(_ i: Int) -> UInt32 { GuestLayout.u32(raw, i) }
            let flags = w(4)
            if flags & 2 != 0 {
                c.process.signals.altStack = (0, 2, 0)
            } else {
                guard w(8) >= 2048 else { return Errno.ENOMEM.negated }   // MINSIGSTKSZ
                c.process.signals.altStack = (w(0), 0, w(8))
            }
        }
        if c.arg(1) != 0 {
            let out = GuestLayout.le32(old.sp) + GuestLayout.le32(old.flags) + GuestLayout.le32(old.size)
            guard c.write(out, to: c.arg(1)) else { return Errno.EFAULT.negated }
        }
        return 0
    }

    /// kill/tkill/tgkill aimed at this process: signal 0 probes; an ignored signal is
    /// dropped; anything else is queued and delivered on the way out of this call.
    static func sendToSelf(_ c: SyscallContext, pid: Int32, signal: UInt32, code: Int32 = SigInfo.SI_USER) -> Int32 {
        guard signal <= 64 else { return Errno.EINVAL.negated }
        guard pid == c.process.pid || pid == 0 || pid == -1 || pid == -c.process.pgid else { return Errno.ESRCH.negated }
        if signal == 0 { return 0 }
        if c.process.signals.isIgnored(signal) && c.process.signals.blocked & SignalState.bit(signal) == 0 { return 0 }
        c.process.signals.queue(signal, SigInfo(signo: signal, code: code, pid: UInt32(bitPattern: c.process.pid),
                                                uid: c.process.uid))
        return 0
    }

    /// sigreturn / rt_sigreturn: the frame the handler returned through sits just above
    /// the stack pointer (`__kernel_sigreturn` popped the signal number; the rt form pops
    /// nothing). Every register, the blocked mask, the FPU and (rt) the alternate stack
    /// come back from it; the call's "result" is the interrupted EAX.
    static func sigreturn(_ c: SyscallContext, rt: Bool) -> Int32 {
        let p = c.process
        let kernelRegs = PtRegs(memory: p.memory, at: c.regsAddress)
        let frame = kernelRegs.esp &- (rt ? 4 : 8)
        let scAddress = frame &+ UInt32(rt ? SignalFrame.rtUC + SignalFrame.ucMcontext : SignalFrame.sigframeSC)
        guard c.regsAddress != 0, let sc = c.bytes(at: scAddress, count: SignalFrame.sigcontextSize) else {
            p.exitStatus = 11                    // badframe: force_sig(SIGSEGV)
            return 0
        }
        var mask: UInt64
        if rt {
            guard let m = c.bytes(at: frame &+ UInt32(SignalFrame.rtUC + SignalFrame.ucSigmask), count: 8) else {
                p.exitStatus = 11
                return 0
            }
            mask = UInt64(GuestLayout.u32(m, 0)) | UInt64(GuestLayout.u32(m, 4)) << 32
        } else {
            guard let extra = c.u32(at: frame &+ UInt32(SignalFrame.sigframeExtramask)) else {
                p.exitStatus = 11
                return 0
            }
            mask = UInt64(GuestLayout.u32(sc, 80)) | UInt64(extra) << 32
        }
        p.signals.blocked = mask & ~SignalState.unblockable
        // restore_sigcontext: the whole `_fpstate` must be readable; none at all means
        // the handler's FPU state is dropped (clear_used_math: a fresh FPU next).
        let fpstate = GuestLayout.u32(sc, 76)
        if fpstate != 0 {
            guard let image = c.bytes(at: fpstate, count: FPUFrame.size) else { p.exitStatus = 11; return 0 }
            FPUFrame.restore(image, into: &p.cpu.fpu)
        } else {
            p.cpu.resetFPU()
        }
        if rt, let stack = c.bytes(at: frame &+ UInt32(SignalFrame.rtUC + SignalFrame.ucStack), count: 12) {
            // do_sigaltstack(&uc_stack): only a change the handler asked for takes effect.
            let flags = GuestLayout.u32(stack, 4)
            if flags & 2 != 0 { p.signals.altStack = (0, 2, 0) }
            else if GuestLayout.u32(stack, 8) >= 2048 {
                p.signals.altStack = (GuestLayout.u32(stack, 0), 0, GuestLayout.u32(stack, 8))
            }
        }
        // A call interrupted before the handler is not continued after it.
        c.task?.restartBlock = nil
        let restored = SignalFrame.restore(sc, over: UserRegisters(kernelRegs, cpu: p.cpu))
        p.store(restored, ptRegsAt: c.regsAddress)
        return Int32(bitPattern: restored.eax)
    }
}
