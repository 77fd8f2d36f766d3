/// Signal dispositions, masks and pending signals as the kernel keeps them
/// (kernel/signal.c): one `struct sigaction` per signal, the blocked set, the pending set
/// with each pending signal's `siginfo`, and the alternate stack.
public struct SignalState {
    /// `struct sigaction` as the kernel stores it: handler, flags, restorer, mask (64-bit).
    public struct Action: Equatable {
        public var handler: UInt32 = 0
        public var flags: UInt32 = 0
        public var restorer: UInt32 = 0
        public var mask: UInt64 = 0

        public static let defaultHandler: UInt32 = 0      // SIG_DFL
        public static let ignore: UInt32 = 1              // SIG_IGN
    }

    // sa_flags (include/asm-i386/signal.h).
    public static let SA_NOCLDSTOP: UInt32 = 0x0000_0001
    public static let SA_NOCLDWAIT: UInt32 = 0x0000_0002
    public static let SA_SIGINFO: UInt32 = 0x0000_0004
    public static let SA_ONSTACK: UInt32 = 0x0800_0000
    public static let SA_RESTART: UInt32 = 0x1000_0000
    public static let SA_NODEFER: UInt32 = 0x4000_0000
    public static let SA_RESETHAND: UInt32 = 0x8000_0000
    public static let SA_RESTORER: UInt32 = 0x0400_0000

    public static let SIGKILL: UInt32 = 9, SIGSTOP: UInt32 = 19
    /// Signals whose default action is to do nothing: SIGCHLD, SIGCONT, SIGURG, SIGWINCH.
    public static let ignoredByDefault: UInt64 = bit(17) | bit(18) | bit(23) | bit(28)
    /// Signals that can never be blocked.
    public static let unblockable: UInt64 = bit(SIGKILL) | bit(SIGSTOP)

    public static func bit(_ signal: UInt32) -> UInt64 { 1 << UInt64(signal - 1) }

    public var actions = [Action](repeating: Action(), count: 65)
    public var blocked: UInt64 = 0
    /// Signals sent but not yet delivered, and the siginfo each carries (classic signals
    /// do not queue: a second kill of a pending one is merged into it).
    public var pending: UInt64 = 0
    public var info = [SigInfo?](repeating: nil, count: 65)
    public var altStack: (sp: UInt32, flags: UInt32, size: UInt32) = (0, 2, 0)   // SS_DISABLE
    /// The mask to put back after a handler (TIF_RESTORE_SIGMASK): sigsuspend and
    /// friends sleep with a temporary mask, but the frame records the caller's own.
    public var savedMask: UInt64? = nil

    public init() {}

    /// Pending signals that are not blocked: what the exit path must deliver.
    public var deliverable: UInt64 { pending & ~blocked }

    /// Whether `signal` would be dropped on arrival: ignored, explicitly or by default.
    public func isIgnored(_ signal: UInt32) -> Bool {
        let h = actions[Int(signal)].handler
        return h == Action.ignore || (h == Action.defaultHandler && SignalState.ignoredByDefault & SignalState.bit(signal) != 0)
    }

    /// Marks `signal` pending with `info` (send_signal): merged if already pending.
    public mutating func queue(_ signal: UInt32, _ siginfo: SigInfo) {
        if pending & SignalState.bit(signal) != 0 { return }
        pending |= SignalState.bit(signal)
        info[Int(signal)] = siginfo
    }

    /// Takes the lowest-numbered deliverable signal off the pending set (dequeue_signal).
    public mutating func dequeue() -> (UInt32, SigInfo)? {
        let ready = deliverable
        guard ready != 0 else { return nil }
        let signal = UInt32(ready.trailingZeroBitCount + 1)
        pending &= ~SignalState.bit(signal)
        let i = info[Int(signal)] ?? SigInfo(signo: signal, code: SigInfo.SI_KERNEL)
        info[Int(signal)] = nil
        return (signal, i)
    }

    /// Whether `sp` lies on the alternate signal stack (on_sig_stack).
    public func onAltStack(_ sp: UInt32) -> Bool {
        altStack.flags & 2 == 0 && sp &- altStack.sp < altStack.size
    }
}

/// `siginfo_t` (128 bytes on i386): the fields the kernel fills for the signals Gate sends.
public struct SigInfo: Equatable, Sendable {
    public var signo: UInt32
    public var errno: Int32 = 0
    public var code: Int32
    /// si_pid and si_uid for kill/tkill; si_addr (in `pid`'s place) for faults.
    public var pid: UInt32 = 0
    public var uid: UInt32 = 0
    public var addr: UInt32? = nil
    /// SIGCHLD's si_status (exit code or signal), after si_pid and si_uid.
    public var status: Int32? = nil
    /// si_value for sigqueue/timers (sival_int), after si_pid and si_uid.
    public var value: UInt32? = nil
    /// A POSIX timer's signal (SI_TIMER): si_tid and si_overrun in si_pid's and
    /// si_uid's place, and the kernel's private tag that tells, when the signal is
    /// taken, whether the timer was set again since (si_sys_private).
    public var timer: TimerFields? = nil

    public struct TimerFields: Equatable, Sendable {
        public var id: Int32
        public var overrun: Int32
        var sequence: UInt32
    }

    public static let SI_USER: Int32 = 0, SI_KERNEL: Int32 = 0x80, SI_TKILL: Int32 = -6
    public static let SEGV_MAPERR: Int32 = 1, SEGV_ACCERR: Int32 = 2
    public static let FPE_INTDIV: Int32 = 1, FPE_INTOVF: Int32 = 2, FPE_FLTDIV: Int32 = 3, FPE_FLTOVF: Int32 = 4
    public static let FPE_FLTUND: Int32 = 5, FPE_FLTRES: Int32 = 6, FPE_FLTINV: Int32 = 7
    public static let SI_QUEUE: Int32 = -1, SI_TIMER: Int32 = -2
    public static let CLD_EXITED: Int32 = 1, CLD_KILLED: Int32 = 2, CLD_DUMPED: Int32 = 3
    public static let CLD_STOPPED: Int32 = 5, CLD_CONTINUED: Int32 = 6
    public static let ILL_ILLOPN: Int32 = 2, BUS_ADRALN: Int32 = 1, TRAP_BRKPT: Int32 = 1, TRAP_TRACE: Int32 = 2

    public init(signo: UInt32, code: Int32, pid: UInt32 = 0, uid: UInt32 = 0, addr: UInt32? = nil) {
        self.signo = signo
        self.code = code
        self.pid = pid
        self.uid = uid
        self.addr = addr
    }

    /// The 128 bytes the guest sees.
    public var bytes: [UInt8] {
        var b = GuestLayout.Builder(size: 128)
        b.u32(0, signo)
        b.u32(4, UInt32(bitPattern: errno))
        b.u32(8, UInt32(bitPattern: code))
        if let addr { b.u32(12, addr) } else if let timer {
            b.i32(12, timer.id); b.i32(16, timer.overrun)
        } else { b.u32(12, pid); b.u32(16, uid) }
        if let status { b.u32(20, UInt32(bitPattern: status)) }
        if let value { b.u32(20, value) }
        return b.bytes
    }
}
