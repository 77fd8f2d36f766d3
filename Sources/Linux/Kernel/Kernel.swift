#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

/// The modelled Linux 2.6 kernel: boot, exec, the processes and threads it runs
/// (`Tasks/`), and the loop that runs a CPU and answers it — a `hlt` in a system-call
/// stub means "run this call's Swift body", a user-mode exception means "send the
/// signal Linux would".
public final class Kernel {
    /// How a program runs.
    public struct Options {
        public var model: CPUModel = .default
        /// Host directory that is the guest's `/` (the dynamic linker and libraries).
        public var root: String = "/"
        /// The guest's first current directory; nil: the host's, as the guest names it
        /// (`/` when the host's lies outside the root).
        public var cwd: String? = nil
        public var environment: [String] = []
        public var stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2
        /// Instructions a task runs before the scheduler gives the CPU to the next one.
        public var slice: Int = 1 << 22
        public init() {}
    }

    /// The two ways into the kernel.
    public enum EntryPath: String, CaseIterable, Sendable {
        case int80 = "int80", sysenter = "sysenter"
    }

    /// How the process ended.
    public enum Exit: Equatable, Sendable {
        case exited(Int32)
        case signaled(Int32)

        /// The status a shell reports: the exit code, or 128 + signal.
        public var shellStatus: Int32 {
            switch self {
            case .exited(let c): return c & 0xff
            case .signaled(let s): return 128 + s
            }
        }
    }

    public let options: Options
    /// The process of the running task.
    public var process: Process { current.process }
    /// The first process (pid 1000): its end is Gate's end.
    public let initial: Process
    /// The task whose state is in its process's CPU and which the CPU is running.
    public internal(set) var current: Task
    /// The task `Scheduler.runSlice` is running on the CPU, unretained: runSlice holds it.
    var sliceTask: Unmanaged<Task>? = nil
    /// Every live task, in creation order (the scheduler goes round them).
    public internal(set) var tasks: [Task] = []
    /// Live and zombie processes by pid.
    public internal(set) var processes = ProcessTable()
    var nextPid: Int32 = 1001
    /// Whether host signals are this kernel's to forward (HostSignals.swift): only one
    /// kernel in a host process should take them.
    var forwardsHostSignals = false
    /// How Gate stops itself when its first process stops (HostSignals.swift): SIGSTOP
    /// to the host process, which returns when the host's shell continues it. Tests
    /// stand in for the shell.
    var stopHost: () -> Void = { _ = raise(SIGSTOP) }
    var roundRobin = 0
    /// Controlling terminals by host terminal (st_rdev): their session and foreground
    /// group (Tasks/ControllingTerminal.swift).
    var terminals: [UInt64: TerminalOwner] = [:]
    /// Sleepers on each futex word.
    var futexWaiters: [FutexKey: [Task]] = [:]
    public let boot: Boot
    /// System calls by number; nil entries return -ENOSYS (and are reported once).
    let table: [SyscallEntry?]
    /// The table's bodies alone: reading an entry out of `table` copies its name and
    /// argument list too (a retain and release each, on every call).
    let bodies: [SyscallEntry.Run?]
    /// Calls that entered through each path.
    public var entries: [EntryPath: Int] { [.int80: entryCounts.int80, .sysenter: entryCounts.sysenter] }
    private var entryCounts = (int80: 0, sysenter: 0)
    /// Addresses the syscall path compares against on every call, kept out of the
    /// symbol dictionaries they come from (hashing a String per call showed in profiles).
    let stubBase: UInt32, notifyResume: UInt32, sysenterReturn: UInt32
    let sixthArgumentFetch: UInt32, syscallFault: UInt32
    /// Numbers of calls that reached -ENOSYS, each reported once, in the order first
    /// made. (An array: glibc's start-up makes one such call in every program, rseq,
    /// and a `Set` costs a runtime conformance scan the first time it grows.)
    public private(set) var unimplemented: [UInt32] = []
    /// Guest instructions retired by every task so far (`gate run --stats`).
    public internal(set) var instructionsRetired: UInt64 = 0
    /// The CPU exception that killed the process, and where.
    public internal(set) var lastFault: (PendingFault, UInt32)? = nil
    /// Called with a one-line notice (unimplemented calls); stderr by default.
    public var notice: (String) -> Void = { _ in }
    /// Notices already given for parts of calls Gate does not model (a socketcall
    /// operation, a timer clock): each is given once.
    private var noticesGiven: Set<String> = []

    /// Gives `message` through `notice`, the first time only.
    func noticeOnce(_ message: String) {
        if noticesGiven.insert(message).inserted { notice(message) }
    }
    /// Observes each call after its body ran: (path, number, its table entry, the
    /// registers at entry, the result).
    public var syscallObserver: ((EntryPath, UInt32, SyscallEntry?, PtRegs, Int32) -> Void)? = nil
    /// Called before every instruction, user or kernel, when set: the instruction
    /// tracer and the gdb stub. Setting it switches the CPU to single-stepping.
    public var beforeInstruction: ((CPU) -> Void)? = nil
    /// Called when a CPU exception is about to kill the process with `signal`
    /// (the gdb stub reports the stop before the process dies).
    public var onFatalSignal: ((Int32, PendingFault) -> Void)? = nil

    public init(options: Options) throws {
        self.options = options
        guard let memory = GuestMemory() else { throw ExecError.noAddressSpace }
        let cpu = CPU(memory: memory, model: options.model)
        let process = Process(memory: memory, cpu: cpu)
        initial = process
        current = Task(tid: process.pid, process: process)
        process.threads = [current]
        process.activeThread = current
        tasks = [current]
        processes[process.pid] = process
        process.fs.root = options.root
        process.fs.procFS = ProcFiles()
        process.fs.cwd = options.cwd ?? Kernel.startingDirectory(root: options.root)
        // A guest writing to a closed pipe must get EPIPE, not kill the emulator.
        #if canImport(Glibc)
        _ = Glibc.signal(SIGPIPE, SIG_IGN)
        #else
        _ = Darwin.signal(SIGPIPE, SIG_IGN)
        #endif
        process.files.installStandardStreams(stdin: options.stdin, stdout: options.stdout, stderr: options.stderr)
        // The first session's controlling terminal is the one Gate runs on.
        if let tty = (0...2).lazy.compactMap({ process.files.get($0)?.terminalID }).first {
            terminals[tty] = TerminalOwner(session: process.sid, foreground: process.pgid)
        }
        boot = try Boot(memory: memory, cpu: cpu)
        stubBase = boot.entry.stubBase
        notifyResume = boot.entry.notifyResume
        sysenterReturn = boot.vdso.sysenterReturn ?? 0
        sixthArgumentFetch = boot.entry.sixthArgumentFetch
        syscallFault = boot.entry.syscallFault
        process.mm.record(AddressSpace.Area(start: VDSOImage.base, end: VDSOImage.base + 0x1000,
                                            permission: PagePermission.userRead | PagePermission.exec, name: "[vdso]"))
        var t = [SyscallEntry?](repeating: nil, count: Boot.syscallCount)
        for group in SyscallCatalog.groups {
            for e in group where Int(e.number) < t.count { t[Int(e.number)] = e }
        }
        table = t
        bodies = t.map { $0?.run }
        process.kernel = self
    }

    /// The table entry for call `number`, if Gate implements it.
    public func entry(_ number: UInt32) -> SyscallEntry? {
        Int(number) < table.count ? table[Int(number)] : nil
    }

    // MARK: Running

    /// Runs the first process, and every process and thread it starts, until the
    /// first process exits or is killed (Scheduler.swift).
    ///
    /// With `beforeInstruction` set (a tracer or a debugger is attached) the CPU runs
    /// one instruction at a time and the hook sees each one before it executes;
    /// otherwise it runs whole slices through the block cache, and the hooks cost one
    /// test per slice.
    public func run() -> Exit {
        schedule()
    }

    func exitIfDone() -> Exit? {
        guard let status = initial.exitStatus else { return nil }
        return status & 0x7f == 0 ? .exited(status >> 8) : .signaled(status & 0x7f)
    }

    /// What the kernel does when the CPU stops: a halted stub is a system call (or a
    /// trap gate); an exception at CPL 0 goes through the exception table; one at
    /// CPL 3 becomes the signal Linux would send.
    func handle(_ stop: StopReason) -> Exit? {
        switch stop {
        case .budgetExhausted:
            return nil
        case .halted:
            kernelHalt(at: current.process.cpu.eip &- 1)
            return nil
        default:
            return handleException(stop)
        }
    }

    /// The rarer stops: CPU exceptions, unexpected interrupts and instructions.
    private func handleException(_ stop: StopReason) -> Exit? {
        let cpu = process.cpu
        switch stop {
        case .budgetExhausted, .halted, .serviced:
            return nil
        case .exception(let f):
            if cpu.cpl == 0 {
                // The exception table (__ex_table): a fault fetching the sixth
                // argument from the user stack becomes -EFAULT.
                if f.vector == Vector.pageFault && cpu.eip == sixthArgumentFetch {
                    cpu.eip = syscallFault
                    return nil
                }
                if f.vector == Vector.debug {
                    kernelDebugTrap()
                    return nil
                }
                return kernelOops("exception \(f.vector) at \(hex(cpu.eip)) (address \(hex(f.address)))")
            }
            userException(f)        // Signals/Traps.swift
            return nil
        case .softwareInterrupt(let v):
            return kernelOops("unexpected software interrupt \(v)")
        case .unsupported(let what):
            return kernelOops("unsupported privileged instruction (\(what)) at \(hex(cpu.eip))")
        }
    }

    /// The CPU halted in a stub: run the Swift body it stands for.
    /// `CPU.HaltService` for this kernel, which the context names (unretained): runs
    /// the `hlt` without the CPU leaving `run` (`kernelHalt`).
    static let haltService: CPU.HaltService = { context, address in
        Unmanaged<Kernel>.fromOpaque(context!)._withUnsafeGuaranteedRef { $0.kernelHalt(at: address) }
    }

    /// Runs the `hlt` at `address` in the kernel's entry text: a system call's body,
    /// the signal path, or a trap's stub. Returns whether the task that made it goes
    /// straight on: a call that finished, with the task still running in the same
    /// process image and nothing for the scheduler to do first.
    @discardableResult
    func kernelHalt(at address: UInt32) -> Bool {
        // The task `runSlice` is running is held there for the whole slice: borrowed
        // from it, the task and its process (a `let`) need no retain and release each
        // around the call, two atomic pairs that were a tenth of a short call's time.
        if let slice = sliceTask, slice.toOpaque() == Unmanaged.passUnretained(current).toOpaque() {
            return slice._withUnsafeGuaranteedRef { kernelHalt(at: address, task: $0) }
        }
        return kernelHalt(at: address, task: current)
    }

    /// `kernelHalt` for `task`, the current one. The CPU is known by its state, which
    /// needs no retain; the CPU itself stays alive in `runSlice` even if the call
    /// replaces it.
    private func kernelHalt(at address: UInt32, task: Task) -> Bool {
        let process = task.process
        let state = process.cpu.state
        if address >= stubBase && address < notifyResume {
            let number = (address - stubBase) / 4
            let regsAddress = state.pointee.gpr.4 &+ 4   // above the return address of the call
            // The body needs the arguments and the path the return EIP; the whole frame
            // is read only for an observer (PtRegs). They are read through the CPU's
            // pointer to guest memory, which costs no retain of the memory object.
            let guest = UnsafeRawPointer(state.pointee.mem)
            let path: EntryPath
            if PtRegs.word(PtRegs.EIP, in: guest, at: regsAddress) == sysenterReturn {
                path = .sysenter; entryCounts.sysenter += 1
            } else {
                path = .int80; entryCounts.int80 += 1
            }
            let result = runBody(number: number, regsAddress: regsAddress,
                                 args: PtRegs.arguments(in: guest, at: regsAddress), process: process)
            if let wait = task.blockRequest {
                // The call sleeps: the CPU stays halted in the stub until it is woken.
                task.blockRequest = nil
                park(task, wait, call: (path, number, regsAddress))
                return false
            }
            finishCall(task, path: path, number: number, regsAddress: regsAddress, result: result)
            // CPU timers are charged between runs (Scheduler.runSlice): with one armed,
            // each call goes back to the scheduler, as a call that arms one must.
            return current === task && task.state == .runnable && !task.yieldRequested
                && process.exitStatus == nil && process.cpu.state == state
                && process.virtualTimer == nil && process.profTimer == nil
        } else if address == notifyResume {
            // do_notify_resume(regs): EAX holds the pt_regs frame's address.
            doSignal(regsAt: state.pointee.gpr.0)
        } else if let vector = EntryText.trapVectors.first(where: { boot.entry.trapStub($0) == address }) {
            trapGate(vector: Int32(vector))
        } else {
            process.exitStatus = kernelOopsStatus("hlt at \(hex(address))")
        }
        return false
    }

    /// Runs call `number`'s body for the current task; -ENOSYS when Gate has none.
    func runBody(number: UInt32, regsAddress: UInt32,
                 args: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32), process: Process? = nil) -> Int32 {
        if let body = bodies[Int(number)] {
            var context = SyscallContext(process: process ?? self.process, number: number, args: args)
            context.regsAddress = regsAddress
            return body(context)
        }
        if !unimplemented.contains(number) {
            unimplemented.append(number)
            notice("gate: system call \(number) is not implemented (-ENOSYS)")
        }
        return Errno.ENOSYS.negated
    }

    /// The call is done: its result goes into EAX (which the stub stores into the
    /// frame), the observers see it, and TIF_SIGPENDING follows the pending signals.
    func finishCall(_ task: Task, path: EntryPath, number: UInt32, regsAddress: UInt32, result: Int32) {
        task.callDeadline = nil
        task.transferred = 0
        if task.execed {
            // execve succeeded: the new program's registers are already in place.
            task.execed = false
            if let observe = syscallObserver {
                observe(path, number, table[Int(number)], PtRegs(memory: task.process.memory, at: regsAddress), 0)
            }
            return
        }
        task.process.cpu.setRegister(.eax, UInt32(bitPattern: result))
        if let observe = syscallObserver {
            observe(path, number, table[Int(number)], PtRegs(memory: task.process.memory, at: regsAddress), result)
        }
        if task.process.signals.pending != 0 { updateSignalPending() }
    }

    /// A kernel bug: report it and kill the process with SIGKILL.
    func kernelOops(_ what: String) -> Exit {
        _ = kernelOopsStatus(what)
        return .signaled(9)
    }

    func kernelOopsStatus(_ what: String) -> Int32 {
        notice("gate: kernel oops: \(what)")
        return 9
    }

    func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
}

