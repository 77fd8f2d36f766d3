import Testing
@testable import IA32

/// FS and GS as glibc uses them: loaded from GDT or LDT descriptors, with base and
/// limit applied to every access, and the protection checks of a segment load.
struct SegmentTests {
    @Test func gsBaseFromGDTAppliesToAccesses() {
        let m = TestMachine()
        // Entry 6 (selector 0x33), as set_thread_area(-1) gives glibc: base = TCB.
        m.setDescriptor(6, SegmentDescriptor(base: TestMachine.data + 0x100, limit: 0xfffff, type: 0x3, dpl: 3))
        m.memory.store32(TestMachine.data + 0x110, 0xdead_beef)
        // mov $0x33,%eax; mov %eax,%gs; mov %gs:0x10,%ebx
        let stop = m.run([0xb8, 0x33, 0, 0, 0, 0x8e, 0xe8, 0x65, 0x8b, 0x1d, 0x10, 0, 0, 0])
        #expect(stop == .softwareInterrupt(0x80))
        #expect(m[.ebx] == 0xdead_beef)
        #expect(m.cpu.segment(.gs).base == TestMachine.data + 0x100)
        #expect(m.cpu.segment(.gs).selector == 0x33)
        // The processor set the accessed bit in the descriptor.
        #expect(m.memory.load32(TestMachine.gdt + 6 * 8 + 4) & 0x100 != 0)
    }

    @Test func segmentLimitRaisesGP() {
        let m = TestMachine()
        // A byte-granular segment of 16 bytes.
        m.setDescriptor(7, SegmentDescriptor(base: TestMachine.data, limit: 0xf, type: 0x3, dpl: 3, granular: false))
        // mov $0x3b,%eax; mov %eax,%fs; mov %fs:0xc,%ebx (fits); mov %fs:0xd,%ecx (crosses the limit)
        let stop = m.run([0xb8, 0x3b, 0, 0, 0, 0x8e, 0xe0, 0x64, 0x8b, 0x1d, 0x0c, 0, 0, 0, 0x64, 0x8b, 0x0d, 0x0d, 0, 0, 0])
        guard case .exception(let f) = stop else { Issue.record("expected #GP, got \(stop)"); return }
        #expect(f.vector == Vector.generalProtection && f.errorCode == 0)
        #expect(m.cpu.eip == TestMachine.code + 14)
    }

    @Test func nullSelectorLoadsButFaultsOnUse() {
        let m = TestMachine()
        // xor %eax,%eax; mov %eax,%gs; mov %gs:0,%ebx
        let stop = m.run([0x31, 0xc0, 0x8e, 0xe8, 0x65, 0x8b, 0x1d, 0, 0, 0, 0])
        guard case .exception(let f) = stop else { Issue.record("expected #GP, got \(stop)"); return }
        #expect(f.vector == Vector.generalProtection)
        #expect(m.cpu.eip == TestMachine.code + 4)
    }

    @Test func protectionChecksOnLoad() {
        let m = TestMachine()
        m.setDescriptor(8, SegmentDescriptor(base: 0, limit: 0xfffff, type: 0x3, dpl: 0))    // kernel data
        m.setDescriptor(9, SegmentDescriptor(base: 0, limit: 0xfffff, type: 0x3, dpl: 3, present: false))
        m.setDescriptor(10, SegmentDescriptor(base: 0, limit: 0xfffff, type: 0x8, dpl: 3))   // execute-only code
        #expect(m.cpu.loadSegment(.gs, selector: 0x43)?.vector == Vector.generalProtection)
        #expect(m.cpu.loadSegment(.gs, selector: 0x43)?.errorCode == 0x40)
        #expect(m.cpu.loadSegment(.gs, selector: 0x4b)?.vector == 11)   // #NP
        #expect(m.cpu.loadSegment(.gs, selector: 0x53)?.vector == Vector.generalProtection)
        #expect(m.cpu.loadSegment(.gs, selector: 0x800)?.vector == Vector.generalProtection)  // beyond the GDT limit
        #expect(m.cpu.loadSegment(.ss, selector: 0)?.vector == Vector.generalProtection)
        #expect(m.cpu.loadSegment(.cs, selector: 0x73)?.vector == Vector.invalidOpcode)
    }

    @Test func ldtSelectors() {
        let m = TestMachine()
        // An LDT whose entry 0 is a data segment at data+0x200.
        let ldt = TestMachine.gdt + 0x800
        let entry = SegmentDescriptor(base: TestMachine.data + 0x200, limit: 0xfffff, type: 0x3, dpl: 3)
        m.memory.poke(ldt, m.bytes(entry.low) + m.bytes(entry.high))
        m.cpu.state.pointee.seg.ldtBase = ldt
        m.cpu.state.pointee.seg.ldtLimit = 7
        m.memory.store32(TestMachine.data + 0x204, 0x1234_5678)
        // mov $7,%eax (index 0, TI=1, RPL 3); mov %eax,%fs; mov %fs:4,%ebx
        m.run([0xb8, 7, 0, 0, 0, 0x8e, 0xe0, 0x64, 0x8b, 0x1d, 4, 0, 0, 0])
        #expect(m[.ebx] == 0x1234_5678)
    }

    @Test func descriptorRoundTrip() {
        let d = SegmentDescriptor(base: 0x1234_5678, limit: 0xabcde, type: 0x3, dpl: 3)
        #expect(d.base == 0x1234_5678)
        #expect(d.rawLimit == 0xabcde)
        #expect(d.limit == 0xabcd_efff)
        #expect(d.dpl == 3 && d.present && d.isCodeOrData && !d.isCode && d.big)
    }
}

/// Blocks decoded while DS, ES and SS are flat use handlers that look at no segment
/// (Dispatch/FlatHandlers.swift). Once a program makes one of them not flat, those blocks
/// must go: the same code then has to see the new base and limit.
struct FlatSegmentTests {
    /// 1: mov (%esi),%eax; add %eax,%ebx; loop 1b; int $0x80 — with ESI at data.
    static let sum: [UInt8] = [0x8b, 0x06, 0x01, 0xc3, 0xe2, 0xfa, 0xcd, 0x80]

    @Test func codeDecodedFlatSeesALaterBaseAndLimit() {
        let m = TestMachine()
        // Entry 6: data at data+0x100, 32 bytes (byte-granular), for DS.
        m.setDescriptor(6, SegmentDescriptor(base: TestMachine.data + 0x100, limit: 0x1f, type: 0x3, dpl: 3,
                                             granular: false))
        m.memory.store32(TestMachine.data, 1)
        m.memory.store32(TestMachine.data + 0x100, 1000)
        m.memory.poke(TestMachine.code + 0x40, FlatSegmentTests.sum)
        // call the loop (flat DS); load DS with entry 6; call it again; then ESI past the limit.
        // 0: mov $3,%ecx; mov $data,%esi; call 0x40; mov $0x33,%eax; mov %eax,%ds;
        //    mov $3,%ecx; call 0x40 …
        // The loop ends in int $0x80, so each part runs to it and the test steps on.
        m[.ecx] = 3
        m[.esi] = TestMachine.data
        m.cpu.eip = TestMachine.code + 0x40
        #expect(m.cpu.run() == .softwareInterrupt(0x80))
        #expect(m[.ebx] == 3)
        #expect(m.cpu.state.pointee.flatData)
        #expect(m.cpu.loadSegment(.ds, selector: 0x33) == nil)
        #expect(!m.cpu.state.pointee.flatData)
        m[.ecx] = 3
        m[.esi] = 0
        m.cpu.eip = TestMachine.code + 0x40
        #expect(m.cpu.run() == .softwareInterrupt(0x80))
        #expect(m[.ebx] == 3 + 3000)
        // Past the 32-byte limit: #GP, not a read of whatever lies there.
        m[.ecx] = 1
        m[.esi] = 0x20
        m.cpu.eip = TestMachine.code + 0x40
        guard case .exception(let f) = m.cpu.run() else { Issue.record("expected #GP"); return }
        #expect(f.vector == Vector.generalProtection)
    }

    @Test func aSegmentLoadInsideABlockLeavesItsFlatCodeBehind() {
        let m = TestMachine()
        m.setDescriptor(6, SegmentDescriptor(base: TestMachine.data + 0x100, limit: 0xfffff, type: 0x3, dpl: 3))
        m.memory.store32(TestMachine.data, 1)
        m.memory.store32(TestMachine.data + 0x100, 7)
        // One block: mov (%esi),%ebx; mov $0x33,%eax; mov %eax,%ds; mov (%esi),%ecx
        m[.esi] = TestMachine.data
        let stop = m.run([0x8b, 0x1e, 0xb8, 0x33, 0, 0, 0, 0x8e, 0xd8, 0x8b, 0x0e])
        // The second load goes through the new base: data+0x100+data, where nothing is mapped.
        #expect(stop == .exception(PendingFault(vector: Vector.pageFault, errorCode: 4,
                                                address: 2 * TestMachine.data + 0x100)))
        #expect(m.cpu.eip == TestMachine.code + 9)
        #expect(m[.ebx] == 1)
        m[.esi] = 0
        m.cpu.eip = TestMachine.code + 9
        _ = m.cpu.run()
        #expect(m[.ecx] == 7)
    }
}
