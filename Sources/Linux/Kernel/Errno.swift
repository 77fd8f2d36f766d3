#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Linux i386 errno values (include/asm-generic/errno*.h) with the names and messages
/// strace prints. Syscall bodies return `-errno`; the values are Linux's on every host.
public enum Errno: Int32, CaseIterable, Sendable, Error {
    case EPERM = 1
    case ENOENT = 2
    case ESRCH = 3
    case EINTR = 4
    case EIO = 5
    case ENXIO = 6
    case E2BIG = 7
    case ENOEXEC = 8
    case EBADF = 9
    case ECHILD = 10
    case EAGAIN = 11
    case ENOMEM = 12
    case EACCES = 13
    case EFAULT = 14
    case ENOTBLK = 15
    case EBUSY = 16
    case EEXIST = 17
    case EXDEV = 18
    case ENODEV = 19
    case ENOTDIR = 20
    case EISDIR = 21
    case EINVAL = 22
    case ENFILE = 23
    case EMFILE = 24
    case ENOTTY = 25
    case ETXTBSY = 26
    case EFBIG = 27
    case ENOSPC = 28
    case ESPIPE = 29
    case EROFS = 30
    case EMLINK = 31
    case EPIPE = 32
    case EDOM = 33
    case ERANGE = 34
    case EDEADLK = 35
    case ENAMETOOLONG = 36
    case ENOLCK = 37
    case ENOSYS = 38
    case ENOTEMPTY = 39
    case ELOOP = 40
    case ENOMSG = 42
    case EIDRM = 43
    case ENOSTR = 60
    case ENODATA = 61
    case ETIME = 62
    case EOVERFLOW = 75
    case EILSEQ = 84
    case ENOTSOCK = 88
    case EDESTADDRREQ = 89
    case EMSGSIZE = 90
    case EPROTOTYPE = 91
    case ENOPROTOOPT = 92
    case EPROTONOSUPPORT = 93
    case ESOCKTNOSUPPORT = 94
    case EOPNOTSUPP = 95
    case EAFNOSUPPORT = 97
    case EADDRINUSE = 98
    case EADDRNOTAVAIL = 99
    case ENETUNREACH = 101
    case ECONNABORTED = 103
    case ECONNRESET = 104
    case ENOBUFS = 105
    case EISCONN = 106
    case ENOTCONN = 107
    case ETIMEDOUT = 110
    case ECONNREFUSED = 111
    case EALREADY = 114
    case EINPROGRESS = 115
    case ECANCELED = 125
    case ERESTARTSYS = 512
    case ERESTARTNOINTR = 513
    case ERESTARTNOHAND = 514
    case ERESTART_RESTARTBLOCK = 516

    /// The message strerror(3) gives, as in `= -1 ENOENT (No such file or directory)`.
    public var message: String {
        switch self {
        case .EPERM: return "Operation not permitted"
        case .ENOENT: return "No such file or directory"
        case .ESRCH: return "No such process"
        case .EINTR: return "Interrupted system call"
        case .EIO: return "Input/output error"
        case .ENXIO: return "No such device or address"
        case .E2BIG: return "Argument list too long"
        case .ENOEXEC: return "Exec format error"
        case .EBADF: return "Bad file descriptor"
        case .ECHILD: return "No child processes"
        case .EAGAIN: return "Resource temporarily unavailable"
        case .ENOMEM: return "Cannot allocate memory"
        case .EACCES: return "Permission denied"
        case .EFAULT: return "Bad address"
        case .ENOTBLK: return "Block device required"
        case .EBUSY: return "Device or resource busy"
        case .EEXIST: return "File exists"
        case .EXDEV: return "Invalid cross-device link"
        case .ENODEV: return "No such device"
        case .ENOTDIR: return "Not a directory"
        case .EISDIR: return "Is a directory"
        case .EINVAL: return "Invalid argument"
        case .ENFILE: return "Too many open files in system"
        case .EMFILE: return "Too many open files"
        case .ENOTTY: return "Inappropriate ioctl for device"
        case .ETXTBSY: return "Text file busy"
        case .EFBIG: return "File too large"
        case .ENOSPC: return "No space left on device"
        case .ESPIPE: return "Illegal seek"
        case .EROFS: return "Read-only file system"
        case .EMLINK: return "Too many links"
        case .EPIPE: return "Broken pipe"
        case .EDOM: return "Numerical argument out of domain"
        case .ERANGE: return "Numerical result out of range"
        case .EDEADLK: return "Resource deadlock avoided"
        case .ENAMETOOLONG: return "File name too long"
        case .ENOLCK: return "No locks available"
        case .ENOSYS: return "Function not implemented"
        case .ENOTEMPTY: return "Directory not empty"
        case .ELOOP: return "Too many levels of symbolic links"
        case .ENOMSG: return "No message of desired type"
        case .EIDRM: return "Identifier removed"
        case .ENOSTR: return "Device not a stream"
        case .ENODATA: return "No data available"
        case .ETIME: return "Timer expired"
        case .EOVERFLOW: return "Value too large for defined data type"
        case .EILSEQ: return "Invalid or incomplete multibyte or wide character"
        case .ENOTSOCK: return "Socket operation on non-socket"
        case .EDESTADDRREQ: return "Destination address required"
        case .EMSGSIZE: return "Message too long"
        case .EPROTOTYPE: return "Protocol wrong type for socket"
        case .ENOPROTOOPT: return "Protocol not available"
        case .EPROTONOSUPPORT: return "Protocol not supported"
        case .ESOCKTNOSUPPORT: return "Socket type not supported"
        case .EOPNOTSUPP: return "Operation not supported"
        case .EAFNOSUPPORT: return "Address family not supported by protocol"
        case .EADDRINUSE: return "Address already in use"
        case .EADDRNOTAVAIL: return "Cannot assign requested address"
        case .ENETUNREACH: return "Network is unreachable"
        case .ECONNABORTED: return "Software caused connection abort"
        case .ECONNRESET: return "Connection reset by peer"
        case .ENOBUFS: return "No buffer space available"
        case .EISCONN: return "Transport endpoint is already connected"
        case .ENOTCONN: return "Transport endpoint is not connected"
        case .ETIMEDOUT: return "Connection timed out"
        case .ECONNREFUSED: return "Connection refused"
        case .EALREADY: return "Operation already in progress"
        case .EINPROGRESS: return "Operation now in progress"
        case .ECANCELED: return "Operation canceled"
        case .ERESTARTSYS: return "Interrupted system call (restart)"
        case .ERESTARTNOINTR: return "Interrupted system call (restart, no interrupt)"
        case .ERESTARTNOHAND: return "Interrupted system call (restart if no handler)"
        case .ERESTART_RESTARTBLOCK: return "Interrupted by signal (restart block)"
        }
    }

    /// The name, as strace prints it.
    public var name: String { String(describing: self) }

    /// The syscall return value for this error.
    public var negated: Int32 { -rawValue }

    /// The Linux errno for a host errno (the numbers differ on Darwin).
    public init(host e: Int32) {
        switch e {
        case HostErrno.EPERM: self = .EPERM
        case HostErrno.ENOENT: self = .ENOENT
        case HostErrno.ESRCH: self = .ESRCH
        case HostErrno.EINTR: self = .EINTR
        case HostErrno.EIO: self = .EIO
        case HostErrno.ENXIO: self = .ENXIO
        case HostErrno.E2BIG: self = .E2BIG
        case HostErrno.ENOEXEC: self = .ENOEXEC
        case HostErrno.EBADF: self = .EBADF
        case HostErrno.ECHILD: self = .ECHILD
        case HostErrno.EAGAIN: self = .EAGAIN
        case HostErrno.ENOMEM: self = .ENOMEM
        case HostErrno.EACCES: self = .EACCES
        case HostErrno.EFAULT: self = .EFAULT
        case HostErrno.ENOTBLK: self = .ENOTBLK
        case HostErrno.EBUSY: self = .EBUSY
        case HostErrno.EEXIST: self = .EEXIST
        case HostErrno.EXDEV: self = .EXDEV
        case HostErrno.ENODEV: self = .ENODEV
        case HostErrno.ENOTDIR: self = .ENOTDIR
        case HostErrno.EISDIR: self = .EISDIR
        case HostErrno.EINVAL: self = .EINVAL
        case HostErrno.ENFILE: self = .ENFILE
        case HostErrno.EMFILE: self = .EMFILE
        case HostErrno.ENOTTY: self = .ENOTTY
        case HostErrno.ETXTBSY: self = .ETXTBSY
        case HostErrno.EFBIG: self = .EFBIG
        case HostErrno.ENOSPC: self = .ENOSPC
        case HostErrno.ESPIPE: self = .ESPIPE
        case HostErrno.EROFS: self = .EROFS
        case HostErrno.EMLINK: self = .EMLINK
        case HostErrno.EPIPE: self = .EPIPE
        case HostErrno.EDOM: self = .EDOM
        case HostErrno.ERANGE: self = .ERANGE
        case HostErrno.EDEADLK: self = .EDEADLK
        case HostErrno.ENAMETOOLONG: self = .ENAMETOOLONG
        case HostErrno.ENOLCK: self = .ENOLCK
        case HostErrno.ENOSYS: self = .ENOSYS
        case HostErrno.ENOTEMPTY: self = .ENOTEMPTY
        case HostErrno.ELOOP: self = .ELOOP
        case HostErrno.ENOMSG: self = .ENOMSG
        case HostErrno.EIDRM: self = .EIDRM
        case HostErrno.EOVERFLOW: self = .EOVERFLOW
        case HostErrno.EILSEQ: self = .EILSEQ
        case HostErrno.ENOTSOCK: self = .ENOTSOCK
        case HostErrno.EDESTADDRREQ: self = .EDESTADDRREQ
        case HostErrno.EMSGSIZE: self = .EMSGSIZE
        case HostErrno.EPROTOTYPE: self = .EPROTOTYPE
        case HostErrno.ENOPROTOOPT: self = .ENOPROTOOPT
        case HostErrno.EPROTONOSUPPORT: self = .EPROTONOSUPPORT
        case HostErrno.ESOCKTNOSUPPORT: self = .ESOCKTNOSUPPORT
        case HostErrno.EOPNOTSUPP: self = .EOPNOTSUPP
        case HostErrno.EAFNOSUPPORT: self = .EAFNOSUPPORT
        case HostErrno.EADDRINUSE: self = .EADDRINUSE
        case HostErrno.EADDRNOTAVAIL: self = .EADDRNOTAVAIL
        case HostErrno.ENETUNREACH: self = .ENETUNREACH
        case HostErrno.ECONNABORTED: self = .ECONNABORTED
        case HostErrno.ECONNRESET: self = .ECONNRESET
        case HostErrno.ENOBUFS: self = .ENOBUFS
        case HostErrno.EISCONN: self = .EISCONN
        case HostErrno.ENOTCONN: self = .ENOTCONN
        case HostErrno.ETIMEDOUT: self = .ETIMEDOUT
        case HostErrno.ECONNREFUSED: self = .ECONNREFUSED
        case HostErrno.EALREADY: self = .EALREADY
        case HostErrno.EINPROGRESS: self = .EINPROGRESS
        case HostErrno.ECANCELED: self = .ECANCELED
        default: self = .EIO
        }
    }

    /// The Linux errno for the host's current errno.
    public static var current: Errno { Errno(host: errno) }
}

/// The host's errno constants, reachable by name where `Errno`'s cases shadow them.
enum HostErrno {
#if canImport(Glibc)
    static let EPERM = Glibc.EPERM
    static let ENOENT = Glibc.ENOENT
    static let ESRCH = Glibc.ESRCH
    static let EINTR = Glibc.EINTR
    static let EIO = Glibc.EIO
    static let ENXIO = Glibc.ENXIO
    static let E2BIG = Glibc.E2BIG
    static let ENOEXEC = Glibc.ENOEXEC
    static let EBADF = Glibc.EBADF
    static let ECHILD = Glibc.ECHILD
    static let EAGAIN = Glibc.EAGAIN
    static let ENOMEM = Glibc.ENOMEM
    static let EACCES = Glibc.EACCES
    static let EFAULT = Glibc.EFAULT
    static let ENOTBLK = Glibc.ENOTBLK
    static let EBUSY = Glibc.EBUSY
    static let EEXIST = Glibc.EEXIST
    static let EXDEV = Glibc.EXDEV
    static let ENODEV = Glibc.ENODEV
    static let ENOTDIR = Glibc.ENOTDIR
    static let EISDIR = Glibc.EISDIR
    static let EINVAL = Glibc.EINVAL
    static let ENFILE = Glibc.ENFILE
    static let EMFILE = Glibc.EMFILE
    static let ENOTTY = Glibc.ENOTTY
    static let ETXTBSY = Glibc.ETXTBSY
    static let EFBIG = Glibc.EFBIG
    static let ENOSPC = Glibc.ENOSPC
    static let ESPIPE = Glibc.ESPIPE
    static let EROFS = Glibc.EROFS
    static let EMLINK = Glibc.EMLINK
    static let EPIPE = Glibc.EPIPE
    static let EDOM = Glibc.EDOM
    static let ERANGE = Glibc.ERANGE
    static let EDEADLK = Glibc.EDEADLK
    static let ENAMETOOLONG = Glibc.ENAMETOOLONG
    static let ENOLCK = Glibc.ENOLCK
    static let ENOSYS = Glibc.ENOSYS
    static let ENOTEMPTY = Glibc.ENOTEMPTY
    static let ELOOP = Glibc.ELOOP
    static let ENOMSG = Glibc.ENOMSG
    static let EIDRM = Glibc.EIDRM
    static let EOVERFLOW = Glibc.EOVERFLOW
    static let EILSEQ = Glibc.EILSEQ
    static let ENOTSOCK = Glibc.ENOTSOCK
    static let EDESTADDRREQ = Glibc.EDESTADDRREQ
    static let EMSGSIZE = Glibc.EMSGSIZE
    static let EPROTOTYPE = Glibc.EPROTOTYPE
    static let ENOPROTOOPT = Glibc.ENOPROTOOPT
    static let EPROTONOSUPPORT = Glibc.EPROTONOSUPPORT
    static let ESOCKTNOSUPPORT = Glibc.ESOCKTNOSUPPORT
    static let EOPNOTSUPP = Glibc.EOPNOTSUPP
    static let EAFNOSUPPORT = Glibc.EAFNOSUPPORT
    static let EADDRINUSE = Glibc.EADDRINUSE
    static let EADDRNOTAVAIL = Glibc.EADDRNOTAVAIL
    static let ENETUNREACH = Glibc.ENETUNREACH
    static let ECONNABORTED = Glibc.ECONNABORTED
    static let ECONNRESET = Glibc.ECONNRESET
    static let ENOBUFS = Glibc.ENOBUFS
    static let EISCONN = Glibc.EISCONN
    static let ENOTCONN = Glibc.ENOTCONN
    static let ETIMEDOUT = Glibc.ETIMEDOUT
    static let ECONNREFUSED = Glibc.ECONNREFUSED
    static let EALREADY = Glibc.EALREADY
    static let EINPROGRESS = Glibc.EINPROGRESS
    static let ECANCELED = Glibc.ECANCELED
#else
    static let EPERM = Darwin.EPERM
    static let ENOENT = Darwin.ENOENT
    static let ESRCH = Darwin.ESRCH
    static let EINTR = Darwin.EINTR
    static let EIO = Darwin.EIO
    static let ENXIO = Darwin.ENXIO
    static let E2BIG = Darwin.E2BIG
    static let ENOEXEC = Darwin.ENOEXEC
    static let EBADF = Darwin.EBADF
    static let ECHILD = Darwin.ECHILD
    static let EAGAIN = Darwin.EAGAIN
    static let ENOMEM = Darwin.ENOMEM
    static let EACCES = Darwin.EACCES
    static let EFAULT = Darwin.EFAULT
    static let ENOTBLK = Darwin.ENOTBLK
    static let EBUSY = Darwin.EBUSY
    static let EEXIST = Darwin.EEXIST
    static let EXDEV = Darwin.EXDEV
    static let ENODEV = Darwin.ENODEV
    static let ENOTDIR = Darwin.ENOTDIR
    static let EISDIR = Darwin.EISDIR
    static let EINVAL = Darwin.EINVAL
    static let ENFILE = Darwin.ENFILE
    static let EMFILE = Darwin.EMFILE
    static let ENOTTY = Darwin.ENOTTY
    static let ETXTBSY = Darwin.ETXTBSY
    static let EFBIG = Darwin.EFBIG
    static let ENOSPC = Darwin.ENOSPC
    static let ESPIPE = Darwin.ESPIPE
    static let EROFS = Darwin.EROFS
    static let EMLINK = Darwin.EMLINK
    static let EPIPE = Darwin.EPIPE
    static let EDOM = Darwin.EDOM
    static let ERANGE = Darwin.ERANGE
    static let EDEADLK = Darwin.EDEADLK
    static let ENAMETOOLONG = Darwin.ENAMETOOLONG
    static let ENOLCK = Darwin.ENOLCK
    static let ENOSYS = Darwin.ENOSYS
    static let ENOTEMPTY = Darwin.ENOTEMPTY
    static let ELOOP = Darwin.ELOOP
    static let ENOMSG = Darwin.ENOMSG
    static let EIDRM = Darwin.EIDRM
    static let EOVERFLOW = Darwin.EOVERFLOW
    static let EILSEQ = Darwin.EILSEQ
    static let ENOTSOCK = Darwin.ENOTSOCK
    static let EDESTADDRREQ = Darwin.EDESTADDRREQ
    static let EMSGSIZE = Darwin.EMSGSIZE
    static let EPROTOTYPE = Darwin.EPROTOTYPE
    static let ENOPROTOOPT = Darwin.ENOPROTOOPT
    static let EPROTONOSUPPORT = Darwin.EPROTONOSUPPORT
    static let ESOCKTNOSUPPORT = Darwin.ESOCKTNOSUPPORT
    static let EOPNOTSUPP = Darwin.EOPNOTSUPP
    static let EAFNOSUPPORT = Darwin.EAFNOSUPPORT
    static let EADDRINUSE = Darwin.EADDRINUSE
    static let EADDRNOTAVAIL = Darwin.EADDRNOTAVAIL
    static let ENETUNREACH = Darwin.ENETUNREACH
    static let ECONNABORTED = Darwin.ECONNABORTED
    static let ECONNRESET = Darwin.ECONNRESET
    static let ENOBUFS = Darwin.ENOBUFS
    static let EISCONN = Darwin.EISCONN
    static let ENOTCONN = Darwin.ENOTCONN
    static let ETIMEDOUT = Darwin.ETIMEDOUT
    static let ECONNREFUSED = Darwin.ECONNREFUSED
    static let EALREADY = Darwin.EALREADY
    static let EINPROGRESS = Darwin.EINPROGRESS
    static let ECANCELED = Darwin.ECANCELED
#endif
}
