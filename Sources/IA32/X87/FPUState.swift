/// The x87 FPU's architectural state (Intel SDM vol. 1, 8.1): eight 80-bit data
/// registers addressed as a stack through TOP, the control and status words, the tag
/// word, and the last-instruction and last-operand pointers that fnstenv/fnsave store.
///
/// The tag word is kept abridged, one "empty" bit per physical register, as P6 and later
/// keep it internally; the full two-bit tags (valid, zero, special) are computed from the
/// register contents when fnstenv/fnsave store them, and loading a tag word only
/// distinguishes empty from non-empty.
public struct FPUState: Sendable {
    /// Physical registers R0…R7; ST(i) is R[(TOP + i) mod 8].
    public var regs: (F80, F80, F80, F80, F80, F80, F80, F80) =
        (F80.zero, F80.zero, F80.zero, F80.zero, F80.zero, F80.zero, F80.zero, F80.zero)
    // The 16- and 8-bit fields are stored in 32 bits: the interpreter reads them right
    // after writing them, and a wider load of a narrower store defeats the host's
    // store-to-load forwarding (a stall of a dozen cycles per x87 instruction).
    var cwRaw: UInt32 = UInt32(X87Control.initial)
    var swRaw: UInt32 = 0
    var emptyRaw: UInt32 = 0xff
    /// The control word as the fast path (X87FastArithmetic.swift) needs it, derived
    /// whenever the control word changes rather than on every instruction: the number of
    /// significand bits below the rounding point of a register result (0, 11 or 40 for
    /// precision control 64, 53, 24) when rounding to nearest with PE masked, else
    /// `X87Fast.general` (see `X87Fast.nearestShift`).
    var nearestShift: UInt32 = X87Fast.nearestShift(X87Control.initial)

    /// Control word: exception masks (bits 0–5), precision control (8–9), rounding
    /// control (10–11), the infinity-control bit (12, kept but ignored). Bit 6 reads as 1.
    public var cw: UInt16 {
        @inline(__always) get { UInt16(truncatingIfNeeded: cwRaw) }
        @inline(__always) set {
            cwRaw = UInt32(newValue)
            nearestShift = X87Fast.nearestShift(newValue)
        }
    }
    /// Status word without the TOP field (bits 11–13 are kept in `top`).
    public var sw: UInt16 {
        @inline(__always) get { UInt16(truncatingIfNeeded: swRaw) }
        @inline(__always) set { swRaw = UInt32(newValue) }
    }
    /// Bit i set: physical register i is empty (tag 11).
    public var empty: UInt8 {
        @inline(__always) get { UInt8(truncatingIfNeeded: emptyRaw) }
        @inline(__always) set { emptyRaw = UInt32(newValue) }
    }
    /// Top-of-stack pointer, 0…7.
    public var top: Int = 0
    /// FPU instruction pointer (offset and selector) and the 11-bit opcode of the last
    /// non-control instruction; the data pointer of the last one with a memory operand.
    public var fip: UInt32 = 0
    public var fcs: UInt16 = 0
    public var fop: UInt16 = 0
    public var fdp: UInt32 = 0
    public var fds: UInt16 = 0

    public init() {}

    /// fninit: the state Linux gives a new process.
    public mutating func initialize() {
        cw = X87Control.initial
        sw = 0
        top = 0
        empty = 0xff
        fip = 0; fcs = 0; fop = 0; fdp = 0; fds = 0
    }

    /// The status word as fnstsw stores it.
    public var statusWord: UInt16 { sw | UInt16(top << 11) }

    public mutating func setStatusWord(_ v: UInt16) {
        sw = v & ~0x3800
        top = Int((v >> 11) & 7)
    }

    /// Physical register `i`.
    public func physical(_ i: Int) -> F80 {
        withUnsafeBytes(of: regs) { $0.load(fromByteOffset: (i & 7) * MemoryLayout<F80>.stride, as: F80.self) }
    }

    public mutating func setPhysical(_ i: Int, _ v: F80) {
        withUnsafeMutableBytes(of: &regs) { $0.storeBytes(of: v, toByteOffset: (i & 7) * MemoryLayout<F80>.stride, as: F80.self) }
    }

    /// ST(i).
    public func st(_ i: Int) -> F80 { physical(top + i) }
    public mutating func setST(_ i: Int, _ v: F80) { setPhysical(top + i, v) }
    public func isEmpty(st i: Int) -> Bool { empty & (1 << ((top + i) & 7)) != 0 }

    /// The two-bit tag of physical register `i` as fnstenv/fnsave store it:
    /// 00 valid, 01 zero, 10 special (NaN, infinity, denormal, unsupported), 11 empty.
    public func fullTag(_ i: Int) -> UInt16 {
        if empty & (1 << (i & 7)) != 0 { return 3 }
        let v = physical(i)
        switch v.kind {
        case .zero: return 1
        case .normal: return 0
        default: return 2
        }
    }

    /// The full tag word, physical register 0 in bits 0–1.
    public var tagWord: UInt16 {
        var t: UInt16 = 0
        for i in 0..<8 { t |= fullTag(i) << (2 * i) }
        return t
    }

    /// Loads a tag word: only "empty" (11) matters.
    public mutating func setTagWord(_ t: UInt16) {
        var e: UInt8 = 0
        for i in 0..<8 where (t >> (2 * i)) & 3 == 3 { e |= 1 << i }
        empty = e
    }

    /// fxsave's abridged tag byte: bit i set when physical register i is not empty.
    public var abridgedTag: UInt8 { ~empty }
}

extension FPUState {
    /// The 108-byte image fnsave stores in the 32-bit protected-mode format: the
    /// environment (each 16-bit field in a dword whose upper half is 0xffff), then ST(0)…
    /// ST(7). Linux's i386 `struct _fpstate` (signal frames, core dumps) starts with it.
    public var fnsaveImage: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(108)
        func dword(_ v: UInt32) { for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) } }
        dword(0xffff_0000 | UInt32(cw))
        dword(0xffff_0000 | UInt32(statusWord))
        dword(0xffff_0000 | UInt32(tagWord))
        dword(fip)
        dword(UInt32(fcs) | UInt32(fop & 0x7ff) << 16)
        dword(fdp)
        dword(0xffff_0000 | UInt32(fds))
        for k in 0..<8 { out += st(k).bytes }
        return out
    }

    /// The 512-byte image fxsave stores (Intel SDM vol. 2, FXSAVE): the environment with
    /// the abridged tag, then ST(0)…ST(7) in 16-byte slots. The models have no SSE, so
    /// MXCSR, its mask and the XMM registers are 0 (as Linux's init_fpu leaves them
    /// without cpu_has_xmm). The fxsave instruction and FXSR signal frames both use it.
    public var fxsaveImage: [UInt8] {
        var out = [UInt8](repeating: 0, count: 512)
        func put(_ o: Int, _ v: UInt64, _ n: Int) { for k in 0..<n { out[o + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) } }
        put(0, UInt64(cw), 2)
        put(2, UInt64(statusWord), 2)
        put(4, UInt64(abridgedTag), 1)
        put(6, UInt64(fop & 0x7ff), 2)
        put(8, UInt64(fip), 4)
        put(12, UInt64(fcs), 4)
        put(16, UInt64(fdp), 4)
        put(20, UInt64(fds), 4)
        for k in 0..<8 {
            let r = st(k)
            put(32 + 16 * k, r.sig, 8)
            put(40 + 16 * k, UInt64(r.se), 2)
        }
        return out
    }

    /// Loads a 108-byte fnsave image (frstor without the memory access); shorter input
    /// is ignored.
    public mutating func load(fnsaveImage b: [UInt8]) {
        guard b.count >= 108 else { return }
        func dword(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * $1) } }
        cw = (UInt16(truncatingIfNeeded: dword(0)) & 0x1f3f) | 0x0040
        setStatusWord(UInt16(truncatingIfNeeded: dword(4)))
        setTagWord(UInt16(truncatingIfNeeded: dword(8)))
        fip = dword(12)
        fcs = UInt16(truncatingIfNeeded: dword(16))
        fop = UInt16(truncatingIfNeeded: dword(16) >> 16) & 0x7ff
        fdp = dword(20)
        fds = UInt16(truncatingIfNeeded: dword(24))
        for k in 0..<8 {
            let o = 28 + 10 * k
            let sig = (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[o + $1]) << (8 * $1) }
            setST(k, F80(sig: sig, se: UInt16(b[o + 8]) | UInt16(b[o + 9]) << 8))
        }
        if sw & ~cw & X87Flag.exceptions != 0 { sw |= X87Flag.errorSummary | X87Flag.busy }
        else { sw &= ~(X87Flag.errorSummary | X87Flag.busy) }
    }
}

extension CPU {
    /// The FPU (and MMX) state.
    public var fpu: FPUState {
        get { state.pointee.fpu }
        set { state.pointee.fpu = newValue }
    }

    /// fninit: what Linux does to a task's FPU on execve (`flush_thread`).
    public func resetFPU() {
        state.pointee.fpu.initialize()
    }
}
