/// mov and its relatives, exchanges, compare-exchanges, conversions, setcc/cmovcc and
/// the single-flag instructions.
extension UnsafeMutablePointer where Pointee == CPUState {
    func movzxsx(_ i: Ins, signExtend: Bool) {
        let srcSize = Int(i.sub)
        let v = readRM(i, srcSize)
        if faulted { return }
        let r = signExtend ? UInt32(truncatingIfNeeded: signed(v, srcSize)) : v
        setReg(Int(i.reg), i.sz, r & sizeMask(i.sz))
    }

    func xchg(_ i: Ins) {
        let size = i.sz
        let r = reg(Int(i.reg), size)
        modifyRM(i, size) { old in
            setReg(Int(i.reg), size, old)
            return r
        }
    }

    func xadd(_ i: Ins) {
        let size = i.sz
        let src = reg(Int(i.reg), size)
        modifyRM(i, size) { d in
            let sum = alu(0, size, d, src)!
            setReg(Int(i.reg), size, d)
            return sum
        }
    }

    func cmpxchg(_ i: Ins) {
        let size = i.sz
        let acc = reg(0, size)
        let src = reg(Int(i.reg), size)
        modifyRM(i, size) { d in
            _ = alu(7, size, acc, d)
            if acc == d { return src }
            setReg(0, size, d)
            // The processor writes the destination either way (locked cycles).
            return i.isMemory ? d : nil
        }
    }

    func cmpxchg8b(_ i: Ins) {
        let a = operandAddress(i, 8, write: true)
        if faulted { return }
        guard probeWrite(a, 4), probeWrite(a &+ 4, 4) else { return }
        let lo = read32L(a), hi = read32L(a &+ 4)
        if lo == r32(0) && hi == r32(2) {
            write32L(a, r32(3))
            write32L(a &+ 4, r32(1))
            setStatusFlags(EFLAGS.zf, mask: EFLAGS.zf)
        } else {
            write32L(a, lo)
            write32L(a &+ 4, hi)
            setR32(0, lo)
            setR32(2, hi)
            setStatusFlags(0, mask: EFLAGS.zf)
        }
    }

    /// cbw / cwde
    func cbw(_ i: Ins) {
        if i.size == 4 { setR32(0, UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: r32(0))))) }
        else { setR16(0, UInt32(truncatingIfNeeded: Int16(Int8(truncatingIfNeeded: r32(0))))) }
    }

    /// cwd / cdq
    func cwd(_ i: Ins) {
        if i.size == 4 { setR32(2, r32(0) & 0x8000_0000 != 0 ? 0xffff_ffff : 0) }
        else { setR16(2, r16(0) & 0x8000 != 0 ? 0xffff : 0) }
    }

    func lahf() {
        setR8(4, (eflags & 0xd5) | 0x02)
    }

    func sahf() {
        setStatusFlags(r8(4), mask: EFLAGS.sf | EFLAGS.zf | EFLAGS.af | EFLAGS.pf | EFLAGS.cf)
    }

    func xlat(_ i: Ins) {
        var a = r32(3) &+ r8(0)
        if i.addr16 { a &= 0xffff }
        let v = read(Int(i.seg), a, 1)
        if !faulted { setR8(0, v) }
    }

    func setcc(_ i: Ins) {
        writeRM(i, 1, condition(Int(i.sub)) ? 1 : 0)
    }

    func cmovcc(_ i: Ins) {
        let v = readRM(i)
        if faulted { return }
        if condition(Int(i.sub)) { setReg(Int(i.reg), i.sz, v) }
    }

    /// mov r/m, Sreg: a register destination gets the selector zero-extended.
    func movFromSreg(_ i: Ins) {
        let sel = UInt32(pointee.seg[Int(i.reg)].selector)
        if i.isMemory { writeRM(i, 2, sel) } else { setReg(Int(i.rm), i.sz, sel) }
    }

    func movToSreg(_ i: Ins) {
        let sel = readRM(i, 2)
        if faulted { return }
        loadSegment(Int(i.reg), UInt16(sel))
    }

    /// lds, les, lfs, lgs, lss: offset then selector from memory.
    func loadFarPointer(_ i: Ins) {
        let size = i.sz
        let e = ea(i)
        let off = read(Int(i.seg), e, size)
        let sel = read(Int(i.seg), e &+ UInt32(size), 2)
        if faulted { return }
        if loadSegment(Int(i.sub), UInt16(sel)) { setReg(Int(i.reg), size, off) }
    }

    func arpl(_ i: Ins) {
        let src = reg(Int(i.reg), 2)
        modifyRM(i, 2) { d in
            if d & 3 < src & 3 {
                setStatusFlags(EFLAGS.zf, mask: EFLAGS.zf)
                return (d & ~3) | (src & 3)
            }
            setStatusFlags(0, mask: EFLAGS.zf)
            return nil
        }
    }

    func bound(_ i: Ins) {
        let size = i.sz
        let e = ea(i)
        let lower = read(Int(i.seg), e, size)
        let upper = read(Int(i.seg), e &+ UInt32(size), size)
        if faulted { return }
        let v = signed(reg(Int(i.reg), size), size)
        if v < signed(lower, size) || v > signed(upper, size) { raise(Vector.boundRange) }
    }

    /// cli / sti: allowed when CPL ≤ IOPL, else #GP(0).
    func setInterruptFlag(_ on: Bool) {
        let iopl = (pointee.eflagsRaw & EFLAGS.iopl) >> 12
        if UInt32(pointee.cpl) > iopl { raise(Vector.generalProtection); return }
        if on { pointee.eflagsRaw |= EFLAGS.if } else { pointee.eflagsRaw &= ~EFLAGS.if }
    }
}
