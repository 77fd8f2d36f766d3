/// Waiting for signals and asking for them later: pause, sigsuspend, rt_sigsuspend,
/// rt_sigtimedwait, alarm, setitimer and getitimer (kernel/signal.c, kernel/itimer.c):
/// ITIMER_REAL on the scheduler's deadlines, ITIMER_VIRTUAL and ITIMER_PROF on retired
/// guest instructions (`CPUTimer`).
public enum SignalWaitSyscalls {
    public static let entries: [SyscallEntry] = [
        SyscallEntry(29, "pause", [], { c in
            c.block(Wait(interrupted: Errno.ERESTARTNOHAND.negated, retry: { nil })) }),
        // i386 sys_sigsuspend(history0, history1, old_sigset_t mask).
        SyscallEntry(72, "sigsuspend", [.int, .int, .hex], { c in
            suspend(c, mask: UInt64(c.arg(2)) | (c.process.signals.blocked & 0xffff_ffff_0000_0000)) }),
        SyscallEntry(179, "rt_sigsuspend", [.sigset, .size], { c in
            guard c.arg(1) == 8 else { return Errno.EINVAL.negated }
            guard let raw = c.bytes(at: c.arg(0), count: 8) else { return Errno.EFAULT.negated }
            return suspend(c, mask: UInt64(GuestLayout.u32(raw, 0)) | UInt64(GuestLayout.u32(raw, 4)) << 32)
        }),
        SyscallEntry(177, "rt_sigtimedwait", [.sigset, .pointer, .timespec, .size], { c in timedwait(c, wide: false) }),
        SyscallEntry(421, "rt_sigtimedwait_time64", [.sigset, .pointer, .timespec, .size], { c in timedwait(c, wide: true) }),
        SyscallEntry(27, "alarm", [.uint], alarm),
        SyscallEntry(104, "setitimer", [.symbols(.itimerWhich), .pointer, .pointer], setitimer),
        SyscallEntry(105, "getitimer", [.symbols(.itimerWhich), .pointer], { c in
            guard let value = itimerval(c.process, which: c.arg(0)) else { return Errno.EINVAL.negated }
            return c.write(value, to: c.arg(1)) ? 0 : Errno.EFAULT.negated
        }),
    ]

    /// sigsuspend: sleep with `mask` until a signal is delivered; the handler's frame
    /// records the mask from before the call (TIF_RESTORE_SIGMASK).
    static func suspend(_ c: SyscallContext, mask: UInt64) -> Int32 {
        if c.task == nil { return Errno.EINTR.negated }
        c.enterCallMask(mask)
        return c.block(Wait(interrupted: Errno.ERESTARTNOHAND.negated, retry: { nil }))
    }

    /// rt_sigtimedwait(set, info, timeout, size): takes a pending signal of `set` without
    /// running its handler; while it sleeps the set is unblocked so its arrival wakes it.
    static func timedwait(_ c: SyscallContext, wide: Bool) -> Int32 {
        guard c.arg(3) == 8 else { return Errno.EINVAL.negated }
        guard let raw = c.bytes(at: c.arg(0), count: 8) else { return Errno.EFAULT.negated }
        let set = (UInt64(GuestLayout.u32(raw, 0)) | UInt64(GuestLayout.u32(raw, 4)) << 32) & ~SignalState.unblockable
        var deadline: UInt64? = nil
        if c.arg(2) != 0 {
            guard let (s, ns) = TimeSyscalls.decode(c, c.arg(2), wide: wide) else { return Errno.EFAULT.negated }
            guard s >= 0, ns >= 0, ns < 1_000_000_000 else { return Errno.EINVAL.negated }
            deadline = monotonicNow() &+ UInt64(s * 1_000_000_000 + ns)
        }
        let p = c.process
        let infoAddress = c.arg(1)
        func take() -> Int32? {
            if p.sharedPending & set != 0 {
                // A shared one this thread waits for: make it this thread's.
                let blocked = p.signals.blocked
                p.signals.blocked &= ~set
                c.kernel?.claimSharedSignals(p)
                p.signals.blocked = blocked
            }
            let ready = p.signals.pending & set
            guard ready != 0 else { return nil }
            let signal = UInt32(ready.trailingZeroBitCount + 1)
            p.signals.pending &= ~SignalState.bit(signal)
            var info = p.signals.info[Int(signal)] ?? SigInfo(signo: signal, code: SigInfo.SI_KERNEL)
            p.signals.info[Int(signal)] = nil
            p.timerSignalTaken(&info)
            if infoAddress != 0 && !c.write(info.bytes, to: infoAddress) { return Errno.EFAULT.negated }
            return Int32(signal)
        }
        if let r = take() { return r }
        if let deadline, monotonicNow() >= deadline { return Errno.EAGAIN.negated }
        guard c.task != nil else { return Errno.EAGAIN.negated }
        let blocked = p.signals.blocked
        p.signals.blocked = blocked & ~set
        return c.block(Wait(deadline: deadline, interrupted: nil, retry: {
            p.signals.blocked = blocked
            if let r = take() { return r }
            if p.signals.deliverable != 0 { return Errno.EINTR.negated }
            if let deadline, monotonicNow() >= deadline { return Errno.EAGAIN.negated }
            p.signals.blocked = blocked & ~set
            return nil
        }))
    }

    // MARK: alarm and the interval timers

    static func alarm(_ c: SyscallContext) -> Int32 {
        let p = c.process
        let now = monotonicNow()
        var left: UInt64 = 0
        if let t = p.realTimer, t.deadline > now { left = t.deadline - now }
        // alarm_setitimer on a 32-bit kernel: at most INT_MAX seconds.
        let seconds = UInt64(min(c.arg(0), UInt32(Int32.max)))
        p.realTimer = seconds == 0 ? nil : (now + seconds * 1_000_000_000, 0)
        // As alarm_setitimer rounds: to the nearest second, and a pending alarm never
        // reads as 0. The result is an unsigned count (glibc's alarm returns it as one).
        let usec = left % 1_000_000_000 / 1000
        var old = left / 1_000_000_000
        if (old == 0 && usec != 0) || usec >= 500_000 { old += 1 }
        return Int32(truncatingIfNeeded: old)
    }

    /// getitimer's `struct itimerval` for ITIMER_REAL (0), ITIMER_VIRTUAL (1) or
    /// ITIMER_PROF (2); nil for another `which`. A timer about to fire reads as 1 µs
    /// left, never 0 (which would mean disarmed).
    static func itimerval(_ p: Process, which: UInt32) -> [UInt8]? {
        var interval: UInt64 = 0, left: UInt64 = 0
        switch which {
        case 0:
            guard let t = p.realTimer else { break }
            let now = monotonicNow()
            interval = t.interval
            left = t.deadline > now ? max(t.deadline - now, 1000) : 1000
        case 1, 2:
            guard let t = which == 1 ? p.virtualTimer : p.profTimer else { break }
            // Instructions are virtual CPU time (CPUTimer); a timeval shows whole µs.
            interval = UInt64(t.interval / CPUTimer.perMicrosecond) * 1000
            left = UInt64(max(t.remaining, CPUTimer.perMicrosecond) / CPUTimer.perMicrosecond) * 1000
        default:
            return nil
        }
        var b = GuestLayout.Builder(size: 16)
        b.u32(0, UInt32(interval / 1_000_000_000)); b.u32(4, UInt32(interval % 1_000_000_000 / 1000))
        b.u32(8, UInt32(left / 1_000_000_000)); b.u32(12, UInt32(left % 1_000_000_000 / 1000))
        return b.bytes
    }

    /// setitimer(which, new, old): a NULL `new` changes nothing (old kernels' leniency).
    static func setitimer(_ c: SyscallContext) -> Int32 {
        let p = c.process
        let which = c.arg(0)
        guard let old = itimerval(p, which: which) else { return Errno.EINVAL.negated }
        if c.arg(1) != 0 {
            guard let raw = c.bytes(at: c.arg(1), count: 16) else { return Errno.EFAULT.negated }
            let f = (0..<4).map { Int64(Int32(bitPattern: GuestLayout.u32(raw, $0 * 4))) }
            // timeval_valid: no negative seconds, microseconds below a million.
            guard f[0] >= 0, f[2] >= 0, (0..<1_000_000).contains(f[1]), (0..<1_000_000).contains(f[3]) else {
                return Errno.EINVAL.negated
            }
            let interval = UInt64(f[0] * 1_000_000 + f[1]), value = UInt64(f[2] * 1_000_000 + f[3])   // µs
            switch which {
            case 0:
                p.realTimer = value == 0 ? nil : (monotonicNow() + value * 1000, interval * 1000)
            default:
                let timer = value == 0 ? nil : CPUTimer(remaining: Int64(value) * CPUTimer.perMicrosecond,
                                                        interval: Int64(interval) * CPUTimer.perMicrosecond)
                if which == 1 { p.virtualTimer = timer } else { p.profTimer = timer }
            }
        }
        if c.arg(2) != 0 && !c.write(old, to: c.arg(2)) { return Errno.EFAULT.negated }
        return 0
    }
}

extension SyscallContext {
    /// set_user_sigmask: the call runs with `mask` blocked instead of the caller's own
    /// mask, which is kept (TIF_RESTORE_SIGMASK) for the signal frame and to put back.
    /// A call that blocks and runs again keeps the first saved mask.
    func enterCallMask(_ mask: UInt64) {
        let p = process
        if p.signals.savedMask == nil { p.signals.savedMask = p.signals.blocked }
        p.signals.blocked = mask & ~SignalState.unblockable
        if p.sharedPending != 0 { kernel?.claimSharedSignals(p) }
    }

    /// Runs `body` — a call that may sleep and run again — under the sigset at `mask`
    /// (`size` must be 8; a NULL `mask` keeps the caller's own): ppoll, pselect6,
    /// epoll_pwait. The caller's mask comes back when the call ends, unless it ends
    /// with `interruptedBy` (a signal came), when the handler's frame carries it.
    func withCallMask(at mask: UInt32, size: UInt32, interruptedBy: Errno,
                      _ body: () throws(Errno) -> Int32) throws(Errno) -> Int32 {
        if mask != 0 {
            guard size == 8 else { throw .EINVAL }
            guard let raw = bytes(at: mask, count: 8) else { throw .EFAULT }
            enterCallMask(UInt64(GuestLayout.u32(raw, 0)) | UInt64(GuestLayout.u32(raw, 4)) << 32)
        }
        let r: Int32
        do throws(Errno) { r = try body() } catch { r = error.negated }
        // A call that sleeps keeps the mask until it ends.
        if mask != 0 && task?.blockRequest == nil { leaveCallMask(interrupted: r == interruptedBy.negated) }
        if r < 0, let e = Errno(rawValue: -r) { throw e }
        return r
    }

    /// restore_saved_sigmask_unless: the caller's mask comes back now, unless a signal
    /// interrupted the call — then its handler's frame records it and sigreturn
    /// restores it, so the handler runs as the call's mask allowed.
    func leaveCallMask(interrupted: Bool) {
        let p = process
        guard !interrupted, let saved = p.signals.savedMask else { return }
        p.signals.blocked = saved
        p.signals.savedMask = nil
    }
}
