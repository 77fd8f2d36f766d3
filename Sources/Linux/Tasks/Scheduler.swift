#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

/// The scheduler: every task runs on the one host thread, in turn. A task runs until it
/// blocks in a system call, yields, exits or uses up its slice of `Options.slice`
/// instructions; then the next runnable task (round robin, in creation order) gets the
/// CPU. Blocked tasks are looked at again when a wait queue wakes them, a host
/// descriptor they wait on becomes ready, their deadline passes or a signal arrives.
/// Nothing depends on host timing except timeouts and host I/O, so a run is
/// deterministic for a given input.
///
/// All decisions happen between `CPU.run` slices: the interpreter's loop is untouched.
extension Kernel {
    /// The main loop behind `run()`.
    func schedule() -> Exit {
        while true {
            if let exit = exitIfDone() {
                endRemainingProcesses()
                return exit
            }
            fireTimers()
            deliverHostSignals()
            stopHostWithFirstProcess()
            guard let task = pickNext() else {
                if waitForEvents() { continue }
                // Every task sleeps and nothing can wake one: the guest deadlocked.
                notice("gate: every task is blocked and nothing can wake one (deadlock)")
                if initial.exitStatus == nil { initial.exitStatus = 9 }
                continue
            }
            let started = threadCPUTime()
            switchTo(task)
            if task.state == .blocked { resume(task) }
            if task.state == .runnable { runSlice(task) }
            task.cpuTime &+= threadCPUTime() &- started
            let p = task.process
            if p.exitStatus != nil && !p.isZombie && !p.threads.isEmpty { exitProcess(p) }
        }
    }

    /// Gate ends with its first process, as the host sees one process: whatever the
    /// guest left running (background jobs, orphans) ends with it, its descriptors
    /// closed and its memory released.
    func endRemainingProcesses() {
        if !initial.isZombie && !initial.threads.isEmpty { exitProcess(initial) }
        for p in processes.values.sorted(by: { $0.pid < $1.pid }) where !p.isZombie && !p.threads.isEmpty {
            if p.exitStatus == nil { p.exitStatus = 9 }
            exitProcess(p)
        }
    }

    /// Runs `task` until its slice is used up or it blocks, yields or dies.
    func runSlice(_ task: Task) {
        task.sliceRemaining = options.slice
        task.yieldRequested = false
        let p = task.process
        while task.state == .runnable && p.exitStatus == nil && !p.stopped && !task.yieldRequested
                && task.sliceRemaining > 0 {
            let cpu = p.cpu
            let before = cpu.instructionCount
            let stop: StopReason
            if let hook = beforeInstruction {
                // Instruction by instruction: every hlt comes back here as `.halted`.
                cpu.serviceHalts(nil, context: nil)
                hook(cpu)
                if p.exitStatus != nil { break }
                stop = cpu.step()
            } else {
                // System calls run in place, the CPU staying in `run` across them.
                cpu.serviceHalts(Kernel.haltService, context: Unmanaged.passUnretained(self).toOpaque())
                let cpuTimers = p.virtualTimer != nil || p.profTimer != nil
                let outer = sliceTask
                sliceTask = Unmanaged.passUnretained(task)
                stop = cpu.run(budget: cpuTimers ? cpuTimerBudget(p, task.sliceRemaining) : task.sliceRemaining)
                sliceTask = outer
            }
            let ran = cpu.instructionCount &- before
            instructionsRetired &+= ran
            let retired = Int(truncatingIfNeeded: ran)
            task.sliceRemaining -= max(retired, 1)
            // A CPU timer that expires ends the slice, so its signal is delivered now.
            if (p.virtualTimer != nil || p.profTimer != nil) && chargeCPUTimers(p, retired) { task.sliceRemaining = 0 }
            if let exit = handle(stop), p.exitStatus == nil {
                switch exit {
                case .exited(let c): p.exitStatus = (c & 0xff) << 8
                case .signaled(let s): p.exitStatus = s
                }
            }
        }
    }

    // MARK: Choosing

    /// The next task that can run, round robin; blocked tasks whose wait is over count.
    func pickNext() -> Task? {
        let n = tasks.count
        guard n > 0 else { return nil }
        if n > 1 || tasks[0].state == .blocked { pollBlocked(timeoutMS: 0) }
        let now = tasks.contains { $0.wait?.deadline != nil } ? monotonicNow() : 0
        for i in 0..<n {
            let k = (roundRobin + i) % n
            let t = tasks[k]
            if t.process.stopped { continue }
            if t.state == .runnable || (t.state == .blocked && canResume(t, now: now)) {
                roundRobin = k + 1
                return t
            }
        }
        return nil
    }

    func canResume(_ t: Task, now: UInt64) -> Bool {
        guard let w = t.wait else { return true }
        if t.woken { return true }
        if let d = w.deadline, now >= d { return true }
        if w.wakesOnSignal && hasDeliverableSignal(t) { return true }
        return false
    }

    func hasDeliverableSignal(_ t: Task) -> Bool {
        let p = t.process
        if p.exitStatus != nil { return true }
        if p.activeThread === t { return p.signals.deliverable != 0 || p.sharedPending & ~p.signals.blocked != 0 }
        guard let s = t.savedSignals else { return false }
        return s.deliverable != 0 || p.sharedPending & ~s.blocked != 0
    }

    /// Polls the host descriptors blocked tasks wait on; a ready one wakes its task.
    /// Returns whether any was ready.
    @discardableResult
    func pollBlocked(timeoutMS: Int32) -> Bool {
        var fds: [pollfd] = []
        var owners: [Task] = []
        for t in tasks where t.state == .blocked && !t.process.stopped {
            for (fd, events) in t.wait?.hostFDs ?? [] {
                fds.append(pollfd(fd: fd, events: events, revents: 0))
                owners.append(t)
            }
        }
        if fds.isEmpty {
            if timeoutMS > 0 { usleep(UInt32(min(Int(timeoutMS), 1_000_000)) * 1000) }
            return false
        }
        let n = fds.withUnsafeMutableBufferPointer { HostCall.poll($0.baseAddress, nfds_t($0.count), timeoutMS) }
        guard n > 0 else { return false }
        for (k, f) in fds.enumerated() where f.revents != 0 { owners[k].woken = true }
        return true
    }

    /// Nothing can run: sleep in the host until a descriptor is ready or the next
    /// deadline or timer. False when nothing could ever wake a task.
    func waitForEvents() -> Bool {
        var next: UInt64? = nil
        var anyFD = false
        for t in tasks where t.state == .blocked && !t.process.stopped {
            if let d = t.wait?.deadline { next = min(next ?? d, d) }
            if !(t.wait?.hostFDs.isEmpty ?? true) { anyFD = true }
        }
        if let d = nextTimerDeadline() { next = min(next ?? d, d) }
        if next == nil && !anyFD { return false }
        var ms: Int32 = -1
        if let next {
            let now = monotonicNow()
            ms = next > now ? Int32(clamping: (next - now + 999_999) / 1_000_000) : 0
        }
        pollBlocked(timeoutMS: ms)
        return true
    }

    // MARK: Switching

    /// Makes `task` the running one (`__switch_to`): within a process, the outgoing
    /// thread's registers, kernel stack, TLS descriptors and signal mask are saved and
    /// the incoming one's loaded; across processes only the CPU in use changes.
    func switchTo(_ task: Task) {
        let p = task.process
        if let active = p.activeThread, active !== task {
            if active.state != .dead { save(active) }
            load(task)
        } else if p.activeThread == nil {
            load(task)
        }
        p.activeThread = task
        current = task
        if p.sharedPending != 0 { claimSharedSignals(p) }
        updateSignalPending()
        // Preempted in user mode with a signal to take: deliver it now, as the return
        // from the timer interrupt would have.
        if task.state == .runnable && p.cpu.cpl == 3 && p.signals.deliverable != 0 {
            deliverInterruptedSignal()
        }
    }

    private func save(_ t: Task) {
        let p = t.process
        t.savedCPU = p.cpu.savedState
        t.savedKernelStack = p.memory.read(KernelLayout.kernelStack, count: Int(KernelLayout.threadSize),
                                           need: PagePermission.kernelRead)
        t.savedTLS = p.memory.read(Kernel.tlsAddress, count: Kernel.tlsSize, need: PagePermission.kernelRead)
        t.savedSignals = ThreadSignals(p.signals)
    }

    private func load(_ t: Task) {
        let p = t.process
        if let s = t.savedKernelStack { p.memory.poke(KernelLayout.kernelStack, s) }
        if let s = t.savedTLS { p.memory.poke(Kernel.tlsAddress, s) }
        if let s = t.savedSignals { s.load(into: &p.signals) }
        if let s = t.savedCPU { p.cpu.restore(s) }
        t.savedCPU = nil; t.savedKernelStack = nil; t.savedTLS = nil; t.savedSignals = nil
        // __switch_to's loadsegment: %fs and %gs take their descriptors from this
        // thread's TLS slots, not from the cache the previous thread left.
        p.loadUserSegment(.fs, p.cpu.segment(.fs).selector)
        p.loadUserSegment(.gs, p.cpu.segment(.gs).selector)
    }

    static var tlsAddress: UInt32 { KernelLayout.gdt + UInt32(KernelLayout.tlsEntryMin * 8) }
    static var tlsSize: Int { KernelLayout.tlsEntries * 8 }

    // MARK: Blocking

    /// Puts `task` to sleep in the call it is making.
    func park(_ task: Task, _ wait: Wait, call: (path: EntryPath, number: UInt32, regsAddress: UInt32)) {
        task.state = .blocked
        task.wait = wait
        task.woken = false
        task.blockedCall = call
        for q in wait.queues { q.add(task) }
    }

    /// A blocked task got the CPU back: look at its call again.
    func resume(_ task: Task) {
        guard let w = task.wait, let call = task.blockedCall else { task.state = .runnable; return }
        for q in w.queues { q.remove(task) }
        task.wait = nil
        task.woken = false
        task.state = .runnable
        var result: Int32?
        if let retry = w.retry {
            result = retry()
        } else {
            let regs = PtRegs(memory: task.process.memory, at: call.regsAddress)
            let r = runBody(number: call.number, regsAddress: call.regsAddress, args: regs.arguments)
            if let again = task.blockRequest {
                task.blockRequest = nil
                if w.interrupted != nil && hasDeliverableSignal(task) {
                    result = again.interrupted ?? w.interrupted
                } else {
                    park(task, again, call: call)
                    return
                }
            } else {
                result = r
            }
        }
        if result == nil {
            if let code = w.interrupted, hasDeliverableSignal(task) {
                result = code
            } else {
                park(task, w, call: call)
                return
            }
        }
        leaveFutex(task)
        finishCall(task, path: call.path, number: call.number, regsAddress: call.regsAddress, result: result!)
        task.blockedCall = nil
    }

    /// A signal arrived for a task preempted in user mode (no system-call frame): build
    /// the handlers' frames from the live registers (each on top of the last, as the
    /// return from an interrupt loops while signals are pending), or take the default
    /// action.
    func deliverInterruptedSignal() {
        let p = process
        defer { updateSignalPending() }
        while case .handler(let signal, let info, let action) = getSignal() {
            var regs = UserRegisters(cpu: p.cpu)
            guard setUpFrame(signal, info, action, &regs) else { return }
            p.load(regs, into: p.cpu)
        }
    }
}
