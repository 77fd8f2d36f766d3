/// Wraps machine code into a minimal static ELF32 executable (ET_EXEC, one R+W+X
/// PT_LOAD at 0x08048000), for programs Gate builds itself: the demo, test programs.
public enum ExecutableImage {
    public static let base: UInt32 = 0x0804_8000
    /// Where the code starts: after the ELF header and the one program header.
    public static let codeAddress: UInt32 = base + 52 + 32

    /// `code` must have been assembled for `codeAddress`; `bss` zero bytes follow it.
    public static func make(code: [UInt8], bss: UInt32 = 0) -> [UInt8] {
        var b = GuestLayout.Builder(size: 52 + 32)
        b.raw(0, [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0])      // ELFCLASS32, little-endian, version 1
        b.u16(16, 2)                                        // ET_EXEC
        b.u16(18, 3)                                        // EM_386
        b.u32(20, 1)
        b.u32(24, codeAddress)                              // e_entry
        b.u32(28, 52)                                       // e_phoff
        b.u16(40, 52)                                       // e_ehsize
        b.u16(42, 32)                                       // e_phentsize
        b.u16(44, 1)                                        // e_phnum
        b.u16(46, 40)                                       // e_shentsize
        let total = UInt32(52 + 32 + code.count)
        b.u32(52, 1)                                        // PT_LOAD
        b.u32(56, 0)                                        // p_offset
        b.u32(60, base)                                     // p_vaddr
        b.u32(64, base)                                     // p_paddr
        b.u32(68, total)                                    // p_filesz
        b.u32(72, total + bss)                              // p_memsz
        b.u32(76, 7)                                        // PF_R | PF_W | PF_X
        b.u32(80, 0x1000)                                   // p_align
        return b.bytes + code
    }
}
