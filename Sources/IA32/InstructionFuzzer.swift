/// Feeds random byte sequences to the decoder and executor. Every run must end in a
/// clean stop — a guest exception, a software interrupt, the budget — never a host
/// crash. Used by the test suite (100,000 sequences) and by the `GateFuzz` tool
/// (millions). Deterministic for a given seed.
public struct InstructionFuzzer {
    public struct Stats: Sendable {
        public var runs = 0
        public var instructions: UInt64 = 0
        /// How runs ended: exceptions by vector, and the other stop reasons.
        public var exceptions: [Int32: Int] = [:]
        public var interrupts = 0
        public var budget = 0
        public var other = 0
        public init() {}
    }

    public static let codeBase: UInt32 = 0x1000_0000
    public static let dataBase: UInt32 = 0x2000_0000

    let memory: GuestMemory
    let cpu: CPU
    var rng: UInt64

    public init?(seed: UInt64) {
        guard let m = GuestMemory() else { return nil }
        memory = m
        cpu = CPU(memory: m)
        rng = seed | 1
        // Two code pages (so sequences can run across a page boundary), data pages to
        // aim memory operands at, and a read-only page.
        m.map(InstructionFuzzer.codeBase, length: 0x2000, permission: PagePermission.userWrite)
        m.map(InstructionFuzzer.dataBase, length: 0x4000, permission: PagePermission.userWrite)
        m.map(InstructionFuzzer.dataBase + 0x4000, length: 0x1000, permission: PagePermission.userRead)
        // A GDT with flat and small user data segments, so segment loads have targets.
        let gdt: UInt32 = InstructionFuzzer.dataBase + 0x6000
        m.map(gdt, length: 0x1000, permission: PagePermission.kernelWrite)
        let descriptors: [SegmentDescriptor] = [
            SegmentDescriptor(low: 0, high: 0),
            SegmentDescriptor(base: 0, limit: 0xfffff, type: 0xb, dpl: 3),
            SegmentDescriptor(base: 0, limit: 0xfffff, type: 0x3, dpl: 3),
            SegmentDescriptor(base: InstructionFuzzer.dataBase, limit: 0xfff, type: 0x3, dpl: 3, granular: false),
            SegmentDescriptor(base: 0, limit: 0xfffff, type: 0x3, dpl: 0),
        ]
        for (n, d) in descriptors.enumerated() {
            m.poke(gdt + UInt32(n * 8), [d.low, d.high].flatMap { w in (0..<4).map { UInt8(truncatingIfNeeded: w >> (8 * $0)) } })
        }
        cpu.state.pointee.seg.gdtBase = gdt
        cpu.state.pointee.seg.gdtLimit = UInt16(descriptors.count * 8 - 1)
    }

    mutating func next() -> UInt64 {
        rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
        return rng
    }

    /// A register value: usually inside the data pages, sometimes an edge value.
    mutating func registerValue() -> UInt32 {
        let r = next()
        switch r % 8 {
        case 0: return [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, 0xc000_0000, 0xffff_e000][Int((r >> 8) % 7)]
        case 1: return UInt32(truncatingIfNeeded: r >> 16)
        default: return InstructionFuzzer.dataBase + UInt32((r >> 8) % 0x5000)
        }
    }

    /// Runs `count` random sequences of up to `length` bytes, each for at most
    /// `budget` instructions.
    public mutating func run(count: Int, length: Int = 24, budget: Int = 64, stats: inout Stats) {
        var code = [UInt8](repeating: 0, count: 0x2000)
        for _ in 0..<count {
            // Random bytes, placed so that some sequences straddle the page boundary.
            let start = Int(next() % 0x1fe0)
            for n in 0..<length { code[(start + n) % 0x2000] = UInt8(truncatingIfNeeded: next()) }
            memory.poke(InstructionFuzzer.codeBase, code)
            for r in 0..<8 { cpu.setRegister(Reg(rawValue: r)!, registerValue()) }
            cpu.eflags = UInt32(truncatingIfNeeded: next()) & 0x0000_0cd5 | 0x202
            cpu.eip = InstructionFuzzer.codeBase + UInt32(start)
            cpu.cpl = 3
            let before = cpu.instructionCount
            let stop = cpu.run(budget: budget)
            stats.runs += 1
            stats.instructions += cpu.instructionCount - before
            switch stop {
            case .exception(let f): stats.exceptions[f.vector, default: 0] += 1
            case .softwareInterrupt: stats.interrupts += 1
            case .budgetExhausted: stats.budget += 1
            default: stats.other += 1
            }
            // Reset segment registers a sequence may have changed.
            for s in [SegReg.es, .ss, .ds] { cpu.setSegment(s, .flat(selector: 0x7b, code: false)) }
            cpu.setSegment(.cs, .flat(selector: 0x73, code: true))
            memory.map(InstructionFuzzer.dataBase, length: 0x4000, permission: PagePermission.userWrite)
        }
    }
}
