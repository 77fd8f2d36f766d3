import IA32

/// `struct pt_regs` (include/asm-i386/ptrace.h, 2.6 before fs/gs joined it): the frame
/// `system_call` and `sysenter_entry` build on the kernel stack. SAVE_ALL pushes es, ds,
/// eax, ebp, edi, esi, edx, ecx, ebx — so ebx ends lowest — on top of orig_eax and the
/// hardware's (or sysenter_entry's hand-built) eip, cs, eflags, esp, ss.
public struct PtRegs: Equatable, Sendable, CustomStringConvertible {
    public static let size: UInt32 = 60
    // Byte offsets, as entry.S names them.
    public static let EBX: UInt32 = 0x00, ECX: UInt32 = 0x04, EDX: UInt32 = 0x08, ESI: UInt32 = 0x0c
    public static let EDI: UInt32 = 0x10, EBP: UInt32 = 0x14, EAX: UInt32 = 0x18, DS: UInt32 = 0x1c
    public static let ES: UInt32 = 0x20, ORIG_EAX: UInt32 = 0x24, EIP: UInt32 = 0x28, CS: UInt32 = 0x2c
    public static let EFLAGS: UInt32 = 0x30, OLDESP: UInt32 = 0x34, OLDSS: UInt32 = 0x38

    public var ebx, ecx, edx, esi, edi, ebp, eax: UInt32
    public var ds, es: UInt32
    public var origEAX: UInt32
    public var eip, cs, eflags, esp, ss: UInt32

    /// Reads the frame at `address` (kernel memory).
    public init(memory: GuestMemory, at address: UInt32) {
        func w(_ o: UInt32) -> UInt32 { PtRegs.word(o, in: memory.base, at: address) }
        ebx = w(PtRegs.EBX); ecx = w(PtRegs.ECX); edx = w(PtRegs.EDX); esi = w(PtRegs.ESI)
        edi = w(PtRegs.EDI); ebp = w(PtRegs.EBP); eax = w(PtRegs.EAX); ds = w(PtRegs.DS) & 0xffff
        es = w(PtRegs.ES) & 0xffff; origEAX = w(PtRegs.ORIG_EAX); eip = w(PtRegs.EIP); cs = w(PtRegs.CS) & 0xffff
        eflags = w(PtRegs.EFLAGS); esp = w(PtRegs.OLDESP); ss = w(PtRegs.OLDSS) & 0xffff
    }

    /// The six system-call arguments: ebx, ecx, edx, esi, edi, ebp.
    public var arguments: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) { (ebx, ecx, edx, esi, edi, ebp) }

    /// Word `offset` of the frame at `address` in the guest memory at `guest` (the CPU's
    /// view of it: the frame is in kernel memory, always there).
    @inline(__always)
    public static func word(_ offset: UInt32, in guest: UnsafeRawPointer, at address: UInt32) -> UInt32 {
        UInt32(littleEndian: guest.loadUnaligned(fromByteOffset: Int(address &+ offset), as: UInt32.self))
    }

    /// The six arguments of the frame at `address`, without reading the rest of it (the
    /// system-call path reads only these and EIP).
    @inline(__always)
    public static func arguments(in guest: UnsafeRawPointer, at address: UInt32)
        -> (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) {
        (word(EBX, in: guest, at: address), word(ECX, in: guest, at: address), word(EDX, in: guest, at: address),
         word(ESI, in: guest, at: address), word(EDI, in: guest, at: address), word(EBP, in: guest, at: address))
    }

    public var description: String {
        func h(_ v: UInt32) -> String { "0x" + String(v, radix: 16) }
        return "pt_regs { ebx=\(h(ebx)) ecx=\(h(ecx)) edx=\(h(edx)) esi=\(h(esi)) edi=\(h(edi)) ebp=\(h(ebp)) "
            + "eax=\(h(eax)) ds=\(h(ds)) es=\(h(es)) orig_eax=\(origEAX) eip=\(h(eip)) cs=\(h(cs)) "
            + "eflags=\(h(eflags)) esp=\(h(esp)) ss=\(h(ss)) }"
    }
}
