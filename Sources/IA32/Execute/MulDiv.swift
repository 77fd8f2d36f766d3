/// mul, imul (one-, two- and three-operand forms), div and idiv with #DE.
extension UnsafeMutablePointer where Pointee == CPUState {
    /// Sets CF and OF to `overflow`; SF, ZF and PF (undefined by the manual) follow the
    /// low half of the product, AF is cleared.
    /// Recorded lazily (`FlagOp.mul`): most products' flags are never read.
    @inline(__always) func setMultiplyFlags(_ low: UInt32, _ size: Int, overflow: Bool) {
        pointee.flags = LazyFlags(op: .mul, carryIn: overflow, sign: signBit(size), dst: 0, src: 0,
                                  res: low & sizeMask(size))
    }

    /// imul r32, r/m32 (register form) and imul r32, r32, imm.
    @inline(__always) func imul32(_ i: Ins, _ a: UInt32, _ b: UInt32) {
        let p = Int64(Int32(bitPattern: a)) &* Int64(Int32(bitPattern: b))
        let low = UInt32(truncatingIfNeeded: p)
        setR32(Int(i.reg), low)
        pointee.flags = LazyFlags(op: .mul, carryIn: p != Int64(Int32(bitPattern: low)), sign: 0x8000_0000,
                                  dst: 0, src: 0, res: low)
    }

    /// Sign-extends a value of `size` bytes.
    @inline(__always) func signed(_ v: UInt32, _ size: Int) -> Int64 {
        size == 4 ? Int64(Int32(bitPattern: v)) : (size == 2 ? Int64(Int16(truncatingIfNeeded: v)) : Int64(Int8(truncatingIfNeeded: v)))
    }

    func multiply(_ i: Ins, signed isSigned: Bool) {
        let size = i.sz
        let src = readRM(i, size)
        if faulted { return }
        switch size {
        case 1:
            let a = r8(0)
            let p: UInt32
            let over: Bool
            if isSigned {
                let sp = signed(a, 1) * signed(src, 1)
                p = UInt32(truncatingIfNeeded: sp) & 0xffff
                over = sp != Int64(Int8(truncatingIfNeeded: sp))
            } else {
                p = a * src
                over = p > 0xff
            }
            setR16(0, p)
            setMultiplyFlags(p, 1, overflow: over)
        case 2:
            let a = r16(0)
            let p: UInt32
            let over: Bool
            if isSigned {
                let sp = signed(a, 2) * signed(src, 2)
                p = UInt32(truncatingIfNeeded: sp)
                over = sp != Int64(Int16(truncatingIfNeeded: sp))
            } else {
                p = a * src
                over = p > 0xffff
            }
            setR16(0, p)
            setR16(2, p >> 16)
            setMultiplyFlags(p, 2, overflow: over)
        default:
            let a = r32(0)
            let p: UInt64
            let over: Bool
            if isSigned {
                let sp = signed(a, 4) * signed(src, 4)
                p = UInt64(bitPattern: sp)
                over = sp != Int64(Int32(truncatingIfNeeded: sp))
            } else {
                p = UInt64(a) * UInt64(src)
                over = p > 0xffff_ffff
            }
            setR32(0, UInt32(truncatingIfNeeded: p))
            setR32(2, UInt32(truncatingIfNeeded: p >> 32))
            setMultiplyFlags(UInt32(truncatingIfNeeded: p), 4, overflow: over)
        }
    }

    /// imul reg, r/m (0F AF) and imul reg, r/m, imm (69, 6B): truncated signed product.
    func imulTruncating(_ i: Ins, _ a: UInt32, _ b: UInt32) {
        let size = i.sz
        let p = signed(a, size) * signed(b, size)
        let low = UInt32(truncatingIfNeeded: p) & sizeMask(size)
        setReg(Int(i.reg), size, low)
        setMultiplyFlags(low, size, overflow: p != signed(low, size))
    }

    func divide(_ i: Ins, signed isSigned: Bool) {
        let size = i.sz
        let src = readRM(i, size)
        if faulted { return }
        if src == 0 { raise(Vector.divideError); return }
        switch size {
        case 1:
            let n = r16(0)
            if isSigned {
                let (q, r) = divSigned(Int64(Int16(truncatingIfNeeded: n)), signed(src, 1), size: 1)
                guard let q, let r else { raise(Vector.divideError); return }
                setR8(0, q); setR8(4, r)
            } else {
                let q = n / src
                if q > 0xff { raise(Vector.divideError); return }
                setR8(0, q); setR8(4, n % src)
            }
        case 2:
            let n = (r16(2) << 16) | r16(0)
            if isSigned {
                let (q, r) = divSigned(Int64(Int32(bitPattern: n)), signed(src, 2), size: 2)
                guard let q, let r else { raise(Vector.divideError); return }
                setR16(0, q); setR16(2, r)
            } else {
                let q = n / src
                if q > 0xffff { raise(Vector.divideError); return }
                setR16(0, q); setR16(2, n % src)
            }
        default:
            let n = (UInt64(r32(2)) << 32) | UInt64(r32(0))
            if isSigned {
                let (q, r) = divSigned(Int64(bitPattern: n), signed(src, 4), size: 4)
                guard let q, let r else { raise(Vector.divideError); return }
                setR32(0, q); setR32(2, r)
            } else {
                let q = n / UInt64(src)
                if q > 0xffff_ffff { raise(Vector.divideError); return }
                setR32(0, UInt32(q)); setR32(2, UInt32(n % UInt64(src)))
            }
        }
    }

    /// Signed division truncating toward zero; nil when the quotient does not fit.
    private func divSigned(_ n: Int64, _ d: Int64, size: Int) -> (UInt32?, UInt32?) {
        let (q, overflow) = n.dividedReportingOverflow(by: d)
        if overflow { return (nil, nil) }
        let r = n.remainderReportingOverflow(dividingBy: d).partialValue
        let bits = Int64(size * 8)
        let lo = -(Int64(1) << (bits - 1)), hi = (Int64(1) << (bits - 1)) - 1
        if q < lo || q > hi { return (nil, nil) }
        return (UInt32(truncatingIfNeeded: q), UInt32(truncatingIfNeeded: r))
    }
}
