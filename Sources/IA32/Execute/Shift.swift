/// rol, ror, rcl, rcr, shl/sal, shr, sar; shld, shrd. Counts are masked to five bits;
/// a masked count of 0 changes neither operand nor flags. Flags are computed eagerly
/// here (shifts are rare enough that a lazy form does not pay).
extension UnsafeMutablePointer where Pointee == CPUState {
    @inline(__always) func shift(_ i: Ins, count rawCount: UInt32) {
        let count = rawCount & 0x1f
        if count == 0 {
            // Still a memory access: a fault must be raised as for any other count.
            if i.isMemory {
                let a = operandAddress(i, i.sz)
                if !faulted { _ = readL(a, i.sz) }
            }
            return
        }
        let size = i.sz
        let kind = Int(i.sub)
        modifyRM(i, size) { d in shiftValue(kind, size, d, count) }
    }

    /// Shifts or rotates `d` by a nonzero masked `count` and sets the flags.
    func shiftValue(_ kind: Int, _ size: Int, _ d: UInt32, _ count: UInt32) -> UInt32 {
        let width = UInt32(size * 8)
        let m = sizeMask(size)
        let msb = signBit(size)
        // Rotates keep SF, ZF, AF and PF: only they need the current flags. Shifts
        // replace all six, so a lazily recorded operation is dropped, not computed.
        if kind < 4 { materializeFlags() }
        var f = pointee.eflagsRaw
        let oldCF = f & EFLAGS.cf != 0
        var r: UInt32
        var c: Bool
        var o: Bool
        switch kind {
        case 0: // rol
            let n = count % width
            r = ((d &<< n) | (d &>> ((width &- n) % width))) & m
            c = r & 1 != 0
            o = (r & msb != 0) != c
            f = (f & ~(EFLAGS.cf | EFLAGS.of)) | (c ? EFLAGS.cf : 0) | (o ? EFLAGS.of : 0)
            pointee.eflagsRaw = f
            return r
        case 1: // ror
            let n = count % width
            r = ((d &>> n) | (d &<< ((width &- n) % width))) & m
            c = r & msb != 0
            o = (r & msb != 0) != (r & (msb >> 1) != 0)
            f = (f & ~(EFLAGS.cf | EFLAGS.of)) | (c ? EFLAGS.cf : 0) | (o ? EFLAGS.of : 0)
            pointee.eflagsRaw = f
            return r
        case 2: // rcl: rotate the (width+1)-bit value CF:d
            let n = size == 4 ? count : count % (width + 1)
            var v = (UInt64(oldCF ? 1 : 0) << UInt64(width)) | UInt64(d)
            let total = UInt64(width + 1)
            let nn = UInt64(n)
            v = ((v << nn) | (v >> ((total - nn) % total))) & ((1 << total) - 1)
            if n == 0 { v = (UInt64(oldCF ? 1 : 0) << UInt64(width)) | UInt64(d) }
            r = UInt32(truncatingIfNeeded: v) & m
            c = (v >> UInt64(width)) & 1 != 0
            o = (r & msb != 0) != c
            f = (f & ~(EFLAGS.cf | EFLAGS.of)) | (c ? EFLAGS.cf : 0) | (o ? EFLAGS.of : 0)
            pointee.eflagsRaw = f
            return r
        case 3: // rcr
            let n = size == 4 ? count : count % (width + 1)
            o = (d & msb != 0) != oldCF
            var v = (UInt64(oldCF ? 1 : 0) << UInt64(width)) | UInt64(d)
            let total = UInt64(width + 1)
            let nn = UInt64(n)
            if n != 0 { v = ((v >> nn) | (v << ((total - nn) % total))) & ((1 << total) - 1) }
            r = UInt32(truncatingIfNeeded: v) & m
            c = (v >> UInt64(width)) & 1 != 0
            f = (f & ~(EFLAGS.cf | EFLAGS.of)) | (c ? EFLAGS.cf : 0) | (o ? EFLAGS.of : 0)
            pointee.eflagsRaw = f
            return r
        case 4, 6: // shl / sal
            let wide = UInt64(d) << UInt64(count)
            r = UInt32(truncatingIfNeeded: wide) & m
            c = (wide >> UInt64(width)) & 1 != 0
            o = (r & msb != 0) != c
        case 5: // shr
            r = count >= 32 ? 0 : (d &>> count) & m
            c = count - 1 < 32 ? (d >> (count - 1)) & 1 != 0 : false
            o = d & msb != 0
        default: // sar
            let sd = Int64(Int32(bitPattern: d << (32 - width))) >> Int64(32 - width)
            r = UInt32(truncatingIfNeeded: sd >> Int64(min(count, 63))) & m
            c = (sd >> Int64(min(count - 1, 63))) & 1 != 0
            o = false
        }
        var bits: UInt32 = (c ? EFLAGS.cf : 0) | parityFlag(r) | (o ? EFLAGS.of : 0)
        if r == 0 { bits |= EFLAGS.zf }
        if r & msb != 0 { bits |= EFLAGS.sf }
        setArithmeticFlags(bits)
        return r
    }

    /// shld / shrd r/m, reg, imm8|CL.
    @inline(__always) func doubleShift(_ i: Ins, left: Bool) {
        let count = (i.sub == 1 ? r8(1) : i.imm) & 0x1f
        let size = i.sz
        if count == 0 {
            if i.isMemory {
                let a = operandAddress(i, size)
                if !faulted { _ = readL(a, size) }
            }
            return
        }
        let s = reg(Int(i.reg), size)
        modifyRM(i, size) { d in doubleShiftValue(d, s, count, size, left: left) }
    }

    /// shld/shrd of a 32-bit destination by `count` (1…31), flags set: the specialised
    /// register form's body and the general one's for 32 bits.
    @inline(__always) func doubleShift32(_ d: UInt32, _ s: UInt32, _ count: UInt32, left: Bool) -> UInt32 {
        let r: UInt32, c: Bool
        if left {
            r = (d << count) | (s >> (32 - count))
            c = (d >> (32 - count)) & 1 != 0
        } else {
            r = (d >> count) | (s << (32 - count))
            c = (d >> (count - 1)) & 1 != 0
        }
        setDoubleShiftFlags(d, r, c, msb: 0x8000_0000)
        return r
    }

    /// CF the last bit out, OF a change of sign, SF, ZF and PF from the result, AF clear.
    @inline(__always) func setDoubleShiftFlags(_ d: UInt32, _ r: UInt32, _ c: Bool, msb: UInt32) {
        let o = (r & msb) != (d & msb)
        var bits: UInt32 = (c ? EFLAGS.cf : 0) | parityFlag(r) | (o ? EFLAGS.of : 0)
        if r == 0 { bits |= EFLAGS.zf }
        if r & msb != 0 { bits |= EFLAGS.sf }
        setArithmeticFlags(bits)
    }

    func doubleShiftValue(_ d: UInt32, _ s: UInt32, _ count: UInt32, _ size: Int, left: Bool) -> UInt32 {
        if size == 4 { return doubleShift32(d, s, count, left: left) }
        let msb = signBit(size)
        let m = sizeMask(size)
        let r: UInt32, c: Bool
        // 16-bit: the operands form the 48-bit value d:s:d (high to low); counts above
        // 16 shift bits of the first operand back in.
        if left {
            let v = (UInt64(d) << 32) | (UInt64(s) << 16) | UInt64(d)
            let w = v << UInt64(count)
            r = UInt32(truncatingIfNeeded: w >> 32) & m
            c = (w >> 48) & 1 != 0
        } else {
            let v = UInt64(d) | (UInt64(s) << 16) | (UInt64(d) << 32)
            r = UInt32(truncatingIfNeeded: v >> UInt64(count)) & m
            c = (v >> UInt64(count - 1)) & 1 != 0
        }
        setDoubleShiftFlags(d, r, c, msb: msb)
        return r
    }
}
