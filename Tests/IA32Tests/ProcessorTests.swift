import Testing
@testable import IA32

/// CPUID models, the time-stamp counter, single-stepping and privileged instructions.
struct ProcessorTests {
    @Test(arguments: CPUModel.all) func cpuidReportsTheModel(_ model: CPUModel) {
        let m = TestMachine(model: model)
        // xor %eax,%eax; cpuid; mov %ebx,%esi; mov %edx,%edi; mov %ecx,%ebp
        m.run([0x31, 0xc0, 0x0f, 0xa2, 0x89, 0xde, 0x89, 0xd7, 0x89, 0xcd])
        let vendor = [m[.esi], m[.edi], m[.ebp]].flatMap { m.bytes($0) }
        #expect(String(decoding: vendor, as: UTF8.self) == "GenuineIntel")
        // mov $1,%eax; cpuid
        m.run([0xb8, 1, 0, 0, 0, 0x0f, 0xa2])
        #expect(m[.eax] == model.signature)
        #expect(m[.edx] == model.features)
        #expect(m[.edx] & CPUModel.Feature.fpu != 0)   // every model has an x87
        #expect((m[.edx] & CPUModel.Feature.sep != 0) == (model != .pentium))
    }

    @Test func cmovIsUndefinedWithoutCMOVOnlyByCPUID() {
        // The Pentium model does not advertise CMOV; software checks CPUID first.
        #expect(!CPUModel.pentium.hasCMOV)
        #expect(CPUModel.pentium2.hasCMOV)
    }

    @Test func rdtscCountsRetiredInstructions() {
        let m = TestMachine()
        // rdtsc; mov %eax,%esi; nop; nop; rdtsc
        m.run([0x0f, 0x31, 0x89, 0xc6, 0x90, 0x90, 0x0f, 0x31])
        #expect(m[.eax] &- m[.esi] == 4)
    }

    @Test func trapFlagSingleSteps() {
        let m = TestMachine()
        // pushf; orl $0x100,(%esp); popf; nop; nop
        m.memory.poke(TestMachine.code, [0x9c, 0x81, 0x0c, 0x24, 0, 1, 0, 0, 0x9d, 0x90, 0x90])
        m.cpu.eip = TestMachine.code
        let stop = m.cpu.run(budget: 100)
        // The trap comes after the instruction following popf.
        #expect(stop == .exception(PendingFault(vector: Vector.debug, isTrap: true)))
        #expect(m.cpu.eip == TestMachine.code + 10)
    }

    @Test(arguments: [
        [UInt8]([0xf4]),                    // hlt
        [0xfa],                             // cli
        [0x0f, 0x30],                       // wrmsr
        [0x0f, 0x32],                       // rdmsr
        [0x0f, 0x01, 0x15, 0, 0, 0, 0x20],  // lgdt
        [0x0f, 0x22, 0xd8],                 // mov %eax,%cr3
        [0xe4, 0x60],                       // in $0x60,%al
        [0x0f, 0x35],                       // sysexit at CPL 3
    ])
    func privilegedInstructionsFaultAtCPL3(_ bytes: [UInt8]) {
        let m = TestMachine()
        let stop = m.run(bytes)
        #expect(stop == .exception(PendingFault(vector: Vector.generalProtection)))
        #expect(m.cpu.eip == TestMachine.code)
    }

    @Test func sysenterNeedsTheMSRsAndTheFeature() {
        // SYSENTER_CS = 0: #GP(0).
        let m = TestMachine()
        #expect(m.run([0x0f, 0x34]) == .exception(PendingFault(vector: Vector.generalProtection)))
        // Pentium: no SEP, #UD; Pentium Pro reports SEP but raises #UD too.
        #expect(TestMachine(model: .pentium).run([0x0f, 0x34]) == .exception(PendingFault(vector: Vector.invalidOpcode)))
        #expect(TestMachine(model: .pentiumPro).run([0x0f, 0x34]) == .exception(PendingFault(vector: Vector.invalidOpcode)))
    }

    /// SYSENTER clears IF (and VM, RF) and nothing else: the flags of the compare before
    /// it, still pending when it runs, survive into the kernel.
    @Test func sysenterClearsInterruptsAndKeepsTheStatusFlags() {
        let m = TestMachine()
        m.cpu.state.pointee.msr.sysenterCS = 0x60
        m.cpu.state.pointee.msr.sysenterESP = TestMachine.data + 0x4000
        m.cpu.state.pointee.msr.sysenterEIP = TestMachine.code + 0x100
        m.memory.poke(TestMachine.code + 0x100, [0xf4])   // hlt, at CPL 0
        m[.eax] = 3
        // cmp $5,%eax (3 - 5: CF, SF and AF set, ZF clear); sysenter
        #expect(m.run([0x83, 0xf8, 0x05, 0x0f, 0x34]) == .halted)
        #expect(m.cpu.cpl == 0)
        #expect(m[.esp] == TestMachine.data + 0x4000)
        let f = m.cpu.eflags
        #expect(f & EFLAGS.if == 0)
        #expect(f & (EFLAGS.cf | EFLAGS.sf | EFLAGS.zf) == EFLAGS.cf | EFLAGS.sf)
    }

    @Test func x87Executes() {
        // fld1; fistp (%esp): the FPU is present (CR0.EM clear), no #NM.
        let m = TestMachine()
        #expect(m.run([0xd9, 0xe8, 0xdb, 0x1c, 0x24, 0x8b, 0x04, 0x24]) == .softwareInterrupt(0x80))
        #expect(m[.eax] == 1)
    }

    @Test func divideErrorLeavesStateIntact() {
        let m = TestMachine()
        m[.eax] = 7; m[.edx] = 0; m[.ecx] = 0
        #expect(m.run([0xf7, 0xf1]) == .exception(PendingFault(vector: Vector.divideError)))
        #expect(m[.eax] == 7 && m.cpu.eip == TestMachine.code)
    }
    /// 16-bit addresses wrap at 64 KiB and name only BX, SI…: the word moves keep the
    /// general forms for them (the specialised ones add full 32-bit registers).
    @Test func sixteenBitAddressesWrapInWordMoves() {
        let m = TestMachine()
        m.memory.map(0x1000, length: 0x1000, permission: PagePermission.userWrite)
        m.memory.poke(0x1100, m.bytes(0x1122_3344))
        // BX+SI = 0x0800+0x0900 = 0x1100; EBX+ESI would be 0x2_1100, which is not mapped.
        m[.ebx] = 0x0001_0800; m[.esi] = 0x0001_0900
        // addr16 mov (%bx,%si),%eax
        #expect(m.run([0x67, 0x8b, 0x00]) == .softwareInterrupt(0x80))
        #expect(m[.eax] == 0x1122_3344)
        // addr16 mov %ecx,(%bx,%si)
        m[.ecx] = 0x5566_7788
        #expect(m.run([0x67, 0x89, 0x08]) == .softwareInterrupt(0x80))
        #expect(m.memory.load32(0x1100) == 0x5566_7788)
        // addr16 mov 0x1100,%eax and mov %eax,0x1104 (the moffs forms, 16-bit offsets)
        #expect(m.run([0x67, 0xa1, 0x00, 0x11, 0x67, 0xa3, 0x04, 0x11]) == .softwareInterrupt(0x80))
        #expect(m[.eax] == 0x5566_7788 && m.memory.load32(0x1104) == 0x5566_7788)
    }

    /// The moffs forms with 32-bit offsets (libc's `mov %gs:0x14,%eax`) load and store
    /// the word at the offset.
    @Test func absoluteWordMovesUseTheOffsetAndSegment() {
        let m = TestMachine()
        m.memory.poke(TestMachine.data + 0x40, m.bytes(0xcafe_f00d))
        // mov 0x20000040,%eax; mov %eax,0x20000044
        #expect(m.run([0xa1, 0x40, 0, 0, 0x20, 0xa3, 0x44, 0, 0, 0x20]) == .softwareInterrupt(0x80))
        #expect(m[.eax] == 0xcafe_f00d && m.memory.load32(TestMachine.data + 0x44) == 0xcafe_f00d)
    }

    /// rep stosl, whose commonest case (forwards, one page) has a handler of its own:
    /// it and the general path leave memory, EDI and ECX the same, and the general one
    /// still takes page crossings, backwards runs, empty counts and faults.
    @Test func repStoslFillsAndStopsWhereItShould() {
        let m = TestMachine()
        let d = TestMachine.data
        func fill(at edi: UInt32, count: UInt32, backwards: Bool = false) -> StopReason {
            m[.eax] = 0xa5a5_0001; m[.edi] = edi; m[.ecx] = count
            // (std;) rep stosl; cld
            return m.run((backwards ? [0xfd] : []) + [0xf3, 0xab, 0xfc])
        }
        // Within a page.
        #expect(fill(at: d + 0x100, count: 27) == .softwareInterrupt(0x80))
        #expect(m[.edi] == d + 0x100 + 108 && m[.ecx] == 0)
        #expect(m.memory.load32(d + 0x100) == 0xa5a5_0001 && m.memory.load32(d + 0x100 + 104) == 0xa5a5_0001)
        #expect(m.memory.load32(d + 0x100 + 108) == 0)
        // Across a page boundary, and an odd count.
        #expect(fill(at: d + 0xff8, count: 5) == .softwareInterrupt(0x80))
        #expect(m[.edi] == d + 0x100c && m[.ecx] == 0 && m.memory.load32(d + 0x1008) == 0xa5a5_0001)
        // Backwards.
        #expect(fill(at: d + 0x2010, count: 3, backwards: true) == .softwareInterrupt(0x80))
        #expect(m[.edi] == d + 0x2004 && m.memory.load32(d + 0x2008) == 0xa5a5_0001)
        #expect(m.memory.load32(d + 0x2004) == 0)
        // Nothing to do.
        #expect(fill(at: d + 0x3000, count: 0) == .softwareInterrupt(0x80))
        #expect(m[.edi] == d + 0x3000 && m.memory.load32(d + 0x3000) == 0)
        // Into the unmapped page after the data: #PF with EDI and ECX at the first word not stored.
        let r = fill(at: d + 0xfff8, count: 4)
        #expect(r != .softwareInterrupt(0x80))
        #expect(m[.edi] == d + 0x10000 && m[.ecx] == 2)
    }
}
