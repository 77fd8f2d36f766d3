#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// uname, sysinfo, getrandom, resource limits and usage, times, and the scheduler calls
/// a single process makes (kernel/sys.c, kernel/sched.c, drivers/char/random.c).
public enum SystemSyscalls {
    /// The release uname reports: glibc refuses kernels older than 3.2.
    public static let release = "3.2.0-gate"
    public static let version = "#1 SMP Gate"

    public static let entries: [SyscallEntry] = [
        SyscallEntry(122, "uname", [.pointer], uname),
        SyscallEntry(116, "sysinfo", [.pointer], sysinfo),
        SyscallEntry(355, "getrandom", [.pointer, .size, .hex], getrandom),
        SyscallEntry(76, "getrlimit", [.int, .pointer], { c in getrlimit(c, old: true) }),
        SyscallEntry(191, "ugetrlimit", [.int, .pointer], { c in getrlimit(c, old: false) }),
        SyscallEntry(75, "setrlimit", [.int, .pointer], { c in c.int(0) < 16 ? 0 : Errno.EINVAL.negated }),
        SyscallEntry(340, "prlimit64", [.int, .int, .pointer, .pointer], prlimit64),
        SyscallEntry(77, "getrusage", [.int, .pointer], getrusage),
        SyscallEntry(43, "times", [.pointer], times),
        SyscallEntry(242, "sched_getaffinity", [.int, .size, .pointer], schedGetaffinity),
        SyscallEntry(241, "sched_setaffinity", [.int, .size, .pointer], { _ in 0 }),
        SyscallEntry(157, "sched_getscheduler", [.int], { _ in 0 }),
        SyscallEntry(155, "sched_getparam", [.int, .pointer], { c in c.setU32(0, at: c.arg(1)) ? 0 : Errno.EFAULT.negated }),
        SyscallEntry(159, "sched_get_priority_max", [.int], { c in c.arg(0) == 0 ? 0 : 99 }),
        SyscallEntry(160, "sched_get_priority_min", [.int], { c in c.arg(0) == 0 ? 0 : 1 }),
        SyscallEntry(96, "getpriority", [.int, .int], { _ in 20 }),
        SyscallEntry(97, "setpriority", [.int, .int, .int], { _ in 0 }),
        SyscallEntry(318, "getcpu", [.pointer, .pointer, .pointer], { c in
            if c.arg(0) != 0 && !c.setU32(0, at: c.arg(0)) { return Errno.EFAULT.negated }
            if c.arg(1) != 0 && !c.setU32(0, at: c.arg(1)) { return Errno.EFAULT.negated }
            return 0
        }),
    ]

    /// `struct new_utsname`: six 65-byte fields.
    static func uname(_ c: SyscallContext) -> Int32 {
        var b = GuestLayout.Builder(size: 65 * 6)
        func field(_ i: Int, _ s: String) { b.raw(i * 65, Array(s.utf8.prefix(64))) }
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, 255)
        field(0, "Linux")
        field(1, String(cString: host))
        field(2, release)
        field(3, version)
        field(4, "i686")
        field(5, "(none)")
        return c.write(b.bytes, to: c.arg(0)) ? 0 : Errno.EFAULT.negated
    }

    /// `struct sysinfo` (i386, 64 bytes).
    static func sysinfo(_ c: SyscallContext) -> Int32 {
        var b = GuestLayout.Builder(size: 64)
        var up = timespec()
        clock_gettime(CLOCK_MONOTONIC, &up)
        b.u32(0, UInt32(truncatingIfNeeded: up.tv_sec))   // uptime
        b.u32(16, 0x4000_0000)                            // totalram (1 GiB, mem_unit 1)
        b.u32(20, 0x3000_0000)                            // freeram
        b.u16(40, 1)                                      // procs
        b.u32(52, 1)                                      // mem_unit
        return c.write(b.bytes, to: c.arg(0)) ? 0 : Errno.EFAULT.negated
    }

    static func getrandom(_ c: SyscallContext) -> Int32 {
        let n = Int(min(c.arg(1), 1 << 25))
        return c.write(HostRandom.bytes(n), to: c.arg(0)) ? Int32(n) : Errno.EFAULT.negated
    }

    /// The limits Gate reports: RLIMIT_STACK 8 MiB, RLIMIT_NOFILE 1024, others infinite.
    static func limit(_ resource: UInt32) -> (UInt64, UInt64)? {
        switch resource {
        case 3: return (8 << 20, UInt64.max)        // RLIMIT_STACK
        case 7: return (1024, 4096)                 // RLIMIT_NOFILE
        case 0..<16: return (UInt64.max, UInt64.max)
        default: return nil
        }
    }

    static func getrlimit(_ c: SyscallContext, old: Bool) -> Int32 {
        guard let (cur, max) = limit(c.arg(0)) else { return Errno.EINVAL.negated }
        func clamp(_ v: UInt64) -> UInt32 { v == UInt64.max ? (old ? 0x7fff_ffff : 0xffff_ffff) : UInt32(min(v, 0xffff_fffe)) }
        return c.write(GuestLayout.le32(clamp(cur)) + GuestLayout.le32(clamp(max)), to: c.arg(1)) ? 0 : Errno.EFAULT.negated
    }

    static func prlimit64(_ c: SyscallContext) -> Int32 {
        guard c.int(0) == 0 || c.int(0) == c.process.pid else { return Errno.ESRCH.negated }
        guard let (cur, max) = limit(c.arg(1)) else { return Errno.EINVAL.negated }
        if c.arg(3) != 0 {
            guard c.write(GuestLayout.le64(cur) + GuestLayout.le64(max), to: c.arg(3)) else { return Errno.EFAULT.negated }
        }
        return 0
    }

    /// `struct rusage`: user and system time from the host, the rest zero.
    static func getrusage(_ c: SyscallContext) -> Int32 {
        let ru = hostUsage()
        var b = GuestLayout.Builder(size: 72)
        b.u32(0, UInt32(truncatingIfNeeded: ru.ru_utime.tv_sec)); b.u32(4, UInt32(truncatingIfNeeded: ru.ru_utime.tv_usec))
        b.u32(8, UInt32(truncatingIfNeeded: ru.ru_stime.tv_sec)); b.u32(12, UInt32(truncatingIfNeeded: ru.ru_stime.tv_usec))
        b.u32(16, UInt32(truncatingIfNeeded: ru.ru_maxrss))
        return c.write(b.bytes, to: c.arg(1)) ? 0 : Errno.EFAULT.negated
    }

    static func times(_ c: SyscallContext) -> Int32 {
        let ru = hostUsage()
        let u = UInt32(truncatingIfNeeded: ru.ru_utime.tv_sec * 100 + ru.ru_utime.tv_usec / 10000)
        let s = UInt32(truncatingIfNeeded: ru.ru_stime.tv_sec * 100 + ru.ru_stime.tv_usec / 10000)
        if c.arg(0) != 0 {
            guard c.write(GuestLayout.le32(u) + GuestLayout.le32(s) + [UInt8](repeating: 0, count: 8), to: c.arg(0)) else {
                return Errno.EFAULT.negated
            }
        }
        var up = timespec()
        clock_gettime(CLOCK_MONOTONIC, &up)
        return Int32(truncatingIfNeeded: up.tv_sec * 100 + up.tv_nsec / 10_000_000)
    }

    static func hostUsage() -> rusage {
        var ru = rusage()
        #if canImport(Glibc)
        _ = Glibc.getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &ru)
        #else
        _ = Darwin.getrusage(RUSAGE_SELF, &ru)
        #endif
        return ru
    }

    static func schedGetaffinity(_ c: SyscallContext) -> Int32 {
        let size = Int(c.arg(1))
        guard size >= 4, size % 4 == 0 else { return Errno.EINVAL.negated }
        var mask = [UInt8](repeating: 0, count: size)
        mask[0] = 1   // one CPU
        return c.write(mask, to: c.arg(2)) ? Int32(size) : Errno.EFAULT.negated
    }
}
