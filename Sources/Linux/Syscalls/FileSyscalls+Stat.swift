#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if os(Linux)
import CHostCalls
#endif

/// stat in its four i386 shapes, statx, statfs, access, chmod, chown, utimens, truncate.
extension FileSyscalls {
    // MARK: Targets: a descriptor or a resolved path

    enum Target {
        case file(OpenFile)
        case path(ResolvedPath)
    }

    /// What an *at call names: `path` relative to `dirfd`, or with AT_EMPTY_PATH and
    /// an empty path, `dirfd` itself (the cwd for AT_FDCWD).
    static func target(_ ctx: SyscallContext, dirfd: Int32, pathAddress: UInt32, flags: UInt32,
                       follow: Bool) throws(Errno) -> Target {
        let emptyAllowed = flags & LinuxAT.emptyPath != 0
        let path = pathAddress == 0 && emptyAllowed ? "" : try ctx.path(at: pathAddress, allowEmpty: emptyAllowed)
        if path.isEmpty {
            if dirfd == LinuxAT.fdcwd {
                return .path(try PathResolver.resolve(".", process: ctx.process))
            }
            guard let f = ctx.process.files.get(dirfd) else { throw .EBADF }
            return .file(f)
        }
        return .path(try PathResolver.resolve(path, at: dirfd, process: ctx.process, followFinal: follow))
    }

    /// What an *at stat call names, stat'd: a plain name in the current directory
    /// straight from the host (`PathResolver.statPlainName`), anything else through
    /// `target` and `stat`.
    static func statAt(_ ctx: SyscallContext, dirfd: Int32, pathAddress: UInt32, flags: UInt32,
                       follow: Bool) throws(Errno) -> KStat {
        if dirfd == LinuxAT.fdcwd {
            var st = HostFS.HostStat()
            let plain = Unmanaged.passUnretained(ctx.process)._withUnsafeGuaranteedRef {
                PathResolver.statPlainName(at: pathAddress, process: $0, followFinal: follow, into: &st)
            }
            switch plain {
            case .found: return KStat(host: st)
            case .failed(let e): throw e
            case .general: break
            }
        }
        return try stat(ctx.process, target(ctx, dirfd: dirfd, pathAddress: pathAddress, flags: flags, follow: follow))
    }

    static func fileStat(_ process: Process, _ f: OpenFile) throws(Errno) -> KStat {
        switch f.backing {
        case .host: return try HostFS.fstat(f.hostFD)
        case .synthetic, .processMemory: return ProcStat.stat(path: f.path, kind: .file, process: process)
        case .syntheticDirectory: return ProcStat.stat(path: f.path, kind: .directory, process: process)
        }
    }

    static func pathStat(_ process: Process, _ r: ResolvedPath) throws(Errno) -> KStat {
        guard r.exists else { throw .ENOENT }
        if r.isProc, let kind = r.procKind { return ProcStat.stat(path: r.guestPath, kind: kind, process: process) }
        if let st = r.hostStat, !r.reopensDescriptor { return KStat(host: st) }
        return try HostFS.stat(r.hostPath, follow: r.reopensDescriptor)
    }

    static func stat(_ process: Process, _ t: Target) throws(Errno) -> KStat {
        switch t {
        case .file(let f): return try fileStat(process, f)
        case .path(let r): return try pathStat(process, r)
        }
    }

    /// The host path for a target that exists on the host (EPERM for /proc).
    static func hostPath(_ t: Target) throws(Errno) -> String {
        switch t {
        case .file(let f):
            guard f.isHost else { throw .EPERM }
            return HostFS.reopenPath(f.hostFD)
        case .path(let r):
            guard r.exists else { throw .ENOENT }
            if r.isProc { throw .EPERM }
            return r.hostPath
        }
    }

    // MARK: stat, lstat, fstat in each layout

    enum StatLayout { case old, new, stat64 }

    /// Writes `s` at `address` in `layout`; EFAULT if the guest may not write there.
    static func writeStat(_ ctx: SyscallContext, _ s: KStat, _ layout: StatLayout, to address: UInt32) throws(Errno) {
        let written: Bool
        switch layout {
        case .stat64: written = ctx.writeFields(size: KStat.stat64Size, to: address) { s.stat64(into: $0) }
        case .new: written = ctx.write(try s.statBytes(), to: address)
        case .old: written = ctx.write(try s.oldKernelStatBytes(), to: address)
        }
        if !written { throw .EFAULT }
    }

    static func statPath(_ ctx: SyscallContext, follow: Bool, _ layout: StatLayout) throws(Errno) -> Int32 {
        try writeStat(ctx, statAt(ctx, dirfd: LinuxAT.fdcwd, pathAddress: ctx.arg(0), flags: 0, follow: follow),
                      layout, to: ctx.arg(1))
        return 0
    }

    static func statFD(_ ctx: SyscallContext, _ layout: StatLayout) throws(Errno) -> Int32 {
        try writeStat(ctx, fileStat(ctx.process, ctx.file(0)), layout, to: ctx.arg(1))
        return 0
    }

    static func sysOldstat(_ ctx: SyscallContext) throws(Errno) -> Int32 { try statPath(ctx, follow: true, .old) }
    static func sysOldlstat(_ ctx: SyscallContext) throws(Errno) -> Int32 { try statPath(ctx, follow: false, .old) }
    static func sysOldfstat(_ ctx: SyscallContext) throws(Errno) -> Int32 { try statFD(ctx, .old) }
    static func sysStat(_ ctx: SyscallContext) throws(Errno) -> Int32 { try statPath(ctx, follow: true, .new) }
    static func sysLstat(_ ctx: SyscallContext) throws(Errno) -> Int32 { try statPath(ctx, follow: false, .new) }
    static func sysFstat(_ ctx: SyscallContext) throws(Errno) -> Int32 { try statFD(ctx, .new) }
    static func sysStat64(_ ctx: SyscallContext) throws(Errno) -> Int32 { try statPath(ctx, follow: true, .stat64) }
    static func sysLstat64(_ ctx: SyscallContext) throws(Errno) -> Int32 { try statPath(ctx, follow: false, .stat64) }
    static func sysFstat64(_ ctx: SyscallContext) throws(Errno) -> Int32 { try statFD(ctx, .stat64) }

    static func sysFstatat64(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let flags = ctx.arg(3)
        if flags & ~(LinuxAT.symlinkNoFollow | LinuxAT.noAutomount | LinuxAT.emptyPath) != 0 { throw .EINVAL }
        let s = try statAt(ctx, dirfd: ctx.int(0), pathAddress: ctx.arg(1), flags: flags,
                           follow: flags & LinuxAT.symlinkNoFollow == 0)
        try writeStat(ctx, s, .stat64, to: ctx.arg(2))
        return 0
    }

    static func sysStatx(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let flags = ctx.arg(2), mask = ctx.arg(3)
        let valid = LinuxAT.symlinkNoFollow | LinuxAT.noAutomount | LinuxAT.emptyPath | LinuxAT.statxSyncType
        if flags & ~valid != 0 || flags & LinuxAT.statxSyncType == LinuxAT.statxSyncType { throw .EINVAL }
        if mask & 0x8000_0000 != 0 { throw .EINVAL }   // STATX__RESERVED
        let dirfd = ctx.int(0), follow = flags & LinuxAT.symlinkNoFollow == 0
        if try HostStatx.answer(ctx, dirfd: dirfd, pathAddress: ctx.arg(1), flags: flags, mask: mask, follow: follow) {
            return 0
        }
        let s = try statAt(ctx, dirfd: dirfd, pathAddress: ctx.arg(1), flags: flags, follow: follow)
        guard ctx.writeFields(size: KStat.statxSize, to: ctx.arg(4), { s.statx(into: $0) }) else { throw .EFAULT }
        return 0
    }

    /// statx answered by the host's own statx(2), on Linux hosts: the record is the
    /// same on every architecture, so the guest gets what a native i386 program would,
    /// birth time, attributes and mount id included, which a `struct stat` cannot
    /// carry. Paths are still Gate's to resolve (the guest's root, /proc): the host is
    /// asked about the resolved file without following a final symbolic link, with
    /// the guest's mask and sync flags. Elsewhere, and for files that are not the
    /// host's, the record is built from a `KStat`.
    enum HostStatx {
        /// Cleared when the host kernel answers ENOSYS (before Linux 4.11).
        nonisolated(unsafe) static var available = true

        /// Whether the call was answered (the record is in guest memory at arg 4);
        /// false: build it from a `KStat`.
        static func answer(_ ctx: SyscallContext, dirfd: Int32, pathAddress: UInt32, flags: UInt32, mask: UInt32,
                           follow: Bool) throws(Errno) -> Bool {
            #if os(Linux)
            guard available else { return false }
            let pass = Int32(bitPattern: flags & (LinuxAT.noAutomount | LinuxAT.statxSyncType))
            let noFollow = Int32(bitPattern: LinuxAT.symlinkNoFollow)
            return try withUnsafeTemporaryAllocation(byteCount: KStat.statxSize, alignment: 8) { buf throws(Errno) -> Bool in
                let record = buf.baseAddress!
                // A plain name in the current directory goes straight to the host (one
                // call, as for stat); a symbolic link to follow is Gate's to resolve.
                var result: Int32? = nil
                // The process is borrowed: read from the context, it was retained
                // and released around the lookup, an atomic pair per call.
                if dirfd == LinuxAT.fdcwd, let r = Unmanaged.passUnretained(ctx.process)._withUnsafeGuaranteedRef({
                    PathResolver.withPlainName(at: pathAddress, process: $0) { gate_host_statx($0, $1, pass | noFollow, mask, record) }
                }), !(r == 0 && follow && isSymlink(record)) {
                    result = r
                }
                if result == nil {
                    switch try target(ctx, dirfd: dirfd, pathAddress: pathAddress, flags: flags, follow: follow) {
                    case .file(let f) where f.isHost:
                        result = gate_host_statx(f.hostFD, "", pass | Int32(bitPattern: LinuxAT.emptyPath), mask, record)
                    case .path(let p) where p.exists && !p.isProc && !p.reopensDescriptor:
                        result = gate_host_statx(LinuxAT.fdcwd, p.hostPath, pass | noFollow, mask, record)
                    case .path(let p) where !p.exists:
                        throw .ENOENT
                    default:
                        return false   // /proc and Gate's own files
                    }
                }
                if result != 0 {
                    let e = Errno.current
                    if e == .ENOSYS { available = false; return false }
                    throw e
                }
                // Copied out only once the call has succeeded, as the kernel's cp_statx does.
                guard let out = ctx.withMemory({ $0.writableBytes(ctx.arg(4), length: UInt32(KStat.statxSize)) }) else {
                    throw .EFAULT
                }
                out.copyMemory(from: record, byteCount: KStat.statxSize)
                return true
            }
            #else
            return false
            #endif
        }

        /// stx_mode (a 16-bit field at offset 28) is a symbolic link's.
        static func isSymlink(_ record: UnsafeMutableRawPointer) -> Bool {
            UInt32(record.load(fromByteOffset: 28, as: UInt16.self)) & 0o170000 == 0o120000
        }
    }

    // MARK: statfs

    struct FSInfo {
        var type: UInt32 = 0xEF53   // EXT4_SUPER_MAGIC
        var bsize: UInt64 = 4096, blocks: UInt64 = 0, bfree: UInt64 = 0, bavail: UInt64 = 0
        var files: UInt64 = 0, ffree: UInt64 = 0
        var fsid: (UInt32, UInt32) = (0, 0)
        var namelen: UInt64 = 255, frsize: UInt64 = 4096
        var flags: UInt64 = 0x20   // ST_VALID

        static let proc = FSInfo(type: 0x9fa0, bsize: 4096, namelen: 255, frsize: 4096,
                                 flags: 0x20 | 0x2 | 0x4 | 0x8 | 0x1000)

        /// struct statfs64 (84 bytes).
        var statfs64Bytes: [UInt8] {
            var b = GuestLayout.Builder(size: 84)
            b.u32(0, type)
            b.u32(4, UInt32(truncatingIfNeeded: bsize))
            b.u64(8, blocks); b.u64(16, bfree); b.u64(24, bavail); b.u64(32, files); b.u64(40, ffree)
            b.u32(48, fsid.0); b.u32(52, fsid.1)
            b.u32(56, UInt32(truncatingIfNeeded: namelen))
            b.u32(60, UInt32(truncatingIfNeeded: frsize))
            b.u32(64, UInt32(truncatingIfNeeded: flags))
            return b.bytes
        }

        /// struct statfs (64 bytes): EOVERFLOW when a count needs more than 32 bits.
        func statfsBytes() throws(Errno) -> [UInt8] {
            let big: UInt64 = 0xffff_ffff
            if blocks > big || bfree > big || bavail > big || bsize > big || frsize > big { throw .EOVERFLOW }
            if (files != UInt64.max && files > big) || (ffree != UInt64.max && ffree > big) { throw .EOVERFLOW }
            var b = GuestLayout.Builder(size: 64)
            b.u32(0, type)
            b.u32(4, UInt32(bsize))
            b.u32(8, UInt32(blocks)); b.u32(12, UInt32(bfree)); b.u32(16, UInt32(bavail))
            b.u32(20, UInt32(truncatingIfNeeded: files)); b.u32(24, UInt32(truncatingIfNeeded: ffree))
            b.u32(28, fsid.0); b.u32(32, fsid.1)
            b.u32(36, UInt32(truncatingIfNeeded: namelen))
            b.u32(40, UInt32(frsize))
            b.u32(44, UInt32(truncatingIfNeeded: flags))
            return b.bytes
        }
    }

    static func fsInfo(_ t: Target) throws(Errno) -> FSInfo {
        switch t {
        case .file(let f):
            guard f.isHost else { return .proc }
            return try FSHostStatfs.info(fd: f.hostFD)
        case .path(let r):
            guard r.exists else { throw .ENOENT }
            if r.isProc { return .proc }
            return try FSHostStatfs.info(path: r.hostPath)
        }
    }

    static func sysStatfs(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let info = try fsInfo(.path(ctx.resolve(0, follow: true)))
        guard ctx.write(try info.statfsBytes(), to: ctx.arg(1)) else { throw .EFAULT }
        return 0
    }

    static func sysFstatfs(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let info = try fsInfo(.file(ctx.file(0)))
        guard ctx.write(try info.statfsBytes(), to: ctx.arg(1)) else { throw .EFAULT }
        return 0
    }

    static func sysStatfs64(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        if ctx.arg(1) != 84 { throw .EINVAL }
        let info = try fsInfo(.path(ctx.resolve(0, follow: true)))
        guard ctx.write(info.statfs64Bytes, to: ctx.arg(2)) else { throw .EFAULT }
        return 0
    }

    static func sysFstatfs64(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        if ctx.arg(1) != 84 { throw .EINVAL }
        let info = try fsInfo(.file(ctx.file(0)))
        guard ctx.write(info.statfs64Bytes, to: ctx.arg(2)) else { throw .EFAULT }
        return 0
    }

    // MARK: access

    static func access(_ ctx: SyscallContext, dirfd: Int32, pathAddress: UInt32, mode: UInt32, flags: UInt32) throws(Errno) -> Int32 {
        if mode & ~7 != 0 { throw .EINVAL }
        if flags & ~(LinuxAT.eaccess | LinuxAT.symlinkNoFollow | LinuxAT.emptyPath) != 0 { throw .EINVAL }
        let noFollow = flags & LinuxAT.symlinkNoFollow != 0
        let t = try target(ctx, dirfd: dirfd, pathAddress: pathAddress, flags: flags, follow: !noFollow)
        if case .path(let r) = t, r.isProc {
            guard r.exists, let kind = r.procKind else { throw .ENOENT }
            if mode & 2 != 0 { throw .EACCES }
            if mode & 1 != 0, case .file = kind { throw .EACCES }
            return 0
        }
        if case .file(let f) = t, !f.isHost {
            if mode & 2 != 0 || (mode & 1 != 0 && !f.isDirectory) { throw .EACCES }
            return 0
        }
        let path = try hostPath(t)
        var hostFlags: Int32 = 0
        if flags & LinuxAT.eaccess != 0 { hostFlags |= AT_EACCESS }
        if noFollow { hostFlags |= AT_SYMLINK_NOFOLLOW }
        if faccessat(AT_FDCWD, path, Int32(mode), hostFlags) != 0 { throw Errno.current }
        return 0
    }

    static func sysAccess(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try access(ctx, dirfd: LinuxAT.fdcwd, pathAddress: ctx.arg(0), mode: ctx.arg(1), flags: 0)
    }

    static func sysFaccessat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try access(ctx, dirfd: ctx.int(0), pathAddress: ctx.arg(1), mode: ctx.arg(2), flags: 0)
    }

    static func sysFaccessat2(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try access(ctx, dirfd: ctx.int(0), pathAddress: ctx.arg(1), mode: ctx.arg(2), flags: ctx.arg(3))
    }

    // MARK: chmod

    static func chmod(_ t: Target, _ mode: UInt32, noFollow: Bool = false) throws(Errno) -> Int32 {
        let m = mode_t(mode & 0o7777)
        switch t {
        case .file(let f):
            guard f.isHost else { throw .EPERM }
            if f.isPathOnly { throw .EBADF }
            if fchmod(f.hostFD, m) != 0 { throw Errno.current }
        case .path(let r):
            guard r.exists else { throw .ENOENT }
            if r.isProc { throw .EPERM }
            if noFollow, (try? HostFS.stat(r.hostPath, follow: false))?.isSymlink == true { throw .EOPNOTSUPP }
            if HostCall.chmod(r.hostPath, m) != 0 { throw Errno.current }
        }
        return 0
    }

    static func sysChmod(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try chmod(.path(ctx.resolve(0, follow: true)), ctx.arg(1))
    }

    static func sysFchmod(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try chmod(.file(ctx.file(0)), ctx.arg(1))
    }

    static func sysFchmodat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try chmod(.path(ctx.resolve(1, dirfd: ctx.int(0), follow: true)), ctx.arg(2))
    }

    static func sysFchmodat2(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let flags = ctx.arg(3)
        if flags & ~(LinuxAT.symlinkNoFollow | LinuxAT.emptyPath) != 0 { throw .EINVAL }
        let noFollow = flags & LinuxAT.symlinkNoFollow != 0
        let t = try target(ctx, dirfd: ctx.int(0), pathAddress: ctx.arg(1), flags: flags, follow: !noFollow)
        return try chmod(t, ctx.arg(2), noFollow: noFollow)
    }

    // MARK: chown

    /// Changes ownership; a guest root is granted it even where the host refuses.
    static func chown(_ ctx: SyscallContext, _ t: Target, _ uid: UInt32, _ gid: UInt32, noFollow: Bool) throws(Errno) -> Int32 {
        let u = uid_t(truncatingIfNeeded: Int64(Int32(bitPattern: uid)))
        let g = gid_t(truncatingIfNeeded: Int64(Int32(bitPattern: gid)))
        let r: Int32
        switch t {
        case .file(let f):
            guard f.isHost else { throw .EPERM }
            if f.isPathOnly { throw .EBADF }
            r = fchown(f.hostFD, u, g)
        case .path(let p):
            guard p.exists else { throw .ENOENT }
            if p.isProc { throw .EPERM }
            r = noFollow ? lchown(p.hostPath, u, g) : HostCall.chown(p.hostPath, u, g)
        }
        if r != 0 {
            let e = Errno.current
            if e == .EPERM && ctx.process.uid == 0 { return 0 }
            throw e
        }
        return 0
    }

    /// A 16-bit id as the 32-bit one (0xffff stays "unchanged").
    static func wide(_ id: UInt32) -> UInt32 { id & 0xffff == 0xffff ? 0xffff_ffff : id & 0xffff }

    static func sysChown16(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try chown(ctx, .path(ctx.resolve(0, follow: true)), wide(ctx.arg(1)), wide(ctx.arg(2)), noFollow: false)
    }
    static func sysLchown16(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try chown(ctx, .path(ctx.resolve(0, follow: false)), wide(ctx.arg(1)), wide(ctx.arg(2)), noFollow: true)
    }
    static func sysFchown16(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try chown(ctx, .file(ctx.file(0)), wide(ctx.arg(1)), wide(ctx.arg(2)), noFollow: false)
    }
    static func sysChown32(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try chown(ctx, .path(ctx.resolve(0, follow: true)), ctx.arg(1), ctx.arg(2), noFollow: false)
    }
    static func sysLchown32(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try chown(ctx, .path(ctx.resolve(0, follow: false)), ctx.arg(1), ctx.arg(2), noFollow: true)
    }
    static func sysFchown32(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try chown(ctx, .file(ctx.file(0)), ctx.arg(1), ctx.arg(2), noFollow: false)
    }

    static func sysFchownat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let flags = ctx.arg(4)
        if flags & ~(LinuxAT.symlinkNoFollow | LinuxAT.emptyPath) != 0 { throw .EINVAL }
        let noFollow = flags & LinuxAT.symlinkNoFollow != 0
        let t = try target(ctx, dirfd: ctx.int(0), pathAddress: ctx.arg(1), flags: flags, follow: !noFollow)
        return try chown(ctx, t, ctx.arg(2), ctx.arg(3), noFollow: noFollow)
    }

    // MARK: utimensat, utimes, utime

    /// UTIME_NOW and UTIME_OMIT as Linux and the host spell them.
    static let linuxUtimeNow: Int64 = (1 << 30) - 1, linuxUtimeOmit: Int64 = (1 << 30) - 2
    #if canImport(Darwin)
    static let hostUtimeNow = -1, hostUtimeOmit = -2
    #else
    static let hostUtimeNow = (1 << 30) - 1, hostUtimeOmit = (1 << 30) - 2
    #endif

    /// Sets access and modification times: nil means both now.
    static func setTimes(_ t: Target, _ times: [(Int64, Int64)]?, noFollow: Bool) throws(Errno) {
        var ts: [timespec] = (times ?? [(0, linuxUtimeNow), (0, linuxUtimeNow)]).map { (sec, nsec) in
            switch nsec {
            case linuxUtimeNow: return timespec(tv_sec: 0, tv_nsec: hostUtimeNow)
            case linuxUtimeOmit: return timespec(tv_sec: 0, tv_nsec: hostUtimeOmit)
            default: return timespec(tv_sec: time_t(truncatingIfNeeded: sec), tv_nsec: Int(nsec))
            }
        }
        let r: Int32
        switch t {
        case .file(let f):
            guard f.isHost else { throw .EPERM }
            r = futimens(f.hostFD, &ts)
        case .path(let p):
            guard p.exists else { throw .ENOENT }
            if p.isProc { throw .EPERM }
            r = utimensat(AT_FDCWD, p.hostPath, &ts, noFollow ? AT_SYMLINK_NOFOLLOW : 0)
        }
        if r != 0 { throw Errno.current }
    }

    static func utimensatCall(_ ctx: SyscallContext, wide: Bool) throws(Errno) -> Int32 {
        let dirfd = ctx.int(0), pathAddress = ctx.arg(1), timesAddress = ctx.arg(2), flags = ctx.arg(3)
        if flags & ~(LinuxAT.symlinkNoFollow | LinuxAT.emptyPath) != 0 { throw .EINVAL }
        var times: [(Int64, Int64)]? = nil
        if timesAddress != 0 {
            var pair: [(Int64, Int64)] = []
            for i in 0..<2 {
                let sec: Int64, nsec: Int64
                if wide {
                    guard let s = ctx.i64(at: timesAddress + UInt32(i * 16)),
                          let n = ctx.i64(at: timesAddress + UInt32(i * 16 + 8)) else { throw .EFAULT }
                    sec = s; nsec = n
                } else {
                    guard let s = ctx.i32(at: timesAddress + UInt32(i * 8)),
                          let n = ctx.i32(at: timesAddress + UInt32(i * 8 + 4)) else { throw .EFAULT }
                    sec = Int64(s); nsec = Int64(n)
                }
                if nsec != linuxUtimeNow && nsec != linuxUtimeOmit && (nsec < 0 || nsec >= 1_000_000_000) {
                    throw .EINVAL
                }
                pair.append((sec, nsec))
            }
            if pair[0].1 == linuxUtimeOmit && pair[1].1 == linuxUtimeOmit { return 0 }
            times = pair
        }
        let noFollow = flags & LinuxAT.symlinkNoFollow != 0
        let t: Target
        if pathAddress == 0 {
            // utimensat(fd, NULL, ...) is futimens(fd).
            if dirfd == LinuxAT.fdcwd { throw .EFAULT }
            t = .file(try ctx.file(0))
        } else {
            t = try target(ctx, dirfd: dirfd, pathAddress: pathAddress, flags: flags, follow: !noFollow)
        }
        try setTimes(t, times, noFollow: noFollow)
        return 0
    }

    static func sysUtimensat(_ ctx: SyscallContext) throws(Errno) -> Int32 { try utimensatCall(ctx, wide: false) }
    static func sysUtimensatTime64(_ ctx: SyscallContext) throws(Errno) -> Int32 { try utimensatCall(ctx, wide: true) }

    /// utimes/futimesat: two struct timeval (32-bit seconds and microseconds), or NULL.
    static func utimes(_ ctx: SyscallContext, dirfd: Int32, pathIndex: Int, timesIndex: Int) throws(Errno) -> Int32 {
        let address = ctx.arg(timesIndex)
        var times: [(Int64, Int64)]? = nil
        if address != 0 {
            guard let raw = ctx.bytes(at: address, count: 16) else { throw .EFAULT }
            times = try (0..<2).map { i throws(Errno) in
                let sec = Int64(Int32(bitPattern: FSBytes.u32(raw, i * 8)))
                let usec = Int64(Int32(bitPattern: FSBytes.u32(raw, i * 8 + 4)))
                if usec < 0 || usec >= 1_000_000 { throw .EINVAL }
                return (sec, usec * 1000)
            }
        }
        try setTimes(.path(ctx.resolve(pathIndex, dirfd: dirfd, follow: true)), times, noFollow: false)
        return 0
    }

    static func sysUtimes(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try utimes(ctx, dirfd: LinuxAT.fdcwd, pathIndex: 0, timesIndex: 1)
    }

    static func sysFutimesat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try utimes(ctx, dirfd: ctx.int(0), pathIndex: 1, timesIndex: 2)
    }

    /// utime: struct utimbuf {actime, modtime} in seconds, or NULL.
    static func sysUtime(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        var times: [(Int64, Int64)]? = nil
        if ctx.arg(1) != 0 {
            guard let raw = ctx.bytes(at: ctx.arg(1), count: 8) else { throw .EFAULT }
            times = [(Int64(Int32(bitPattern: FSBytes.u32(raw, 0))), 0), (Int64(Int32(bitPattern: FSBytes.u32(raw, 4))), 0)]
        }
        try setTimes(.path(ctx.resolve(0, follow: true)), times, noFollow: false)
        return 0
    }

    // MARK: truncate

    static func truncate(_ r: ResolvedPath, _ length: Int64) throws(Errno) -> Int32 {
        if length < 0 { throw .EINVAL }
        guard r.exists else { throw .ENOENT }
        if r.isProc { throw .EACCES }
        let s = try HostFS.stat(r.hostPath, follow: r.reopensDescriptor)
        if s.isDirectory { throw .EISDIR }
        if !s.isRegular { throw .EINVAL }
        if HostCall.truncate(r.hostPath, off_t(length)) != 0 { throw Errno.current }
        return 0
    }

    static func ftruncate(_ f: OpenFile, _ length: Int64) throws(Errno) -> Int32 {
        if length < 0 { throw .EINVAL }
        if f.isPathOnly { throw .EBADF }
        guard f.isHost, f.isWritable, !f.isDirectory else { throw .EINVAL }
        if HostCall.ftruncate(f.hostFD, off_t(length)) != 0 { throw Errno.current }
        return 0
    }

    static func sysTruncate(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try truncate(ctx.resolve(0, follow: true), Int64(ctx.int(1)))
    }
    static func sysFtruncate(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try ftruncate(ctx.file(0), Int64(ctx.int(1)))
    }
    static func sysTruncate64(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try truncate(ctx.resolve(0, follow: true), ctx.i64(low: 1, high: 2))
    }
    static func sysFtruncate64(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try ftruncate(ctx.file(0), ctx.i64(low: 1, high: 2))
    }
}

// MARK: - The i386 stat structures

extension KStat {
    /// struct stat64 (arch/x86/include/uapi/asm/stat.h), 96 bytes, into zeroed `b`.
    static let stat64Size = 96
    func stat64(into b: GuestLayout.Fields) {
        b.u64(0, UInt64(dev))
        b.u32(12, UInt32(truncatingIfNeeded: ino))
        b.u32(16, mode)
        b.u32(20, UInt32(clamping: nlink))
        b.u32(24, uid)
        b.u32(28, gid)
        b.u64(32, UInt64(rdev))
        b.i64(44, size)
        b.u32(52, blksize)
        b.u64(56, blocks)
        b.u32(64, UInt32(truncatingIfNeeded: atime.sec)); b.u32(68, atime.nsec)
        b.u32(72, UInt32(truncatingIfNeeded: mtime.sec)); b.u32(76, mtime.nsec)
        b.u32(80, UInt32(truncatingIfNeeded: ctime.sec)); b.u32(84, ctime.nsec)
        b.u64(88, ino)
    }

    /// A 16-bit id: overflowuid (65534) when it does not fit.
    static func low(_ id: UInt32) -> UInt16 { id > 0xffff ? 65534 : UInt16(id) }

    /// old_encode_dev, or nil when the numbers need more than 8 bits each.
    static func oldEncode(_ major: UInt32, _ minor: UInt32) -> UInt16? {
        major < 256 && minor < 256 ? UInt16(major << 8 | minor) : nil
    }

    /// struct stat (cp_new_stat), 64 bytes: EOVERFLOW as on a 32-bit kernel.
    func statBytes() throws(Errno) -> [UInt8] {
        guard let d = KStat.oldEncode(devMajor, devMinor), let rd = KStat.oldEncode(rdevMajor, rdevMinor),
              ino <= 0xffff_ffff, nlink <= 0xffff, size <= 0x7fff_ffff else { throw .EOVERFLOW }
        var b = GuestLayout.Builder(size: 64)
        b.u32(0, UInt32(d))
        b.u32(4, UInt32(ino))
        b.u16(8, UInt16(truncatingIfNeeded: mode))
        b.u16(10, UInt16(nlink))
        b.u16(12, KStat.low(uid))
        b.u16(14, KStat.low(gid))
        b.u32(16, UInt32(rd))
        b.u32(20, UInt32(size))
        b.u32(24, blksize)
        b.u32(28, UInt32(truncatingIfNeeded: blocks))
        b.u32(32, UInt32(truncatingIfNeeded: atime.sec)); b.u32(36, atime.nsec)
        b.u32(40, UInt32(truncatingIfNeeded: mtime.sec)); b.u32(44, mtime.nsec)
        b.u32(48, UInt32(truncatingIfNeeded: ctime.sec)); b.u32(52, ctime.nsec)
        return b.bytes
    }

    /// struct __old_kernel_stat (cp_old_stat), 32 bytes.
    func oldKernelStatBytes() throws(Errno) -> [UInt8] {
        guard ino <= 0xffff, nlink <= 0xffff, size <= 0x7fff_ffff else { throw .EOVERFLOW }
        var b = GuestLayout.Builder(size: 32)
        b.u16(0, KStat.oldEncode(devMajor, devMinor) ?? UInt16(truncatingIfNeeded: dev))
        b.u16(2, UInt16(ino))
        b.u16(4, UInt16(truncatingIfNeeded: mode))
        b.u16(6, UInt16(nlink))
        b.u16(8, KStat.low(uid))
        b.u16(10, KStat.low(gid))
        b.u16(12, KStat.oldEncode(rdevMajor, rdevMinor) ?? UInt16(truncatingIfNeeded: rdev))
        b.u32(16, UInt32(size))
        b.u32(20, UInt32(truncatingIfNeeded: atime.sec))
        b.u32(24, UInt32(truncatingIfNeeded: mtime.sec))
        b.u32(28, UInt32(truncatingIfNeeded: ctime.sec))
        return b.bytes
    }

    /// struct statx (include/uapi/linux/stat.h), 256 bytes, into zeroed `b`.
    static let statxSize = 256
    func statx(into b: GuestLayout.Fields) {
        let basic: UInt32 = 0x7ff, birth: UInt32 = 0x800
        b.u32(0, hasBirthTime ? basic | birth : basic)
        b.u32(4, blksize)
        b.u32(16, UInt32(clamping: nlink))
        b.u32(20, uid)
        b.u32(24, gid)
        b.u16(28, UInt16(truncatingIfNeeded: mode))
        b.u64(32, ino)
        b.i64(40, size)
        b.u64(48, blocks)
        func ts(_ off: Int, _ t: FSTimespec) { b.i64(off, t.sec); b.u32(off + 8, t.nsec) }
        ts(64, atime)
        if hasBirthTime { ts(80, btime) }
        ts(96, ctime)
        ts(112, mtime)
        b.u32(128, rdevMajor); b.u32(132, rdevMinor)
        b.u32(136, devMajor); b.u32(140, devMinor)
    }
}

// MARK: - Host statfs

enum FSHostStatfs {
    #if os(Linux) && (arch(x86_64) || arch(arm64))
    /// statfs(2)/fstatfs(2) from the C library (not in Swift's Glibc module), for f_type.
    typealias StatfsFn = (UnsafePointer<CChar>, UnsafeMutableRawPointer) -> Int32
    typealias FstatfsFn = (Int32, UnsafeMutableRawPointer) -> Int32
    static let statfsFn: StatfsFn? = { gate_host_statfs($0, $1) }
    static let fstatfsFn: FstatfsFn? = { gate_host_fstatfs($0, $1) }

    /// The 64-bit struct statfs: fifteen 8-byte words (f_fsid is two ints).
    static func decode(_ w: [UInt64]) -> FileSyscalls.FSInfo {
        var i = FileSyscalls.FSInfo()
        i.type = UInt32(truncatingIfNeeded: w[0])
        i.bsize = w[1]; i.blocks = w[2]; i.bfree = w[3]; i.bavail = w[4]; i.files = w[5]; i.ffree = w[6]
        i.fsid = (UInt32(truncatingIfNeeded: w[7]), UInt32(truncatingIfNeeded: w[7] >> 32))
        i.namelen = w[8]; i.frsize = w[9]; i.flags = w[10] | 0x20
        return i
    }

    static func info(path: String) throws(Errno) -> FileSyscalls.FSInfo {
        guard let statfsFn else { return try viaStatvfs(path: path) }
        var w = [UInt64](repeating: 0, count: 15)
        let r = w.withUnsafeMutableBytes { p in statfsFn(path, p.baseAddress!) }
        if r != 0 { throw Errno.current }
        return decode(w)
    }

    static func info(fd: Int32) throws(Errno) -> FileSyscalls.FSInfo {
        guard let fstatfsFn else { return try viaStatvfs(path: HostFS.reopenPath(fd)) }
        var w = [UInt64](repeating: 0, count: 15)
        let r = w.withUnsafeMutableBytes { p in fstatfsFn(fd, p.baseAddress!) }
        if r != 0 { throw Errno.current }
        return decode(w)
    }
    #else
    static func info(path: String) throws(Errno) -> FileSyscalls.FSInfo { try viaStatvfs(path: path) }
    static func info(fd: Int32) throws(Errno) -> FileSyscalls.FSInfo {
        var s = statvfs()
        if fstatvfs(fd, &s) != 0 { throw Errno.current }
        return convert(s)
    }
    #endif

    static func viaStatvfs(path: String) throws(Errno) -> FileSyscalls.FSInfo {
        var s = statvfs()
        if statvfs(path, &s) != 0 { throw Errno.current }
        return convert(s)
    }

    static func convert(_ s: statvfs) -> FileSyscalls.FSInfo {
        var i = FileSyscalls.FSInfo()
        i.bsize = UInt64(s.f_bsize)
        i.frsize = UInt64(s.f_frsize)
        i.blocks = UInt64(s.f_blocks); i.bfree = UInt64(s.f_bfree); i.bavail = UInt64(s.f_bavail)
        i.files = UInt64(s.f_files); i.ffree = UInt64(s.f_ffree)
        let fsid = UInt64(s.f_fsid)
        i.fsid = (UInt32(truncatingIfNeeded: fsid), UInt32(truncatingIfNeeded: fsid >> 32))
        i.namelen = UInt64(s.f_namemax)
        i.flags = (UInt64(s.f_flag) & 0x3) | 0x20
        return i
    }
}

