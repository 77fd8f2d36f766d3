#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open file description (`struct file`): shared by descriptors that dup(2) it.
///
/// Most are backed by a host descriptor (files, directories, pipes, terminals); a
/// /proc file served by a `ProcFileProvider` is a snapshot of bytes taken at open,
/// and a /proc directory is listed through the provider.
public final class OpenFile {
    public enum Backing {
        /// I/O goes to `hostFD`.
        case host
        /// A synthetic read-only file: its content as it was at open.
        case synthetic([UInt8])
        /// A synthetic directory listed by the /proc provider.
        case syntheticDirectory
    }

    /// The host descriptor behind it (-1 for synthetic files).
    public let hostFD: Int32
    /// The guest path it was opened by (for /proc/self/fd, *at calls and strace).
    public var path: String
    /// O_* flags as the guest passed them (Linux i386 values), without the
    /// open-time-only bits (O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_CLOEXEC).
    public var flags: UInt32
    public let backing: Backing
    /// Whether it is a directory (getdents, fchdir and *at calls need one).
    public let isDirectory: Bool
    /// The file offset for synthetic files, and the entry index for directory listings.
    public var position: Int64 = 0
    /// A directory's listing, read on the first getdents and kept until rewound.
    var listing: [DirectoryEntry]? = nil
    /// Whether closing it closes `hostFD` (not for the host's own standard streams).
    public let ownsHostFD: Bool

    public init(hostFD: Int32, path: String, flags: UInt32) {
        self.hostFD = hostFD
        self.path = path
        self.flags = flags
        self.backing = .host
        self.ownsHostFD = hostFD > 2
        var st = stat()
        self.isDirectory = fstat(hostFD, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public init(hostFD: Int32, path: String, flags: UInt32, isDirectory: Bool, ownsHostFD: Bool = true) {
        self.hostFD = hostFD
        self.path = path
        self.flags = flags
        self.backing = .host
        self.isDirectory = isDirectory
        self.ownsHostFD = ownsHostFD
    }

    /// A synthetic /proc file or directory.
    public init(synthetic backing: Backing, path: String, flags: UInt32) {
        self.hostFD = -1
        self.path = path
        self.flags = flags
        self.backing = backing
        if case .syntheticDirectory = backing { isDirectory = true } else { isDirectory = false }
        self.ownsHostFD = false
    }

    /// True for files with a host descriptor.
    public var isHost: Bool { if case .host = backing { return true } else { return false } }

    /// The synthetic content, if this is a /proc file.
    public var syntheticContent: [UInt8]? {
        if case .synthetic(let bytes) = backing { return bytes } else { return nil }
    }

    /// The access mode (O_RDONLY 0, O_WRONLY 1, O_RDWR 2).
    public var accessMode: UInt32 { flags & 3 }
    /// O_PATH descriptors neither read nor write.
    public var isPathOnly: Bool { flags & 0o10000000 != 0 }
    public var isReadable: Bool { !isPathOnly && accessMode != 1 }
    public var isWritable: Bool { !isPathOnly && accessMode != 0 }

    deinit {
        // Standard streams belong to the host process.
        if ownsHostFD && hostFD >= 0 { close(hostFD) }
    }
}

/// One entry of a directory listing, as getdents reports it.
struct DirectoryEntry {
    var ino: UInt64
    var type: UInt8
    var name: [UInt8]
}

/// A process's descriptor table (`struct files_struct`).
public final class FileTable {
    public struct Slot {
        public var file: OpenFile
        public var closeOnExec: Bool
    }

    /// RLIMIT_NOFILE's default: descriptors are below this.
    public static let defaultLimit: Int32 = 1024

    public private(set) var slots: [Int32: Slot] = [:]
    public var limit: Int32 = FileTable.defaultLimit

    public init() {}

    /// Descriptors 0, 1 and 2 on the given host descriptors.
    public func installStandardStreams(stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2) {
        slots[0] = Slot(file: OpenFile(hostFD: stdin, path: "/dev/stdin", flags: 0), closeOnExec: false)
        slots[1] = Slot(file: OpenFile(hostFD: stdout, path: "/dev/stdout", flags: 1), closeOnExec: false)
        slots[2] = Slot(file: OpenFile(hostFD: stderr, path: "/dev/stderr", flags: 1), closeOnExec: false)
    }

    public func get(_ fd: Int32) -> OpenFile? { slots[fd]?.file }

    /// The lowest free descriptor at or above `minimum`, or nil (EMFILE).
    public func lowestFree(from minimum: Int32 = 0) -> Int32? {
        var fd = max(minimum, 0)
        while fd < limit {
            if slots[fd] == nil { return fd }
            fd += 1
        }
        return nil
    }

    /// Installs `file` at the lowest free descriptor ≥ `minimum`; nil when the table is full.
    @discardableResult
    public func install(_ file: OpenFile, closeOnExec: Bool = false, minimum: Int32 = 0) -> Int32? {
        guard let fd = lowestFree(from: minimum) else { return nil }
        slots[fd] = Slot(file: file, closeOnExec: closeOnExec)
        return fd
    }

    /// Installs `file` at `fd`, replacing (closing) what was there (dup2).
    public func install(_ file: OpenFile, at fd: Int32, closeOnExec: Bool = false) {
        slots[fd] = Slot(file: file, closeOnExec: closeOnExec)
    }

    /// Removes `fd`; the description closes when its last descriptor goes.
    @discardableResult
    public func remove(_ fd: Int32) -> OpenFile? {
        slots.removeValue(forKey: fd)?.file
    }

    public func closeOnExec(_ fd: Int32) -> Bool? { slots[fd]?.closeOnExec }

    public func setCloseOnExec(_ fd: Int32, _ value: Bool) {
        slots[fd]?.closeOnExec = value
    }

    /// A copy sharing every open file description (fork).
    public func copy() -> FileTable {
        let t = FileTable()
        t.slots = slots
        t.limit = limit
        return t
    }

    /// Closes the descriptors marked close-on-exec (execve).
    public func closeExecDescriptors() {
        for (fd, slot) in slots where slot.closeOnExec { slots.removeValue(forKey: fd) }
    }

    /// Every open descriptor, ascending (/proc/self/fd).
    public var descriptors: [Int32] { slots.keys.sorted() }
}

/// Where a process's paths resolve: the root directory (a host directory; `--root`),
/// the current directory (a guest path) and the umask.
public struct FileSystemContext {
    public var root: String
    public var cwd: String
    public var umask: UInt32
    /// Serves /proc for this process; when nil, `FileSyscalls.procFS` does, and when
    /// both are nil /proc is the host directory under the root.
    public var procFS: ProcFileProvider? = nil

    public init(root: String = "/", cwd: String = "/", umask: UInt32 = 0o022) {
        self.root = root
        self.cwd = cwd
        self.umask = umask
    }
}
