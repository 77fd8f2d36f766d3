import IA32

/// A static i386 program in its own address space, run by the interpreter with only
/// the system calls a libc-free program needs: write(2), exit(2) and exit_group(2),
/// taken straight from `int $0x80` (no kernel entry path). Every other call returns
/// -ENOSYS. It is the stage before the kernel model, and the shortest way to run
/// a `-nostdlib` test program.
public final class BareProcess {
    public let memory: GuestMemory
    public let cpu: CPU
    public let image: ELFLoader.Image
    /// Bytes the program wrote, per file descriptor (when no `sink` is set).
    public private(set) var output: [Int32: [UInt8]] = [:]
    /// Where write(2) goes; by default into `output`.
    public var sink: ((Int32, [UInt8]) -> Void)? = nil
    /// Calls that reached the -ENOSYS default, by number.
    public private(set) var unimplemented: [UInt32] = []

    public static let stackTop: UInt32 = 0xc000_0000
    public static let stackSize: UInt32 = 8 << 20

    public enum Exit: Equatable {
        case exited(Int32)
        /// Killed by the signal Linux would send for the CPU exception.
        case signaled(Int32, PendingFault)

        /// The status a shell reports: the exit code, or 128 + signal.
        public var shellStatus: Int32 {
            switch self {
            case .exited(let c): return c & 0xff
            case .signaled(let s, _): return 128 + s
            }
        }
    }

    public convenience init(executable bytes: [UInt8], arguments: [String], model: CPUModel = .default) throws {
        let elf = try ELFFile(bytes)
        guard let memory = GuestMemory() else { throw ELFError.badSegment("cannot reserve 4 GiB of address space") }
        let image = try ELFLoader.load(elf, into: memory)
        self.init(memory: memory, image: image, arguments: arguments, model: model)
    }

    /// A flat program image: `code` mapped read/write/execute at `address`, entered there.
    public convenience init?(code: [UInt8], at address: UInt32, arguments: [String], model: CPUModel = .default) {
        guard let memory = GuestMemory() else { return nil }
        let length = (UInt32(code.count) + 0xfff) & ~0xfff
        memory.map(address, length: length, permission: PagePermission.userWrite | PagePermission.exec)
        memory.poke(address, code)
        let image = ELFLoader.Image(entry: address, phdr: 0, phnum: 0, bias: 0, end: address + length)
        self.init(memory: memory, image: image, arguments: arguments, model: model)
    }

    private init(memory: GuestMemory, image: ELFLoader.Image, arguments: [String], model: CPUModel) {
        self.memory = memory
        self.image = image
        cpu = CPU(memory: memory, model: model)
        memory.map(BareProcess.stackTop - BareProcess.stackSize, length: BareProcess.stackSize,
                   permission: PagePermission.userWrite)
        // Linux 2.6's system gates (DPL 3): int3, into, bound, and the system call.
        cpu.handInterruptsToHost(userGates: [3, 4, 5, 0x80])
        cpu.eip = image.entry
        cpu.setRegister(.esp, buildStack(arguments))
    }

    /// argc, argv, an empty environment and a short auxiliary vector.
    private func buildStack(_ args: [String]) -> UInt32 {
        var sp = BareProcess.stackTop
        var argv: [UInt32] = []
        for a in args {
            let bytes = Array(a.utf8) + [0]
            sp -= UInt32(bytes.count)
            memory.poke(sp, bytes)
            argv.append(sp)
        }
        sp &= ~0xf
        let auxv: [UInt32] = [6, 4096, 9, image.entry, 3, image.phdr, 4, 32, 5, image.phnum, 0, 0]
        let words: [UInt32] = [UInt32(args.count)] + argv + [0, 0] + auxv
        sp -= UInt32(words.count * 4)
        sp &= ~0xf
        for (n, w) in words.enumerated() { memory.store32(sp + UInt32(n * 4), w) }
        return sp
    }

    /// Runs to exit or a fatal exception.
    public func run() -> Exit {
        while true {
            switch cpu.run(budget: 1 << 30) {
            case .budgetExhausted: continue
            case .softwareInterrupt(0x80):
                if let status = syscall() { return .exited(status) }
            case .softwareInterrupt(let v):
                // int $3 traps like int3; int $4 and int $5 fault like into and bound.
                return .signaled(v == 3 ? 5 : 11, PendingFault(vector: Int32(v), isTrap: true))
            case .exception(let f):
                return .signaled(BareProcess.signal(for: f.vector), f)
            case .halted, .unsupported:
                return .signaled(11, PendingFault(vector: Vector.generalProtection))
            }
        }
    }

    /// The signal Linux's trap handlers send for a CPU exception (arch/i386/kernel/traps.c).
    public static func signal(for vector: Int32) -> Int32 {
        switch vector {
        case Vector.divideError, Vector.fpuError, Vector.deviceNotAvailable: return 8   // SIGFPE
        case Vector.debug, Vector.breakpoint: return 5                                  // SIGTRAP
        case Vector.invalidOpcode: return 4                                             // SIGILL
        case Vector.alignmentCheck: return 7                                            // SIGBUS
        default: return 11                                                              // SIGSEGV
        }
    }

    /// Handles the call in EAX; returns the exit status when the program exits.
    private func syscall() -> Int32? {
        let nr = cpu.register(.eax)
        let a1 = cpu.register(.ebx), a2 = cpu.register(.ecx), a3 = cpu.register(.edx)
        switch nr {
        case 1, 252:
            return Int32(bitPattern: a1)
        case 4:
            guard let bytes = memory.read(a2, count: Int(a3)) else {
                cpu.setRegister(.eax, UInt32(bitPattern: -14))   // -EFAULT
                return nil
            }
            if let sink { sink(Int32(bitPattern: a1), bytes) } else {
                output[Int32(bitPattern: a1), default: []].append(contentsOf: bytes)
            }
            cpu.setRegister(.eax, a3)
        default:
            unimplemented.append(nr)
            cpu.setRegister(.eax, UInt32(bitPattern: -38))       // -ENOSYS
        }
        return nil
    }
}
