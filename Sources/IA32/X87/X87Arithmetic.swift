#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The FPU's arithmetic, as one small interface over `F80` values: every function takes
/// its operands, the control word (precision and rounding control, exception masks) and
/// accumulates `X87Flag` bits (exceptions, C1 "rounded up", C2 for the partial-result
/// instructions). The execution layer (X87Execute.swift) knows nothing of how results
/// are computed.
///
/// What is exact, on which hosts:
/// - add, subtract, multiply, divide, square root, conversions to and from integers,
///   m32/m64/m80, packed BCD, frndint, fscale, fxtract, fprem, fprem1, comparisons and
///   the constants are bit-exact on every host, in every precision and rounding mode, with
///   the exceptions and C1 the hardware reports: they run on `SoftF80`, an integer
///   implementation that rounds exactly once (64×64→128-bit multiplies, one 128/64 divide
///   per division). That is also the fast path: measured against computing on the host's
///   x87 through `Float80` plus an error-free transformation (needed to know the precision
///   exception, C1, and to re-round for precision and rounding control), the integer
///   path is as fast or faster, and it is the same on every host. The host's `Float80` is
///   used to seed the square root and, in the tests, as an independent oracle for the
///   default control word (X87Tests.softCoreMatchesHostFloat80).
/// - f2xm1, fyl2x, fyl2xp1, fptan, fpatan, fsin, fcos, fsincos are approximate: on x86
///   hosts they use the host libm's `Float80` functions (glibc's atan2l is the fpatan
///   instruction itself; the others are within a few units in the last place of what the
///   hardware's microcode returns, and are rounded to nearest whatever the rounding
///   control says); elsewhere they are computed in `Double` (about 53 good bits). Their C1
///   is 0 and PE is set for every result that is not exact by definition.
enum X87Arithmetic {

    // MARK: Basic operations

    @inline(__always)
    static func add(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        return SoftF80.add(a, b, cw: cw, flags: &flags)
    }

    @inline(__always)
    static func sub(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        // A NaN operand keeps its sign.
        add(a, b.isNaN ? b : b.negated(), cw: cw, flags: &flags)
    }

    @inline(__always)
    static func mul(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        return SoftF80.mul(a, b, cw: cw, flags: &flags)
    }

    @inline(__always)
    static func div(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        return SoftF80.div(a, b, cw: cw, flags: &flags)
    }

    static func sqrt(_ a: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        return SoftF80.sqrt(a, cw: cw, flags: &flags)
    }

    // MARK: Conversions

    @inline(__always) static func fromInt(_ v: Int64) -> F80 { SoftF80.fromInt(v) }

    static func toInt(_ a: F80, bits: Int, rc: Int, flags: inout UInt16) -> Int64? {
        SoftF80.toInt(a, bits: bits, rc: rc, flags: &flags)
    }

    /// m32/m64 to a register value. `quiet`: a load (fld), which quiets a signaling NaN
    /// and raises #IA; an arithmetic operand keeps it signaling for the operation.
    @inline(__always)
    static func widen(_ v: UInt64, double: Bool, quiet: Bool, flags: inout UInt16) -> F80 {
        if quiet { return SoftF80.fromBinary(v, double: double, flags: &flags) }
        var fl: UInt16 = 0
        var r = SoftF80.fromBinary(v, double: double, flags: &fl)
        if fl & X87Flag.invalid != 0 { r.sig &= ~F80.quietBit }   // still signaling
        flags |= fl & ~X87Flag.invalid
        return r
    }

    @inline(__always)
    static func narrow(_ a: F80, double: Bool, cw: UInt16, flags: inout UInt16) -> UInt64? {
        SoftF80.toBinary(a, double: double, cw: cw, flags: &flags)
    }

    static func roundToIntegral(_ a: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        SoftF80.roundToIntegral(a, rc: X87Control.rounding(cw), flags: &flags)
    }

    // MARK: Constants

    /// fld1, fldl2t, fldl2e, fldpi, fldlg2, fldln2, fldz. The hardware keeps the
    /// irrational ones with extra bits and rounds them by the rounding control (without
    /// setting PE or C1).
    static func constant(_ k: Int, rc: Int) -> F80 {
        switch k {
        case 0: return F80.one
        case 1:   // log2(10): the nearest value is below it
            return F80(sig: rc == X87Control.roundUp ? 0xd49a_784b_cd1b_8aff : 0xd49a_784b_cd1b_8afe, se: 0x4000)
        case 2, 3, 4, 5:
            // log2(e), pi, log10(2), ln(2): the nearest values are above them.
            let nearest: (UInt64, UInt16)
            switch k {
            case 2: nearest = (0xb8aa_3b29_5c17_f0bc, 0x3fff)
            case 3: nearest = (0xc90f_daa2_2168_c235, 0x4000)
            case 4: nearest = (0x9a20_9a84_fbcf_f799, 0x3ffd)
            default: nearest = (0xb172_17f7_d1cf_79ac, 0x3ffe)
            }
            let down = rc == X87Control.roundDown || rc == X87Control.roundChop
            return F80(sig: nearest.0 - (down ? 1 : 0), se: nearest.1)
        default: return F80.zero
        }
    }

    // MARK: Packed BCD

    /// fbld: 18 digits, sign in bit 7 of byte 9. Digits above 9 are taken at face value.
    static func fromPackedBCD(_ raw: F80) -> F80 {
        var v: Int64 = 0
        for byte in stride(from: 8, through: 0, by: -1) {
            let b = byte == 8 ? Int64(raw.se & 0xff) : Int64((raw.sig >> (8 * UInt64(byte))) & 0xff)
            v = v &* 100 &+ (b >> 4) &* 10 &+ (b & 0xf)
        }
        var r = SoftF80.fromInt(v)
        if raw.se & 0x8000 != 0 { r = r.negated() }
        return r
    }

    /// fbstp: rounds to an integer under `rc`; out of range (|x| ≥ 10^18), NaN and infinity
    /// are invalid (the caller stores the BCD indefinite).
    static func toPackedBCD(_ a: F80, rc: Int, flags: inout UInt16) -> F80 {
        var fl: UInt16 = 0
        guard let v = SoftF80.toInt(a, bits: 64, rc: rc, flags: &fl), v.magnitude < 1_000_000_000_000_000_000 else {
            flags |= X87Flag.invalid
            return F80.indefinite
        }
        flags |= fl
        var m = v.magnitude
        var sig: UInt64 = 0
        for byte in 0..<8 {
            let lo = m % 10; m /= 10
            let hi = m % 10; m /= 10
            sig |= (hi << 4 | lo) << (8 * UInt64(byte))
        }
        let lo = m % 10; m /= 10
        let hi = m % 10
        return F80(sig: sig, se: UInt16(hi << 4 | lo) | (a.sign ? 0x8000 : 0))
    }

    // MARK: Comparison and classification

    /// C3 C2 C0 of a comparison: 000 a > b, 001 a < b, 100 equal, 111 unordered.
    static func compare(_ a: F80, _ b: F80, quiet: Bool, flags: inout UInt16) -> UInt16 {
        let ka = a.kind, kb = b.kind
        let unordered = X87Flag.c0 | X87Flag.c2 | X87Flag.c3
        if ka == .unsupported || kb == .unsupported {
            flags |= X87Flag.invalid
            return unordered
        }
        let aNaN = ka == .quietNaN || ka == .signalingNaN, bNaN = kb == .quietNaN || kb == .signalingNaN
        if aNaN || bNaN {
            if !quiet || ka == .signalingNaN || kb == .signalingNaN { flags |= X87Flag.invalid }
            return unordered
        }
        if ka == .denormal || kb == .denormal { flags |= X87Flag.denormal }
        let o = order(a, ka, b, kb)
        return o == 0 ? X87Flag.c3 : (o < 0 ? X87Flag.c0 : 0)
    }

    /// −1, 0, 1 for two numbers (no NaNs).
    static func order(_ a: F80, _ ka: F80.Kind, _ b: F80, _ kb: F80.Kind) -> Int {
        if ka == .zero && kb == .zero { return 0 }
        if a.sign != b.sign { return a.sign ? -1 : 1 }
        let mag: Int
        if ka == .zero { mag = -1 } else if kb == .zero { mag = 1 } else if ka == .infinity || kb == .infinity {
            mag = ka == kb ? 0 : (ka == .infinity ? 1 : -1)
        } else {
            let (ea, sa) = SoftF80.unpack(a), (eb, sb) = SoftF80.unpack(b)
            mag = ea != eb ? (ea < eb ? -1 : 1) : (sa == sb ? 0 : (sa < sb ? -1 : 1))
        }
        return a.sign ? -mag : mag
    }

    /// fxam: C1 = sign; C3 C2 C0 = class.
    static func examine(_ a: F80, empty: Bool) -> UInt16 {
        var cc: UInt16 = a.sign ? X87Flag.c1 : 0
        if empty { return cc | X87Flag.c3 | X87Flag.c0 }
        switch a.kind {
        case .unsupported: break
        case .quietNaN, .signalingNaN: cc |= X87Flag.c0
        case .normal: cc |= X87Flag.c2
        case .infinity: cc |= X87Flag.c2 | X87Flag.c0
        case .zero: cc |= X87Flag.c3
        case .denormal: cc |= X87Flag.c3 | X87Flag.c2
        }
        return cc
    }

    // MARK: fprem, fprem1, fscale, fxtract

    /// fprem (truncating quotient) and fprem1 (IEEE, nearest quotient): ST(0) mod ST(1).
    /// Returns the result and C0 C1 C2 C3: the low three quotient bits (C0 = q2, C3 = q1,
    /// C1 = q0) for a complete reduction, C2 alone for a partial one (exponent difference
    /// of 64 or more, reduced by 32 to 63).
    static func remainder(_ x: F80, _ y: F80, ieee: Bool, cw: UInt16, flags: inout UInt16) -> (F80, UInt16) {
        let kx = x.kind, ky = y.kind
        if let r = SoftF80.nanOrUnsupported(x, kx, y, ky, flags: &flags) { return (r, 0) }
        if kx == .infinity || ky == .zero { return (SoftF80.invalid(&flags), 0) }
        if kx == .denormal || ky == .denormal { flags |= X87Flag.denormal }
        if kx == .zero { return (x, 0) }
        if ky == .infinity { return (packExact(x, cw: cw, flags: &flags), 0) }
        let (ex, sx) = SoftF80.unpack(x), (ey, sy) = SoftF80.unpack(y)
        let d = ex - ey
        var sign = x.sign
        var r: UInt64
        var rExp: Int32       // exponent of r's bit 63 if normalized from weight 2^(rExp−63)
        var cc: UInt16 = 0
        if d >= 64 {
            // Partial remainder: reduce the exponent difference by n in 32…63.
            let n = Int32((d & 31) | 32)
            let (h, l) = (sx >> (64 - n), sx << n)
            let (_, r1) = sy.dividingFullWidth((high: 0, low: h))
            let (_, rr) = sy.dividingFullWidth((high: r1, low: l))
            r = rr
            rExp = ex - n
            cc = X87Flag.c2
        } else if d < 0 {
            // |x| < |y|: the truncated quotient is 0. The nearest one (fprem1) is 1 when
            // d = −1 and |x| > |y|/2, i.e. sx > sy (a tie rounds to the even 0).
            // x comes back normalized (a pseudo-denormal gets exponent 1; an unmasked
            // underflow wraps a denormal).
            if !ieee || d < -1 || sx <= sy { return (packExact(x, cw: cw, flags: &flags), 0) }
            // |y| − |x| = (2·sy − sx)·2^(ey−64), less than 2^64 as sx > sy.
            r = (sy << 1) &- sx
            rExp = ey - 1
            sign = !sign
            cc = X87Flag.c1
        } else {
            // Complete: q = floor(sx·2^d / sy), r = sx·2^d mod sy at weight 2^(ey−63).
            let h: UInt64 = d == 0 ? 0 : sx >> (64 - d)
            let l: UInt64 = sx << d
            let (qh, r1) = sy.dividingFullWidth((high: 0, low: h))
            let (ql, rr) = sy.dividingFullWidth((high: r1, low: l))
            _ = qh
            var q = ql
            r = rr
            rExp = ey
            if ieee {
                // Round the quotient to nearest, ties to even: compare 2r with sy.
                let twice = r >> 63 == 1 || r << 1 > sy
                let tie = r >> 63 == 0 && r << 1 == sy
                if twice || (tie && q & 1 == 1) {
                    r = sy &- r
                    q &+= 1
                    sign = !sign
                }
            }
            if q & 1 != 0 { cc |= X87Flag.c1 }
            if q & 2 != 0 { cc |= X87Flag.c3 }
            if q & 4 != 0 { cc |= X87Flag.c0 }
        }
        if r == 0 { return (F80(sign: x.sign, biasedExp: 0, sig: 0), cc) }
        return (packExact(sign, rExp, r, cw: cw, flags: &flags), cc)
    }

    /// A finite nonzero register value repacked: normalized, or denormal (with an unmasked
    /// underflow, wrapped).
    static func packExact(_ x: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        let (e, s) = SoftF80.unpack(x)
        return packExact(x.sign, e, s, cw: cw, flags: &flags)
    }

    /// r·2^(exp−63) (r not necessarily normalized), exact: only an underflow to a denormal
    /// can be reported.
    static func packExact(_ sign: Bool, _ exp: Int32, _ r: UInt64, cw: UInt16, flags: inout UInt16) -> F80 {
        let lz = Int32(r.leadingZeroBitCount)
        let f = SoftF80.Format(precision: 64, emin: -16382, emax: 16383)
        let rr = SoftF80.round(sign, exp - lz, r << lz, 0, f, rc: X87Control.rounding(cw),
                               trapUnderflow: cw & X87Flag.underflow == 0, trapOverflow: cw & X87Flag.overflow == 0,
                               flags: &flags)
        return SoftF80.pack80(sign, rr)
    }

    /// fscale: ST(0) · 2^trunc(ST(1)).
    static func scale(_ x: F80, _ y: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        let kx = x.kind, ky = y.kind
        if let r = SoftF80.nanOrUnsupported(x, kx, y, ky, flags: &flags) { return r }
        if ky == .infinity {
            if kx == .denormal { flags |= X87Flag.denormal }
            if y.sign {
                if kx == .infinity { return SoftF80.invalid(&flags) }
                return F80(sign: x.sign, biasedExp: 0, sig: 0)
            }
            if kx == .zero { return SoftF80.invalid(&flags) }
            return F80(sign: x.sign, biasedExp: 0x7fff, sig: F80.integerBit)
        }
        if kx == .denormal || ky == .denormal { flags |= X87Flag.denormal }
        if kx == .zero || kx == .infinity { return x }
        // trunc(y), clamped: anything beyond ±2^16 scales every finite value out of range.
        var n: Int32 = 0
        if ky != .zero {
            let (ey, sy) = SoftF80.unpack(y)
            if ey >= 16 { n = 1 << 17 } else if ey >= 0 { n = Int32(sy >> (63 - UInt64(ey))) }
            if y.sign { n = -n }
        }
        // Precision control does not apply: the significand is kept (a denormal result
        // is still rounded by the rounding control).
        let (ex, sx) = SoftF80.unpack(x)
        let f = SoftF80.Format(precision: 64, emin: -16382, emax: 16383)
        let r = SoftF80.round(x.sign, ex + n, sx, 0, f, rc: X87Control.rounding(cw),
                              trapUnderflow: cw & X87Flag.underflow == 0, trapOverflow: cw & X87Flag.overflow == 0,
                              flags: &flags)
        if r.wrapped {
            // Unmasked: the exponent is adjusted by ∓24576; beyond even that, the result
            // is ∞ or 0.
            let e = r.exp + F80.bias
            if e - 24576 > 0x7ffe {
                flags |= X87Flag.precision | X87Flag.c1
                return F80(sign: x.sign, biasedExp: 0x7fff, sig: F80.integerBit)
            }
            if e + 24576 < 1 {
                flags |= X87Flag.precision
                flags &= ~X87Flag.c1
                return F80(sign: x.sign, biasedExp: 0, sig: 0)
            }
        }
        return SoftF80.pack80(x.sign, r)
    }

    /// fxtract: (exponent, significand) — ST(1) gets the unbiased exponent, ST(0) the
    /// significand scaled to [1, 2).
    static func extract(_ x: F80, cw: UInt16, flags: inout UInt16) -> (F80, F80) {
        switch x.kind {
        case .unsupported:
            flags |= X87Flag.invalid
            return (F80.indefinite, F80.indefinite)
        case .quietNaN, .signalingNaN:
            let q = SoftF80.propagateNaN(x, x, flags: &flags)
            return (q, q)
        case .zero:
            flags |= X87Flag.zeroDivide
            return (F80(sig: F80.integerBit, se: 0xffff), x)
        case .infinity:
            return (F80.infinity, x)
        case .denormal:
            flags |= X87Flag.denormal
            fallthrough
        case .normal:
            let (e, s) = SoftF80.unpack(x)
            return (SoftF80.fromInt(Int64(e)), F80(sign: x.sign, biasedExp: F80.bias, sig: s))
        }
    }

    // MARK: Transcendental instructions (approximate; see the type's comment)

    /// f2xm1: 2^x − 1 for −1 ≤ x ≤ 1.
    static func f2xm1(_ x: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        switch x.kind {
        case .unsupported: return SoftF80.invalid(&flags)
        case .quietNaN, .signalingNaN: return SoftF80.propagateNaN(x, x, flags: &flags)
        case .zero: return x
        case .infinity: return x.sign ? F80(sign: true, biasedExp: F80.bias, sig: F80.integerBit) : x
        case .denormal:
            flags |= X87Flag.denormal
            // 2^x − 1 = x·ln 2 to far more than 64 bits: one rounding of the product.
            let (e, sx) = SoftF80.unpack(x)
            let (h1, l1) = sx.multipliedFullWidth(by: 0xb172_17f7_d1cf_79ab)
            let (h2, _) = sx.multipliedFullWidth(by: 0xc9e3_b398_03f2_f6af)
            let (lo, c) = l1.addingReportingOverflow(h2)
            var hi = h1 &+ (c ? 1 : 0), l = lo | 1      // the rest of ln 2 is never zero
            var ee = e
            if hi & F80.integerBit == 0 { hi = hi << 1 | l >> 63; l <<= 1; ee -= 1 }
            return SoftF80.roundPack(x.sign, ee, hi, l, cw: cw | 0x0300, flags: &flags)
        case .normal: break
        }
        flags |= X87Flag.precision
        // Outside −1…1 the result is undefined; the recording CPU returns the operand.
        if x.biasedExp > F80.bias || (x.biasedExp == F80.bias && x.sig != F80.integerBit) { return x }
        if x.biasedExp == F80.bias {
            if x.sign { return F80(sign: true, biasedExp: F80.bias - 1, sig: F80.integerBit) }
            flags |= X87Flag.c1
            return F80.one
        }
        return tiny(Host.exp2m1(x), &flags)
    }

    /// fyl2x: y · log2(x).
    static func yl2x(_ x: F80, _ y: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        let kx = x.kind, ky = y.kind
        if let r = SoftF80.nanOrUnsupported(x, kx, y, ky, flags: &flags) { return r }
        if x.sign && kx != .zero { return SoftF80.invalid(&flags) }
        if kx == .denormal || ky == .denormal { flags |= X87Flag.denormal }
        let xIsOne = x == F80.one
        if kx == .zero {
            if ky == .zero { return SoftF80.invalid(&flags) }
            if ky != .infinity { flags |= X87Flag.zeroDivide }
            return F80(sign: !y.sign, biasedExp: 0x7fff, sig: F80.integerBit)
        }
        if kx == .infinity {
            if ky == .zero { return SoftF80.invalid(&flags) }
            return F80(sign: y.sign, biasedExp: 0x7fff, sig: F80.integerBit)
        }
        if ky == .infinity {
            if xIsOne { return SoftF80.invalid(&flags) }
            let below = order(x, kx, F80.one, .normal) < 0
            return F80(sign: y.sign != below, biasedExp: 0x7fff, sig: F80.integerBit)
        }
        if xIsOne { return F80(sign: y.sign, biasedExp: 0, sig: 0) }
        if ky == .zero {
            let below = order(x, kx, F80.one, .normal) < 0
            return F80(sign: y.sign != below, biasedExp: 0, sig: 0)
        }
        flags |= X87Flag.precision
        // y · log2(x): the logarithm from the host, the product rounded exactly (so a
        // tiny or huge product underflows, overflows and wraps as the hardware's does).
        return SoftF80.mul(y, Host.log2(x), cw: cw | 0x0300, flags: &flags)
    }

    /// fyl2xp1: y · log2(x + 1) for |x| < 1 − √2/2.
    static func yl2xp1(_ x: F80, _ y: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        let kx = x.kind, ky = y.kind
        if let r = SoftF80.nanOrUnsupported(x, kx, y, ky, flags: &flags) { return r }
        if kx == .denormal || ky == .denormal { flags |= X87Flag.denormal }
        if kx == .zero {
            if ky == .infinity { return SoftF80.invalid(&flags) }
            return F80(sign: x.sign != y.sign, biasedExp: 0, sig: 0)
        }
        if kx == .infinity {
            if x.sign || ky == .zero { return SoftF80.invalid(&flags) }
            return F80(sign: y.sign, biasedExp: 0x7fff, sig: F80.integerBit)
        }
        if ky == .infinity {
            return F80(sign: x.sign != y.sign, biasedExp: 0x7fff, sig: F80.integerBit)
        }
        if ky == .zero { return F80(sign: x.sign != y.sign, biasedExp: 0, sig: 0) }
        flags |= X87Flag.precision
        // Outside |x| < 1 the result is undefined; the recording CPU returns x.
        if x.biasedExp >= F80.bias { return x }
        // y · log2(1 + x) = (y · log2 e) · ln(1 + x). For tiny x, ln(1 + x) is x itself, so
        // keeping it as the last factor makes the result exact but for the final rounding.
        var fl: UInt16 = 0
        let yl = SoftF80.mul(y, F80(sig: 0xb8aa_3b29_5c17_f0bc, se: 0x3fff), cw: 0x037f, flags: &fl)
        if yl.kind == .infinity || yl.kind == .denormal || yl.kind == .zero {
            // y too large or too small for that order: y · (log2(1 + x)).
            return SoftF80.mul(y, Host.log2p1(x), cw: cw | 0x0300, flags: &flags)
        }
        return SoftF80.mul(yl, Host.log1p(x), cw: cw | 0x0300, flags: &flags)
    }

    /// fpatan: atan(y / x) with the quadrant of (x, y).
    static func atan2(_ y: F80, _ x: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        let kx = x.kind, ky = y.kind
        if let r = SoftF80.nanOrUnsupported(y, ky, x, kx, flags: &flags) { return r }
        if kx == .denormal || ky == .denormal { flags |= X87Flag.denormal }
        // atan2(±0, x ≥ +0) is ±0 exactly; every other result (multiples of π/4 included)
        // is inexact.
        if ky == .zero && !x.sign { return y }
        flags |= X87Flag.precision
        return tiny(Host.arctan2(y, x), &flags)
    }

    /// An inexact result that came out denormal has underflowed; one that came out
    /// infinite from finite operands has overflowed.
    @inline(__always) static func tiny(_ r: F80, _ flags: inout UInt16) -> F80 {
        if r.kind == .denormal { flags |= X87Flag.underflow }
        if r.kind == .infinity { flags |= X87Flag.overflow | X87Flag.c1 }
        return r
    }

    /// Whether a trigonometric operand is out of range (C2 set, operand unchanged).
    @inline(__always) static func trigOutOfRange(_ x: F80) -> Bool {
        x.biasedExp >= F80.bias + 63 && x.biasedExp != 0x7fff
    }

    /// Common special cases of fsin, fcos, fptan, fsincos: nil when x is an ordinary
    /// number to compute.
    static func trigSpecial(_ x: F80, flags: inout UInt16) -> F80? {
        switch x.kind {
        case .unsupported, .infinity: return SoftF80.invalid(&flags)
        case .quietNaN, .signalingNaN: return SoftF80.propagateNaN(x, x, flags: &flags)
        case .denormal:
            flags |= X87Flag.denormal
            return nil
        default: return nil
        }
    }

    /// |x| = k·π₆₆/2 + r: (k mod 4, r as a hi/lo pair, or nil when r is 0).
    static func reduce(_ x: F80) -> (Int, F80, F80)? {
        let ax = x.magnitude()
        if ax.biasedExp < F80.bias - 1 { return (0, ax, F80.zero) }
        let red = X87Trig.reduce(ax)
        if red.isZero { return nil }
        let hi = F80(sign: red.negative, biasedExp: red.exp + F80.bias, sig: red.hi)
        var lo = F80.zero
        if red.lo != 0 {
            let lz = Int32(red.lo.leadingZeroBitCount)
            lo = F80(sign: red.negative, biasedExp: red.exp - 64 - lz + F80.bias, sig: red.lo << lz)
        }
        return (red.quadrant, hi, lo)
    }

    /// sin and cos of |x| by quadrant.
    static func sinCosMagnitude(_ x: F80) -> (F80, F80) {
        guard let (q, h, l) = reduce(x) else {
            // An exact multiple of π₆₆/2.
            let one = F80.one, zero = F80.zero
            switch X87Trig.reduce(x.magnitude()).quadrant {
            case 0: return (zero, one)
            case 1: return (one, zero)
            case 2: return (zero, one.negated())
            default: return (one.negated(), zero)
            }
        }
        let s = Host.sinPair(h, l), c = Host.cosPair(h, l)
        switch q {
        case 0: return (s, c)
        case 1: return (c, s.negated())
        case 2: return (s.negated(), c.negated())
        default: return (c.negated(), s)
        }
    }

    /// x moved by much less than an ulp towards zero (`up` false) or away from it, then
    /// rounded: sin x, tan x and cos x for operands too small to change them otherwise.
    static func nudged(_ x: F80, up: Bool, cw: UInt16, flags: inout UInt16) -> F80 {
        let (e, s) = SoftF80.unpack(x)
        if up { return SoftF80.roundPack(x.sign, e, s, 1, cw: cw | 0x0300, flags: &flags) }
        // (s − 2^−64): with s = 2^63 the value drops below the binade.
        if s == F80.integerBit {
            return SoftF80.roundPack(x.sign, e - 1, UInt64.max, 0xffff_ffff_ffff_fffe, cw: cw | 0x0300, flags: &flags)
        }
        return SoftF80.roundPack(x.sign, e, s - 1, UInt64.max, cw: cw | 0x0300, flags: &flags)
    }

    static func sin(_ x: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        if let r = trigSpecial(x, flags: &flags) { return r }
        if trigOutOfRange(x) { flags |= X87Flag.c2; return x }
        if x.kind == .zero { return x }
        if x.kind == .denormal { return nudged(x, up: false, cw: cw, flags: &flags) }
        flags |= X87Flag.precision
        let s = sinCosMagnitude(x).0
        return x.sign ? s.negated() : s
    }

    static func cos(_ x: F80, cw: UInt16, flags: inout UInt16) -> F80 {
        if let r = trigSpecial(x, flags: &flags) { return r }
        if trigOutOfRange(x) { flags |= X87Flag.c2; return x }
        if x.kind == .zero { return F80.one }
        if x.kind == .denormal { return nudged(F80.one, up: false, cw: cw, flags: &flags) }
        flags |= X87Flag.precision
        return sinCosMagnitude(x).1
    }

    /// fptan: (tan x, 1.0) — the second value is pushed.
    static func tan(_ x: F80, cw: UInt16, flags: inout UInt16) -> (F80, F80) {
        if let r = trigSpecial(x, flags: &flags) { return (r, r) }
        if trigOutOfRange(x) { flags |= X87Flag.c2; return (x, x) }
        if x.kind == .zero { return (x, F80.one) }
        if x.kind == .denormal { return (nudged(x, up: true, cw: cw, flags: &flags), F80.one) }
        flags |= X87Flag.precision
        var t: F80
        if let (q, h, l) = reduce(x) {
            t = q & 1 == 0 ? Host.tanPair(h, l) : Host.cotPair(h, l).negated()
        } else {
            t = F80.zero
        }
        if x.sign { t = t.negated() }
        return (t, F80.one)
    }

    /// fsincos: (sin x, cos x) — cos is pushed.
    static func sincos(_ x: F80, cw: UInt16, flags: inout UInt16) -> (F80, F80) {
        if let r = trigSpecial(x, flags: &flags) { return (r, r) }
        if trigOutOfRange(x) { flags |= X87Flag.c2; return (x, x) }
        if x.kind == .zero { return (x, F80.one) }
        if x.kind == .denormal {
            var fc: UInt16 = 0
            let c = nudged(F80.one, up: false, cw: cw, flags: &fc)
            return (nudged(x, up: false, cw: cw, flags: &flags), c)
        }
        flags |= X87Flag.precision
        let (s, c) = sinCosMagnitude(x)
        return (x.sign ? s.negated() : s, c)
    }
}

// MARK: - Host libm for the transcendental instructions

#if (arch(x86_64) || arch(i386)) && !GATE_NO_FLOAT80
/// Host `Float80` (the host's own x87 format) and its libm.
enum Host {
    @inline(__always) static func float(_ x: F80) -> Float80 {
        var f: Float80 = 0
        withUnsafeMutableBytes(of: &f) {
            $0.storeBytes(of: x.sig, as: UInt64.self)
            $0.storeBytes(of: x.se, toByteOffset: 8, as: UInt16.self)
        }
        return f
    }
    @inline(__always) static func f80(_ f: Float80) -> F80 {
        withUnsafeBytes(of: f) { F80(sig: $0.load(as: UInt64.self), se: $0.load(fromByteOffset: 8, as: UInt16.self)) }
    }
    static let ln2: Float80 = 0.693147180559945309417232121458176568
    static func exp2m1(_ x: F80) -> F80 { f80(expm1l(float(x) * ln2)) }
    static func log2(_ x: F80) -> F80 { f80(log2l(float(x))) }
    static func log1p(_ x: F80) -> F80 { f80(log1pl(float(x))) }
    static func log2p1(_ x: F80) -> F80 { f80(log1pl(float(x)) / ln2) }
    static func arctan2(_ y: F80, _ x: F80) -> F80 { f80(atan2l(float(y), float(x))) }
    /// sin, cos, tan, cot of h + l (|l| at most half an ulp of h).
    static func sinPair(_ h: F80, _ l: F80) -> F80 {
        let a = float(h), b = float(l)
        return f80(sinl(a) + b * cosl(a))
    }
    static func cosPair(_ h: F80, _ l: F80) -> F80 {
        let a = float(h), b = float(l)
        return f80(cosl(a) - b * sinl(a))
    }
    static func tanPair(_ h: F80, _ l: F80) -> F80 {
        let t = tanl(float(h))
        return f80(t + float(l) * (1 + t * t))
    }
    static func cotPair(_ h: F80, _ l: F80) -> F80 {
        let t = tanl(float(h))
        let c = 1 / t
        return f80(c - float(l) * (1 + c * c))
    }
}
#else
/// Hosts without an x87: the transcendental instructions in `Double` — APPROXIMATE
/// (about 53 correct bits instead of 64, and no extended exponent range). The basic
/// arithmetic does not come through here: it is exact on every host (`SoftF80`).
enum Host {
    static func double(_ x: F80) -> Double {
        var fl: UInt16 = 0
        let bits = SoftF80.toBinary(x, double: true, cw: X87Control.initial, flags: &fl) ?? 0
        return Double(bitPattern: bits)
    }
    static func f80(_ d: Double) -> F80 {
        var fl: UInt16 = 0
        return SoftF80.fromBinary(d.bitPattern, double: true, flags: &fl)
    }
    static func exp2m1(_ x: F80) -> F80 { f80(libmExpm1(double(x) * 0.6931471805599453)) }
    static func log2(_ x: F80) -> F80 { f80(libmLog2(double(x))) }
    static func log1p(_ x: F80) -> F80 { f80(libmLog1p(double(x))) }
    static func log2p1(_ x: F80) -> F80 { f80(libmLog1p(double(x)) / 0.6931471805599453) }
    static func arctan2(_ y: F80, _ x: F80) -> F80 { f80(libmAtan2(double(y), double(x))) }
    static func sinPair(_ h: F80, _ l: F80) -> F80 { f80(libmSin(double(h)) + double(l) * libmCos(double(h))) }
    static func cosPair(_ h: F80, _ l: F80) -> F80 { f80(libmCos(double(h)) - double(l) * libmSin(double(h))) }
    static func tanPair(_ h: F80, _ l: F80) -> F80 { f80(libmTan(double(h))) }
    static func cotPair(_ h: F80, _ l: F80) -> F80 { f80(1 / libmTan(double(h))) }
}

// The C library's functions under names `Host` does not shadow.
private func libmExpm1(_ x: Double) -> Double { expm1(x) }
private func libmLog2(_ x: Double) -> Double { log2(x) }
private func libmLog1p(_ x: Double) -> Double { log1p(x) }
private func libmAtan2(_ y: Double, _ x: Double) -> Double { atan2(y, x) }
private func libmSin(_ x: Double) -> Double { sin(x) }
private func libmCos(_ x: Double) -> Double { cos(x) }
private func libmTan(_ x: Double) -> Double { tan(x) }
#endif
