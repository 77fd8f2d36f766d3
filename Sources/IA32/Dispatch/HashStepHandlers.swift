import IA32Dispatch

/// Handlers for a hash step (Decoder/HashStepFusion.swift): `xor` into a register, then
/// `imul $prime` of it, both flagless, with the value kept in a host register between
/// them. The multiply keeps its slot and its immediate there; the handlers go on two
/// slots later.

@inline(__always)
func multiplyStep(_ s: State, _ i: Ins, _ h: Int, _ v: UInt32) {
    s.setR32(h, v &* (i + 1).pointee.imm)
}

@_silgen_name("gate_exec_xorMul32RR") @inline(__always)
func exec_xorMul32RR(_ s: State, _ i: Ins) -> Next {
    let h = Int(i.rm)
    multiplyStep(s, i, h, s.r32(h) ^ s.r32(Int(i.reg)))
    return UnsafeRawPointer(i + 2)
}

/// The memory form, fast: a read that cannot fault (a page memo, as the xor's own).
@inline(__always)
func xorMultiplyFromMemory(_ s: State, _ i: Ins, seg: Int) -> Bool {
    guard let p = s.hostRead(seg, s.ea32(i), 4, memo: i) else { return false }
    let h = Int(i.reg)
    multiplyStep(s, i, h, s.r32(h) ^ p.loadUnaligned(as: UInt32.self))
    return true
}

@_silgen_name("gate_exec_xorMul32RM") @inline(__always)
func exec_xorMul32RM(_ s: State, _ i: Ins) -> Bool { xorMultiplyFromMemory(s, i, seg: Int(i.seg)) }
@_silgen_name("gate_exec_flat_xorMul32RM") @inline(__always)
func exec_flat_xorMul32RM(_ s: State, _ i: Ins) -> Bool { xorMultiplyFromMemory(s, i, seg: flatSegment) }
/// The general body: the xor alone, flags and all, then on to the multiply's slot.
@_silgen_name("gate_exec_slow_xorMul32RM") @inline(__always)
func slow_xorMul32RM(_ s: State, _ i: Ins) -> Next { slow_xor32RM(s, i) }

extension HandlerTable {
    /// This file's shims, compiled beside their bodies (see `aluShim`).
    @inline(never)
    static func hashStepShim(_ op: Op) -> Shim? {
        switch op {
        case .xorMul32RR: return gate_tc_xorMul32RR
        case .xorMul32RM: return gate_tc_xorMul32RM
        default: return nil
        }
    }

    /// The flat form's shim (for `flatShim`).
    @inline(never)
    static func hashStepFlatShim(_ op: Op) -> Shim? {
        op == .xorMul32RM ? gate_tc_flat_xorMul32RM : nil
    }
}
