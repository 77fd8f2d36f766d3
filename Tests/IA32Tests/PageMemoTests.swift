import Testing
@testable import IA32

/// Page memos (Dispatch/PageMemo.swift): a load or store that ran once keeps its page's
/// check, and every change that could take the page's rights away makes it check again.
struct PageMemoTests {
    /// `mov 0x10(%ebx),%eax; mov %eax,0x14(%ebx); int $0x80`: a flat load and store.
    static let loadStore: [UInt8] = [0x8b, 0x43, 0x10, 0x89, 0x43, 0x14, 0xcd, 0x80]
    static let page = TestMachine.data + 0x1000

    /// A machine that has run `loadStore` once on `page`, so both instructions hold a memo.
    static func warmed() -> TestMachine {
        let m = TestMachine()
        m.memory.poke(TestMachine.code, loadStore)
        m.memory.poke(page + 0x10, m.bytes(0x1234_5678))
        m[.ebx] = page
        m.cpu.eip = TestMachine.code
        #expect(m.cpu.run() == .softwareInterrupt(0x80))
        #expect(m.memory.load32(page + 0x14) == 0x1234_5678)
        return m
    }

    /// Runs `loadStore` again from the same decoded block.
    static func again(_ m: TestMachine, ebx: UInt32 = page) -> StopReason {
        m[.ebx] = ebx
        m[.eax] = 0
        m.cpu.eip = TestMachine.code
        return m.cpu.run()
    }

    @Test func theMemoIsTakenAndHolds() {
        let m = PageMemoTests.warmed()
        let block = m.cpu.blocks.blocks[Int(m.cpu.blocks.lookup(TestMachine.code, cpl: 3))].start
        let memo = UnsafeRawPointer(block).load(fromByteOffset: Instruction.pageMemoOffset, as: UInt64.self)
        #expect(memo == m.memory.memoEpoch.pointee | UInt64(PageMemoTests.page))
        m.memory.poke(PageMemoTests.page + 0x10, m.bytes(0xcafe_f00d))
        #expect(PageMemoTests.again(m) == .softwareInterrupt(0x80))
        #expect(m[.eax] == 0xcafe_f00d)
        #expect(m.memory.load32(PageMemoTests.page + 0x14) == 0xcafe_f00d)
    }

    @Test func unmappingThePageFaults() {
        let m = PageMemoTests.warmed()
        m.memory.unmap(PageMemoTests.page, length: 0x1000)
        #expect(PageMemoTests.again(m) == .exception(PendingFault(vector: 14, errorCode: 4, address: PageMemoTests.page + 0x10)))
        #expect(m.cpu.eip == TestMachine.code)
    }

    @Test func protectingThePageReadOnlyFaultsTheStore() {
        let m = PageMemoTests.warmed()
        m.memory.protect(PageMemoTests.page, length: 0x1000, permission: PagePermission.userRead)
        #expect(PageMemoTests.again(m) == .exception(PendingFault(vector: 14, errorCode: 7, address: PageMemoTests.page + 0x14)))
        #expect(m[.eax] == 0x1234_5678)   // the load went through
        #expect(m.cpu.eip == TestMachine.code + 3)
    }

    @Test func mappingOverThePageFaultsWhenItTakesRightsAway() {
        let m = PageMemoTests.warmed()
        m.memory.map(PageMemoTests.page, length: 0x1000, permission: 0)
        #expect(PageMemoTests.again(m) == .exception(PendingFault(vector: 14, errorCode: 4, address: PageMemoTests.page + 0x10)))
    }

    /// The same page, but 2 bytes short of its end: the memo's page, not all of the access.
    @Test func anAccessRunningOffThePageTakesTheGeneralPath() {
        let m = PageMemoTests.warmed()
        let edge = PageMemoTests.page + 0xffe - 0x10
        m.memory.poke(PageMemoTests.page + 0xffe, [0x11, 0x22, 0x33, 0x44])
        #expect(PageMemoTests.again(m, ebx: edge) == .softwareInterrupt(0x80))
        #expect(m[.eax] == 0x4433_2211)
        // The store, at 0x1002 of the next page, is whole on it.
        #expect(m.memory.load32(PageMemoTests.page + 0x1002) == 0x4433_2211)
        // With the next page gone, the load faults at the first byte it cannot reach.
        m.memory.unmap(PageMemoTests.page + 0x1000, length: 0x1000)
        #expect(PageMemoTests.again(m, ebx: edge) == .exception(PendingFault(vector: 14, errorCode: 4, address: PageMemoTests.page + 0x1000)))
    }

    /// A store that holds a memo for a writable page on which code is then decoded must
    /// still find that code and have it decoded again after it changes it.
    @Test func decodingCodeFromTheStoresPageEndsTheMemo() {
        let m = PageMemoTests.warmed()
        // `mov $1,%eax; int $0x80` on the page the store reaches, and three bytes before
        // it for the load: with the mov's opcode they make 0xb800002a.
        let code = PageMemoTests.page + 0x100
        m.memory.poke(code - 3, [0x2a, 0x00, 0x00, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xcd, 0x80])
        m.cpu.eip = code
        #expect(m.cpu.run() == .softwareInterrupt(0x80))
        #expect(m[.eax] == 1)
        // The load reads code - 3 and the store writes the mov's immediate at code + 1.
        #expect(PageMemoTests.again(m, ebx: code - 0x13) == .softwareInterrupt(0x80))
        #expect(m.memory.load32(code + 1) == 0xb800_002a)
        m.cpu.eip = code
        #expect(m.cpu.run() == .softwareInterrupt(0x80))
        #expect(m[.eax] == 0xb800_002a)
    }
}
