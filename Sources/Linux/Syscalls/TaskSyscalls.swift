/// Creating, waiting for and signalling tasks: fork, vfork, clone, wait4, waitpid,
/// waitid, kill, tkill, tgkill, rt_sigqueueinfo, futex and sched_yield
/// (kernel/fork.c, kernel/exit.c, kernel/signal.c, kernel/futex.c).
public enum TaskSyscalls {
    public static let entries: [SyscallEntry] = [
        SyscallEntry(2, "fork", [], { c in
            c.kernel?.clone(c, flags: 17, stack: 0, parentTid: 0, tls: 0, childTid: 0) ?? Errno.ENOSYS.negated }),
        SyscallEntry(190, "vfork", [], { c in
            c.kernel?.clone(c, flags: CloneFlags.vm | CloneFlags.vfork | 17, stack: 0, parentTid: 0, tls: 0,
                            childTid: 0) ?? Errno.ENOSYS.negated }),
        // i386 order: flags, newsp, parent_tidptr, tls, child_tidptr.
        SyscallEntry(120, "clone", [.hex, .pointer, .pointer, .pointer, .pointer], { c in
            c.kernel?.clone(c, flags: c.arg(0), stack: c.arg(1), parentTid: c.arg(2), tls: c.arg(3),
                            childTid: c.arg(4)) ?? Errno.ENOSYS.negated }),
        SyscallEntry(114, "wait4", [.int, .pointer, .hex, .pointer], { c in
            wait(c, pid: c.int(0), status: c.arg(1), options: c.arg(2), rusage: c.arg(3)) }),
        SyscallEntry(7, "waitpid", [.int, .pointer, .hex], { c in
            wait(c, pid: c.int(0), status: c.arg(1), options: c.arg(2), rusage: 0) }),
        SyscallEntry(284, "waitid", [.int, .int, .pointer, .hex, .pointer], waitid),
        SyscallEntry(37, "kill", [.int, .signal], { c in
            c.kernel?.kill(from: c.process, pid: c.int(0), signal: c.arg(1))
                ?? SignalSyscalls.sendToSelf(c, pid: c.int(0), signal: c.arg(1)) }),
        SyscallEntry(238, "tkill", [.int, .signal], { c in threadKill(c, tgid: nil, tid: c.int(0), signal: c.arg(1)) }),
        SyscallEntry(270, "tgkill", [.int, .int, .signal], { c in
            threadKill(c, tgid: c.int(0), tid: c.int(1), signal: c.arg(2)) }),
        SyscallEntry(178, "rt_sigqueueinfo", [.int, .signal, .pointer], sigqueueinfo),
        SyscallEntry(240, "futex", [.pointer, .int, .uint, .pointer, .pointer, .hex], { c in Futex.call(c, wide: false) }),
        SyscallEntry(422, "futex_time64", [.pointer, .int, .uint, .pointer, .pointer, .hex], { c in
            Futex.call(c, wide: true) }),
        SyscallEntry(158, "sched_yield", [], { c in
            c.task?.yieldRequested = true
            return 0
        }),
    ]

    // MARK: wait4, waitpid, waitid

    static let WNOHANG: UInt32 = 1, WUNTRACED: UInt32 = 2, WEXITED: UInt32 = 4, WCONTINUED: UInt32 = 8
    static let WNOWAIT: UInt32 = 0x0100_0000, WNOTHREAD: UInt32 = 0x2000_0000
    static let WALL: UInt32 = 0x4000_0000, WCLONE: UInt32 = 0x8000_0000

    /// The caller's children `pid` selects (wait4's convention); nil: none at all.
    static func children(_ c: SyscallContext, matching pid: Int32) -> [Process] {
        let me = c.process
        return me.children.filter { ch in
            if pid > 0 { return ch.pid == pid }
            if pid == -1 { return true }
            if pid == 0 { return ch.pgid == me.pgid }
            return ch.pgid == -pid
        }
    }

    /// What a wait finds in a child (wait_task_zombie, wait_task_stopped,
    /// wait_task_continued): the first child, in the order they were made, with an exit,
    /// or with a stop or continue not yet reported that the options ask for.
    enum ChildEvent {
        case exited(Process)
        case stopped(Process, UInt32)
        case continued(Process)

        var child: Process {
            switch self {
            case .exited(let p), .stopped(let p, _), .continued(let p): return p
            }
        }
    }

    static func nextEvent(_ kids: [Process], options: UInt32) -> ChildEvent? {
        for ch in kids {
            if ch.isZombie {
                if options & WEXITED != 0 { return .exited(ch) }
            } else if options & WUNTRACED != 0, ch.stopped, let signal = ch.unreportedStop {
                return .stopped(ch, signal)
            } else if options & WCONTINUED != 0, ch.unreportedContinue {
                return .continued(ch)
            }
        }
        return nil
    }

    /// The event has been reported (not with WNOWAIT): a zombie is reaped, a stop or a
    /// continue is reported once.
    static func consume(_ event: ChildEvent, kernel k: Kernel) {
        switch event {
        case .exited(let z): k.reap(z)
        case .stopped(let p, _): p.unreportedStop = nil
        case .continued(let p): p.unreportedContinue = false
        }
    }

    /// wait4: a child's status — exit code << 8 or the signal for an exit, 0x7f | signal
    /// << 8 for a stop (WUNTRACED), 0xffff for a continue (WCONTINUED) — and its rusage;
    /// 0 with WNOHANG while there is nothing to report; sleeps otherwise.
    static func wait(_ c: SyscallContext, pid: Int32, status: UInt32, options: UInt32, rusage: UInt32) -> Int32 {
        guard let k = c.kernel else { return Errno.ECHILD.negated }
        if options & ~(WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE) != 0 { return Errno.EINVAL.negated }
        let kids = children(c, matching: pid)
        if kids.isEmpty { return Errno.ECHILD.negated }
        if let event = nextEvent(kids, options: options | WEXITED) {
            let ch = event.child
            let s: Int32
            switch event {
            case .exited(let z): s = z.exitStatus ?? 0
            case .stopped(_, let signal): s = Int32(signal) << 8 | 0x7f
            case .continued: s = 0xffff
            }
            if status != 0 && !c.setU32(UInt32(bitPattern: s), at: status) { return Errno.EFAULT.negated }
            if rusage != 0 && !c.write(rusageBytes(ch.cpuTime &+ ch.childrenTime), to: rusage) { return Errno.EFAULT.negated }
            consume(event, kernel: k)
            return ch.pid
        }
        if options & WNOHANG != 0 { return 0 }
        return c.block(Wait(queues: [c.process.childEvents]))
    }

    /// `struct rusage` (i386): user time from the host CPU time the task used; Gate
    /// does not split user and system time, so system time is 0.
    static func rusageBytes(_ ns: UInt64) -> [UInt8] {
        var b = GuestLayout.Builder(size: 72)
        b.u32(0, UInt32(truncatingIfNeeded: ns / 1_000_000_000))
        b.u32(4, UInt32(truncatingIfNeeded: ns % 1_000_000_000 / 1000))
        return b.bytes
    }

    /// waitid(idtype, id, infop, options, rusage): the same, reported as a SIGCHLD
    /// siginfo (WEXITED, WSTOPPED, WCONTINUED say which events count); WNOWAIT leaves
    /// the event for a later wait.
    static func waitid(_ c: SyscallContext) -> Int32 {
        guard let k = c.kernel else { return Errno.ECHILD.negated }
        let idtype = c.arg(0), id = c.int(1), infop = c.arg(2), options = c.arg(3), rusage = c.arg(4)
        if options & ~(WNOHANG | WUNTRACED | WEXITED | WCONTINUED | WNOWAIT | WNOTHREAD | WALL | WCLONE) != 0
            || options & (WEXITED | WUNTRACED | WCONTINUED) == 0 { return Errno.EINVAL.negated }
        let pid: Int32
        switch idtype {
        case 0: pid = -1                                   // P_ALL
        case 1: guard id > 0 else { return Errno.EINVAL.negated }; pid = id       // P_PID
        case 2: guard id >= 0 else { return Errno.EINVAL.negated }; pid = id == 0 ? 0 : -id   // P_PGID
        default: return Errno.EINVAL.negated
        }
        let kids = children(c, matching: pid)
        if kids.isEmpty { return Errno.ECHILD.negated }
        if let event = nextEvent(kids, options: options) {
            let ch = event.child
            var info = SigInfo(signo: Kernel.SIGCHLD, code: 0, pid: UInt32(bitPattern: ch.pid), uid: ch.uid)
            switch event {
            case .exited(let z):
                let s = z.exitStatus ?? 0
                info.code = s & 0x7f == 0 ? SigInfo.CLD_EXITED : SigInfo.CLD_KILLED
                info.status = s & 0x7f == 0 ? (s >> 8) & 0xff : s & 0x7f
            case .stopped(_, let signal):
                info.code = SigInfo.CLD_STOPPED
                info.status = Int32(signal)
            case .continued:
                info.code = SigInfo.CLD_CONTINUED
                info.status = Int32(Kernel.SIGCONT)
            }
            if infop != 0 && !c.write(info.bytes, to: infop) { return Errno.EFAULT.negated }
            if rusage != 0 && !c.write(rusageBytes(ch.cpuTime &+ ch.childrenTime), to: rusage) { return Errno.EFAULT.negated }
            if options & WNOWAIT == 0 { consume(event, kernel: k) }
            return 0
        }
        if options & WNOHANG != 0 {
            if infop != 0 && !c.write([UInt8](repeating: 0, count: 128), to: infop) { return Errno.EFAULT.negated }
            return 0
        }
        return c.block(Wait(queues: [c.process.childEvents]))
    }

    // MARK: Signals to threads

    /// tkill / tgkill: one thread, by tid (and thread-group id for tgkill).
    static func threadKill(_ c: SyscallContext, tgid: Int32?, tid: Int32, signal: UInt32) -> Int32 {
        guard signal <= 64, tid > 0, (tgid ?? 1) > 0 else { return Errno.EINVAL.negated }
        guard let k = c.kernel else {
            return tid == c.process.pid ? 0 : Errno.ESRCH.negated
        }
        guard let t = k.task(tid), tgid == nil || t.process.pid == tgid else { return Errno.ESRCH.negated }
        if signal == 0 { return 0 }
        k.send(signal, to: t, info: SigInfo(signo: signal, code: SigInfo.SI_TKILL,
                                            pid: UInt32(bitPattern: c.process.pid), uid: c.process.uid))
        return 0
    }

    /// rt_sigqueueinfo(pid, sig, info): the caller's siginfo, which must not claim to
    /// come from the kernel (si_code ≥ 0) unless it signals itself.
    static func sigqueueinfo(_ c: SyscallContext) -> Int32 {
        guard let k = c.kernel else { return Errno.ENOSYS.negated }
        let signal = c.arg(1)
        guard signal >= 1 && signal <= 64 else { return Errno.EINVAL.negated }
        guard let raw = c.bytes(at: c.arg(2), count: 128) else { return Errno.EFAULT.negated }
        let code = Int32(bitPattern: GuestLayout.u32(raw, 8))
        guard let p = k.processes[c.int(0)], !p.isZombie else { return Errno.ESRCH.negated }
        if code >= 0 && p !== c.process { return Errno.EPERM.negated }
        var info = SigInfo(signo: signal, code: code, pid: GuestLayout.u32(raw, 12), uid: GuestLayout.u32(raw, 16))
        info.value = GuestLayout.u32(raw, 20)
        k.send(signal, to: p, info: info)
        return 0
    }
}
