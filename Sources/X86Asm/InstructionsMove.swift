// Data movement: mov in all sizes, segment and control registers, movzx/movsx,
// lea, xchg, cmov, setcc, bswap.

extension Assembler {
    // MARK: mov, 32-bit

    /// `mov %src,%dst` (89 /r)
    public mutating func mov(_ dst: R32, _ src: R32) { op([0x89], reg: src.rawValue, rm: .reg(dst.rawValue)) }
    /// `mov $imm,%dst` (B8+r id)
    public mutating func mov(_ dst: R32, imm: UInt32) { op([0xB8 + dst.rawValue]); emit32(imm) }
    /// `mov $label,%dst`: the label's absolute address.
    public mutating func mov(_ dst: R32, label: Label) { op([0xB8 + dst.rawValue]); emitAbs32(label) }
    /// `mov mem,%dst` (8B /r, or A1 for `%eax` and an absolute address)
    public mutating func mov(_ dst: R32, _ src: Mem) {
        if dst == .eax && isAbsolute(src) { moffs(0xA1, src, word: false) }
        else { op([0x8B], reg: dst.rawValue, rm: .mem(src)) }
    }
    /// `mov %src,mem` (89 /r, or A3 for `%eax` and an absolute address)
    public mutating func mov(_ dst: Mem, _ src: R32) {
        if src == .eax && isAbsolute(dst) { moffs(0xA3, dst, word: false) }
        else { op([0x89], reg: src.rawValue, rm: .mem(dst)) }
    }
    /// `movl $imm,mem` (C7 /0 id)
    public mutating func mov(_ dst: Mem, imm: UInt32) { op([0xC7], reg: 0, rm: .mem(dst), imm: imm32(imm)) }
    /// `movl $label,mem`: stores the label's absolute address.
    public mutating func mov(_ dst: Mem, label: Label) {
        op([0xC7], reg: 0, rm: .mem(dst))
        emitAbs32(label)
    }

    // MARK: mov, 16-bit

    /// `mov %src,%dst` (66 89 /r)
    public mutating func mov(_ dst: R16, _ src: R16) { op([0x89], reg: src.rawValue, rm: .reg(dst.rawValue), word: true) }
    /// `mov $imm,%dst` (66 B8+r iw)
    public mutating func mov(_ dst: R16, imm: UInt16) { op([0xB8 + dst.rawValue], word: true); emit16(imm) }
    /// `mov mem,%dst` (66 8B /r, or 66 A1)
    public mutating func mov(_ dst: R16, _ src: Mem) {
        if dst == .ax && isAbsolute(src) { moffs(0xA1, src, word: true) }
        else { op([0x8B], reg: dst.rawValue, rm: .mem(src), word: true) }
    }
    /// `mov %src,mem` (66 89 /r, or 66 A3)
    public mutating func mov(_ dst: Mem, _ src: R16) {
        if src == .ax && isAbsolute(dst) { moffs(0xA3, dst, word: true) }
        else { op([0x89], reg: src.rawValue, rm: .mem(dst), word: true) }
    }
    /// `movw $imm,mem` (66 C7 /0 iw)
    public mutating func movw(_ dst: Mem, imm: UInt16) { op([0xC7], reg: 0, rm: .mem(dst), word: true, imm: imm16(imm)) }

    // MARK: mov, 8-bit

    /// `mov %src,%dst` (88 /r)
    public mutating func mov(_ dst: R8, _ src: R8) { op([0x88], reg: src.rawValue, rm: .reg(dst.rawValue)) }
    /// `mov $imm,%dst` (B0+r ib)
    public mutating func mov(_ dst: R8, imm: UInt8) { op([0xB0 + dst.rawValue]); emit(imm) }
    /// `mov mem,%dst` (8A /r, or A0 for `%al` and an absolute address)
    public mutating func mov(_ dst: R8, _ src: Mem) {
        if dst == .al && isAbsolute(src) { moffs(0xA0, src, word: false) }
        else { op([0x8A], reg: dst.rawValue, rm: .mem(src)) }
    }
    /// `mov %src,mem` (88 /r, or A2)
    public mutating func mov(_ dst: Mem, _ src: R8) {
        if src == .al && isAbsolute(dst) { moffs(0xA2, dst, word: false) }
        else { op([0x88], reg: src.rawValue, rm: .mem(dst)) }
    }
    /// `movb $imm,mem` (C6 /0 ib)
    public mutating func movb(_ dst: Mem, imm: UInt8) { op([0xC6], reg: 0, rm: .mem(dst), imm: [imm]) }

    // MARK: Segment and control registers

    /// `mov %src,%sreg` (8E /r; GNU as emits no 66 for either `%ax` or `%eax`).
    /// Loading CS this way is invalid.
    public mutating func movSeg(_ dst: Seg, _ src: R32) {
        guard dst != .cs else { record(.invalidOperands("mov to %cs")); return }
        op([0x8E], reg: dst.rawValue, rm: .reg(src.rawValue))
    }
    /// `mov mem,%sreg` (8E /r)
    public mutating func movSeg(_ dst: Seg, _ src: Mem) {
        guard dst != .cs else { record(.invalidOperands("mov to %cs")); return }
        op([0x8E], reg: dst.rawValue, rm: .mem(src))
    }
    /// `mov %sreg,%dst` (8C /r, zero-extending on current processors)
    public mutating func movFromSeg(_ dst: R32, _ src: Seg) { op([0x8C], reg: src.rawValue, rm: .reg(dst.rawValue)) }
    /// `mov %sreg,mem` (8C /r, a 16-bit store)
    public mutating func movFromSeg(_ dst: Mem, _ src: Seg) { op([0x8C], reg: src.rawValue, rm: .mem(dst)) }

    /// `mov %src,%crN` (0F 22 /r)
    public mutating func movToCR(_ n: UInt8, _ src: R32) {
        guard n < 8 else { record(.invalidOperands("%cr\(n)")); return }
        op([0x0F, 0x22], reg: n, rm: .reg(src.rawValue))
    }
    /// `mov %crN,%dst` (0F 20 /r)
    public mutating func movFromCR(_ dst: R32, _ n: UInt8) {
        guard n < 8 else { record(.invalidOperands("%cr\(n)")); return }
        op([0x0F, 0x20], reg: n, rm: .reg(dst.rawValue))
    }

    // MARK: Zero and sign extension

    /// `movzbl`/`movzwl mem,%dst` (0F B6 / 0F B7)
    public mutating func movzx(_ dst: R32, _ src: Mem, byte: Bool) {
        op([0x0F, byte ? 0xB6 : 0xB7], reg: dst.rawValue, rm: .mem(src))
    }
    /// `movzbl %src,%dst` (0F B6 /r)
    public mutating func movzx(_ dst: R32, _ src: R8) { op([0x0F, 0xB6], reg: dst.rawValue, rm: .reg(src.rawValue)) }
    /// `movzwl %src,%dst` (0F B7 /r)
    public mutating func movzx(_ dst: R32, _ src: R16) { op([0x0F, 0xB7], reg: dst.rawValue, rm: .reg(src.rawValue)) }
    /// `movsbl`/`movswl mem,%dst` (0F BE / 0F BF)
    public mutating func movsx(_ dst: R32, _ src: Mem, byte: Bool) {
        op([0x0F, byte ? 0xBE : 0xBF], reg: dst.rawValue, rm: .mem(src))
    }
    /// `movsbl %src,%dst` (0F BE /r)
    public mutating func movsx(_ dst: R32, _ src: R8) { op([0x0F, 0xBE], reg: dst.rawValue, rm: .reg(src.rawValue)) }
    /// `movswl %src,%dst` (0F BF /r)
    public mutating func movsx(_ dst: R32, _ src: R16) { op([0x0F, 0xBF], reg: dst.rawValue, rm: .reg(src.rawValue)) }

    // MARK: lea, xchg, cmov, setcc, bswap

    /// `lea mem,%dst` (8D /r)
    public mutating func lea(_ dst: R32, _ src: Mem) { op([0x8D], reg: dst.rawValue, rm: .mem(src)) }

    /// `xchg %a,%b`: 90+r when either is `%eax` (so `xchg %eax,%eax` is `nop`), else 87 /r.
    public mutating func xchg(_ a: R32, _ b: R32) {
        if a == .eax { op([0x90 + b.rawValue]) }
        else if b == .eax { op([0x90 + a.rawValue]) }
        else { op([0x87], reg: b.rawValue, rm: .reg(a.rawValue)) }
    }
    /// `xchg %r,mem` (87 /r; implicitly locked by the processor)
    public mutating func xchg(_ m: Mem, _ r: R32) { op([0x87], reg: r.rawValue, rm: .mem(m)) }
    /// `xchg %r,mem`, operands the other way round; same encoding.
    public mutating func xchg(_ r: R32, _ m: Mem) { xchg(m, r) }

    /// `cmovCC %src,%dst` (0F 40+cc /r)
    public mutating func cmov(_ c: Cond, _ dst: R32, _ src: R32) {
        op([0x0F, 0x40 + c.rawValue], reg: dst.rawValue, rm: .reg(src.rawValue))
    }
    /// `cmovCC mem,%dst` (0F 40+cc /r)
    public mutating func cmov(_ c: Cond, _ dst: R32, _ src: Mem) {
        op([0x0F, 0x40 + c.rawValue], reg: dst.rawValue, rm: .mem(src))
    }
    /// `setCC %dst` (0F 90+cc /0)
    public mutating func set(_ c: Cond, _ dst: R8) { op([0x0F, 0x90 + c.rawValue], reg: 0, rm: .reg(dst.rawValue)) }
    /// `setCC mem` (0F 90+cc /0)
    public mutating func set(_ c: Cond, _ dst: Mem) { op([0x0F, 0x90 + c.rawValue], reg: 0, rm: .mem(dst)) }

    /// `bswap %r` (0F C8+r)
    public mutating func bswap(_ r: R32) { op([0x0F, 0xC8 + r.rawValue]) }
}
