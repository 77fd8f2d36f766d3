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
}

/// A system-call body: the context in, the value for EAX out (a result or −errno).
public typealias SyscallBody = (SyscallContext) -> Int32

/// One row of the declarative syscall table: dispatch, `--strace` formatting and the
/// list of what is implemented all come from here.
public struct SyscallEntry {
    public let number: UInt32
    public let name: String
    public let args: [SyscallArg]
    public let body: SyscallBody

    public init(_ number: UInt32, _ name: String, _ args: [SyscallArg], _ body: @escaping SyscallBody) {
        self.number = number
        self.name = name
        self.args = args
        self.body = body
    }
}
