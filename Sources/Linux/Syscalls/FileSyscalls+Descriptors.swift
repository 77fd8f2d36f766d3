#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

/// open, close, dup, fcntl, pipe, umask.
extension FileSyscalls {
    // MARK: open

    /// Opens `path` relative to `dirfd` with Linux flags and mode: the new descriptor.
    public static func open(_ process: Process, path: String, dirfd: Int32 = LinuxAT.fdcwd,
                            flags: UInt32, mode: UInt32) throws(Errno) -> Int32 {
        let file = try openFile(process, path: path, dirfd: dirfd, flags: flags, mode: mode)
        guard let fd = process.files.install(file, closeOnExec: flags & LinuxOpenFlag.closeOnExec != 0) else {
            throw .EMFILE
        }
        if flags & LinuxOpenFlag.noCTTY == 0, let tty = file.terminalID {
            process.kernel?.acquireTerminal(tty, for: process)
        }
        return fd
    }

    /// The open file description for `path` (not yet in the descriptor table).
    public static func openFile(_ process: Process, path: String, dirfd: Int32 = LinuxAT.fdcwd,
                                flags: UInt32, mode: UInt32) throws(Errno) -> OpenFile {
        if flags & LinuxOpenFlag.tmpFile != 0 {
            throw flags & LinuxOpenFlag.directory != 0 ? .EOPNOTSUPP : .EINVAL
        }
        let creating = flags & LinuxOpenFlag.create != 0
        let exclusive = creating && flags & LinuxOpenFlag.exclusive != 0
        let follow = flags & LinuxOpenFlag.noFollow == 0 && !exclusive
        let r = try PathResolver.resolve(path, at: dirfd, process: process, followFinal: follow)
        let kept = flags & ~LinuxOpenFlag.openTimeOnly

        if r.isProc {
            guard r.exists, let kind = r.procKind else { throw creating ? .EACCES : .ENOENT }
            if exclusive { throw .EEXIST }
            if ProcStat.isMemory(r.guestPath, process) {
                return OpenFile(synthetic: .processMemory(process.memory), path: r.guestPath, flags: kept)
            }
            if flags & LinuxOpenFlag.accessMode != LinuxOpenFlag.readOnly || flags & LinuxOpenFlag.truncate != 0 {
                throw .EACCES
            }
            switch kind {
            case .directory:
                return OpenFile(synthetic: .syntheticDirectory, path: r.guestPath, flags: kept)
            case .link:
                throw .ELOOP
            case .file:
                if flags & LinuxOpenFlag.directory != 0 { throw .ENOTDIR }
                guard let provider = PathResolver.procProvider(process),
                      let content = provider.open(path: r.guestPath, process: process) else { throw .ENOENT }
                return OpenFile(synthetic: .synthetic(content), path: r.guestPath, flags: kept)
            }
        }

        if !r.exists {
            if !creating { throw .ENOENT }
            if r.trailingSlash { throw .EISDIR }
            if flags & LinuxOpenFlag.directory != 0 { throw .EINVAL }
        } else if exclusive {
            throw .EEXIST
        }
        var hostFlags = HostFS.openFlags(flags)
        if !r.reopensDescriptor { hostFlags |= O_NOFOLLOW }
        let perm = mode & 0o7777 & ~process.fs.umask
        let fd = HostCall.open(r.hostPath, hostFlags, mode_t(perm))
        if fd < 0 { throw Errno.current }
        var st = HostFS.HostStat()
        _ = HostCall.fstat(fd, &st)
        let isDir = UInt32(st.st_mode) & 0o170000 == 0o040000
        if creating && !r.exists && UInt32(st.st_mode) & 0o7777 != perm {
            // The host's umask may have taken more than the guest's.
            _ = fchmod(fd, mode_t(perm))
        }
        if flags & LinuxOpenFlag.directory != 0 && !isDir {
            _ = close(fd)
            throw .ENOTDIR
        }
        let file = OpenFile(hostFD: fd, path: r.guestPath, flags: kept, isDirectory: isDir)
        if UInt32(st.st_mode) & 0o170000 == 0o100000 { file.keepPosition() }
        return file
    }

    static func sysOpen(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try open(ctx.process, path: ctx.path(0), flags: ctx.arg(1), mode: ctx.arg(2))
    }

    static func sysOpenat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try open(ctx.process, path: ctx.path(1), dirfd: ctx.int(0), flags: ctx.arg(2), mode: ctx.arg(3))
    }

    static func sysCreat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try open(ctx.process, path: ctx.path(0),
                 flags: LinuxOpenFlag.create | LinuxOpenFlag.writeOnly | LinuxOpenFlag.truncate, mode: ctx.arg(1))
    }

    // MARK: close

    static func sysClose(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        guard ctx.process.files.remove(ctx.int(0)) != nil else { throw .EBADF }
        return 0
    }

    static func sysCloseRange(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let first = ctx.arg(0), last = ctx.arg(1), flags = ctx.arg(2)
        let unshare: UInt32 = 2, cloexec: UInt32 = 4
        if flags & ~(unshare | cloexec) != 0 || first > last { throw .EINVAL }
        let files = ctx.process.files
        for fd in files.descriptors where UInt32(bitPattern: fd) >= first && UInt32(bitPattern: fd) <= last {
            if flags & cloexec != 0 { files.setCloseOnExec(fd, true) } else { files.remove(fd) }
        }
        return 0
    }

    // MARK: dup, dup2, dup3

    static func sysDup(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        guard let fd = ctx.process.files.install(f) else { throw .EMFILE }
        return fd
    }

    static func dup2(_ ctx: SyscallContext, closeOnExec: Bool) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        let new = ctx.int(1)
        if new < 0 || new >= ctx.process.files.limit { throw .EBADF }
        ctx.process.files.install(f, at: new, closeOnExec: closeOnExec)
        return new
    }

    static func sysDup2(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        if ctx.int(0) == ctx.int(1) {
            _ = try ctx.file(0)
            return ctx.int(1)
        }
        return try dup2(ctx, closeOnExec: false)
    }

    static func sysDup3(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let flags = ctx.arg(2)
        if flags & ~LinuxOpenFlag.closeOnExec != 0 { throw .EINVAL }
        if ctx.int(0) == ctx.int(1) { throw .EINVAL }
        return try dup2(ctx, closeOnExec: flags != 0)
    }

    // MARK: fcntl

    enum FcntlCommand {
        static let dupFD: UInt32 = 0, getFD: UInt32 = 1, setFD: UInt32 = 2, getFL: UInt32 = 3, setFL: UInt32 = 4
        static let getLK: UInt32 = 5, setLK: UInt32 = 6, setLKW: UInt32 = 7
        static let setOwn: UInt32 = 8, getOwn: UInt32 = 9, setSig: UInt32 = 10, getSig: UInt32 = 11
        static let getLK64: UInt32 = 12, setLK64: UInt32 = 13, setLKW64: UInt32 = 14
        static let setOwnEx: UInt32 = 15, getOwnEx: UInt32 = 16
        static let ofdGetLK: UInt32 = 36, ofdSetLK: UInt32 = 37, ofdSetLKW: UInt32 = 38
        static let setLease: UInt32 = 1024, getLease: UInt32 = 1025, notify: UInt32 = 1026
        static let dupFDCloexec: UInt32 = 1030
        static let setPipeSize: UInt32 = 1031, getPipeSize: UInt32 = 1032
        static let addSeals: UInt32 = 1033, getSeals: UInt32 = 1034
    }

    /// fcntl and fcntl64 (the same here: the 64-bit lock structures are recognised by command).
    static func sysFcntl(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let fd = ctx.int(0)
        let f = try ctx.file(0)
        let files = ctx.process.files
        let arg = ctx.arg(2)
        switch ctx.arg(1) {
        case FcntlCommand.dupFD, FcntlCommand.dupFDCloexec:
            let minimum = Int32(bitPattern: arg)
            if minimum < 0 || minimum >= files.limit { throw .EINVAL }
            guard let new = files.install(f, closeOnExec: ctx.arg(1) == FcntlCommand.dupFDCloexec,
                                          minimum: minimum) else { throw .EMFILE }
            return new
        case FcntlCommand.getFD:
            return files.closeOnExec(fd) == true ? 1 : 0
        case FcntlCommand.setFD:
            files.setCloseOnExec(fd, arg & 1 != 0)
            return 0
        case FcntlCommand.getFL:
            return Int32(bitPattern: f.flags)
        case FcntlCommand.setFL:
            let new = (f.flags & ~LinuxOpenFlag.settable) | (arg & LinuxOpenFlag.settable)
            if f.isHost && !HostFS.setStatusFlags(f.hostFD, nonBlock: f.hostNonBlocking || new & LinuxOpenFlag.nonBlock != 0,
                                                  append: new & LinuxOpenFlag.append != 0) {
                throw Errno.current
            }
            if new & LinuxOpenFlag.append != 0 { f.handPositionToHost() }
            f.flags = new
            return 0
        case FcntlCommand.getLK, FcntlCommand.ofdGetLK:
            // No locks are ever held against the caller: l_type = F_UNLCK.
            guard ctx.u32(at: arg) != nil else { throw .EFAULT }
            guard ctx.write(GuestLayout.le16(2), to: arg) else { throw .EFAULT }
            return 0
        case FcntlCommand.getLK64:
            guard ctx.bytes(at: arg, count: 24) != nil else { throw .EFAULT }
            guard ctx.write(GuestLayout.le16(2), to: arg) else { throw .EFAULT }
            return 0
        case FcntlCommand.setLK, FcntlCommand.setLKW, FcntlCommand.ofdSetLK, FcntlCommand.ofdSetLKW:
            guard let b = ctx.bytes(at: arg, count: 16) else { throw .EFAULT }
            return try checkLock(f, type: FSBytes.u16(b, 0))
        case FcntlCommand.setLK64, FcntlCommand.setLKW64:
            guard let b = ctx.bytes(at: arg, count: 24) else { throw .EFAULT }
            return try checkLock(f, type: FSBytes.u16(b, 0))
        case FcntlCommand.getOwn, FcntlCommand.getSig, FcntlCommand.getLease:
            return ctx.arg(1) == FcntlCommand.getLease ? 2 : 0
        case FcntlCommand.setOwn, FcntlCommand.setSig, FcntlCommand.notify:
            return 0
        case FcntlCommand.setLease:
            throw .EAGAIN
        case FcntlCommand.getPipeSize, FcntlCommand.setPipeSize:
            var st = HostFS.HostStat()
            guard f.isHost, HostCall.fstat(f.hostFD, &st) == 0, UInt32(st.st_mode) & 0o170000 == 0o010000 else {
                throw .EBADF
            }
            return 65536
        case FcntlCommand.getSeals, FcntlCommand.addSeals:
            throw .EINVAL
        default:
            throw .EINVAL
        }
    }

    /// F_SETLK: no locks are kept, but the request is checked as Linux would.
    static func checkLock(_ f: OpenFile, type: UInt16) throws(Errno) -> Int32 {
        switch type {
        case 0: guard f.isReadable else { throw .EBADF }     // F_RDLCK
        case 1: guard f.isWritable else { throw .EBADF }     // F_WRLCK
        case 2: break                                        // F_UNLCK
        default: throw .EINVAL
        }
        return 0
    }

    static func sysFlock(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        _ = try ctx.file(0)
        let op = ctx.arg(1) & ~4   // LOCK_NB
        guard op == 1 || op == 2 || op == 8 else { throw .EINVAL }
        return 0
    }

    // MARK: pipe, pipe2

    static func makePipe(_ ctx: SyscallContext, flags: UInt32) throws(Errno) -> Int32 {
        let allowed = LinuxOpenFlag.closeOnExec | LinuxOpenFlag.nonBlock | LinuxOpenFlag.direct
        if flags & ~allowed != 0 { throw .EINVAL }
        guard ctx.memory.check(ctx.arg(0), length: 8, need: PagePermission.userWrite) else { throw .EFAULT }
        var p: [Int32] = [0, 0]
        if HostCall.pipe(&p) != 0 { throw Errno.current }
        let nonBlock = flags & LinuxOpenFlag.nonBlock != 0
        // The host ends never block: a guest task waiting on a pipe sleeps in Gate's
        // scheduler while the task at the other end runs.
        _ = nonBlock
        for h in p {
            _ = fcntl(h, F_SETFD, FD_CLOEXEC)
            _ = HostFS.setStatusFlags(h, nonBlock: true, append: false)
        }
        var st = HostFS.HostStat()
        _ = HostCall.fstat(p[0], &st)
        let name = "pipe:[\(st.st_ino)]"
        let status = flags & LinuxOpenFlag.nonBlock
        let reader = OpenFile(hostFD: p[0], path: name, flags: LinuxOpenFlag.readOnly | status, isDirectory: false)
        let writer = OpenFile(hostFD: p[1], path: name, flags: LinuxOpenFlag.writeOnly | status, isDirectory: false)
        reader.hostNonBlocking = true
        writer.hostNonBlocking = true
        let files = ctx.process.files
        let cloexec = flags & LinuxOpenFlag.closeOnExec != 0
        guard let r = files.install(reader, closeOnExec: cloexec) else { throw .EMFILE }
        guard let w = files.install(writer, closeOnExec: cloexec) else {
            files.remove(r)
            throw .EMFILE
        }
        guard ctx.write(GuestLayout.le32(UInt32(bitPattern: r)) + GuestLayout.le32(UInt32(bitPattern: w)),
                        to: ctx.arg(0)) else {
            files.remove(r)
            files.remove(w)
            throw .EFAULT
        }
        return 0
    }

    static func sysPipe(_ ctx: SyscallContext) throws(Errno) -> Int32 { try makePipe(ctx, flags: 0) }
    static func sysPipe2(_ ctx: SyscallContext) throws(Errno) -> Int32 { try makePipe(ctx, flags: ctx.arg(1)) }

    // MARK: umask

    static func sysUmask(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let old = ctx.process.fs.umask
        ctx.process.fs.umask = ctx.arg(0) & 0o777
        return Int32(old)
    }
}

