#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32
#if os(Linux)
import CHostCalls
#endif

/// epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait and epoll_pwait2
/// (fs/eventpoll.c), over the guest's pipes, sockets, terminals, eventfds and other
/// epolls together (`EventPoll`).
///
/// A wait that finds nothing puts the task to sleep on the host epoll descriptor's
/// readiness — it is pollable, and polling it takes no events — so the other tasks run
/// and the one whose write makes an event ready wakes it. The guest's
/// `struct epoll_event` is the packed i386 one: 4 bytes of events, 8 of data.
/// Linux hosts only: elsewhere the calls are not in the table (-ENOSYS).
public enum EventPollSyscalls {
    public static var entries: [SyscallEntry] {
        #if os(Linux)
        return [
            SyscallEntry(254, "epoll_create", [.int], FileSyscalls.sys { c throws(Errno) in
                if c.int(0) <= 0 { throw .EINVAL }
                return try create(c, flags: 0)
            }),
            SyscallEntry(329, "epoll_create1", [.symbols(.epollCreateFlags)], FileSyscalls.sys { c throws(Errno) in
                try create(c, flags: c.arg(0))
            }),
            SyscallEntry(255, "epoll_ctl", [.fd, .symbols(.epollOperation), .fd, .epollEvent], FileSyscalls.sys(control)),
            SyscallEntry(256, "epoll_wait", [.fd, .epollEvents, .int, .int], { c in
                pwait(c, timeout: milliseconds(c.int(3)), mask: 0, size: 0)
            }),
            SyscallEntry(319, "epoll_pwait", [.fd, .epollEvents, .int, .int, .sigset, .size], { c in
                pwait(c, timeout: milliseconds(c.int(3)), mask: c.arg(4), size: c.arg(5))
            }),
            SyscallEntry(441, "epoll_pwait2", [.fd, .epollEvents, .int, .pointer, .sigset, .size], { c in
                let timeout: Int64?
                do throws(Errno) {
                    timeout = try FileSyscalls.timeout(c, timespecAt: c.arg(3), wide: true)
                } catch {
                    return error.negated
                }
                return pwait(c, timeout: timeout, mask: c.arg(4), size: c.arg(5))
            }),
        ]
        #else
        return []
        #endif
    }

    /// The size of the i386 `struct epoll_event`, and EP_MAX_EVENTS (INT_MAX / that).
    static let eventSize = 12
    static let maxEvents = Int32.max / 12

    /// epoll_wait's milliseconds as nanoseconds; a negative timeout waits forever.
    static func milliseconds(_ ms: Int32) -> Int64? { ms < 0 ? nil : Int64(ms) * 1_000_000 }

    #if os(Linux)
    static func create(_ c: SyscallContext, flags: UInt32) throws(Errno) -> Int32 {
        let cloexec = LinuxOpenFlag.closeOnExec
        if flags & ~cloexec != 0 { throw .EINVAL }
        let host = gate_host_epoll_create1(Int32(EPOLL_CLOEXEC))
        if host < 0 { throw Errno.current }
        let inode = AnonymousInode.eventPoll(EventPoll(hostFD: host))
        let file = OpenFile(hostFD: host, path: inode.path, flags: LinuxOpenFlag.readWrite, isDirectory: false)
        file.anonymous = inode
        guard let fd = c.process.files.install(file, closeOnExec: flags & cloexec != 0) else { throw .EMFILE }
        return fd
    }
    #endif

    /// The epoll instance behind descriptor `fd`: EBADF, or EINVAL for another file.
    static func instance(_ c: SyscallContext, _ fd: Int32) throws(Errno) -> (OpenFile, EventPoll) {
        guard let file = c.process.files.get(fd) else { throw .EBADF }
        guard case .eventPoll(let ep)? = file.anonymous else { throw .EINVAL }
        return (file, ep)
    }

    /// epoll_ctl(epfd, op, fd, event), its checks in Linux's order.
    static func control(_ c: SyscallContext) throws(Errno) -> Int32 {
        let op = c.arg(1)
        var events: UInt32 = 0, data: UInt64 = 0
        if op != EventPoll.Operation.delete.rawValue {
            guard let raw = c.bytes(at: c.arg(3), count: eventSize) else { throw .EFAULT }
            events = GuestLayout.u32(raw, 0)
            data = UInt64(GuestLayout.u32(raw, 4)) | UInt64(GuestLayout.u32(raw, 8)) << 32
        }
        guard let epFile = c.process.files.get(c.int(0)) else { throw .EBADF }
        guard let target = c.process.files.get(c.int(2)) else { throw .EBADF }
        if !EventPoll.canPoll(target) { throw .EPERM }
        guard case .eventPoll(let ep)? = epFile.anonymous, epFile !== target else { throw .EINVAL }
        guard let operation = EventPoll.Operation(rawValue: op) else { throw .EINVAL }
        try ep.control(operation, fd: c.int(2), file: target, events: events, data: data)
        return 0
    }

    /// epoll_pwait with `mask` (a sigset_t pointer, or 0 for epoll_wait): the wait runs
    /// with that mask, which stays until the handler of the signal that interrupted it
    /// has run (restore_saved_sigmask_unless).
    static func pwait(_ c: SyscallContext, timeout: Int64?, mask: UInt32, size: UInt32) -> Int32 {
        do throws(Errno) {
            return try c.withCallMask(at: mask, size: size, interruptedBy: Errno.EINTR) { () throws(Errno) in
                try wait(c, events: c.arg(1), max: c.int(2), timeout: timeout)
            }
        } catch {
            return error.negated
        }
    }

    /// do_epoll_wait: copies out up to `max` ready events, or sleeps until one is ready,
    /// the timeout passes (0) or a signal comes (EINTR: never restarted).
    static func wait(_ c: SyscallContext, events: UInt32, max: Int32, timeout: Int64?) throws(Errno) -> Int32 {
        if max <= 0 || max > maxEvents { throw .EINVAL }
        // access_ok: the whole array below the kernel's half.
        let bytes = Int(max) * eventSize
        if UInt64(events) + UInt64(bytes) > UInt64(KernelLayout.pageOffset) { throw .EFAULT }
        let (file, ep) = try instance(c, c.int(0))
        // Events are copied one by one; only whole slots that can be written count.
        let room = c.accessiblePrefix(events, bytes, need: PagePermission.userWrite) / eventSize
        let scheduled = c.task != nil
        var hostTimeout: Int32 = 0
        if !scheduled, let t = timeout { hostTimeout = Int32(clamping: (t + 999_999) / 1_000_000) }
        else if !scheduled { hostTimeout = -1 }
        if room == 0 {
            // Linux finds the events, then faults on the first copy: look without taking.
            if EventPoll.isReady(file.hostFD) { throw .EFAULT }
        } else {
            let ready = try ep.collect(max: Int(min(Int(max), room)), timeoutMS: hostTimeout)
            if !ready.isEmpty {
                var b = GuestLayout.Builder(size: ready.count * eventSize)
                for (i, (e, d)) in ready.enumerated() {
                    b.u32(i * eventSize, e)
                    b.u64(i * eventSize + 4, d)
                }
                c.write(b.bytes, to: events)
                return Int32(ready.count)
            }
        }
        if timeout == 0 || !scheduled { return 0 }
        var wait = Wait(hostFDs: [(file.hostFD, Int16(POLLIN))], interrupted: Errno.EINTR.negated)
        if let timeout {
            let deadline = c.deadline(after: timeout)
            if monotonicNow() >= deadline { return 0 }
            wait.deadline = deadline
        }
        _ = c.block(wait)
        throw .EAGAIN
    }
}
