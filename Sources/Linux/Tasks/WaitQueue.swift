#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A list of tasks sleeping until something happens (`wait_queue_head_t`): a child's
/// exit, a vfork child letting go of its parent. Waking marks the sleepers; the
/// scheduler then lets each one look at its condition again.
public final class WaitQueue {
    private(set) var sleepers: [Task] = []

    public init() {}

    func add(_ t: Task) {
        if !sleepers.contains(where: { $0 === t }) { sleepers.append(t) }
    }

    func remove(_ t: Task) {
        sleepers.removeAll { $0 === t }
    }

    /// Wakes every sleeper (wake_up_all).
    func wakeAll() {
        for t in sleepers { t.woken = true }
        sleepers.removeAll()
    }
}

/// What a blocked system call waits for. The task is looked at again when a queue
/// wakes it, a host descriptor becomes ready, the deadline passes or (when
/// interruptible) a signal it does not block arrives.
struct Wait {
    var queues: [WaitQueue] = []
    /// Host descriptors and the poll events wanted.
    var hostFDs: [(Int32, Int16)] = []
    /// CLOCK_MONOTONIC nanoseconds.
    var deadline: UInt64? = nil
    /// The call's result when a signal interrupts it (-ERESTARTSYS and friends); nil:
    /// uninterruptible.
    var interrupted: Int32? = Errno.ERESTARTSYS.negated
    /// Whether a signal the task does not block wakes it (TASK_INTERRUPTIBLE); with
    /// `interrupted` nil, `retry` decides what the signal means.
    var wakesOnSignal = true
    /// Run when the task is looked at again: nil keeps it waiting, a value completes
    /// the call. Without one the call's body runs again with the same arguments.
    var retry: (() -> Int32?)? = nil
}

/// CLOCK_MONOTONIC now, in nanoseconds.
func monotonicNow() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// The host CPU time of this thread, in nanoseconds (the time the running task spent).
func threadCPUTime() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

extension SyscallContext {
    /// The kernel running this call (nil in unit tests that call bodies directly).
    var kernel: Kernel? { process.kernel }
    /// The task making the call.
    var task: Task? { process.kernel?.current }

    /// Parks the calling task on `wait`; the kernel ignores the value the body returns
    /// (by convention the one this returns) and runs the call again (or `wait.retry`)
    /// when something wakes it. Without a kernel (unit tests) it returns -EAGAIN.
    func block(_ wait: Wait) -> Int32 {
        guard let t = task else { return Errno.EAGAIN.negated }
        t.blockRequest = wait
        return Errno.EAGAIN.negated
    }

    /// The deadline `timeout` nanoseconds after the call's first entry: the same on
    /// every retry of a blocked call.
    func deadline(after timeout: Int64) -> UInt64 {
        if let t = task, let d = t.callDeadline { return d }
        let d = monotonicNow() &+ UInt64(max(timeout, 0))
        task?.callDeadline = d
        return d
    }
}
