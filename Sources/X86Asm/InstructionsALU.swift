// The eight classic ALU operations (add, or, adc, sbb, and, sub, xor, cmp) in
// 32-bit form, plus test. The 8- and 16-bit forms are in InstructionsALUNarrow.swift.

/// An ALU operation; the raw value is both the `/digit` of 80/81/83 and the
/// row of its one-byte opcodes (`op*8 + 0..5`).
enum AluOp: UInt8 {
    case add = 0, or, adc, sbb, and, sub, xor, cmp
}

/// Operand size of an ALU instruction.
enum Width {
    case b, w, d
}

extension Assembler {
    // MARK: Generic ALU encoders

    /// `op %src,rm` (00+op*8 /r, +1 for w/d).
    mutating func alu(_ o: AluOp, _ dst: RM, _ src: UInt8, _ w: Width) {
        op([o.rawValue << 3 | (w == .b ? 0 : 1)], reg: src, rm: dst, word: w == .w)
    }

    /// `op rm,%dst` (02+op*8 /r, +1 for w/d).
    mutating func alu(_ o: AluOp, _ dst: UInt8, _ src: Mem, _ w: Width) {
        op([o.rawValue << 3 | (w == .b ? 2 : 3)], reg: dst, rm: .mem(src), word: w == .w)
    }

    /// `op $imm,rm`, choosing as GNU as does: the sign-extended byte form (83)
    /// when the value fits, else the accumulator short form (04/05+op*8) for
    /// AL/AX/EAX, else 80/81.
    mutating func alu(_ o: AluOp, _ dst: RM, imm: UInt32, _ w: Width) {
        let isAcc: Bool
        if case .reg(0) = dst { isAcc = true } else { isAcc = false }
        switch w {
        case .b:
            if isAcc { op([o.rawValue << 3 | 4]); emit(UInt8(truncatingIfNeeded: imm)) }
            else { op([0x80], reg: o.rawValue, rm: dst, imm: [UInt8(truncatingIfNeeded: imm)]) }
        case .w:
            let v = UInt16(truncatingIfNeeded: imm)
            if let b = simm8(v) { op([0x83], reg: o.rawValue, rm: dst, word: true, imm: [b]) }
            else if isAcc { op([o.rawValue << 3 | 5], word: true); emit16(v) }
            else { op([0x81], reg: o.rawValue, rm: dst, word: true, imm: imm16(v)) }
        case .d:
            if let b = simm8(imm) { op([0x83], reg: o.rawValue, rm: dst, imm: [b]) }
            else if isAcc { op([o.rawValue << 3 | 5]); emit32(imm) }
            else { op([0x81], reg: o.rawValue, rm: dst, imm: imm32(imm)) }
        }
    }

    mutating func alu(_ o: AluOp, _ dst: R32, _ src: R32) { alu(o, .reg(dst.rawValue), src.rawValue, .d) }
    mutating func alu(_ o: AluOp, _ dst: R32, imm: UInt32) { alu(o, .reg(dst.rawValue), imm: imm, .d) }
    mutating func alu(_ o: AluOp, _ dst: R32, _ src: Mem) { alu(o, dst.rawValue, src, .d) }
    mutating func alu(_ o: AluOp, _ dst: Mem, _ src: R32) { alu(o, .mem(dst), src.rawValue, .d) }
    mutating func alu(_ o: AluOp, _ dst: Mem, imm: UInt32) { alu(o, .mem(dst), imm: imm, .d) }

    // MARK: add

    /// `add %src,%dst`
    public mutating func add(_ dst: R32, _ src: R32) { alu(.add, dst, src) }
    /// `add $imm,%dst`
    public mutating func add(_ dst: R32, imm: UInt32) { alu(.add, dst, imm: imm) }
    /// `add mem,%dst`
    public mutating func add(_ dst: R32, _ src: Mem) { alu(.add, dst, src) }
    /// `add %src,mem`
    public mutating func add(_ dst: Mem, _ src: R32) { alu(.add, dst, src) }
    /// `addl $imm,mem`
    public mutating func add(_ dst: Mem, imm: UInt32) { alu(.add, dst, imm: imm) }

    // MARK: or

    public mutating func or(_ dst: R32, _ src: R32) { alu(.or, dst, src) }
    public mutating func or(_ dst: R32, imm: UInt32) { alu(.or, dst, imm: imm) }
    public mutating func or(_ dst: R32, _ src: Mem) { alu(.or, dst, src) }
    public mutating func or(_ dst: Mem, _ src: R32) { alu(.or, dst, src) }
    public mutating func or(_ dst: Mem, imm: UInt32) { alu(.or, dst, imm: imm) }

    // MARK: adc

    public mutating func adc(_ dst: R32, _ src: R32) { alu(.adc, dst, src) }
    public mutating func adc(_ dst: R32, imm: UInt32) { alu(.adc, dst, imm: imm) }
    public mutating func adc(_ dst: R32, _ src: Mem) { alu(.adc, dst, src) }
    public mutating func adc(_ dst: Mem, _ src: R32) { alu(.adc, dst, src) }
    public mutating func adc(_ dst: Mem, imm: UInt32) { alu(.adc, dst, imm: imm) }

    // MARK: sbb

    public mutating func sbb(_ dst: R32, _ src: R32) { alu(.sbb, dst, src) }
    public mutating func sbb(_ dst: R32, imm: UInt32) { alu(.sbb, dst, imm: imm) }
    public mutating func sbb(_ dst: R32, _ src: Mem) { alu(.sbb, dst, src) }
    public mutating func sbb(_ dst: Mem, _ src: R32) { alu(.sbb, dst, src) }
    public mutating func sbb(_ dst: Mem, imm: UInt32) { alu(.sbb, dst, imm: imm) }

    // MARK: and

    public mutating func and(_ dst: R32, _ src: R32) { alu(.and, dst, src) }
    public mutating func and(_ dst: R32, imm: UInt32) { alu(.and, dst, imm: imm) }
    public mutating func and(_ dst: R32, _ src: Mem) { alu(.and, dst, src) }
    public mutating func and(_ dst: Mem, _ src: R32) { alu(.and, dst, src) }
    public mutating func and(_ dst: Mem, imm: UInt32) { alu(.and, dst, imm: imm) }

    // MARK: sub

    public mutating func sub(_ dst: R32, _ src: R32) { alu(.sub, dst, src) }
    public mutating func sub(_ dst: R32, imm: UInt32) { alu(.sub, dst, imm: imm) }
    public mutating func sub(_ dst: R32, _ src: Mem) { alu(.sub, dst, src) }
    public mutating func sub(_ dst: Mem, _ src: R32) { alu(.sub, dst, src) }
    public mutating func sub(_ dst: Mem, imm: UInt32) { alu(.sub, dst, imm: imm) }

    // MARK: xor

    public mutating func xor(_ dst: R32, _ src: R32) { alu(.xor, dst, src) }
    public mutating func xor(_ dst: R32, imm: UInt32) { alu(.xor, dst, imm: imm) }
    public mutating func xor(_ dst: R32, _ src: Mem) { alu(.xor, dst, src) }
    public mutating func xor(_ dst: Mem, _ src: R32) { alu(.xor, dst, src) }
    public mutating func xor(_ dst: Mem, imm: UInt32) { alu(.xor, dst, imm: imm) }

    // MARK: cmp

    /// `cmp %src,%dst`: flags from `dst - src`.
    public mutating func cmp(_ dst: R32, _ src: R32) { alu(.cmp, dst, src) }
    /// `cmp $imm,%dst`
    public mutating func cmp(_ dst: R32, imm: UInt32) { alu(.cmp, dst, imm: imm) }
    public mutating func cmp(_ dst: R32, _ src: Mem) { alu(.cmp, dst, src) }
    public mutating func cmp(_ dst: Mem, _ src: R32) { alu(.cmp, dst, src) }
    /// `cmpl $imm,mem`
    public mutating func cmp(_ dst: Mem, imm: UInt32) { alu(.cmp, dst, imm: imm) }

    // MARK: test

    /// `test %src,%dst` (85 /r)
    public mutating func test(_ dst: R32, _ src: R32) { op([0x85], reg: src.rawValue, rm: .reg(dst.rawValue)) }
    /// `test $imm,%dst` (A9 id for `%eax`, else F7 /0 id; there is no byte form)
    public mutating func test(_ dst: R32, imm: UInt32) {
        if dst == .eax { op([0xA9]); emit32(imm) }
        else { op([0xF7], reg: 0, rm: .reg(dst.rawValue), imm: imm32(imm)) }
    }
    /// `test %src,mem` (85 /r)
    public mutating func test(_ dst: Mem, _ src: R32) { op([0x85], reg: src.rawValue, rm: .mem(dst)) }
    /// `testl $imm,mem` (F7 /0 id)
    public mutating func test(_ dst: Mem, imm: UInt32) { op([0xF7], reg: 0, rm: .mem(dst), imm: imm32(imm)) }
}
