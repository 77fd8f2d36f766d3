import IA32

/// A Linux process as Gate models it (a thread group): an address space with the CPU
/// its threads run on, a descriptor table, filesystem context, identity, signal
/// handlers, its place in the process tree, and its threads (`Task`).
public final class Process {
    public internal(set) var memory: GuestMemory { didSet { unretainedMemory = .passUnretained(memory) } }
    public internal(set) var cpu: CPU
    /// Shared with other processes after clone(CLONE_FILES), copied by fork.
    public internal(set) var files: FileTable { didSet { unretainedFiles = .passUnretained(files) } }
    /// `memory` and `files` again, unretained: a system call's body borrows them through
    /// these (`SyscallContext.withMemory`, `file`) for one access that cannot replace
    /// them, where reading the properties retained and released each, atomically, on
    /// every call.
    private(set) var unretainedMemory: Unmanaged<GuestMemory>
    private(set) var unretainedFiles: Unmanaged<FileTable>
    public internal(set) var mm: AddressSpace
    public var fs = FileSystemContext()
    /// Gate's own ids: the first process is 1000, its "parent" the host shell (1).
    public var pid: Int32 = 1000
    public var parentPid: Int32 = 1
    public var pgid: Int32 = 1000
    public var sid: Int32 = 1000
    public var uid: UInt32 = 0, gid: UInt32 = 0
    public var groups: [UInt32] = [0]
    /// The comm name (prctl PR_SET_NAME, /proc/self/stat).
    public var name: String = ""
    public var personality: UInt32 = 0
    /// prctl(PR_SET_DUMPABLE): whether a core would be written (Gate writes none).
    public var dumpable: UInt32 = 1
    /// Signal dispositions, and the running thread's mask, pending set and alternate
    /// stack (the other threads keep theirs in their `Task`).
    public var signals = SignalState()
    /// The program's path as the guest named it (/proc/self/exe), its arguments and
    /// environment (/proc/self/cmdline, environ).
    public var executable: String = ""
    public var arguments: [String] = []
    public var environment: [String] = []
    /// The auxiliary vector it was started with (/proc/self/auxv).
    public var auxv: [(UInt32, UInt32)] = []
    /// Set when the process must end (exit_group, a fatal signal), with its wait status.
    public var exitStatus: Int32? = nil

    // MARK: The process tree and threads

    /// The kernel that runs it (nil for a process built by a unit test).
    public internal(set) weak var kernel: Kernel? = nil
    public internal(set) weak var parent: Process? = nil
    public internal(set) var children: [Process] = []
    /// Live threads, the group leader first.
    public internal(set) var threads: [Task] = []
    /// The thread whose state is loaded in the CPU, kernel stack, TLS slots and `signals`.
    var activeThread: Task? = nil
    /// Whether it has exited and waits for its parent (a zombie).
    public internal(set) var isZombie = false
    /// The signal the parent gets at exit (SIGCHLD unless clone said otherwise).
    var exitSignal: UInt32 = 17
    /// Woken when a child exits: wait4 sleeps here.
    let childEvents = WaitQueue()
    /// A vfork child: its parent sleeps on this until it execs or exits.
    var vforkDone: WaitQueue? = nil
    /// A CLONE_VM|CLONE_VFORK child runs on its parent's memory: the parent, and its
    /// kernel stack and TLS slots to put back when the child lets go.
    weak var vforkParent: Process? = nil
    var vforkParentKernel: (stack: [UInt8], tls: [UInt8])? = nil
    /// CPU time of its threads (live and exited) and of waited-for children, in ns.
    var exitedThreadsTime: UInt64 = 0
    var childrenTime: UInt64 = 0
    /// Process-directed signals that every thread blocked when they came (the shared
    /// pending set): the first thread to unblock one takes it.
    var sharedPending: UInt64 = 0
    var sharedInfo: [UInt32: SigInfo] = [:]
    /// Job control (Signals/JobControl.swift): stopped by a stop signal (no thread runs
    /// until SIGCONT), the stop signal a WUNTRACED wait has not reported yet, and a
    /// continue a WCONTINUED wait has not reported yet.
    public internal(set) var stopped = false
    var unreportedStop: UInt32? = nil
    var unreportedContinue = false
    /// ITIMER_REAL / alarm: the next expiry (monotonic ns) and the reload interval.
    var realTimer: (deadline: UInt64, interval: UInt64)? = nil
    /// ITIMER_VIRTUAL and ITIMER_PROF, counted in retired guest instructions
    /// (`CPUTimer`).
    var virtualTimer: CPUTimer? = nil
    var profTimer: CPUTimer? = nil
    /// timer_create's timers by id, and the id the next one gets (signal->posix_timer_id).
    var posixTimers: [Int32: PosixTimer] = [:]
    var nextTimerID: Int32 = 0

    public init(memory: GuestMemory, cpu: CPU) {
        self.memory = memory
        self.cpu = cpu
        let files = FileTable()
        self.files = files
        unretainedMemory = .passUnretained(memory)
        unretainedFiles = .passUnretained(files)
        mm = AddressSpace(memory: memory)
    }

    /// CPU time of its threads so far (ns).
    var cpuTime: UInt64 { threads.reduce(exitedThreadsTime) { $0 + $1.cpuTime } }

    /// The group leader (the first thread), while it lives.
    var leader: Task? { threads.first }
}
