// The stack: push and pop of registers, immediates, memory and segment registers,
// flags and all-register forms, enter and leave.

extension Assembler {
    /// `push %r` (50+r)
    public mutating func push(_ r: R32) { op([0x50 + r.rawValue]) }
    /// `push $imm` (6A ib when the value fits a signed byte, else 68 id)
    public mutating func push(imm: UInt32) {
        if let b = simm8(imm) { op([0x6A]); emit(b) }
        else { op([0x68]); emit32(imm) }
    }
    /// `push $label`: the label's absolute address (68 id).
    public mutating func push(label: Label) { op([0x68]); emitAbs32(label) }
    /// `pushl mem` (FF /6)
    public mutating func push(_ m: Mem) { op([0xFF], reg: 6, rm: .mem(m)) }
    /// `push %sreg` (06/0E/16/1E, 0F A0, 0F A8)
    public mutating func push(_ s: Seg) {
        switch s {
        case .fs: op([0x0F, 0xA0])
        case .gs: op([0x0F, 0xA8])
        default: op([s.rawValue << 3 | 0x06])
        }
    }

    /// `pop %r` (58+r)
    public mutating func pop(_ r: R32) { op([0x58 + r.rawValue]) }
    /// `popl mem` (8F /0)
    public mutating func pop(_ m: Mem) { op([0x8F], reg: 0, rm: .mem(m)) }
    /// `pop %sreg` (07/17/1F, 0F A1, 0F A9); `pop %cs` is invalid.
    public mutating func pop(_ s: Seg) {
        switch s {
        case .cs: record(.invalidOperands("pop %cs"))
        case .fs: op([0x0F, 0xA1])
        case .gs: op([0x0F, 0xA9])
        default: op([s.rawValue << 3 | 0x07])
        }
    }

    /// `pushfl` (9C)
    public mutating func pushfl() { op([0x9C]) }
    /// `popfl` (9D)
    public mutating func popfl() { op([0x9D]) }
    /// `pushal` (60)
    public mutating func pushal() { op([0x60]) }
    /// `popal` (61)
    public mutating func popal() { op([0x61]) }

    /// `enter $size,$level` (C8 iw ib)
    public mutating func enter(_ size: UInt16, _ level: UInt8 = 0) { op([0xC8]); emit16(size); emit(level) }
    /// `leave` (C9)
    public mutating func leave() { op([0xC9]) }
}
