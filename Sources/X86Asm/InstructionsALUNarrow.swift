// 8- and 16-bit forms of the ALU operations and test. A memory destination with an
// immediate needs the size in the name: `addb`, `addw` (the 32-bit form is `add`).

extension Assembler {
    mutating func alu(_ o: AluOp, _ dst: R8, _ src: R8) { alu(o, .reg(dst.rawValue), src.rawValue, .b) }
    mutating func alu(_ o: AluOp, _ dst: R8, imm: UInt8) { alu(o, .reg(dst.rawValue), imm: UInt32(imm), .b) }
    mutating func alu(_ o: AluOp, _ dst: R8, _ src: Mem) { alu(o, dst.rawValue, src, .b) }
    mutating func alu(_ o: AluOp, _ dst: Mem, _ src: R8) { alu(o, .mem(dst), src.rawValue, .b) }
    mutating func alu(_ o: AluOp, _ dst: R16, _ src: R16) { alu(o, .reg(dst.rawValue), src.rawValue, .w) }
    mutating func alu(_ o: AluOp, _ dst: R16, imm: UInt16) { alu(o, .reg(dst.rawValue), imm: UInt32(imm), .w) }
    mutating func alu(_ o: AluOp, _ dst: R16, _ src: Mem) { alu(o, dst.rawValue, src, .w) }
    mutating func alu(_ o: AluOp, _ dst: Mem, _ src: R16) { alu(o, .mem(dst), src.rawValue, .w) }

    // MARK: add (8/16-bit)

    public mutating func add(_ dst: R8, _ src: R8) { alu(.add, dst, src) }
    public mutating func add(_ dst: R8, imm: UInt8) { alu(.add, dst, imm: imm) }
    public mutating func add(_ dst: R8, _ src: Mem) { alu(.add, dst, src) }
    public mutating func add(_ dst: Mem, _ src: R8) { alu(.add, dst, src) }
    /// `addb $imm,mem`
    public mutating func addb(_ dst: Mem, imm: UInt8) { alu(.add, .mem(dst), imm: UInt32(imm), .b) }
    public mutating func add(_ dst: R16, _ src: R16) { alu(.add, dst, src) }
    public mutating func add(_ dst: R16, imm: UInt16) { alu(.add, dst, imm: imm) }
    public mutating func add(_ dst: R16, _ src: Mem) { alu(.add, dst, src) }
    public mutating func add(_ dst: Mem, _ src: R16) { alu(.add, dst, src) }
    /// `addw $imm,mem`
    public mutating func addw(_ dst: Mem, imm: UInt16) { alu(.add, .mem(dst), imm: UInt32(imm), .w) }

    // MARK: or (8/16-bit)

    public mutating func or(_ dst: R8, _ src: R8) { alu(.or, dst, src) }
    public mutating func or(_ dst: R8, imm: UInt8) { alu(.or, dst, imm: imm) }
    public mutating func or(_ dst: R8, _ src: Mem) { alu(.or, dst, src) }
    public mutating func or(_ dst: Mem, _ src: R8) { alu(.or, dst, src) }
    /// `orb $imm,mem`
    public mutating func orb(_ dst: Mem, imm: UInt8) { alu(.or, .mem(dst), imm: UInt32(imm), .b) }
    public mutating func or(_ dst: R16, _ src: R16) { alu(.or, dst, src) }
    public mutating func or(_ dst: R16, imm: UInt16) { alu(.or, dst, imm: imm) }
    public mutating func or(_ dst: R16, _ src: Mem) { alu(.or, dst, src) }
    public mutating func or(_ dst: Mem, _ src: R16) { alu(.or, dst, src) }
    /// `orw $imm,mem`
    public mutating func orw(_ dst: Mem, imm: UInt16) { alu(.or, .mem(dst), imm: UInt32(imm), .w) }

    // MARK: adc (8/16-bit)

    public mutating func adc(_ dst: R8, _ src: R8) { alu(.adc, dst, src) }
    public mutating func adc(_ dst: R8, imm: UInt8) { alu(.adc, dst, imm: imm) }
    public mutating func adc(_ dst: R8, _ src: Mem) { alu(.adc, dst, src) }
    public mutating func adc(_ dst: Mem, _ src: R8) { alu(.adc, dst, src) }
    /// `adcb $imm,mem`
    public mutating func adcb(_ dst: Mem, imm: UInt8) { alu(.adc, .mem(dst), imm: UInt32(imm), .b) }
    public mutating func adc(_ dst: R16, _ src: R16) { alu(.adc, dst, src) }
    public mutating func adc(_ dst: R16, imm: UInt16) { alu(.adc, dst, imm: imm) }
    public mutating func adc(_ dst: R16, _ src: Mem) { alu(.adc, dst, src) }
    public mutating func adc(_ dst: Mem, _ src: R16) { alu(.adc, dst, src) }
    /// `adcw $imm,mem`
    public mutating func adcw(_ dst: Mem, imm: UInt16) { alu(.adc, .mem(dst), imm: UInt32(imm), .w) }

    // MARK: sbb (8/16-bit)

    public mutating func sbb(_ dst: R8, _ src: R8) { alu(.sbb, dst, src) }
    public mutating func sbb(_ dst: R8, imm: UInt8) { alu(.sbb, dst, imm: imm) }
    public mutating func sbb(_ dst: R8, _ src: Mem) { alu(.sbb, dst, src) }
    public mutating func sbb(_ dst: Mem, _ src: R8) { alu(.sbb, dst, src) }
    /// `sbbb $imm,mem`
    public mutating func sbbb(_ dst: Mem, imm: UInt8) { alu(.sbb, .mem(dst), imm: UInt32(imm), .b) }
    public mutating func sbb(_ dst: R16, _ src: R16) { alu(.sbb, dst, src) }
    public mutating func sbb(_ dst: R16, imm: UInt16) { alu(.sbb, dst, imm: imm) }
    public mutating func sbb(_ dst: R16, _ src: Mem) { alu(.sbb, dst, src) }
    public mutating func sbb(_ dst: Mem, _ src: R16) { alu(.sbb, dst, src) }
    /// `sbbw $imm,mem`
    public mutating func sbbw(_ dst: Mem, imm: UInt16) { alu(.sbb, .mem(dst), imm: UInt32(imm), .w) }

    // MARK: and (8/16-bit)

    public mutating func and(_ dst: R8, _ src: R8) { alu(.and, dst, src) }
    public mutating func and(_ dst: R8, imm: UInt8) { alu(.and, dst, imm: imm) }
    public mutating func and(_ dst: R8, _ src: Mem) { alu(.and, dst, src) }
    public mutating func and(_ dst: Mem, _ src: R8) { alu(.and, dst, src) }
    /// `andb $imm,mem`
    public mutating func andb(_ dst: Mem, imm: UInt8) { alu(.and, .mem(dst), imm: UInt32(imm), .b) }
    public mutating func and(_ dst: R16, _ src: R16) { alu(.and, dst, src) }
    public mutating func and(_ dst: R16, imm: UInt16) { alu(.and, dst, imm: imm) }
    public mutating func and(_ dst: R16, _ src: Mem) { alu(.and, dst, src) }
    public mutating func and(_ dst: Mem, _ src: R16) { alu(.and, dst, src) }
    /// `andw $imm,mem`
    public mutating func andw(_ dst: Mem, imm: UInt16) { alu(.and, .mem(dst), imm: UInt32(imm), .w) }

    // MARK: sub (8/16-bit)

    public mutating func sub(_ dst: R8, _ src: R8) { alu(.sub, dst, src) }
    public mutating func sub(_ dst: R8, imm: UInt8) { alu(.sub, dst, imm: imm) }
    public mutating func sub(_ dst: R8, _ src: Mem) { alu(.sub, dst, src) }
    public mutating func sub(_ dst: Mem, _ src: R8) { alu(.sub, dst, src) }
    /// `subb $imm,mem`
    public mutating func subb(_ dst: Mem, imm: UInt8) { alu(.sub, .mem(dst), imm: UInt32(imm), .b) }
    public mutating func sub(_ dst: R16, _ src: R16) { alu(.sub, dst, src) }
    public mutating func sub(_ dst: R16, imm: UInt16) { alu(.sub, dst, imm: imm) }
    public mutating func sub(_ dst: R16, _ src: Mem) { alu(.sub, dst, src) }
    public mutating func sub(_ dst: Mem, _ src: R16) { alu(.sub, dst, src) }
    /// `subw $imm,mem`
    public mutating func subw(_ dst: Mem, imm: UInt16) { alu(.sub, .mem(dst), imm: UInt32(imm), .w) }

    // MARK: xor (8/16-bit)

    public mutating func xor(_ dst: R8, _ src: R8) { alu(.xor, dst, src) }
    public mutating func xor(_ dst: R8, imm: UInt8) { alu(.xor, dst, imm: imm) }
    public mutating func xor(_ dst: R8, _ src: Mem) { alu(.xor, dst, src) }
    public mutating func xor(_ dst: Mem, _ src: R8) { alu(.xor, dst, src) }
    /// `xorb $imm,mem`
    public mutating func xorb(_ dst: Mem, imm: UInt8) { alu(.xor, .mem(dst), imm: UInt32(imm), .b) }
    public mutating func xor(_ dst: R16, _ src: R16) { alu(.xor, dst, src) }
    public mutating func xor(_ dst: R16, imm: UInt16) { alu(.xor, dst, imm: imm) }
    public mutating func xor(_ dst: R16, _ src: Mem) { alu(.xor, dst, src) }
    public mutating func xor(_ dst: Mem, _ src: R16) { alu(.xor, dst, src) }
    /// `xorw $imm,mem`
    public mutating func xorw(_ dst: Mem, imm: UInt16) { alu(.xor, .mem(dst), imm: UInt32(imm), .w) }

    // MARK: cmp (8/16-bit)

    public mutating func cmp(_ dst: R8, _ src: R8) { alu(.cmp, dst, src) }
    public mutating func cmp(_ dst: R8, imm: UInt8) { alu(.cmp, dst, imm: imm) }
    public mutating func cmp(_ dst: R8, _ src: Mem) { alu(.cmp, dst, src) }
    public mutating func cmp(_ dst: Mem, _ src: R8) { alu(.cmp, dst, src) }
    /// `cmpb $imm,mem`
    public mutating func cmpb(_ dst: Mem, imm: UInt8) { alu(.cmp, .mem(dst), imm: UInt32(imm), .b) }
    public mutating func cmp(_ dst: R16, _ src: R16) { alu(.cmp, dst, src) }
    public mutating func cmp(_ dst: R16, imm: UInt16) { alu(.cmp, dst, imm: imm) }
    public mutating func cmp(_ dst: R16, _ src: Mem) { alu(.cmp, dst, src) }
    public mutating func cmp(_ dst: Mem, _ src: R16) { alu(.cmp, dst, src) }
    /// `cmpw $imm,mem`
    public mutating func cmpw(_ dst: Mem, imm: UInt16) { alu(.cmp, .mem(dst), imm: UInt32(imm), .w) }

    // MARK: test (8/16-bit)

    /// `test %src,%dst` (84 /r)
    public mutating func test(_ dst: R8, _ src: R8) { op([0x84], reg: src.rawValue, rm: .reg(dst.rawValue)) }
    /// `test $imm,%dst` (A8 ib for `%al`, else F6 /0 ib)
    public mutating func test(_ dst: R8, imm: UInt8) {
        if dst == .al { op([0xA8]); emit(imm) }
        else { op([0xF6], reg: 0, rm: .reg(dst.rawValue), imm: [imm]) }
    }
    /// `test %src,mem` (84 /r)
    public mutating func test(_ dst: Mem, _ src: R8) { op([0x84], reg: src.rawValue, rm: .mem(dst)) }
    /// `testb $imm,mem` (F6 /0 ib)
    public mutating func testb(_ dst: Mem, imm: UInt8) { op([0xF6], reg: 0, rm: .mem(dst), imm: [imm]) }
    /// `test %src,%dst` (66 85 /r)
    public mutating func test(_ dst: R16, _ src: R16) { op([0x85], reg: src.rawValue, rm: .reg(dst.rawValue), word: true) }
    /// `test $imm,%dst` (66 A9 iw for `%ax`, else 66 F7 /0 iw)
    public mutating func test(_ dst: R16, imm: UInt16) {
        if dst == .ax { op([0xA9], word: true); emit16(imm) }
        else { op([0xF7], reg: 0, rm: .reg(dst.rawValue), word: true, imm: imm16(imm)) }
    }
    /// `test %src,mem` (66 85 /r)
    public mutating func test(_ dst: Mem, _ src: R16) { op([0x85], reg: src.rawValue, rm: .mem(dst), word: true) }
    /// `testw $imm,mem` (66 F7 /0 iw)
    public mutating func testw(_ dst: Mem, imm: UInt16) { op([0xF7], reg: 0, rm: .mem(dst), word: true, imm: imm16(imm)) }
}
