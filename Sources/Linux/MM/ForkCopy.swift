#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import IA32

/// fork's copy of an address space, done eagerly: every page of every mapping (a
/// PROT_NONE page keeps its contents too) and every kernel page (GDT, IDT, TSS, entry
/// text, the kernel stack holding the caller's pt_regs, the vDSO). Pages that read as
/// zero are not copied: they stay uncommitted in the child. On Linux the host's page
/// map (/proc/self/pagemap) first says which host pages were ever touched, so an
/// 8 MiB stack the program barely used is not even read. Decoded-code marks are
/// dropped: the child's CPU starts with an empty block cache.
extension GuestMemory {
    func copyForFork(areas: [AddressSpace.Area], into child: GuestMemory) {
        for a in areas {
            copyPages(Int(a.start >> 12)..<Int((UInt64(a.end) + 0xfff) >> 12), into: child)
        }
        let kernelFirst = Int(KernelLayout.pageOffset >> 12)
        var p = kernelFirst
        while p < GuestMemory.pageCount {
            if perm[p] != 0 {
                var q = p + 1
                while q < GuestMemory.pageCount && perm[q] != 0 { q += 1 }
                copyPages(p..<q, into: child)
                p = q
            } else {
                p += 1
            }
        }
    }

    private func copyPages(_ pages: Range<Int>, into child: GuestMemory) {
        let pages = pages.clamped(to: 0..<GuestMemory.pageCount)
        let touched = hostTouched(pages)
        for p in pages {
            child.perm[p] = perm[p] & ~PagePermission.code
            if let touched, !touched[p - pages.lowerBound] { continue }
            let src = base + p << 12
            if GuestMemory.isZero(src) { continue }
            (child.base + p << 12).copyMemory(from: src, byteCount: 4096)
        }
    }

    /// For each page, whether the host ever gave it a frame (present or swapped out),
    /// from /proc/self/pagemap; nil where that is not available.
    private func hostTouched(_ pages: Range<Int>) -> [Bool]? {
        #if os(Linux)
        guard pages.count >= 16 else { return nil }
        let fd = open("/proc/self/pagemap", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let hostPageSize = Int(getpagesize())
        guard hostPageSize == 4096 else { return nil }
        let first = (Int(bitPattern: base) >> 12) + pages.lowerBound
        var entries = [UInt64](repeating: 0, count: pages.count)
        let want = pages.count * 8
        let got = entries.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(first * 8)) }
        guard got == want else { return nil }
        return entries.map { $0 & (3 << 62) != 0 }
        #else
        return nil
        #endif
    }

    private static func isZero(_ page: UnsafeMutableRawPointer) -> Bool {
        let words = page.assumingMemoryBound(to: UInt64.self)
        var i = 0
        while i < 512 {
            if (words[i] | words[i + 1] | words[i + 2] | words[i + 3]) != 0 { return false }
            i += 4
        }
        return true
    }
}
