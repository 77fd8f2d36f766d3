import Foundation
import Testing
@testable import IA32
@testable import Linux

/// epoll, eventfd, POSIX timers and the CPU interval timers. The `events` program runs
/// with the other static programs (StaticProgramTests: both entry paths, the native
/// run, the recording); here are the pieces underneath it — a timer's overrun
/// arithmetic, bad arguments from the guest, and the `--strace` lines of the new calls
/// against host strace.
struct EventTests {
    /// A kernel with a page of scratch memory and the calls reachable by name.
    final class Harness {
        let kernel: Kernel
        var process: Linux.Process { kernel.process }
        static let scratch: UInt32 = 0x1000_0000
        static let table: [String: SyscallEntry] = Dictionary(
            SyscallCatalog.groups.joined().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

        init() throws {
            var options = Kernel.Options()
            let null = open("/dev/null", O_RDWR)
            options.stdin = null; options.stdout = null; options.stderr = null
            kernel = try Kernel(options: options)
            close(null)
            kernel.process.mm.map(Harness.scratch, length: 0x2000, permission: PagePermission.userWrite)
        }

        @discardableResult
        func sys(_ name: String, _ a: UInt32...) -> Int32 {
            guard let e = Harness.table[name] else { fatalError("no \(name)") }
            let v = a + [UInt32](repeating: 0, count: 6 - a.count)
            return e.body(SyscallContext(process: process, number: e.number, args: (v[0], v[1], v[2], v[3], v[4], v[5])))
        }

        func poke(_ offset: UInt32, _ bytes: [UInt8]) { process.memory.poke(Harness.scratch + offset, bytes) }
        func u32(_ offset: UInt32) -> UInt32 { process.memory.load32(Harness.scratch + offset) }
    }

    static let efault = Errno.EFAULT.negated, einval = Errno.EINVAL.negated, ebadf = Errno.EBADF.negated

    /// The new calls sit at their i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl),
    /// and no number is taken twice in the whole table.
    @Test func tableHasTheI386Numbers() {
        let all = Array(SyscallCatalog.groups.joined())
        #expect(Set(all.map(\.number)).count == all.count)
        let expected: [String: UInt32] = [
            "socketcall": 102, "setitimer": 104, "getitimer": 105, "epoll_create": 254, "epoll_ctl": 255,
            "epoll_wait": 256, "timer_create": 259, "timer_settime": 260, "timer_gettime": 261,
            "timer_getoverrun": 262, "timer_delete": 263, "pselect6": 308, "ppoll": 309, "epoll_pwait": 319,
            "eventfd": 323, "eventfd2": 328, "epoll_create1": 329, "socketpair": 360, "shutdown": 373,
            "timer_gettime64": 408, "timer_settime64": 409, "epoll_pwait2": 441,
        ]
        for (name, number) in expected {
            #expect(all.first { $0.name == name }?.number == number, "\(name)")
        }
    }

    /// A periodic timer whose signal waits 3.5 intervals before it is taken: the
    /// expiries at +1, +2 and +3 intervals are overruns, and the timer goes on from +4.
    @Test func timerOverrunsCountTheSkippedIntervals() {
        let t = PosixTimer(id: 3, clock: 1, notification: .process(signal: 12), value: 42)
        let start: UInt64 = 1_000_000_000, interval: UInt64 = 10_000_000
        t.set(deadline: start, interval: interval)
        #expect(t.active)
        t.expired(now: start, delivered: true)
        #expect(!t.active && t.requeuePending)
        var info = t.info
        #expect(info.code == SigInfo.SI_TIMER && info.value == 42 && info.timer?.id == 3)
        t.rearm(&info, now: start + interval * 7 / 2)
        #expect(info.timer?.overrun == 3 && t.overrunLast == 3)
        #expect(t.active && t.deadline == start + 4 * interval)
        // timer_settime again: a signal queued before it neither rearms nor counts.
        var stale = info
        t.set(deadline: start + 10 * interval, interval: interval)
        stale.timer?.overrun = 0
        t.rearm(&stale, now: start + 20 * interval)
        #expect(stale.timer?.overrun == 0 && t.overrunLast == 0)
        // A signal that could not be queued: the timer keeps its grid and counts.
        t.expired(now: start + 12 * interval + 1, delivered: false)
        #expect(t.active && t.deadline == start + 13 * interval)
        // The bytes the guest sees: si_tid at 12, si_overrun at 16, si_value at 20.
        let b = info.bytes
        #expect(GuestLayout.u32(b, 8) == UInt32(bitPattern: -2) && GuestLayout.u32(b, 12) == 3)
        #expect(GuestLayout.u32(b, 16) == 3 && GuestLayout.u32(b, 20) == 42)
    }

    /// SIGEV_NONE: never sent, but timer_gettime counts down and forwards a periodic one.
    @Test func silentTimersOnlyCountDown() {
        let t = PosixTimer(id: 0, clock: 1, notification: .none, value: 0)
        t.set(deadline: 1_000, interval: 0)
        #expect(!t.active)
        #expect(t.remaining(now: 400) == (600, 0))
        #expect(t.remaining(now: 2_000) == (0, 0))
        t.set(deadline: 1_000, interval: 300)
        #expect(t.remaining(now: 1_100) == (200, 300))
    }

    /// Bad guest pointers and numbers end in -errno, never in a crash.
    @Test func badArgumentsGiveErrors() throws {
        let h = try Harness()
        let kernelHalf: UInt32 = 0xc000_1000, nowhere: UInt32 = 0x2000_0000
        let ep = h.sys("epoll_create1", 0)
        #expect(ep >= 3)
        let efd = h.sys("eventfd2", 0, 0o4000)
        #expect(efd > ep)
        // epoll_ctl: the event is read first.
        #expect(h.sys("epoll_ctl", UInt32(ep), 1, UInt32(efd), kernelHalf) == EventTests.efault)
        #expect(h.sys("epoll_ctl", UInt32(ep), 1, UInt32(efd), nowhere) == EventTests.efault)
        h.poke(0, [1, 0, 0, 0] + [UInt8](repeating: 0xab, count: 8))
        #expect(h.sys("epoll_ctl", UInt32(ep), 1, UInt32(efd), Harness.scratch) == 0)
        #expect(h.sys("epoll_ctl", UInt32(ep), 2, UInt32(efd), kernelHalf) == 0)   // DEL reads no event
        #expect(h.sys("epoll_ctl", UInt32(ep), 1, UInt32(efd), Harness.scratch) == 0)
        // epoll_wait: maxevents, then the array's range, then the descriptor.
        #expect(h.sys("epoll_wait", UInt32(ep), Harness.scratch, 0x7fff_ffff, 0) == EventTests.einval)
        #expect(h.sys("epoll_wait", UInt32(ep), 0xbfff_fff0, 2, 0) == EventTests.efault)
        #expect(h.sys("epoll_wait", 77, Harness.scratch, 1, 0) == EventTests.ebadf)
        #expect(h.sys("epoll_wait", UInt32(efd), Harness.scratch, 1, 0) == EventTests.einval)
        #expect(h.sys("epoll_wait", UInt32(ep), Harness.scratch, 4, 0) == 0)   // nothing ready
        h.poke(0x100, [3, 0, 0, 0, 0, 0, 0, 0])
        #expect(h.sys("write", UInt32(efd), Harness.scratch + 0x100, 8) == 8)
        #expect(h.sys("epoll_wait", UInt32(ep), nowhere, 4, 0) == EventTests.efault)
        // Only whole slots that can be written: the last 12 bytes of the page hold one.
        #expect(h.sys("epoll_wait", UInt32(ep), Harness.scratch + 0x2000 - 12, 8, 0) == 1)
        #expect(h.u32(0x2000 - 12) == 1 && h.u32(0x2000 - 8) == 0xabab_abab)
        #expect(h.sys("epoll_pwait", UInt32(ep), Harness.scratch, 4, 0, nowhere, 8) == EventTests.efault)
        #expect(h.sys("epoll_pwait", UInt32(ep), Harness.scratch, 4, 0, Harness.scratch, 16) == EventTests.einval)
        #expect(h.sys("epoll_pwait2", UInt32(ep), Harness.scratch, 4, nowhere, 0, 8) == EventTests.efault)
        // eventfd: short buffers, unmapped ones, the forbidden value.
        #expect(h.sys("read", UInt32(efd), nowhere, 8) == EventTests.efault)
        #expect(h.sys("read", UInt32(efd), Harness.scratch, 7) == EventTests.einval)
        #expect(h.sys("write", UInt32(efd), nowhere, 8) == EventTests.efault)
        h.poke(0x100, [UInt8](repeating: 0xff, count: 8))
        #expect(h.sys("write", UInt32(efd), Harness.scratch + 0x100, 8) == EventTests.einval)
        #expect(h.sys("eventfd2", 0, 0x40) == EventTests.einval)
        // Timers.
        #expect(h.sys("timer_create", 1, nowhere, Harness.scratch) == EventTests.efault)
        #expect(h.sys("timer_create", 1, 0, nowhere) == EventTests.efault)
        #expect(h.sys("timer_create", 1, 0, Harness.scratch) == 0)
        let id = h.u32(0)
        #expect(h.sys("timer_settime", id, 0, 0, 0) == EventTests.einval)
        #expect(h.sys("timer_settime", id, 0, nowhere, 0) == EventTests.efault)
        h.poke(0x200, [UInt8](repeating: 0, count: 12) + [0x00, 0xca, 0x9a, 0x3b])   // tv_nsec = 1e9
        #expect(h.sys("timer_settime", id, 0, Harness.scratch + 0x200, 0) == EventTests.einval)
        #expect(h.sys("timer_gettime", id, nowhere) == EventTests.efault)
        #expect(h.sys("timer_gettime", 0x8000_0000, Harness.scratch) == EventTests.einval)
        #expect(h.sys("timer_getoverrun", id) == 0)
        #expect(h.sys("timer_delete", id) == 0)
        #expect(h.sys("timer_delete", id) == EventTests.einval)
        #expect(h.sys("timer_create", 2, 0, Harness.scratch) == Errno.EOPNOTSUPP.negated)
        #expect(h.sys("timer_create", 99, 0, Harness.scratch) == EventTests.einval)
        // Interval timers and sockets.
        #expect(h.sys("setitimer", 1, nowhere, 0) == EventTests.efault)
        #expect(h.sys("getitimer", 3, Harness.scratch) == EventTests.einval)
        h.poke(0x300, [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])   // it_value.tv_sec = -1
        #expect(h.sys("setitimer", 2, Harness.scratch + 0x300, 0) == EventTests.einval)
        // The longest interval timers there are read back without overflowing.
        h.poke(0x300, GuestLayout.le32(0x7fff_ffff) + GuestLayout.le32(999_999) + GuestLayout.le32(0x7fff_ffff)
                      + GuestLayout.le32(999_999))
        for which: UInt32 in [0, 1, 2] {
            #expect(h.sys("setitimer", which, Harness.scratch + 0x300, 0) == 0)
            #expect(h.sys("getitimer", which, Harness.scratch + 0x320) == 0)
            #expect(h.u32(0x320) == 0x7fff_ffff && h.u32(0x324) == 999_999 && h.u32(0x328) >= 0x7fff_fff0)
        }
        // An absolute deadline long past with a 1 ns interval: the overrun saturates.
        #expect(h.sys("timer_create", 1, 0, Harness.scratch + 0x340) == 0)
        h.poke(0x350, GuestLayout.le32(0) + GuestLayout.le32(1) + GuestLayout.le32(0) + GuestLayout.le32(1))
        #expect(h.sys("timer_settime", h.u32(0x340), 1, Harness.scratch + 0x350, 0) == 0)
        #expect(h.sys("timer_gettime", h.u32(0x340), Harness.scratch + 0x360) == 0)
        #expect(h.sys("timer_delete", h.u32(0x340)) == 0)
        #expect(h.sys("socketpair", 1, 1, 0, nowhere) == EventTests.efault)
        #expect(h.sys("socketpair", 2, 1, 0, Harness.scratch) == Errno.EOPNOTSUPP.negated)
        #expect(h.sys("socketpair", 1, 9, 0, Harness.scratch) == Errno.ESOCKTNOSUPPORT.negated)
        #expect(h.sys("shutdown", UInt32(efd), 1) == Errno.ENOTSOCK.negated)
        #expect(h.sys("socketcall", 8, nowhere) == EventTests.efault)
        #expect(h.sys("socketcall", 99, Harness.scratch) == EventTests.einval)
    }

    /// A host terminal in the guest's set: the master side of a host pty becomes
    /// readable when its slave writes, and epoll_wait reports it with the guest's data.
    @Test func epollWatchesAHostTerminal() throws {
        let h = try Harness()
        let (master, slavePath) = try #require(GateHarness.pseudoTerminal())
        let slave = open(slavePath, O_RDWR | O_NOCTTY)
        try #require(slave >= 0)
        defer { close(slave) }
        let fd = try #require(h.process.files.install(OpenFile(hostFD: master, path: "/dev/ptmx", flags: 2)))
        let ep = h.sys("epoll_create1", 0)
        h.poke(0, GuestLayout.le32(1) + GuestLayout.le64(0x7700_0000_0000_0077))   // EPOLLIN
        #expect(h.sys("epoll_ctl", UInt32(ep), 1, UInt32(fd), Harness.scratch) == 0)
        #expect(h.sys("epoll_wait", UInt32(ep), Harness.scratch + 0x40, 4, 0) == 0)
        #expect(write(slave, "hi\n", 3) == 3)
        // The tty layer hands the bytes over asynchronously: wait for them in the host.
        var p = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        #expect(poll(&p, 1, 5000) == 1)
        #expect(h.sys("epoll_wait", UInt32(ep), Harness.scratch + 0x40, 4, 0) == 1)
        #expect(h.u32(0x40) & 1 == 1 && h.u32(0x44) == 0x77 && h.u32(0x48) == 0x7700_0000)
    }

    /// socketcall(SYS_SOCKETPAIR) makes the same pair as socketpair(2).
    @Test func socketcallMakesPairs() throws {
        let h = try Harness()
        h.poke(0, GuestLayout.le32(1) + GuestLayout.le32(1) + GuestLayout.le32(0) + GuestLayout.le32(Harness.scratch + 0x40))
        #expect(h.sys("socketcall", 8, Harness.scratch) == 0)
        let a = Int32(bitPattern: h.u32(0x40)), b = Int32(bitPattern: h.u32(0x44))
        #expect(a >= 3 && b == a + 1)
        #expect(h.process.files.get(a)?.path.hasPrefix("socket:[") == true)
        h.poke(0x80, Array("ping".utf8))
        #expect(h.sys("write", UInt32(a), Harness.scratch + 0x80, 4) == 4)
        #expect(h.sys("read", UInt32(b), Harness.scratch + 0x90, 16) == 4)
        h.poke(0x20, GuestLayout.le32(UInt32(a)) + GuestLayout.le32(1))
        #expect(h.sys("socketcall", 13, Harness.scratch + 0x20) == 0)
        #expect(h.sys("read", UInt32(b), Harness.scratch + 0x90, 16) == 0)   // end of file after SHUT_WR
    }

    /// The new calls' `--strace` lines equal host strace's for the native run.
    @Test(.enabled(if: GateHarness.nativeI386 && FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"),
                   "needs native i386 execution and host strace"))
    func straceLinesMatchHostStrace() throws {
        let program = GateHarness.programs.appendingPathComponent("events").path
        let log = NSTemporaryDirectory() + "gate-strace-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: log) }
        // Spawned with clean signal state: the program waits for its timers' signals.
        _ = try GateHarness.native("/usr/bin/strace", ["-s", "32", "-o", log, program])
        let native = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let mine = try StraceTests.gateLines(program, model: .pentium2).map { String($0.drop { $0 != "]" }.dropFirst(2)) }
        let calls = ["epoll_create1(EPOLL_CLOEXEC)", "eventfd2(0, EFD_NONBLOCK)", "socketpair(AF_UNIX, SOCK_STREAM, 0, [",
                     "epoll_ctl(3, EPOLL_CTL_ADD, 4, {", "epoll_wait(3, [{", "epoll_ctl(3, 0x7", "epoll_ctl(3, EPOLL_CTL_DEL, 5",
                     "shutdown(", "eventfd2(3, EFD_SEMAPHORE|EFD_NONBLOCK)", "timer_create(CLOCK_MONOTONIC, {sigev_value",
                     "timer_create(CLOCK_MONOTONIC, {sigev_signo=0", "timer_settime64(0, 0, {", "timer_settime64(1, TIMER_ABSTIME",
                     "epoll_create1(0)"]
        for call in calls {
            let n = try #require(native.first { $0.hasPrefix(call) }, "\(call) natively")
            let g = try #require(mine.first { $0.hasPrefix(call) }, "\(call) in Gate")
            if call.hasPrefix("timer_settime64(1, TIMER_ABSTIME") {
                // The absolute time is the run's own; compare the call without its times.
                #expect(g.prefix(call.count) == n.prefix(call.count) && g.hasSuffix(" = 0") && n.hasSuffix(" = 0"))
            } else {
                #expect(g == n)
            }
        }
    }
}
