/// Signal dispositions and masks as the kernel keeps them (kernel/signal.c). Gate
/// records them faithfully; delivery — building the sigframe — arrives with the
/// signals issue, so a signal sent now takes its default action.
public struct SignalState {
    /// `struct sigaction` as the kernel stores it: handler, flags, restorer, mask (64-bit).
    public struct Action: Equatable {
        public var handler: UInt32 = 0
        public var flags: UInt32 = 0
        public var restorer: UInt32 = 0
        public var mask: UInt64 = 0
    }

    public var actions = [Action](repeating: Action(), count: 65)
    public var blocked: UInt64 = 0
    public var altStack: (sp: UInt32, flags: UInt32, size: UInt32) = (0, 2, 0)   // SS_DISABLE

    public init() {}
}

public enum SignalSyscalls {
    static let sigKill: UInt32 = 9, sigStop: UInt32 = 19

    public static let entries: [SyscallEntry] = [
        SyscallEntry(174, "rt_sigaction", [.signal, .sigaction, .sigaction, .size], rtSigaction),
        SyscallEntry(175, "rt_sigprocmask", [.int, .sigset, .sigset, .size], rtSigprocmask),
        SyscallEntry(176, "rt_sigpending", [.sigset, .size], { c in
            c.write(GuestLayout.le64(0), to: c.arg(0)) ? 0 : Errno.EFAULT.negated
        }),
        SyscallEntry(186, "sigaltstack", [.pointer, .pointer], sigaltstack),
        SyscallEntry(37, "kill", [.int, .signal], { c in sendToSelf(c, pid: c.int(0), signal: c.arg(1)) }),
        SyscallEntry(238, "tkill", [.int, .signal], { c in sendToSelf(c, pid: c.int(0), signal: c.arg(1)) }),
        SyscallEntry(270, "tgkill", [.int, .int, .signal], { c in sendToSelf(c, pid: c.int(1), signal: c.arg(2)) }),
    ]

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
    /// dropped; anything else takes its default action (terminate), as no handler can
    /// run until delivery is modelled.
    static func sendToSelf(_ c: SyscallContext, pid: Int32, signal: UInt32) -> Int32 {
        guard signal <= 64 else { return Errno.EINVAL.negated }
        guard pid == c.process.pid || pid == 0 || pid == -1 || pid == -c.process.pgid else { return Errno.ESRCH.negated }
        if signal == 0 { return 0 }
        let action = c.process.signals.actions[Int(signal)]
        let ignoredByDefault: Set<UInt32> = [17, 18, 23, 28]   // SIGCHLD SIGCONT SIGURG SIGWINCH
        if action.handler == 1 || (action.handler == 0 && ignoredByDefault.contains(signal)) { return 0 }
        c.process.exitStatus = Int32(signal)
        return 0
    }
}
