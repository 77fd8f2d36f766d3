/// The exact x87 arithmetic core: double-extended values operated on as integers
/// (64-bit significands, 128-bit intermediates), rounded once, in software, under the
/// control word's precision and rounding controls, reporting the exceptions and C1
/// exactly as the 387 and later do. It runs on every host; `X87Arithmetic` uses it for
/// everything that must be bit-exact and the host's `Float80` only where that is provably
/// the same (see X87Arithmetic.swift).
///
/// Conventions: an unpacked finite value is (sign, exp, sig) with `sig` normalized (bit 63
/// set) and value = sig × 2^(exp − 63), i.e. `exp` is the unbiased exponent of the integer
/// bit. `flags` accumulates `X87Flag` bits (exceptions, and C1 for "rounded up").
enum SoftF80 {

    // MARK: Rounding

    /// A format to round into: significand bits kept, and the normal exponent range.
    struct Format {
        var precision: Int
        var emin: Int32
        var emax: Int32
        /// The x87 registers: exponent range of the 80-bit format, precision from PC.
        static func register(_ cw: UInt16) -> Format {
            Format(precision: X87Control.precision(cw), emin: -16382, emax: 16383)
        }
        static let double = Format(precision: 53, emin: -1022, emax: 1023)
        static let single = Format(precision: 24, emin: -126, emax: 127)
    }

    /// What `round` produced. `sig` keeps the 64-bit alignment: bit 63 is the integer bit
    /// of a normal result; a denormal result has exp == emin and bit 63 clear.
    struct Rounded {
        var sig: UInt64
        var exp: Int32
        /// ±∞ (masked overflow in a rounding direction that allows it).
        var infinite: Bool = false
        /// Tiny or huge result of an unmasked underflow/overflow: `exp` is outside the
        /// format's range (the caller applies the ±24576 bias adjustment or stores nothing).
        var wrapped: Bool = false
    }

    /// Rounds sign × (sig:extra)·2^(exp−63) — `sig` normalized, `extra` the bits below it —
    /// into `format` under rounding control `rc`. Underflow is detected after rounding
    /// (tininess with unbounded exponent), as the x87 does. `trapUnderflow`/`trapOverflow`
    /// are the unmasked exceptions: the result is then rounded with unbounded exponent and
    /// marked `wrapped`.
    @inline(__always)
    static func round(_ sign: Bool, _ exp: Int32, _ sig: UInt64, _ extra: UInt64, _ format: Format, rc: Int,
                      trapUnderflow: Bool, trapOverflow: Bool, flags: inout UInt16) -> Rounded {
        let s = 64 - format.precision            // significand bits below the rounding point
        var sig = sig, extra = extra, exp = exp
        var wrapped = false
        if _slowPath(exp < format.emin) {
            // Tininess after rounding: would rounding with an unbounded exponent still
            // leave the value below 2^emin?
            var tiny = true
            if exp == format.emin - 1 {
                let (inc, _) = increment(sign, sig, extra, s, rc)
                tiny = !(inc && (sig | ((UInt64(1) << s) &- 1)) == UInt64.max)
            }
            if tiny && trapUnderflow {
                flags |= X87Flag.underflow
                wrapped = true
            } else {
                // Denormalize: shift right with jamming; the rounding point stays put.
                let d = format.emin - exp
                (sig, extra) = shiftRightJam128(sig, extra, d)
                exp = format.emin
                let (inc, inexact) = increment(sign, sig, extra, s, rc)
                if inexact {
                    flags |= X87Flag.precision
                    if tiny { flags |= X87Flag.underflow }
                    if inc { flags |= X87Flag.c1 }
                }
                var r = sig >> s
                if inc { r &+= 1 }
                if s == 0 && inc && rc == X87Control.roundNearest && extra == 1 << 63 { r &= ~1 }
                else if s > 0 && inc && rc == X87Control.roundNearest && extra == 0
                            && sig & ((UInt64(1) << s) &- 1) == UInt64(1) << (s - 1) { r &= ~1 }
                // A carry into bit 63 makes it the smallest normal: exp is already emin.
                return Rounded(sig: r << s, exp: exp)
            }
        }
        let (inc, inexact) = increment(sign, sig, extra, s, rc)
        var r = sig >> s
        if inexact {
            flags |= X87Flag.precision
            if inc { flags |= X87Flag.c1 }
            if inc {
                r &+= 1
                // Ties to even.
                if rc == X87Control.roundNearest {
                    let tie = s == 0 ? extra == 1 << 63
                        : (extra == 0 && sig & ((UInt64(1) << s) &- 1) == UInt64(1) << (s - 1))
                    if tie { r &= ~1 }
                }
                if s == 0 {
                    if r == 0 { r = F80.integerBit; exp &+= 1 }
                } else if r == UInt64(1) << (64 - s) {
                    r >>= 1; exp &+= 1
                }
            }
        }
        if _slowPath(exp > format.emax) {
            if trapOverflow {
                flags |= X87Flag.overflow
                return Rounded(sig: r << s, exp: exp, wrapped: true)
            }
            flags |= X87Flag.overflow | X87Flag.precision
            let toInfinity: Bool
            switch rc {
            case X87Control.roundNearest: toInfinity = true
            case X87Control.roundDown: toInfinity = sign
            case X87Control.roundUp: toInfinity = !sign
            default: toInfinity = false
            }
            if toInfinity {
                flags |= X87Flag.c1
                return Rounded(sig: F80.integerBit, exp: format.emax + 1, infinite: true)
            }
            flags &= ~X87Flag.c1
            return Rounded(sig: UInt64.max << s, exp: format.emax)
        }
        return Rounded(sig: r << s, exp: exp, wrapped: wrapped)
    }

    /// Whether rounding at `s` bits below bit 0 of (sig >> s) increments, and whether the
    /// discarded bits are nonzero.
    @inline(__always)
    static func increment(_ sign: Bool, _ sig: UInt64, _ extra: UInt64, _ s: Int, _ rc: Int) -> (Bool, Bool) {
        let inexact: Bool
        let cmp: Int   // discarded part compared with half an ulp
        if s == 0 {
            inexact = extra != 0
            cmp = extra < 1 << 63 ? -1 : (extra == 1 << 63 ? 0 : 1)
        } else {
            let m = sig & ((UInt64(1) << s) &- 1)
            let h = UInt64(1) << (s - 1)
            inexact = m != 0 || extra != 0
            cmp = m < h ? -1 : (m > h ? 1 : (extra == 0 ? 0 : 1))
        }
        if !inexact { return (false, false) }
        switch rc {
        case X87Control.roundNearest:
            return (cmp > 0 || (cmp == 0 && (sig >> s) & 1 == 1), true)
        case X87Control.roundDown: return (sign, true)
        case X87Control.roundUp: return (!sign, true)
        default: return (false, true)
        }
    }

    /// (hi:lo) >> n, OR-ing every bit shifted out into bit 0 of the result.
    @inline(__always)
    static func shiftRightJam128(_ hi: UInt64, _ lo: UInt64, _ n: Int32) -> (UInt64, UInt64) {
        if n <= 0 { return (hi, lo) }
        if n < 64 {
            let lost = lo << (64 - n) != 0
            return (hi >> n, (hi << (64 - n)) | (lo >> n) | (lost ? 1 : 0))
        }
        if n == 64 { return (0, hi | (lo != 0 ? 1 : 0)) }
        if n < 128 {
            let lost = (hi << (128 - n)) != 0 || lo != 0
            return (0, (hi >> (n - 64)) | (lost ? 1 : 0))
        }
        return (0, (hi | lo) != 0 ? 1 : 0)
    }

    /// Rounds into an x87 register under `cw` and packs the result, applying the ±24576
    /// exponent adjustment of an unmasked overflow/underflow.
    @inline(__always)
    static func roundPack(_ sign: Bool, _ exp: Int32, _ sig: UInt64, _ extra: UInt64, cw: UInt16,
                          flags: inout UInt16) -> F80 {
        // The common case: round to nearest, a result well inside the normal range.
        if _fastPath(cw & 0x0c00 == 0 && exp >= -16382 && exp < 16383) {
            return roundNearestNormal(sign, exp, sig, extra, shift: 64 - X87Control.precision(cw), flags: &flags)
        }
        return roundPackSlow(sign, exp, sig, extra, cw: cw, flags: &flags)
    }

    @inline(never)
    static func roundPackSlow(_ sign: Bool, _ exp: Int32, _ sig: UInt64, _ extra: UInt64, cw: UInt16,
                              flags: inout UInt16) -> F80 {
        let r = round(sign, exp, sig, extra, Format.register(cw), rc: X87Control.rounding(cw),
                      trapUnderflow: cw & X87Flag.underflow == 0, trapOverflow: cw & X87Flag.overflow == 0,
                      flags: &flags)
        return pack80(sign, r)
    }

    /// `round` for round-to-nearest when the result cannot leave the normal range
    /// (emin ≤ exp < emax): `shift` significand bits below the rounding point.
    @inline(__always)
    static func roundNearestNormal(_ sign: Bool, _ exp: Int32, _ sig: UInt64, _ extra: UInt64, shift s: Int,
                                   flags: inout UInt16) -> F80 {
        let se = UInt16(truncatingIfNeeded: exp + F80.bias) | (sign ? 0x8000 : 0)
        if s == 0 {
            if extra == 0 { return F80(sig: sig, se: se) }
            flags |= X87Flag.precision
            if extra > 1 << 63 || (extra == 1 << 63 && sig & 1 != 0) {
                flags |= X87Flag.c1
                let (r, carry) = sig.addingReportingOverflow(1)
                return carry ? F80(sig: F80.integerBit, se: se &+ 1) : F80(sig: r, se: se)
            }
            return F80(sig: sig, se: se)
        }
        let mask = (UInt64(1) << s) &- 1
        let low = sig & mask
        if low == 0 && extra == 0 { return F80(sig: sig, se: se) }
        flags |= X87Flag.precision
        let half = UInt64(1) << (s - 1)
        let r = sig & ~mask
        if low > half || (low == half && (extra != 0 || sig & (mask &+ 1) != 0)) {
            flags |= X87Flag.c1
            let (u, carry) = r.addingReportingOverflow(mask &+ 1)
            return carry ? F80(sig: F80.integerBit, se: se &+ 1) : F80(sig: u, se: se)
        }
        return F80(sig: r, se: se)
    }

    @inline(__always)
    static func pack80(_ sign: Bool, _ r: Rounded) -> F80 {
        if r.infinite { return F80(sign: sign, biasedExp: 0x7fff, sig: F80.integerBit) }
        if r.sig == 0 { return F80(sign: sign, biasedExp: 0, sig: 0) }
        var e = r.exp + F80.bias
        if r.wrapped { e += e <= 0 ? 24576 : -24576 }
        if r.sig & F80.integerBit == 0 { e = 0 }     // denormal
        return F80(sign: sign, biasedExp: e, sig: r.sig)
    }

    // MARK: Operands

    /// A finite nonzero operand normalized: (exp, sig) with sig's bit 63 set. Denormals
    /// and pseudo-denormals have exponent −16382 before normalization.
    @inline(__always)
    static func unpack(_ a: F80) -> (Int32, UInt64) {
        let e = a.biasedExp
        if _fastPath(e != 0) { return (e - F80.bias, a.sig) }
        let lz = Int32(a.sig.leadingZeroBitCount)
        return (-16382 - lz, a.sig << lz)
    }

    /// The QNaN an operation on NaN operands returns (Intel SDM vol. 1, table 4-7): a
    /// signaling NaN raises #IA and is quieted; of two NaNs, the one with the larger
    /// significand wins (a QNaN over an SNaN).
    static func propagateNaN(_ a: F80, _ b: F80, flags: inout UInt16) -> F80 {
        let aNaN = a.isNaN, bNaN = b.isNaN
        let aS = a.isSignalingNaN, bS = b.isSignalingNaN
        if aS || bS { flags |= X87Flag.invalid }
        let qa = F80(sig: a.sig | F80.quietBit, se: a.se), qb = F80(sig: b.sig | F80.quietBit, se: b.se)
        if aNaN && bNaN {
            if aS != bS { return aS ? qb : qa }
            if qa.sig != qb.sig { return qa.sig > qb.sig ? qa : qb }
            return qa.se < qb.se ? qa : qb
        }
        return aNaN ? qa : qb
    }

    /// The masked response to an invalid operation.
    @inline(__always)
    static func invalid(_ flags: inout UInt16) -> F80 {
        flags |= X87Flag.invalid
        return F80.indefinite
    }

    /// Handles NaN and unsupported operands of a two-operand operation; nil when both
    /// are numbers.
    @inline(__always)
    static func nanOrUnsupported(_ a: F80, _ ka: F80.Kind, _ b: F80, _ kb: F80.Kind, flags: inout UInt16) -> F80? {
        if ka == .unsupported || kb == .unsupported { return invalid(&flags) }
        if ka == .quietNaN || ka == .signalingNaN || kb == .quietNaN || kb == .signalingNaN {
            return propagateNaN(a, b, flags: &flags)
        }
        return nil
    }

    // MARK: Add and subtract

    /// a + b (b negated first for subtraction).
    @inline(__always)
    static func add(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        if _slowPath(!a.isNormal || !b.isNormal) { return addSpecial(a, b, cw: cw, flags: &flags) }
        return addFinite(a.sign, a.biasedExp - F80.bias, a.sig, b.sign, b.biasedExp - F80.bias, b.sig, cw: cw, flags: &flags)
    }

    /// Operands that are not both normal: NaNs, infinities, zeros, denormals.
    @inline(never)
    static func addSpecial(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        do {
            let ka = a.kind, kb = b.kind
            if let r = nanOrUnsupported(a, ka, b, kb, flags: &flags) { return r }
            if ka == .infinity || kb == .infinity {
                if ka == .infinity && kb == .infinity && a.sign != b.sign { return invalid(&flags) }
                if ka == .denormal || kb == .denormal { flags |= X87Flag.denormal }
                return ka == .infinity ? a : b
            }
            if ka == .denormal || kb == .denormal { flags |= X87Flag.denormal }
            if ka == .zero && kb == .zero {
                if a.sign == b.sign { return a }
                return X87Control.rounding(cw) == X87Control.roundDown ? F80.negativeZero : F80.zero
            }
            if ka == .zero || kb == .zero {
                // x ± 0: x rounded to the precision control (a denormal x stays as it is
                // unless the precision is lower).
                let x = ka == .zero ? b : a
                let (e, s) = unpack(x)
                return roundPack(x.sign, e, s, 0, cw: cw, flags: &flags)
            }
        }
        let (ea, sa) = unpack(a), (eb, sb) = unpack(b)
        return addFinite(a.sign, ea, sa, b.sign, eb, sb, cw: cw, flags: &flags)
    }

    /// The sum of two finite nonzero values given unpacked (normalized significands).
    @inline(__always)
    static func addFinite(_ aSign: Bool, _ ea: Int32, _ sa: UInt64, _ bSign: Bool, _ eb: Int32, _ sb: UInt64,
                          cw: UInt16, flags: inout UInt16) -> F80 {
        // Order by magnitude: x is the larger.
        let aBigger = ea > eb || (ea == eb && sa >= sb)
        let (xs, xe, xm) = aBigger ? (aSign, ea, sa) : (bSign, eb, sb)
        let (ys, ye, ym) = aBigger ? (bSign, eb, sb) : (aSign, ea, sa)
        let d = xe - ye
        // y aligned to x as 128 bits; only beyond 128 bits is anything lost (jammed).
        let yh: UInt64, yl: UInt64
        if d < 64 {
            yh = ym >> d
            yl = d == 0 ? 0 : ym << (64 - d)
        } else if d < 128 {
            yh = 0
            yl = (ym >> (d - 64)) | (d > 64 && ym << (128 - d) != 0 ? 1 : 0)
        } else {
            yh = 0
            yl = 1
        }
        if xs == ys {
            let (lo, c0) = (0 as UInt64).addingReportingOverflow(yl)
            var (hi, c1) = xm.addingReportingOverflow(yh)
            _ = c0
            var l = lo
            var e = xe
            if c1 {
                // Carry out: shift right one, jamming the lost bit.
                l = (l >> 1) | (hi << 63) | (l & 1)
                hi = (hi >> 1) | F80.integerBit
                e += 1
                c1 = false
            }
            return roundPack(xs, e, hi, l, cw: cw, flags: &flags)
        } else {
            // x − y, x ≥ y in magnitude.
            let (lo, borrow) = (0 as UInt64).subtractingReportingOverflow(yl)
            var hi = xm &- yh &- (borrow ? 1 : 0)
            var l = lo
            if hi == 0 && l == 0 {
                return X87Control.rounding(cw) == X87Control.roundDown ? F80.negativeZero : F80.zero
            }
            var e = xe
            let lz = hi == 0 ? 64 + Int32(l.leadingZeroBitCount) : Int32(hi.leadingZeroBitCount)
            if lz > 0 {
                if lz >= 64 { hi = l << (lz - 64); l = 0 }
                else { hi = (hi << lz) | (l >> (64 - lz)); l <<= lz }
                e -= lz
            }
            return roundPack(xs, e, hi, l, cw: cw, flags: &flags)
        }
    }

    // MARK: Multiply

    @inline(__always)
    static func mul(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        if _slowPath(!a.isNormal || !b.isNormal) { return mulSpecial(a, b, cw: cw, flags: &flags) }
        return mulFinite(a.sign != b.sign, a.biasedExp - F80.bias, a.sig, b.biasedExp - F80.bias, b.sig, cw: cw, flags: &flags)
    }

    @inline(never)
    static func mulSpecial(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        let sign = a.sign != b.sign
        do {
            let ka = a.kind, kb = b.kind
            if let r = nanOrUnsupported(a, ka, b, kb, flags: &flags) { return r }
            if ka == .infinity || kb == .infinity {
                if ka == .zero || kb == .zero { return invalid(&flags) }
                if ka == .denormal || kb == .denormal { flags |= X87Flag.denormal }
                return F80(sign: sign, biasedExp: 0x7fff, sig: F80.integerBit)
            }
            if ka == .denormal || kb == .denormal { flags |= X87Flag.denormal }
            if ka == .zero || kb == .zero { return F80(sign: sign, biasedExp: 0, sig: 0) }
        }
        let (ea, sa) = unpack(a), (eb, sb) = unpack(b)
        return mulFinite(sign, ea, sa, eb, sb, cw: cw, flags: &flags)
    }

    @inline(__always)
    static func mulFinite(_ sign: Bool, _ ea: Int32, _ sa: UInt64, _ eb: Int32, _ sb: UInt64,
                          cw: UInt16, flags: inout UInt16) -> F80 {
        var (hi, lo) = sa.multipliedFullWidth(by: sb)
        var e = ea + eb
        if hi & F80.integerBit == 0 {
            hi = (hi << 1) | (lo >> 63)
            lo <<= 1
        } else {
            e += 1
        }
        return roundPack(sign, e, hi, lo, cw: cw, flags: &flags)
    }

    // MARK: Divide

    @inline(__always)
    static func div(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        if _slowPath(!a.isNormal || !b.isNormal) { return divSpecial(a, b, cw: cw, flags: &flags) }
        return divFinite(a.sign != b.sign, a.biasedExp - F80.bias, a.sig, b.biasedExp - F80.bias, b.sig, cw: cw, flags: &flags)
    }

    @inline(never)
    static func divSpecial(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        let sign = a.sign != b.sign
        do {
            let ka = a.kind, kb = b.kind
            if let r = nanOrUnsupported(a, ka, b, kb, flags: &flags) { return r }
            if ka == .infinity {
                if kb == .infinity { return invalid(&flags) }
                if kb == .denormal { flags |= X87Flag.denormal }
                return F80(sign: sign, biasedExp: 0x7fff, sig: F80.integerBit)
            }
            if kb == .infinity {
                if ka == .denormal { flags |= X87Flag.denormal }
                return F80(sign: sign, biasedExp: 0, sig: 0)
            }
            if kb == .zero {
                // A denormal dividend reports no DE here (the recording CPU): only ZE.
                if ka == .zero { return invalid(&flags) }
                flags |= X87Flag.zeroDivide
                return F80(sign: sign, biasedExp: 0x7fff, sig: F80.integerBit)
            }
            if ka == .denormal || kb == .denormal { flags |= X87Flag.denormal }
            if ka == .zero { return F80(sign: sign, biasedExp: 0, sig: 0) }
        }
        let (ea, sa) = unpack(a), (eb, sb) = unpack(b)
        return divFinite(sign, ea, sa, eb, sb, cw: cw, flags: &flags)
    }

    @inline(__always)
    static func divFinite(_ sign: Bool, _ ea: Int32, _ sa: UInt64, _ eb: Int32, _ sb: UInt64,
                          cw: UInt16, flags: inout UInt16) -> F80 {
        var e = ea - eb
        // (hi:lo) / sb with hi < sb, so the quotient fits 64 bits and has bit 63 set.
        var hi = sa, lo: UInt64 = 0
        if sa >= sb {
            lo = sa << 63
            hi = sa >> 1
        } else {
            e -= 1
        }
        let (q, r) = sb.dividingFullWidth((high: hi, low: lo))
        // The bits below the quotient only matter as "half, above, below": compare 2r
        // with the divisor (an encoding of them that rounds the same at every precision).
        var extra: UInt64 = 0
        if r != 0 {
            let twice = r >> 63 != 0 || r << 1 > sb
            let tie = r >> 63 == 0 && r << 1 == sb
            extra = tie ? 1 << 63 : (twice ? 0xc000_0000_0000_0000 : 0x4000_0000_0000_0000)
        }
        return roundPack(sign, e, q, extra, cw: cw, flags: &flags)
    }

    // MARK: Square root

    static func sqrt(_ a: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        let ka = a.kind
        if _slowPath(ka != .normal) {
            switch ka {
            case .unsupported: return invalid(&flags)
            case .quietNaN, .signalingNaN: return propagateNaN(a, a, flags: &flags)
            case .zero: return a
            case .infinity: return a.sign ? invalid(&flags) : a
            default: break
            }
        }
        if a.sign { return invalid(&flags) }
        if ka == .denormal { flags |= X87Flag.denormal }
        let (ea, sa) = unpack(a)
        let odd = ea & 1 != 0
        // N = sa·2^64 (odd ea) or sa·2^63 (even ea), so that the remaining power of two is
        // even: the root then has 64 bits with bit 63 set, and exponent floor(ea / 2).
        let nHi = odd ? sa : sa >> 1
        let nLo: UInt64 = odd ? 0 : sa << 63
        var r = isqrt128(nHi, nLo)
        // Remainder N − r².
        let (ph, pl) = r.multipliedFullWidth(by: r)
        let (remLo, b) = nLo.subtractingReportingOverflow(pl)
        let remHi = nHi &- ph &- (b ? 1 : 0)
        var extra: UInt64 = 0
        if remHi != 0 || remLo != 0 {
            // The root's fraction is above one half exactly when N − r² > r.
            extra = (remHi != 0 || remLo > r) ? 0xc000_0000_0000_0000 : 0x4000_0000_0000_0000
        }
        let e = ea >> 1   // floor division: the root of 2^(2k+1)·m is 2^k·sqrt(2m)
        if r & F80.integerBit == 0 { r <<= 1 }   // cannot happen for normalized input
        return roundPack(false, e, r, extra, cw: cw, flags: &flags)
    }

    /// floor(sqrt(hi:lo)) for hi ≥ 2^62 (the result has 64 bits).
    static func isqrt128(_ hi: UInt64, _ lo: UInt64) -> UInt64 {
        @inline(__always) func le(_ x: UInt64) -> Bool {      // x² ≤ N
            let (ph, pl) = x.multipliedFullWidth(by: x)
            return ph < hi || (ph == hi && pl <= lo)
        }
        #if (arch(x86_64) || arch(i386)) && !GATE_NO_FLOAT80
        // The host's x87 gives the root to within an ulp (when it really computes in 64
        // bits: under emulators that do not, the Newton steps below take over). N's top 64
        // bits go in and the root comes out as bit patterns: the integer conversions to
        // and from Float80 cost more than the square root.
        let lz = UInt64(hi.leadingZeroBitCount)                       // 0 or 1
        let top = (hi &<< lz) | (lz == 0 ? 0 : lo &>> 63)              // N rounded down
        var n: Float80 = 0
        withUnsafeMutableBytes(of: &n) {
            $0.storeBytes(of: top, as: UInt64.self)
            $0.storeBytes(of: UInt16(16383 + 127) &- UInt16(lz), toByteOffset: 8, as: UInt16.self)
        }
        let root = n.squareRoot()                                      // in [2^63, 2^64]
        var r: UInt64 = withUnsafeBytes(of: root) {
            $0.load(fromByteOffset: 8, as: UInt16.self) == 16383 + 63 ? $0.load(as: UInt64.self) : UInt64.max
        }
        #else
        // A double estimate: about 52 good bits.
        let approx = (Double(hi) * 18446744073709551616.0 + Double(lo)).squareRoot()
        var r: UInt64 = approx >= 18446744073709551615.0 ? UInt64.max : UInt64(approx)
        #endif
        for _ in 0..<4 {
            if le(r) {
                if r == UInt64.max || !le(r + 1) { return r }
            } else if r > 0 && le(r - 1) {
                return r - 1
            }
            // Newton: r' = (r + N/r) / 2 (N/r fits 64 bits while r > hi).
            if hi >= r { r = UInt64.max; continue }
            let (q, _) = r.dividingFullWidth((high: hi, low: lo))
            let (sum, c) = r.addingReportingOverflow(q)
            r = (sum >> 1) | (c ? F80.integerBit : 0)
        }
        while !le(r) { r -= 1 }
        while r < UInt64.max && le(r + 1) { r += 1 }
        return r
    }

    // MARK: Integers

    /// An integer as a register value: always exact.
    @inline(__always)
    static func fromInt(_ v: Int64) -> F80 {
        if v == 0 { return F80.zero }
        let m = v.magnitude
        let lz = Int32(m.leadingZeroBitCount)
        return F80(sign: v < 0, biasedExp: F80.bias + 63 - lz, sig: m << lz)
    }

    /// Rounds to an integer of `bits` (16, 32, 64) under `rc`; nil is the integer
    /// indefinite (invalid: NaN, infinity, out of range, unsupported).
    static func toInt(_ a: F80, bits: Int, rc: Int, flags: inout UInt16) -> Int64? {
        switch a.kind {
        case .zero: return 0
        case .normal, .denormal: break
        default:
            flags |= X87Flag.invalid
            return nil
        }
        let (e, s) = unpack(a)
        let mag: UInt64
        let inexact: Bool
        var inc = false
        if e < 0 {
            // |a| < 1: the result is 0 or 1.
            inexact = true
            switch rc {
            case X87Control.roundNearest: inc = e == -1 && s > F80.integerBit   // > 0.5
            case X87Control.roundDown: inc = a.sign
            case X87Control.roundUp: inc = !a.sign
            default: inc = false
            }
            mag = inc ? 1 : 0
        } else if e >= 63 {
            if e > 63 { flags |= X87Flag.invalid; return nil }
            mag = s
            inexact = false
        } else {
            let sh = 63 - e
            let intPart = s >> sh
            let frac = s << (64 - sh)
            inexact = frac != 0
            if inexact {
                switch rc {
                case X87Control.roundNearest: inc = frac > 1 << 63 || (frac == 1 << 63 && intPart & 1 == 1)
                case X87Control.roundDown: inc = a.sign
                case X87Control.roundUp: inc = !a.sign
                default: inc = false
                }
            }
            mag = intPart &+ (inc ? 1 : 0)
        }
        let limit = UInt64(1) << (bits - 1)
        if mag > limit || (mag == limit && !a.sign) {
            flags |= X87Flag.invalid
            return nil
        }
        if inexact {
            flags |= X87Flag.precision
            if inc { flags |= X87Flag.c1 }
        }
        return a.sign ? Int64(truncatingIfNeeded: 0 &- mag) : Int64(bitPattern: mag)
    }

    /// frndint: rounds to an integral value under `rc` (precision control does not apply).
    static func roundToIntegral(_ a: F80, rc: Int, flags: inout UInt16) -> F80 {
        switch a.kind {
        case .zero, .infinity: return a
        case .unsupported: return invalid(&flags)
        case .quietNaN, .signalingNaN: return propagateNaN(a, a, flags: &flags)
        case .denormal: flags |= X87Flag.denormal
        case .normal: break
        }
        let (e, s) = unpack(a)
        if e >= 63 { return a }
        if e < 0 {
            flags |= X87Flag.precision
            var one: Bool
            switch rc {
            case X87Control.roundNearest: one = e == -1 && s > F80.integerBit
            case X87Control.roundDown: one = a.sign
            case X87Control.roundUp: one = !a.sign
            default: one = false
            }
            if one { flags |= X87Flag.c1 }
            return one ? F80(sign: a.sign, biasedExp: F80.bias, sig: F80.integerBit) : F80(sign: a.sign, biasedExp: 0, sig: 0)
        }
        let sh = 63 - e
        let frac = s << (64 - sh)
        if frac == 0 { return F80(sign: a.sign, biasedExp: e + F80.bias, sig: s) }
        flags |= X87Flag.precision
        var intPart = s >> sh
        let inc: Bool
        switch rc {
        case X87Control.roundNearest: inc = frac > 1 << 63 || (frac == 1 << 63 && intPart & 1 == 1)
        case X87Control.roundDown: inc = a.sign
        case X87Control.roundUp: inc = !a.sign
        default: inc = false
        }
        if inc { intPart += 1; flags |= X87Flag.c1 }
        if intPart == 0 { return F80(sign: a.sign, biasedExp: 0, sig: 0) }
        let lz = Int32(intPart.leadingZeroBitCount)
        return F80(sign: a.sign, biasedExp: F80.bias + 63 - lz, sig: intPart << lz)
    }

    // MARK: Single and double precision

    /// Widens an m32 (`bits` 32) or m64 value: exact; SNaN raises #IA and is quieted,
    /// a denormal raises #D.
    @inline(__always)
    static func fromBinary(_ v: UInt64, double: Bool, flags: inout UInt16) -> F80 {
        if double {
            let e = UInt16(truncatingIfNeeded: v >> 52) & 0x7ff
            if _fastPath(e &- 1 < 0x7fe) {
                return F80(sig: F80.integerBit | v << 11, se: (e &+ (16383 - 1023)) | UInt16(truncatingIfNeeded: v >> 48) & 0x8000)
            }
        } else {
            let e = UInt16(truncatingIfNeeded: v >> 23) & 0xff
            if _fastPath(e &- 1 < 0xfe) {
                return F80(sig: F80.integerBit | v << 40, se: (e &+ (16383 - 127)) | UInt16(truncatingIfNeeded: v >> 16) & 0x8000)
            }
        }
        return fromBinarySlow(v, double: double, flags: &flags)
    }

    @inline(never)
    static func fromBinarySlow(_ v: UInt64, double: Bool, flags: inout UInt16) -> F80 {
        let fracBits: UInt64 = double ? 52 : 23
        let expBits: UInt64 = double ? 11 : 8
        let bias: Int32 = double ? 1023 : 127
        let sign = (v >> (fracBits + expBits)) & 1 != 0
        let e = Int32((v >> fracBits) & ((1 << expBits) - 1))
        let f = v & ((1 << fracBits) - 1)
        let maxE = Int32((1 << expBits) - 1)
        if e == maxE {
            if f == 0 { return F80(sign: sign, biasedExp: 0x7fff, sig: F80.integerBit) }
            var sig = F80.integerBit | (f << (63 - fracBits))
            if sig & F80.quietBit == 0 {
                flags |= X87Flag.invalid
                sig |= F80.quietBit
            }
            return F80(sign: sign, biasedExp: 0x7fff, sig: sig)
        }
        if e == 0 {
            if f == 0 { return F80(sign: sign, biasedExp: 0, sig: 0) }
            flags |= X87Flag.denormal
            let lz = Int32(f.leadingZeroBitCount)
            // value = f·2^(1−bias−fracBits); normalized significand f << lz.
            let exp = Int32(63) - lz + 1 - bias - Int32(fracBits)
            return F80(sign: sign, biasedExp: exp + F80.bias, sig: f << lz)
        }
        return F80(sign: sign, biasedExp: e - bias + F80.bias, sig: F80.integerBit | (f << (63 - fracBits)))
    }

    /// Narrows to m32/m64 bits under `cw` (rounding control, masks); nil when an
    /// unmasked overflow or underflow means nothing is stored.
    @inline(__always)
    static func toBinary(_ a: F80, double: Bool, cw: UInt16, flags: inout UInt16) -> UInt64? {
        if _fastPath(a.isNormal && cw & 0x0c00 == 0) {
            // Round to nearest with the result comfortably inside the format's normal range.
            let e = a.biasedExp - F80.bias
            if double ? (e >= -1022 && e < 1023) : (e >= -126 && e < 127) {
                let r = roundNearestNormal(a.sign, e, a.sig, 0, shift: double ? 11 : 40, flags: &flags)
                let re = r.biasedExp - F80.bias
                if double {
                    return UInt64(r.se & 0x8000) << 48 | UInt64(re + 1023) << 52 | (r.sig << 1) >> 12
                }
                return UInt64(r.se & 0x8000) << 16 | UInt64(re + 127) << 23 | (r.sig << 1) >> 41
            }
        }
        return toBinarySlow(a, double: double, cw: cw, flags: &flags)
    }

    @inline(never)
    static func toBinarySlow(_ a: F80, double: Bool, cw: UInt16, flags: inout UInt16) -> UInt64? {
        let fracBits: UInt64 = double ? 52 : 23
        let expBits: UInt64 = double ? 11 : 8
        let bias: Int32 = double ? 1023 : 127
        let maxE = UInt64((1 << expBits) - 1)
        let signBit: UInt64 = a.sign ? 1 << (fracBits + expBits) : 0
        switch a.kind {
        case .zero: return signBit
        case .infinity: return signBit | (maxE << fracBits)
        case .quietNaN, .signalingNaN:
            if a.isSignalingNaN { flags |= X87Flag.invalid }
            let payload = ((a.sig | F80.quietBit) << 1) >> (64 - fracBits)
            return signBit | (maxE << fracBits) | payload
        case .unsupported:
            flags |= X87Flag.invalid
            // The indefinite in the narrower format.
            return (1 << (fracBits + expBits)) | (maxE << fracBits) | (1 << (fracBits - 1))
        case .normal, .denormal: break
        }
        let (e, s) = unpack(a)
        let r = round(a.sign, e, s, 0, double ? Format.double : Format.single, rc: X87Control.rounding(cw),
                      trapUnderflow: cw & X87Flag.underflow == 0, trapOverflow: cw & X87Flag.overflow == 0,
                      flags: &flags)
        if r.wrapped { return nil }
        if r.infinite { return signBit | (maxE << fracBits) }
        if r.sig == 0 { return signBit }
        let frac = (r.sig << 1) >> (64 - fracBits)
        let biased: UInt64 = r.sig & F80.integerBit == 0 ? 0 : UInt64(r.exp + bias)
        return signBit | (biased << fracBits) | frac
    }
}
