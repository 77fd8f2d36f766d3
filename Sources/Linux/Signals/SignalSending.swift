/// Sending signals between tasks (kernel/signal.c): to a process (the thread group
/// picks a thread that does not block it), to one thread (tkill, tgkill), to a process
/// group or to everyone (kill's 0, −pgid and −1).
extension Kernel {
    /// send_signal to a thread group. An ignored signal is dropped on arrival unless the
    /// group leader blocks it (the action may change before it is unblocked); SIGKILL
    /// ends the process whatever it is doing.
    func send(_ signal: UInt32, to p: Process, info: SigInfo) {
        guard signal >= 1 && signal <= 64, !p.isZombie else { return }
        if signal == SignalState.SIGKILL {
            sigkill(p)
            return
        }
        prepareSignal(signal, for: p)
        let bit = SignalState.bit(signal)
        if p.signals.isIgnored(signal) && (p.leader.map { blockedSignals(of: $0) } ?? 0) & bit == 0 { return }
        // complete_signal: prefer a thread that does not block it; if all do, it waits
        // in the shared set for the first thread that unblocks it.
        if p.signals.blocked & bit != 0 {
            if let other = p.threads.first(where: { $0 !== p.activeThread && ($0.savedSignals?.blocked ?? ~0) & bit == 0 }) {
                other.savedSignals?.queue(signal, info)
            } else if p.threads.count > 1 && p.sharedPending & bit == 0 {
                p.sharedPending |= bit
                p.sharedInfo[signal] = info
            } else {
                p.signals.queue(signal, info)
            }
            return
        }
        p.signals.queue(signal, info)
    }

    /// SIGKILL: the process ends whatever it is doing, stopped or not.
    private func sigkill(_ p: Process) {
        if p.exitStatus == nil { p.exitStatus = 9 }
        p.stopped = false
    }

    /// The running thread of `p` takes the shared pending signals it does not block.
    func claimSharedSignals(_ p: Process) {
        let mine = p.sharedPending & ~p.signals.blocked
        guard mine != 0 else { return }
        var rest = mine
        while rest != 0 {
            let signal = UInt32(rest.trailingZeroBitCount + 1)
            rest &= rest - 1
            p.signals.queue(signal, p.sharedInfo.removeValue(forKey: signal) ?? SigInfo(signo: signal, code: SigInfo.SI_USER))
        }
        p.sharedPending &= ~mine
        updateSignalPending()
    }

    /// send_signal to one thread.
    func send(_ signal: UInt32, to t: Task, info: SigInfo) {
        let p = t.process
        guard signal >= 1 && signal <= 64, !p.isZombie, t.state != .dead else { return }
        if signal == SignalState.SIGKILL {
            sigkill(p)
            return
        }
        prepareSignal(signal, for: p)
        if p.signals.isIgnored(signal) && blockedSignals(of: t) & SignalState.bit(signal) == 0 { return }
        if p.activeThread === t { p.signals.queue(signal, info) } else { t.savedSignals?.queue(signal, info) }
    }

    /// The signals thread `t` blocks, wherever its mask is kept now.
    func blockedSignals(of t: Task) -> UInt64 {
        t.process.activeThread === t ? t.process.signals.blocked : t.savedSignals?.blocked ?? 0
    }

    /// The live task with id `tid`.
    func task(_ tid: Int32) -> Task? { tasks.first { $0.tid == tid } }

    /// kill(2): pid > 0 one process, 0 the caller's group, −1 every process but the
    /// caller, < −1 the group −pid. Signal 0 only checks that a target exists.
    func kill(from caller: Process, pid: Int32, signal: UInt32) -> Int32 {
        guard signal <= 64 else { return Errno.EINVAL.negated }
        let info = SigInfo(signo: signal, code: SigInfo.SI_USER, pid: UInt32(bitPattern: caller.pid), uid: caller.uid)
        var targets: [Process]
        if pid > 0 {
            if let p = processes[pid] { targets = [p] }
            else if let t = task(pid) { targets = [t.process] }
            else { targets = [] }
        } else if pid == -1 {
            targets = processes.values.filter { $0 !== caller && !$0.isZombie }.sorted { $0.pid < $1.pid }
            if targets.isEmpty { return Errno.ESRCH.negated }
        } else {
            let group = pid == 0 ? caller.pgid : -pid
            targets = processes.values.filter { $0.pgid == group }.sorted { $0.pid < $1.pid }
        }
        if targets.isEmpty { return Errno.ESRCH.negated }
        if signal == 0 { return 0 }
        for p in targets { send(signal, to: p, info: info) }
        return 0
    }
}
