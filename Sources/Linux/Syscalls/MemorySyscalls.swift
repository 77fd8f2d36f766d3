#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

/// brk, mmap, mmap2, munmap, mprotect, mremap, madvise, msync, mlock* (mm/mmap.c,
/// mm/mprotect.c, mm/mremap.c). Pages are committed by the host only when touched.
public enum MemorySyscalls {
    static let protRead: UInt32 = 1, protWrite: UInt32 = 2, protExec: UInt32 = 4
    static let mapShared: UInt32 = 0x01, mapPrivate: UInt32 = 0x02, mapFixed: UInt32 = 0x10
    static let mapAnonymous: UInt32 = 0x20, mapFixedNoReplace: UInt32 = 0x10_0000
    static let mremapMayMove: UInt32 = 1, mremapFixed: UInt32 = 2
    static let madvDontNeed: UInt32 = 4

    public static let entries: [SyscallEntry] = [
        SyscallEntry(45, "brk", [.pointer], brk),
        SyscallEntry(90, "mmap", [.pointer], oldMmap),
        SyscallEntry(91, "munmap", [.pointer, .size], munmap),
        SyscallEntry(125, "mprotect", [.pointer, .size, .mmapProt], mprotect),
        SyscallEntry(144, "msync", [.pointer, .size, .hex], { _ in 0 }),
        SyscallEntry(150, "mlock", [.pointer, .size], { _ in 0 }),
        SyscallEntry(151, "munlock", [.pointer, .size], { _ in 0 }),
        SyscallEntry(152, "mlockall", [.hex], { _ in 0 }),
        SyscallEntry(153, "munlockall", [], { _ in 0 }),
        SyscallEntry(163, "mremap", [.pointer, .size, .size, .hex, .pointer], mremap),
        SyscallEntry(192, "mmap2", [.pointer, .size, .mmapProt, .mmapFlags, .fd, .hex], mmap2),
        SyscallEntry(219, "madvise", [.pointer, .size, .int], madvise),
    ]

    /// PROT_* to the page permission byte (user pages; PROT_WRITE implies read on x86).
    static func permission(_ prot: UInt32) -> UInt8 {
        var p: UInt8 = 0
        if prot & (protRead | protWrite | protExec) != 0 { p |= PagePermission.userRead }
        if prot & protWrite != 0 { p |= PagePermission.write }
        if prot & protExec != 0 { p |= PagePermission.exec }
        return p
    }

    /// sys_brk: moves the break; on failure returns the current one (as Linux does).
    static func brk(_ c: SyscallContext) -> Int32 {
        let mm = c.process.mm
        let want = c.arg(0)
        if want < mm.startBrk { return Int32(bitPattern: mm.brk) }
        guard let newTop = AddressSpace.pageAlign(want), let oldTop = AddressSpace.pageAlign(mm.brk),
              newTop < AddressSpace.userTop - (8 << 20) else { return Int32(bitPattern: mm.brk) }
        if newTop > oldTop {
            guard mm.isFree(oldTop, newTop) else { return Int32(bitPattern: mm.brk) }
            mm.map(oldTop, length: newTop - oldTop, permission: PagePermission.userWrite, name: "[heap]")
        } else if newTop < oldTop {
            mm.unmap(newTop, length: oldTop - newTop)
        }
        mm.brk = want
        return Int32(bitPattern: want)
    }

    /// Old mmap: one pointer to six words (struct mmap_arg_struct), offset in bytes.
    static func oldMmap(_ c: SyscallContext) -> Int32 {
        guard let raw = c.bytes(at: c.arg(0), count: 24) else { return Errno.EFAULT.negated }
        let w = (0..<6).map { GuestLayout.u32(raw, $0 * 4) }
        if w[5] & 0xfff != 0 { return Errno.EINVAL.negated }
        return mmap(c, w[0], w[1], w[2], w[3], Int32(bitPattern: w[4]), UInt64(w[5]))
    }

    /// mmap2: like mmap with the offset in 4096-byte pages.
    static func mmap2(_ c: SyscallContext) -> Int32 {
        mmap(c, c.arg(0), c.arg(1), c.arg(2), c.arg(3), c.int(4), UInt64(c.arg(5)) << 12)
    }

    static func mmap(_ c: SyscallContext, _ addr: UInt32, _ length: UInt32, _ prot: UInt32, _ flags: UInt32,
                     _ fd: Int32, _ offset: UInt64) -> Int32 {
        let mm = c.process.mm
        guard length > 0, let len = AddressSpace.pageAlign(length) else { return Errno.EINVAL.negated }
        let type = flags & (mapShared | mapPrivate)
        guard type == mapShared || type == mapPrivate else { return Errno.EINVAL.negated }
        var file: OpenFile? = nil
        if flags & mapAnonymous == 0 {
            guard let f = c.process.files.get(fd) else { return Errno.EBADF.negated }
            file = f
        }
        let start: UInt32
        if flags & (mapFixed | mapFixedNoReplace) != 0 {
            guard addr & 0xfff == 0, UInt64(addr) + UInt64(len) <= UInt64(AddressSpace.userTop),
                  addr >= AddressSpace.mmapMinimum else { return Errno.EINVAL.negated }
            if flags & mapFixedNoReplace != 0 && !mm.isFree(addr, addr + len) { return Errno.EEXIST.negated }
            start = addr
        } else {
            guard let s = mm.findFree(length: len, hint: addr & ~0xfff) else { return Errno.ENOMEM.negated }
            start = s
        }
        var device: UInt64 = 0, inode: UInt64 = 0
        var name = ""
        if let file {
            var st = stat()
            if fstat(file.hostFD, &st) == 0 {
                device = UInt64(st.st_dev)
                inode = UInt64(st.st_ino)
            }
            name = file.path
        }
        // Map writable while filling, then apply the requested protection.
        mm.map(start, length: len, permission: PagePermission.userWrite, name: name, shared: type == mapShared,
               offset: UInt32(truncatingIfNeeded: offset), device: device, inode: inode)
        if let file {
            let data: [UInt8]
            do { data = try file.read(count: Int(len), at: Int64(offset)) } catch {
                mm.unmap(start, length: len)
                return error.negated
            }
            if !data.isEmpty { c.memory.poke(start, data) }
        }
        _ = mm.protect(start, length: len, permission: permission(prot))
        return Int32(bitPattern: start)
    }

    static func munmap(_ c: SyscallContext) -> Int32 {
        let addr = c.arg(0)
        guard addr & 0xfff == 0, c.arg(1) > 0, UInt64(addr) + UInt64(c.arg(1)) <= UInt64(AddressSpace.userTop) else {
            return Errno.EINVAL.negated
        }
        c.process.mm.unmap(addr, length: c.arg(1))
        return 0
    }

    static func mprotect(_ c: SyscallContext) -> Int32 {
        let addr = c.arg(0)
        guard addr & 0xfff == 0 else { return Errno.EINVAL.negated }
        if c.arg(1) == 0 { return 0 }
        return c.process.mm.protect(addr, length: c.arg(1), permission: permission(c.arg(2))) ? 0 : Errno.ENOMEM.negated
    }

    /// mremap: shrink in place, grow in place when the space after is free, or move
    /// (MREMAP_MAYMOVE) by copying the pages.
    static func mremap(_ c: SyscallContext) -> Int32 {
        let mm = c.process.mm
        let old = c.arg(0), flags = c.arg(3)
        guard old & 0xfff == 0, let oldLen = AddressSpace.pageAlign(c.arg(1)), let newLen = AddressSpace.pageAlign(c.arg(2)),
              newLen > 0 else { return Errno.EINVAL.negated }
        guard let area = mm.area(containing: old), mm.isFullyMapped(old, old &+ max(oldLen, 0x1000)) else {
            return Errno.EFAULT.negated
        }
        if newLen <= oldLen {
            if newLen < oldLen { mm.unmap(old + newLen, length: oldLen - newLen) }
            return Int32(bitPattern: old)
        }
        let (end, overflow) = old.addingReportingOverflow(newLen)
        if flags & mremapFixed == 0, !overflow, end <= AddressSpace.userTop, mm.isFree(old + oldLen, end) {
            mm.map(old + oldLen, length: newLen - oldLen, permission: area.permission, name: area.name)
            return Int32(bitPattern: old)
        }
        guard flags & mremapMayMove != 0 else { return Errno.ENOMEM.negated }
        let target: UInt32
        if flags & mremapFixed != 0 {
            target = c.arg(4)
            guard target & 0xfff == 0 else { return Errno.EINVAL.negated }
        } else {
            guard let t = mm.findFree(length: newLen) else { return Errno.ENOMEM.negated }
            target = t
        }
        let contents = c.memory.read(old, count: Int(oldLen), need: 0) ?? []
        mm.map(target, length: newLen, permission: PagePermission.userWrite, name: area.name)
        c.memory.poke(target, contents)
        _ = mm.protect(target, length: newLen, permission: area.permission)
        mm.unmap(old, length: oldLen)
        return Int32(bitPattern: target)
    }

    /// madvise: MADV_DONTNEED on private anonymous memory reads back as zeros.
    static func madvise(_ c: SyscallContext) -> Int32 {
        let addr = c.arg(0)
        guard addr & 0xfff == 0 else { return Errno.EINVAL.negated }
        guard let len = AddressSpace.pageAlign(c.arg(1)) else { return Errno.EINVAL.negated }
        if len == 0 { return 0 }
        guard c.process.mm.isFullyMapped(addr, addr &+ len) else { return Errno.ENOMEM.negated }
        if c.arg(2) == madvDontNeed {
            if let a = c.process.mm.area(containing: addr), a.name.isEmpty || a.name == "[heap]" || a.name == "[stack]" {
                c.memory.poke(addr, [UInt8](repeating: 0, count: Int(len)))
            }
        }
        return 0
    }
}

