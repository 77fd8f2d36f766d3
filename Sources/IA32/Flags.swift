/// EFLAGS bit masks.
public enum EFLAGS {
    public static let cf: UInt32 = 1 << 0
    public static let reserved1: UInt32 = 1 << 1
    public static let pf: UInt32 = 1 << 2
    public static let af: UInt32 = 1 << 4
    public static let zf: UInt32 = 1 << 6
    public static let sf: UInt32 = 1 << 7
    public static let tf: UInt32 = 1 << 8
    public static let `if`: UInt32 = 1 << 9
    public static let df: UInt32 = 1 << 10
    public static let of: UInt32 = 1 << 11
    public static let iopl: UInt32 = 3 << 12
    public static let nt: UInt32 = 1 << 14
    public static let rf: UInt32 = 1 << 16
    public static let vm: UInt32 = 1 << 17
    public static let ac: UInt32 = 1 << 18
    public static let id: UInt32 = 1 << 21
    /// The six status flags the lazy scheme computes.
    public static let arith: UInt32 = cf | pf | af | zf | sf | of
}

/// How the last flag-setting instruction left the status flags (QEMU's cc_op scheme):
/// instead of computing six flags after every add, the interpreter records the operation,
/// its operands and result, and derives a flag only when something reads it.
public enum FlagOp: UInt8, Sendable {
    /// The arithmetic bits of `eflagsRaw` are current.
    case none = 0, add, adc, sub, sbb, inc, dec, logic
    /// 32-bit shifts by a count in 1...31 (`src`); `dst` is the value shifted.
    case shl, shr, sar
    /// imul/mul: CF = OF = `carryIn` (the product overflowed); AF clear.
    case mul
}

/// The operands of the last flag-setting operation, truncated to its size.
public struct LazyFlags: Sendable {
    public var op: FlagOp = .none
    /// Carry in for adc/sbb; the preserved CF for inc/dec.
    public var carryIn: Bool = false
    /// Sign-bit mask of the operation's size: 0x80, 0x8000 or 0x8000_0000.
    public var sign: UInt32 = 0x8000_0000
    public var dst: UInt32 = 0
    public var src: UInt32 = 0
    public var res: UInt32 = 0

    @inline(__always) public var zf: Bool { op == .none ? false : res == 0 }

    @inline(__always) var cf: Bool {
        switch op {
        case .add: return res < dst
        case .adc: return carryIn ? res <= dst : res < dst
        case .sub: return dst < src
        case .sbb: return carryIn ? dst <= src : dst < src
        case .logic: return false
        case .inc, .dec: return carryIn
        case .shl: return (dst &>> (32 &- src)) & 1 != 0
        case .shr: return (dst &>> (src &- 1)) & 1 != 0
        case .sar: return (Int32(bitPattern: dst) &>> Int32(src &- 1)) & 1 != 0
        case .mul: return carryIn
        case .none: return false
        }
    }

    @inline(__always) var of: Bool {
        switch op {
        case .add, .adc, .inc: return (dst ^ res) & (src ^ res) & sign != 0
        case .sub, .sbb, .dec: return (dst ^ src) & (dst ^ res) & sign != 0
        // What the hardware leaves for every count (OF is defined only for 1).
        case .shl: return (res & sign != 0) != cf
        case .shr: return dst & sign != 0
        case .mul: return carryIn
        case .logic, .sar, .none: return false
        }
    }

    @inline(__always) var sf: Bool { res & sign != 0 }

    /// All six status flags as EFLAGS bits.
    @inline(__always) var bits: UInt32 {
        var f: UInt32 = 0
        if cf { f |= EFLAGS.cf }
        f |= parityFlag(res)
        // AF comes from the operands of add/sub forms only; logic, shifts and
        // multiplies leave it clear.
        if op.rawValue < FlagOp.logic.rawValue, (dst ^ src ^ res) & 0x10 != 0 { f |= EFLAGS.af }
        if res == 0 { f |= EFLAGS.zf }
        if res & sign != 0 { f |= EFLAGS.sf }
        if of { f |= EFLAGS.of }
        return f
    }
}

/// PF: set when the low byte of the result has an even number of 1 bits.
@inline(__always) func parityFlag(_ v: UInt32) -> UInt32 {
    let n = (v ^ (v &>> 4)) & 0xf
    return ((0x6996 &>> n) & 1) ^ 1 == 1 ? EFLAGS.pf : 0
}

/// Sign-bit masks by operand size in bytes.
@inline(__always) func signBit(_ size: Int) -> UInt32 {
    size == 4 ? 0x8000_0000 : (size == 2 ? 0x8000 : 0x80)
}
@inline(__always) func sizeMask(_ size: Int) -> UInt32 {
    size == 4 ? 0xffff_ffff : (size == 2 ? 0xffff : 0xff)
}

extension UnsafeMutablePointer where Pointee == CPUState {
    /// The full EFLAGS value as software sees it.
    @inline(__always) var eflags: UInt32 {
        let f = pointee.flags
        if f.op == .none { return pointee.eflagsRaw }
        return (pointee.eflagsRaw & ~EFLAGS.arith) | f.bits
    }

    /// Writes all of EFLAGS (no privilege filtering: see `writeEFLAGS(_:mask:)`).
    @inline(__always) func setEFLAGS(_ v: UInt32) {
        pointee.eflagsRaw = (v & 0x003f_7fd5) | EFLAGS.reserved1
        pointee.flags.op = .none
        // Single-stepping starts: the run loop must leave its block loop to notice.
        if _slowPath(v & EFLAGS.tf != 0) { needAttention() }
    }

    /// Brings the arithmetic bits into `eflagsRaw` so individual bits can be changed.
    @inline(__always) func materializeFlags() {
        if pointee.flags.op != .none {
            pointee.eflagsRaw = (pointee.eflagsRaw & ~EFLAGS.arith) | pointee.flags.bits
            pointee.flags.op = .none
        }
    }

    /// Replaces all six status flags: the lazily recorded operation is simply dropped,
    /// since nothing of it survives.
    @inline(__always) func setArithmeticFlags(_ bits: UInt32) {
        pointee.eflagsRaw = (pointee.eflagsRaw & ~EFLAGS.arith) | (bits & EFLAGS.arith)
        pointee.flags.op = .none
    }

    /// Replaces the status flags named by `mask` with those in `bits`, keeping the others.
    @inline(__always) func setStatusFlags(_ bits: UInt32, mask: UInt32) {
        materializeFlags()
        pointee.eflagsRaw = (pointee.eflagsRaw & ~mask) | (bits & mask)
    }

    @inline(__always) var cf: Bool {
        pointee.flags.op == .none ? pointee.eflagsRaw & EFLAGS.cf != 0 : pointee.flags.cf
    }
    @inline(__always) var zf: Bool {
        pointee.flags.op == .none ? pointee.eflagsRaw & EFLAGS.zf != 0 : pointee.flags.res == 0
    }
    @inline(__always) var sf: Bool {
        pointee.flags.op == .none ? pointee.eflagsRaw & EFLAGS.sf != 0 : pointee.flags.sf
    }
    @inline(__always) var of: Bool {
        pointee.flags.op == .none ? pointee.eflagsRaw & EFLAGS.of != 0 : pointee.flags.of
    }
    @inline(__always) var pf: Bool {
        pointee.flags.op == .none ? pointee.eflagsRaw & EFLAGS.pf != 0 : parityFlag(pointee.flags.res) != 0
    }
    @inline(__always) var af: Bool { eflags & EFLAGS.af != 0 }
    @inline(__always) var df: Bool { pointee.eflagsRaw & EFLAGS.df != 0 }

    /// Records a flag-setting operation of `size` bytes; operands already truncated.
    @inline(__always) func setFlags(_ op: FlagOp, _ size: Int, dst: UInt32, src: UInt32, res: UInt32, carryIn: Bool = false) {
        pointee.flags = LazyFlags(op: op, carryIn: carryIn, sign: signBit(size), dst: dst, src: src, res: res)
    }

    /// B (CF), BE (CF or ZF), L (SF ≠ OF) and LE (ZF or SF ≠ OF). After a 32-bit compare
    /// or a logic operation — what nearly every branch follows — they are read straight
    /// from the recorded operands; `condition` and the split `jcc` handlers share them.
    @inline(__always) var below: Bool {
        let f = pointee.flags
        return f.op == .sub && f.sign == 0x8000_0000 ? f.dst < f.src : cf
    }
    @inline(__always) var belowOrEqual: Bool {
        let f = pointee.flags
        return f.op == .sub && f.sign == 0x8000_0000 ? f.dst <= f.src : (cf || zf)
    }
    @inline(__always) var less: Bool {
        let f = pointee.flags
        if f.op == .sub && f.sign == 0x8000_0000 { return Int32(bitPattern: f.dst) < Int32(bitPattern: f.src) }
        if f.op == .logic { return f.res & f.sign != 0 }   // OF = 0
        return sf != of
    }
    @inline(__always) var lessOrEqual: Bool {
        let f = pointee.flags
        if f.op == .sub && f.sign == 0x8000_0000 { return Int32(bitPattern: f.dst) <= Int32(bitPattern: f.src) }
        if f.op == .logic { return f.res == 0 || f.res & f.sign != 0 }
        return zf || sf != of
    }

    /// Evaluates condition code `cc` (the low nibble of Jcc/SETcc/CMOVcc).
    @inline(__always) func condition(_ cc: Int) -> Bool {
        let r: Bool
        switch cc &>> 1 {
        case 0: r = of                      // O
        case 1: r = below                   // B / C
        case 2: r = zf                      // E / Z
        case 3: r = belowOrEqual            // BE
        case 4: r = sf                      // S
        case 5: r = pf                      // P
        case 6: r = less                    // L
        default: r = lessOrEqual            // LE
        }
        return r != (cc & 1 != 0)
    }

    /// `condition` as a call, for handlers that would rather not inline all eight.
    @inline(never)
    func conditionOutOfLine(_ cc: Int) -> Bool { condition(cc) }
}
