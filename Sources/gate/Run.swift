#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import IA32
import Linux

extension Gate {
    /// `gate run [--cpu MODEL] [--root DIR] PROGRAM [ARGS…]`
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run an i386 Linux program.",
            discussion: """
                Exits with the program's status, or 128+N when signal N killed it. \
                A file that cannot be run gives a one-line error and status 126 (or 127 \
                when it does not exist).
                """)

        @Option(help: "CPU model (see `gate cpus`); decides int $0x80 or sysenter in the vDSO.")
        var cpu: String = CPUModel.default.name

        @Option(help: "Directory holding the guest's root filesystem (ld-linux.so.2 and libraries).")
        var root: String = "/"

        @Flag(help: "Print how many system calls entered through each path when the program ends.")
        var stats = false

        @Flag(name: .shortAndLong, help: "Report system calls Gate does not implement (they return -ENOSYS).")
        var verbose = false

        @Flag(help: "Log every system call in strace's format, tagged with its entry path (also GATE_STRACE=1).")
        var strace = false

        @Option(help: "Write the --strace log to this file instead of standard error.")
        var straceFile: String?

        @Option(help: "Wait for gdb on this TCP port of 127.0.0.1 (or unix socket path) before running; debug the program remotely.")
        var gdb: String?

        @Flag(help: "With --gdb, let breakpoints and single steps stop in the kernel entry text at CPL 0 too.")
        var gdbKernel = false

        @Option(help: ArgumentHelp("Trace instructions as objdump prints them, with their CPL.",
                                   discussion: "syscall: every system call's way through the gate; syscall:N: the N-th; syscall:NAME: calls of that name; all: everything; START-END or START+LEN: an address range (hex with 0x)."))
        var trace: String?

        @Option(help: "Write the --trace output to this file instead of standard error.")
        var traceFile: String?

        @Argument(help: "The program to run.")
        var program: String

        @Argument(parsing: .captureForPassthrough, help: "Arguments for the program.")
        var arguments: [String] = []

        func run() throws {
            guard let model = CPUModel.named(cpu) else {
                throw ValidationError("unknown CPU model '\(cpu)'; see `gate cpus`")
            }
            let request = RunRequest(model: model, root: root, stats: stats, verbose: verbose, strace: strace,
                                     straceFile: straceFile, gdb: gdb, gdbKernel: gdbKernel, trace: trace,
                                     traceFile: traceFile, program: program, arguments: arguments)
            throw ExitCode(try request.execute())
        }
    }
}

/// What `gate run` was asked to do, apart from how it was parsed: the parsed command
/// and the start-up fast path (`FastRun`) both hand one of these over.
struct RunRequest {
    var model: CPUModel = .default
    var root: String = "/"
    var stats = false
    var verbose = false
    var strace = false
    var straceFile: String? = nil
    var gdb: String? = nil
    var gdbKernel = false
    var trace: String? = nil
    var traceFile: String? = nil
    var program: String
    var arguments: [String] = []

    /// Runs the program; returns the status `gate run` exits with.
    func execute() throws -> Int32 {
        var options = Kernel.Options()
        options.model = model
        options.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        // In the host's order, as execve passes it on (a guest `env` prints what a native
        // one does).
        options.environment = environmentStrings()
        let kernel: Kernel
        var straceLog: LineWriter?
        do {
            kernel = try Kernel(options: options)
            if verbose { kernel.notice = { printError($0) } }
            if strace || straceFile != nil || getenv("GATE_STRACE").map({ String(cString: $0) }) == "1" {
                let log: LineWriter
                if let straceFile {
                    guard let w = LineWriter(path: straceFile) else { fail("\(straceFile): cannot write", status: 1) }
                    log = w
                } else {
                    log = LineWriter(fd: 2, unbuffered: true)
                }
                straceLog = log
                let formatter = StraceFormatter()
                // The calling process's memory: with fork and execve it changes.
                kernel.syscallObserver = { [unowned kernel] path, number, entry, regs, result in
                    log.line(formatter.line(path: path, entry: entry, number: number, regs: regs,
                                            result: result, memory: kernel.process.memory))
                }
            }
            try kernel.exec(path: program, arguments: [program] + arguments)
        } catch let e as ExecError {
            fail(e.description, status: e.shellStatus)
        }
        var tracer: (InstructionTracer, LineWriter)?
        if let trace {
            guard let selection = InstructionTracer.Selection(trace) else {
                fail("--trace \(trace): expected syscall, syscall:N, syscall:NAME, all, START-END or START+LEN", status: 2)
            }
            if gdb != nil { fail("--trace and --gdb cannot be used together", status: 2) }
            let out: LineWriter
            if let traceFile {
                guard let w = LineWriter(path: traceFile) else { fail("\(traceFile): cannot write", status: 1) }
                out = w
            } else {
                out = LineWriter(fd: 2)
            }
            let t = InstructionTracer(kernel: kernel, selection: selection) { out.line($0) }
            t.attach()
            tracer = (t, out)
        }
        var gdbStub: GDBStub?
        if let gdb {
            do {
                gdbStub = try GDBStub.listen(gdb, kernel: kernel, kernelStepping: gdbKernel) {
                    printError($0)
                }
            } catch let e as GDBTransportError {
                fail(e.description, status: 1)
            }
        }
        // Ctrl-C and friends go to the guest's foreground process group.
        if gdbStub == nil { kernel.forwardHostSignals() }
        let exit = kernel.run()
        tracer?.1.flush()
        straceLog?.flush()
        gdbStub?.finish(exit)
        if case .signaled(let sig) = exit, let (f, eip) = kernel.lastFault {
            let what = format("vector %d, error 0x%x, at eip 0x%08x, address 0x%08x", f.vector, f.errorCode, eip, f.address)
            printError("gate: \(program): killed by signal \(sig) (\(what))")
        }
        if stats {
            let counts = Kernel.EntryPath.allCases.map { "\($0.rawValue) \(kernel.entries[$0, default: 0])" }
            printError("gate: guest instructions retired: \(kernel.instructionsRetired)")
            printError("gate: system calls by entry path: \(counts.joined(separator: ", "))")
            if !kernel.unimplemented.isEmpty {
                let list = kernel.unimplemented.sorted().map(String.init).joined(separator: ", ")
                printError("gate: not implemented (returned -ENOSYS): \(list)")
            }
        }
        // `gate` exits right after this: the machine is left for the host to take down
        // with the process. Releasing it object by object (the block pool, the syscall
        // table's closures, every descriptor) cost about 250,000 instructions per run.
        RunRequest.finished = kernel
        return exit.shellStatus
    }

    /// The last machine run, kept alive until the process exits.
    nonisolated(unsafe) static var finished: Kernel?
}
