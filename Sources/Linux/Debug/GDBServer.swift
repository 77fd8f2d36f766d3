import IA32

/// `gate run --gdb`: a GDB remote-serial-protocol stub for the one guest process.
///
/// The stub lives in the kernel's two debugging hooks. `beforeInstruction` runs before
/// every instruction; there the stub decides whether to stop (the first instruction,
/// a breakpoint, the end of a single step, a watched variable changed, an interrupt
/// from the debugger, a guest `int3`) and, when stopped, answers packets synchronously
/// until gdb resumes the program. `onFatalSignal` reports the signal a CPU exception is about to kill the
/// process with, so gdb sees the SIGSEGV before the process is gone; `finish` reports
/// the exit.
///
/// Without `kernelStepping` the kernel is invisible: breakpoints and steps only stop at
/// CPL 3, so stepping over `sysenter` or `int $0x80` runs the whole system call and stops
/// on the user instruction it returns to. With it, kernel entry text at CPL 0 can be
/// stepped and broken in like any other code.
///
/// The debugger going away — `D`, `k`, or a dropped connection — removes the hooks: the
/// program then runs on at full speed (or is killed, for `k`).
public final class GDBStub {
    public let kernel: Kernel
    public let kernelStepping: Bool
    let transport: GDBTransport

    /// How the program goes on after a stop.
    enum Resume: Equatable {
        /// Continue, or execute one instruction; with a Linux signal to deliver.
        case go(step: Bool, signal: Int32?)
        case detach, kill
        /// The connection ended without `D` or `k`.
        case disconnected
    }

    /// What one packet asks of the stub.
    enum Response: Equatable {
        case reply([UInt8])
        /// Stop answering and resume; `reply` first, if any (`OK` for `D`).
        case resume(Resume, reply: String?)

        static func text(_ s: String) -> Response { .reply(Array(s.utf8)) }
    }

    /// Instructions between looks at the socket for an interrupt while running (a power
    /// of two).
    static let pollInterval = 1024
    /// Largest memory transfer per packet; gdb splits larger ones (PacketSize is 0x4000).
    static let maximumTransfer = 0x1f00

    /// `Z0`/`Z1` breakpoints: checked against EIP before each instruction, so guest
    /// memory is never patched.
    var breakpoints: Set<UInt32> = [] { didSet { rearm() } }
    /// Breakpoints gdb planted by writing an `int3` byte with `M`/`X` (when it does not
    /// use `Z0`): address → the byte it replaced. The write is kept here instead of in
    /// memory and the address acts as a breakpoint, so the guest never executes the int3.
    var writtenBreakpoints: [UInt32: UInt8] = [:] { didSet { rearm() } }
    /// `Z2` write watchpoints: the watched bytes as last seen. The program runs one
    /// instruction at a time under the stub anyway, so comparing them before each
    /// instruction catches the instruction (or system call) that changed them, and the
    /// stop comes after it, as a debug-register watchpoint's trap does.
    var watchpoints: [GDBWatchpoint: [UInt8]] = [:] { didSet { rearm() } }
    var registers: GDBRegisterAccess
    var decoder = GDBPacketDecoder()
    /// Packets that arrived while the program ran, answered at the next stop.
    var queued: [GDBInput] = []
    var noAck = false
    var lastFrame: [UInt8] = []
    /// The answer to `?`: nil until the first stop is reported (the initial stop's
    /// reply is made when gdb asks, after it has said which thread-id form it wants).
    var lastStopReply: String?
    /// gdb speaks the multiprocess extensions: thread ids are `pPID.TID`.
    var multiprocess = false
    var hostFiles = GDBHostFiles()
    /// Stop before the next (visible) instruction: a single step is in progress.
    var stepping = false { didSet { rearm() } }
    var interruptRequested = false { didSet { rearm() } }
    var initialStop = true { didSet { rearm() } }

    /// Hooks that were installed before the stub's (the instruction tracer), kept
    /// running and restored on detach.
    var previousBeforeInstruction: ((CPU) -> Void)?
    var previousFatalSignal: ((Int32, PendingFault) -> Void)?
    public private(set) var isAttached = false

    /// What the per-instruction check reads, in one struct so that it costs one access
    /// to the stub (each read of a class's stored property is an exclusivity check).
    struct Armed {
        /// A stop is due at the next visible instruction: the initial stop, the end of a
        /// step, an interrupt.
        var attention = true
        /// Bit (address mod 64) set for each breakpoint: most instructions are ruled
        /// out without hashing.
        var breakpointMask: UInt64 = 0
        var watching = false
    }
    var armed = Armed()

    func rearm() {
        var w = Armed(attention: initialStop || stepping || interruptRequested, watching: !watchpoints.isEmpty)
        for a in breakpoints { w.breakpointMask |= 1 << (a & 63) }
        for a in writtenBreakpoints.keys { w.breakpointMask |= 1 << (a & 63) }
        armed = w
    }

    /// The single thread's id in packets: the process id, in hex (as process and
    /// thread with the multiprocess extensions).
    var threadID: String {
        let pid = String(kernel.process.pid, radix: 16)
        return multiprocess ? "p\(pid).\(pid)" : pid
    }

    public init(kernel: Kernel, transport: GDBTransport, kernelStepping: Bool = false) {
        self.kernel = kernel
        self.transport = transport
        self.kernelStepping = kernelStepping
        registers = GDBRegisterAccess(cpu: kernel.process.cpu)
    }

    /// Installs the hooks. The program stops before its first instruction, where gdb's
    /// connection sequence is answered when `Kernel.run` starts.
    public func attach() {
        guard !isAttached else { return }
        isAttached = true
        previousBeforeInstruction = kernel.beforeInstruction
        previousFatalSignal = kernel.onFatalSignal
        kernel.beforeInstruction = { [self] cpu in beforeInstruction(cpu) }
        kernel.onFatalSignal = { [self] signal, fault in fatalSignal(signal, fault) }
    }

    /// Tells gdb how the program ended (`W` exit code, `X` signal) and hangs up.
    public func finish(_ exit: Kernel.Exit) {
        guard isAttached else { return }
        var reply: String
        switch exit {
        case .exited(let code): reply = "W" + GDBPacket.hex([UInt8(truncatingIfNeeded: code)])
        case .signaled(let s): reply = "X" + GDBPacket.hex([GDBSignal.gdb(fromLinux: s)])
        }
        if multiprocess { reply += ";process:" + String(kernel.process.pid, radix: 16) }
        lastStopReply = reply
        send(reply)
        // gdb acknowledges the reply and hangs up; waiting for that (briefly) rather
        // than closing at once lets it read the exit instead of a reset connection.
        var idle = 0
        while idle < 20, !transport.isClosed {
            guard transport.waitReadable(milliseconds: 100) else { idle += 1; continue }
            guard let b = transport.readByte() else { break }
            switch decoder.feed(b) {
            case .packet(let p)?:
                if !noAck { transport.write([UInt8(ascii: "+")]) }
                if p.first == UInt8(ascii: "?") { send(reply) }
                else if p.first == UInt8(ascii: "D") || p.first == UInt8(ascii: "k") { send("OK"); idle = 20 }
                else { send("E01") }        // nothing left to debug
            case .badChecksum?:
                if !noAck { transport.write([UInt8(ascii: "-")]) }
            default:
                break
            }
        }
        detach()
    }

    // MARK: Hooks

    func beforeInstruction(_ cpu: CPU) {
        // The retired-instruction count paces the polls without a counter of its own.
        if cpu.instructionCount & UInt64(GDBStub.pollInterval - 1) == 0 { checkForInterrupt() }
        let w = armed
        if (w.attention || w.watching || w.breakpointMask & 1 << (cpu.eip & 63) != 0 || guestInt3(cpu))
            && isAttached && (cpu.cpl == 3 || kernelStepping) {
            // The outer optional says whether to stop, the inner one what to report
            // (nothing at the initial stop: gdb asks for it with `?`).
            var stop: String??
            if initialStop {
                initialStop = false
                stop = .some(nil)
            } else if let r = stopReplyIfStopping(cpu) {
                stop = r
            }
            while let reply = stop, isAttached {
                stop = nil
                let resume = serve(stopReply: reply)
                apply(resume, cpu)
                // Resuming onto an int3 the program itself contains traps at once.
                if case .go = resume, isAttached, guestInt3(cpu) { stop = trapOnGuestInt3(cpu) }
            }
        }
        previousBeforeInstruction?(cpu)
    }

    /// Whether to stop before this instruction, and the stop reply if so.
    func stopReplyIfStopping(_ cpu: CPU) -> String? {
        let eip = cpu.eip
        if let changed = changedWatchpoint() { return stopReply(5, cpu, breakpoint: false, watch: changed) }
        if stepping { return stopReply(5, cpu, breakpoint: false) }
        if (!breakpoints.isEmpty && breakpoints.contains(eip)) ||
            (!writtenBreakpoints.isEmpty && writtenBreakpoints[eip] != nil) {
            return stopReply(5, cpu, breakpoint: true)
        }
        if interruptRequested { return stopReply(2, cpu, breakpoint: false) }
        if guestInt3(cpu) { return trapOnGuestInt3(cpu) }
        return nil
    }

    /// The first watchpoint whose bytes differ from the last look (updating it).
    func changedWatchpoint() -> UInt32? {
        guard !watchpoints.isEmpty else { return nil }
        let memory = kernel.process.memory
        for (w, old) in watchpoints {
            // An unmapped range reads as empty: mapping or unmapping it is a change too.
            let now = memory.read(w.address, count: Int(w.length), need: PagePermission.read) ?? []
            if now != old {
                watchpoints[w] = now
                return w.address
            }
        }
        return nil
    }

    /// An `int3` in the program's own code (never one of gdb's: those are kept in the
    /// stub), about to execute at CPL 3.
    func guestInt3(_ cpu: CPU) -> Bool {
        guard cpu.cpl == 3 else { return false }
        let eip = cpu.eip
        let memory = kernel.process.memory
        // Checked before every instruction: one permission byte and one load.
        return memory.permission(at: eip) & PagePermission.userRead == PagePermission.userRead
            && memory.base.load(fromByteOffset: Int(eip), as: UInt8.self) == 0xcc
    }

    /// What Linux does for an int3 under ptrace: the trap leaves EIP after the int3 and
    /// the tracer sees SIGTRAP; continuing without the signal goes on after it.
    func trapOnGuestInt3(_ cpu: CPU) -> String {
        cpu.eip &+= 1
        return stopReply(5, cpu, breakpoint: false)
    }

    func fatalSignal(_ signal: Int32, _ fault: PendingFault) {
        previousFatalSignal?(signal, fault)
        guard isAttached else { return }
        let cpu = kernel.process.cpu
        // The process dies whatever gdb answers: the kernel has decided. A later
        // `finish` reports the death as `X`.
        apply(serve(stopReply: stopReply(GDBSignal.gdb(fromLinux: signal), cpu, breakpoint: false)), cpu)
    }

    /// Carries out gdb's decision after a stop.
    func apply(_ resume: Resume, _ cpu: CPU) {
        stepping = false
        interruptRequested = false
        switch resume {
        case .go(let step, let signal):
            stepping = step
            // No signal handlers are delivered to yet: passing a signal whose default
            // action is fatal ends the process with it; others change nothing.
            if let s = signal, !GDBSignal.ignoredByDefault.contains(s) {
                kernel.process.exitStatus = s
            }
        case .kill:
            kernel.process.exitStatus = 9
            detach()
        case .detach, .disconnected:
            detach()
        }
    }

    /// Removes the hooks (restoring any that were there before) and hangs up.
    func detach() {
        guard isAttached else { return }
        isAttached = false
        hostFiles.closeAll()
        kernel.beforeInstruction = previousBeforeInstruction
        kernel.onFatalSignal = previousFatalSignal
        transport.close()
    }

    /// A non-blocking look at the socket while the program runs: 0x03 asks for a stop;
    /// a closed connection detaches.
    func checkForInterrupt() {
        guard isAttached else { return }
        switch transport.poll() {
        case .nothing:
            break
        case .closed:
            detach()
        case .bytes(let bytes):
            for b in bytes {
                guard let input = decoder.feed(b) else { continue }
                switch input {
                case .interrupt: interruptRequested = true
                case .packet, .badChecksum: queued.append(input)
                case .ack, .nack: break
                }
            }
        }
    }

    /// `T` stop reply: the signal, the watchpoint that fired, the registers gdb needs
    /// first (esp, ebp, eip), the thread, and `swbreak` when a software breakpoint was
    /// hit (so gdb does not adjust the pc as it would after an executed int3).
    func stopReply(_ gdbSignal: UInt8, _ cpu: CPU, breakpoint: Bool, watch: UInt32? = nil) -> String {
        var s = "T" + GDBPacket.hex([gdbSignal])
        if let watch { s += "watch:" + String(watch, radix: 16) + ";" }
        for r in [GDBRegister.general(.esp), .general(.ebp), .eip] {
            s += GDBPacket.hex([UInt8(GDBRegister.number(of: r))]) + ":" + GDBPacket.hex(registers.read(r)) + ";"
        }
        s += "thread:\(threadID);"
        if breakpoint { s += "swbreak:;" }
        return s
    }

    // MARK: Serving packets

    /// Sends a stop reply (none for the initial stop: gdb asks with `?`) and answers
    /// packets until one resumes the program or the connection ends.
    func serve(stopReply: String?) -> Resume {
        if let s = stopReply {
            lastStopReply = s
            send(s)
        }
        while true {
            guard let input = nextInput() else { return .disconnected }
            switch input {
            case .ack, .interrupt:
                continue
            case .nack:
                transport.write(lastFrame)
            case .badChecksum:
                if !noAck { transport.write([UInt8(ascii: "-")]) }
            case .packet(let data):
                if !noAck { transport.write([UInt8(ascii: "+")]) }
                switch respond(to: data) {
                case .reply(let r):
                    send(r)
                case .resume(let r, let reply):
                    if let reply { send(reply) }
                    return r
                }
            }
            if transport.isClosed { return .disconnected }
        }
    }

    func nextInput() -> GDBInput? {
        if !queued.isEmpty { return queued.removeFirst() }
        while let b = transport.readByte() {
            if let input = decoder.feed(b) { return input }
        }
        return nil
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ data: [UInt8]) {
        lastFrame = GDBPacket.frame(data)
        transport.write(lastFrame)
    }
}

/// A watched range of guest memory.
struct GDBWatchpoint: Hashable {
    let address: UInt32
    let length: UInt32
}

extension GDBStub {
    /// Listens on `spec` (`--gdb`'s argument: a port, or a unix socket path), says where
    /// through `announce`, waits for one debugger and attaches to `kernel`'s process.
    public static func listen(_ spec: String, kernel: Kernel, kernelStepping: Bool,
                              announce: (String) -> Void) throws -> GDBStub {
        guard let address = GDBAddress(spec) else {
            throw GDBTransportError(description: "--gdb \(spec): expected a port number or a unix socket path")
        }
        let listener = try GDBListener(address)
        announce("gate: waiting for gdb on \(listener.address)")
        let stub = GDBStub(kernel: kernel, transport: try listener.accept(), kernelStepping: kernelStepping)
        stub.attach()
        return stub
    }
}
