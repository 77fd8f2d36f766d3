import Testing
@testable import IA32

/// `rep movs` and `rep stos` take whole page runs at once (Strings.swift, `repeatBulk`);
/// these pin down where that must still behave element by element.
struct RepeatStringTests {
    /// Runs `rep movs{b,l}` / `rep stos{b,l}` with the given registers.
    func run(_ m: TestMachine, _ bytes: [UInt8], esi: UInt32 = 0, edi: UInt32, ecx: UInt32, eax: UInt32 = 0) -> StopReason {
        m[.esi] = esi; m[.edi] = edi; m[.ecx] = ecx; m[.eax] = eax
        return m.run(bytes)
    }

    func fill(_ m: TestMachine, _ at: UInt32, _ count: Int) {
        m.memory.poke(at, (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })
    }

    @Test func copiesAcrossPagesAndUnalignedDestinations() {
        let m = TestMachine()
        let src = TestMachine.data + 0x10, dst = TestMachine.data + 0x5003
        fill(m, src, 0x3000)
        let stop = run(m, [0xf3, 0xa5], esi: src, edi: dst, ecx: 0xc00)   // rep movsl
        #expect(stop == .softwareInterrupt(0x80))
        #expect(m.memory.read(dst, count: 0x3000) == m.memory.read(src, count: 0x3000))
        #expect(m[.ecx] == 0 && m[.esi] == src + 0x3000 && m[.edi] == dst + 0x3000)
    }

    @Test func overlappingForwardCopyRepeatsThePattern() {
        let m = TestMachine()
        let src = TestMachine.data + 0x100
        m.memory.poke(src, [0xab, 0xcd])
        // rep movsb with the destination two bytes ahead: the first two bytes repeat.
        let stop = run(m, [0xf3, 0xa4], esi: src, edi: src + 2, ecx: 0x1000)
        #expect(stop == .softwareInterrupt(0x80))
        let out = m.memory.read(src, count: 0x1002)!
        #expect(out.enumerated().allSatisfy { $0.element == ($0.offset % 2 == 0 ? 0xab : 0xcd) })
    }

    @Test func faultStopsAtTheFirstElementOfTheMissingPage() {
        let m = TestMachine()
        m.memory.unmap(TestMachine.data + 0x3000, length: 0x1000)
        let dst = TestMachine.data + 0x2ff0
        // rep stosl of 0x11223344 over 0x40 dwords: 4 fit before the hole.
        let stop = run(m, [0xf3, 0xab], edi: dst, ecx: 0x40, eax: 0x1122_3344)
        #expect(stop == .exception(PendingFault(vector: 14, errorCode: 6, address: TestMachine.data + 0x3000)))
        #expect(m[.ecx] == 0x3c && m[.edi] == TestMachine.data + 0x3000)
        #expect(m.cpu.eip == TestMachine.code)
        #expect(m.memory.load32(dst + 12) == 0x1122_3344)
    }

    @Test func unalignedFillAndPageStraddlingElement() {
        let m = TestMachine()
        let dst = TestMachine.data + 0xffe   // the first dword straddles two pages
        let stop = run(m, [0xf3, 0xab], edi: dst, ecx: 0x401, eax: 0xdead_beef)
        #expect(stop == .softwareInterrupt(0x80))
        for k in stride(from: UInt32(0), to: 0x1004, by: 4) { #expect(m.memory.load32(dst + k) == 0xdead_beef) }
        #expect(m[.ecx] == 0 && m[.edi] == dst + 0x1004)
    }

    @Test func writesOverDecodedCodeRunTheNewBytes() {
        let m = TestMachine()
        m.memory.protect(TestMachine.code, length: 0x2000, permission: PagePermission.userWrite | PagePermission.exec)
        // rep stosb writes 4 nops (0x90) over the `mov $1,%eax` that follows it.
        let code: [UInt8] = [0xf3, 0xaa, 0xb8, 1, 0, 0, 0, 0x90]
        let stop = run(m, code, edi: TestMachine.code + 2, ecx: 5, eax: 0x90)
        #expect(stop == .softwareInterrupt(0x80))
        #expect(m[.eax] == 0x90)
    }
}
