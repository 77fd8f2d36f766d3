#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// timer_create, timer_settime, timer_gettime, timer_getoverrun and timer_delete
/// (kernel/time/posix-timers.c), with the 64-bit-time variants glibc 2.34+ calls
/// first. The timers themselves are `PosixTimer`s the scheduler fires.
public enum PosixTimerSyscalls {
    public static let entries: [SyscallEntry] = [
        SyscallEntry(259, "timer_create", [.clockid, .sigevent, .intsOut(count: 1)], FileSyscalls.sys(create)),
        SyscallEntry(260, "timer_settime", [.int, .symbols(.timerFlags), .itimerspec(wide: false), .pointer],
                     FileSyscalls.sys { c throws(Errno) in try settime(c, wide: false) }),
        SyscallEntry(409, "timer_settime64", [.int, .symbols(.timerFlags), .itimerspec(wide: true), .pointer],
                     FileSyscalls.sys { c throws(Errno) in try settime(c, wide: true) }),
        SyscallEntry(261, "timer_gettime", [.int, .pointer], FileSyscalls.sys { c throws(Errno) in try gettime(c, wide: false) }),
        SyscallEntry(408, "timer_gettime64", [.int, .pointer], FileSyscalls.sys { c throws(Errno) in try gettime(c, wide: true) }),
        SyscallEntry(262, "timer_getoverrun", [.int], FileSyscalls.sys { c throws(Errno) in
            PosixTimer.clamp(try timer(c).overrunLast)
        }),
        SyscallEntry(263, "timer_delete", [.int], FileSyscalls.sys { c throws(Errno) in
            _ = try timer(c)
            c.process.posixTimers.removeValue(forKey: c.int(0))
            return 0
        }),
    ]

    /// Timers one process may hold (Linux bounds them by RLIMIT_SIGPENDING).
    static let limit = 32768

    /// Whether a clock's deadlines are on CLOCK_REALTIME (else CLOCK_MONOTONIC, which
    /// Gate also answers CLOCK_BOOTTIME from). The CPU-time clocks have timers on Linux
    /// that Gate does not model; the raw and coarse clocks have none (EOPNOTSUPP).
    static func isRealtime(_ c: SyscallContext, clock: UInt32) throws(Errno) -> Bool {
        switch clock {
        case 0, 8: return true                      // CLOCK_REALTIME, CLOCK_REALTIME_ALARM
        case 1, 7, 9: return false                  // CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_BOOTTIME_ALARM
        case 2, 3:
            c.kernel?.noticeOnce("gate: timers on CPU-time clocks are not implemented (-EOPNOTSUPP)")
            throw .EOPNOTSUPP
        case 4, 5, 6: throw .EOPNOTSUPP             // MONOTONIC_RAW, REALTIME_COARSE, MONOTONIC_COARSE
        default: throw .EINVAL
        }
    }

    /// The timer named by argument 0 of the caller's process: EINVAL if there is none.
    static func timer(_ c: SyscallContext) throws(Errno) -> PosixTimer {
        guard let t = c.process.posixTimers[c.int(0)] else { throw .EINVAL }
        return t
    }

    /// timer_create(clock, sevp, timerid). A NULL sevp means SIGALRM carrying the id.
    static func create(_ c: SyscallContext) throws(Errno) -> Int32 {
        let p = c.process
        var event: [UInt8]? = nil
        if c.arg(1) != 0 {
            // struct sigevent is 64 bytes on i386, all of it copied in.
            guard let raw = c.bytes(at: c.arg(1), count: 64) else { throw .EFAULT }
            event = raw
        }
        let clock = c.arg(0)
        _ = try isRealtime(c, clock: clock)
        if p.posixTimers.count >= limit { throw .EAGAIN }
        // posix_timer_add: the id is taken before the sigevent is checked.
        var id = p.nextTimerID
        while p.posixTimers[id] != nil { id = id == Int32.max ? 0 : id + 1 }
        p.nextTimerID = id == Int32.max ? 0 : id + 1
        let timer: PosixTimer
        if let event {
            let value = GuestLayout.u32(event, 0), signo = Int32(bitPattern: GuestLayout.u32(event, 4))
            let notify = GuestLayout.u32(event, 8), tid = Int32(bitPattern: GuestLayout.u32(event, 12))
            let validSignal = signo >= 1 && signo <= 64
            let notification: PosixTimer.Notification
            switch notify {
            case 0, 2:                              // SIGEV_SIGNAL, SIGEV_THREAD
                guard validSignal else { throw .EINVAL }
                notification = .process(signal: UInt32(signo))
            case 4:                                 // SIGEV_SIGNAL | SIGEV_THREAD_ID
                guard p.threads.contains(where: { $0.tid == tid }), validSignal else { throw .EINVAL }
                notification = .thread(signal: UInt32(signo), tid: tid)
            case 1:                                 // SIGEV_NONE
                notification = .none
            default:
                throw .EINVAL
            }
            timer = PosixTimer(id: id, clock: clock, notification: notification, value: value)
        } else {
            timer = PosixTimer(id: id, clock: clock, notification: .process(signal: 14), value: UInt32(bitPattern: id))
        }
        guard c.setU32(UInt32(bitPattern: id), at: c.arg(2)) else { throw .EFAULT }
        p.posixTimers[id] = timer
        return 0
    }

    /// A `struct itimerspec` (interval, then value) as nanoseconds; EINVAL for a field
    /// out of range. The 64-bit layout's tv_nsec is read as a 32-bit long, as a 32-bit
    /// kernel does (get_timespec64 drops the padding).
    static func readItimerspec(_ c: SyscallContext, at address: UInt32, wide: Bool) throws(Errno) -> (interval: UInt64, value: UInt64) {
        let half = UInt32(wide ? 16 : 8)
        guard c.bytes(at: address, count: Int(half) * 2) != nil,
              let (iSec, iNsec) = TimeSyscalls.decode(c, address, wide: wide),
              let (vSec, vNsec) = TimeSyscalls.decode(c, address + half, wide: wide) else { throw .EFAULT }
        func ns(_ sec: Int64, _ nsec: Int64) throws(Errno) -> UInt64 {
            let n = Int64(Int32(truncatingIfNeeded: nsec))
            guard sec >= 0, n >= 0, n < 1_000_000_000 else { throw .EINVAL }
            let (product, overflow) = UInt64(sec).multipliedReportingOverflow(by: 1_000_000_000)
            return overflow ? UInt64(Int64.max) : min(product &+ UInt64(n), UInt64(Int64.max))
        }
        return (try ns(iSec, iNsec), try ns(vSec, vNsec))
    }

    static func encode(_ interval: UInt64, _ value: UInt64, wide: Bool) -> [UInt8] {
        func ts(_ ns: UInt64) -> [UInt8] {
            TimeSyscalls.encode(timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000)), wide: wide)
        }
        return ts(interval) + ts(value)
    }

    /// timer_settime(id, flags, new, old): TIMER_ABSTIME (1) makes the value a time on
    /// the timer's clock.
    static func settime(_ c: SyscallContext, wide: Bool) throws(Errno) -> Int32 {
        guard c.arg(2) != 0 else { throw .EINVAL }
        let (interval, value) = try readItimerspec(c, at: c.arg(2), wide: wide)
        let t = try timer(c)
        let now = monotonicNow()
        let old = t.remaining(now: now)
        var deadline: UInt64? = nil
        if value > 0 {
            if c.arg(1) & 1 == 0 {
                deadline = now &+ value
            } else if try isRealtime(c, clock: t.clock) {
                // An absolute wall-clock time: the same distance from now on the monotonic clock.
                let real = TimeSyscalls.realtimeNanoseconds()
                deadline = Int64(value) > real ? now &+ UInt64(Int64(value) - real) : now
            } else {
                deadline = value
            }
        }
        t.set(deadline: deadline, interval: interval)
        if c.arg(3) != 0 && !c.write(encode(old.interval, old.value, wide: wide), to: c.arg(3)) { throw .EFAULT }
        return 0
    }

    static func gettime(_ c: SyscallContext, wide: Bool) throws(Errno) -> Int32 {
        let t = try timer(c)
        let cur = t.remaining(now: monotonicNow())
        guard c.write(encode(cur.interval, cur.value, wide: wide), to: c.arg(1)) else { throw .EFAULT }
        return 0
    }
}
