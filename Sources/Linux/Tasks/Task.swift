import IA32

/// One schedulable thread (`struct task_struct`): its own tid, register state, kernel
/// stack, TLS descriptors and signal mask, in a thread group (`Process`) that owns the
/// address space, descriptors and signal handlers.
///
/// The running thread of a process keeps its state where the hardware and the entry
/// code look for it — the process's CPU, the kernel stack and the GDT's TLS slots in
/// that address space, `Process.signals` — and the others keep theirs here, saved at
/// the last switch (`__switch_to`). A process with one thread never saves anything.
public final class Task {
    /// What the scheduler may do with the task.
    public enum State: Equatable {
        /// Ready to run user code, or inside the kernel between instructions.
        case runnable
        /// In a system call that is waiting (`wait`).
        case blocked
        /// Exited; gone from the scheduler.
        case dead
    }

    public let tid: Int32
    /// Strong: a dead task may still be `current` until the next switch; the process
    /// drops its threads when it exits, which breaks the cycle.
    public let process: Process
    public internal(set) var state: State = .runnable

    // Saved while another thread of the same process runs.
    var savedCPU: CPUState? = nil
    var savedKernelStack: [UInt8]? = nil
    var savedTLS: [UInt8]? = nil
    var savedSignals: ThreadSignals? = nil

    /// The last trap that sent this thread a signal (Signals/Traps.swift).
    public internal(set) var trap = TrapRecord()
    /// set_tid_address / CLONE_CHILD_CLEARTID: zeroed and futex-woken at exit.
    public var clearChildTid: UInt32 = 0
    public var robustList: UInt32 = 0

    /// The blocked system call, when `state == .blocked`.
    var wait: Wait? = nil
    /// Set by a wait queue: the blocked call should look again.
    var woken = false
    /// A body asked to block; the kernel parks the task after it returns.
    var blockRequest: Wait? = nil
    /// The deadline a blocking call computed on its first entry, kept across retries.
    var callDeadline: UInt64? = nil
    /// Bytes a blocking pipe write has already moved, kept across its retries.
    var transferred = 0
    /// A futex the task sleeps on, with its bitset (FUTEX_WAIT_BITSET).
    var futexKey: FutexKey? = nil
    var futexBitset: UInt32 = 0
    /// The call being made, kept while it is blocked: (path, number, pt_regs address).
    var blockedCall: (path: Kernel.EntryPath, number: UInt32, regsAddress: UInt32)? = nil
    /// execve replaced the address space during the current call: its CPU is another.
    var execed = false
    /// thread_info.restart_block: how restart_syscall goes on with a call a signal
    /// interrupted with -ERESTART_RESTARTBLOCK (a sleep's expiry and `rem`); nil is
    /// do_no_restart_syscall (-EINTR). Every sigreturn clears it.
    var restartBlock: ((SyscallContext) -> Int32)? = nil
    /// A stop signal stopped the process while this thread was on its way out of the
    /// kernel: when continued, the exit path goes through do_signal again (to take the
    /// signals still pending and restart the interrupted call).
    var signalPassAfterStop = false
    /// Instructions left in the current slice.
    var sliceRemaining = 0
    /// Asked to give up the CPU (sched_yield).
    var yieldRequested = false
    /// Host CPU time spent running this task, in nanoseconds (getrusage, wait4).
    public internal(set) var cpuTime: UInt64 = 0

    init(tid: Int32, process: Process) {
        self.tid = tid
        self.process = process
    }
}

/// The per-thread part of the signal state (blocked mask, thread-directed pending
/// signals, the alternate stack), saved while the thread is not running.
struct ThreadSignals {
    var blocked: UInt64
    var pending: UInt64
    var info: [SigInfo?]
    var altStack: (sp: UInt32, flags: UInt32, size: UInt32)
    var savedMask: UInt64? = nil

    init(_ s: SignalState) {
        savedMask = s.savedMask
        blocked = s.blocked
        pending = s.pending
        info = s.info
        altStack = s.altStack
    }

    /// A new thread's: the creator's mask, nothing pending, no alternate stack.
    init(blocked: UInt64) {
        self.blocked = blocked
        pending = 0
        info = [SigInfo?](repeating: nil, count: 65)
        altStack = (0, 2, 0)
    }

    func load(into s: inout SignalState) {
        s.blocked = blocked
        s.pending = pending
        s.info = info
        s.altStack = altStack
        s.savedMask = savedMask
    }

    mutating func queue(_ signal: UInt32, _ siginfo: SigInfo) {
        if pending & SignalState.bit(signal) != 0 { return }
        pending |= SignalState.bit(signal)
        info[Int(signal)] = siginfo
    }

    var deliverable: UInt64 { pending & ~blocked }
}
