#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

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
        /// /proc/self/mem: the file offset is a guest address.
        case processMemory(GuestMemory)
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
    /// The file offset for synthetic files and for host files whose position Gate keeps
    /// (`keepsPosition`), and the entry index for directory listings.
    public var position: Int64 = 0
    /// Whether Gate keeps this host file's position in `position`, as the kernel keeps
    /// f_pos in its `struct file`: set for a regular file the guest opened itself
    /// (not an inherited stream, not O_APPEND). Its reads and writes then go to the host
    /// through pread/pwrite at `position`, and lseek is arithmetic instead of a host
    /// call: fileio's million seeks cost no system call at all. The host descriptor's
    /// own offset means nothing until `handPositionToHost()`.
    public private(set) var keepsPosition = false
    /// A directory's listing, read on the first getdents and kept until rewound.
    var listing: [FSDirEntry]? = nil
    /// Whether closing it closes `hostFD` (not for the host's own standard streams).
    public let ownsHostFD: Bool
    /// The host descriptor is always O_NONBLOCK (a pipe Gate made): whether the guest
    /// blocks is Gate's business, decided by `flags`.
    public var hostNonBlocking = false
    /// An eventfd or epoll file (anon_inode:[eventfd], anon_inode:[eventpoll]): what
    /// Gate keeps beside the host descriptor.
    var anonymous: AnonymousInode? = nil
    /// A pipe, socket, FIFO or character device: a read or write may have to wait for
    /// another task, so the scheduler, not the host, does the waiting.
    public lazy var isStream: Bool = {
        guard hostFD >= 0 else { return false }
        var st = stat()
        guard fstat(hostFD, &st) == 0 else { return false }
        let type = st.st_mode & S_IFMT
        return type == S_IFIFO || type == S_IFSOCK || type == S_IFCHR
    }()

    /// A terminal's device number, the key of its job-control state; nil for anything
    /// else. /dev/tty (5,0) stands for the host's controlling terminal: TIOCGDEV names
    /// the terminal behind it.
    public lazy var terminalID: UInt64? = {
        guard isStream, isatty(hostFD) != 0 else { return nil }
        var st = stat()
        guard fstat(hostFD, &st) == 0 else { return nil }
        var device = UInt64(truncatingIfNeeded: st.st_rdev)
        #if os(Linux)
        var real: UInt32 = 0
        if device == 0x500, ioctl(hostFD, 0x8004_5432, &real) == 0 { device = UInt64(real) }   // TIOCGDEV
        #endif
        return device
    }()

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

    /// Starts keeping the position (a regular file just opened: the host's is 0).
    func keepPosition() {
        guard isHost, !isDirectory, flags & LinuxOpenFlag.append == 0 else { return }
        position = 0
        keepsPosition = true
    }

    /// Puts the kept position back into the host descriptor and leaves it there from
    /// now on (O_APPEND turned on: the host must place each write at the end).
    func handPositionToHost() {
        guard keepsPosition else { return }
        _ = lseek(hostFD, off_t(position), SEEK_SET)
        keepsPosition = false
    }

    /// Where a host transfer goes: `offset` when the call gives one, else the kept
    /// position; nil leaves it to the host descriptor's own offset.
    func hostOffset(_ offset: Int64?) -> Int64? { offset ?? (keepsPosition ? position : nil) }

    /// A transfer of `count` bytes at the file position (no `offset` given) moves a kept
    /// position past them.
    func advance(by count: Int, explicitOffset offset: Int64?) {
        if offset == nil && keepsPosition && count > 0 { position += Int64(count) }
    }

    /// True for files with a host descriptor.
    public var isHost: Bool { if case .host = backing { return true } else { return false } }

    /// Reads up to `count` bytes at `offset`, or at the file position (which then
    /// advances): what mmap, sendfile and exec need from any kind of file.
    public func read(count: Int, at offset: Int64? = nil) throws(Errno) -> [UInt8] {
        guard isReadable else { throw .EBADF }
        if isDirectory { throw .EISDIR }
        if let offset, offset < 0 { throw .EINVAL }
        if count <= 0 { return [] }
        let pos = offset ?? position
        switch backing {
        case .syntheticDirectory:
            throw .EISDIR
        case .synthetic(let bytes):
            if pos >= Int64(bytes.count) { return [] }
            let k = min(count, bytes.count - Int(pos))
            if offset == nil { position = pos + Int64(k) }
            return Array(bytes[Int(pos)..<Int(pos) + k])
        case .processMemory(let memory):
            let k = OpenFile.userPrefix(memory, pos, count)
            if k == 0 { throw .EIO }
            guard let bytes = memory.read(UInt32(pos), count: k, need: PagePermission.userRead) else { throw .EIO }
            if offset == nil { position = pos + Int64(k) }
            return bytes
        case .host:
            var buf = [UInt8](repeating: 0, count: count)
            let r = buf.withUnsafeMutableBytes { p in
                hostOffset(offset).map { pread(hostFD, p.baseAddress!, count, off_t($0)) }
                    ?? HostCall.read(hostFD, p.baseAddress!, count)
            }
            if r < 0 { throw Errno.current }
            advance(by: r, explicitOffset: offset)
            return Array(buf[0..<r])
        }
    }

    /// Writes `bytes` at `offset`, or at the file position.
    public func write(_ bytes: [UInt8], at offset: Int64? = nil) throws(Errno) -> Int {
        guard isWritable else { throw .EBADF }
        if let offset, offset < 0 { throw .EINVAL }
        if bytes.isEmpty { return 0 }
        switch backing {
        case .synthetic, .syntheticDirectory:
            throw .EBADF
        case .processMemory(let memory):
            // Like ptrace's FOLL_FORCE: read-only user pages are written too.
            let pos = offset ?? position
            let k = OpenFile.userPrefix(memory, pos, bytes.count)
            if k == 0 { throw .EIO }
            memory.poke(UInt32(pos), bytes[0..<k])
            if offset == nil { position = pos + Int64(k) }
            return k
        case .host:
            let r = bytes.withUnsafeBytes { p in
                hostOffset(offset).map { pwrite(hostFD, p.baseAddress!, p.count, off_t($0)) }
                    ?? HostCall.write(hostFD, p.baseAddress!, p.count)
            }
            if r < 0 { throw Errno.current }
            advance(by: r, explicitOffset: offset)
            return r
        }
    }

    /// How many of `count` bytes from guest address `pos` lie in mapped user pages.
    static func userPrefix(_ memory: GuestMemory, _ pos: Int64, _ count: Int) -> Int {
        guard pos >= 0 && pos < 1 << 32 else { return 0 }
        var done = 0
        var a = UInt64(pos)
        while done < count && a < 1 << 32 {
            if memory.permission(at: UInt32(a)) & PagePermission.userRead != PagePermission.userRead { break }
            let pageEnd = (a | 0xfff) + 1
            done += min(count - done, Int(pageEnd - a))
            a = pageEnd
        }
        return done
    }

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
struct FSDirEntry {
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

    /// Slot `fd` of the table, nil where no descriptor is open: an array, because a
    /// descriptor is looked up on most system calls (a dictionary hashed it each time).
    private var slots: [Slot?] = []
    /// The same open files, unretained, kept beside `slots`: `withUnretained` lends one
    /// without the atomic retain and release that reading `slots` costs (11 ns a pair).
    private var unretained: [Unmanaged<OpenFile>?] = []
    public var limit: Int32 = FileTable.defaultLimit

    public init() {}

    /// Descriptors 0, 1 and 2 on the given host descriptors.
    /// They are named as /proc/self/fd shows them: "pipe:[ino]", the terminal's path.
    public func installStandardStreams(stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2) {
        // The guest gets its own duplicates: closing its fd 1 must not close the host's,
        // and an embedder's descriptors stay the embedder's.
        for (fd, host, name, flags) in [(Int32(0), stdin, "/dev/stdin", UInt32(0)), (1, stdout, "/dev/stdout", 1), (2, stderr, "/dev/stderr", 1)] {
            let copy = dup(host)
            guard copy >= 0 else { continue }
            install(OpenFile(hostFD: copy, path: FileTable.name(host, name), flags: flags,
                             isDirectory: false, ownsHostFD: true), at: fd)
        }
    }

    /// What Linux's d_path would call a host descriptor the guest inherits.
    static func name(_ fd: Int32, _ fallback: String) -> String {
        var st = HostFS.HostStat()
        guard HostCall.fstat(fd, &st) == 0 else { return fallback }
        switch UInt32(st.st_mode) & 0o170000 {
        case 0o010000: return "pipe:[\(st.st_ino)]"
        case 0o140000: return "socket:[\(st.st_ino)]"
        case 0o020000:
            if isatty(fd) != 0, let name = ttyname(fd) { return String(cString: name) }
            return fallback
        default: return fallback
        }
    }

    public func get(_ fd: Int32) -> OpenFile? { slot(fd)?.file }

    /// Lends descriptor `fd`'s open file to `body` without retaining it; nil when `fd`
    /// is not open. `body` must leave this table alone: a file whose last descriptor
    /// closed would go while it is lent.
    @inline(__always)
    func withUnretained<R>(_ fd: Int32, _ body: (OpenFile) throws(Errno) -> R) throws(Errno) -> R? {
        guard fd >= 0 && Int(fd) < unretained.count, let f = unretained[Int(fd)] else { return nil }
        // `_withUnsafeGuaranteedRef` rethrows untyped: the typed error rides in a Result.
        return try f._withUnsafeGuaranteedRef { f in Result { () throws(Errno) in try body(f) } }.get()
    }

    private func slot(_ fd: Int32) -> Slot? {
        fd >= 0 && Int(fd) < slots.count ? slots[Int(fd)] : nil
    }

    /// The lowest free descriptor at or above `minimum`, or nil (EMFILE).
    public func lowestFree(from minimum: Int32 = 0) -> Int32? {
        var fd = max(minimum, 0)
        while fd < limit {
            if slot(fd) == nil { return fd }
            fd += 1
        }
        return nil
    }

    /// Installs `file` at the lowest free descriptor ≥ `minimum`; nil when the table is full.
    @discardableResult
    public func install(_ file: OpenFile, closeOnExec: Bool = false, minimum: Int32 = 0) -> Int32? {
        guard let fd = lowestFree(from: minimum) else { return nil }
        install(file, at: fd, closeOnExec: closeOnExec)
        return fd
    }

    /// Installs `file` at `fd`, replacing (closing) what was there (dup2).
    public func install(_ file: OpenFile, at fd: Int32, closeOnExec: Bool = false) {
        precondition(fd >= 0)
        if Int(fd) >= slots.count {
            slots.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - slots.count))
            unretained.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - unretained.count))
        }
        slots[Int(fd)] = Slot(file: file, closeOnExec: closeOnExec)
        unretained[Int(fd)] = .passUnretained(file)
    }

    /// Removes `fd`; the description closes when its last descriptor goes.
    @discardableResult
    public func remove(_ fd: Int32) -> OpenFile? {
        guard let old = slot(fd) else { return nil }
        slots[Int(fd)] = nil
        unretained[Int(fd)] = nil
        while slots.last.map({ $0 == nil }) == true { slots.removeLast(); unretained.removeLast() }
        return old.file
    }

    public func closeOnExec(_ fd: Int32) -> Bool? { slot(fd)?.closeOnExec }

    public func setCloseOnExec(_ fd: Int32, _ value: Bool) {
        guard slot(fd) != nil else { return }
        slots[Int(fd)]?.closeOnExec = value
    }

    /// A copy sharing every open file description (fork).
    public func copy() -> FileTable {
        let t = FileTable()
        t.slots = slots
        t.unretained = unretained
        t.limit = limit
        return t
    }

    /// Closes the descriptors marked close-on-exec (execve).
    public func closeExecDescriptors() {
        for fd in descriptors where slot(fd)?.closeOnExec == true { remove(fd) }
    }

    /// Every open descriptor, ascending (/proc/self/fd).
    public var descriptors: [Int32] { slots.indices.filter { slots[$0] != nil }.map { Int32($0) } }
}

/// Where a process's paths resolve: the root directory (a host directory; `--root`),
/// the current directory (a guest path) and the umask.
public struct FileSystemContext {
    public var root: String {
        didSet {
            cwdHost = PathResolver.hostPath(root: root, cwdComponents)
            cwdDirectory = HostDirectory(cwdHost)
        }
    }
    public var cwd: String {
        didSet {
            cwdComponents = PathResolver.components(cwd)
            cwdCanonical = PathResolver.join(cwdComponents)
            cwdHost = PathResolver.hostPath(root: root, cwdComponents)
            cwdIsUnderProc = cwdComponents.first == "proc"
            cwdDirectory = HostDirectory(cwdHost)
        }
    }
    /// `cwd` split into components, joined again (canonical), and the host directory it
    /// names, kept for relative paths (resolved on every call that takes one).
    public private(set) var cwdComponents: [String]
    public private(set) var cwdCanonical: String
    public private(set) var cwdHost: String
    /// The current directory is /proc or below it (the /proc provider's, when there is one).
    public private(set) var cwdIsUnderProc: Bool
    /// The host directory `cwdHost` named when the current directory was set, held
    /// open: a plain name is looked up in it without the host walking the whole path
    /// again (PathResolver.plainNameInCwd). Nil when the host would not open it.
    public private(set) var cwdDirectory: HostDirectory? { didSet { cwdFD = cwdDirectory?.fd ?? -1 } }
    /// Its descriptor, or -1: read without retaining the object, which holds it open.
    public private(set) var cwdFD: Int32 = -1
    public var umask: UInt32
    /// Serves /proc for this process; when nil, `FileSyscalls.procFS` does, and when
    /// both are nil /proc is the host directory under the root.
    public var procFS: ProcFileProvider? = nil

    public init(root: String = "/", cwd: String = "/", umask: UInt32 = 0o022) {
        self.root = root
        self.cwd = cwd
        self.cwdComponents = PathResolver.components(cwd)
        self.cwdCanonical = PathResolver.join(cwdComponents)
        self.cwdHost = PathResolver.hostPath(root: root, cwdComponents)
        self.cwdIsUnderProc = cwdComponents.first == "proc"
        self.cwdDirectory = HostDirectory(cwdHost)
        self.cwdFD = cwdDirectory?.fd ?? -1
        self.umask = umask
    }
}

