#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

/// getdents, getcwd, chdir, mkdir, rmdir, mknod.
extension FileSyscalls {
    // MARK: getdents64, getdents

    /// Linux d_type values (the same on Darwin).
    enum DirentType {
        static let unknown: UInt8 = 0, directory: UInt8 = 4, regular: UInt8 = 8, link: UInt8 = 10
    }

    /// A directory's entries, read once and kept until the directory is rewound.
    static func listing(_ process: Process, _ f: OpenFile) throws(Errno) -> [FSDirEntry] {
        if let l = f.listing { return l }
        var l: [FSDirEntry]
        switch f.backing {
        case .host:
            l = try HostFS.readDirectory(f.hostFD)
            if f.path == "/" {
                // The root's ".." is the root itself.
                if let dot = l.first(where: { $0.name == [0x2e] }),
                   let i = l.firstIndex(where: { $0.name == [0x2e, 0x2e] }) {
                    l[i].ino = dot.ino
                }
            }
        case .syntheticDirectory:
            let parent = f.path == "/proc" ? "/" : String(f.path[..<(f.path.lastIndex(of: "/") ?? f.path.endIndex)])
            l = [FSDirEntry(ino: ProcStat.inode(f.path), type: DirentType.directory, name: [0x2e]),
                 FSDirEntry(ino: parent == "/" ? 2 : ProcStat.inode(parent), type: DirentType.directory, name: [0x2e, 0x2e])]
            if let provider = PathResolver.procProvider(process) {
                for name in provider.list(path: f.path, process: process) ?? [] {
                    let path = f.path + "/" + name
                    let type: UInt8 = provider.readlink(path: path, process: process) != nil ? DirentType.link
                        : provider.isDirectory(path: path) ? DirentType.directory : DirentType.regular
                    l.append(FSDirEntry(ino: ProcStat.inode(path), type: type, name: Array(name.utf8)))
                }
            }
        case .synthetic, .processMemory:
            throw .ENOTDIR
        }
        f.listing = l
        return l
    }

    /// Fills a getdents buffer from the directory position; `record` lays out one
    /// entry (nil when it cannot be represented: EOVERFLOW).
    static func getdents(_ ctx: SyscallContext,
                         record: (FSDirEntry, Int) -> [UInt8]?) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        guard f.isDirectory else { throw .ENOTDIR }
        if f.isPathOnly { throw .EBADF }
        let address = ctx.arg(1)
        let count = Int(min(ctx.arg(2), UInt32(Int32.max)))
        let l = try listing(ctx.process, f)
        let cap = ctx.accessiblePrefix(address, count, need: PagePermission.userWrite)
        if cap == 0 && count > 0 { throw .EFAULT }
        var out: [UInt8] = []
        var pos = Int(max(0, f.position))
        var failure: Errno? = nil
        while pos < l.count {
            guard let rec = record(l[pos], pos + 1) else { failure = .EOVERFLOW; break }
            if out.count + rec.count > cap {
                if out.isEmpty { failure = rec.count <= count ? .EFAULT : .EINVAL }
                break
            }
            out += rec
            pos += 1
        }
        if out.isEmpty, let failure { throw failure }
        guard ctx.write(out, to: address) else { throw .EFAULT }
        f.position = Int64(pos)
        return Int32(out.count)
    }

    static func sysGetdents64(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
        try getdents(ctx) { e, next in
            let reclen = (19 + e.name.count + 1 + 7) & ~7
            var b = GuestLayout.Builder(size: reclen)
            b.u64(0, e.ino)
            b.i64(8, Int64(next))
            b.u16(16, UInt16(reclen))
            b.u8(18, e.type)
            b.raw(19, e.name)
            return b.bytes
        }
    }

    static func sysGetdents(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        // struct linux_dirent { u32 d_ino; u32 d_off; u16 d_reclen; char d_name[]; ... u8 d_type at the end }
        try getdents(ctx) { e, next in
            if e.ino > 0xffff_ffff { return nil }
            let reclen = (10 + e.name.count + 2 + 3) & ~3
            var b = GuestLayout.Builder(size: reclen)
            b.u32(0, UInt32(e.ino))
            b.u32(4, UInt32(next))
            b.u16(8, UInt16(reclen))
            b.raw(10, e.name)
            b.u8(reclen - 1, e.type)
            return b.bytes
        }
    }

    // MARK: getcwd, chdir, fchdir

    static func sysGetcwd(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let cwd = ctx.process.fs.cwd
        let bytes = Array(cwd.utf8) + [0]
        if Int(ctx.arg(1)) < bytes.count { throw .ERANGE }
        if !(PathResolver.procProvider(ctx.process) != nil && cwd.hasPrefix("/proc")) {
            var st = HostFS.HostStat()
            if lstat(PathResolver.hostPath(root: ctx.process.fs.root, PathResolver.components(cwd)), &st) != 0 {
                throw .ENOENT   // the cwd was removed
            }
        }
        guard ctx.write(bytes, to: ctx.arg(0)) else { throw .EFAULT }
        return Int32(bytes.count)
    }

    /// Makes a resolved directory the cwd.
    static func changeDirectory(_ process: Process, _ r: ResolvedPath) throws(Errno) -> Int32 {
        guard r.exists else { throw .ENOENT }
        if r.isProc {
            guard case .directory = r.procKind else { throw .ENOTDIR }
        } else {
            let s = try HostFS.stat(r.hostPath, follow: r.reopensDescriptor)
            guard s.isDirectory else { throw .ENOTDIR }
            if HostCall.access(r.hostPath, X_OK) != 0 { throw Errno.current }
        }
        process.fs.cwd = r.guestPath
        return 0
    }

    static func sysChdir(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try changeDirectory(ctx.process, ctx.resolve(0, follow: true))
    }

    static func sysFchdir(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        guard f.isDirectory else { throw .ENOTDIR }
        ctx.process.fs.cwd = f.path
        return 0
    }

    // MARK: mkdir, rmdir

    /// Brings a freshly created file to exactly `perm` when the host's umask took more.
    static func settle(_ hostPath: String, _ perm: UInt32, mask: UInt32) {
        var st = HostFS.HostStat()
        if lstat(hostPath, &st) == 0 && UInt32(st.st_mode) & mask != perm & mask {
            _ = HostCall.chmod(hostPath, mode_t((UInt32(st.st_mode) & 0o7777 & ~mask) | (perm & mask)))
        }
    }

    static func mkdir(_ ctx: SyscallContext, dirfd: Int32, pathIndex: Int, mode: UInt32) throws(Errno) -> Int32 {
        let r = try ctx.resolve(pathIndex, dirfd: dirfd, follow: false)
        if r.exists { throw .EEXIST }
        if r.isProc { throw .EPERM }
        let perm = mode & 0o1777 & ~ctx.process.fs.umask
        if HostCall.mkdir(r.hostPath, mode_t(perm)) != 0 { throw Errno.current }
        settle(r.hostPath, perm, mask: 0o1777)
        return 0
    }

    static func sysMkdir(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try mkdir(ctx, dirfd: LinuxAT.fdcwd, pathIndex: 0, mode: ctx.arg(1))
    }

    static func sysMkdirat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try mkdir(ctx, dirfd: ctx.int(0), pathIndex: 1, mode: ctx.arg(2))
    }

    static func rmdir(_ ctx: SyscallContext, dirfd: Int32, path: String) throws(Errno) -> Int32 {
        switch PathResolver.lastComponent(path) {
        case ".": throw .EINVAL
        case "..": throw .ENOTEMPTY
        default: break
        }
        let r = try PathResolver.resolve(path, at: dirfd, process: ctx.process, followFinal: false)
        guard r.exists else { throw .ENOENT }
        if r.isProc { throw .EPERM }
        if r.guestPath == "/" { throw .EBUSY }
        if HostCall.rmdir(r.hostPath) != 0 { throw Errno.current }
        return 0
    }

    static func sysRmdir(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try rmdir(ctx, dirfd: LinuxAT.fdcwd, path: ctx.path(0))
    }

    // MARK: mknod

    static func mknod(_ ctx: SyscallContext, dirfd: Int32, pathIndex: Int, mode: UInt32, dev: UInt32) throws(Errno) -> Int32 {
        let type = mode & 0o170000
        switch type {
        case 0, 0o100000, 0o020000, 0o060000, 0o010000, 0o140000: break
        case 0o040000: throw .EPERM
        default: throw .EINVAL
        }
        let r = try ctx.resolve(pathIndex, dirfd: dirfd, follow: false)
        if r.exists { throw .EEXIST }
        if r.isProc { throw .EPERM }
        let perm = mode & 0o7777 & ~ctx.process.fs.umask
        switch type {
        case 0, 0o100000:
            let fd = HostCall.open(r.hostPath, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode_t(perm))
            if fd < 0 { throw Errno.current }
            _ = close(fd)
        case 0o010000:
            if mkfifo(r.hostPath, mode_t(perm)) != 0 { throw Errno.current }
        default:
            let major = (dev & 0xfff00) >> 8, minor = (dev & 0xff) | ((dev >> 12) & 0xfff00)
            if HostCall.mknod(r.hostPath, mode_t(type | perm), HostFS.makeDev(major, minor)) != 0 { throw Errno.current }
        }
        settle(r.hostPath, perm, mask: 0o7777)
        return 0
    }

    static func sysMknod(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try mknod(ctx, dirfd: LinuxAT.fdcwd, pathIndex: 0, mode: ctx.arg(1), dev: ctx.arg(2))
    }

    static func sysMknodat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try mknod(ctx, dirfd: ctx.int(0), pathIndex: 1, mode: ctx.arg(2), dev: ctx.arg(3))
    }
}

