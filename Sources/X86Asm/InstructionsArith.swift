// One-operand arithmetic (inc, dec, neg, not, mul, div), imul, sign extension of
// EAX, and the shift/rotate group. All 32-bit.

/// A shift/rotate; the raw value is the `/digit` of C1/D1/D3.
enum ShiftOp: UInt8 {
    case rol = 0, ror, rcl, rcr, shl, shr, sar = 7
}

extension Assembler {
    // MARK: inc, dec, neg, not

    /// `inc %r` (40+r)
    public mutating func inc(_ r: R32) { op([0x40 + r.rawValue]) }
    /// `dec %r` (48+r)
    public mutating func dec(_ r: R32) { op([0x48 + r.rawValue]) }
    /// `incl mem` (FF /0)
    public mutating func inc(_ m: Mem) { op([0xFF], reg: 0, rm: .mem(m)) }
    /// `decl mem` (FF /1)
    public mutating func dec(_ m: Mem) { op([0xFF], reg: 1, rm: .mem(m)) }
    /// `neg %r` (F7 /3)
    public mutating func neg(_ r: R32) { op([0xF7], reg: 3, rm: .reg(r.rawValue)) }
    /// `negl mem` (F7 /3)
    public mutating func neg(_ m: Mem) { op([0xF7], reg: 3, rm: .mem(m)) }
    /// `not %r` (F7 /2)
    public mutating func not(_ r: R32) { op([0xF7], reg: 2, rm: .reg(r.rawValue)) }
    /// `notl mem` (F7 /2)
    public mutating func not(_ m: Mem) { op([0xF7], reg: 2, rm: .mem(m)) }

    // MARK: Multiply and divide (EDX:EAX)

    /// `mul %r`: EDX:EAX = EAX * r, unsigned (F7 /4)
    public mutating func mul(_ r: R32) { op([0xF7], reg: 4, rm: .reg(r.rawValue)) }
    /// `mull mem` (F7 /4)
    public mutating func mul(_ m: Mem) { op([0xF7], reg: 4, rm: .mem(m)) }
    /// `imul %r`: EDX:EAX = EAX * r, signed (F7 /5)
    public mutating func imul(_ r: R32) { op([0xF7], reg: 5, rm: .reg(r.rawValue)) }
    /// `imull mem` (F7 /5)
    public mutating func imul(_ m: Mem) { op([0xF7], reg: 5, rm: .mem(m)) }
    /// `div %r`: EAX, EDX = EDX:EAX / r, unsigned (F7 /6)
    public mutating func div(_ r: R32) { op([0xF7], reg: 6, rm: .reg(r.rawValue)) }
    /// `divl mem` (F7 /6)
    public mutating func div(_ m: Mem) { op([0xF7], reg: 6, rm: .mem(m)) }
    /// `idiv %r`, signed (F7 /7)
    public mutating func idiv(_ r: R32) { op([0xF7], reg: 7, rm: .reg(r.rawValue)) }
    /// `idivl mem` (F7 /7)
    public mutating func idiv(_ m: Mem) { op([0xF7], reg: 7, rm: .mem(m)) }

    /// `imul %src,%dst` (0F AF /r)
    public mutating func imul(_ dst: R32, _ src: R32) { op([0x0F, 0xAF], reg: dst.rawValue, rm: .reg(src.rawValue)) }
    /// `imul mem,%dst` (0F AF /r)
    public mutating func imul(_ dst: R32, _ src: Mem) { op([0x0F, 0xAF], reg: dst.rawValue, rm: .mem(src)) }
    /// `imul $imm,%src,%dst` (6B /r ib when the value fits a signed byte, else 69 /r id)
    public mutating func imul(_ dst: R32, _ src: R32, imm: UInt32) { imul(dst, .reg(src.rawValue), imm) }
    /// `imul $imm,mem,%dst`
    public mutating func imul(_ dst: R32, _ src: Mem, imm: UInt32) { imul(dst, .mem(src), imm) }
    /// `imul $imm,%dst` (the same as `imul $imm,%dst,%dst`)
    public mutating func imul(_ dst: R32, imm: UInt32) { imul(dst, dst, imm: imm) }

    private mutating func imul(_ dst: R32, _ src: RM, _ imm: UInt32) {
        if let b = simm8(imm) { op([0x6B], reg: dst.rawValue, rm: src, imm: [b]) }
        else { op([0x69], reg: dst.rawValue, rm: src, imm: imm32(imm)) }
    }

    /// `cltd`/`cdq`: EDX = sign of EAX (99)
    public mutating func cdq() { op([0x99]) }
    /// `cwtl`/`cwde`: EAX = sign-extended AX (98)
    public mutating func cwde() { op([0x98]) }

    // MARK: Shifts and rotates

    /// By a constant: D1 /n for 1 (as GNU as shortens `shl $1`), else C1 /n ib.
    mutating func shift(_ s: ShiftOp, _ rm: RM, _ count: UInt8) {
        if count == 1 { op([0xD1], reg: s.rawValue, rm: rm) }
        else { op([0xC1], reg: s.rawValue, rm: rm, imm: [count]) }
    }

    /// By CL: D3 /n. Any other count register is invalid.
    mutating func shift(_ s: ShiftOp, _ rm: RM, _ count: R8) {
        guard count == .cl else { record(.invalidOperands("shift count must be %cl, not %\(count)")); return }
        op([0xD3], reg: s.rawValue, rm: rm)
    }

    /// `shl $n,%r`
    public mutating func shl(_ r: R32, imm: UInt8) { shift(.shl, .reg(r.rawValue), imm) }
    /// `shl %cl,%r` (pass `.cl`)
    public mutating func shl(_ r: R32, _ count: R8) { shift(.shl, .reg(r.rawValue), count) }
    /// `shll $n,mem`
    public mutating func shl(_ m: Mem, imm: UInt8) { shift(.shl, .mem(m), imm) }
    /// `shll %cl,mem`
    public mutating func shl(_ m: Mem, _ count: R8) { shift(.shl, .mem(m), count) }

    public mutating func shr(_ r: R32, imm: UInt8) { shift(.shr, .reg(r.rawValue), imm) }
    public mutating func shr(_ r: R32, _ count: R8) { shift(.shr, .reg(r.rawValue), count) }
    public mutating func shr(_ m: Mem, imm: UInt8) { shift(.shr, .mem(m), imm) }
    public mutating func shr(_ m: Mem, _ count: R8) { shift(.shr, .mem(m), count) }

    public mutating func sar(_ r: R32, imm: UInt8) { shift(.sar, .reg(r.rawValue), imm) }
    public mutating func sar(_ r: R32, _ count: R8) { shift(.sar, .reg(r.rawValue), count) }
    public mutating func sar(_ m: Mem, imm: UInt8) { shift(.sar, .mem(m), imm) }
    public mutating func sar(_ m: Mem, _ count: R8) { shift(.sar, .mem(m), count) }

    public mutating func rol(_ r: R32, imm: UInt8) { shift(.rol, .reg(r.rawValue), imm) }
    public mutating func rol(_ r: R32, _ count: R8) { shift(.rol, .reg(r.rawValue), count) }
    public mutating func ror(_ r: R32, imm: UInt8) { shift(.ror, .reg(r.rawValue), imm) }
    public mutating func ror(_ r: R32, _ count: R8) { shift(.ror, .reg(r.rawValue), count) }
    public mutating func rcl(_ r: R32, imm: UInt8) { shift(.rcl, .reg(r.rawValue), imm) }
    public mutating func rcr(_ r: R32, imm: UInt8) { shift(.rcr, .reg(r.rawValue), imm) }
}
