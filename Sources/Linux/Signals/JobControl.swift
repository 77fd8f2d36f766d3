/// Job control (kernel/signal.c and kernel/exit.c of 2.6). A stop signal whose action
/// is the default stops the whole process: no thread of it runs until SIGCONT. Its
/// parent hears of the stop, and later of the continue: SIGCHLD with CLD_STOPPED or
/// CLD_CONTINUED (unless its SIGCHLD action has SA_NOCLDSTOP), and a wait with
/// WUNTRACED or WCONTINUED reports each once. Sending one kind throws away pending
/// signals of the other kind.
///
/// A process group is orphaned when no member has a parent in another group of the
/// same session: no shell is left that could continue it. The terminal's stop signals
/// (SIGTSTP, SIGTTIN, SIGTTOU) leave such a group alone, and a group that becomes
/// orphaned with stopped members gets SIGHUP and then SIGCONT.
extension Kernel {
    static let SIGHUP: UInt32 = 1, SIGCHLD: UInt32 = 17, SIGCONT: UInt32 = 18
    /// SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU.
    static let stopSignals: UInt64 = SignalState.bit(19) | SignalState.bit(20) | SignalState.bit(21) | SignalState.bit(22)

    /// do_signal_stop: the process stops (every thread: the scheduler runs none of them),
    /// and its parent is told.
    func stop(_ p: Process, signal: UInt32) {
        guard !p.stopped, p.exitStatus == nil else { return }
        p.stopped = true
        p.unreportedStop = signal
        p.unreportedContinue = false
        notifyParent(of: p, code: SigInfo.CLD_STOPPED, status: Int32(signal))
    }

    /// The side effects of sending `signal` to `p` that happen at once, whatever the
    /// signal's action (handle_stop_signal): a stop signal throws away a pending
    /// SIGCONT; SIGCONT throws away pending stop signals and continues a stopped process.
    func prepareSignal(_ signal: UInt32, for p: Process) {
        if isStopSignal(signal) {
            p.discardPending(SignalState.bit(Kernel.SIGCONT))
        } else if signal == Kernel.SIGCONT {
            p.discardPending(Kernel.stopSignals)
            if p.stopped {
                p.stopped = false
                p.unreportedStop = nil
                p.unreportedContinue = true
                notifyParent(of: p, code: SigInfo.CLD_CONTINUED, status: Int32(Kernel.SIGCONT))
            }
        }
    }

    /// do_notify_parent_cldstop: SIGCHLD to the parent unless it ignores it or asked for
    /// SA_NOCLDSTOP, and a wake-up for its waits either way.
    private func notifyParent(of p: Process, code: Int32, status: Int32) {
        guard let parent = p.parent, !parent.isZombie else { return }
        let action = parent.signals.actions[Int(Kernel.SIGCHLD)]
        if action.handler != SignalState.Action.ignore && action.flags & SignalState.SA_NOCLDSTOP == 0 {
            var info = SigInfo(signo: Kernel.SIGCHLD, code: code, pid: UInt32(bitPattern: p.pid), uid: p.uid)
            info.status = status
            send(Kernel.SIGCHLD, to: parent, info: info)
        }
        parent.childEvents.wakeAll()
    }

    /// will_become_orphaned_pgrp: whether no live member of group `pgid` (other than
    /// `ignoring`) has a parent in another group of the same session. Orphans (whose
    /// parent is init) do not count. The first process's parent is the shell that
    /// started Gate, taken to be a job-control shell of the same session: while the
    /// first process lives in a group, the group is not orphaned, so a terminal's
    /// Ctrl-Z stops a plain `gate run`.
    func isOrphanedGroup(_ pgid: Int32, ignoring: Process? = nil) -> Bool {
        for p in processes.values where p.pgid == pgid && !p.isZombie && p !== ignoring {
            if p === initial { return false }
            guard let parent = p.parent, !parent.isZombie else { continue }
            if parent.pgid != pgid && parent.sid == p.sid { return false }
        }
        return true
    }

    /// kill_orphaned_pgrp, as `p` exits (after its children went to init): its own group
    /// and each child's group in its session that this exit orphans get SIGHUP and
    /// SIGCONT if a member is stopped.
    func hangUpOrphanedGroups(exiting p: Process, children: [Process]) {
        var groups: [Int32] = []
        for c in children where c.pgid != p.pgid && c.sid == p.sid && !groups.contains(c.pgid) {
            groups.append(c.pgid)
        }
        if let parent = p.parent, parent.pgid != p.pgid, parent.sid == p.sid { groups.append(p.pgid) }
        for g in groups where isOrphanedGroup(g, ignoring: p) {
            let members = processes.values.filter { $0.pgid == g && !$0.isZombie && $0 !== p }.sorted { $0.pid < $1.pid }
            guard members.contains(where: { $0.stopped }) else { continue }
            signalGroup(g, Kernel.SIGHUP)
            signalGroup(g, Kernel.SIGCONT)
        }
    }
}

extension Process {
    /// Drops the pending signals in `mask` from every thread and the shared set.
    func discardPending(_ mask: UInt64) {
        signals.pending &= ~mask
        for t in threads where t !== activeThread { t.savedSignals?.pending &= ~mask }
        sharedPending &= ~mask
    }
}
