/// The timers the scheduler runs between slices (kernel/time/itimer.c,
/// posix-timers.c, posix-cpu-timers.c): ITIMER_REAL and the POSIX timers on wall-clock
/// deadlines, ITIMER_VIRTUAL and ITIMER_PROF on retired guest instructions.
extension Kernel {
    // MARK: Deadlines

    /// Fires the wall-clock timers whose deadline has passed: SIGALRM for ITIMER_REAL
    /// (reloaded if periodic), and each POSIX timer's signal.
    func fireTimers() {
        var any = false
        for p in processes.values where p.realTimer != nil || !p.posixTimers.isEmpty { any = true; break }
        guard any else { return }
        let now = monotonicNow()
        for p in processes.values where !p.isZombie {
            if let t = p.realTimer, now >= t.deadline {
                p.realTimer = t.interval > 0 ? (max(t.deadline &+ t.interval, now), t.interval) : nil
                send(14, to: p, info: SigInfo(signo: 14, code: SigInfo.SI_KERNEL))
            }
            for id in p.posixTimers.keys.sorted() {
                guard let t = p.posixTimers[id], t.active, let d = t.deadline, now >= d else { continue }
                t.expired(now: now, delivered: sendTimerSignal(t, in: p))
            }
        }
    }

    /// The earliest wall-clock timer deadline of any process (the host may sleep until then).
    func nextTimerDeadline() -> UInt64? {
        var next: UInt64? = nil
        for p in processes.values where !p.isZombie {
            if let t = p.realTimer { next = min(next ?? t.deadline, t.deadline) }
            for t in p.posixTimers.values where t.active {
                if let d = t.deadline { next = min(next ?? d, d) }
            }
        }
        return next
    }

    /// posix_timer_event: queues the timer's signal to its process or thread. False
    /// when it was not queued — ignored, its thread gone, or the same signal already
    /// pending there (Gate keeps one siginfo per pending signal, so the timer's would
    /// be lost; Linux queues the timer's own entry beside it) — and the timer then
    /// keeps running, counting the expiries as overruns.
    func sendTimerSignal(_ t: PosixTimer, in p: Process) -> Bool {
        guard let signal = t.signal else { return false }
        if p.signals.isIgnored(signal) { return false }
        switch t.notification {
        case .thread(_, let tid):
            guard let task = p.threads.first(where: { $0.tid == tid }), task.state != .dead else { return false }
            if isPending(signal, for: task) { return false }
            send(signal, to: task, info: t.info)
        default:
            if isPending(signal, in: p) { return false }
            send(signal, to: p, info: t.info)
        }
        return true
    }

    /// Whether `signal` is pending anywhere in `p`: a thread's set or the shared one.
    func isPending(_ signal: UInt32, in p: Process) -> Bool {
        let bit = SignalState.bit(signal)
        if p.sharedPending & bit != 0 { return true }
        return p.threads.contains { isPending(signal, for: $0) }
    }

    func isPending(_ signal: UInt32, for t: Task) -> Bool {
        let p = t.process
        let pending = p.activeThread === t ? p.signals.pending : (t.savedSignals?.pending ?? 0)
        return pending & SignalState.bit(signal) != 0
    }

    // MARK: CPU time

    /// The instruction budget a slice of `p` may run before a CPU timer expires.
    func cpuTimerBudget(_ p: Process, _ budget: Int) -> Int {
        var b = Int64(budget)
        if let t = p.virtualTimer { b = min(b, max(t.remaining, 1)) }
        if let t = p.profTimer { b = min(b, max(t.remaining, 1)) }
        return Int(b)
    }

    /// Counts `instructions` retired by a thread of `p` against its ITIMER_VIRTUAL and
    /// ITIMER_PROF; an expiry sends SIGVTALRM or SIGPROF and reloads a periodic timer
    /// (the instructions past the expiry count toward the next one, as Linux carries
    /// the error over). Returns whether one expired.
    func chargeCPUTimers(_ p: Process, _ instructions: Int) -> Bool {
        var expired = false
        func charge(_ timer: inout CPUTimer?, _ signal: UInt32) {
            guard var t = timer else { return }
            t.remaining -= Int64(instructions)
            if t.remaining > 0 { timer = t; return }
            expired = true
            if t.interval > 0 {
                t.remaining += t.interval
                if t.remaining <= 0 { t.remaining = t.interval }
                timer = t
            } else {
                timer = nil
            }
            send(signal, to: p, info: SigInfo(signo: signal, code: SigInfo.SI_KERNEL))
        }
        charge(&p.virtualTimer, 26)
        charge(&p.profTimer, 27)
        return expired
    }
}

extension Process {
    /// A signal was taken off a pending set (dequeue_signal): a POSIX timer's rearms
    /// its periodic timer and gets its si_overrun.
    func timerSignalTaken(_ info: inout SigInfo) {
        guard let fields = info.timer, let t = posixTimers[fields.id] else { return }
        t.rearm(&info, now: monotonicNow())
    }
}
