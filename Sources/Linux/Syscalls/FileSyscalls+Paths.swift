#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if os(Linux)
import CHostCalls
#endif

/// unlink, rename, link, symlink, readlink and the xattr family.
extension FileSyscalls {
    // MARK: unlink

    static func unlink(_ ctx: SyscallContext, dirfd: Int32, path: String) throws(Errno) -> Int32 {
        let r = try PathResolver.resolve(path, at: dirfd, process: ctx.process, followFinal: false)
        guard r.exists else { throw .ENOENT }
        if r.isProc { throw .EACCES }
        if try HostFS.stat(r.hostPath, follow: false).isDirectory { throw .EISDIR }
        if HostCall.unlink(r.hostPath) != 0 { throw Errno.current }
        return 0
    }

    static func sysUnlink(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try unlink(ctx, dirfd: LinuxAT.fdcwd, path: ctx.path(0))
    }

    static func sysUnlinkat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let flags = ctx.arg(2)
        if flags & ~LinuxAT.removeDir != 0 { throw .EINVAL }
        let path = try ctx.path(1)
        if flags & LinuxAT.removeDir != 0 { return try rmdir(ctx, dirfd: ctx.int(0), path: path) }
        return try unlink(ctx, dirfd: ctx.int(0), path: path)
    }

    // MARK: rename

    static let renameNoReplace: UInt32 = 1, renameExchange: UInt32 = 2, renameWhiteout: UInt32 = 4

    static func rename(_ ctx: SyscallContext, oldDirfd: Int32, oldIndex: Int, newDirfd: Int32, newIndex: Int,
                       flags: UInt32) throws(Errno) -> Int32 {
        if flags & ~(renameNoReplace | renameExchange | renameWhiteout) != 0 { throw .EINVAL }
        if flags & renameExchange != 0 && flags & (renameNoReplace | renameWhiteout) != 0 { throw .EINVAL }
        let oldPath = try ctx.path(oldIndex), newPath = try ctx.path(newIndex)
        for p in [oldPath, newPath] where [".", "..", "/"].contains(PathResolver.lastComponent(p)) { throw .EBUSY }
        let old = try PathResolver.resolve(oldPath, at: oldDirfd, process: ctx.process, followFinal: false)
        guard old.exists else { throw .ENOENT }
        let new = try PathResolver.resolve(newPath, at: newDirfd, process: ctx.process, followFinal: false)
        if old.isProc || new.isProc { throw .EXDEV }
        let oldIsDir = try HostFS.stat(old.hostPath, follow: false).isDirectory
        if (old.trailingSlash || new.trailingSlash) && !oldIsDir { throw .ENOTDIR }
        if flags & renameNoReplace != 0 && new.exists { throw .EEXIST }
        if flags & renameExchange != 0 && !new.exists { throw .ENOENT }
        if flags == 0 || (flags == renameNoReplace && FSHostRename.renameat2 == nil) {
            if HostCall.rename(old.hostPath, new.hostPath) != 0 { throw Errno.current }
            return 0
        }
        guard let fn = FSHostRename.renameat2 else { throw .EINVAL }
        if fn(AT_FDCWD, old.hostPath, AT_FDCWD, new.hostPath, flags) != 0 { throw Errno.current }
        return 0
    }

    static func sysRename(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try rename(ctx, oldDirfd: LinuxAT.fdcwd, oldIndex: 0, newDirfd: LinuxAT.fdcwd, newIndex: 1, flags: 0)
    }

    static func sysRenameat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try rename(ctx, oldDirfd: ctx.int(0), oldIndex: 1, newDirfd: ctx.int(2), newIndex: 3, flags: 0)
    }

    static func sysRenameat2(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try rename(ctx, oldDirfd: ctx.int(0), oldIndex: 1, newDirfd: ctx.int(2), newIndex: 3, flags: ctx.arg(4))
    }

    // MARK: link

    static func link(_ ctx: SyscallContext, oldDirfd: Int32, oldIndex: Int, newDirfd: Int32, newIndex: Int,
                     flags: UInt32) throws(Errno) -> Int32 {
        if flags & ~(LinuxAT.symlinkFollow | LinuxAT.emptyPath) != 0 { throw .EINVAL }
        let t = try target(ctx, dirfd: oldDirfd, pathAddress: ctx.arg(oldIndex), flags: flags & LinuxAT.emptyPath,
                           follow: flags & LinuxAT.symlinkFollow != 0)
        var follow: Int32 = 0
        let source: String
        switch t {
        case .file(let f):
            guard f.isHost else { throw .EXDEV }
            if f.isDirectory { throw .EPERM }
            source = HostFS.reopenPath(f.hostFD)
            follow = AT_SYMLINK_FOLLOW
        case .path(let r):
            guard r.exists else { throw .ENOENT }
            if r.isProc { throw .EXDEV }
            source = r.hostPath
            if r.reopensDescriptor { follow = AT_SYMLINK_FOLLOW }
        }
        let new = try ctx.resolve(newIndex, dirfd: newDirfd, follow: false)
        if new.exists { throw .EEXIST }
        if new.isProc { throw .EXDEV }
        if new.trailingSlash { throw .ENOENT }
        if linkat(AT_FDCWD, source, AT_FDCWD, new.hostPath, follow) != 0 { throw Errno.current }
        return 0
    }

    static func sysLink(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try link(ctx, oldDirfd: LinuxAT.fdcwd, oldIndex: 0, newDirfd: LinuxAT.fdcwd, newIndex: 1, flags: 0)
    }

    static func sysLinkat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try link(ctx, oldDirfd: ctx.int(0), oldIndex: 1, newDirfd: ctx.int(2), newIndex: 3, flags: ctx.arg(4))
    }

    // MARK: symlink

    static func symlink(_ ctx: SyscallContext, targetIndex: Int, dirfd: Int32, pathIndex: Int) throws(Errno) -> Int32 {
        let target = try ctx.path(targetIndex)
        let r = try ctx.resolve(pathIndex, dirfd: dirfd, follow: false)
        if r.exists { throw .EEXIST }
        if r.isProc { throw .EPERM }
        if r.trailingSlash { throw .ENOENT }
        // The target is stored as the guest wrote it: it resolves inside the root.
        if HostCall.symlink(target, r.hostPath) != 0 { throw Errno.current }
        return 0
    }

    static func sysSymlink(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try symlink(ctx, targetIndex: 0, dirfd: LinuxAT.fdcwd, pathIndex: 1)
    }

    static func sysSymlinkat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try symlink(ctx, targetIndex: 0, dirfd: ctx.int(1), pathIndex: 2)
    }

    // MARK: readlink

    /// The target of the symbolic link `path` names (EINVAL if it is not one).
    public static func readlink(_ process: Process, path: String, dirfd: Int32 = LinuxAT.fdcwd) throws(Errno) -> [UInt8] {
        let r = try PathResolver.resolve(path, at: dirfd, process: process, followFinal: false)
        guard r.exists else { throw .ENOENT }
        if r.isProc {
            guard case .link(let t) = r.procKind else { throw .EINVAL }
            return Array(t.utf8)
        }
        return try HostFS.readlink(r.hostPath)
    }

    static func readlinkCall(_ ctx: SyscallContext, dirfd: Int32, pathIndex: Int, bufferIndex: Int) throws(Errno) -> Int32 {
        let size = ctx.int(bufferIndex + 1)
        if size <= 0 { throw .EINVAL }
        let target = try readlink(ctx.process, path: ctx.path(pathIndex), dirfd: dirfd)
        let n = min(Int(size), target.count)
        guard ctx.write(Array(target[0..<n]), to: ctx.arg(bufferIndex)) else { throw .EFAULT }
        return Int32(n)
    }

    static func sysReadlink(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try readlinkCall(ctx, dirfd: LinuxAT.fdcwd, pathIndex: 0, bufferIndex: 1)
    }

    static func sysReadlinkat(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try readlinkCall(ctx, dirfd: ctx.int(0), pathIndex: 1, bufferIndex: 2)
    }

    // MARK: Extended attributes: a file system without any

    static func xattrName(_ ctx: SyscallContext, _ i: Int) throws(Errno) -> String {
        guard let raw = ctx.memory.readCString(ctx.arg(i), max: 256) else { throw .EFAULT }
        if raw.isEmpty || raw.count > 255 { throw .ERANGE }
        return String(decoding: raw, as: UTF8.self)
    }

    static func xattrPath(_ ctx: SyscallContext, follow: Bool) throws(Errno) {
        let r = try ctx.resolve(0, follow: follow)
        guard r.exists else { throw .ENOENT }
    }

    static func sysGetxattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try xattrPath(ctx, follow: true); _ = try xattrName(ctx, 1); throw .ENODATA
    }
    static func sysLgetxattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try xattrPath(ctx, follow: false); _ = try xattrName(ctx, 1); throw .ENODATA
    }
    static func sysFgetxattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        _ = try ctx.file(0); _ = try xattrName(ctx, 1); throw .ENODATA
    }
    static func sysListxattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try xattrPath(ctx, follow: true); return 0
    }
    static func sysLlistxattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try xattrPath(ctx, follow: false); return 0
    }
    static func sysFlistxattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        _ = try ctx.file(0); return 0
    }
    static func setxattrFlags(_ ctx: SyscallContext) throws(Errno) {
        if ctx.arg(4) & ~3 != 0 { throw .EINVAL }   // XATTR_CREATE | XATTR_REPLACE
    }
    static func sysSetxattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try setxattrFlags(ctx); try xattrPath(ctx, follow: true); _ = try xattrName(ctx, 1); throw .EOPNOTSUPP
    }
    static func sysLsetxattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try setxattrFlags(ctx); try xattrPath(ctx, follow: false); _ = try xattrName(ctx, 1); throw .EOPNOTSUPP
    }
    static func sysFsetxattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try setxattrFlags(ctx); _ = try ctx.file(0); _ = try xattrName(ctx, 1); throw .EOPNOTSUPP
    }
    static func sysRemovexattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try xattrPath(ctx, follow: true); _ = try xattrName(ctx, 1); throw .ENODATA
    }
    static func sysLremovexattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try xattrPath(ctx, follow: false); _ = try xattrName(ctx, 1); throw .ENODATA
    }
    static func sysFremovexattr(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        _ = try ctx.file(0); _ = try xattrName(ctx, 1); throw .ENODATA
    }
}

/// renameat2(2) on the host, where it has one (Linux 3.15+).
enum FSHostRename {
    typealias Fn = (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    #if os(Linux)
    static let renameat2: Fn? = { gate_host_renameat2($0, $1, $2, $3, $4) }
    #else
    static let renameat2: Fn? = nil
    #endif
}

