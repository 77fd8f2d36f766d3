/// How an argument is shown in the `--strace` log.
public enum SyscallArg: Sendable, Equatable {
    case int, uint, hex, fd, dirfd, path, string, pointer, size, offset
    /// A buffer the call reads: its length is argument `lengthArg`.
    case inBuffer(lengthArg: Int)
    /// A buffer the call fills: shown after the call, up to the result's length.
    case outBuffer(lengthArg: Int)
    case openFlags, mode, accessMode, atFlags, whence, signal, sigaction, sigset, clockid
    case mmapProt, mmapFlags, ioctlRequest, fcntlCmd, iovec(countArg: Int), timespec, statBuffer
    case structure(String)
    /// A number shown by name, or a set of flags (strace's xlat tables).
    case symbols(SymbolTable)
    /// The `struct epoll_event` epoll_ctl reads; the array epoll_wait fills (up to the result).
    case epollEvent, epollEvents
    /// The `struct sigevent` timer_create reads.
    case sigevent
    /// The `struct itimerspec` timer_settime reads (32- or 64-bit times).
    case itimerspec(wide: Bool)
    /// An array of `count` ints the call fills when it succeeds: socketpair's [fd, fd],
    /// timer_create's [id].
    case intsOut(count: Int)
}

/// The named values and flag sets `SyscallArg.symbols` can show.
public enum SymbolTable: Sendable, Equatable {
    case epollOperation, epollCreateFlags, eventfdFlags, timerFlags, itimerWhich
    case socketFamily, socketType, shutdownHow
}

/// A system-call body: the context in, the value for EAX out (a result or −errno).
public typealias SyscallBody = (SyscallContext) -> Int32

/// A body written with `throw Errno`; the error becomes −errno.
public typealias ThrowingSyscallBody = (SyscallContext) throws(Errno) -> Int32

/// One row of the declarative syscall table: dispatch, `--strace` formatting and the
/// list of what is implemented all come from here.
public struct SyscallEntry {
    public let number: UInt32
    public let name: String
    public let args: [SyscallArg]
    public let run: Run

    /// The body, kept as written. A throwing body is not wrapped in a closure that
    /// catches: that closure's context would be retained and released, two atomic
    /// operations, on every call (Kernel.runBody).
    public enum Run {
        case plain(SyscallBody)
        case throwing(ThrowingSyscallBody)

        /// Runs the body: the value for EAX.
        @inline(__always) public func callAsFunction(_ context: SyscallContext) -> Int32 {
            switch self {
            case .plain(let body): return body(context)
            case .throwing(let body):
                do throws(Errno) { return try body(context) } catch { return error.negated }
            }
        }
    }

    public init(_ number: UInt32, _ name: String, _ args: [SyscallArg], _ run: Run) {
        self.number = number
        self.name = name
        self.args = args
        self.run = run
    }

    public init(_ number: UInt32, _ name: String, _ args: [SyscallArg], _ body: @escaping SyscallBody) {
        self.init(number, name, args, .plain(body))
    }

    /// The body as one function: the value for EAX.
    public func body(_ context: SyscallContext) -> Int32 { run(context) }
}
