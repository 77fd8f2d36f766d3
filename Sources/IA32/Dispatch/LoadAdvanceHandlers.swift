import IA32Dispatch

/// Handlers for a byte load fused with the pointer advance after it (Decoder/
/// LoadAdvanceFusion.swift): `movzbl (base),reg` then `add $imm,reg'`, flags dead. The
/// fast body does both and the shim goes on two slots later (GATE_FAST_SHIM_SLOTS, 2); when
/// the load cannot take the fast path, the general body runs the load alone and the add
/// runs from its own slot, so a fault finds the state exactly as before the load.

@inline(__always)
func loadByteAndAdvance(_ s: State, _ i: Ins, seg: Int) -> Bool {
    guard loadRegister(s, i, seg: seg, 1, indexed: false, { $0 }) else { return false }
    // The add reads its register after the load wrote it, as it would one step later.
    let add = i + 1
    let r = Int(add.pointee.rm)
    s.setR32(r, s.r32(r) &+ add.pointee.imm)
    return true
}

@_silgen_name("gate_exec_movzx8M32BAdvance") @inline(__always)
func exec_movzx8M32BAdvance(_ s: State, _ i: Ins) -> Bool { loadByteAndAdvance(s, i, seg: Int(i.seg)) }
@_silgen_name("gate_exec_flat_movzx8M32BAdvance") @inline(__always)
func exec_flat_movzx8M32BAdvance(_ s: State, _ i: Ins) -> Bool { loadByteAndAdvance(s, i, seg: flatSegment) }
/// The general body: the load alone, then on to the add.
@_silgen_name("gate_exec_slow_movzx8M32BAdvance") @inline(__always)
func slow_movzx8M32BAdvance(_ s: State, _ i: Ins) -> Next { slow_movzx8M32B(s, i) }

extension HandlerTable {
    /// This file's shims, compiled beside their bodies (see `aluShim`).
    @inline(never)
    static func loadAdvanceShim(_ op: Op) -> Shim? {
        op == .movzx8M32BAdvance ? gate_tc_movzx8M32BAdvance : nil
    }

    /// The flat form's shim (for `flatShim`).
    @inline(never)
    static func loadAdvanceFlatShim(_ op: Op) -> Shim? {
        op == .movzx8M32BAdvance ? gate_tc_flat_movzx8M32BAdvance : nil
    }
}
