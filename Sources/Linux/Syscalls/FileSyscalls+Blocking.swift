#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes that must wait — an empty pipe, a full one, a terminal with no
/// input — put the calling task to sleep in Gate's scheduler (on the host descriptor's
/// readiness) instead of blocking the host thread that runs every task. A descriptor
/// the guest made O_NONBLOCK gets EAGAIN instead, as on Linux.
extension FileSyscalls {
    /// Before a transfer on a host stream: returns if it can go ahead now, else
    /// throws EAGAIN (O_NONBLOCK) or parks the task (and throws; the kernel ignores it).
    static func waitUntilReady(_ ctx: SyscallContext, _ file: OpenFile, events: Int16) throws(Errno) {
        guard ctx.task != nil, file.isStream else { return }
        var p = pollfd(fd: file.hostFD, events: events, revents: 0)
        if HostCall.poll(&p, 1, 0) > 0 { return }
        if file.flags & LinuxOpenFlag.nonBlock != 0 { throw .EAGAIN }
        _ = ctx.block(Wait(hostFDs: [(file.hostFD, events)]))
        throw .EAGAIN
    }

    /// A host transfer failed: EAGAIN on a descriptor the guest thinks blocking waits
    /// for readiness; EPIPE also sends SIGPIPE to the writer (send_sig in pipe_write).
    static func blockOrFail(_ ctx: SyscallContext, _ file: OpenFile, events: Int16) throws(Errno) -> Errno {
        let e = Errno.current
        if e == .EAGAIN && file.flags & LinuxOpenFlag.nonBlock == 0 && ctx.task != nil {
            _ = ctx.block(Wait(hostFDs: [(file.hostFD, events)]))
        } else if e == .EPIPE {
            let info = SigInfo(signo: 13, code: SigInfo.SI_USER, pid: UInt32(bitPattern: ctx.process.pid),
                               uid: ctx.process.uid)
            if let k = ctx.kernel, let t = ctx.task { k.send(13, to: t, info: info) }
            else if !ctx.process.signals.isIgnored(13) { ctx.process.signals.queue(13, info) }
        }
        return e
    }

    /// pipe_write for a blocking writer: everything is written before the call
    /// returns, the task sleeping whenever the pipe is full (the progress is kept in
    /// the task across retries). A signal ends it early with the count written so
    /// far, or -ERESTARTSYS when there is none; a vanished reader gives what was
    /// written, or EPIPE and SIGPIPE.
    static func pipeWrite(_ ctx: SyscallContext, _ file: OpenFile, _ p: UnsafeRawPointer, _ count: Int) throws(Errno) -> Int {
        guard let task = ctx.task else { throw .EAGAIN }
        let done = task.transferred
        let r = write(file.hostFD, p + done, count - done)
        if r < 0 {
            let e = Errno.current
            if e != .EAGAIN {
                task.transferred = 0
                if done > 0 { return done }
                throw try blockOrFail(ctx, file, events: Int16(POLLOUT))
            }
        }
        let total = done + max(r, 0)
        if total < count {
            task.transferred = total
            _ = ctx.block(Wait(hostFDs: [(file.hostFD, Int16(POLLOUT))],
                               interrupted: total > 0 ? Int32(total) : Errno.ERESTARTSYS.negated))
            throw .EAGAIN
        }
        task.transferred = 0
        return total
    }
}
