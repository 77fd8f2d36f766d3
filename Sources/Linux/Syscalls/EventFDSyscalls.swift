#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32
#if os(Linux)
import CHostCalls
#endif

/// eventfd and eventfd2 (fs/eventfd.c): a 64-bit counter behind a descriptor. A write
/// adds its 8-byte value, a read takes the whole count (or 1, with EFD_SEMAPHORE) and
/// waits while it is 0; a write that would pass 0xfffffffffffffffe waits for a read.
///
/// The counter is a host eventfd, always non-blocking in the host, so the host's poll
/// and epoll see it exactly; whether a guest read or write waits is decided here, and
/// a waiting task sleeps in Gate's scheduler, not the host thread. Linux hosts only:
/// elsewhere the calls are not in the table (-ENOSYS).
public enum EventFDSyscalls {
    public static var entries: [SyscallEntry] {
        #if os(Linux)
        return [
            SyscallEntry(323, "eventfd", [.uint], FileSyscalls.sys { c throws(Errno) in try create(c, initial: c.arg(0), flags: 0) }),
            SyscallEntry(328, "eventfd2", [.uint, .symbols(.eventfdFlags)],
                         FileSyscalls.sys { c throws(Errno) in try create(c, initial: c.arg(0), flags: c.arg(1)) }),
        ]
        #else
        return []
        #endif
    }

    /// EFD_SEMAPHORE; EFD_CLOEXEC and EFD_NONBLOCK are O_CLOEXEC and O_NONBLOCK.
    static let semaphore: UInt32 = 1

    #if os(Linux)
    static func create(_ ctx: SyscallContext, initial: UInt32, flags: UInt32) throws(Errno) -> Int32 {
        let cloexec = LinuxOpenFlag.closeOnExec, nonBlock = LinuxOpenFlag.nonBlock
        if flags & ~(semaphore | cloexec | nonBlock) != 0 { throw .EINVAL }
        let host = gate_host_eventfd(initial, Int32(EFD_CLOEXEC | EFD_NONBLOCK) | Int32(flags & semaphore))
        if host < 0 { throw Errno.current }
        let inode = AnonymousInode.eventCounter(EventCounter())
        let file = OpenFile(hostFD: host, path: inode.path, flags: LinuxOpenFlag.readWrite | (flags & nonBlock),
                            isDirectory: false)
        file.anonymous = inode
        file.hostNonBlocking = true
        file.isStream = true
        guard let fd = ctx.process.files.install(file, closeOnExec: flags & cloexec != 0) else { throw .EMFILE }
        return fd
    }
    #endif

    /// eventfd_read: 8 bytes of count, EINVAL for a shorter buffer; an empty counter
    /// gives EAGAIN, or puts a blocking reader to sleep until a write.
    static func read(_ ctx: SyscallContext, _ file: OpenFile, _ counter: EventCounter,
                     _ address: UInt32, _ count: Int) throws(Errno) -> Int {
        if count < 8 { throw .EINVAL }
        guard ctx.memory.check(address, length: 8, need: PagePermission.userWrite) else { throw .EFAULT }
        // The host sees the caller's length (capped: past 8 bytes only "more" matters),
        // so a length its kernel refuses is refused here too.
        var value: (UInt64, UInt64) = (0, 0)
        let r = HostCall.read(file.hostFD, &value, min(count, 16))
        if r == 8 {
            ctx.write(GuestLayout.le64(value.0), to: address)
            // The counter went down: writers waiting for room look again.
            counter.drained.wakeAll()
            return 8
        }
        let e = Errno.current
        guard e == .EAGAIN, file.flags & LinuxOpenFlag.nonBlock == 0, ctx.task != nil else { throw e }
        _ = ctx.block(Wait(hostFDs: [(file.hostFD, Int16(POLLIN))]))
        throw .EAGAIN
    }

    /// eventfd_write: an 8-byte value added to the count; EINVAL for a shorter buffer
    /// or 0xffffffffffffffff. A value that does not fit yet gives EAGAIN, or puts a
    /// blocking writer to sleep until a read makes room.
    static func write(_ ctx: SyscallContext, _ file: OpenFile, _ counter: EventCounter,
                      _ address: UInt32, _ count: Int) throws(Errno) -> Int {
        if count < 8 { throw .EINVAL }
        guard let raw = ctx.bytes(at: address, count: 8) else { throw .EFAULT }
        var value: (UInt64, UInt64) = (UInt64(GuestLayout.u32(raw, 0)) | UInt64(GuestLayout.u32(raw, 4)) << 32, 0)
        if value.0 == UInt64.max { throw .EINVAL }
        if HostCall.write(file.hostFD, &value, min(count, 16)) == 8 { return 8 }
        let e = Errno.current
        guard e == .EAGAIN, file.flags & LinuxOpenFlag.nonBlock == 0, ctx.task != nil else { throw e }
        _ = ctx.block(Wait(queues: [counter.drained]))
        throw .EAGAIN
    }
}
