#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

/// read, write and friends: data moves straight between the host descriptor and
/// guest memory, as far as the guest buffer is accessible (a partial transfer at the
/// first bad page, EFAULT when none of it is).
extension FileSyscalls {
    // MARK: Core transfers

    /// Reads up to `count` bytes of `file` into guest memory (at `offset`, or the file position).
    static func readInto(_ ctx: SyscallContext, _ file: OpenFile, _ address: UInt32, _ count: Int,
                         at offset: Int64? = nil) throws(Errno) -> Int {
        guard file.isReadable else { throw .EBADF }
        if file.isDirectory { throw .EISDIR }
        if let offset, offset < 0 { throw .EINVAL }
        if case .eventCounter(let counter)? = file.anonymous {
            return try EventFDSyscalls.read(ctx, file, counter, address, count)
        }
        if count == 0 { return 0 }
        let avail = ctx.accessiblePrefix(address, min(count, maxRW), need: PagePermission.userWrite)
        if avail == 0 { throw .EFAULT }
        guard file.isHost else {
            let bytes = try file.read(count: avail, at: offset)
            ctx.memory.write(address, bytes)
            return bytes.count
        }
        let p = ctx.hostPointer(address)
        let r: Int
        if let at = file.hostOffset(offset) {
            r = pread(file.hostFD, p, avail, off_t(at))
            file.advance(by: r, explicitOffset: offset)
        } else {
            try terminalJobControl(ctx, file, reading: true)
            try waitUntilReady(ctx, file, events: Int16(POLLIN))
            r = read(file.hostFD, p, avail)
        }
        if r < 0 { throw try blockOrFail(ctx, file, events: Int16(POLLIN)) }
        if r > 0 { ctx.memory.noteWrite(address, length: UInt32(r)) }
        return r
    }

    /// Writes up to `count` bytes of guest memory to `file`.
    static func writeFrom(_ ctx: SyscallContext, _ file: OpenFile, _ address: UInt32, _ count: Int,
                          at offset: Int64? = nil) throws(Errno) -> Int {
        guard file.isWritable else { throw .EBADF }
        if let offset, offset < 0 { throw .EINVAL }
        if case .eventCounter(let counter)? = file.anonymous {
            return try EventFDSyscalls.write(ctx, file, counter, address, count)
        }
        if count == 0 { return 0 }
        let avail = ctx.accessiblePrefix(address, min(count, maxRW), need: PagePermission.userRead)
        if avail == 0 { throw .EFAULT }
        guard file.isHost else {
            guard let bytes = ctx.bytes(at: address, count: avail) else { throw .EFAULT }
            return try file.write(bytes, at: offset)
        }
        let p = UnsafeRawPointer(ctx.hostPointer(address))
        let r: Int
        if offset == nil { try terminalJobControl(ctx, file, reading: false) }
        if let at = file.hostOffset(offset) {
            r = pwrite(file.hostFD, p, avail, off_t(at))
            file.advance(by: r, explicitOffset: offset)
        } else if file.hostNonBlocking && file.flags & LinuxOpenFlag.nonBlock == 0, ctx.task != nil {
            return try pipeWrite(ctx, file, p, avail)
        } else {
            try waitUntilReady(ctx, file, events: Int16(POLLOUT))
            r = write(file.hostFD, p, avail)
        }
        if r < 0 { throw try blockOrFail(ctx, file, events: Int16(POLLOUT)) }
        return r
    }

    /// Job control on a terminal (Tasks/ControllingTerminal.swift): a background
    /// process reading its controlling terminal, or writing to it with TOSTOP set, is
    /// stopped (or refused) before anything moves.
    static func terminalJobControl(_ ctx: SyscallContext, _ file: OpenFile, reading: Bool) throws(Errno) {
        guard let tty = file.terminalID, let k = ctx.kernel, k.isBackground(ctx.process, onTerminal: tty) else { return }
        if reading {
            try k.checkTerminalRead(tty, by: ctx.process)
        } else if HostTerminal.stopsBackgroundWrites(file.hostFD) {
            try k.checkTerminalChange(tty, by: ctx.process)
        }
    }

    // MARK: read, write, pread64, pwrite64

    static func sysRead(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        Int32(try readInto(ctx, ctx.file(0), ctx.arg(1), Int(ctx.arg(2))))
    }

    static func sysWrite(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        Int32(try writeFrom(ctx, ctx.file(0), ctx.arg(1), Int(ctx.arg(2))))
    }

    static func sysPread64(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        try requireSeekable(f)
        return Int32(try readInto(ctx, f, ctx.arg(1), Int(ctx.arg(2)), at: ctx.i64(low: 3, high: 4)))
    }

    static func sysPwrite64(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        try requireSeekable(f)
        return Int32(try writeFrom(ctx, f, ctx.arg(1), Int(ctx.arg(2)), at: ctx.i64(low: 3, high: 4)))
    }

    /// Positioned I/O needs a seekable file: ESPIPE for pipes, sockets and terminals' FIFOs.
    static func requireSeekable(_ f: OpenFile) throws(Errno) {
        guard f.isHost else { return }
        if f.anonymous != nil { throw .ESPIPE }
        var st = HostFS.HostStat()
        if HostCall.fstat(f.hostFD, &st) == 0 {
            let t = UInt32(st.st_mode) & 0o170000
            if t == 0o010000 || t == 0o140000 { throw .ESPIPE }
        }
    }

    // MARK: readv, writev, preadv, pwritev

    /// The (address, length) segments of an iovec array, lengths capped so the total
    /// stays within MAX_RW_COUNT.
    static func segments(_ ctx: SyscallContext, _ iov: UInt32, _ count: Int32) throws(Errno) -> [(UInt32, Int)] {
        if count < 0 || count > 1024 { throw .EINVAL }
        if count == 0 { return [] }
        guard let raw = ctx.bytes(at: iov, count: Int(count) * 8) else { throw .EFAULT }
        var out: [(UInt32, Int)] = []
        var total = 0
        for i in 0..<Int(count) {
            let base = FSBytes.u32(raw, i * 8)
            let len = FSBytes.u32(raw, i * 8 + 4)
            if len > 0x7fff_ffff { throw .EINVAL }
            let take = min(Int(len), maxRW - total)
            total += take
            out.append((base, take))
        }
        return out
    }

    /// Segments cut at the first inaccessible byte; EFAULT if that is the very first.
    static func accessibleSegments(_ ctx: SyscallContext, _ segs: [(UInt32, Int)], need: UInt8) throws(Errno) -> [(UInt32, Int)] {
        var out: [(UInt32, Int)] = []
        for (base, len) in segs where len > 0 {
            let ok = ctx.accessiblePrefix(base, len, need: need)
            if ok > 0 { out.append((base, ok)) }
            if ok < len {
                if out.isEmpty { throw .EFAULT }
                break
            }
        }
        return out
    }

    static func vectorRead(_ ctx: SyscallContext, _ file: OpenFile, _ segs: [(UInt32, Int)], at offset: Int64?) throws(Errno) -> Int {
        guard file.isReadable else { throw .EBADF }
        if file.isDirectory { throw .EISDIR }
        if let offset, offset < 0 { throw .EINVAL }
        let usable = try accessibleSegments(ctx, segs, need: PagePermission.userWrite)
        if usable.isEmpty { return 0 }
        if file.isHost && offset == nil && file.anonymous == nil {
            var iovs = usable.map { iovec(iov_base: ctx.hostPointer($0.0), iov_len: $0.1) }
            let r: Int
            if let at = file.hostOffset(nil) {
                r = preadv(file.hostFD, &iovs, Int32(iovs.count), off_t(at))
                if r < 0 { throw Errno.current }
                file.advance(by: r, explicitOffset: nil)
            } else {
                try terminalJobControl(ctx, file, reading: true)
                try waitUntilReady(ctx, file, events: Int16(POLLIN))
                r = readv(file.hostFD, &iovs, Int32(iovs.count))
                if r < 0 { throw try blockOrFail(ctx, file, events: Int16(POLLIN)) }
            }
            var left = r
            for (base, len) in usable where left > 0 {
                ctx.memory.noteWrite(base, length: UInt32(min(len, left)))
                left -= len
            }
            return r
        }
        var done = 0
        for (base, len) in usable {
            let n: Int
            do {
                n = try readInto(ctx, file, base, len, at: offset.map { $0 + Int64(done) })
            } catch {
                if done > 0 { return done }
                throw error
            }
            done += n
            if n < len { break }
        }
        return done
    }

    static func vectorWrite(_ ctx: SyscallContext, _ file: OpenFile, _ segs: [(UInt32, Int)], at offset: Int64?) throws(Errno) -> Int {
        guard file.isWritable else { throw .EBADF }
        if let offset, offset < 0 { throw .EINVAL }
        let usable = try accessibleSegments(ctx, segs, need: PagePermission.userRead)
        if usable.isEmpty { return 0 }
        if file.isHost && offset == nil && file.anonymous == nil {
            var iovs = usable.map { iovec(iov_base: ctx.hostPointer($0.0), iov_len: $0.1) }
            if let at = file.hostOffset(nil) {
                let r = pwritev(file.hostFD, &iovs, Int32(iovs.count), off_t(at))
                if r < 0 { throw Errno.current }
                file.advance(by: r, explicitOffset: nil)
                return r
            }
            try terminalJobControl(ctx, file, reading: false)
            try waitUntilReady(ctx, file, events: Int16(POLLOUT))
            let r = writev(file.hostFD, &iovs, Int32(iovs.count))
            if r < 0 { throw try blockOrFail(ctx, file, events: Int16(POLLOUT)) }
            return r
        }
        var done = 0
        for (base, len) in usable {
            let n: Int
            do {
                n = try writeFrom(ctx, file, base, len, at: offset.map { $0 + Int64(done) })
            } catch {
                if done > 0 { return done }
                throw error
            }
            done += n
            if n < len { break }
        }
        return done
    }

    static func sysReadv(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        return Int32(try vectorRead(ctx, f, segments(ctx, ctx.arg(1), ctx.int(2)), at: nil))
    }

    static func sysWritev(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        return Int32(try vectorWrite(ctx, f, segments(ctx, ctx.arg(1), ctx.int(2)), at: nil))
    }

    static func sysPreadv(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        try requireSeekable(f)
        return Int32(try vectorRead(ctx, f, segments(ctx, ctx.arg(1), ctx.int(2)), at: ctx.i64(low: 3, high: 4)))
    }

    static func sysPwritev(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        try requireSeekable(f)
        return Int32(try vectorWrite(ctx, f, segments(ctx, ctx.arg(1), ctx.int(2)), at: ctx.i64(low: 3, high: 4)))
    }

    // MARK: lseek, _llseek

    /// Moves the file position; returns the new one.
    static func seek(_ file: OpenFile, _ offset: Int64, _ whence: UInt32) throws(Errno) -> Int64 {
        if whence > 4 { throw .EINVAL }
        if file.isDirectory {
            let new: Int64
            switch whence {
            case 0: new = offset
            case 1: new = file.position &+ offset
            default: throw .EINVAL
            }
            if new < 0 { throw .EINVAL }
            if new == 0 { file.listing = nil }
            file.position = new
            return new
        }
        switch file.backing {
        case .synthetic(let bytes):
            let new: Int64
            switch whence {
            case 0: new = offset
            case 1: new = file.position &+ offset
            case 2: new = Int64(bytes.count) &+ offset
            default: throw .EINVAL
            }
            if new < 0 { throw .EINVAL }
            file.position = new
            return new
        case .processMemory:
            let new: Int64
            switch whence {
            case 0: new = offset
            case 1: new = file.position &+ offset
            default: throw .EINVAL
            }
            file.position = new
            return new
        case .syntheticDirectory:
            throw .EINVAL
        case .host where file.keepsPosition && whence <= 2:
            let new: Int64
            switch whence {
            case 0: new = offset
            case 1: new = file.position &+ offset
            default:
                var st = HostFS.HostStat()
                if HostCall.fstat(file.hostFD, &st) != 0 { throw Errno.current }
                new = Int64(st.st_size) &+ offset
            }
            if new < 0 { throw .EINVAL }
            // Near the filesystem's size limit (s_maxbytes) the host decides.
            if new >= 1 << 40, lseek(file.hostFD, off_t(new), SEEK_SET) < 0 { throw Errno.current }
            file.position = new
            return new
        case .host:
            guard let w = HostFS.whence(whence) else { throw .EINVAL }
            let r = lseek(file.hostFD, off_t(offset), w)
            if r < 0 { throw Errno.current }
            // SEEK_DATA and SEEK_HOLE: the host finds the place; a kept position follows.
            if file.keepsPosition { file.position = Int64(r) }
            return Int64(r)
        }
    }

    static func sysLseek(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let r = try seek(ctx.file(0), Int64(ctx.int(1)), ctx.arg(2))
        if r > Int64(Int32.max) { throw .EOVERFLOW }
        return Int32(r)
    }

    static func sysLlseek(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let offset = Int64(bitPattern: UInt64(ctx.arg(1)) << 32 | UInt64(ctx.arg(2)))
        let r = try ctx.withFile(0) { f throws(Errno) in try seek(f, offset, ctx.arg(4)) }
        guard ctx.setU64(UInt64(bitPattern: r), at: ctx.arg(3)) else { throw .EFAULT }
        return 0
    }

    // MARK: sendfile

    static func sendfile(_ ctx: SyscallContext, offsetSize: Int) throws(Errno) -> Int32 {
        let out = try ctx.file(0)
        let input = try ctx.file(1)
        guard input.isReadable, out.isWritable else { throw .EBADF }
        let offsetPtr = ctx.arg(2)
        var offset: Int64? = nil
        if offsetPtr != 0 {
            if offsetSize == 8 {
                guard let v = ctx.i64(at: offsetPtr) else { throw .EFAULT }
                offset = v
            } else {
                guard let v = ctx.i32(at: offsetPtr) else { throw .EFAULT }
                offset = Int64(v)
            }
            if offset! < 0 { throw .EINVAL }
            try requireSeekable(input)
        }
        let count = min(Int(ctx.arg(3)), maxRW)
        var done = 0
        var failure: Errno? = nil
        while done < count {
            let want = min(count - done, 1 << 16)
            let chunk: [UInt8]
            do {
                chunk = try input.read(count: want, at: offset.map { $0 + Int64(done) })
            } catch { failure = error; break }
            if chunk.isEmpty { break }
            let w: Int
            do { w = try out.write(chunk) } catch { failure = error; break }
            done += w
            if w < chunk.count {
                // Give back what was read and not written.
                if offset == nil { _ = try? seek(input, Int64(w - chunk.count), 1) }
                break
            }
            if chunk.count < want { break }
        }
        if let offset {
            let new = offset + Int64(done)
            let bytes = offsetSize == 8 ? GuestLayout.le64(UInt64(bitPattern: new))
                                        : GuestLayout.le32(UInt32(truncatingIfNeeded: new))
            guard ctx.write(bytes, to: offsetPtr) else { throw .EFAULT }
        }
        if done == 0, let failure { throw failure }
        return Int32(done)
    }

    static func sysSendfile(_ ctx: SyscallContext) throws(Errno) -> Int32 { try sendfile(ctx, offsetSize: 4) }
    static func sysSendfile64(_ ctx: SyscallContext) throws(Errno) -> Int32 { try sendfile(ctx, offsetSize: 8) }

    // MARK: fsync, fdatasync, syncfs, readahead, fadvise

    static func sysFsync(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        guard f.isHost else { throw .EINVAL }
        if HostCall.fsync(f.hostFD) != 0 { throw Errno.current }
        return 0
    }

    static func sysFdatasync(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        guard f.isHost else { throw .EINVAL }
        #if canImport(Darwin)
        let r = HostCall.fsync(f.hostFD)
        #else
        let r = fdatasync(f.hostFD)
        #endif
        if r != 0 { throw Errno.current }
        return 0
    }

    static func sysSyncfs(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        _ = try ctx.file(0)
        return 0
    }

    static func sysReadahead(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        guard f.isReadable else { throw .EBADF }
        guard f.isHost, !f.isDirectory else { throw .EINVAL }
        var st = HostFS.HostStat()
        if HostCall.fstat(f.hostFD, &st) == 0 && UInt32(st.st_mode) & 0o170000 != 0o100000 { throw .EINVAL }
        return 0
    }

    static func fadvise(_ ctx: SyscallContext, advice: Int32) throws(Errno) -> Int32 {
        let f = try ctx.file(0)
        if f.isHost {
            var st = HostFS.HostStat()
            if HostCall.fstat(f.hostFD, &st) == 0 && UInt32(st.st_mode) & 0o170000 == 0o010000 { throw .ESPIPE }
        }
        guard (0...5).contains(advice) else { throw .EINVAL }
        return 0
    }

    static func sysFadvise64(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        if Int32(bitPattern: ctx.arg(3)) < 0 { throw .EINVAL }
        return try fadvise(ctx, advice: ctx.int(4))
    }

    static func sysFadvise64_64(_ ctx: SyscallContext) throws(Errno) -> Int32 {
        if ctx.i64(low: 3, high: 4) < 0 { throw .EINVAL }
        return try fadvise(ctx, advice: ctx.int(5))
    }
}


/// Little-endian reads from guest structures copied out.
enum FSBytes {
    /// A little-endian u32 from `bytes` at `offset`.
    static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
    static func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }
    static func u64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        UInt64(u32(bytes, offset)) | UInt64(u32(bytes, offset + 4)) << 32
    }
}
