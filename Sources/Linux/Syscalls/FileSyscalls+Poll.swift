#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// poll and select over guest descriptors, waiting with the host's poll(2); ppoll and
/// pselect6 with the signal mask they wait under.
extension FileSyscalls {
    /// Linux poll event bits (include/uapi/asm-generic/poll.h).
    enum PollEvent {
        static let input: UInt16 = 0x001, priority: UInt16 = 0x002, output: UInt16 = 0x004
        static let error: UInt16 = 0x008, hangUp: UInt16 = 0x010, invalid: UInt16 = 0x020
        static let readNormal: UInt16 = 0x040, readBand: UInt16 = 0x080
        static let writeNormal: UInt16 = 0x100, writeBand: UInt16 = 0x200, readHangUp: UInt16 = 0x2000
        static let readSet = input | readNormal | readBand | hangUp | error
        static let writeSet = output | writeNormal | writeBand | error
        static let exceptSet = priority
    }

    #if canImport(Darwin)
    static let pollPairs: [(UInt16, Int16)] = [
        (PollEvent.input, Int16(POLLIN)), (PollEvent.priority, Int16(POLLPRI)), (PollEvent.output, Int16(POLLOUT)),
        (PollEvent.error, Int16(POLLERR)), (PollEvent.hangUp, Int16(POLLHUP)), (PollEvent.invalid, Int16(POLLNVAL)),
        (PollEvent.readNormal, Int16(POLLRDNORM)), (PollEvent.readBand, Int16(POLLRDBAND)),
        (PollEvent.writeNormal, Int16(POLLWRNORM)), (PollEvent.writeBand, Int16(POLLWRBAND)),
    ]
    static func hostEvents(_ e: UInt16) -> Int16 {
        pollPairs.reduce(0) { e & $1.0 != 0 ? $0 | $1.1 : $0 }
    }
    static func linuxEvents(_ e: Int16) -> UInt16 {
        pollPairs.reduce(0) { e & $1.1 != 0 ? $0 | $1.0 : $0 }
    }
    #else
    // Linux hosts share the values.
    static func hostEvents(_ e: UInt16) -> Int16 { Int16(bitPattern: e) }
    static func linuxEvents(_ e: Int16) -> UInt16 { UInt16(bitPattern: e) }
    #endif

    struct PollRequest {
        var fd: Int32
        var events: UInt16
    }

    /// Waits until a request is ready or `timeout` (nanoseconds; nil waits forever)
    /// passes: the revents of each request.
    static func pollCore(_ process: Process, _ requests: [PollRequest], timeout: Int64?,
                         context: SyscallContext? = nil) throws(Errno) -> [UInt16] {
        var revents = [UInt16](repeating: 0, count: requests.count)
        var host: [pollfd] = []
        var owner: [Int] = []
        var ready = false
        for (i, r) in requests.enumerated() where r.fd >= 0 {
            guard let f = process.files.get(r.fd) else {
                revents[i] = PollEvent.invalid
                ready = true
                continue
            }
            if f.isHost {
                host.append(pollfd(fd: f.hostFD, events: hostEvents(r.events), revents: 0))
                owner.append(i)
            } else {
                // Synthetic files are always ready (DEFAULT_POLLMASK).
                let mask = PollEvent.input | PollEvent.output | PollEvent.readNormal | PollEvent.writeNormal
                revents[i] = mask & r.events
                if revents[i] != 0 { ready = true }
            }
        }
        var ms: Int32 = -1
        if ready {
            ms = 0
        } else if let timeout {
            ms = Int32(clamping: (max(timeout, 0) + 999_999) / 1_000_000)
        }
        // Under the scheduler the task, not the host thread, waits: look now, and if
        // nothing is ready sleep on the descriptors until the call's deadline.
        let scheduled = context?.task != nil && ms != 0
        let n = host.withUnsafeMutableBufferPointer { HostCall.poll($0.baseAddress, nfds_t($0.count), scheduled ? 0 : ms) }
        if n < 0 { throw Errno.current }
        if scheduled && n == 0, let ctx = context {
            if let timeout {
                let deadline = ctx.deadline(after: timeout)
                if monotonicNow() >= deadline { return revents }
                _ = ctx.block(Wait(hostFDs: host.map { ($0.fd, $0.events) }, deadline: deadline,
                                   interrupted: Errno.ERESTARTNOHAND.negated))
            } else {
                _ = ctx.block(Wait(hostFDs: host.map { ($0.fd, $0.events) }, interrupted: Errno.ERESTARTNOHAND.negated))
            }
            throw .EAGAIN
        }
        for (k, p) in host.enumerated() {
            revents[owner[k]] = linuxEvents(p.revents) & (requests[owner[k]].events | PollEvent.error | PollEvent.hangUp | PollEvent.invalid)
        }
        return revents
    }

    // MARK: poll, ppoll

    static func poll(_ ctx: SyscallContext, fds: UInt32, count: UInt32, timeout: Int64?) throws(Errno) -> Int32 {
        if count > UInt32(ctx.process.files.limit) { throw .EINVAL }
        guard let raw = ctx.bytes(at: fds, count: Int(count) * 8) else { throw .EFAULT }
        let requests = (0..<Int(count)).map {
            PollRequest(fd: Int32(bitPattern: FSBytes.u32(raw, $0 * 8)), events: FSBytes.u16(raw, $0 * 8 + 4))
        }
        let revents = try pollCore(ctx.process, requests, timeout: timeout, context: ctx)
        var out = raw
        for (i, e) in revents.enumerated() { out.replaceSubrange(i * 8 + 6..<i * 8 + 8, with: GuestLayout.le16(e)) }
        guard ctx.write(out, to: fds) else { throw .EFAULT }
        return Int32(revents.filter { $0 != 0 }.count)
    }

    static func sysPoll(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let ms = ctx.int(2)
        return try poll(ctx, fds: ctx.arg(0), count: ctx.arg(1), timeout: ms < 0 ? nil : Int64(ms) * 1_000_000)
    }

    /// A timespec (32- or 64-bit) at `address` as nanoseconds: nil for a NULL pointer.
    static func timeout(_ ctx: SyscallContext, timespecAt address: UInt32, wide: Bool) throws(Errno) -> Int64? {
        if address == 0 { return nil }
        let sec: Int64, nsec: Int64
        if wide {
            guard let s = ctx.i64(at: address), let n = ctx.i64(at: address + 8) else { throw .EFAULT }
            sec = s; nsec = n
        } else {
            guard let s = ctx.i32(at: address), let n = ctx.i32(at: address + 4) else { throw .EFAULT }
            sec = Int64(s); nsec = Int64(n)
        }
        if sec < 0 || nsec < 0 || nsec >= 1_000_000_000 { throw .EINVAL }
        return sec.multipliedReportingOverflow(by: 1_000_000_000).overflow ? Int64.max : sec * 1_000_000_000 + nsec
    }

    static func writeTimespec(_ ctx: SyscallContext, _ ns: Int64, at address: UInt32, wide: Bool) {
        let sec = ns / 1_000_000_000, nsec = ns % 1_000_000_000
        if wide {
            ctx.write(GuestLayout.le64(UInt64(sec)) + GuestLayout.le64(UInt64(nsec)), to: address)
        } else {
            ctx.write(GuestLayout.le32(UInt32(truncatingIfNeeded: sec)) + GuestLayout.le32(UInt32(nsec)), to: address)
        }
    }

    /// ppoll: poll with a timespec and, while it waits, the signal mask at argument 3.
    static func ppoll(_ ctx: SyscallContext, wide: Bool) throws(Errno) -> Int32 {
        let tsp = ctx.arg(2)
        let limit = try timeout(ctx, timespecAt: tsp, wide: wide)
        let start = FSClock.monotonicNanoseconds()
        let r = try ctx.withCallMask(at: ctx.arg(3), size: ctx.arg(4), interruptedBy: Errno.ERESTARTNOHAND) { () throws(Errno) in
            try poll(ctx, fds: ctx.arg(0), count: ctx.arg(1), timeout: limit)
        }
        if let limit {
            writeTimespec(ctx, max(0, limit - (FSClock.monotonicNanoseconds() - start)), at: tsp, wide: wide)
        }
        return r
    }

    static func sysPpoll(_ ctx: SyscallContext) throws(Errno) -> Int32 { try ppoll(ctx, wide: false) }
    static func sysPpollTime64(_ ctx: SyscallContext) throws(Errno) -> Int32 { try ppoll(ctx, wide: true) }

    // MARK: select, _newselect, pselect6

    /// select over fd_sets (bitmaps of 32-bit words) with a timeout in nanoseconds.
    static func select(_ ctx: SyscallContext, n: Int32, sets: [UInt32], timeout: Int64?) throws(Errno) -> Int32 {
        if n < 0 { throw .EINVAL }
        let count = Int(min(n, ctx.process.files.limit))
        let size = (count + 31) / 32 * 4
        var inputs: [[UInt8]?] = []
        for address in sets {
            if address == 0 || size == 0 { inputs.append(nil); continue }
            guard let b = ctx.bytes(at: address, count: size) else { throw .EFAULT }
            inputs.append(b)
        }
        func isSet(_ set: [UInt8]?, _ fd: Int) -> Bool {
            guard let set else { return false }
            return set[fd >> 3] & (1 << UInt8(fd & 7)) != 0
        }
        var requests: [PollRequest] = []
        let kinds = [PollEvent.input, PollEvent.output, PollEvent.priority]
        for fd in 0..<count {
            var events: UInt16 = 0
            for k in 0..<3 where isSet(inputs[k], fd) { events |= kinds[k] }
            if events == 0 { continue }
            guard ctx.process.files.get(Int32(fd)) != nil else { throw .EBADF }
            requests.append(PollRequest(fd: Int32(fd), events: events))
        }
        let revents = try pollCore(ctx.process, requests, timeout: timeout, context: ctx)
        var outputs = inputs.map { $0.map { [UInt8](repeating: 0, count: $0.count) } }
        var total: Int32 = 0
        let masks = [PollEvent.readSet, PollEvent.writeSet, PollEvent.exceptSet]
        for (i, r) in requests.enumerated() {
            let fd = Int(r.fd)
            for k in 0..<3 where isSet(inputs[k], fd) && revents[i] & masks[k] != 0 {
                outputs[k]![fd >> 3] |= 1 << UInt8(fd & 7)
                total += 1
            }
        }
        for (k, address) in sets.enumerated() {
            if let out = outputs[k] { guard ctx.write(out, to: address) else { throw .EFAULT } }
        }
        return total
    }

    /// _newselect(n, in, out, except, struct timeval *).
    static func newselect(_ ctx: SyscallContext, _ a: [UInt32]) throws(Errno) -> Int32 {
        let tvp = a[4]
        var limit: Int64? = nil
        if tvp != 0 {
            guard let s = ctx.i32(at: tvp), let us = ctx.i32(at: tvp + 4) else { throw .EFAULT }
            if s < 0 || us < 0 { throw .EINVAL }
            limit = Int64(s) * 1_000_000_000 + Int64(us) * 1000
        }
        let start = FSClock.monotonicNanoseconds()
        let r = try select(ctx, n: Int32(bitPattern: a[0]), sets: [a[1], a[2], a[3]], timeout: limit)
        if let limit {
            // Linux reports the time left; a read-only timeval is not an error.
            let left = max(0, limit - (FSClock.monotonicNanoseconds() - start))
            let sec = left / 1_000_000_000, us = left % 1_000_000_000 / 1000
            ctx.write(GuestLayout.le32(UInt32(sec)) + GuestLayout.le32(UInt32(us)), to: tvp)
        }
        return r
    }

    static func sysNewselect(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        try newselect(ctx, (0..<5).map { ctx.arg($0) })
    }

    /// The old select(2): one pointer to {n, inp, outp, exp, tvp}.
    static func sysOldselect(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        guard let raw = ctx.bytes(at: ctx.arg(0), count: 20) else { throw .EFAULT }
        return try newselect(ctx, (0..<5).map { FSBytes.u32(raw, $0 * 4) })
    }

    /// pselect6: select with a timespec and, while it waits, a signal mask; argument 5
    /// points at { const sigset_t *ss; size_t ss_len; }.
    static func pselect(_ ctx: SyscallContext, wide: Bool) throws(Errno) -> Int32 {
        let tsp = ctx.arg(4)
        let limit = try timeout(ctx, timespecAt: tsp, wide: wide)
        var mask: UInt32 = 0, size: UInt32 = 0
        if ctx.arg(5) != 0 {
            guard let raw = ctx.bytes(at: ctx.arg(5), count: 8) else { throw .EFAULT }
            mask = FSBytes.u32(raw, 0)
            size = FSBytes.u32(raw, 4)
        }
        let start = FSClock.monotonicNanoseconds()
        let r = try ctx.withCallMask(at: mask, size: size, interruptedBy: Errno.ERESTARTNOHAND) { () throws(Errno) in
            try select(ctx, n: ctx.int(0), sets: [ctx.arg(1), ctx.arg(2), ctx.arg(3)], timeout: limit)
        }
        if let limit {
            writeTimespec(ctx, max(0, limit - (FSClock.monotonicNanoseconds() - start)), at: tsp, wide: wide)
        }
        return r
    }

    static func sysPselect6(_ ctx: SyscallContext) throws(Errno) -> Int32 { try pselect(ctx, wide: false) }
    static func sysPselect6Time64(_ ctx: SyscallContext) throws(Errno) -> Int32 { try pselect(ctx, wide: true) }
}

