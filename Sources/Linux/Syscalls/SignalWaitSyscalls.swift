/// Waiting for signals and asking for them later: pause, sigsuspend, rt_sigsuspend,
/// rt_sigtimedwait, alarm, setitimer and getitimer (kernel/signal.c, kernel/itimer.c).
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
        SyscallEntry(104, "setitimer", [.int, .pointer, .pointer], setitimer),
        SyscallEntry(105, "getitimer", [.int, .pointer], { c in
            guard c.arg(0) == 0 else { return Errno.ENOSYS.negated }   // only ITIMER_REAL is modelled
            return c.write(itimerval(c.process), to: c.arg(1)) ? 0 : Errno.EFAULT.negated
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
            let info = p.signals.info[Int(signal)] ?? SigInfo(signo: signal, code: SigInfo.SI_KERNEL)
            p.signals.info[Int(signal)] = nil
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

    // MARK: ITIMER_REAL

    static func alarm(_ c: SyscallContext) -> Int32 {
        let p = c.process
        let now = monotonicNow()
        var left: UInt64 = 0
        if let t = p.realTimer, t.deadline > now { left = t.deadline - now }
        // alarm_setitimer on a 32-bit kernel: at most INT_MAX seconds.
        let seconds = UInt64(min(c.arg(0), UInt32(Int32.max)))
        p.realTimer = seconds == 0 ? nil : (now + seconds * 1_000_000_000, 0)
        // Whole seconds, rounded up so that a pending alarm never reads as 0.
        return Int32(truncatingIfNeeded: (left + 999_999_999) / 1_000_000_000)
    }

    static func itimerval(_ p: Process) -> [UInt8] {
        let now = monotonicNow()
        var b = GuestLayout.Builder(size: 16)
        if let t = p.realTimer {
            b.u32(0, UInt32(t.interval / 1_000_000_000)); b.u32(4, UInt32(t.interval % 1_000_000_000 / 1000))
            let left = t.deadline > now ? t.deadline - now : 1000
            b.u32(8, UInt32(left / 1_000_000_000)); b.u32(12, UInt32(max(left % 1_000_000_000 / 1000, left < 1000 ? 1 : 0)))
        }
        return b.bytes
    }

    static func setitimer(_ c: SyscallContext) -> Int32 {
        guard c.arg(0) == 0 else {
            // ITIMER_VIRTUAL and ITIMER_PROF count CPU time: not modelled.
            return c.arg(0) <= 2 ? Errno.ENOSYS.negated : Errno.EINVAL.negated
        }
        let p = c.process
        let old = itimerval(p)
        if c.arg(1) != 0 {
            guard let raw = c.bytes(at: c.arg(1), count: 16) else { return Errno.EFAULT.negated }
            let iSec = UInt64(GuestLayout.u32(raw, 0)), iUsec = UInt64(GuestLayout.u32(raw, 4))
            let vSec = UInt64(GuestLayout.u32(raw, 8)), vUsec = UInt64(GuestLayout.u32(raw, 12))
            guard iUsec < 1_000_000, vUsec < 1_000_000 else { return Errno.EINVAL.negated }
            let value = vSec * 1_000_000_000 + vUsec * 1000
            p.realTimer = value == 0 ? nil : (monotonicNow() + value, iSec * 1_000_000_000 + iUsec * 1000)
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
