import IA32Dispatch

/// Handlers for the flagless forms (Decoder/FlagLiveness.swift): the result only, for
/// instructions whose flags the rest of their block overwrites unread.

@inline(__always)
func registerResult(_ s: State, _ i: Ins, _ f: (UInt32) -> UInt32) -> Next {
    s.setR32(Int(i.rm), f(s.r32(Int(i.rm))))
    return i.successor
}

@_silgen_name("gate_exec_add32RRNF") @inline(__always)
func exec_add32RRNF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 &+ s.r32(Int(i.reg)) } }

@_silgen_name("gate_exec_sub32RRNF") @inline(__always)
func exec_sub32RRNF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 &- s.r32(Int(i.reg)) } }

@_silgen_name("gate_exec_xor32RRNF") @inline(__always)
func exec_xor32RRNF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 ^ s.r32(Int(i.reg)) } }

@_silgen_name("gate_exec_and32RRNF") @inline(__always)
func exec_and32RRNF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 & s.r32(Int(i.reg)) } }

@_silgen_name("gate_exec_or32RRNF") @inline(__always)
func exec_or32RRNF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 | s.r32(Int(i.reg)) } }

@_silgen_name("gate_exec_add32RINF") @inline(__always)
func exec_add32RINF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 &+ i.imm } }

@_silgen_name("gate_exec_sub32RINF") @inline(__always)
func exec_sub32RINF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 &- i.imm } }

@_silgen_name("gate_exec_and32RINF") @inline(__always)
func exec_and32RINF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 & i.imm } }

@_silgen_name("gate_exec_or32RINF") @inline(__always)
func exec_or32RINF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 | i.imm } }

@_silgen_name("gate_exec_xor32RINF") @inline(__always)
func exec_xor32RINF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 ^ i.imm } }

@_silgen_name("gate_exec_shl32RINF") @inline(__always)
func exec_shl32RINF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 &<< i.imm } }

@_silgen_name("gate_exec_shr32RINF") @inline(__always)
func exec_shr32RINF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 &>> i.imm } }

@_silgen_name("gate_exec_sar32RINF") @inline(__always)
func exec_sar32RINF(_ s: State, _ i: Ins) -> Next {
    registerResult(s, i) { UInt32(bitPattern: Int32(bitPattern: $0) &>> Int32(i.imm)) }
}

@_silgen_name("gate_exec_inc32RNF") @inline(__always)
func exec_inc32RNF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 &+ 1 } }

@_silgen_name("gate_exec_dec32RNF") @inline(__always)
func exec_dec32RNF(_ s: State, _ i: Ins) -> Next { registerResult(s, i) { $0 &- 1 } }

/// imul r32, r/m32 (register form): the destination is `reg`.
@_silgen_name("gate_exec_imul32RRNF") @inline(__always)
func exec_imul32RRNF(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.reg), s.r32(Int(i.reg)) &* s.r32(Int(i.rm)))
    return i.successor
}

/// imul r32, r32, imm.
@_silgen_name("gate_exec_imul32RRINF") @inline(__always)
func exec_imul32RRINF(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.reg), s.r32(Int(i.rm)) &* i.imm)
    return i.successor
}

extension HandlerTable {
    /// This file's shims, compiled beside their bodies (see `aluShim`).
    @inline(never)
    static func flaglessShim(_ op: Op) -> Shim? {
        switch op {
        case .add32RRNF: return gate_tc_add32RRNF
        case .sub32RRNF: return gate_tc_sub32RRNF
        case .xor32RRNF: return gate_tc_xor32RRNF
        case .and32RRNF: return gate_tc_and32RRNF
        case .or32RRNF: return gate_tc_or32RRNF
        case .add32RINF: return gate_tc_add32RINF
        case .sub32RINF: return gate_tc_sub32RINF
        case .and32RINF: return gate_tc_and32RINF
        case .or32RINF: return gate_tc_or32RINF
        case .xor32RINF: return gate_tc_xor32RINF
        case .shl32RINF: return gate_tc_shl32RINF
        case .shr32RINF: return gate_tc_shr32RINF
        case .sar32RINF: return gate_tc_sar32RINF
        case .imul32RRNF: return gate_tc_imul32RRNF
        case .imul32RRINF: return gate_tc_imul32RRINF
        case .inc32RNF: return gate_tc_inc32RNF
        case .dec32RNF: return gate_tc_dec32RNF
        default: return nil
        }
    }
}
