import IA32
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The file-system system calls: descriptors, I/O, paths, stat, directories,
/// terminals and polling, on host files inside the process's root.
public enum FileSyscalls {
    /// Serves /proc/* as synthetic read-only files when set (a process's own
    /// `fs.procFS` takes precedence); when nil, /proc is the host directory under the root.
    nonisolated(unsafe) public static var procFS: ProcFileProvider? = nil

    /// Every call, with its i386 number (arch/x86/entry/syscalls/syscall_32.tbl).
    public static let entries: [SyscallEntry] = [
        // I/O (FileSyscalls+IO.swift)
        SyscallEntry(3, "read", [.fd, .outBuffer(lengthArg: 2), .size], sys(sysRead)),
        SyscallEntry(4, "write", [.fd, .inBuffer(lengthArg: 2), .size], sys(sysWrite)),
        SyscallEntry(19, "lseek", [.fd, .offset, .whence], sys(sysLseek)),
        SyscallEntry(140, "_llseek", [.fd, .uint, .uint, .pointer, .whence], sys(sysLlseek)),
        SyscallEntry(145, "readv", [.fd, .iovec(countArg: 2), .int], sys(sysReadv)),
        SyscallEntry(146, "writev", [.fd, .iovec(countArg: 2), .int], sys(sysWritev)),
        SyscallEntry(180, "pread64", [.fd, .outBuffer(lengthArg: 2), .size, .offset, .offset], sys(sysPread64)),
        SyscallEntry(181, "pwrite64", [.fd, .inBuffer(lengthArg: 2), .size, .offset, .offset], sys(sysPwrite64)),
        SyscallEntry(333, "preadv", [.fd, .iovec(countArg: 2), .int, .offset, .offset], sys(sysPreadv)),
        SyscallEntry(334, "pwritev", [.fd, .iovec(countArg: 2), .int, .offset, .offset], sys(sysPwritev)),
        SyscallEntry(187, "sendfile", [.fd, .fd, .pointer, .size], sys(sysSendfile)),
        SyscallEntry(239, "sendfile64", [.fd, .fd, .pointer, .size], sys(sysSendfile64)),
        SyscallEntry(118, "fsync", [.fd], sys(sysFsync)),
        SyscallEntry(148, "fdatasync", [.fd], sys(sysFdatasync)),
        SyscallEntry(36, "sync", [], sys { _ in 0 }),
        SyscallEntry(344, "syncfs", [.fd], sys(sysSyncfs)),
        SyscallEntry(225, "readahead", [.fd, .offset, .offset, .size], sys(sysReadahead)),
        SyscallEntry(250, "fadvise64", [.fd, .offset, .offset, .size, .int], sys(sysFadvise64)),
        SyscallEntry(272, "fadvise64_64", [.fd, .offset, .offset, .offset, .offset, .int], sys(sysFadvise64_64)),
        // Polling (FileSyscalls+Poll.swift)
        SyscallEntry(168, "poll", [.pointer, .uint, .int], sys(sysPoll)),
        SyscallEntry(142, "_newselect", [.int, .pointer, .pointer, .pointer, .pointer], sys(sysNewselect)),
        SyscallEntry(82, "select", [.pointer], sys(sysOldselect)),
        SyscallEntry(308, "pselect6", [.int, .pointer, .pointer, .pointer, .timespec, .pointer], sys(sysPselect6)),
        SyscallEntry(309, "ppoll", [.pointer, .uint, .timespec, .sigset, .size], sys(sysPpoll)),
        SyscallEntry(413, "pselect6_time64", [.int, .pointer, .pointer, .pointer, .pointer, .pointer], sys(sysPselect6Time64)),
        SyscallEntry(414, "ppoll_time64", [.pointer, .uint, .pointer, .sigset, .size], sys(sysPpollTime64)),
        // Descriptors (FileSyscalls+Descriptors.swift)
        SyscallEntry(5, "open", [.path, .openFlags, .mode], sys(sysOpen)),
        SyscallEntry(295, "openat", [.dirfd, .path, .openFlags, .mode], sys(sysOpenat)),
        SyscallEntry(8, "creat", [.path, .mode], sys(sysCreat)),
        SyscallEntry(6, "close", [.fd], sys(sysClose)),
        SyscallEntry(436, "close_range", [.fd, .fd, .hex], sys(sysCloseRange)),
        SyscallEntry(41, "dup", [.fd], sys(sysDup)),
        SyscallEntry(63, "dup2", [.fd, .fd], sys(sysDup2)),
        SyscallEntry(330, "dup3", [.fd, .fd, .openFlags], sys(sysDup3)),
        SyscallEntry(55, "fcntl", [.fd, .fcntlCmd, .hex], sys(sysFcntl)),
        SyscallEntry(221, "fcntl64", [.fd, .fcntlCmd, .hex], sys(sysFcntl)),
        SyscallEntry(143, "flock", [.fd, .int], sys(sysFlock)),
        SyscallEntry(42, "pipe", [.pointer], sys(sysPipe)),
        SyscallEntry(331, "pipe2", [.pointer, .openFlags], sys(sysPipe2)),
        SyscallEntry(60, "umask", [.mode], sys(sysUmask)),
        SyscallEntry(54, "ioctl", [.fd, .ioctlRequest, .hex], sys(sysIoctl)),
        // Stat and attributes (FileSyscalls+Stat.swift)
        SyscallEntry(18, "oldstat", [.path, .pointer], sys(sysOldstat)),
        SyscallEntry(84, "oldlstat", [.path, .pointer], sys(sysOldlstat)),
        SyscallEntry(28, "oldfstat", [.fd, .pointer], sys(sysOldfstat)),
        SyscallEntry(106, "stat", [.path, .statBuffer], sys(sysStat)),
        SyscallEntry(107, "lstat", [.path, .statBuffer], sys(sysLstat)),
        SyscallEntry(108, "fstat", [.fd, .statBuffer], sys(sysFstat)),
        SyscallEntry(195, "stat64", [.path, .statBuffer], sys(sysStat64)),
        SyscallEntry(196, "lstat64", [.path, .statBuffer], sys(sysLstat64)),
        SyscallEntry(197, "fstat64", [.fd, .statBuffer], sys(sysFstat64)),
        SyscallEntry(300, "fstatat64", [.dirfd, .path, .statBuffer, .atFlags], sys(sysFstatat64)),
        SyscallEntry(383, "statx", [.dirfd, .path, .atFlags, .hex, .pointer], sys(sysStatx)),
        SyscallEntry(99, "statfs", [.path, .pointer], sys(sysStatfs)),
        SyscallEntry(100, "fstatfs", [.fd, .pointer], sys(sysFstatfs)),
        SyscallEntry(268, "statfs64", [.path, .size, .pointer], sys(sysStatfs64)),
        SyscallEntry(269, "fstatfs64", [.fd, .size, .pointer], sys(sysFstatfs64)),
        SyscallEntry(33, "access", [.path, .accessMode], sys(sysAccess)),
        SyscallEntry(307, "faccessat", [.dirfd, .path, .accessMode], sys(sysFaccessat)),
        SyscallEntry(439, "faccessat2", [.dirfd, .path, .accessMode, .atFlags], sys(sysFaccessat2)),
        SyscallEntry(15, "chmod", [.path, .mode], sys(sysChmod)),
        SyscallEntry(94, "fchmod", [.fd, .mode], sys(sysFchmod)),
        SyscallEntry(306, "fchmodat", [.dirfd, .path, .mode], sys(sysFchmodat)),
        SyscallEntry(452, "fchmodat2", [.dirfd, .path, .mode, .atFlags], sys(sysFchmodat2)),
        SyscallEntry(182, "chown", [.path, .int, .int], sys(sysChown16)),
        SyscallEntry(16, "lchown", [.path, .int, .int], sys(sysLchown16)),
        SyscallEntry(95, "fchown", [.fd, .int, .int], sys(sysFchown16)),
        SyscallEntry(212, "chown32", [.path, .int, .int], sys(sysChown32)),
        SyscallEntry(198, "lchown32", [.path, .int, .int], sys(sysLchown32)),
        SyscallEntry(207, "fchown32", [.fd, .int, .int], sys(sysFchown32)),
        SyscallEntry(298, "fchownat", [.dirfd, .path, .int, .int, .atFlags], sys(sysFchownat)),
        SyscallEntry(30, "utime", [.path, .pointer], sys(sysUtime)),
        SyscallEntry(271, "utimes", [.path, .pointer], sys(sysUtimes)),
        SyscallEntry(299, "futimesat", [.dirfd, .path, .pointer], sys(sysFutimesat)),
        SyscallEntry(320, "utimensat", [.dirfd, .path, .timespec, .atFlags], sys(sysUtimensat)),
        SyscallEntry(412, "utimensat_time64", [.dirfd, .path, .pointer, .atFlags], sys(sysUtimensatTime64)),
        SyscallEntry(92, "truncate", [.path, .int], sys(sysTruncate)),
        SyscallEntry(93, "ftruncate", [.fd, .int], sys(sysFtruncate)),
        SyscallEntry(193, "truncate64", [.path, .offset, .offset], sys(sysTruncate64)),
        SyscallEntry(194, "ftruncate64", [.fd, .offset, .offset], sys(sysFtruncate64)),
        // Directories (FileSyscalls+Directories.swift)
        SyscallEntry(141, "getdents", [.fd, .pointer, .size], sys(sysGetdents)),
        SyscallEntry(220, "getdents64", [.fd, .pointer, .size], sys(sysGetdents64)),
        SyscallEntry(183, "getcwd", [.outBuffer(lengthArg: 1), .size], sys(sysGetcwd)),
        SyscallEntry(12, "chdir", [.path], sys(sysChdir)),
        SyscallEntry(133, "fchdir", [.fd], sys(sysFchdir)),
        SyscallEntry(39, "mkdir", [.path, .mode], sys(sysMkdir)),
        SyscallEntry(296, "mkdirat", [.dirfd, .path, .mode], sys(sysMkdirat)),
        SyscallEntry(40, "rmdir", [.path], sys(sysRmdir)),
        SyscallEntry(14, "mknod", [.path, .mode, .hex], sys(sysMknod)),
        SyscallEntry(297, "mknodat", [.dirfd, .path, .mode, .hex], sys(sysMknodat)),
        // Names (FileSyscalls+Paths.swift)
        SyscallEntry(10, "unlink", [.path], sys(sysUnlink)),
        SyscallEntry(301, "unlinkat", [.dirfd, .path, .atFlags], sys(sysUnlinkat)),
        SyscallEntry(38, "rename", [.path, .path], sys(sysRename)),
        SyscallEntry(302, "renameat", [.dirfd, .path, .dirfd, .path], sys(sysRenameat)),
        SyscallEntry(353, "renameat2", [.dirfd, .path, .dirfd, .path, .hex], sys(sysRenameat2)),
        SyscallEntry(9, "link", [.path, .path], sys(sysLink)),
        SyscallEntry(303, "linkat", [.dirfd, .path, .dirfd, .path, .atFlags], sys(sysLinkat)),
        SyscallEntry(83, "symlink", [.string, .path], sys(sysSymlink)),
        SyscallEntry(304, "symlinkat", [.string, .dirfd, .path], sys(sysSymlinkat)),
        SyscallEntry(85, "readlink", [.path, .outBuffer(lengthArg: 2), .size], sys(sysReadlink)),
        SyscallEntry(305, "readlinkat", [.dirfd, .path, .outBuffer(lengthArg: 3), .size], sys(sysReadlinkat)),
        SyscallEntry(226, "setxattr", [.path, .string, .pointer, .size, .int], sys(sysSetxattr)),
        SyscallEntry(227, "lsetxattr", [.path, .string, .pointer, .size, .int], sys(sysLsetxattr)),
        SyscallEntry(228, "fsetxattr", [.fd, .string, .pointer, .size, .int], sys(sysFsetxattr)),
        SyscallEntry(229, "getxattr", [.path, .string, .pointer, .size], sys(sysGetxattr)),
        SyscallEntry(230, "lgetxattr", [.path, .string, .pointer, .size], sys(sysLgetxattr)),
        SyscallEntry(231, "fgetxattr", [.fd, .string, .pointer, .size], sys(sysFgetxattr)),
        SyscallEntry(232, "listxattr", [.path, .pointer, .size], sys(sysListxattr)),
        SyscallEntry(233, "llistxattr", [.path, .pointer, .size], sys(sysLlistxattr)),
        SyscallEntry(234, "flistxattr", [.fd, .pointer, .size], sys(sysFlistxattr)),
        SyscallEntry(235, "removexattr", [.path, .string], sys(sysRemovexattr)),
        SyscallEntry(236, "lremovexattr", [.path, .string], sys(sysLremovexattr)),
        SyscallEntry(237, "fremovexattr", [.fd, .string], sys(sysFremovexattr)),
    ]

    typealias Body = ThrowingSyscallBody

    /// A body written with `throw Errno`, for the table (the error becomes -errno).
    static func sys(_ f: @escaping Body) -> SyscallEntry.Run { .throwing(f) }

    /// MAX_RW_COUNT: the most one read or write moves.
    static let maxRW = 0x7fff_f000
}

// MARK: - Helpers shared by the bodies

extension SyscallContext {
    /// The open file for descriptor argument `i`, or EBADF.
    func file(_ i: Int) throws(Errno) -> OpenFile {
        guard let f = process.unretainedFiles._withUnsafeGuaranteedRef({ $0.get(int(i)) }) else { throw .EBADF }
        return f
    }

    /// `file(i)` lent to `body`, which uses the file and leaves the descriptor table
    /// alone (lseek): no retain and release, an atomic pair, per call.
    func withFile<R>(_ i: Int, _ body: (OpenFile) throws(Errno) -> R) throws(Errno) -> R {
        let lent = try process.unretainedFiles._withUnsafeGuaranteedRef { t in
            Result { () throws(Errno) in try t.withUnretained(int(i), body) }
        }.get()
        guard let r = lent else { throw .EBADF }
        return r
    }

    /// A NUL-terminated path at `address`: EFAULT, ENAMETOOLONG, or ENOENT when empty
    /// (unless `allowEmpty`).
    func path(at address: UInt32, allowEmpty: Bool = false) throws(Errno) -> String {
        guard let raw = memory.readCString(address, max: PathResolver.pathMax) else { throw .EFAULT }
        if raw.count >= PathResolver.pathMax { throw .ENAMETOOLONG }
        if raw.isEmpty && !allowEmpty { throw .ENOENT }
        return String(decoding: raw, as: UTF8.self)
    }

    /// Path argument `i`.
    func path(_ i: Int, allowEmpty: Bool = false) throws(Errno) -> String {
        try path(at: arg(i), allowEmpty: allowEmpty)
    }

    /// Resolves path argument `i` relative to `dirfd`.
    func resolve(_ i: Int, dirfd: Int32 = LinuxAT.fdcwd, follow: Bool) throws(Errno) -> ResolvedPath {
        try PathResolver.resolve(path(i), at: dirfd, process: process, followFinal: follow)
    }

    /// A 64-bit value passed in two registers, low word first.
    func u64(low: Int, high: Int) -> UInt64 { UInt64(arg(low)) | UInt64(arg(high)) << 32 }
    func i64(low: Int, high: Int) -> Int64 { Int64(bitPattern: u64(low: low, high: high)) }

    /// How many of `count` bytes from `address` are accessible with `need`, stopping
    /// at the first page that is not (a partial transfer, as copy_to_user makes).
    func accessiblePrefix(_ address: UInt32, _ count: Int, need: UInt8) -> Int {
        var done = 0
        var a = UInt64(address)
        while done < count && a < 1 << 32 {
            let perm = memory.permission(at: UInt32(a))
            if perm & need != need { break }
            let pageEnd = (a | 0xfff) + 1
            done += min(count - done, Int(pageEnd - a))
            a = pageEnd
        }
        return done
    }

    /// A host pointer into guest memory.
    func hostPointer(_ address: UInt32) -> UnsafeMutableRawPointer { memory.base + Int(address) }

    func i64(at address: UInt32) -> Int64? {
        guard memory.check(address, length: 8, need: PagePermission.userRead) else { return nil }
        return Int64(bitPattern: UInt64(memory.load32(address)) | UInt64(memory.load32(address &+ 4)) << 32)
    }

    func i32(at address: UInt32) -> Int32? { u32(at: address).map { Int32(bitPattern: $0) } }
}
