/// A POSIX timer (`struct k_itimer`, kernel/time/posix-timers.c): made by
/// timer_create, armed by timer_settime, and run by the scheduler's deadline machinery
/// beside ITIMER_REAL (`Kernel.fireTimers`).
///
/// Deadlines are CLOCK_MONOTONIC nanoseconds, as the scheduler's are: a relative
/// timer on any clock is one (Linux, too, runs relative CLOCK_REALTIME timers on the
/// monotonic base), and an absolute CLOCK_REALTIME time is converted when it is set
/// (Gate never sets the host's clock, so the two do not drift apart under it).
///
/// Overruns follow Linux: a periodic timer whose signal is queued stops until the
/// signal is taken; then (`rearm`) it moves forward by whole intervals past now, and
/// the intervals it skipped beyond the first are the overrun the taker sees in
/// si_overrun and timer_getoverrun.
final class PosixTimer {
    /// How an expiry is announced (sigev_notify).
    enum Notification: Equatable {
        /// SIGEV_SIGNAL (and SIGEV_THREAD, which the kernel treats alike): to the process.
        case process(signal: UInt32)
        /// SIGEV_SIGNAL | SIGEV_THREAD_ID: to one thread of the process.
        case thread(signal: UInt32, tid: Int32)
        /// SIGEV_NONE: nothing; the timer only counts down for timer_gettime.
        case none
    }

    let id: Int32
    /// The Linux clock id it was made on.
    let clock: UInt32
    let notification: Notification
    /// sigev_value, handed back in si_value.
    let value: UInt32

    /// The next (or last) expiry, monotonic ns; nil while disarmed.
    private(set) var deadline: UInt64? = nil
    private(set) var interval: UInt64 = 0
    /// Waiting for the deadline (it_active): never for SIGEV_NONE.
    private(set) var active = false
    /// Its signal is queued and it waits to be rearmed when the signal is taken.
    private(set) var requeuePending = false
    /// Bumped by every timer_settime, so a signal queued before it does not rearm it.
    private(set) var sequence: UInt32 = 0
    /// Intervals skipped so far (it_overrun, -1 based) and at the last delivery.
    private var overrun: Int64 = -1
    private(set) var overrunLast: Int64 = 0

    init(id: Int32, clock: UInt32, notification: Notification, value: UInt32) {
        self.id = id
        self.clock = clock
        self.notification = notification
        self.value = value
    }

    /// The signal an expiry sends, with the siginfo Linux fills (si_code SI_TIMER).
    var signal: UInt32? {
        switch notification {
        case .process(let s), .thread(let s, _): return s
        case .none: return nil
        }
    }

    var info: SigInfo {
        var i = SigInfo(signo: signal ?? 0, code: SigInfo.SI_TIMER)
        i.timer = SigInfo.TimerFields(id: id, overrun: 0, sequence: sequence)
        i.value = value
        return i
    }

    /// The overrun as si_overrun and timer_getoverrun give it: at most INT_MAX.
    static func clamp(_ v: Int64) -> Int32 { Int32(clamping: v) }

    // MARK: Setting and reading

    /// timer_settime (common_timer_set): a nil `deadline` (a zero it_value) disarms;
    /// otherwise the timer expires at `deadline` and then every `interval` (0: once).
    /// Either way the count starts again and a signal already queued will not rearm it.
    func set(deadline newDeadline: UInt64?, interval newInterval: UInt64) {
        sequence &+= 1
        requeuePending = false
        overrunLast = 0
        active = false
        interval = 0
        guard let newDeadline else { deadline = nil; return }
        interval = newInterval
        deadline = newDeadline
        active = notification != .none
    }

    /// timer_gettime (common_timer_get): (time left, interval) in ns. A timer whose
    /// signal waits to be taken reads as due in 1 ns, as on Linux.
    func remaining(now: UInt64) -> (value: UInt64, interval: UInt64) {
        guard deadline != nil else { return (0, 0) }
        if interval == 0 && !active && notification != .none { return (0, 0) }
        if interval > 0 && (requeuePending || notification == .none) { forward(now: now) }
        let d = deadline!
        if d > now { return (d - now, interval) }
        return (notification == .none ? 0 : 1, interval)
    }

    /// Moves the deadline forward by whole intervals until it is past `now`; the
    /// number of intervals counts as overruns (hrtimer_forward).
    private func forward(now: UInt64) {
        guard let d = deadline, interval > 0, d <= now else { return }
        let n = (now - d) / interval + 1
        deadline = d &+ n &* interval
        let (sum, overflow) = overrun.addingReportingOverflow(Int64(clamping: n))
        overrun = overflow ? Int64.max : sum
    }

    // MARK: Expiry

    /// The deadline has passed: `delivered` says whether the signal was queued.
    func expired(now: UInt64, delivered: Bool) {
        active = false
        if delivered {
            if interval > 0 { requeuePending = true }
        } else if interval > 0 {
            // posix_timer_fn's "signal was not sent": it keeps going, counting overruns.
            forward(now: now)
            active = true
        }
    }

    /// The queued signal was taken (posixtimer_rearm): a periodic timer runs again from
    /// the next interval after now, and the overrun is fixed in the taker's siginfo.
    func rearm(_ info: inout SigInfo, now: UInt64) {
        guard var t = info.timer, interval > 0, requeuePending, t.sequence == sequence else { return }
        forward(now: now)
        active = true
        requeuePending = false
        overrunLast = overrun
        overrun = -1
        t.overrun = PosixTimer.clamp(overrunLast)    // the siginfo's own count is 0 (queued once)
        info.timer = t
    }
}

/// ITIMER_VIRTUAL or ITIMER_PROF. Gate's CPU time is counted in retired guest
/// instructions, one instruction for one nanosecond (a 1 GHz processor retiring one
/// instruction a cycle): deterministic, unlike the host's CPU clock, and the scheduler
/// can end a slice on the very instruction where the timer expires. Both count user
/// code and the modelled kernel entry text alike; the Swift system-call bodies retire
/// no guest instructions, so ITIMER_PROF runs at the same rate as ITIMER_VIRTUAL.
struct CPUTimer {
    /// Instructions until the next expiry.
    var remaining: Int64
    /// The reload, in instructions (0: one-shot).
    var interval: Int64

    /// Instructions per microsecond of virtual CPU time.
    static let perMicrosecond: Int64 = 1000
}
