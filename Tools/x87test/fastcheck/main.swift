// Checks the x87 fast paths (Sources/IA32/X87/X87FastArithmetic.swift) against the
// general implementation (SoftF80) on random operands: whenever the fast path gives a
// result, it must be the general path's result bit for bit, with the same flags. Built
// with the three source files it needs, not the package:
//
//   swiftc -O -o /tmp/fastcheck Sources/IA32/X87/F80.swift Sources/IA32/X87/SoftF80.swift \
//       Sources/IA32/X87/X87FastArithmetic.swift Tools/x87test/fastcheck/main.swift
//   /tmp/fastcheck [MILLIONS [SEED]]
//
// Operands are drawn to reach every branch of the fast path: exponents close together
// (cancellation, carries), far apart (alignment, the ≥ 64-bit shift it declines), near
// both ends of the range (it must decline tiny and huge results), significands with
// long runs of ones and zeros (carries through rounding, exact ties), and a share of
// zeros, denormals, infinities and NaNs (it must decline them). Every precision control
// is used; the rounding control is always nearest (the fast path declines the others).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct Rng {
    var s: UInt64
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: UInt64) -> UInt64 { next() % n }
}

func significand(_ r: inout Rng) -> UInt64 {
    switch r.below(8) {
    case 0: return F80.integerBit | (r.next() & ~((1 << 40) - 1))        // a single
    case 1: return F80.integerBit | (r.next() & ~((1 << 11) - 1))        // a double
    case 2: return UInt64.max << r.below(64)                             // a run of ones
    case 3: return F80.integerBit | (1 << r.below(63))                    // two bits
    case 4:
        // Exactly or nearly a tie at a rounding point of some precision.
        let b = [39, 10, 0][Int(r.below(3))]
        var s = (r.next() | F80.integerBit) & ~((UInt64(2) << b) - 1) | (UInt64(1) << b)
        if r.below(2) == 0 { s ^= 1 << r.below(12) }
        return s | F80.integerBit
    default: return r.next() | F80.integerBit
    }
}

func value(_ r: inout Rng, near e0: UInt16?) -> F80 {
    let sign: UInt16 = r.below(2) == 0 ? 0 : 0x8000
    switch r.below(40) {
    case 0: return F80(sig: 0, se: sign)
    case 1: return F80(sig: r.next() >> r.below(64), se: sign)                   // denormal
    case 2: return F80(sig: F80.integerBit | r.next() >> 1, se: sign)             // pseudo-denormal
    case 3: return F80(sig: F80.integerBit, se: sign | 0x7fff)                     // infinity
    case 4: return F80(sig: F80.integerBit | r.next(), se: sign | 0x7fff)         // NaN
    case 5: return F80(sig: r.next() >> 1, se: sign | UInt16(1 + r.below(0x7ffe)))  // unnormal
    case 6, 7: return F80(sig: significand(&r), se: sign | UInt16(1 + r.below(90)))  // near the bottom
    case 8, 9: return F80(sig: significand(&r), se: sign | UInt16(0x7ffe - r.below(90)))  // near the top
    case 10, 11: return F80(sig: significand(&r), se: sign | UInt16(1 + r.below(0x7ffe)))
    default:
        let base = Int(e0 ?? UInt16(0x3fff - 40 + r.below(80)))
        let spread = [0, 1, 2, 8, 40, 70, 140][Int(r.below(7))]
        let e = min(max(base + Int(r.below(UInt64(2 * spread + 1))) - spread, 1), 0x7ffe)
        return F80(sig: significand(&r), se: sign | UInt16(e))
    }
}

var failures = 0
var fastCount = 0
var total = 0

func check(_ what: String, _ a: F80, _ b: F80, _ fast: F80?, _ fastFlags: UInt16, _ ref: F80, _ refFlags: UInt16, cw: UInt16) {
    total += 1
    guard let fast else { return }
    fastCount += 1
    if fast != ref || fastFlags != refFlags {
        failures += 1
        if failures <= 20 {
            print("\(what) cw \(String(cw, radix: 16)) a \(a) b \(b): fast \(fast) flags \(String(fastFlags, radix: 16)), "
                  + "general \(ref) flags \(String(refFlags, radix: 16))")
        }
    }
}

let args = CommandLine.arguments
let millions = args.count > 1 ? Int(args[1])! : 10
var rng = Rng(s: args.count > 2 ? UInt64(args[2])! : 1)
let controls: [UInt16] = [0x037f, 0x027f, 0x007f, 0x017f, 0x0f7f, 0x035f]

for _ in 0..<(millions * 1_000_000 / 8) {
    let cw = controls[Int(rng.below(UInt64(controls.count)))]
    let s = X87Fast.nearestShift(cw)
    let a = value(&rng, near: nil)
    let b = value(&rng, near: rng.below(3) == 0 ? nil : a.se & 0x7fff)
    var ff: UInt16 = 0, rf: UInt16 = 0
    let fastOK = s != X87Fast.general && X87Fast.bothNormal(a, b)
    // The fast path is used only when both operands are normal: bothNormal must say so.
    if X87Fast.bothNormal(a, b) != (a.isNormal && b.isNormal) {
        failures += 1
        print("bothNormal wrong for \(a) \(b)")
    }

    ff = 0; rf = 0
    check("add", a, b, fastOK ? X87Fast.add(a, b, s, &ff) : nil, ff, SoftF80.add(a, b, cw: cw, flags: &rf), rf, cw: cw)
    ff = 0; rf = 0
    check("sub", a, b, fastOK ? X87Fast.sub(a, b, s, &ff) : nil, ff,
          SoftF80.add(a, b.isNaN ? b : b.negated(), cw: cw, flags: &rf), rf, cw: cw)
    ff = 0; rf = 0
    check("mul", a, b, fastOK ? X87Fast.mul(a, b, s, &ff) : nil, ff, SoftF80.mul(a, b, cw: cw, flags: &rf), rf, cw: cw)
    ff = 0; rf = 0
    check("div", a, b, fastOK ? X87Fast.div(a, b, s, &ff) : nil, ff, SoftF80.div(a, b, cw: cw, flags: &rf), rf, cw: cw)
    ff = 0; rf = 0
    check("sqrt", a, a, s != X87Fast.general ? X87Fast.sqrt(a, s, &ff) : nil, ff, SoftF80.sqrt(a, cw: cw, flags: &rf), rf, cw: cw)

    // The integer square root both square roots rest on: r² ≤ N < (r + 1)².
    do {
        let nHi = rng.next() | (1 << 62), nLo = rng.below(4) == 0 ? 0 : rng.next()
        let r = SoftF80.isqrt128(nHi, nLo)
        let (ph, pl) = r.multipliedFullWidth(by: r)
        let below = ph < nHi || (ph == nHi && pl <= nLo)
        // (r + 1)² = r² + 2r + 1 > N, computed in 129 bits.
        let (l1, c1) = pl.addingReportingOverflow(r)
        let (l2, c2) = l1.addingReportingOverflow(r &+ 1)
        let h2 = ph.addingReportingOverflow((c1 ? 1 : 0) + (c2 ? 1 : 0) + (r == UInt64.max ? 1 : 0))
        let above = h2.overflow || h2.partialValue > nHi || (h2.partialValue == nHi && l2 > nLo)
        total += 1
        if !below || !above {
            failures += 1
            print("isqrt128(\(nHi), \(nLo)) = \(r)")
        }
    }

    // Comparison: C3 C2 C0 as X87Arithmetic.compare computes them for numbers.
    if let cc = X87Fast.compare(a, b) {
        total += 1
        fastCount += 1
        let ka = a.kind, kb = b.kind
        var o = 0
        if !(ka == .zero && kb == .zero) {
            if a.sign != b.sign { o = a.sign ? -1 : 1 } else {
                let ma = (UInt32(a.se & 0x7fff), a.sig), mb = (UInt32(b.se & 0x7fff), b.sig)
                let m = ma == mb ? 0 : (ma < mb ? -1 : 1)
                o = a.sign ? -m : m
            }
        }
        let want: UInt16 = o == 0 ? X87Flag.c3 : (o < 0 ? X87Flag.c0 : 0)
        if cc != want || !((ka == .normal || ka == .zero) && (kb == .normal || kb == .zero)) {
            failures += 1
            print("compare \(a) \(b): fast \(cc) want \(want)")
        }
    }

    // Conversions: m64 and m32 in both directions, rounding to nearest.
    let bits = rng.next()
    if let x = X87Fast.fromDouble(bits) {
        var fl: UInt16 = 0
        total += 1; fastCount += 1
        if x != SoftF80.fromBinary(bits, double: true, flags: &fl) || fl != 0 { failures += 1; print("fromDouble \(bits)") }
    }
    let bits32 = UInt32(truncatingIfNeeded: bits)
    if let x = X87Fast.fromSingle(bits32) {
        var fl: UInt16 = 0
        total += 1; fastCount += 1
        if x != SoftF80.fromBinary(UInt64(bits32), double: false, flags: &fl) || fl != 0 { failures += 1; print("fromSingle \(bits32)") }
    }
    for double in [true, false] where s != X87Fast.general {
        var ff: UInt16 = 0, rf: UInt16 = 0
        let fast: UInt64? = double ? X87Fast.toDouble(a, &ff) : X87Fast.toSingle(a, &ff).map { UInt64($0) }
        let ref = SoftF80.toBinary(a, double: double, cw: cw, flags: &rf)
        total += 1
        if let fast {
            fastCount += 1
            if fast != ref || ff != rf {
                failures += 1
                if failures <= 20 { print("to\(double ? "Double" : "Single") \(a) cw \(String(cw, radix: 16)): fast \(fast) general \(String(describing: ref))") }
            }
        }
    }
}

print("fastcheck: \(total) operations, \(fastCount) on the fast path, \(failures) mismatches")
exit(failures == 0 ? 0 : 1)
