import IA32

/// fork's copy of an address space, done eagerly: every page of every mapping (a
/// PROT_NONE page keeps its contents too) and every kernel page (GDT, IDT, TSS, entry
/// text, the kernel stack holding the caller's pt_regs, the vDSO). Pages that read as
/// zero are not copied: they stay uncommitted in the child, so an 8 MiB stack the
/// program barely touched costs a scan, not 8 MiB. Decoded-code marks are dropped: the
/// child's CPU starts with an empty block cache.
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
        for p in pages where p < GuestMemory.pageCount {
            child.perm[p] = perm[p] & ~PagePermission.code
            let src = base + p << 12
            if GuestMemory.isZero(src) { continue }
            (child.base + p << 12).copyMemory(from: src, byteCount: 4096)
        }
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
