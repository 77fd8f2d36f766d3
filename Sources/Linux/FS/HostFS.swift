#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Linux i386 open(2) flags (include/uapi/asm-generic/fcntl.h).
public enum LinuxOpenFlag {
    public static let accessMode: UInt32 = 0o3
    public static let readOnly: UInt32 = 0o0
    public static let writeOnly: UInt32 = 0o1
    public static let readWrite: UInt32 = 0o2
    public static let create: UInt32 = 0o100
    public static let exclusive: UInt32 = 0o200
    public static let noCTTY: UInt32 = 0o400
    public static let truncate: UInt32 = 0o1000
    public static let append: UInt32 = 0o2000
    public static let nonBlock: UInt32 = 0o4000
    public static let dsync: UInt32 = 0o10000
    public static let async: UInt32 = 0o20000
    public static let direct: UInt32 = 0o40000
    public static let largeFile: UInt32 = 0o100000
    public static let directory: UInt32 = 0o200000
    public static let noFollow: UInt32 = 0o400000
    public static let noATime: UInt32 = 0o1000000
    public static let closeOnExec: UInt32 = 0o2000000
    /// __O_SYNC; O_SYNC is this | O_DSYNC.
    public static let sync: UInt32 = 0o4000000
    public static let path: UInt32 = 0o10000000
    /// __O_TMPFILE; O_TMPFILE is this | O_DIRECTORY.
    public static let tmpFile: UInt32 = 0o20000000
    /// Flags that live only for the open call (not kept in f_flags).
    public static let openTimeOnly: UInt32 = create | exclusive | noCTTY | truncate | closeOnExec
    /// Flags F_SETFL may change.
    public static let settable: UInt32 = append | nonBlock | async | direct | noATime
}

/// Linux *at flags and AT_FDCWD.
public enum LinuxAT {
    public static let fdcwd: Int32 = -100
    public static let symlinkNoFollow: UInt32 = 0x100
    public static let removeDir: UInt32 = 0x200
    public static let eaccess: UInt32 = 0x200
    public static let symlinkFollow: UInt32 = 0x400
    public static let noAutomount: UInt32 = 0x800
    public static let emptyPath: UInt32 = 0x1000
    public static let statxSyncType: UInt32 = 0x6000
}

/// What stat reports about a file, host-independent (struct kstat).
struct KStat {
    var devMajor: UInt32 = 0, devMinor: UInt32 = 0
    var ino: UInt64 = 0
    var mode: UInt32 = 0
    var nlink: UInt64 = 0
    var uid: UInt32 = 0, gid: UInt32 = 0
    var rdevMajor: UInt32 = 0, rdevMinor: UInt32 = 0
    var size: Int64 = 0
    var blksize: UInt32 = 4096
    /// 512-byte blocks.
    var blocks: UInt64 = 0
    var atime = FSTimespec(), mtime = FSTimespec(), ctime = FSTimespec(), btime = FSTimespec()
    var hasBirthTime = false

    var isDirectory: Bool { mode & 0o170000 == 0o040000 }
    var isSymlink: Bool { mode & 0o170000 == 0o120000 }
    var isRegular: Bool { mode & 0o170000 == 0o100000 }

    /// The kernel's new_encode_dev (also huge_encode_dev for stat64).
    static func encode(_ major: UInt32, _ minor: UInt32) -> UInt32 {
        (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)
    }
    var dev: UInt32 { KStat.encode(devMajor, devMinor) }
    var rdev: UInt32 { KStat.encode(rdevMajor, rdevMinor) }

    init() {}

    init(host st: stat) {
        (devMajor, devMinor) = HostFS.split(dev: UInt64(truncatingIfNeeded: st.st_dev))
        (rdevMajor, rdevMinor) = HostFS.split(dev: UInt64(truncatingIfNeeded: st.st_rdev))
        ino = UInt64(truncatingIfNeeded: st.st_ino)
        mode = UInt32(truncatingIfNeeded: st.st_mode)
        nlink = UInt64(truncatingIfNeeded: st.st_nlink)
        uid = UInt32(truncatingIfNeeded: st.st_uid)
        gid = UInt32(truncatingIfNeeded: st.st_gid)
        size = Int64(truncatingIfNeeded: st.st_size)
        blksize = UInt32(truncatingIfNeeded: st.st_blksize)
        blocks = UInt64(truncatingIfNeeded: st.st_blocks)
        #if canImport(Darwin)
        atime = FSTimespec(st.st_atimespec)
        mtime = FSTimespec(st.st_mtimespec)
        ctime = FSTimespec(st.st_ctimespec)
        btime = FSTimespec(st.st_birthtimespec)
        hasBirthTime = true
        #else
        atime = FSTimespec(st.st_atim)
        mtime = FSTimespec(st.st_mtim)
        ctime = FSTimespec(st.st_ctim)
        #endif
    }
}

/// Seconds and nanoseconds.
struct FSTimespec: Equatable {
    var sec: Int64 = 0
    var nsec: UInt32 = 0
    init() {}
    init(sec: Int64, nsec: UInt32) { self.sec = sec; self.nsec = nsec }
    init(_ ts: timespec) {
        sec = Int64(ts.tv_sec)
        nsec = UInt32(truncatingIfNeeded: ts.tv_nsec)
    }
}

enum FSClock {
    static func now() -> FSTimespec {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return FSTimespec(ts)
    }

    static func monotonicNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// Host-side file operations, with host errors turned into Linux errnos.
enum HostFS {
    /// A host dev_t as (major, minor).
    static func split(dev: UInt64) -> (UInt32, UInt32) {
        #if canImport(Darwin)
        return (UInt32((dev >> 24) & 0xff), UInt32(dev & 0xff_ffff))
        #else
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff)
        let minor = (dev & 0xff) | ((dev >> 12) & ~0xff)
        return (UInt32(truncatingIfNeeded: major), UInt32(truncatingIfNeeded: minor))
        #endif
    }

    /// A host dev_t from (major, minor), for mknod.
    static func makeDev(_ major: UInt32, _ minor: UInt32) -> dev_t {
        #if canImport(Darwin)
        return dev_t(bitPattern: (major << 24) | (minor & 0xff_ffff))
        #else
        let ma = UInt64(major), mi = UInt64(minor)
        return dev_t(((ma & 0xfff) << 8) | ((ma & ~0xfff) << 32) | (mi & 0xff) | ((mi & ~0xff) << 12))
        #endif
    }

    static func stat(_ path: String, follow: Bool) throws(Errno) -> KStat {
        var st = HostStat()
        let r = follow ? HostCall.stat(path, &st) : lstat(path, &st)
        if r != 0 { throw Errno.current }
        return KStat(host: st)
    }

    static func fstat(_ fd: Int32) throws(Errno) -> KStat {
        var st = HostStat()
        if HostCall.fstat(fd, &st) != 0 { throw Errno.current }
        return KStat(host: st)
    }

    static func readlink(_ path: String) throws(Errno) -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = buf.withUnsafeMutableBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) {
                HostCall.readlink(path, $0, p.count)
            }
        }
        if n < 0 { throw Errno.current }
        return Array(buf[0..<n])
    }

    /// A path on the host that reopens the host descriptor `fd`.
    static func reopenPath(_ fd: Int32) -> String {
        #if canImport(Darwin)
        return "/dev/fd/\(fd)"
        #else
        return "/proc/self/fd/\(fd)"
        #endif
    }

    /// Host open(2) flags for Linux i386 ones. The host descriptor is always
    /// close-on-exec (the guest's own close-on-exec lives in the descriptor table).
    static func openFlags(_ f: UInt32) -> Int32 {
        var h: Int32
        switch f & LinuxOpenFlag.accessMode {
        case LinuxOpenFlag.readOnly: h = O_RDONLY
        case LinuxOpenFlag.writeOnly: h = O_WRONLY
        default: h = O_RDWR
        }
        if f & LinuxOpenFlag.create != 0 { h |= O_CREAT }
        if f & LinuxOpenFlag.exclusive != 0 { h |= O_EXCL }
        h |= O_NOCTTY       // the guest's controlling terminal is Gate's to model, never the host's
        if f & LinuxOpenFlag.truncate != 0 { h |= O_TRUNC }
        if f & LinuxOpenFlag.append != 0 { h |= O_APPEND }
        if f & LinuxOpenFlag.nonBlock != 0 { h |= O_NONBLOCK }
        if f & LinuxOpenFlag.directory != 0 { h |= O_DIRECTORY }
        if f & LinuxOpenFlag.noFollow != 0 { h |= O_NOFOLLOW }
        if f & LinuxOpenFlag.sync != 0 { h |= O_SYNC } else if f & LinuxOpenFlag.dsync != 0 { h |= O_DSYNC }
        #if os(Linux)
        if f & LinuxOpenFlag.path != 0 { h = (h & ~O_ACCMODE) | 0o10000000 }   // O_PATH
        #endif
        h |= O_CLOEXEC
        return h
    }

    /// Sets or clears O_NONBLOCK / O_APPEND on a host descriptor.
    static func setStatusFlags(_ fd: Int32, nonBlock: Bool, append: Bool) -> Bool {
        let cur = fcntl(fd, F_GETFL)
        if cur < 0 { return false }
        var new = cur & ~(O_NONBLOCK | O_APPEND)
        if nonBlock { new |= O_NONBLOCK }
        if append { new |= O_APPEND }
        if new == cur { return true }
        return fcntl(fd, F_SETFL, new) == 0
    }

    /// A host lseek whence for a Linux one (SEEK_DATA and SEEK_HOLE differ on Darwin).
    static func whence(_ w: UInt32) -> Int32? {
        switch w {
        case 0: return SEEK_SET
        case 1: return SEEK_CUR
        case 2: return SEEK_END
        #if canImport(Darwin)
        case 3: return 4   // SEEK_DATA
        case 4: return 3   // SEEK_HOLE
        #else
        case 3, 4: return Int32(w)
        #endif
        default: return nil
        }
    }

    /// Lists a directory from its host descriptor (through a duplicate, from the start).
    static func readDirectory(_ fd: Int32) throws(Errno) -> [FSDirEntry] {
        let d = dup(fd)
        if d < 0 { throw Errno.current }
        guard let dir = fdopendir(d) else {
            let e = Errno.current
            close(d)
            throw e
        }
        defer { closedir(dir) }
        rewinddir(dir)
        var out: [FSDirEntry] = []
        while true {
            errno = 0
            guard let ent = readdir(dir) else {
                if errno != 0 { throw Errno.current }
                break
            }
            let name: [UInt8] = withUnsafeBytes(of: &ent.pointee.d_name) { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                let len = bytes.firstIndex(of: 0) ?? bytes.count
                return Array(bytes[0..<len])
            }
            out.append(FSDirEntry(ino: UInt64(truncatingIfNeeded: ent.pointee.d_ino),
                                      type: UInt8(truncatingIfNeeded: ent.pointee.d_type), name: name))
        }
        return out
    }

    #if canImport(Darwin)
    typealias HostStat = Darwin.stat
    #else
    typealias HostStat = Glibc.stat
    #endif
}

