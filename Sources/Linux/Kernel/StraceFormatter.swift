import IA32

/// Formats one system call the way strace prints it — `openat(AT_FDCWD, "/etc/passwd",
/// O_RDONLY) = 3`, `read(3, "root:x:0:0"..., 4096) = 1234`, `= -1 ENOENT (No such file
/// or directory)` — from the same declarative table that dispatches it, tagged with the
/// path the call came in by.
public struct StraceFormatter {
    /// Strings longer than this are cut with `...` (strace's default `-s 32`).
    public var stringLimit = 32

    public init() {}

    /// The line for a call that returned `result` (the memory is read after the call,
    /// so output buffers show what the call wrote).
    public func line(path: Kernel.EntryPath, entry: SyscallEntry?, number: UInt32, regs: PtRegs,
                     result: Int32, memory: GuestMemory, pid: Int32? = nil) -> String {
        let args = [regs.ebx, regs.ecx, regs.edx, regs.esi, regs.edi, regs.ebp]
        var prefix = "[\(path.rawValue)] "
        if let pid { prefix = "[pid \(pid)] " + prefix }
        guard let entry else {
            return prefix + StraceFormatter.align("syscall_\(number)(" + args.prefix(3).map(hex).joined(separator: ", ") + ")")
                + "= -1 ENOSYS (Function not implemented)"
        }
        var (name, kinds, values) = (entry.name, entry.args, args)
        // i386's socketcall multiplexer: strace shows the operation as its own call.
        if name == "socketcall", let op = SocketSyscalls.operation(args[0]),
           let raw = memory.read(args[1], count: op.args.count * 4, need: PagePermission.userRead) {
            (name, kinds) = (op.name, op.args)
            values = (0..<op.args.count).map { GuestLayout.u32(raw, $0 * 4) } + [UInt32](repeating: 0, count: 6)
        }
        var shown: [String] = []
        for (i, kind) in kinds.enumerated() where i < 6 {
            shown.append(format(kind, values[i], args: values, result: result, memory: memory))
        }
        // exit and exit_group do not return.
        let outcome = name == "exit" || name == "exit_group" ? "?" : formatResult(entry, result)
        return prefix + StraceFormatter.align("\(name)(\(shown.joined(separator: ", ")))") + "= " + outcome
    }

    /// strace starts the result at column 40 (its `acolumn`), or one space after a
    /// longer call.
    static func align(_ call: String) -> String {
        call.count >= 40 ? call + " " : call + String(repeating: " ", count: 40 - call.count)
    }

    func formatResult(_ entry: SyscallEntry, _ result: Int32) -> String {
        if result < 0 && result >= -4095 {
            if let e = Errno(rawValue: -result) { return "-1 \(e.name) (\(e.message))" }
            return "-1 errno \(-result)"
        }
        switch entry.name {
        case "mmap", "mmap2", "brk", "mremap", "shmat": return hex(UInt32(bitPattern: result))
        default: return String(result)
        }
    }

    func hex(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
    func pointer(_ v: UInt32) -> String { v == 0 ? "NULL" : hex(v) }

    /// A C string literal of `bytes`, cut at `stringLimit` with `...`.
    func quote(_ bytes: [UInt8], truncated: Bool = false) -> String {
        var s = "\""
        for b in bytes.prefix(stringLimit) {
            switch b {
            case 0x22: s += "\\\""
            case 0x5c: s += "\\\\"
            case 0x0a: s += "\\n"
            case 0x09: s += "\\t"
            case 0x0d: s += "\\r"
            case 0x20...0x7e: s.append(Character(UnicodeScalar(b)))
            default: s += "\\" + String(b, radix: 8)
            }
        }
        s += "\""
        if bytes.count > stringLimit || truncated { s += "..." }
        return s
    }

    func format(_ kind: SyscallArg, _ v: UInt32, args: [UInt32], result: Int32, memory: GuestMemory) -> String {
        let signed = Int32(bitPattern: v)
        switch kind {
        case .int, .fd: return String(signed)
        case .dirfd: return signed == -100 ? "AT_FDCWD" : String(signed)
        case .uint, .size, .offset: return String(v)
        case .hex: return hex(v)
        case .pointer, .sigaction, .timespec, .statBuffer, .structure: return pointer(v)
        case .path, .string:
            guard v != 0 else { return "NULL" }
            guard let raw = memory.readCString(v, max: 4096, need: PagePermission.userRead) else { return hex(v) }
            return quote(raw)
        case .inBuffer(let n):
            let count = Int(min(args[n], UInt32(stringLimit + 1)))
            guard let raw = memory.read(v, count: count, need: PagePermission.userRead) else { return hex(v) }
            return quote(raw, truncated: args[n] > UInt32(count))
        case .outBuffer(let n):
            guard result > 0 else { return pointer(v) }
            let count = Int(min(UInt32(result), min(args[n], UInt32(stringLimit + 1))))
            guard let raw = memory.read(v, count: count, need: PagePermission.userRead) else { return hex(v) }
            return quote(raw, truncated: UInt32(result) > UInt32(count))
        case .openFlags: return StraceFlags.open(v)
        case .mode: return "0" + String(v, radix: 8)
        case .accessMode: return StraceFlags.access(v)
        case .atFlags: return StraceFlags.names(v, StraceFlags.at, zero: "0")
        case .whence: return ["SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"].indices.contains(Int(v))
            ? ["SEEK_SET", "SEEK_CUR", "SEEK_END", "SEEK_DATA", "SEEK_HOLE"][Int(v)] : String(v)
        case .signal: return StraceFlags.signal(v)
        case .sigset: return pointer(v)
        case .clockid: return StraceFlags.clocks.indices.contains(Int(v)) ? StraceFlags.clocks[Int(v)] : String(v)
        case .mmapProt: return StraceFlags.names(v, StraceFlags.prot, zero: "PROT_NONE")
        case .mmapFlags: return StraceFlags.names(v, StraceFlags.mmap, zero: "0")
        case .ioctlRequest: return StraceFlags.ioctls[v] ?? hex(v)
        case .fcntlCmd: return StraceFlags.fcntls.indices.contains(Int(v)) ? StraceFlags.fcntls[Int(v)] : String(v)
        case .iovec: return pointer(v)
        case .symbols(let table): return StraceFlags.symbols(v, table)
        case .epollEvent: return epollEvent(at: v, memory: memory)
        case .epollEvents: return epollEvents(at: v, count: result, memory: memory)
        case .sigevent: return sigevent(at: v, memory: memory)
        case .itimerspec(let wide): return itimerspec(at: v, wide: wide, memory: memory)
        case .intsOut(let count): return ints(at: v, count: count, result: result, memory: memory)
        }
    }
}

/// Symbolic names for flag arguments, Linux i386 values.
enum StraceFlags {
    static let at: [(UInt32, String)] = [(0x100, "AT_SYMLINK_NOFOLLOW"), (0x200, "AT_REMOVEDIR"), (0x400, "AT_SYMLINK_FOLLOW"),
                                         (0x800, "AT_NO_AUTOMOUNT"), (0x1000, "AT_EMPTY_PATH")]
    static let prot: [(UInt32, String)] = [(1, "PROT_READ"), (2, "PROT_WRITE"), (4, "PROT_EXEC")]
    static let mmap: [(UInt32, String)] = [(0x01, "MAP_SHARED"), (0x02, "MAP_PRIVATE"), (0x10, "MAP_FIXED"),
                                           (0x20, "MAP_ANONYMOUS"), (0x100, "MAP_GROWSDOWN"), (0x800, "MAP_DENYWRITE"),
                                           (0x1000, "MAP_EXECUTABLE"), (0x2000, "MAP_LOCKED"), (0x4000, "MAP_NORESERVE"),
                                           (0x8000, "MAP_POPULATE"), (0x10000, "MAP_NONBLOCK"), (0x20000, "MAP_STACK"),
                                           (0x100000, "MAP_FIXED_NOREPLACE")]
    static let clocks = ["CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID", "CLOCK_THREAD_CPUTIME_ID",
                         "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME"]
    static let fcntls = ["F_DUPFD", "F_GETFD", "F_SETFD", "F_GETFL", "F_SETFL", "F_GETLK", "F_SETLK", "F_SETLKW"]
    static let ioctls: [UInt32: String] = [0x5401: "TCGETS", 0x5402: "TCSETS", 0x5403: "TCSETSW", 0x5404: "TCSETSF",
                                           0x540f: "TIOCGPGRP", 0x5410: "TIOCSPGRP", 0x5413: "TIOCGWINSZ",
                                           0x5414: "TIOCSWINSZ", 0x541b: "FIONREAD", 0x5421: "FIONBIO"]
    static let signals = ["0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
                          "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD",
                          "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ",
                          "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"]

    static func names(_ v: UInt32, _ table: [(UInt32, String)], zero: String) -> String {
        if v == 0 { return zero }
        var rest = v
        var parts: [String] = []
        for (bit, name) in table where v & bit == bit {
            parts.append(name)
            rest &= ~bit
        }
        if rest != 0 { parts.append("0x" + String(rest, radix: 16)) }
        return parts.joined(separator: "|")
    }

    static func open(_ v: UInt32) -> String {
        let access = ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"][Int(v & 3)]
        let rest = names(v & ~3, [(0o100, "O_CREAT"), (0o200, "O_EXCL"), (0o400, "O_NOCTTY"), (0o1000, "O_TRUNC"),
                                  (0o2000, "O_APPEND"), (0o4000, "O_NONBLOCK"), (0o10000, "O_DSYNC"),
                                  (0o100000, "O_LARGEFILE"), (0o200000, "O_DIRECTORY"), (0o400000, "O_NOFOLLOW"),
                                  (0o1000000, "O_NOATIME"), (0o2000000, "O_CLOEXEC"), (0o10000000, "O_PATH")], zero: "")
        return rest.isEmpty ? access : access + "|" + rest
    }

    static func access(_ v: UInt32) -> String {
        v == 0 ? "F_OK" : names(v, [(4, "R_OK"), (2, "W_OK"), (1, "X_OK")], zero: "F_OK")
    }

    static func signal(_ v: UInt32) -> String {
        if Int(v) < signals.count { return signals[Int(v)] }
        return v >= 34 && v <= 64 ? "SIGRT_\(v - 34)" : String(v)
    }
}
