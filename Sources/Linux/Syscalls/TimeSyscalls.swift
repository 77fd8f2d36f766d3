#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// time, gettimeofday, clock_gettime/clock_getres (32- and 64-bit time variants that
/// glibc 2.34+ tries first), nanosleep and clock_nanosleep (kernel/time.c,
/// kernel/posix-timers.c), answered from the host's clocks.
public enum TimeSyscalls {
    public static let entries: [SyscallEntry] = [
        SyscallEntry(13, "time", [.pointer], time),
        SyscallEntry(78, "gettimeofday", [.pointer, .pointer], gettimeofday),
        SyscallEntry(265, "clock_gettime", [.clockid, .timespec], { c in clockGettime(c, wide: false) }),
        SyscallEntry(403, "clock_gettime64", [.clockid, .timespec], { c in clockGettime(c, wide: true) }),
        SyscallEntry(266, "clock_getres", [.clockid, .timespec], { c in clockGetres(c, wide: false) }),
        SyscallEntry(406, "clock_getres_time64", [.clockid, .timespec], { c in clockGetres(c, wide: true) }),
        SyscallEntry(162, "nanosleep", [.timespec, .pointer], { c in sleep(c, request: c.arg(0), remain: c.arg(1), wide: false, flags: 0, clock: 1) }),
        SyscallEntry(267, "clock_nanosleep", [.clockid, .int, .timespec, .pointer], { c in
            sleep(c, request: c.arg(2), remain: c.arg(3), wide: false, flags: c.arg(1), clock: c.arg(0)) }),
        SyscallEntry(407, "clock_nanosleep_time64", [.clockid, .int, .timespec, .pointer], { c in
            sleep(c, request: c.arg(2), remain: c.arg(3), wide: true, flags: c.arg(1), clock: c.arg(0)) }),
    ]

    /// Linux clock ids to host clocks.
    static func hostClock(_ id: UInt32) -> clockid_t? {
        switch id {
        case 0, 8: return CLOCK_REALTIME                 // CLOCK_REALTIME, _ALARM
        case 1, 4, 7, 9: return CLOCK_MONOTONIC          // MONOTONIC, _RAW, BOOTTIME, BOOTTIME_ALARM
        case 5: return CLOCK_REALTIME                    // REALTIME_COARSE
        case 6: return CLOCK_MONOTONIC                   // MONOTONIC_COARSE
        case 2: return CLOCK_PROCESS_CPUTIME_ID
        case 3: return CLOCK_THREAD_CPUTIME_ID
        default: return nil
        }
    }

    static func now(_ clock: clockid_t) -> timespec {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return ts
    }

    /// A timespec in the i386 layout: 32-bit (time_t, long) or 64-bit (__kernel_timespec).
    static func encode(_ ts: timespec, wide: Bool) -> [UInt8] {
        wide ? GuestLayout.le64(UInt64(bitPattern: Int64(ts.tv_sec))) + GuestLayout.le64(UInt64(bitPattern: Int64(ts.tv_nsec)))
             : GuestLayout.le32(UInt32(truncatingIfNeeded: ts.tv_sec)) + GuestLayout.le32(UInt32(truncatingIfNeeded: ts.tv_nsec))
    }

    static func decode(_ c: SyscallContext, _ address: UInt32, wide: Bool) -> (Int64, Int64)? {
        guard let b = c.bytes(at: address, count: wide ? 16 : 8) else { return nil }
        func w(_ i: Int) -> UInt32 { GuestLayout.u32(b, i) }
        if wide { return (Int64(bitPattern: UInt64(w(0)) | UInt64(w(4)) << 32), Int64(bitPattern: UInt64(w(8)) | UInt64(w(12)) << 32)) }
        return (Int64(Int32(bitPattern: w(0))), Int64(Int32(bitPattern: w(4))))
    }

    static func time(_ c: SyscallContext) -> Int32 {
        let t = Int32(truncatingIfNeeded: now(CLOCK_REALTIME).tv_sec)
        if c.arg(0) != 0 && !c.setU32(UInt32(bitPattern: t), at: c.arg(0)) { return Errno.EFAULT.negated }
        return t
    }

    static func gettimeofday(_ c: SyscallContext) -> Int32 {
        let ts = now(CLOCK_REALTIME)
        if c.arg(0) != 0 {
            let tv = GuestLayout.le32(UInt32(truncatingIfNeeded: ts.tv_sec)) + GuestLayout.le32(UInt32(ts.tv_nsec / 1000))
            guard c.write(tv, to: c.arg(0)) else { return Errno.EFAULT.negated }
        }
        if c.arg(1) != 0 {
            guard c.write([UInt8](repeating: 0, count: 8), to: c.arg(1)) else { return Errno.EFAULT.negated }
        }
        return 0
    }

    static func clockGettime(_ c: SyscallContext, wide: Bool) -> Int32 {
        guard let clock = hostClock(c.arg(0)) else { return Errno.EINVAL.negated }
        return c.write(encode(now(clock), wide: wide), to: c.arg(1)) ? 0 : Errno.EFAULT.negated
    }

    static func clockGetres(_ c: SyscallContext, wide: Bool) -> Int32 {
        guard let clock = hostClock(c.arg(0)) else { return Errno.EINVAL.negated }
        if c.arg(1) == 0 { return 0 }
        var ts = timespec()
        clock_getres(clock, &ts)
        return c.write(encode(ts, wide: wide), to: c.arg(1)) ? 0 : Errno.EFAULT.negated
    }

    static func sleep(_ c: SyscallContext, request: UInt32, remain: UInt32, wide: Bool, flags: UInt32, clock: UInt32) -> Int32 {
        guard let hc = hostClock(clock) else { return Errno.EINVAL.negated }
        guard let (sec, nsec) = decode(c, request, wide: wide) else { return Errno.EFAULT.negated }
        guard sec >= 0, nsec >= 0, nsec < 1_000_000_000 else { return Errno.EINVAL.negated }
        var target = timespec(tv_sec: Int(sec), tv_nsec: Int(nsec))
        if flags & 1 != 0 {   // TIMER_ABSTIME
            let n = now(hc)
            var s = Int(sec) - n.tv_sec, ns = Int(nsec) - n.tv_nsec
            if ns < 0 { ns += 1_000_000_000; s -= 1 }
            if s < 0 { return 0 }
            target = timespec(tv_sec: s, tv_nsec: ns)
        }
        let length = Int64(target.tv_sec) * 1_000_000_000 + Int64(target.tv_nsec)
        guard c.task != nil else {
            // No scheduler (a unit test calling the body): sleep in the host.
            var rest = timespec()
            while nanosleep(&target, &rest) != 0 && errno == EINTR { target = rest }
            return 0
        }
        // The task sleeps; the others run.
        let deadline = c.deadline(after: length)
        return sleep(c, until: deadline, remain: flags & 1 != 0 ? nil : remain, wide: wide)
    }

    /// The sleep itself, also what restart_syscall goes on with (hrtimer_nanosleep and
    /// hrtimer_nanosleep_restart). A signal ends it early: an absolute sleep returns
    /// -ERESTARTNOHAND (restarted as it was when no handler runs, -EINTR when one
    /// does); a relative one writes the time left to `remain` and returns
    /// -ERESTART_RESTARTBLOCK, with a restart block that sleeps on to the same expiry
    /// (restart_syscall, when no handler runs) — a stop and continue does not cut the
    /// sleep short.
    static func sleep(_ c: SyscallContext, until deadline: UInt64, remain: UInt32?, wide: Bool) -> Int32 {
        if monotonicNow() >= deadline { return 0 }
        return c.block(Wait(deadline: deadline, interrupted: nil, retry: {
            let t = monotonicNow()
            if t >= deadline { return 0 }
            guard let task = c.task, c.kernel?.hasDeliverableSignal(task) == true else { return nil }
            guard let remain else { return Errno.ERESTARTNOHAND.negated }
            if remain != 0 {
                let left = Int64(deadline - t)
                let ts = timespec(tv_sec: Int(left / 1_000_000_000), tv_nsec: Int(left % 1_000_000_000))
                guard c.write(encode(ts, wide: wide), to: remain) else { return Errno.EFAULT.negated }
            }
            task.restartBlock = { r in sleep(r, until: deadline, remain: remain, wide: wide) }
            return Errno.ERESTART_RESTARTBLOCK.negated
        }))
    }

    /// CLOCK_REALTIME now, in nanoseconds since the epoch.
    static func realtimeNanoseconds() -> Int64 {
        let t = now(CLOCK_REALTIME)
        return Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec)
    }
}
