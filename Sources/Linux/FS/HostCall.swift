#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The host C library's file calls under names that no member of the syscall types
/// shadows (FileSyscalls has its own `open`, `stat`, `readlink`…).
enum HostCall {
    static func open(_ p: String, _ f: Int32, _ m: mode_t) -> Int32 { libc_open(p, f, m) }
    static func read(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { libc_read(fd, p, n) }
    static func write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { libc_write(fd, p, n) }
    static func stat(_ p: String, _ st: inout HostFS.HostStat) -> Int32 { libc_stat(p, &st) }
    static func fstat(_ fd: Int32, _ st: inout HostFS.HostStat) -> Int32 { libc_fstat(fd, &st) }
    static func readlink(_ p: String, _ b: UnsafeMutablePointer<CChar>, _ n: Int) -> Int { libc_readlink(p, b, n) }
    static func pipe(_ p: inout [Int32]) -> Int32 { libc_pipe(&p) }
    static func mkdir(_ p: String, _ m: mode_t) -> Int32 { libc_mkdir(p, m) }
    static func rmdir(_ p: String) -> Int32 { libc_rmdir(p) }
    static func mknod(_ p: String, _ m: mode_t, _ d: dev_t) -> Int32 { libc_mknod(p, m, d) }
    static func access(_ p: String, _ m: Int32) -> Int32 { libc_access(p, m) }
    static func fsync(_ fd: Int32) -> Int32 { libc_fsync(fd) }
    static func unlink(_ p: String) -> Int32 { libc_unlink(p) }
    static func rename(_ a: String, _ b: String) -> Int32 { libc_rename(a, b) }
    static func symlink(_ a: String, _ b: String) -> Int32 { libc_symlink(a, b) }
    static func poll(_ p: UnsafeMutablePointer<pollfd>?, _ n: nfds_t, _ t: Int32) -> Int32 { libc_poll(p, n, t) }
    static func chmod(_ p: String, _ m: mode_t) -> Int32 { libc_chmod(p, m) }
    static func chown(_ p: String, _ u: uid_t, _ g: gid_t) -> Int32 { libc_chown(p, u, g) }
    static func truncate(_ p: String, _ l: off_t) -> Int32 { libc_truncate(p, l) }
    static func ftruncate(_ fd: Int32, _ l: off_t) -> Int32 { libc_ftruncate(fd, l) }
}

// File-private forwarders: at file scope the C functions are found by their own names.
fileprivate func libc_open(_ p: String, _ f: Int32, _ m: mode_t) -> Int32 { open(p, f, m) }
fileprivate func libc_read(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int { read(fd, p, n) }
fileprivate func libc_write(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
fileprivate func libc_stat(_ p: String, _ st: inout HostFS.HostStat) -> Int32 { stat(p, &st) }
fileprivate func libc_fstat(_ fd: Int32, _ st: inout HostFS.HostStat) -> Int32 { fstat(fd, &st) }
fileprivate func libc_readlink(_ p: String, _ b: UnsafeMutablePointer<CChar>, _ n: Int) -> Int { readlink(p, b, n) }
fileprivate func libc_pipe(_ p: inout [Int32]) -> Int32 { pipe(&p) }
fileprivate func libc_mkdir(_ p: String, _ m: mode_t) -> Int32 { mkdir(p, m) }
fileprivate func libc_rmdir(_ p: String) -> Int32 { rmdir(p) }
fileprivate func libc_mknod(_ p: String, _ m: mode_t, _ d: dev_t) -> Int32 { mknod(p, m, d) }
fileprivate func libc_access(_ p: String, _ m: Int32) -> Int32 { access(p, m) }
fileprivate func libc_fsync(_ fd: Int32) -> Int32 { fsync(fd) }
fileprivate func libc_unlink(_ p: String) -> Int32 { unlink(p) }
fileprivate func libc_rename(_ a: String, _ b: String) -> Int32 { rename(a, b) }
fileprivate func libc_symlink(_ a: String, _ b: String) -> Int32 { symlink(a, b) }
fileprivate func libc_poll(_ p: UnsafeMutablePointer<pollfd>?, _ n: nfds_t, _ t: Int32) -> Int32 { poll(p, n, t) }
fileprivate func libc_chmod(_ p: String, _ m: mode_t) -> Int32 { chmod(p, m) }
fileprivate func libc_chown(_ p: String, _ u: uid_t, _ g: gid_t) -> Int32 { chown(p, u, g) }
fileprivate func libc_truncate(_ p: String, _ l: off_t) -> Int32 { truncate(p, l) }
fileprivate func libc_ftruncate(_ fd: Int32, _ l: off_t) -> Int32 { ftruncate(fd, l) }
