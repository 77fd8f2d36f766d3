@testable import IA32

/// A small machine for unit tests: code at 0x1000_0000, data at 0x2000_0000, a GDT
/// with Linux's user segments, and helpers to run a byte sequence.
final class TestMachine {
    static let code: UInt32 = 0x1000_0000
    static let data: UInt32 = 0x2000_0000
    static let gdt: UInt32 = 0x2010_0000

    let memory = GuestMemory()!
    let cpu: CPU

    init(model: CPUModel = .default) {
        cpu = CPU(memory: memory, model: model)
        cpu.handInterruptsToHost(userGates: [3, 4, 5, 0x80])
        memory.map(TestMachine.code, length: 0x2000, permission: PagePermission.userRead | PagePermission.exec)
        memory.map(TestMachine.data, length: 0x10000, permission: PagePermission.userWrite)
        memory.map(TestMachine.gdt, length: 0x1000, permission: PagePermission.kernelWrite)
        cpu.state.pointee.seg.gdtBase = TestMachine.gdt
        cpu.state.pointee.seg.gdtLimit = 0xff
        cpu.setRegister(.esp, TestMachine.data + 0x8000)
    }

    /// Writes descriptor `index` of the GDT.
    func setDescriptor(_ index: Int, _ d: SegmentDescriptor) {
        memory.poke(TestMachine.gdt + UInt32(index * 8), bytes(d.low) + bytes(d.high))
    }

    func bytes(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// Loads `program` at the code address, ending it with `int $0x80`, and runs it.
    @discardableResult
    func run(_ program: [UInt8], budget: Int = 100_000) -> StopReason {
        memory.poke(TestMachine.code, program + [0xcd, 0x80])
        cpu.eip = TestMachine.code
        return cpu.run(budget: budget)
    }

    subscript(r: Reg) -> UInt32 {
        get { cpu.register(r) }
        set { cpu.setRegister(r, newValue) }
    }
}
