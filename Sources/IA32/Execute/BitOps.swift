/// bt, bts, btr, btc (register and memory bit strings), bsf, bsr, bswap.
extension UnsafeMutablePointer where Pointee == CPUState {
    /// Applies bit operation `kind` (0 bt, 1 bts, 2 btr, 3 btc) to bit `bit` of `v`;
    /// sets CF to the old bit and returns the new value (nil for bt).
    @inline(__always) func bitOp(_ kind: Int, _ v: UInt32, _ bit: UInt32) -> UInt32? {
        let mask: UInt32 = 1 << bit
        setStatusFlags(v & mask != 0 ? EFLAGS.cf : 0, mask: EFLAGS.cf)
        switch kind {
        case 1: return v | mask
        case 2: return v & ~mask
        case 3: return v ^ mask
        default: return nil
        }
    }

    /// bt* r/m, reg. With a memory operand the register is a signed bit offset that
    /// may reach outside the addressed word (Intel SDM vol. 2, BT: "bit string").
    func bitTestReg(_ i: Ins) {
        let size = i.sz
        let width = UInt32(size * 8)
        let kind = Int(i.sub)
        let offset = reg(Int(i.reg), size)
        if !i.isMemory {
            modifyRM(i, size) { bitOp(kind, $0, offset & (width - 1)) }
            return
        }
        let soffset = signed(offset, size)
        let displacement = UInt32(truncatingIfNeeded: (soffset >> Int64(size == 4 ? 5 : 4)) * Int64(size))
        var e = ea(i) &+ displacement
        if i.addr16 { e &= 0xffff }
        let bit = offset & (width - 1)
        let seg = Int(i.seg)
        if kind == 0 {
            let v = read(seg, e, size)
            if !faulted { _ = bitOp(0, v, bit) }
            return
        }
        let a = linear(seg, e, size, write: true)
        if faulted || !probeWrite(a, size) { return }
        if let r = bitOp(kind, readL(a, size), bit) { writeL(a, size, r) }
    }

    /// bt* r/m, imm8: the offset is taken modulo the operand width.
    func bitTestImm(_ i: Ins) {
        let size = i.sz
        let bit = i.imm & UInt32(size * 8 - 1)
        let kind = Int(i.sub)
        if kind == 0 {
            let v = readRM(i, size)
            if !faulted { _ = bitOp(0, v, bit) }
        } else {
            modifyRM(i, size) { bitOp(kind, $0, bit) }
        }
    }

    /// bsf / bsr: ZF set and destination unchanged for a zero source.
    func bitScan(_ i: Ins, reverse: Bool) {
        let size = i.sz
        let v = readRM(i, size)
        if faulted { return }
        if v == 0 {
            setStatusFlags(EFLAGS.zf, mask: EFLAGS.zf)
            return
        }
        setStatusFlags(0, mask: EFLAGS.zf)
        let n = reverse ? UInt32(31 - v.leadingZeroBitCount) : UInt32(v.trailingZeroBitCount)
        setReg(Int(i.reg), size, n)
    }

    func bswap(_ i: Ins) {
        let r = Int(i.rm)
        if i.size == 4 {
            setR32(r, r32(r).byteSwapped)
        } else {
            setR16(r, 0)   // undefined by the manual; P6-class parts clear the word
        }
    }
}
