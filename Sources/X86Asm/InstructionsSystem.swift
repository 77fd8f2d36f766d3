// Flag and processor control, descriptor tables, model-specific registers,
// atomic read-modify-write, and string instructions.

extension Assembler {
    // MARK: Single-byte and 0F-escape instructions without operands

    public mutating func cli() { op([0xFA]) }
    public mutating func sti() { op([0xFB]) }
    public mutating func hlt() { op([0xF4]) }
    public mutating func cld() { op([0xFC]) }
    public mutating func std() { op([0xFD]) }
    public mutating func clc() { op([0xF8]) }
    public mutating func stc() { op([0xF9]) }
    public mutating func cmc() { op([0xF5]) }
    public mutating func sahf() { op([0x9E]) }
    public mutating func lahf() { op([0x9F]) }
    /// `nop` (90)
    public mutating func nop() { op([0x90]) }
    /// `count` single-byte `nop`s.
    public mutating func nop(count: Int) { for _ in 0..<max(count, 0) { nop() } }
    /// `pause` (F3 90)
    public mutating func pause() { op([0xF3, 0x90]) }
    public mutating func cpuid() { op([0x0F, 0xA2]) }
    public mutating func rdtsc() { op([0x0F, 0x31]) }
    public mutating func rdmsr() { op([0x0F, 0x32]) }
    public mutating func wrmsr() { op([0x0F, 0x30]) }
    /// `ud2` (0F 0B): the defined invalid opcode.
    public mutating func ud2() { op([0x0F, 0x0B]) }
    /// `clts` (0F 06)
    public mutating func clts() { op([0x0F, 0x06]) }

    // MARK: Descriptor tables and task register

    /// `lgdt mem` (0F 01 /2)
    public mutating func lgdt(_ m: Mem) { op([0x0F, 0x01], reg: 2, rm: .mem(m)) }
    /// `lidt mem` (0F 01 /3)
    public mutating func lidt(_ m: Mem) { op([0x0F, 0x01], reg: 3, rm: .mem(m)) }
    /// `sgdt mem` (0F 01 /0)
    public mutating func sgdt(_ m: Mem) { op([0x0F, 0x01], reg: 0, rm: .mem(m)) }
    /// `sidt mem` (0F 01 /1)
    public mutating func sidt(_ m: Mem) { op([0x0F, 0x01], reg: 1, rm: .mem(m)) }
    /// `invlpg mem` (0F 01 /7)
    public mutating func invlpg(_ m: Mem) { op([0x0F, 0x01], reg: 7, rm: .mem(m)) }
    /// `lldt %r16` (0F 00 /2; the selector is the register's low 16 bits)
    public mutating func lldt(_ r: R32) { op([0x0F, 0x00], reg: 2, rm: .reg(r.rawValue)) }
    /// `lldt mem` (0F 00 /2)
    public mutating func lldt(_ m: Mem) { op([0x0F, 0x00], reg: 2, rm: .mem(m)) }
    /// `ltr %r16` (0F 00 /3; the selector is the register's low 16 bits)
    public mutating func ltr(_ r: R32) { op([0x0F, 0x00], reg: 3, rm: .reg(r.rawValue)) }
    /// `ltr %r16` (0F 00 /3)
    public mutating func ltr(_ r: R16) { op([0x0F, 0x00], reg: 3, rm: .reg(r.rawValue)) }
    /// `ltr mem` (0F 00 /3)
    public mutating func ltr(_ m: Mem) { op([0x0F, 0x00], reg: 3, rm: .mem(m)) }

    // MARK: Atomic read-modify-write (precede with `lock()`)

    /// `cmpxchg %src,mem` (0F B1 /r): if EAX == mem { mem = src } else { EAX = mem }
    public mutating func cmpxchg(_ dst: Mem, _ src: R32) { op([0x0F, 0xB1], reg: src.rawValue, rm: .mem(dst)) }
    /// `cmpxchg %src,%dst` (0F B1 /r)
    public mutating func cmpxchg(_ dst: R32, _ src: R32) { op([0x0F, 0xB1], reg: src.rawValue, rm: .reg(dst.rawValue)) }
    /// `cmpxchg8b mem` (0F C7 /1)
    public mutating func cmpxchg8b(_ m: Mem) { op([0x0F, 0xC7], reg: 1, rm: .mem(m)) }
    /// `xadd %src,mem` (0F C1 /r): src, mem = mem, mem + src
    public mutating func xadd(_ dst: Mem, _ src: R32) { op([0x0F, 0xC1], reg: src.rawValue, rm: .mem(dst)) }
    /// `xadd %src,%dst` (0F C1 /r)
    public mutating func xadd(_ dst: R32, _ src: R32) { op([0x0F, 0xC1], reg: src.rawValue, rm: .reg(dst.rawValue)) }

    // MARK: String instructions (precede with `rep()`, `repne()`, `seg(_:)`)

    public mutating func movsb() { op([0xA4]) }
    public mutating func movsw() { op([0xA5], word: true) }
    public mutating func movsl() { op([0xA5]) }
    public mutating func cmpsb() { op([0xA6]) }
    public mutating func cmpsl() { op([0xA7]) }
    public mutating func stosb() { op([0xAA]) }
    public mutating func stosw() { op([0xAB], word: true) }
    public mutating func stosl() { op([0xAB]) }
    public mutating func lodsb() { op([0xAC]) }
    public mutating func lodsw() { op([0xAD], word: true) }
    public mutating func lodsl() { op([0xAD]) }
    public mutating func scasb() { op([0xAE]) }
    public mutating func scasl() { op([0xAF]) }
}
