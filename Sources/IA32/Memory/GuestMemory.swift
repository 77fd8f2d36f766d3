#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The software permission byte kept for every 4 KiB guest page. One load and a test
/// per access gives exact page faults without host signal handlers (DESIGN.md, "Memory").
public enum PagePermission {
    /// Mapped and readable (and, as on a non-PAE i686, executable).
    public static let read: UInt8 = 0x01
    public static let write: UInt8 = 0x02
    /// Reachable from CPL 3 (the U/S bit).
    public static let user: UInt8 = 0x04
    /// Blocks decoded from this page are cached: writes must invalidate them.
    public static let code: UInt8 = 0x08
    /// PROT_EXEC as the guest asked for it (reported in /proc/self/maps; not enforced,
    /// since i686 page tables without PAE have no NX bit).
    public static let exec: UInt8 = 0x10

    public static let userRead: UInt8 = read | user
    public static let userWrite: UInt8 = read | write | user
    public static let kernelRead: UInt8 = read
    public static let kernelWrite: UInt8 = read | write
}

/// Receives notice that guest code bytes changed, so decoded blocks can be dropped.
public protocol CodeWriteObserver: AnyObject {
    func codeWritten(page: UInt32)
}

/// One address space: a linear 4 GiB host reservation (host address = base + guest
/// address) and a permission byte per guest page. Host pages are committed only when
/// the guest touches them.
public final class GuestMemory {
    public static let pageSize: UInt32 = 4096
    public static let pageCount = 1 << 20

    /// Host address of guest address 0.
    public let base: UnsafeMutableRawPointer
    /// One `PagePermission` byte per guest page.
    public let perm: UnsafeMutablePointer<UInt8>
    /// Told when a host-side write (a syscall, the loader) lands on a code page.
    public weak var codeObserver: CodeWriteObserver?
    /// The page-memo epoch, shifted into the high word (Dispatch/PageMemo.swift): memos
    /// taken in an earlier epoch no longer match. Starts at 1, since a fresh instruction's
    /// memo is 0.
    public let memoEpoch: UnsafeMutablePointer<UInt64>
    /// The epoch once 2³² - 2 have been used: no memo is taken in it, so none can
    /// outlive a later change of permissions.
    public static let memoEpochsExhausted: UInt64 = 0xffff_ffff << 32

    private static let reservation = (1 << 32) + 2 * 4096

    /// Reserves the address space. Fails (returns nil) only if the host refuses 4 GiB of
    /// address space.
    public init?() {
        #if canImport(Darwin)
        let flags = MAP_PRIVATE | MAP_ANON
        #else
        let flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE
        #endif
        let p = mmap(nil, GuestMemory.reservation, PROT_READ | PROT_WRITE, flags, -1, 0)
        guard let p, p != MAP_FAILED else { return nil }
        // The permission bytes come zeroed from the host a page at a time, as they are
        // touched: a process uses a few hundred bytes of the megabyte.
        let q = mmap(nil, GuestMemory.pageCount, PROT_READ | PROT_WRITE, flags, -1, 0)
        guard let q, q != MAP_FAILED else {
            munmap(p, GuestMemory.reservation)
            return nil
        }
        base = p
        perm = q.bindMemory(to: UInt8.self, capacity: GuestMemory.pageCount)
        memoEpoch = .allocate(capacity: 1)
        memoEpoch.initialize(to: 1 << 32)
    }

    deinit {
        munmap(base, GuestMemory.reservation)
        munmap(perm, GuestMemory.pageCount)
        memoEpoch.deallocate()
    }

    /// Starts a new page-memo epoch: a page may have lost a permission that memos taken
    /// so far vouch for.
    @inline(__always) static func forgetPageMemos(_ epoch: UnsafeMutablePointer<UInt64>) {
        if epoch.pointee < memoEpochsExhausted { epoch.pointee &+= 1 << 32 }
    }

    // MARK: Mapping

    /// Pages covering [addr, addr+length).
    @inline(__always) static func pages(_ addr: UInt32, _ length: UInt32) -> Range<Int> {
        let first = Int(addr >> 12)
        let last = Int((UInt64(addr) + UInt64(length) + 0xfff) >> 12)
        return first..<min(last, pageCount)
    }

    /// Maps [addr, addr+length) with `permission`, zero-filled.
    public func map(_ addr: UInt32, length: UInt32, permission: UInt8) {
        let r = GuestMemory.pages(addr, length)
        discard(r)
        var wasMapped = false
        for p in r {
            if perm[p] & PagePermission.code != 0 { codeObserver?.codeWritten(page: UInt32(p)) }
            wasMapped = wasMapped || perm[p] != 0
            perm[p] = permission
        }
        // Mapping fresh pages takes no right away; mapping over old ones may.
        if wasMapped { GuestMemory.forgetPageMemos(memoEpoch) }
    }

    /// Unmaps [addr, addr+length): later accesses fault, host memory is released.
    public func unmap(_ addr: UInt32, length: UInt32) {
        let r = GuestMemory.pages(addr, length)
        for p in r {
            if perm[p] & PagePermission.code != 0 { codeObserver?.codeWritten(page: UInt32(p)) }
            perm[p] = 0
        }
        GuestMemory.forgetPageMemos(memoEpoch)
        discard(r)
    }

    /// Changes the permission of [addr, addr+length). The caller knows the pages are
    /// mapped (a PROT_NONE page has permission 0 but still exists in its mapping).
    public func protect(_ addr: UInt32, length: UInt32, permission: UInt8) {
        for p in GuestMemory.pages(addr, length) {
            perm[p] = permission | (perm[p] & PagePermission.code)
        }
        GuestMemory.forgetPageMemos(memoEpoch)
    }

    public func permission(at addr: UInt32) -> UInt8 { perm[Int(addr >> 12)] }

    public func isMapped(_ addr: UInt32, length: UInt32) -> Bool {
        GuestMemory.pages(addr, length).allSatisfy { perm[$0] & PagePermission.read != 0 }
    }

    private func discard(_ r: Range<Int>) {
        guard !r.isEmpty else { return }
        let start = base + r.lowerBound << 12
        let len = r.count << 12
        #if canImport(Darwin)
        // Darwin's MADV_FREE is lazy; a fresh mapping guarantees zeros.
        mmap(start, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0)
        #else
        madvise(start, len, MADV_DONTNEED)
        #endif
    }

    // MARK: Host-side access (loader, syscalls)

    /// Whether every page of [addr, addr+length) allows `need`.
    public func check(_ addr: UInt32, length: UInt32, need: UInt8) -> Bool {
        if length == 0 { return true }
        if UInt64(addr) + UInt64(length) > 1 << 32 { return false }
        return GuestMemory.pages(addr, length).allSatisfy { perm[$0] & need == need }
    }

    /// Copies guest bytes out; nil if any page lacks `need` (a syscall's -EFAULT).
    public func read(_ addr: UInt32, count: Int, need: UInt8 = PagePermission.userRead) -> [UInt8]? {
        guard check(addr, length: UInt32(clamping: count), need: need) else { return nil }
        return [UInt8](UnsafeRawBufferPointer(start: base + Int(addr), count: count))
    }

    /// Copies bytes into guest memory; false if any page lacks `need`.
    @discardableResult
    public func write(_ addr: UInt32, _ bytes: some Collection<UInt8>, need: UInt8 = PagePermission.userWrite) -> Bool {
        let n = UInt32(clamping: bytes.count)
        guard check(addr, length: n, need: need) else { return false }
        noteWrite(addr, length: n)
        copy(bytes, to: addr)
        return true
    }

    /// The host address of [addr, addr+length) for the caller to fill in place, the
    /// write already noted (decoded code there is dropped); nil if any page lacks `need`.
    public func writableBytes(_ addr: UInt32, length: UInt32,
                              need: UInt8 = PagePermission.userWrite) -> UnsafeMutableRawPointer? {
        guard check(addr, length: length, need: need) else { return nil }
        noteWrite(addr, length: length)
        return base + Int(addr)
    }

    /// `writableBytes` for a word or two that a system call returns (user-writable,
    /// `length` at most a page): inline in the caller when the bytes are on one page
    /// that holds no decoded code, which is every result of a call like _llseek.
    @inlinable @inline(__always)
    public func writableWord(_ addr: UInt32, length: UInt32) -> UnsafeMutableRawPointer? {
        if addr & 0xfff <= 0x1000 &- length,
           perm[Int(addr &>> 12)] & (PagePermission.userWrite | PagePermission.code) == PagePermission.userWrite {
            return base + Int(addr)
        }
        return writableBytes(addr, length: length)
    }

    /// Writes ignoring permissions, from raw bytes: not generic, so callers in other
    /// modules do not go through the generic path unspecialized (the initial stack).
    public func poke(_ addr: UInt32, _ bytes: UnsafeRawBufferPointer) {
        noteWrite(addr, length: UInt32(clamping: bytes.count))
        guard let source = bytes.baseAddress else { return }
        (base + Int(addr)).copyMemory(from: source, byteCount: bytes.count)
    }

    /// Writes ignoring permissions (the loader filling a read-only segment).
    public func poke(_ addr: UInt32, _ bytes: some Collection<UInt8>) {
        noteWrite(addr, length: UInt32(clamping: bytes.count))
        copy(bytes, to: addr)
    }

    /// Reads `length` bytes of the open file `fd` from `offset` straight into guest
    /// memory at `addr`, ignoring permissions (the loader filling a segment); false if
    /// the file ends first. Straight in, and without populating the pages first: a
    /// static glibc program's segments went through a buffer as large as the file
    /// before, and mapping the file's pages instead (as binfmt_elf does) measured
    /// slower still on Linux hosts, faulting the page cache's pages in one by one and
    /// splitting the reservation.
    public func readFile(_ fd: Int32, offset: Int, into addr: UInt32, length: UInt32) -> Bool {
        noteWrite(addr, length: length)
        var done = 0
        while done < Int(length) {
            let n = pread(fd, base + Int(addr) + done, Int(length) - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    /// Arrays and slices (a program's segments, a read's data) are copied in one go;
    /// other collections byte by byte.
    private func copy(_ bytes: some Collection<UInt8>, to addr: UInt32) {
        let dst = UnsafeMutableRawBufferPointer(start: base + Int(addr), count: bytes.count)
        if bytes.count >= 64 << 10 { GuestMemory.populate(dst) }
        if bytes.withContiguousStorageIfAvailable({ dst.copyMemory(from: UnsafeRawBufferPointer($0)) }) == nil {
            dst.copyBytes(from: bytes)
        }
    }

    public func load32(_ addr: UInt32) -> UInt32 {
        UInt32(littleEndian: (base + Int(addr)).loadUnaligned(as: UInt32.self))
    }
    public func store32(_ addr: UInt32, _ v: UInt32) {
        noteWrite(addr, length: 4)
        (base + Int(addr)).storeBytes(of: v.littleEndian, as: UInt32.self)
    }

    /// The length of the NUL-terminated string at `addr`, looking at most `max` bytes
    /// (`max` when there is no NUL among them); nil if a page before the NUL, or before
    /// `max` bytes, may not be read. A page at a time, the NUL found with memchr.
    private func cStringLength(_ addr: UInt32, max: Int, need: UInt8) -> Int? {
        var length = 0
        var a = UInt64(addr)
        while length < max {
            guard a < 1 << 32, perm[Int(a >> 12)] & need == need else { return nil }
            let chunk = Swift.min(Int((a | 0xfff) + 1 - a), max - length)
            let start = base + Int(a)
            if let nul = memchr(start, 0, chunk) { return length + (nul - start) }
            length += chunk
            a += UInt64(chunk)
        }
        return max
    }

    /// Reads a NUL-terminated string of at most `max` bytes; nil on a fault. The bytes
    /// are copied once (a path is read on every file-system call).
    public func readCString(_ addr: UInt32, max: Int = 4096, need: UInt8 = PagePermission.userRead) -> [UInt8]? {
        guard let n = cStringLength(addr, max: max, need: need) else { return nil }
        return [UInt8](UnsafeRawBufferPointer(start: base + Int(addr), count: n))
    }

    /// Copies the NUL-terminated string at `addr`, NUL included, into `buffer`: its
    /// length without the NUL, or nil if a page before the NUL may not be read or the
    /// string does not fit (the caller then takes its general path, `readCString`).
    public func copyCString(_ addr: UInt32, into buffer: UnsafeMutableRawBufferPointer,
                            need: UInt8 = PagePermission.userRead) -> Int? {
        guard let out = buffer.baseAddress, let n = cStringLength(addr, max: buffer.count, need: need),
              n < buffer.count else { return nil }
        out.copyMemory(from: base + Int(addr), byteCount: n + 1)
        return n
    }

    /// Asks the host to provide the pages under a large copy in one call
    /// (MADV_POPULATE_WRITE, Linux 5.14+) instead of one page fault per page, which
    /// costs several microseconds each in a virtual machine. Elsewhere it does nothing.
    public static func populate(_ range: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard let start = range.baseAddress else { return }
        let first = (Int(bitPattern: start) + 0xfff) & ~0xfff
        let end = (Int(bitPattern: start) + range.count) & ~0xfff
        if end > first {
            _ = madvise(UnsafeMutableRawPointer(bitPattern: first), end - first, 23 /* MADV_POPULATE_WRITE */)
        }
        #endif
    }

    /// Drops decoded code for pages in [addr, addr+length) that hold some.
    public func noteWrite(_ addr: UInt32, length: UInt32) {
        for p in GuestMemory.pages(addr, length) where perm[p] & PagePermission.code != 0 {
            perm[p] &= ~PagePermission.code
            codeObserver?.codeWritten(page: UInt32(p))
        }
    }
}
