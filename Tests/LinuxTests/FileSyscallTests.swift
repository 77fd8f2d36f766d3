import Foundation
import Testing
@testable import IA32
@testable import Linux
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A process whose root is a fresh temporary directory, with scratch guest memory
/// and the file-system calls reachable by name.
fileprivate final class FSHarness {
    let memory: GuestMemory
    let process: Linux.Process
    let root: String
    static let scratch: UInt32 = 0x1000_0000
    static let scratchSize: UInt32 = 0x10000
    /// An address no page is mapped at.
    static let wild: UInt32 = 0x2000_0000
    private var next: UInt32 = FSHarness.scratch
    private static let table: [String: SyscallEntry] = Dictionary(
        uniqueKeysWithValues: FileSyscalls.entries.map { ($0.name, $0) })

    init() {
        memory = GuestMemory()!
        process = Linux.Process(memory: memory, cpu: CPU(memory: memory))
        memory.map(FSHarness.scratch, length: FSHarness.scratchSize, permission: PagePermission.userWrite)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gate-fs-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        root = dir.resolvingSymlinksInPath().path
        process.fs.root = root
        process.files.installStandardStreams()
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Calls the named system call with up to six arguments.
    @discardableResult
    func sys(_ name: String, _ a: UInt32...) -> Int32 {
        guard let e = FSHarness.table[name] else { fatalError("no \(name)") }
        let v = a + [UInt32](repeating: 0, count: 6 - a.count)
        return e.body(SyscallContext(process: process, number: e.number, args: (v[0], v[1], v[2], v[3], v[4], v[5])))
    }

    func alloc(_ n: Int) -> UInt32 {
        let a = next
        next += UInt32((n + 15) & ~15)
        precondition(next <= FSHarness.scratch + FSHarness.scratchSize)
        return a
    }

    /// A NUL-terminated string in guest memory.
    func str(_ s: String) -> UInt32 {
        let b = Array(s.utf8) + [0]
        let a = alloc(b.count)
        memory.poke(a, b)
        return a
    }

    func bytes(_ b: [UInt8]) -> UInt32 {
        let a = alloc(b.count)
        memory.poke(a, b)
        return a
    }

    func read(_ a: UInt32, _ n: Int) -> [UInt8] { memory.read(a, count: n)! }
    func text(_ a: UInt32, _ n: Int) -> String { String(decoding: read(a, n), as: UTF8.self) }
    func u32(_ a: UInt32) -> UInt32 { memory.load32(a) }
    func u64(_ a: UInt32) -> UInt64 { UInt64(memory.load32(a)) | UInt64(memory.load32(a + 4)) << 32 }
    func u16(_ a: UInt32) -> UInt16 { UInt16(memory.load32(a) & 0xffff) }

    func host(_ guestPath: String) -> String { root + guestPath }

    func write(file guestPath: String, _ content: String) {
        _ = FileManager.default.createFile(atPath: host(guestPath), contents: Data(content.utf8))
    }

    func mkdir(_ guestPath: String) {
        try! FileManager.default.createDirectory(atPath: host(guestPath), withIntermediateDirectories: true)
    }

    func symlink(_ guestPath: String, to target: String) {
        try! FileManager.default.createSymbolicLink(atPath: host(guestPath), withDestinationPath: target)
    }

    func open(_ path: String, _ flags: UInt32, _ mode: UInt32 = 0o644) -> Int32 {
        sys("open", str(path), flags, mode)
    }

    /// Names and types from getdents64 with a buffer of `size` bytes, until the end.
    func list(_ fd: Int32, bufferSize size: Int = 4096) -> [(String, UInt8)] {
        let buf = alloc(size)
        var out: [(String, UInt8)] = []
        while true {
            let n = sys("getdents64", UInt32(bitPattern: fd), buf, UInt32(size))
            if n <= 0 { precondition(n == 0, "getdents64 = \(n)"); return out }
            var off = 0
            while off < Int(n) {
                let rec = buf + UInt32(off)
                let reclen = Int(u16(rec + 16))
                let type = read(rec + 18, 1)[0]
                let nameBytes = read(rec + 19, reclen - 19)
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                out.append((name, type))
                off += reclen
            }
        }
    }
}

fileprivate enum O {
    static let rdonly: UInt32 = 0, wronly: UInt32 = 1, rdwr: UInt32 = 2
    static let creat: UInt32 = 0o100, excl: UInt32 = 0o200, trunc: UInt32 = 0o1000, append: UInt32 = 0o2000
    static let nonblock: UInt32 = 0o4000, directory: UInt32 = 0o200000, nofollow: UInt32 = 0o400000
    static let cloexec: UInt32 = 0o2000000, largefile: UInt32 = 0o100000
}

fileprivate func neg(_ e: Errno) -> Int32 { -e.rawValue }
fileprivate func u(_ v: Int32) -> UInt32 { UInt32(bitPattern: v) }
fileprivate let atFDCWD = UInt32(bitPattern: -100)

struct FileSyscallTests {
    @Test func tableHasUniqueI386Numbers() {
        let all = FileSyscalls.entries
        #expect(Set(all.map(\.number)).count == all.count)
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.number) })
        let expected: [String: UInt32] = [
            "read": 3, "write": 4, "open": 5, "close": 6, "creat": 8, "link": 9, "unlink": 10, "chdir": 12,
            "chmod": 15, "lseek": 19, "access": 33, "rename": 38, "mkdir": 39, "rmdir": 40, "dup": 41, "pipe": 42,
            "ioctl": 54, "fcntl": 55, "umask": 60, "dup2": 63, "symlink": 83, "readlink": 85, "fchmod": 94,
            "stat": 106, "lstat": 107, "fstat": 108, "fsync": 118, "fchdir": 133, "_llseek": 140, "getdents": 141,
            "_newselect": 142, "readv": 145, "writev": 146, "fdatasync": 148, "poll": 168, "pread64": 180,
            "pwrite64": 181, "getcwd": 183, "sendfile": 187, "truncate64": 193, "ftruncate64": 194, "stat64": 195,
            "lstat64": 196, "fstat64": 197, "lchown32": 198, "fchown32": 207, "chown32": 212, "getdents64": 220,
            "fcntl64": 221, "getxattr": 229, "sendfile64": 239, "statfs64": 268, "fstatfs64": 269,
            "fadvise64_64": 272, "openat": 295, "mkdirat": 296, "fchownat": 298, "fstatat64": 300, "unlinkat": 301,
            "renameat": 302, "linkat": 303, "symlinkat": 304, "readlinkat": 305, "fchmodat": 306, "faccessat": 307,
            "utimensat": 320, "dup3": 330, "pipe2": 331, "renameat2": 353, "statx": 383, "utimensat_time64": 412,
            "faccessat2": 439,
        ]
        for (name, number) in expected { #expect(byName[name] == number, "\(name)") }
    }

    @Test func openWriteReadSeekRoundTrip() {
        let h = FSHarness()
        let fd = h.open("/data.txt", O.creat | O.rdwr | O.largefile, 0o666)
        #expect(fd >= 3)
        let text = h.str("hello, world")
        #expect(h.sys("write", u(fd), text, 12) == 12)
        #expect(h.sys("lseek", u(fd), 0, 0) == 0)
        let buf = h.alloc(64)
        #expect(h.sys("read", u(fd), buf, 5) == 5)
        #expect(h.text(buf, 5) == "hello")
        #expect(h.sys("lseek", u(fd), 0, 1) == 5)      // SEEK_CUR
        #expect(h.sys("lseek", u(fd), u(-5), 2) == 7)  // SEEK_END
        // _llseek(fd, high, low, &result, whence)
        let result = h.alloc(8)
        #expect(h.sys("_llseek", u(fd), 0, 7, result, 0) == 0)
        #expect(h.u64(result) == 7)
        #expect(h.sys("read", u(fd), buf, 64) == 5)
        #expect(h.text(buf, 5) == "world")
        #expect(h.sys("read", u(fd), buf, 64) == 0)
        #expect(h.sys("lseek", u(fd), u(-1), 0) == neg(.EINVAL))
        #expect(h.sys("lseek", u(fd), 0, 9) == neg(.EINVAL))
        // A 64-bit position past 4 GiB through _llseek.
        #expect(h.sys("_llseek", u(fd), 1, 16, result, 0) == 0)
        #expect(h.u64(result) == 0x1_0000_0010)
        #expect(h.sys("lseek", u(fd), 0, 1) == neg(.EOVERFLOW))
        #expect(h.sys("close", u(fd)) == 0)
        #expect(h.sys("close", u(fd)) == neg(.EBADF))
        #expect(h.sys("read", u(fd), buf, 1) == neg(.EBADF))
        // _llseek borrows the file from the table (`FileTable.withUnretained`): a closed,
        // a negative and a far descriptor are EBADF, one dup2'd far out and back works.
        #expect(h.sys("_llseek", u(fd), 0, 0, result, 0) == neg(.EBADF))
        #expect(h.sys("_llseek", u(-1), 0, 0, result, 0) == neg(.EBADF))
        #expect(h.sys("_llseek", 200, 0, 0, result, 0) == neg(.EBADF))
        let again = h.open("/data.txt", O.rdonly)
        #expect(h.sys("dup2", u(again), 90) == 90)
        #expect(h.sys("_llseek", 90, 0, 3, result, 0) == 0 && h.u64(result) == 3)
        #expect(h.sys("close", 90) == 0)
        #expect(h.sys("_llseek", 90, 0, 3, result, 0) == neg(.EBADF))
        #expect(h.sys("_llseek", u(again), 0, 1, result, 1) == 0 && h.u64(result) == 4)   // shared with 90's
        #expect(h.sys("close", u(again)) == 0)
        #expect(try! String(contentsOfFile: h.host("/data.txt"), encoding: .utf8) == "hello, world")

        // The umask applies on creation: 0666 & ~022.
        var st = stat()
        #expect(stat(h.host("/data.txt"), &st) == 0)
        #expect(st.st_mode & 0o7777 == 0o644)
        #expect(h.sys("umask", 0o077) == 0o022)
        let fd2 = h.open("/private", O.creat | O.wronly, 0o777)
        #expect(fd2 >= 0)
        #expect(stat(h.host("/private"), &st) == 0 && st.st_mode & 0o7777 == 0o700)
        #expect(h.open("/private", O.creat | O.excl | O.wronly) == neg(.EEXIST))
        #expect(h.open("/missing", O.rdonly) == neg(.ENOENT))
        #expect(h.open("/private", O.rdonly | O.directory) == neg(.ENOTDIR))
    }

    @Test func positionedAndVectoredIO() {
        let h = FSHarness()
        let fd = h.open("/v", O.creat | O.rdwr)
        let a = h.str("abc"), b = h.str("defgh")
        let iov = h.alloc(16)
        h.memory.poke(iov, GuestLayout.le32(a) + GuestLayout.le32(3) + GuestLayout.le32(b) + GuestLayout.le32(5))
        #expect(h.sys("writev", u(fd), iov, 2) == 8)
        // pwrite64 at offset 2 (low word arg 3, high word arg 4) leaves the position alone.
        #expect(h.sys("pwrite64", u(fd), h.str("XY"), 2, 2, 0) == 2)
        #expect(h.sys("lseek", u(fd), 0, 1) == 8)
        let buf = h.alloc(16)
        #expect(h.sys("pread64", u(fd), buf, 8, 0, 0) == 8)
        #expect(h.text(buf, 8) == "abXYefgh")
        #expect(h.sys("pread64", u(fd), buf, 8, 0, 0xffff_ffff) == neg(.EINVAL))
        let r1 = h.alloc(4), r2 = h.alloc(8)
        h.memory.poke(iov, GuestLayout.le32(r1) + GuestLayout.le32(4) + GuestLayout.le32(r2) + GuestLayout.le32(8))
        #expect(h.sys("lseek", u(fd), 0, 0) == 0)
        #expect(h.sys("readv", u(fd), iov, 2) == 8)
        #expect(h.text(r1, 4) == "abXY" && h.text(r2, 4) == "efgh")
        #expect(h.sys("readv", u(fd), iov, u(-1)) == neg(.EINVAL))
        // truncate64 / ftruncate64 split their lengths too.
        #expect(h.sys("ftruncate64", u(fd), 3, 0) == 0)
        var st = stat()
        #expect(stat(h.host("/v"), &st) == 0 && st.st_size == 3)
        #expect(h.sys("truncate64", h.str("/v"), 10, 0) == 0)
        #expect(stat(h.host("/v"), &st) == 0 && st.st_size == 10)
        #expect(h.sys("truncate", h.str("/v"), u(-1)) == neg(.EINVAL))
        let ro = h.open("/v", O.rdonly)
        #expect(h.sys("ftruncate", u(ro), 0) == neg(.EINVAL))
        #expect(h.sys("write", u(ro), buf, 1) == neg(.EBADF))
        // sendfile64 copies with an offset pointer and moves it.
        let out = h.open("/copy", O.creat | O.wronly)
        let off = h.alloc(8)
        h.memory.poke(off, GuestLayout.le64(1))
        #expect(h.sys("sendfile64", u(out), u(fd), off, 100) == 9)
        #expect(h.u64(off) == 10)
        #expect(try! Data(contentsOf: URL(fileURLWithPath: h.host("/copy"))) == Data("bX".utf8) + Data(count: 7))

    }

    /// A plain name is looked up in the directory chdir (or fchdir, or a change of root)
    /// chose, through the descriptor Gate holds for it; a symbolic link still resolves.
    @Test func plainNamesResolveInTheCurrentDirectory() {
        let h = FSHarness()
        h.mkdir("/d1")
        h.mkdir("/d2")
        h.write(file: "/d1/x", "1")
        h.write(file: "/d2/x", "22")
        h.symlink("/d2/l", to: "x")
        let buf = h.alloc(96)
        func size(_ call: String, _ name: String) -> Int64 {
            let r = h.sys(call, h.str(name), buf)
            return r == 0 ? Int64(h.u64(buf + 44)) : Int64(r)
        }
        #expect(size("stat64", "x") == Int64(neg(.ENOENT)))
        #expect(h.sys("chdir", h.str("/d1")) == 0)
        #expect(size("stat64", "x") == 1)
        #expect(h.sys("chdir", h.str("/d2")) == 0)
        #expect(size("stat64", "x") == 2)
        #expect(size("stat64", "l") == 2)                               // followed
        #expect(h.u32(buf + 16) & 0o170000 == 0o100000)
        #expect(size("lstat64", "l") == 1)                              // the link, "x"
        #expect(h.u32(buf + 16) & 0o170000 == 0o120000)
        #expect(size("stat64", "missing") == Int64(neg(.ENOENT)))
        #expect(size("stat64", "x/") == Int64(neg(.ENOTDIR)))                  // not a plain name
        #expect(h.sys("stat64", h.str(".."), buf) == 0)
        #expect(h.u32(buf + 16) & 0o170000 == 0o040000)
        #expect(h.sys("stat64", FSHarness.wild, buf) == neg(.EFAULT))
        #expect(h.sys("stat64", h.str(""), buf) == neg(.ENOENT))
        let d1 = h.open("/d1", O.rdonly | O.directory)
        #expect(h.sys("fchdir", u(d1)) == 0)
        #expect(size("stat64", "x") == 1)
        // As on Linux, the lookup follows the current directory if it is renamed.
        #expect(h.sys("rename", h.str("/d1"), h.str("/d3")) == 0)
        #expect(size("stat64", "x") == 1)
    }

    @Test func stat64MatchesHostStat() {
        let h = FSHarness()
        h.write(file: "/f", String(repeating: "x", count: 5000))
        var st = stat()
        #expect(stat(h.host("/f"), &st) == 0)
        let buf = h.alloc(96)
        #expect(h.sys("stat64", h.str("/f"), buf) == 0)
        let dev = UInt64(st.st_dev)
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff), minor = (dev & 0xff) | ((dev >> 12) & ~0xff)
        #expect(h.u64(buf + 0) == (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12))
        #expect(h.u32(buf + 12) == UInt32(truncatingIfNeeded: st.st_ino))
        #expect(h.u32(buf + 16) == UInt32(st.st_mode))
        #expect(h.u32(buf + 20) == UInt32(st.st_nlink))
        #expect(h.u32(buf + 24) == st.st_uid)
        #expect(h.u32(buf + 28) == st.st_gid)
        #expect(h.u64(buf + 44) == 5000)
        #expect(h.u32(buf + 52) == UInt32(st.st_blksize))
        #expect(h.u64(buf + 56) == UInt64(st.st_blocks))
        #expect(h.u32(buf + 64) == UInt32(truncatingIfNeeded: st.st_atim.tv_sec))
        #expect(h.u32(buf + 72) == UInt32(truncatingIfNeeded: st.st_mtim.tv_sec))
        #expect(h.u32(buf + 76) == UInt32(st.st_mtim.tv_nsec))
        #expect(h.u32(buf + 80) == UInt32(truncatingIfNeeded: st.st_ctim.tv_sec))
        #expect(h.u64(buf + 88) == UInt64(st.st_ino))

        // fstat64 and fstatat64 agree; lstat64 sees a link.
        let fd = h.open("/f", O.rdonly)
        let buf2 = h.alloc(96)
        #expect(h.sys("fstat64", u(fd), buf2) == 0)
        #expect(h.read(buf, 96) == h.read(buf2, 96))
        #expect(h.sys("fstatat64", atFDCWD, h.str("f"), buf2, 0) == 0)
        #expect(h.read(buf, 96) == h.read(buf2, 96))
        #expect(h.sys("fstatat64", u(fd), h.str(""), buf2, 0x1000) == 0)   // AT_EMPTY_PATH
        #expect(h.read(buf, 96) == h.read(buf2, 96))
        #expect(h.sys("fstatat64", atFDCWD, h.str("f"), buf2, 0x8000) == neg(.EINVAL))
        h.symlink("/l", to: "f")
        #expect(h.sys("lstat64", h.str("/l"), buf2) == 0)
        #expect(h.u32(buf2 + 16) & 0o170000 == 0o120000)
        #expect(h.u64(buf2 + 44) == 1)
        #expect(h.sys("stat64", h.str("/l"), buf2) == 0)
        #expect(h.u64(buf2 + 88) == UInt64(st.st_ino))

        // statx: the generic layout.
        let sx = h.alloc(256)
        #expect(h.sys("statx", atFDCWD, h.str("/f"), 0, 0x7ff, sx) == 0)
        #expect(h.u32(sx) & 0x7ff == 0x7ff)
        #expect(h.u16(sx + 28) == UInt16(st.st_mode))
        #expect(h.u64(sx + 32) == UInt64(st.st_ino))
        #expect(h.u64(sx + 40) == 5000)
        #expect(h.u64(sx + 112) == UInt64(st.st_mtim.tv_sec))
        #expect(h.u32(sx + 120) == UInt32(st.st_mtim.tv_nsec))
        #expect(UInt64(h.u32(sx + 136)) == major && UInt64(h.u32(sx + 140)) == minor)

        // The old struct stat, when everything fits.
        let old = h.alloc(64)
        let r = h.sys("stat", h.str("/f"), old)
        if st.st_ino <= 0xffff_ffff && major < 256 && minor < 256 {
            #expect(r == 0)
            #expect(h.u32(old + 4) == UInt32(st.st_ino))
            #expect(h.u16(old + 8) == UInt16(st.st_mode))
            #expect(h.u32(old + 20) == 5000)
        } else {
            #expect(r == neg(.EOVERFLOW))
        }

        // statfs64 wants sizeof(struct statfs64).
        let sf = h.alloc(84)
        #expect(h.sys("statfs64", h.str("/"), 84, sf) == 0)
        #expect(h.u32(sf + 4) > 0)
        #expect(h.sys("statfs64", h.str("/"), 88, sf) == neg(.EINVAL))
        #expect(h.sys("fstatfs64", u(fd), 84, sf) == 0)
    }

    /// statx hands the guest the host's own record (on Linux hosts): the mount id and
    /// birth time, which no `struct stat` carries, arrive whichever way the call names
    /// the file; symbolic links are still followed by Gate, inside the guest's root.
    @Test func statxIsTheHostsOwnRecord() {
        let h = FSHarness()
        h.mkdir("/d")
        h.write(file: "/d/f", String(repeating: "y", count: 300))
        h.symlink("/d/l", to: "f")
        h.symlink("/d/abs", to: "/d/f")   // absolute: the guest's /d/f, not the host's
        var st = stat()
        #expect(stat(h.host("/d/f"), &st) == 0)
        let sx = h.alloc(256)
        #expect(h.sys("chdir", h.str("/d")) == 0)
        for name in ["f", "/d/f", "l", "abs", "../d/f"] {
            #expect(h.sys("statx", atFDCWD, h.str(name), 0, 0xfff, sx) == 0)
            #expect(h.u64(sx + 32) == UInt64(st.st_ino) && h.u64(sx + 40) == 300)
            #expect(h.u16(sx + 28) == UInt16(st.st_mode))
            #if os(Linux)
            #expect(h.u32(sx) & 0x1000 != 0 && h.u64(sx + 144) != 0)   // STATX_MNT_ID: the host's
            #endif
        }
        // AT_SYMLINK_NOFOLLOW: the link itself, by plain name and by path.
        for name in ["l", "/d/l"] {
            #expect(h.sys("statx", atFDCWD, h.str(name), 0x100, 0xfff, sx) == 0)
            #expect(h.u16(sx + 28) & 0o170000 == 0o120000 && h.u64(sx + 40) == 1)
        }
        // AT_EMPTY_PATH names a descriptor.
        let fd = h.open("/d/f", O.rdonly)
        #expect(h.sys("statx", u(fd), h.str(""), 0x1000, 0xfff, sx) == 0)
        #expect(h.u64(sx + 32) == UInt64(st.st_ino))
        // The errors stat gives: a missing name, a bad buffer.
        #expect(h.sys("statx", atFDCWD, h.str("nope"), 0, 0xfff, sx) == neg(.ENOENT))
        #expect(h.sys("statx", atFDCWD, h.str("/d/nope"), 0, 0xfff, sx) == neg(.ENOENT))
        #expect(h.sys("statx", atFDCWD, h.str("f"), 0, 0xfff, FSHarness.wild) == neg(.EFAULT))
    }

    @Test func getdents64ListsAndResumes() {
        let h = FSHarness()
        h.mkdir("/d/sub")
        h.write(file: "/d/a", "1")
        h.write(file: "/d/b", "22")
        h.symlink("/d/link", to: "a")
        let fd = h.open("/d", O.rdonly | O.directory | O.nonblock | O.cloexec | O.largefile)
        #expect(fd >= 0)
        // A 32-byte buffer holds one entry at a time: resumable across calls.
        let one = h.list(fd, bufferSize: 32)
        let expected: [String: UInt8] = [".": 4, "..": 4, "a": 8, "b": 8, "sub": 4, "link": 10]
        #expect(one.count == expected.count)
        for (name, type) in one { #expect(expected[name] == type, "\(name)") }
        #expect(h.sys("lseek", u(fd), 0, 0) == 0)
        let all = h.list(fd)
        #expect(Set(all.map(\.0)) == Set(expected.keys))
        // Too small for even one entry.
        #expect(h.sys("lseek", u(fd), 0, 0) == 0)
        #expect(h.sys("getdents64", u(fd), h.alloc(16), 16) == neg(.EINVAL))
        // The old getdents (d_type in the last byte).
        let buf = h.alloc(1024)
        let n = h.sys("getdents", u(fd), buf, 1024)
        #expect(n > 0)
        // Not a directory.
        let f = h.open("/d/a", O.rdonly)
        #expect(h.sys("getdents64", u(f), buf, 1024) == neg(.ENOTDIR))
        #expect(h.sys("read", u(fd), buf, 10) == neg(.EISDIR))
        // fchdir + openat relative to a directory descriptor.
        let g = h.sys("openat", u(fd), h.str("b"), O.rdonly)
        #expect(g >= 0)
        #expect(h.sys("read", u(g), buf, 10) == 2)
        #expect(h.sys("openat", u(f), h.str("b"), O.rdonly) == neg(.ENOTDIR))
    }

    @Test func rootCannotBeEscaped() {
        let h = FSHarness()
        h.mkdir("/etc")
        h.write(file: "/etc/marker", "inside")
        h.mkdir("/a/b")
        h.symlink("/evil", to: "/etc")
        h.symlink("/a/b/up", to: "../../../../../..")
        h.symlink("/a/rel", to: "b")
        let buf = h.alloc(64)
        for path in ["/evil/marker", "/../../../etc/marker", "../../etc/marker", "/a/b/up/etc/marker",
                     "/a/b/up/../../etc/marker", "a/rel/../../evil/./marker", "/etc/../../../etc/marker"] {
            let fd = h.open(path, O.rdonly)
            #expect(fd >= 0, "\(path)")
            #expect(h.sys("read", u(fd), buf, 64) == 6, "\(path)")
            #expect(h.text(buf, 6) == "inside")
            h.sys("close", u(fd))
        }
        // The host's /etc/passwd is not in the root.
        #expect(h.sys("stat64", h.str("/evil/passwd"), buf) == neg(.ENOENT))
        #expect(h.sys("stat64", h.str("/a/b/up/etc/passwd"), buf) == neg(.ENOENT))
        // chdir("..") at the root stays at the root.
        #expect(h.sys("chdir", h.str("/a/b/up/..")) == 0)
        #expect(h.sys("getcwd", buf, 64) == 2)
        #expect(h.text(buf, 1) == "/")
        #expect(h.sys("chdir", h.str("/a/rel")) == 0)
        #expect(h.sys("getcwd", buf, 64) == 5)
        #expect(h.text(buf, 4) == "/a/b")
        #expect(h.sys("getcwd", buf, 3) == neg(.ERANGE))
        // Loops, non-directories and long names.
        h.symlink("/loop1", to: "loop2")
        h.symlink("/loop2", to: "loop1")
        #expect(h.open("/loop1", O.rdonly) == neg(.ELOOP))
        #expect(h.open("/etc/marker/x", O.rdonly) == neg(.ENOTDIR))
        #expect(h.open("/etc/marker/", O.rdonly) == neg(.ENOTDIR))
        #expect(h.open("/" + String(repeating: "n", count: 256), O.rdonly) == neg(.ENAMETOOLONG))
        #expect(h.open(String(repeating: "/x", count: 2100), O.rdonly) == neg(.ENAMETOOLONG))
        #expect(h.open("", O.rdonly) == neg(.ENOENT))
        // O_NOFOLLOW on a final symlink; O_CREAT through a dangling absolute one stays inside.
        #expect(h.open("/evil", O.rdonly | O.nofollow) == neg(.ELOOP))
        h.symlink("/dangling", to: "/etc/created")
        #expect(h.open("/dangling", O.creat | O.wronly) >= 0)
        #expect(FileManager.default.fileExists(atPath: h.host("/etc/created")))
    }

    @Test func readlinkAndSymlinks() {
        let h = FSHarness()
        h.write(file: "/target", "t")
        #expect(h.sys("symlink", h.str("/target"), h.str("/abs")) == 0)
        #expect(h.sys("symlinkat", h.str("target"), atFDCWD, h.str("rel")) == 0)
        #expect(h.sys("symlink", h.str("x"), h.str("/abs")) == neg(.EEXIST))
        let buf = h.alloc(64)
        #expect(h.sys("readlink", h.str("/abs"), buf, 64) == 7)
        #expect(h.text(buf, 7) == "/target")
        #expect(h.sys("readlink", h.str("/abs"), buf, 3) == 3)
        #expect(h.sys("readlinkat", atFDCWD, h.str("rel"), buf, 64) == 6)
        #expect(h.text(buf, 6) == "target")
        #expect(h.sys("readlink", h.str("/target"), buf, 64) == neg(.EINVAL))
        #expect(h.sys("readlink", h.str("/nothing"), buf, 64) == neg(.ENOENT))
        #expect(h.sys("readlink", h.str("/abs"), buf, 0) == neg(.EINVAL))
        // link, and linkat following a symlink.
        #expect(h.sys("link", h.str("/target"), h.str("/hard")) == 0)
        #expect(h.sys("linkat", atFDCWD, h.str("/abs"), atFDCWD, h.str("/hard2"), 0x400) == 0)
        var st = stat()
        #expect(lstat(h.host("/hard2"), &st) == 0 && st.st_mode & 0o170000 == 0o100000 && st.st_nlink == 3)
    }

    /// One plain name in the current directory takes a shorter way through the path
    /// resolver (PathResolver.plainNameInCwd); it must agree with the general walk.
    @Test func plainNamesInTheCurrentDirectory() {
        let h = FSHarness()
        h.mkdir("/d")
        h.write(file: "/d/file", "12345")
        h.write(file: "/elsewhere", "1234567")
        h.symlink("/d/link", to: "/elsewhere")
        h.symlink("/d/dangling", to: "/nowhere")
        #expect(h.sys("chdir", h.str("/d")) == 0)
        let buf = h.alloc(96)
        func size() -> UInt64 { h.u64(buf + 44) }   // struct stat64's st_size
        #expect(h.sys("stat64", h.str("file"), buf) == 0 && size() == 5)
        #expect(h.sys("stat64", h.str("link"), buf) == 0 && size() == 7)   // followed
        #expect(h.sys("lstat64", h.str("link"), buf) == 0 && size() == 10) // the link: "/elsewhere"
        #expect(h.sys("stat64", h.str("dangling"), buf) == neg(.ENOENT))
        #expect(h.sys("lstat64", h.str("dangling"), buf) == 0)
        #expect(h.sys("stat64", h.str("missing"), buf) == neg(.ENOENT))
        #expect(h.sys("stat64", h.str("file/"), buf) == neg(.ENOTDIR))
        #expect(h.sys("stat64", h.str(".."), buf) == 0)
        // The general walk for the same names, by absolute path, agrees.
        #expect(h.sys("stat64", h.str("/d/link"), buf) == 0 && size() == 7)
    }

    /// Gate keeps the position of a regular file the guest opened (OpenFile.keepsPosition):
    /// lseek makes no host call, descriptors that share the description share it, and
    /// O_APPEND or an inherited stream leave it to the host.
    @Test func keptFilePositions() {
        let h = FSHarness()
        let fd = h.open("/kept", O.creat | O.rdwr)
        let file = h.process.files.get(fd)!
        #expect(file.keepsPosition)
        #expect(h.sys("write", u(fd), h.str("hello, world"), 12) == 12)
        #expect(lseek(file.hostFD, 0, SEEK_CUR) == 0)   // the host's offset is not used
        let twin = h.sys("dup", u(fd))
        #expect(h.sys("lseek", u(twin), 7, 0) == 7)
        let buf = h.alloc(32)
        #expect(h.sys("read", u(fd), buf, 32) == 5 && h.text(buf, 5) == "world")
        #expect(h.sys("lseek", u(twin), 0, 1) == 12)
        // SEEK_END asks the host for the size: the file grew behind Gate's back.
        let other = Glibc.open(h.host("/kept"), O_WRONLY)
        #expect(pwrite(other, "0123456789abcdefghij", 20, 0) == 20)
        close(other)
        #expect(h.sys("lseek", u(fd), u(-4), 2) == 16)
        #expect(h.sys("read", u(fd), buf, 32) == 4 && h.text(buf, 4) == "ghij")
        #expect(h.sys("lseek", u(fd), u(-21), 1) == neg(.EINVAL))
        #expect(h.sys("lseek", u(fd), 0, 1) == 20)
        // FIONREAD on a regular file: the bytes past the position.
        #expect(h.sys("lseek", u(fd), 15, 0) == 15)
        let n = h.alloc(4)
        #expect(h.sys("ioctl", u(fd), 0x541b, n) == 0 && h.u32(n) == 5)
        // Vectored and sendfile transfers without an offset move the kept position.
        let iov = h.alloc(8)
        h.memory.poke(iov, GuestLayout.le32(buf) + GuestLayout.le32(2))
        #expect(h.sys("readv", u(fd), iov, 1) == 2 && h.text(buf, 2) == "fg")
        let copy = h.open("/copy", O.creat | O.wronly)
        #expect(h.sys("sendfile64", u(copy), u(fd), 0, 100) == 3)
        #expect(h.sys("lseek", u(fd), 0, 1) == 20 && h.sys("lseek", u(copy), 0, 1) == 3)
        #expect(try! String(contentsOfFile: h.host("/copy"), encoding: .utf8) == "hij")
        // O_APPEND hands the position to the host, which puts each write at the end.
        #expect(h.sys("lseek", u(fd), 2, 0) == 2)
        #expect(h.sys("fcntl64", u(fd), 4, O.append) == 0)   // F_SETFL
        #expect(!file.keepsPosition && lseek(file.hostFD, 0, SEEK_CUR) == 2)
        #expect(h.sys("write", u(fd), h.str("!"), 1) == 1)
        #expect(h.sys("lseek", u(twin), 0, 1) == 21)
        #expect(try! String(contentsOfFile: h.host("/kept"), encoding: .utf8) == "0123456789abcdefghij!")
        #expect(!h.process.files.get(h.open("/kept", O.wronly | O.append))!.keepsPosition)
        #expect(!h.process.files.get(h.open("/", O.rdonly | O.directory))!.keepsPosition)
    }

    /// A regular file the guest inherits as a standard stream keeps the host's offset,
    /// shared with whoever else holds it (a shell appending around `gate run`).
    @Test func inheritedStreamsKeepTheHostOffset() {
        let h = FSHarness()
        let path = h.host("/out")
        let host = Glibc.open(path, O_CREAT | O_RDWR, 0o600)
        #expect(host >= 0)
        defer { close(host) }
        h.process.files.installStandardStreams(stdin: 0, stdout: host, stderr: 2)
        #expect(h.process.files.get(1)?.keepsPosition == false)
        #expect(h.sys("write", 1, h.str("abc"), 3) == 3)
        #expect(lseek(host, 0, SEEK_CUR) == 3)
    }

    @Test func theFirstCurrentDirectoryIsTheHosts() throws {
        var buf = [CChar](repeating: 0, count: 4096)
        let here = String(cString: getcwd(&buf, buf.count)!)
        #expect(Kernel.startingDirectory(root: "/") == here)
        let parts = here.split(separator: "/")
        if let last = parts.last {
            let parent = "/" + parts.dropLast().joined(separator: "/")
            #expect(Kernel.startingDirectory(root: parent) == "/" + last)
        }
        #expect(Kernel.startingDirectory(root: here) == "/")
        #expect(Kernel.startingDirectory(root: here + "-not-above-it") == "/")
    }

    @Test func renameUnlinkMkdirRmdir() {
        let h = FSHarness()
        #expect(h.sys("mkdir", h.str("/d"), 0o755) == 0)
        #expect(h.sys("mkdir", h.str("/d"), 0o755) == neg(.EEXIST))
        #expect(h.sys("mkdirat", atFDCWD, h.str("/d/e/"), 0o700) == 0)
        var st = stat()
        #expect(stat(h.host("/d/e"), &st) == 0 && st.st_mode & 0o777 == 0o700)
        h.write(file: "/f", "x")
        #expect(h.sys("rename", h.str("/f"), h.str("/d/g")) == 0)
        #expect(FileManager.default.fileExists(atPath: h.host("/d/g")))
        #expect(h.sys("rename", h.str("/d/g"), h.str("/d/h/")) == neg(.ENOTDIR))
        #expect(h.sys("rename", h.str("/missing"), h.str("/d/x")) == neg(.ENOENT))
        #expect(h.sys("renameat2", atFDCWD, h.str("/d/g"), atFDCWD, h.str("/d/e"), 1) == neg(.EEXIST))
        #expect(h.sys("renameat", atFDCWD, h.str("/d/g"), atFDCWD, h.str("/g2")) == 0)
        #expect(h.sys("rmdir", h.str("/d")) == neg(.ENOTEMPTY))
        #expect(h.sys("unlink", h.str("/d/e")) == neg(.EISDIR))
        #expect(h.sys("rmdir", h.str("/g2")) == neg(.ENOTDIR))
        #expect(h.sys("rmdir", h.str("/d/e/.")) == neg(.EINVAL))
        #expect(h.sys("unlinkat", atFDCWD, h.str("/d/e"), 0x200) == 0)
        #expect(h.sys("rmdir", h.str("/d")) == 0)
        #expect(h.sys("unlink", h.str("/g2")) == 0)
        #expect(h.sys("unlink", h.str("/g2")) == neg(.ENOENT))
        #expect(h.sys("unlinkat", atFDCWD, h.str("/x"), 0x1) == neg(.EINVAL))
        // chmod, access, utimensat.
        h.write(file: "/m", "")
        #expect(h.sys("chmod", h.str("/m"), 0o640) == 0)
        #expect(stat(h.host("/m"), &st) == 0 && st.st_mode & 0o777 == 0o640)
        #expect(h.sys("access", h.str("/m"), 0) == 0)
        #expect(h.sys("access", h.str("/nope"), 0) == neg(.ENOENT))
        #expect(h.sys("access", h.str("/m"), 8) == neg(.EINVAL))
        let times = h.alloc(16)
        h.memory.poke(times, GuestLayout.le32(1_000_000) + GuestLayout.le32(5) + GuestLayout.le32(2_000_000) + GuestLayout.le32(7))
        #expect(h.sys("utimensat", atFDCWD, h.str("/m"), times, 0) == 0)
        #expect(stat(h.host("/m"), &st) == 0 && st.st_mtim.tv_sec == 2_000_000 && st.st_atim.tv_sec == 1_000_000)
        let t64 = h.alloc(32)
        h.memory.poke(t64, GuestLayout.le64(3_000_000) + GuestLayout.le64(0) + GuestLayout.le64(4_000_000) + GuestLayout.le64(0))
        #expect(h.sys("utimensat_time64", atFDCWD, h.str("/m"), t64, 0) == 0)
        #expect(stat(h.host("/m"), &st) == 0 && st.st_mtim.tv_sec == 4_000_000)
        #expect(h.sys("chown32", h.str("/m"), 0xffff_ffff, 0xffff_ffff) == 0)
        #expect(h.sys("getxattr", h.str("/m"), h.str("user.x"), times, 16) == neg(.ENODATA))
        #expect(h.sys("listxattr", h.str("/m"), times, 16) == 0)
    }

    @Test func dupAndFcntl() {
        let h = FSHarness()
        let fd = h.open("/f", O.creat | O.rdwr)
        #expect(h.sys("dup2", u(fd), 10) == 10)
        #expect(h.sys("write", 10, h.str("abc"), 3) == 3)
        #expect(h.sys("lseek", u(fd), 0, 1) == 3)   // the offset is shared
        #expect(h.sys("dup2", 10, 10) == 10)
        #expect(h.sys("dup2", 55, 10) == neg(.EBADF))
        #expect(h.sys("dup3", 10, 10, 0) == neg(.EINVAL))
        #expect(h.sys("dup3", 10, 11, 1) == neg(.EINVAL))
        #expect(h.sys("dup3", 10, 11, O.cloexec) == 11)
        #expect(h.sys("fcntl64", 11, 1) == 1)      // F_GETFD: FD_CLOEXEC
        #expect(h.sys("fcntl64", 10, 1) == 0)
        #expect(h.sys("fcntl64", 10, 2, 1) == 0)   // F_SETFD
        #expect(h.sys("fcntl64", 10, 1) == 1)
        let d = h.sys("fcntl64", u(fd), 0, 20)      // F_DUPFD
        #expect(d == 20)
        #expect(h.sys("fcntl64", u(fd), 1030, 20) == 21)   // F_DUPFD_CLOEXEC
        #expect(h.sys("fcntl", 21, 1) == 1)
        #expect(h.sys("dup", u(fd)) == fd + 1)
        #expect(h.sys("fcntl64", u(fd), 3) == Int32(O.rdwr))   // F_GETFL
        #expect(h.sys("fcntl64", u(fd), 4, O.append | O.nonblock) == 0)
        #expect(UInt32(h.sys("fcntl64", u(fd), 3)) & (O.append | O.nonblock) == O.append | O.nonblock)
        #expect(h.sys("lseek", u(fd), 0, 0) == 0)
        #expect(h.sys("write", u(fd), h.str("Z"), 1) == 1)
        #expect(try! String(contentsOfFile: h.host("/f"), encoding: .utf8) == "abcZ")
        // F_GETLK reports no lock (l_type = F_UNLCK); F_SETLK succeeds.
        let fl = h.alloc(32)
        h.memory.poke(fl, [1, 0, 0, 0] + [UInt8](repeating: 0, count: 20))
        #expect(h.sys("fcntl64", u(fd), 12, fl) == 0)   // F_GETLK64
        #expect(h.u16(fl) == 2)
        h.memory.poke(fl, [1, 0])
        #expect(h.sys("fcntl64", u(fd), 13, fl) == 0)   // F_SETLK64
        #expect(h.sys("fcntl64", u(fd), 999) == neg(.EINVAL))
        #expect(h.sys("ioctl", u(fd), 0x5401, h.alloc(36)) == neg(.ENOTTY))   // TCGETS on a file
        let n = h.alloc(4)
        #expect(h.sys("lseek", u(fd), 1, 0) == 1)
        #expect(h.sys("ioctl", u(fd), 0x541B, n) == 0)   // FIONREAD
        #expect(h.u32(n) == 3)
    }

    @Test func pipesPollAndSelect() {
        let h = FSHarness()
        let fds = h.alloc(8)
        #expect(h.sys("pipe2", fds, O.nonblock | O.cloexec) == 0)
        let r = Int32(bitPattern: h.u32(fds)), w = Int32(bitPattern: h.u32(fds + 4))
        #expect(r >= 3 && w >= 3 && r != w)
        #expect(h.sys("fcntl64", u(r), 1) == 1)
        #expect(UInt32(h.sys("fcntl64", u(r), 3)) & O.nonblock != 0)
        let buf = h.alloc(16)
        #expect(h.sys("read", u(r), buf, 16) == neg(.EAGAIN))
        // poll: nothing to read yet, the write end is writable.
        let pfd = h.alloc(16)
        h.memory.poke(pfd, GuestLayout.le32(u(r)) + GuestLayout.le16(1) + GuestLayout.le16(0)
                      + GuestLayout.le32(u(w)) + GuestLayout.le16(4) + GuestLayout.le16(0))
        #expect(h.sys("poll", pfd, 2, 0) == 1)
        #expect(h.u16(pfd + 6) == 0 && h.u16(pfd + 14) == 4)
        #expect(h.sys("write", u(w), h.str("ping"), 4) == 4)
        #expect(h.sys("poll", pfd, 2, 100) == 2)
        #expect(h.u16(pfd + 6) & 1 == 1)
        // select with a timeval: the read end is ready.
        let set = h.alloc(128), tv = h.alloc(8)
        h.memory.poke(set, [UInt8](repeating: 0, count: 128))
        h.memory.poke(set + UInt32(r / 8), [UInt8(1 << (r % 8))])
        h.memory.poke(tv, GuestLayout.le32(1) + GuestLayout.le32(0))
        #expect(h.sys("_newselect", u(r + 1), set, 0, 0, tv) == 1)
        #expect(h.read(set + UInt32(r / 8), 1)[0] & UInt8(1 << (r % 8)) != 0)
        #expect(h.sys("read", u(r), buf, 16) == 4)
        #expect(h.text(buf, 4) == "ping")
        // A timed-out select clears the set.
        h.memory.poke(set + UInt32(r / 8), [UInt8(1 << (r % 8))])
        h.memory.poke(tv, GuestLayout.le32(0) + GuestLayout.le32(1000))
        #expect(h.sys("_newselect", u(r + 1), set, 0, 0, tv) == 0)
        #expect(h.read(set, 128).allSatisfy { $0 == 0 })
        // A bad descriptor in a set.
        h.memory.poke(set + 12, [0x80])
        #expect(h.sys("_newselect", 104, set, 0, 0, tv) == neg(.EBADF))
        // Writer closed: end of file, and POLLHUP.
        #expect(h.sys("close", u(w)) == 0)
        #expect(h.sys("read", u(r), buf, 16) == 0)
        #expect(h.sys("poll", pfd, 1, 0) == 1)
        #expect(h.u16(pfd + 6) & 0x10 != 0)
        #expect(h.sys("lseek", u(r), 0, 0) == neg(.ESPIPE))
        #expect(h.sys("pipe", FSHarness.wild) == neg(.EFAULT))
        #expect(h.sys("pipe2", fds, 0x1) == neg(.EINVAL))
    }

    @Test func badPointersAndDescriptors() {
        let h = FSHarness()
        h.write(file: "/f", "content")
        let fd = h.open("/f", O.rdwr)
        let wild = FSHarness.wild
        #expect(h.sys("read", u(fd), wild, 4) == neg(.EFAULT))
        #expect(h.sys("write", u(fd), wild, 4) == neg(.EFAULT))
        #expect(h.sys("open", wild, 0) == neg(.EFAULT))
        #expect(h.sys("stat64", h.str("/f"), wild) == neg(.EFAULT))
        #expect(h.sys("fstat64", u(fd), wild) == neg(.EFAULT))
        #expect(h.sys("statx", atFDCWD, h.str("/f"), 0, 0x7ff, wild) == neg(.EFAULT))
        #expect(h.sys("getcwd", wild, 100) == neg(.EFAULT))
        #expect(h.sys("readv", u(fd), wild, 1) == neg(.EFAULT))
        #expect(h.sys("_llseek", u(fd), 0, 0, wild, 0) == neg(.EFAULT))
        // A read that runs off the end of the mapping is cut short there.
        let end = FSHarness.scratch + FSHarness.scratchSize - 3
        #expect(h.sys("read", u(fd), end, 100) == 3)
        #expect(h.text(end, 3) == "con")
        for call in ["read", "write", "fstat64", "fsync", "getdents64", "fchdir", "close", "dup", "fcntl64", "ioctl"] {
            #expect(h.sys(call, 99, h.alloc(128), 16) == neg(.EBADF), "\(call)")
        }
        #expect(h.sys("fstat64", u(-1), h.alloc(96)) == neg(.EBADF))
        #expect(h.sys("openat", 77, h.str("x"), 0) == neg(.EBADF))
        #expect(h.sys("dup2", u(fd), 5000) == neg(.EBADF))
    }

    @Test func procProviderServesSyntheticFiles() {
        final class FakeProc: ProcFileProvider {
            func open(path: String, process: Linux.Process) -> [UInt8]? {
                path == "/proc/\(process.pid)/status" ? Array("Name:\tgate\nPid:\t1\n".utf8) : nil
            }
            func readlink(path: String, process: Linux.Process) -> String? {
                switch path {
                case "/proc/self": return String(process.pid)
                case "/proc/\(process.pid)/exe": return "/bin/prog"
                default: return nil
                }
            }
            func isDirectory(path: String) -> Bool {
                let parts = path.split(separator: "/")
                return path == "/proc" || (parts.count == 2 && Int(parts[1]) != nil) || (parts.count == 3 && parts[2] == "fd")
            }
            func list(path: String, process: Linux.Process) -> [String]? {
                switch path {
                case "/proc": return [String(process.pid), "self"]
                case "/proc/\(process.pid)": return ["status", "exe", "fd", "mem"]
                case "/proc/\(process.pid)/fd": return process.files.descriptors.map(String.init)
                default: return nil
                }
            }
        }
        let h = FSHarness()
        let provider = FakeProc()
        h.process.fs.procFS = provider
        let pid = h.process.pid
        h.mkdir("/bin")
        h.write(file: "/bin/prog", "ELF")
        let fd = h.open("/proc/self/status", O.rdonly)
        #expect(fd >= 3)
        let buf = h.alloc(64)
        #expect(h.sys("read", u(fd), buf, 5) == 5)
        #expect(h.text(buf, 5) == "Name:")
        #expect(h.sys("lseek", u(fd), 0, 0) == 0)
        #expect(h.sys("read", u(fd), buf, 64) == 18)
        #expect(h.sys("pread64", u(fd), buf, 3, 6, 0) == 3)
        #expect(h.text(buf, 3) == "gat")
        let st = h.alloc(96)
        #expect(h.sys("fstat64", u(fd), st) == 0)
        #expect(h.u32(st + 16) == 0o100444)
        #expect(h.u64(st + 44) == 0)
        #expect(h.sys("write", u(fd), buf, 1) == neg(.EBADF))
        #expect(h.open("/proc/self/status", O.wronly) == neg(.EACCES))
        #expect(h.open("/proc/self/none", O.rdonly) == neg(.ENOENT))
        // readlink, and stat following the exe link into the root.
        #expect(h.sys("readlink", h.str("/proc/self/exe"), buf, 64) == 9)
        #expect(h.text(buf, 9) == "/bin/prog")
        #expect(h.sys("stat64", h.str("/proc/self/exe"), st) == 0)
        #expect(h.u64(st + 44) == 3)
        #expect(h.sys("lstat64", h.str("/proc/self"), st) == 0)
        #expect(h.u32(st + 16) & 0o170000 == 0o120000)
        // getdents64 on /proc/self/fd lists the descriptors.
        let dir = h.open("/proc/self/fd", O.rdonly | O.directory)
        #expect(dir >= 0)
        let names = Set(h.list(dir).map(\.0))
        #expect(names.isSuperset(of: [".", "..", "0", "1", "2", String(fd), String(dir)]))
        let top = h.open("/proc", O.rdonly | O.directory)
        let entries = h.list(top)
        #expect(entries.contains { $0.0 == "self" && $0.1 == 10 })
        #expect(entries.contains { $0.0 == String(pid) && $0.1 == 4 })
        // /proc/self/fd/N reopens the descriptor.
        let reopened = h.open("/proc/self/fd/\(fd)", O.rdonly)
        #expect(reopened >= 0)
        #expect(h.sys("read", u(reopened), buf, 4) == 4)
        #expect(h.sys("chdir", h.str("/proc/self")) == 0)
        let cwd = "/proc/\(pid)"
        #expect(h.sys("getcwd", buf, 64) == Int32(cwd.utf8.count + 1))
        #expect(h.text(buf, cwd.utf8.count) == cwd)
        #expect(h.sys("stat64", h.str("status"), st) == 0)
        let p = h.alloc(8)
        h.memory.poke(p, GuestLayout.le32(u(fd)) + GuestLayout.le16(1) + GuestLayout.le16(0))
        #expect(h.sys("poll", p, 1, u(-1)) == 1)
        // /proc/self/mem reads and writes guest memory at the file offset.
        let mem = h.open("/proc/self/mem", O.rdwr)
        #expect(mem >= 0)
        let target = h.str("secret")
        #expect(h.sys("pread64", u(mem), buf, 6, target, 0) == 6)
        #expect(h.text(buf, 6) == "secret")
        #expect(h.sys("pwrite64", u(mem), h.str("S"), 1, target, 0) == 1)
        #expect(h.text(target, 6) == "Secret")
        #expect(h.sys("pread64", u(mem), buf, 4, FSHarness.wild, 0) == neg(.EIO))
        // A host pipe reopened through /proc/self/fd.
        let fds = h.alloc(8)
        #expect(h.sys("pipe", fds) == 0)
        let w = h.u32(fds + 4)
        #expect(h.sys("write", w, h.str("via"), 3) == 3)
        let again = h.open("/proc/self/fd/\(h.u32(fds))", O.rdonly)
        #expect(again >= 0)
        #expect(h.sys("read", u(again), buf, 3) == 3)
        #expect(h.text(buf, 3) == "via")
    }

    @Test func theLeadsProcProvider() {
        let h = FSHarness()
        h.process.fs.procFS = ProcFiles()
        h.process.executable = "/bin/prog"
        h.mkdir("/bin")
        h.write(file: "/bin/prog", "ELF")
        let buf = h.alloc(256)
        #expect(h.sys("readlink", h.str("/proc/self/exe"), buf, 256) == 9)
        let fd = h.open("/proc/self/status", O.rdonly | O.cloexec)
        #expect(fd >= 0)
        #expect(h.sys("read", u(fd), buf, 256) > 0)
        #expect(h.text(buf, 5) == "Name:")
        let dir = h.open("/proc/self/fd", O.rdonly | O.directory)
        #expect(Set(h.list(dir).map(\.0)).isSuperset(of: ["0", "1", "2", String(fd), String(dir)]))
        let cpu = h.open("/proc/cpuinfo", O.rdonly)
        #expect(h.sys("read", u(cpu), buf, 9) == 9)
        #expect(h.text(buf, 9) == "processor")
    }

    #if os(Linux)
    /// A host pseudo-terminal: the i386 termios and winsize pass through.
    @Test func terminalIoctls() throws {
        guard let (master, slavePath) = GateHarness.pseudoTerminal() else { return }   // no ptys here
        defer { Glibc.close(master) }
        let slave = Glibc.open(slavePath, O_RDWR | O_NOCTTY)
        guard slave >= 0 else { return }
        let h = FSHarness()
        let fd = h.process.files.install(OpenFile(hostFD: slave, path: slavePath, flags: 2))!
        let t = h.alloc(36)
        #expect(h.sys("ioctl", u(fd), 0x5401, t) == 0)   // TCGETS
        let lflag = h.u32(t + 12)
        #expect(lflag & 0o2 != 0)                          // ICANON
        h.memory.poke(t + 12, GuestLayout.le32(lflag & ~0o12))   // clear ICANON and ECHO
        #expect(h.sys("ioctl", u(fd), 0x5402, t) == 0)   // TCSETS
        let t2 = h.alloc(36)
        #expect(h.sys("ioctl", u(fd), 0x5401, t2) == 0)
        #expect(h.u32(t2 + 12) & 0o12 == 0)
        let ws = h.bytes(GuestLayout.le16(40) + GuestLayout.le16(132) + GuestLayout.le16(0) + GuestLayout.le16(0))
        #expect(h.sys("ioctl", u(fd), 0x5414, ws) == 0)  // TIOCSWINSZ
        let ws2 = h.alloc(8)
        #expect(h.sys("ioctl", u(fd), 0x5413, ws2) == 0) // TIOCGWINSZ
        #expect(h.u16(ws2) == 40 && h.u16(ws2 + 2) == 132)
        // Not the process's controlling terminal (TerminalTests has those).
        let pg = h.alloc(4)
        #expect(h.sys("ioctl", u(fd), 0x540F, pg) == neg(.ENOTTY))  // TIOCGPGRP
        #expect(h.sys("ioctl", u(fd), 0x5410, pg) == neg(.ENOTTY))  // TIOCSPGRP
        #expect(h.sys("ioctl", u(fd), 0x5401, FSHarness.wild) == neg(.EFAULT))
        // Bytes waiting on the terminal.
        _ = "hi\n".withCString { Glibc.write(master, $0, 3) }
        usleep(20_000)
        let n = h.alloc(4)
        #expect(h.sys("ioctl", u(fd), 0x541B, n) == 0)   // FIONREAD
        #expect(h.u32(n) == 3)
    }
    #endif

    @Test func openDescriptorReopensThroughProc() {
        // Without a provider, /proc is whatever the root holds.
        let h = FSHarness()
        #expect(h.open("/proc/self/status", O.rdonly) == neg(.ENOENT))
    }
}

/// busybox from the i386 fixture root reaching /proc and directories through these calls.
struct FileSyscallProgramTests {
    static func run(_ argv: [String]) throws -> (Kernel.Exit, String) {
        let root = GateHarness.fixtureRoot.path
        let (out, outPath) = GateHarness.temporaryFile()
        defer { close(out); unlink(outPath) }
        let input = open("/dev/null", O_RDONLY)
        defer { close(input) }
        var options = Kernel.Options()
        options.root = root
        options.environment = GateHarness.environment
        options.stdin = input
        options.stdout = out
        options.stderr = out
        let kernel = try Kernel(options: options)
        kernel.process.fs.procFS = ProcFiles()
        try kernel.exec(path: root + argv[0], arguments: argv)
        kernel.process.executable = argv[0]
        let exit = kernel.run()
        return (exit, String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self))
    }

    @Test(.enabled(if: GateHarness.haveFixtures, "no i386 fixture root"))
    func busyboxSeesProcAndDirectories() throws {
        let (e1, exe) = try FileSyscallProgramTests.run(["/bin/busybox", "readlink", "/proc/self/exe"])
        #expect(e1 == .exited(0) && exe == "/bin/busybox\n")
        let (e2, listing) = try FileSyscallProgramTests.run(["/bin/busybox", "ls", "-l", "/proc/self/"])
        #expect(e2 == .exited(0))
        #expect(listing.contains("exe -> /bin/busybox") && listing.contains("maps"))
        let (e3, found) = try FileSyscallProgramTests.run(["/bin/busybox", "find", "/etc", "-name", "*.conf"])
        #expect(e3 == .exited(0) && found.contains("/etc/ld.so.conf.d/"))
    }
}
