/// An x87 register value in the 80-bit double-extended format, bit for bit: the
/// significand with its explicit integer bit, and the sign with the 15-bit biased
/// exponent. Every encoding the format allows is representable, including the ones the
/// 387 and later reject as operands (pseudo-NaNs, pseudo-infinities, unnormals), so
/// loads and stores of m80 and fxch/fld st(i) are raw copies.
///
/// This is the value type of the FPU's arithmetic interface (`X87Arithmetic`); how the
/// arithmetic is carried out (host `Float80`, the exact integer core `SoftF80`) is
/// private to that interface.
public struct F80: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var sig: UInt64
    /// Bit 15: sign. Bits 14…0: biased exponent (bias 16383).
    public var se: UInt16

    @inline(__always) public init(sig: UInt64, se: UInt16) {
        self.sig = sig
        self.se = se
    }

    @inline(__always) init(sign: Bool, biasedExp: Int32, sig: UInt64) {
        self.sig = sig
        self.se = (sign ? 0x8000 : 0) | UInt16(truncatingIfNeeded: biasedExp & 0x7fff)
    }

    @inline(__always) public var sign: Bool { se & 0x8000 != 0 }
    @inline(__always) public var biasedExp: Int32 { Int32(se & 0x7fff) }

    public static let bias: Int32 = 16383
    public static let integerBit: UInt64 = 1 << 63
    public static let quietBit: UInt64 = 1 << 62

    /// The "real indefinite": the QNaN every masked invalid operation produces.
    public static let indefinite = F80(sig: 0xc000_0000_0000_0000, se: 0xffff)
    public static let zero = F80(sig: 0, se: 0)
    public static let negativeZero = F80(sig: 0, se: 0x8000)
    public static let one = F80(sig: integerBit, se: 0x3fff)
    public static let infinity = F80(sig: integerBit, se: 0x7fff)

    @inline(__always) public func negated() -> F80 { F80(sig: sig, se: se ^ 0x8000) }
    @inline(__always) public func magnitude() -> F80 { F80(sig: sig, se: se & 0x7fff) }
    @inline(__always) func withSign(_ s: Bool) -> F80 { F80(sig: sig, se: (se & 0x7fff) | (s ? 0x8000 : 0)) }

    /// How the 387 and later treat an encoding as an operand (Intel SDM vol. 1, 8.2.2).
    public enum Kind: UInt8, Sendable {
        case zero, normal
        /// Exponent 0 with a nonzero significand: denormals and pseudo-denormals (integer
        /// bit set). Operands raise #D.
        case denormal
        case infinity, quietNaN, signalingNaN
        /// Pseudo-NaN, pseudo-infinity, unnormal: invalid operands (#IA).
        case unsupported
    }

    @inline(__always) public var kind: Kind {
        let e = se & 0x7fff
        if e == 0 { return sig == 0 ? .zero : .denormal }
        if sig & F80.integerBit == 0 { return .unsupported }
        if e == 0x7fff {
            if sig << 1 == 0 { return .infinity }
            return sig & F80.quietBit != 0 ? .quietNaN : .signalingNaN
        }
        return .normal
    }

    /// Exponent in 1…0x7ffe with the integer bit set: the common case, tested first.
    @inline(__always) public var isNormal: Bool {
        let e = se & 0x7fff
        return e &- 1 < 0x7ffe && sig & F80.integerBit != 0
    }
    @inline(__always) public var isNaN: Bool {
        se & 0x7fff == 0x7fff && sig & F80.integerBit != 0 && sig << 1 != 0
    }
    @inline(__always) public var isSignalingNaN: Bool { isNaN && sig & F80.quietBit == 0 }
    @inline(__always) public var isZero: Bool { se & 0x7fff == 0 && sig == 0 }
    @inline(__always) public var isInfinity: Bool { se & 0x7fff == 0x7fff && sig == F80.integerBit }

    /// The 10 bytes as m80 stores them.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: sig >> (8 * $0)) } + [UInt8(se & 0xff), UInt8(se >> 8)]
    }

    /// 20 hex digits, sign/exponent first (the way debuggers print an 80-bit register).
    public var description: String {
        let h = String(se, radix: 16)
        let l = String(sig, radix: 16)
        return String(repeating: "0", count: 4 - h.count) + h + String(repeating: "0", count: 16 - l.count) + l
    }

    public init?(hex: some StringProtocol) {
        guard hex.count == 20, let hi = UInt16(hex.prefix(4), radix: 16), let lo = UInt64(hex.suffix(16), radix: 16) else { return nil }
        self.init(sig: lo, se: hi)
    }
}

/// Exception and condition bits the arithmetic reports, in their status-word positions.
public enum X87Flag {
    public static let invalid: UInt16 = 0x0001       // IE
    public static let denormal: UInt16 = 0x0002      // DE
    public static let zeroDivide: UInt16 = 0x0004    // ZE
    public static let overflow: UInt16 = 0x0008      // OE
    public static let underflow: UInt16 = 0x0010     // UE
    public static let precision: UInt16 = 0x0020     // PE
    public static let stackFault: UInt16 = 0x0040    // SF
    public static let errorSummary: UInt16 = 0x0080  // ES
    public static let c0: UInt16 = 0x0100
    /// C1: "rounded up" after an inexact result; stack overflow (1) / underflow (0) with SF.
    public static let c1: UInt16 = 0x0200
    public static let c2: UInt16 = 0x0400
    public static let c3: UInt16 = 0x4000
    public static let busy: UInt16 = 0x8000
    public static let exceptions: UInt16 = 0x003f
    /// Exceptions detected before the operation: when unmasked, the instruction leaves
    /// its destination and the stack alone.
    public static let preComputation: UInt16 = invalid | denormal | zeroDivide
    public static let conditions: UInt16 = c0 | c1 | c2 | c3
}

/// The control word fields that steer the arithmetic.
public enum X87Control {
    public static let masks: UInt16 = 0x003f
    public static let precisionShift: UInt16 = 8
    public static let roundingShift: UInt16 = 10
    public static let roundNearest: Int = 0
    public static let roundDown: Int = 1
    public static let roundUp: Int = 2
    public static let roundChop: Int = 3
    /// The control word after finit and at process start on Linux.
    public static let initial: UInt16 = 0x037f

    /// Significand bits kept by the precision-control field: 00 → 24, 10 → 53, 11 → 64
    /// (the reserved 01 behaves as 64 here).
    @inline(__always) static func precision(_ cw: UInt16) -> Int {
        switch (cw >> 8) & 3 {
        case 0: return 24
        case 2: return 53
        default: return 64
        }
    }
    @inline(__always) static func rounding(_ cw: UInt16) -> Int { Int((cw >> 10) & 3) }
}
