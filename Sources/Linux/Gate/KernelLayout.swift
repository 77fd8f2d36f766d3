/// Where the modelled kernel keeps things in the kernel half of every address space
/// (≥ PAGE_OFFSET, unreachable from CPL 3), and the 2.6 GDT layout.
public enum KernelLayout {
    public static let pageOffset: UInt32 = 0xc000_0000

    /// GDT (32 entries), IDT (256 gates), TSS with its small sysenter stack.
    public static let gdt: UInt32 = 0xc000_1000
    public static let idt: UInt32 = 0xc000_2000
    public static let tss: UInt32 = 0xc000_3000
    /// `struct tss_struct` size in 2.6: the 104-byte hardware TSS, the I/O bitmap and
    /// the `stack[64]` sysenter stack; SYSENTER_ESP points at its end.
    public static let tssSize: UInt32 = 0x400
    public static var sysenterStackTop: UInt32 { tss + tssSize }

    /// Kernel text: boot code, `system_call`, `sysenter_entry`, and one `hlt; ret`
    /// stub per system call through which the CPU hands the call to its Swift body.
    public static let text: UInt32 = 0xc010_0000
    public static let syscallTable: UInt32 = 0xc020_0000
    public static let syscallStubs: UInt32 = 0xc020_1000
    /// Kernel variables the entry code reads (the boot code's "SEP enabled" flag).
    public static let data: UInt32 = 0xc030_0000

    /// The task's 8 KiB kernel stack; `struct thread_info` sits at its bottom.
    public static let threadSize: UInt32 = 0x2000
    public static let kernelStack: UInt32 = 0xc040_0000
    public static var kernelStackTop: UInt32 { kernelStack + threadSize }
    /// Offset of `flags` in `struct thread_info` (task, exec_domain, flags).
    public static let tiFlags: UInt32 = 8

    // GDT entries and selectors (include/asm-i386/segment.h).
    public static let tlsEntryMin = 6
    public static let tlsEntries = 3
    public static let kernelCS: UInt16 = 0x60
    public static let kernelDS: UInt16 = 0x68
    public static let userCS: UInt16 = 0x73
    public static let userDS: UInt16 = 0x7b
    public static let tssSelector: UInt16 = 0x80
    public static let gdtEntries = 32
}
