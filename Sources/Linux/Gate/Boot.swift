import IA32

/// Puts the kernel half into an address space and brings a CPU up the way Linux 2.6
/// does: the GDT in the 2.6 layout, an IDT whose vector 0x80 is a DPL-3 trap gate to
/// `system_call`, a TSS with esp0 and the small sysenter stack, the entry text, the
/// system-call table — then runs the kernel's own boot code at CPL 0, which loads the
/// descriptor tables and (only on a CPU with working SEP) writes the SYSENTER MSRs.
/// `sysenter_setup` then picks the vDSO image by whether SEP got enabled.
public struct Boot {
    public let entry: EntryText
    /// Whether the boot code enabled SYSENTER (it read CPUID and decided).
    public let sepEnabled: Bool
    public let vdso: VDSOImage

    /// Number of entries in `sys_call_table` (NR_syscalls).
    public static let syscallCount = 453

    public init(memory: GuestMemory, cpu: CPU) throws {
        let sysenterImage = VDSOImage(kind: .sysenter)
        entry = try EntryText(syscallCount: Boot.syscallCount, sysenterReturn: sysenterImage.sysenterReturn!)
        Boot.mapKernel(memory: memory, entry: entry)

        // Run the boot code at CPL 0 on flat kernel segments and the task's kernel stack.
        let saved = (cpu.cpl, cpu.eip, cpu.register(.esp))
        cpu.state.pointee.interruptsToHost = false
        cpu.cpl = 0
        cpu.setSegment(.cs, .flat(selector: KernelLayout.kernelCS, code: true))
        cpu.setSegment(.ss, .flat(selector: KernelLayout.kernelDS, code: false))
        cpu.setSegment(.ds, .flat(selector: KernelLayout.kernelDS, code: false))
        cpu.setSegment(.es, .flat(selector: KernelLayout.kernelDS, code: false))
        cpu.eip = entry.boot
        cpu.setRegister(.esp, KernelLayout.kernelStackTop)
        let stop = cpu.run(budget: 10_000)
        guard stop == .halted else { throw BootError.bootCodeFailed("\(stop)") }
        sepEnabled = memory.load32(EntryText.sepEnabled) != 0
        vdso = sepEnabled ? sysenterImage : VDSOImage(kind: .int80)
        memory.map(VDSOImage.base, length: 0x1000, permission: PagePermission.userRead | PagePermission.exec)
        memory.poke(VDSOImage.base, vdso.bytes)

        // Back to user mode: flat user segments, CPL 3.
        cpu.setSegment(.cs, .flat(selector: KernelLayout.userCS, code: true))
        cpu.setSegment(.ss, .flat(selector: KernelLayout.userDS, code: false))
        cpu.setSegment(.ds, .flat(selector: KernelLayout.userDS, code: false))
        cpu.setSegment(.es, .flat(selector: KernelLayout.userDS, code: false))
        cpu.cpl = 3
        cpu.eip = saved.1
        cpu.setRegister(.esp, saved.2)
        cpu.eflags = 0x202
    }

    public enum BootError: Error, CustomStringConvertible {
        case bootCodeFailed(String)
        public var description: String {
            switch self {
            case .bootCodeFailed(let why): return "kernel boot code did not finish: \(why)"
            }
        }
    }

    /// Builds the GDT, IDT, TSS, text, table and stubs in kernel memory.
    static func mapKernel(memory: GuestMemory, entry: EntryText) {
        let kernelData = PagePermission.kernelWrite
        let kernelText = PagePermission.kernelRead | PagePermission.exec
        memory.map(KernelLayout.gdt, length: 0x3000, permission: kernelData)          // GDT, IDT, TSS
        memory.map(KernelLayout.data, length: 0x1000, permission: kernelData)
        memory.map(KernelLayout.kernelStack, length: KernelLayout.threadSize, permission: kernelData)
        memory.map(KernelLayout.text, length: UInt32(entry.bytes.count + 0xfff) & ~0xfff, permission: kernelText)
        memory.poke(KernelLayout.text, entry.bytes)
        let tableBytes = UInt32(Boot.syscallCount * 4)
        memory.map(KernelLayout.syscallTable, length: tableBytes, permission: PagePermission.kernelRead)
        // Word by word into guest memory: building these tables as arrays of bytes
        // first took half a million host instructions at every start.
        for n in 0..<UInt32(Boot.syscallCount) { memory.store32(KernelLayout.syscallTable + n * 4, entry.stubBase + n * 4) }
        memory.map(entry.stubBase, length: UInt32(entry.stubs.count + 0xfff) & ~0xfff, permission: kernelText)
        memory.poke(entry.stubBase, entry.stubs)

        // GDT (include/asm-i386/segment.h): TLS 6–8, kernel CS/DS 12–13, user CS/DS 14–15, TSS 16.
        func put(_ index: Int, _ d: SegmentDescriptor) {
            memory.store32(KernelLayout.gdt + UInt32(index * 8), d.low)
            memory.store32(KernelLayout.gdt + UInt32(index * 8) + 4, d.high)
        }
        memory.poke(KernelLayout.gdt, [UInt8](repeating: 0, count: KernelLayout.gdtEntries * 8))
        put(12, SegmentDescriptor(base: 0, limit: 0xfffff, type: 0xa, dpl: 0))
        put(13, SegmentDescriptor(base: 0, limit: 0xfffff, type: 0x2, dpl: 0))
        put(14, SegmentDescriptor(base: 0, limit: 0xfffff, type: 0xa, dpl: 3))
        put(15, SegmentDescriptor(base: 0, limit: 0xfffff, type: 0x2, dpl: 3))
        put(16, SegmentDescriptor(base: KernelLayout.tss, limit: KernelLayout.tssSize - 1, type: 0x9, dpl: 0,
                                  system: true, big: false, granular: false))

        // IDT: every vector present at DPL 0 (hardware only), except the system gates.
        func gate(_ vector: Int, _ offset: UInt32, type: UInt32, dpl: UInt32) {
            let low = (UInt32(KernelLayout.kernelCS) << 16) | (offset & 0xffff)
            let high = (offset & 0xffff_0000) | 0x8000 | (dpl << 13) | (type << 8)
            memory.store32(KernelLayout.idt + UInt32(vector * 8), low)
            memory.store32(KernelLayout.idt + UInt32(vector * 8) + 4, high)
        }
        for v in 0..<256 { gate(v, entry.trapStub(0), type: 0xe, dpl: 0) }
        gate(3, entry.trapStub(3), type: 0xe, dpl: 3)    // set_system_intr_gate(3, &int3)
        gate(4, entry.trapStub(4), type: 0xf, dpl: 3)    // set_system_gate(4, &overflow)
        gate(5, entry.trapStub(5), type: 0xf, dpl: 3)    // set_system_gate(5, &bounds)
        gate(1, entry.trapStub(1), type: 0xe, dpl: 0)    // set_intr_gate(1, &debug): icebp only
        gate(0x80, entry.systemCall, type: 0xf, dpl: 3)  // set_system_gate(SYSCALL_VECTOR, &system_call)

        // TSS: esp0/ss0 for int $0x80 from user mode; the sysenter stack above it.
        memory.poke(KernelLayout.tss, [UInt8](repeating: 0, count: Int(KernelLayout.tssSize)))
        memory.poke(KernelLayout.tss + 4, GuestLayout.le32(KernelLayout.kernelStackTop))
        memory.poke(KernelLayout.tss + 8, GuestLayout.le32(UInt32(KernelLayout.kernelDS)))
        memory.poke(KernelLayout.tss + 0x66, GuestLayout.le16(UInt16(KernelLayout.tssSize)))   // no I/O bitmap

        // The descriptors `lgdt`, `lidt` and `ltr` read.
        memory.poke(EntryText.gdtDescriptor, GuestLayout.le16(UInt16(KernelLayout.gdtEntries * 8 - 1)) + GuestLayout.le32(KernelLayout.gdt))
        memory.poke(EntryText.idtDescriptor, GuestLayout.le16(256 * 8 - 1) + GuestLayout.le32(KernelLayout.idt))
        memory.poke(EntryText.trSelector, GuestLayout.le16(KernelLayout.tssSelector))
    }
}
