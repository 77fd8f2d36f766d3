#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

/// The socket calls Gate models so far (net/socket.c): socketpair and shutdown, both
/// as their own system calls and through i386's socketcall multiplexer. A socketpair
/// is a host AF_UNIX pair, non-blocking in the host like Gate's pipes: a guest read or
/// write that must wait sleeps in the scheduler, and poll and epoll see it as the
/// host does. Reads and writes go through read(2) and write(2). The other socketcall
/// operations return -ENOSYS and are reported once.
public enum SocketSyscalls {
    public static let entries: [SyscallEntry] = [
        SyscallEntry(102, "socketcall", [.int, .pointer], FileSyscalls.sys(socketcall)),
        SyscallEntry(360, "socketpair", operation(8)!.args, FileSyscalls.sys { c throws(Errno) in
            try socketpair(c, domain: c.arg(0), type: c.arg(1), proto: c.arg(2), pair: c.arg(3))
        }),
        SyscallEntry(373, "shutdown", operation(13)!.args, FileSyscalls.sys { c throws(Errno) in
            try shutdown(c, fd: c.int(0), how: c.arg(1))
        }),
    ]

    /// socketcall's operations Gate implements, as `--strace` names and shows them. (A
    /// switch: every program builds the system-call table at start-up, and a dictionary
    /// keyed by UInt32 would cost it a runtime conformance scan.)
    public static func operation(_ number: UInt32) -> (name: String, args: [SyscallArg])? {
        switch number {
        case 8: return ("socketpair", [.symbols(.socketFamily), .symbols(.socketType), .int, .intsOut(count: 2)])
        case 13: return ("shutdown", [.fd, .symbols(.shutdownHow)])
        default: return nil
        }
    }

    static let afUnix: UInt32 = 1, afMax: UInt32 = 46
    #if canImport(Glibc)
    static let hostStream = Int32(SOCK_STREAM.rawValue), hostDatagram = Int32(SOCK_DGRAM.rawValue)
    static let hostSeqpacket = Int32(SOCK_SEQPACKET.rawValue)
    static func hostSocketpair(_ d: Int32, _ t: Int32, _ p: Int32, _ fds: inout [Int32]) -> Int32 { Glibc.socketpair(d, t, p, &fds) }
    static func hostShutdown(_ fd: Int32, _ how: Int32) -> Int32 { Glibc.shutdown(fd, how) }
    #else
    static let hostStream = SOCK_STREAM, hostDatagram = SOCK_DGRAM, hostSeqpacket = SOCK_SEQPACKET
    static func hostSocketpair(_ d: Int32, _ t: Int32, _ p: Int32, _ fds: inout [Int32]) -> Int32 { Darwin.socketpair(d, t, p, &fds) }
    static func hostShutdown(_ fd: Int32, _ how: Int32) -> Int32 { Darwin.shutdown(fd, how) }
    #endif
    static let sockCloexec: UInt32 = 0o2000000, sockNonblock: UInt32 = 0o4000

    /// socketpair(domain, type, protocol, sv): only AF_UNIX has pairs, as on Linux.
    static func socketpair(_ c: SyscallContext, domain: UInt32, type: UInt32, proto: UInt32, pair: UInt32) throws(Errno) -> Int32 {
        if type & ~(0xf | sockCloexec | sockNonblock) != 0 { throw .EINVAL }
        if domain >= afMax { throw .EAFNOSUPPORT }
        if domain != afUnix { throw .EOPNOTSUPP }
        // SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_RAW 3 (unix_create makes it SOCK_DGRAM), SOCK_SEQPACKET 5.
        let kinds: [UInt32: Int32] = [1: hostStream, 2: hostDatagram, 3: hostDatagram, 5: hostSeqpacket]
        guard let hostType = kinds[type & 0xf] else { throw .ESOCKTNOSUPPORT }
        if proto != 0 && proto != afUnix { throw .EPROTONOSUPPORT }
        guard c.memory.check(pair, length: 8, need: PagePermission.userWrite) else { throw .EFAULT }
        var fds: [Int32] = [0, 0]
        if hostSocketpair(AF_UNIX, hostType, 0, &fds) != 0 { throw Errno.current }
        for h in fds {
            // As for pipes: never blocking in the host, and not inherited by host children.
            _ = fcntl(h, F_SETFD, FD_CLOEXEC)
            _ = HostFS.setStatusFlags(h, nonBlock: true, append: false)
        }
        let flags = LinuxOpenFlag.readWrite | (type & sockNonblock)
        let files = c.process.files
        var installed: [Int32] = []
        for h in fds {
            let f = OpenFile(hostFD: h, path: FileTable.name(h, "socket:"), flags: flags, isDirectory: false)
            f.hostNonBlocking = true
            guard let fd = files.install(f, closeOnExec: type & sockCloexec != 0) else {
                for fd in installed { files.remove(fd) }
                throw .EMFILE
            }
            installed.append(fd)
        }
        c.write(GuestLayout.le32(UInt32(bitPattern: installed[0])) + GuestLayout.le32(UInt32(bitPattern: installed[1])), to: pair)
        return 0
    }

    /// shutdown(fd, how): SHUT_RD, SHUT_WR or SHUT_RDWR on a socket.
    static func shutdown(_ c: SyscallContext, fd: Int32, how: UInt32) throws(Errno) -> Int32 {
        guard let f = c.process.files.get(fd) else { throw .EBADF }
        guard f.isHost, isSocket(f.hostFD) else { throw .ENOTSOCK }
        if how > 2 { throw .EINVAL }
        if hostShutdown(f.hostFD, Int32(how)) != 0 { throw Errno.current }
        return 0
    }

    static func isSocket(_ fd: Int32) -> Bool {
        var st = stat()
        return fstat(fd, &st) == 0 && st.st_mode & S_IFMT == S_IFSOCK
    }

    /// socketcall(call, args): the arguments are an array of longs in user memory, as
    /// many as the operation takes.
    static func socketcall(_ c: SyscallContext) throws(Errno) -> Int32 {
        let counts = [0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4, 5, 4]
        let call = c.arg(0)
        guard call >= 1 && Int(call) < counts.count else { throw .EINVAL }
        guard let raw = c.bytes(at: c.arg(1), count: counts[Int(call)] * 4) else { throw .EFAULT }
        let a = (0..<counts[Int(call)]).map { GuestLayout.u32(raw, $0 * 4) }
        switch call {
        case 8: return try socketpair(c, domain: a[0], type: a[1], proto: a[2], pair: a[3])
        case 13: return try shutdown(c, fd: Int32(bitPattern: a[0]), how: a[1])
        default:
            c.kernel?.noticeOnce("gate: socketcall operation \(call) is not implemented (-ENOSYS)")
            throw .ENOSYS
        }
    }
}
