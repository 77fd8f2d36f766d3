/// Argument reduction for fsin, fcos, fsincos and fptan as the hardware does it: modulo
/// π/2 where π is the x87's internal 66-bit approximation (0xC90FDAA22168C234C·2^−66,
/// Intel SDM vol. 1, 8.3.10; the recording AMD CPU uses the same value). The reduction
/// is exact (integer arithmetic); only the evaluation on the reduced argument is
/// approximate. For large operands this is what makes the results agree with the
/// hardware rather than with the mathematically exact functions.
enum X87Trig {
    /// π₆₆/2 = M66·2^−65, M66 = 0x3_243F6A88_85A308D3.
    static let m66Hi: UInt64 = 0x3
    static let m66Lo: UInt64 = 0x243f_6a88_85a3_08d3

    /// A 256-bit two's complement integer, least significant limb first.
    struct U256 {
        var w: (UInt64, UInt64, UInt64, UInt64)

        static func - (a: U256, b: U256) -> U256 {
            let (r0, c0) = a.w.0.subtractingReportingOverflow(b.w.0)
            let (t1, c1a) = a.w.1.subtractingReportingOverflow(b.w.1)
            let (r1, c1b) = t1.subtractingReportingOverflow(c0 ? 1 : 0)
            let (t2, c2a) = a.w.2.subtractingReportingOverflow(b.w.2)
            let (r2, c2b) = t2.subtractingReportingOverflow((c1a || c1b) ? 1 : 0)
            let r3 = a.w.3 &- b.w.3 &- ((c2a || c2b) ? 1 : 0)
            return U256(w: (r0, r1, r2, r3))
        }

        var isNegative: Bool { w.3 >> 63 != 0 }
        var negated: U256 { U256(w: (0, 0, 0, 0)) - self }
        var isZero: Bool { w.0 | w.1 | w.2 | w.3 == 0 }


        var leadingZeroBitCount: Int {
            if w.3 != 0 { return w.3.leadingZeroBitCount }
            if w.2 != 0 { return 64 + w.2.leadingZeroBitCount }
            if w.1 != 0 { return 128 + w.1.leadingZeroBitCount }
            return 192 + w.0.leadingZeroBitCount
        }

        /// self << n for 0 ≤ n < 256.
        func shiftedLeft(_ n: Int) -> U256 {
            let limbs = n / 64, bits = n % 64
            var src = w
            var out = U256(w: (0, 0, 0, 0))
            withUnsafeBytes(of: &src) { s in
                withUnsafeMutableBytes(of: &out.w) { o in
                    for i in limbs..<4 {
                        var v = s.load(fromByteOffset: (i - limbs) * 8, as: UInt64.self) << bits
                        if bits > 0 && i - limbs > 0 {
                            v |= s.load(fromByteOffset: (i - limbs - 1) * 8, as: UInt64.self) >> (64 - bits)
                        }
                        o.storeBytes(of: v, toByteOffset: i * 8, as: UInt64.self)
                    }
                }
            }
            return out
        }

        /// The magnitude as a double, times 2^−129.
        var scaledDouble: Double {
            (((Double(w.3) * 18446744073709551616.0 + Double(w.2)) * 18446744073709551616.0 + Double(w.1))
                * 18446744073709551616.0 + Double(w.0)) * X87Trig.pow2(-129)
        }
    }

    /// k·P, P = π₆₆/2·2^129 = M66 << 64.
    static func timesP(_ k: UInt64) -> U256 {
        let (h1, l1) = k.multipliedFullWidth(by: m66Lo)
        let (h2, l2) = k.multipliedFullWidth(by: m66Hi)
        let (mid, c) = h1.addingReportingOverflow(l2)
        return U256(w: (0, l1, mid, h2 &+ (c ? 1 : 0)))
    }

    /// The reduced argument: |x| = k·π₆₆/2 + r, |r| ≲ π₆₆/4, with r = ±(hi:lo)·2^(exp−127)
    /// (hi's top bit set; `exp` is the unbiased exponent of that bit).
    struct Reduced {
        var quadrant: Int
        var negative: Bool
        var hi: UInt64
        var lo: UInt64
        var exp: Int32
        var isZero: Bool
    }

    /// Reduces |x| for a normal x with 2^−1 ≤ |x| < 2^63.
    static func reduce(_ x: F80) -> Reduced {
        let e = Int(x.biasedExp - F80.bias)          // −1 … 62
        // X = |x|·2^129 = sig << (e + 66): at most 192 bits.
        let X = U256(w: (x.sig, 0, 0, 0)).shiftedLeft(e + 66)
        let halfPi = 1.5707963267948966
        var k = UInt64((Double(x.sig) * pow2(e - 63) / halfPi).rounded())
        var r = X - timesP(k)
        for _ in 0..<4 {
            let neg = r.isNegative
            let rv = (neg ? r.negated : r).scaledDouble
            let d = (rv / halfPi).rounded()
            if d == 0 { break }
            let step = UInt64(d)
            k = neg ? k &- step : k &+ step
            r = X - timesP(k)
        }
        let neg = r.isNegative
        let mag = neg ? r.negated : r
        if mag.isZero { return Reduced(quadrant: Int(k & 3), negative: false, hi: 0, lo: 0, exp: 0, isZero: true) }
        let lz = mag.leadingZeroBitCount
        let n = mag.shiftedLeft(lz)
        // The top bit was bit 255 − lz of a value scaled by 2^129.
        return Reduced(quadrant: Int(k & 3), negative: neg, hi: n.w.3, lo: n.w.2,
                       exp: Int32(255 - lz - 129), isZero: false)
    }

    @inline(__always) static func pow2(_ n: Int) -> Double {
        Double(sign: .plus, exponent: n, significand: 1)
    }
}
