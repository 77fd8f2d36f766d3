/// The common case of the x87's basic arithmetic in a handful of 64-bit integer
/// operations: operands that are normal numbers, the control word rounding to nearest,
/// and a result that is again a normal number. That is nearly every operation a numeric
/// program executes, and for it `SoftF80`'s general rounding (any precision, any
/// direction, denormal and wrapped results, unmasked underflow and overflow) reduces to
/// one comparison of the discarded bits with half an ulp.
///
/// Every function returns nil when its case does not apply, having changed nothing, and
/// the caller then runs the general path (`X87Arithmetic`/`SoftF80`), which stays the
/// definition: for the operands accepted here the two give the same bits and the same
/// flags. Only PE and C1 ("rounded up") can arise here — no operand is a NaN, infinity,
/// denormal or unsupported encoding, and the result neither underflows nor overflows.
enum X87Fast {
    /// `FPUState.nearestShift` when the fast path does not apply: larger than any shift.
    static let general: UInt32 = 0xff

    /// Significand bits below the rounding point of a register result (0, 11 or 40 for
    /// precision control 64, 53, 24) when `cw` rounds to nearest with the precision
    /// exception masked, else `general`. (With PE unmasked nearly every instruction
    /// ends in #MF; those programs take the general path, so the fast one can merge PE
    /// into the status word without looking at the masks.)
    static func nearestShift(_ cw: UInt16) -> UInt32 {
        if cw & 0x0c00 != 0 || cw & X87Flag.precision == 0 { return general }
        return UInt32(64 - X87Control.precision(cw))
    }

    // MARK: Operands

    /// Both `a` and `b` are normal numbers (biased exponent 1…0x7ffe, integer bit set),
    /// tested on the path every operation takes with the two exponents side by side in
    /// one word: e − 1 borrows into bit 15 of its half only for e = 0, e + 1 carries into
    /// it only for e = 0x7fff (and a borrow out of the low half only happens when that
    /// half has already failed).
    @inline(__always)
    static func bothNormal(_ a: F80, _ b: F80) -> Bool {
        let e = (UInt32(a.se) &<< 16 | UInt32(b.se)) & 0x7fff_7fff
        let outside = ((e &- 0x0001_0001) | (e &+ 0x0001_0001)) & 0x8000_8000
        return outside == 0 && (a.sig & b.sig) &>> 63 != 0
    }

    // MARK: Rounding

    /// Rounds sign·(hi:lo)·2^(e − 16383 − 63) — `hi` normalized, `lo` the bits below it, `e`
    /// the biased exponent — to nearest, ties to even, keeping 64 − `s` significand bits.
    /// nil when the exponent is outside 1…0x7ffd: a tiny result (underflow, denormal)
    /// or the top binade, where rounding up can overflow.
    ///
    /// Which way a result rounds is as unpredictable as the data, so the decision is a
    /// comparison, not a branch: the discarded bits x round up when x > half − lsb
    /// (above half, or exactly half with an odd last kept bit).
    @inline(__always)
    static func round(_ sign: UInt16, _ e: Int32, _ hi: UInt64, _ lo: UInt64, _ s: UInt32,
                      _ flags: inout UInt16) -> F80? {
        if _slowPath(UInt32(bitPattern: e &- 1) >= 0x7ffd) { return nil }
        let x: UInt64, threshold: UInt64, ulp: UInt64
        if s == 0 {
            x = lo
            threshold = (1 << 63) &- (hi & 1)
            ulp = 1
        } else {
            // `lo` folds into bit 0 as a sticky bit: s ≥ 11, so it cannot make a value
            // below half equal to half.
            let mask = (UInt64(1) &<< UInt64(s)) &- 1
            x = (hi & mask) | (lo != 0 ? 1 : 0)
            threshold = (UInt64(1) &<< UInt64(s &- 1)) &- ((hi &>> UInt64(s)) & 1)
            ulp = mask &+ 1
        }
        let up = x > threshold
        flags |= (x != 0 ? X87Flag.precision : 0) | (up ? X87Flag.c1 : 0)
        let (r, carry) = (hi & ~(ulp &- 1)).addingReportingOverflow(up ? ulp : 0)
        let se = sign | UInt16(truncatingIfNeeded: e)
        // A carry out of the significand: the next binade (e ≤ 0x7ffd, so still normal).
        if _slowPath(carry) { return F80(sig: F80.integerBit, se: se &+ 1) }
        return F80(sig: r, se: se)
    }

    // MARK: The operations (operands normal: checked by the caller)

    /// a × b.
    @inline(__always)
    static func mul(_ a: F80, _ b: F80, _ s: UInt32, _ flags: inout UInt16) -> F80? {
        var (hi, lo) = a.sig.multipliedFullWidth(by: b.sig)
        // The product of two significands in [1, 2) is in [1, 4): normalize by at most one
        // bit, without a branch (which would be as unpredictable as the data).
        let top = hi &>> 63
        let shift = top ^ 1
        hi = (hi &<< shift) | ((lo &>> 63) & shift)
        lo = lo &<< shift
        let e = Int32(a.se & 0x7fff) &+ Int32(b.se & 0x7fff) &- 16383 &+ Int32(truncatingIfNeeded: top)
        return round((a.se ^ b.se) & 0x8000, e, hi, lo, s, &flags)
    }

    /// a + b.
    @inline(__always)
    static func add(_ a: F80, _ b: F80, _ s: UInt32, _ flags: inout UInt16) -> F80? {
        let ea = Int32(a.se & 0x7fff), eb = Int32(b.se & 0x7fff)
        // x is the operand of larger magnitude, y is aligned to it.
        let aBigger = ea > eb || (ea == eb && a.sig >= b.sig)
        let (x, y) = aBigger ? (a, b) : (b, a)
        let ex = aBigger ? ea : eb
        let d = UInt64(truncatingIfNeeded: aBigger ? ea &- eb : eb &- ea)
        // Beyond 63 bits y only contributes a sticky bit: rare, and left to the general path.
        if _slowPath(d >= 64) { return nil }
        let yh = y.sig &>> d
        let yl = d == 0 ? 0 : y.sig &<< (64 &- d)
        var hi: UInt64, lo: UInt64
        var e = ex
        if (a.se ^ b.se) & 0x8000 == 0 {
            let (h, carry) = x.sig.addingReportingOverflow(yh)
            hi = h
            lo = yl
            if carry {
                // Shift right one, jamming the lost bit into the sticky bits.
                lo = (lo &>> 1) | (hi &<< 63) | (lo & 1)
                hi = (hi &>> 1) | F80.integerBit
                e &+= 1
            }
        } else {
            let (l, borrow) = (0 as UInt64).subtractingReportingOverflow(yl)
            hi = x.sig &- yh &- (borrow ? 1 : 0)
            lo = l
            if hi & F80.integerBit == 0 {
                // Cancellation. An exact zero is +0 when rounding to nearest.
                if hi == 0 && lo == 0 { return F80.zero }
                if hi == 0 {
                    let lz = UInt64(lo.leadingZeroBitCount)
                    hi = lo &<< lz
                    lo = 0
                    e &-= 64 &+ Int32(truncatingIfNeeded: lz)
                } else {
                    let lz = UInt64(hi.leadingZeroBitCount)
                    hi = (hi &<< lz) | (lo &>> (64 &- lz))
                    lo = lo &<< lz
                    e &-= Int32(truncatingIfNeeded: lz)
                }
            }
        }
        return round(x.se & 0x8000, e, hi, lo, s, &flags)
    }

    /// a − b.
    @inline(__always)
    static func sub(_ a: F80, _ b: F80, _ s: UInt32, _ flags: inout UInt16) -> F80? {
        add(a, b.negated(), s, &flags)
    }

    /// a ÷ b.
    @inline(__always)
    static func div(_ a: F80, _ b: F80, _ s: UInt32, _ flags: inout UInt16) -> F80? {
        let sa = a.sig, sb = b.sig
        // (hi:lo) / sb with hi < sb: a 64-bit quotient with bit 63 set.
        let ge = sa >= sb
        let hi = ge ? sa &>> 1 : sa
        let lo: UInt64 = ge ? sa &<< 63 : 0
        let e = Int32(a.se & 0x7fff) &- Int32(b.se & 0x7fff) &+ (ge ? 16383 : 16382)
        let (q, r) = sb.dividingFullWidth((high: hi, low: lo))
        // The bits below the quotient as "zero, below half, half, above half" (see
        // SoftF80.divFinite): the remainder doubled against the divisor.
        var extra: UInt64 = 0
        if r != 0 {
            if r &>> 63 != 0 || r &<< 1 > sb { extra = 0xc000_0000_0000_0000 }
            else if r &<< 1 == sb { extra = 1 << 63 }
            else { extra = 0x4000_0000_0000_0000 }
        }
        return round((a.se ^ b.se) & 0x8000, e, q, extra, s, &flags)
    }

    /// √a for a positive normal a; nil for any other operand.
    @inline(__always)
    static func sqrt(_ a: F80, _ s: UInt32, _ flags: inout UInt16) -> F80? {
        guard a.isNormal && a.se & 0x8000 == 0 else { return nil }
        let ea = Int32(a.se) &- 16383
        let sa = a.sig
        // As SoftF80.sqrt: N = sa·2^64 or sa·2^63 so that the power of two left is even;
        // the root has 64 bits with bit 63 set.
        let odd = ea & 1 != 0
        let nHi = odd ? sa : sa &>> 1
        let nLo: UInt64 = odd ? 0 : sa &<< 63
        let r = SoftF80.isqrt128(nHi, nLo)
        let (ph, pl) = r.multipliedFullWidth(by: r)
        let (remLo, borrow) = nLo.subtractingReportingOverflow(pl)
        let remHi = nHi &- ph &- (borrow ? 1 : 0)
        var extra: UInt64 = 0
        if remHi != 0 || remLo != 0 {
            extra = (remHi != 0 || remLo > r) ? 0xc000_0000_0000_0000 : 0x4000_0000_0000_0000
        }
        guard r & F80.integerBit != 0 else { return nil }
        return round(0, (ea >> 1) &+ 16383, r, extra, s, &flags)
    }

    // MARK: Comparison

    /// C3 C2 C0 of comparing two operands that are zeros or normal numbers (000 a > b,
    /// 001 a < b, 100 equal); nil for any other operand. No flags can arise.
    ///
    /// Zeros and normal numbers order as sign and magnitude, the magnitude being
    /// (exponent, significand) compared as one integer; the two zeros are equal.
    @inline(__always)
    static func compare(_ a: F80, _ b: F80) -> UInt16? {
        let ea = a.se & 0x7fff, eb = b.se & 0x7fff
        // Normal: exponent 1…0x7ffe with the integer bit; zero: all clear.
        let aOK = ea == 0 ? a.sig == 0 : (ea != 0x7fff && a.sig &>> 63 != 0)
        let bOK = eb == 0 ? b.sig == 0 : (eb != 0x7fff && b.sig &>> 63 != 0)
        guard aOK && bOK else { return nil }
        if ea == eb && a.sig == b.sig && (a.se == b.se || ea == 0) { return X87Flag.c3 }
        // Not equal. With different signs the negative one is less; with the same sign,
        // the one of smaller magnitude when positive, of larger when negative.
        let aLess = a.sign != b.sign ? a.sign : ((ea < eb || (ea == eb && a.sig < b.sig)) != a.sign)
        return aLess ? X87Flag.c0 : 0
    }

    // MARK: Conversions

    /// A normal m64 widened (exact, no flags); nil for anything else, zeros included.
    @inline(__always)
    static func normalFromDouble(_ v: UInt64) -> F80? {
        let e = UInt16(truncatingIfNeeded: v &>> 52) & 0x7ff
        if _slowPath(e &- 1 >= 0x7fe) { return nil }
        let sign = UInt16(truncatingIfNeeded: v &>> 48) & 0x8000
        return F80(sig: F80.integerBit | v &<< 11, se: (e &+ (16383 - 1023)) | sign)
    }

    /// A normal m32 widened (exact, no flags); nil for anything else, zeros included.
    @inline(__always)
    static func normalFromSingle(_ v: UInt32) -> F80? {
        let e = UInt16(truncatingIfNeeded: v &>> 23) & 0xff
        if _slowPath(e &- 1 >= 0xfe) { return nil }
        let sign = UInt16(truncatingIfNeeded: v &>> 16) & 0x8000
        return F80(sig: F80.integerBit | UInt64(v) &<< 40, se: (e &+ (16383 - 127)) | sign)
    }

    /// A nonzero integer as a register value (exact); nil for zero.
    @inline(__always)
    static func normalFromInt(_ v: Int32) -> F80? {
        if _slowPath(v == 0) { return nil }
        let m = UInt64(v.magnitude)
        let lz = UInt64(m.leadingZeroBitCount)
        return F80(sig: m &<< lz, se: UInt16(truncatingIfNeeded: 16383 &+ 63 &- lz) | (v < 0 ? 0x8000 : 0))
    }

    /// A normal m64 or a zero, widened (exact, no flags); nil for anything else.
    @inline(__always)
    static func fromDouble(_ v: UInt64) -> F80? {
        if let x = normalFromDouble(v) { return x }
        if v &<< 1 == 0 { return F80(sig: 0, se: UInt16(truncatingIfNeeded: v &>> 48)) }
        return nil
    }

    /// A normal m32 or a zero, widened (exact, no flags); nil for anything else.
    @inline(__always)
    static func fromSingle(_ v: UInt32) -> F80? {
        if let x = normalFromSingle(v) { return x }
        if v &<< 1 == 0 { return F80(sig: 0, se: UInt16(truncatingIfNeeded: v &>> 16)) }
        return nil
    }

    /// A zero or a normal value whose m64 rounding to nearest is a normal double, as the
    /// m64 bits; nil for anything else (the caller has checked the rounding control).
    @inline(__always)
    static func toDouble(_ a: F80, _ flags: inout UInt16) -> UInt64? {
        let sign = UInt64(a.se & 0x8000) &<< 48
        if a.isNormal {
            // Exponents −1022…1022: rounding up can reach 1023 at most.
            let e = Int32(a.se & 0x7fff) &- 16383
            guard e >= -1022 && e < 1023 else { return nil }
            let low = a.sig & 0x7ff
            var m = a.sig &>> 11                        // 53 bits, bit 52 set
            if low != 0 {
                let up = low > 0x400 || (low == 0x400 && m & 1 != 0)
                flags |= X87Flag.precision | (up ? X87Flag.c1 : 0)
                m &+= up ? 1 : 0
            }
            // A carry out of the significand (m = 2^53) moves into the exponent field.
            return sign | ((UInt64(e &+ 1022) &<< 52) &+ m)
        }
        if a.isZero { return sign }
        return nil
    }

    /// As `toDouble`, for m32.
    @inline(__always)
    static func toSingle(_ a: F80, _ flags: inout UInt16) -> UInt32? {
        let sign = UInt32(a.se & 0x8000) &<< 16
        if a.isNormal {
            let e = Int32(a.se & 0x7fff) &- 16383
            guard e >= -126 && e < 127 else { return nil }
            let low = a.sig & 0xff_ffff_ffff
            var m = UInt32(truncatingIfNeeded: a.sig &>> 40)     // 24 bits, bit 23 set
            if low != 0 {
                let up = low > 0x80_0000_0000 || (low == 0x80_0000_0000 && m & 1 != 0)
                flags |= X87Flag.precision | (up ? X87Flag.c1 : 0)
                m &+= up ? 1 : 0
            }
            return sign | ((UInt32(truncatingIfNeeded: e &+ 126) &<< 23) &+ m)
        }
        if a.isZero { return sign }
        return nil
    }
}
