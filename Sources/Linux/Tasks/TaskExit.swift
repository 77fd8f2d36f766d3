/// How tasks and processes end (kernel/exit.c): a thread's exit with its
/// CLONE_CHILD_CLEARTID wake, a whole group's exit, zombies that wait for their
/// parent, SIGCHLD, and orphans handed to init (which reaps them itself).
extension Kernel {
    /// do_exit for one thread. The last thread out takes the process with it.
    func exitThread(_ t: Task, status: Int32) {
        let p = t.process
        guard t.state != .dead else { return }
        exitRobustList(t)
        // mm_release: the tid word is cleared and one waiter woken (pthread_join).
        if t.clearChildTid != 0 && p.threads.count > 1 {
            if p.memory.write(t.clearChildTid, GuestLayout.le32(0)) {
                _ = futexWake(key: FutexKey(p.memory, t.clearChildTid), count: 1, bitset: ~0)
            }
        }
        retire(t)
        if p.threads.isEmpty {
            if p.exitStatus == nil { p.exitStatus = status }
            finishProcess(p)
        }
    }

    /// do_group_exit: every thread of `p` ends; `p.exitStatus` says how.
    func exitProcess(_ p: Process) {
        for t in p.threads { retire(t) }
        finishProcess(p)
    }

    /// Takes a dead task off the run queue and every wait queue, its robust futexes
    /// released first.
    func retire(_ t: Task) {
        let p = t.process
        exitRobustList(t)
        leaveFutex(t)
        if let w = t.wait { for q in w.queues { q.remove(t) } }
        t.wait = nil
        t.state = .dead
        p.exitedThreadsTime &+= t.cpuTime
        t.cpuTime = 0
        p.threads.removeAll { $0 === t }
        if let i = tasks.firstIndex(where: { $0 === t }) {
            tasks.remove(at: i)
            if roundRobin > i { roundRobin -= 1 }
        }
    }

    /// exit_notify: descriptors close (so pipe readers see EOF), a vfork parent goes
    /// on, children go to init, and the parent hears of it — or, if it ignores SIGCHLD
    /// or there is none, the process is reaped at once.
    private func finishProcess(_ p: Process) {
        guard !p.isZombie else { return }
        p.isZombie = true
        p.stopped = false
        p.files = FileTable()
        p.realTimer = nil
        p.virtualTimer = nil
        p.profTimer = nil
        p.posixTimers = [:]
        p.activeThread = nil
        releaseVforkMemory(p)
        p.vforkDone?.wakeAll()
        p.vforkDone = nil
        let children = p.children
        for c in children {
            c.parent = nil
            c.parentPid = 1
            if c.isZombie { processes.removeValue(forKey: c.pid) }
        }
        p.children = []
        hangUpOrphanedGroups(exiting: p, children: children)
        guard let parent = p.parent, !parent.isZombie else {
            if p !== initial { processes.removeValue(forKey: p.pid) }
            return
        }
        let action = parent.signals.actions[Int(p.exitSignal)]
        let noWait = p.exitSignal == 17 && (action.handler == SignalState.Action.ignore
                                            || action.flags & SignalState.SA_NOCLDWAIT != 0)
        if p.exitSignal != 0 {
            let status = p.exitStatus ?? 0
            var info = SigInfo(signo: p.exitSignal, code: status & 0x7f == 0 ? SigInfo.CLD_EXITED : SigInfo.CLD_KILLED,
                               pid: UInt32(bitPattern: p.pid), uid: p.uid)
            info.status = status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
            send(p.exitSignal, to: parent, info: info)
        }
        if noWait {
            reap(p)
        }
        parent.childEvents.wakeAll()
    }

    /// release_task: the zombie is gone; its CPU time counts for the parent.
    func reap(_ p: Process) {
        if let parent = p.parent {
            parent.childrenTime &+= p.cpuTime &+ p.childrenTime
            parent.children.removeAll { $0 === p }
        }
        p.parent = nil
        processes.removeValue(forKey: p.pid)
    }
}
