import Testing
@testable import IA32

/// The direct-threaded interpreter (Sources/IA32/Dispatch): every operation has a
/// handler, blocks linked through their tails retire exactly the instructions they ran,
/// the budget stops them between blocks, and links into invalidated code fall back to
/// the run loop.
struct ThreadedDispatchTests {
    @Test func everyOperationHasAHandler() {
        for op in Op.allCases {
            #expect(HandlerTable.shim(op) != nil, "\(op)")
        }
        let distinct = Set(Op.allCases.map { HandlerTable.handler($0) })
        #expect(distinct.count == Op.allCases.count)
    }

    @Test func aBlockTailFillsAnInstructionSlot() {
        #expect(MemoryLayout<BlockTail>.stride == MemoryLayout<Instruction>.stride)
        #expect(MemoryLayout<BlockTail>.offset(of: \.handler) == 0)
        #expect(MemoryLayout<Instruction>.offset(of: \.handler) == 0)
        #expect(MemoryLayout<BlockTail>.offset(of: \.op) == MemoryLayout<Instruction>.offset(of: \.op))
    }

    /// mov $1000,%ecx; 1: add $3,%eax; dec %ecx; jnz 1b; int $0x80
    static let loop: [UInt8] = [0xb9, 0xe8, 0x03, 0, 0, 0x83, 0xc0, 0x03, 0x49, 0x75, 0xfa, 0xcd, 0x80]

    @Test func linkedBlocksRetireExactlyWhatRan() {
        let m = TestMachine()
        m.memory.poke(TestMachine.code, ThreadedDispatchTests.loop)
        m.cpu.eip = TestMachine.code
        let stop = m.cpu.run()
        #expect(stop == .softwareInterrupt(0x80))
        #expect(m[.eax] == 3000)
        #expect(m.cpu.instructionCount == 1 + 3 * 1000 + 1)
        #expect(m.cpu.eip == TestMachine.code + 13)
    }

    @Test func theBudgetStopsBetweenBlocksAndTheRunResumes() {
        let m = TestMachine()
        m.memory.poke(TestMachine.code, ThreadedDispatchTests.loop)
        m.cpu.eip = TestMachine.code
        var slices = 0
        var stop = StopReason.budgetExhausted
        while stop == .budgetExhausted {
            let before = m.cpu.instructionCount
            stop = m.cpu.run(budget: 100)
            slices += 1
            if stop == .budgetExhausted {
                // A block is never cut short: at most one block (4 instructions) over.
                #expect(m.cpu.instructionCount - before >= 100)
                #expect(m.cpu.instructionCount - before < 104)
                // EIP is where the next block starts: the loop head or the int.
                #expect(m.cpu.eip == TestMachine.code + 5 || m.cpu.eip == TestMachine.code + 11)
            }
        }
        #expect(stop == .softwareInterrupt(0x80))
        #expect(m[.eax] == 3000)
        #expect(m.cpu.instructionCount == 3002)
        #expect(slices == 30)   // 100 (4 + 32 blocks of 3), then 102 a slice, then the last 46
    }

    @Test func aFaultInALinkedBlockStopsOnTheInstruction() {
        let m = TestMachine()
        // mov $data+0xfff0,%esi; 1: lodsl; add %eax,%ebx; jmp 1b — walks off the mapped data.
        let program: [UInt8] = [0xbe] + m.bytes(TestMachine.data + 0xfff0) + [0xad, 0x01, 0xc3, 0xeb, 0xfb]
        m.memory.poke(TestMachine.code, program)
        m.memory.poke(TestMachine.data + 0xfff0, [UInt8](repeating: 1, count: 16))
        m.cpu.eip = TestMachine.code
        let stop = m.cpu.run()
        #expect(stop == .exception(PendingFault(vector: Vector.pageFault, errorCode: 4, address: TestMachine.data + 0x10000)))
        #expect(m.cpu.eip == TestMachine.code + 5)
        #expect(m[.ebx] == 4 * 0x0101_0101)
        // mov, then four times lods+add+jmp; the fifth lods faults and does not retire.
        #expect(m.cpu.instructionCount == 1 + 4 * 3)
    }

    @Test func aLinkIntoRewrittenCodeRunsTheNewBytes() {
        let m = TestMachine()
        m.memory.protect(TestMachine.code, length: 0x2000, permission: PagePermission.userWrite | PagePermission.exec)
        // Page 0:  0: mov $3,%ecx
        //          5: movb %cl,B+2     ; rewrites the add's immediate on page 1
        //         11: jmp B            ; its block stays valid and keeps its link to B
        // Page 1:  B: add $0,%eax; loop 5 (by way of a jmp); int $0x80
        // The third time round, the jmp's link leads to the block the store has just
        // invalidated: it must send control back to be decoded again.
        let b = TestMachine.code + 0x1000
        var page0: [UInt8] = [0xb9, 3, 0, 0, 0, 0x88, 0x0d] + m.bytes(b + 2)
        page0 += [0xe9] + m.bytes(b &- (TestMachine.code + 16))
        m.memory.poke(TestMachine.code, page0)
        // `loop` reaches only 128 bytes back: it goes to a `jmp 5` just before B.
        m.memory.poke(b - 5, [0xe9] + m.bytes((TestMachine.code + 5) &- b))
        m.memory.poke(b, [0x83, 0xc0, 0x00, 0xe2, UInt8(bitPattern: -10), 0xcd, 0x80])
        m.cpu.eip = TestMachine.code
        let stop = m.cpu.run()
        #expect(stop == .softwareInterrupt(0x80))
        #expect(m[.eax] == 3 + 2 + 1)
    }

    @Test func rdtscInsideABlockCountsTheInstructionsBeforeIt() {
        let m = TestMachine()
        // nop; nop; nop; rdtsc — one block; rdtsc sees the three nops retired.
        m.run([0x90, 0x90, 0x90, 0x0f, 0x31])
        #expect(m[.eax] == 3)
    }
}

/// The halt service (`CPU.serviceHalts`): a `hlt` at CPL 0 runs the service in place;
/// the CPU goes straight on when it says so and returns `.serviced` when it does not.
struct HaltServiceTests {
    /// Counts its calls in the UInt32 its context points to and asks to go on only the
    /// first time.
    static let service: CPU.HaltService = { context, _ in
        let calls = context!.assumingMemoryBound(to: UInt32.self)
        calls.pointee += 1
        return calls.pointee == 1
    }

    @Test func theServiceRunsInPlaceAndCanHandTheCPUBack() {
        let m = TestMachine()
        m.cpu.cpl = 0
        let calls = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
        defer { calls.deallocate() }
        calls.pointee = 0
        m.cpu.serviceHalts(HaltServiceTests.service, context: UnsafeMutableRawPointer(calls))
        // hlt; add $1,%eax; hlt; add $2,%eax; int $0x80
        m.memory.poke(TestMachine.code, [0xf4, 0x83, 0xc0, 0x01, 0xf4, 0x83, 0xc0, 0x02, 0xcd, 0x80])
        m.cpu.eip = TestMachine.code
        // The first hlt goes straight on; the second returns with EIP past it.
        #expect(m.cpu.run() == .serviced)
        #expect(calls.pointee == 2)
        #expect(m[.eax] == 1)
        #expect(m.cpu.eip == TestMachine.code + 5)
        #expect(m.cpu.instructionCount == 3)
        #expect(m.cpu.run() == .softwareInterrupt(0x80))
        #expect(m[.eax] == 3)
        #expect(m.cpu.instructionCount == 5)
        // Without a service every hlt stops `run` with `.halted`.
        m.cpu.serviceHalts(nil, context: nil)
        m.cpu.eip = TestMachine.code
        #expect(m.cpu.run() == .halted)
        #expect(m.cpu.eip == TestMachine.code + 1)
    }
}
