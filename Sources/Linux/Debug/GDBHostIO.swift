#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// gdb's host I/O packets (GDB manual, "Host I/O Packets"), read-only, over the
/// guest's file system as the program sees it: its root directory and Gate's /proc.
///
/// gdb needs them to find the vDSO: it takes the address from the auxiliary vector but
/// the size from `/proc/PID/task/PID/maps` read through `vFile`, and only then loads
/// linux-gate.so.1's symbols and CFI from memory — which is what lets it name
/// `__kernel_vsyscall` and unwind out of it. They also let gdb load the executable
/// from the target (`qXfer:exec-file:read`) when it is not given one.
struct GDBHostFiles {
    enum File {
        /// A /proc file, snapshotted at open as the guest's open(2) does.
        case contents([UInt8])
        case host(Int32)
    }

    var files: [Int32: File] = [:]
    var nextDescriptor: Int32 = 3

    // gdb's File-I/O errno values (GDB manual, "Errno Values").
    static let EPERM = 1, ENOENT = 2, EBADF = 9, EACCES = 13, EINVAL = 22, ENAMETOOLONG = 91, EUNKNOWN = 9999

    static func fileIOErrno(_ e: Errno) -> Int {
        switch e {
        case .EPERM, .ENOENT, .EINTR, .EBADF, .EACCES, .EFAULT, .EBUSY, .EEXIST, .ENODEV, .ENOTDIR, .EISDIR, .EINVAL,
             .ENFILE, .EMFILE, .EFBIG, .ENOSPC, .ESPIPE, .EROFS:
            return Int(e.rawValue)
        case .ENAMETOOLONG: return ENAMETOOLONG
        default: return EUNKNOWN
        }
    }

    static func failure(_ errno: Int) -> [UInt8] { Array("F-1,\(String(errno, radix: 16))".utf8) }

    /// Answers a `vFile:` packet (the text after `vFile:`); nil for an operation not
    /// supported (the empty reply).
    mutating func respond(_ body: [UInt8], process: Process) -> [UInt8]? {
        let text = String(decoding: body, as: UTF8.self)
        let (operation, argumentText) = text.firstIndex(of: ":").map {
            (String(text[..<$0]), String(text[text.index(after: $0)...]))
        } ?? (text, "")
        let args = argumentText.split(separator: ",", omittingEmptySubsequences: false)
        func number(_ i: Int) -> UInt32? { i < args.count ? GDBPacket.number(args[i]) : nil }
        func path(_ i: Int) -> String? {
            guard i < args.count, let b = GDBPacket.bytes(hex: args[i]) else { return nil }
            return String(decoding: b, as: UTF8.self)
        }
        switch operation {
        case "setfs":
            return Array("F0".utf8)     // one process: every file system is its
        case "open":
            guard let p = path(0), let flags = number(1) else { return GDBHostFiles.failure(GDBHostFiles.EINVAL) }
            // Read-only: the debugger may look at the guest's files, not change them.
            guard flags & 3 == 0 else { return GDBHostFiles.failure(GDBHostFiles.EACCES) }
            return open(p, process: process)
        case "close":
            guard let fd = number(0), let file = files.removeValue(forKey: Int32(bitPattern: fd)) else {
                return GDBHostFiles.failure(GDBHostFiles.EBADF)
            }
            if case .host(let h) = file { _ = close(h) }
            return Array("F0".utf8)
        case "pread":
            guard let fd = number(0), let count = number(1), let offset = number(2) else {
                return GDBHostFiles.failure(GDBHostFiles.EINVAL)
            }
            guard let file = files[Int32(bitPattern: fd)] else { return GDBHostFiles.failure(GDBHostFiles.EBADF) }
            let data = read(file, count: min(Int(count), GDBStub.maximumTransfer), offset: Int(offset))
            guard let data else { return GDBHostFiles.failure(GDBHostFiles.fileIOErrno(Errno(rawValue: errno) ?? .EIO)) }
            return Array("F\(String(data.count, radix: 16));".utf8) + GDBPacket.escape(data)
        case "fstat":
            guard let fd = number(0), let file = files[Int32(bitPattern: fd)] else {
                return GDBHostFiles.failure(GDBHostFiles.EBADF)
            }
            let s = GDBHostFiles.stat(file)
            return Array("F\(String(s.count, radix: 16));".utf8) + GDBPacket.escape(s)
        case "readlink":
            guard let p = path(0) else { return GDBHostFiles.failure(GDBHostFiles.EINVAL) }
            guard let target = GDBHostFiles.procPath(p, process).flatMap({
                PathResolver.procProvider(process)?.readlink(path: $0, process: process)
            }) else { return GDBHostFiles.failure(GDBHostFiles.EINVAL) }
            let b = Array(target.utf8)
            return Array("F\(String(b.count, radix: 16));".utf8) + GDBPacket.escape(b)
        default:
            return nil          // pwrite, unlink: the guest's files are not the debugger's to change
        }
    }

    /// `/proc/PID/task/PID/…` names the same files as `/proc/PID/…` for a
    /// single-threaded process; Gate's /proc serves the latter.
    static func procPath(_ path: String, _ process: Process) -> String? {
        guard path.hasPrefix("/proc/") else { return nil }
        let pid = String(process.pid)
        let task = "/proc/\(pid)/task/\(pid)/"
        return path.hasPrefix(task) ? "/proc/\(pid)/" + path.dropFirst(task.count) : path
    }

    mutating func open(_ path: String, process: Process) -> [UInt8] {
        let resolved: ResolvedPath
        do {
            resolved = try PathResolver.resolve(GDBHostFiles.procPath(path, process) ?? path, process: process)
        } catch {
            return GDBHostFiles.failure(GDBHostFiles.fileIOErrno(error))
        }
        guard resolved.exists else { return GDBHostFiles.failure(GDBHostFiles.ENOENT) }
        let file: File
        if resolved.isProc {
            guard let bytes = PathResolver.procProvider(process)?.open(path: resolved.guestPath, process: process) else {
                return GDBHostFiles.failure(GDBHostFiles.EACCES)
            }
            file = .contents(bytes)
        } else {
            let fd = openReadOnly(resolved.hostPath)
            guard fd >= 0 else { return GDBHostFiles.failure(GDBHostFiles.fileIOErrno(Errno(rawValue: errno) ?? .EIO)) }
            file = .host(fd)
        }
        let fd = nextDescriptor
        nextDescriptor += 1
        files[fd] = file
        return Array("F\(String(fd, radix: 16))".utf8)
    }

    func read(_ file: File, count: Int, offset: Int) -> [UInt8]? {
        switch file {
        case .contents(let bytes):
            let start = min(offset, bytes.count)
            return Array(bytes[start..<min(start + count, bytes.count)])
        case .host(let fd):
            var buffer = [UInt8](repeating: 0, count: count)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
            guard n >= 0 else { return nil }
            return Array(buffer[0..<n])
        }
    }

    /// gdb's File-I/O `struct stat`: big-endian; 32-bit dev, ino, mode, nlink, uid,
    /// gid, rdev; 64-bit size, blksize, blocks; 32-bit atime, mtime, ctime.
    static func stat(_ file: File) -> [UInt8] {
        var mode: UInt32 = 0o100444, size: UInt64 = 0, ino: UInt32 = 0, mtime: UInt32 = 0
        switch file {
        case .contents(let b):
            size = UInt64(b.count)
        case .host(let fd):
            var st = HostStat()
            if fstat(fd, &st) == 0 {
                mode = UInt32(st.st_mode)
                size = UInt64(st.st_size)
                ino = UInt32(truncatingIfNeeded: st.st_ino)
                #if canImport(Glibc)
                mtime = UInt32(truncatingIfNeeded: st.st_mtim.tv_sec)
                #else
                mtime = UInt32(truncatingIfNeeded: st.st_mtimespec.tv_sec)
                #endif
            }
        }
        func be32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (24 - 8 * $0)) } }
        func be64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) } }
        return be32(0) + be32(ino) + be32(mode) + be32(1) + be32(0) + be32(0) + be32(0)
            + be64(size) + be64(4096) + be64((size + 511) / 512) + be32(mtime) + be32(mtime) + be32(mtime)
    }

    /// Closes what gdb left open.
    mutating func closeAll() {
        for case .host(let fd) in files.values { _ = close(fd) }
        files.removeAll()
    }

    private func openReadOnly(_ path: String) -> Int32 {
        #if canImport(Glibc)
        return Glibc.open(path, O_RDONLY | O_CLOEXEC)
        #else
        return Darwin.open(path, O_RDONLY | O_CLOEXEC)
        #endif
    }
}

#if canImport(Glibc)
private typealias HostStat = Glibc.stat
#else
private typealias HostStat = Darwin.stat
#endif
