// Control transfer: jumps, calls, conditional branches, loops, returns and
// software interrupts.

extension Assembler {
    // MARK: Relative branches

    /// A branch to `l`: the short form (`short` + rel8) when `l` is already bound
    /// and in reach, or when `forceShort`; else the long form (`long` + rel32).
    /// A forced short branch that cannot reach is reported by `finish()`.
    mutating func branch(short: UInt8, long: [UInt8]?, to l: Label, forceShort: Bool) {
        _ = emitPrefixes(mem: nil, word: false)
        if let t = address(of: l), let long, !forceShort {
            let end = here &+ 2
            if Int8(exactly: Int64(t) - Int64(end)) != nil {
                emit(short)
                emit(UInt8(truncatingIfNeeded: t &- end))
                return
            }
            emit(long)
            emit32(t &- (here &+ 4))
            return
        }
        if forceShort || long == nil {
            emit(short)
            emit(0)
            addFixup(Fixup(kind: .rel8, offset: bytes.count - 1, label: l, base: here))
        } else {
            emit(long!)
            emit32(0)
            addFixup(Fixup(kind: .rel32, offset: bytes.count - 4, label: l, base: here))
        }
    }

    /// `jmp label`: EB rel8 when the label is already bound and in reach, else E9 rel32.
    public mutating func jmp(_ l: Label) { branch(short: 0xEB, long: [0xE9], to: l, forceShort: false) }
    /// `jmp label` forced to EB rel8.
    public mutating func jmp(short l: Label) { branch(short: 0xEB, long: [0xE9], to: l, forceShort: true) }
    /// `jCC label`: 70+cc rel8 when the label is already bound and in reach, else 0F 80+cc rel32.
    public mutating func j(_ c: Cond, _ l: Label) {
        branch(short: 0x70 + c.rawValue, long: [0x0F, 0x80 + c.rawValue], to: l, forceShort: false)
    }
    /// `jCC label` forced to 70+cc rel8.
    public mutating func j(_ c: Cond, short l: Label) {
        branch(short: 0x70 + c.rawValue, long: [0x0F, 0x80 + c.rawValue], to: l, forceShort: true)
    }
    /// `jecxz label` (E3 rel8)
    public mutating func jecxz(_ l: Label) { branch(short: 0xE3, long: nil, to: l, forceShort: true) }
    /// `loop label` (E2 rel8)
    public mutating func loop(_ l: Label) { branch(short: 0xE2, long: nil, to: l, forceShort: true) }
    /// `loope label` (E1 rel8)
    public mutating func loope(_ l: Label) { branch(short: 0xE1, long: nil, to: l, forceShort: true) }
    /// `loopne label` (E0 rel8)
    public mutating func loopne(_ l: Label) { branch(short: 0xE0, long: nil, to: l, forceShort: true) }

    /// `call label` (E8 rel32)
    public mutating func call(_ l: Label) {
        op([0xE8])
        emit32(0)
        addFixup(Fixup(kind: .rel32, offset: bytes.count - 4, label: l, base: here))
    }

    /// `call addr` (E8 rel32) to a fixed address outside this buffer.
    public mutating func call(address target: UInt32) {
        op([0xE8])
        emit32(target &- (here &+ 4))
    }

    // MARK: Indirect and far

    /// `call *%r` (FF /2)
    public mutating func call(_ r: R32) { op([0xFF], reg: 2, rm: .reg(r.rawValue)) }
    /// `call *mem` (FF /2), e.g. `call *sys_call_table(,%eax,4)`
    public mutating func call(_ m: Mem) { op([0xFF], reg: 2, rm: .mem(m)) }
    /// `jmp *%r` (FF /4)
    public mutating func jmp(_ r: R32) { op([0xFF], reg: 4, rm: .reg(r.rawValue)) }
    /// `jmp *mem` (FF /4)
    public mutating func jmp(_ m: Mem) { op([0xFF], reg: 4, rm: .mem(m)) }
    /// `ljmp $selector,$offset` (EA ptr16:32)
    public mutating func jmpFar(selector: UInt16, offset: UInt32) { op([0xEA]); emit32(offset); emit16(selector) }
    /// `lcall $selector,$offset` (9A ptr16:32)
    public mutating func callFar(selector: UInt16, offset: UInt32) { op([0x9A]); emit32(offset); emit16(selector) }
    /// `ljmp *mem` (FF /5, a 6-byte far pointer)
    public mutating func jmpFar(_ m: Mem) { op([0xFF], reg: 5, rm: .mem(m)) }
    /// `lcall *mem` (FF /3)
    public mutating func callFar(_ m: Mem) { op([0xFF], reg: 3, rm: .mem(m)) }

    // MARK: Returns

    /// `ret` (C3)
    public mutating func ret() { op([0xC3]) }
    /// `ret $n` (C2 iw)
    public mutating func ret(imm: UInt16) { op([0xC2]); emit16(imm) }
    /// `lret` (CB)
    public mutating func lret() { op([0xCB]) }
    /// `lret $n` (CA iw)
    public mutating func lret(imm: UInt16) { op([0xCA]); emit16(imm) }
    /// `iret` (CF)
    public mutating func iret() { op([0xCF]) }

    // MARK: Interrupts

    /// `int $n` (CD ib), always the two-byte form: `int(3)` is CD 03, not CC
    /// (GNU as would shorten `int $3`; use `int3()` for CC).
    public mutating func int(_ n: UInt8) { op([0xCD, n]) }
    /// `int3` (CC)
    public mutating func int3() { op([0xCC]) }
    /// `into` (CE)
    public mutating func into() { op([0xCE]) }
    /// `sysenter` (0F 34)
    public mutating func sysenter() { op([0x0F, 0x34]) }
    /// `sysexit` (0F 35): EIP = EDX, ESP = ECX, to ring 3.
    public mutating func sysexit() { op([0x0F, 0x35]) }
}
