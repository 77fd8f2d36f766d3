import IA32

/// Maps an ELF program's PT_LOAD segments into an address space as `binfmt_elf` does:
/// page-aligned, with the file bytes read in, the rest of the last page and the bss
/// zero-filled, and the permissions the program headers ask for.
public struct ELFLoader {
    /// Where an ET_DYN program (static-pie, or the dynamic linker) is placed.
    public static let dynamicBase: UInt32 = 0x5655_5000

    /// The span of address space the PT_LOAD segments need, page-aligned (for placing
    /// an ET_DYN object).
    public static func span(_ elf: ELFFile) -> (low: UInt32, length: UInt32) {
        let loads = elf.programHeaders.filter { $0.type == ELFFile.ProgramHeader.load }
        let low = loads.map(\.vaddr).min()! & ~0xfff
        let high = loads.map { UInt64($0.vaddr) + UInt64($0.memsz) }.max()!
        return (low, UInt32(min((high + 0xfff) & ~0xfff, 0xc000_0000) - UInt64(low)))
    }

    public struct Image {
        public var entry: UInt32
        /// Address of the program headers in guest memory (AT_PHDR).
        public var phdr: UInt32
        public var phnum: UInt32
        /// The load bias added to every address (0 for ET_EXEC).
        public var bias: UInt32
        /// First byte after the highest segment: where brk starts (page-aligned).
        public var end: UInt32
    }

    /// Loads `elf`. With an address space, the mappings are recorded there too (named
    /// `path` in /proc/self/maps). With `file`, the open file `elf` was read from, the
    /// segments come from the file; without, `elf.bytes` must be the whole file.
    public static func load(_ elf: ELFFile, into memory: GuestMemory, bias requested: UInt32? = nil,
                            addressSpace mm: AddressSpace? = nil, path: String = "", file: Int32 = -1) throws -> Image {
        guard file >= 0 || elf.isComplete else { throw ELFError.truncated }
        let bias = elf.type == ELFFile.typeDyn ? (requested ?? dynamicBase) : 0
        var end: UInt32 = 0
        var phdr: UInt32? = nil
        for h in elf.programHeaders where h.type == ELFFile.ProgramHeader.load {
            let (start, overflow) = h.vaddr.addingReportingOverflow(bias)
            guard !overflow, UInt64(start) + UInt64(h.memsz) <= 0xc000_0000 else {
                throw ELFError.badSegment("segment outside the user address space")
            }
            let pageStart = start & ~0xfff
            let pageEnd = UInt32((UInt64(start) + UInt64(h.memsz) + 0xfff) & ~0xfff)
            var perm = PagePermission.userRead
            if h.flags & 2 != 0 { perm |= PagePermission.write }
            if h.flags & 1 != 0 { perm |= PagePermission.exec }
            if pageEnd > pageStart {
                if let mm {
                    // Writable while the file bytes go in; the final protection follows.
                    mm.map(pageStart, length: pageEnd - pageStart, permission: perm, name: path,
                           offset: h.offset & ~0xfff, inode: 1)
                } else {
                    memory.map(pageStart, length: pageEnd - pageStart, permission: perm)
                }
            }
            if h.filesz > 0 {
                // As mmap of the file does: the whole first page comes from the file, so a
                // page shared with the previous segment gets this segment's bytes.
                let fileStart = Int(h.offset & ~0xfff)
                let fileEnd = Int(h.offset + h.filesz)
                let count = UInt32(fileEnd - fileStart)
                if file >= 0 {
                    guard memory.readFile(file, offset: fileStart, into: pageStart, length: count) else {
                        throw ELFError.truncated
                    }
                } else {
                    memory.poke(pageStart, elf.bytes[fileStart..<fileEnd])
                }
            }
            end = max(end, pageEnd)
            // AT_PHDR: the program headers as mapped by the segment that holds them.
            if h.offset <= elf.phoff && elf.phoff < h.offset + h.filesz {
                phdr = start + (elf.phoff - h.offset)
            }
        }
        if let p = elf.programHeaders.first(where: { $0.type == ELFFile.ProgramHeader.phdr }) {
            phdr = p.vaddr &+ bias
        }
        return Image(entry: elf.entry &+ bias, phdr: phdr ?? 0, phnum: UInt32(elf.programHeaders.count),
                     bias: bias, end: end)
    }
}
