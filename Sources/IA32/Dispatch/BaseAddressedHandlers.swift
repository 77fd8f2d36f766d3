import IA32Dispatch

/// The commonest memory forms again, for operands without an index register (base
/// and displacement: stack slots, structure fields, pointers; or an absolute address):
/// chosen at decode time (`Op.baseAddressed`), they skip the index's load and shift.
/// The general bodies are the indexed forms' own.

@_silgen_name("gate_exec_mov32RMB") @inline(__always)
func exec_mov32RMB(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: Int(i.seg), 4, indexed: false) { $0 } }
@_silgen_name("gate_exec_slow_mov32RMB") @inline(__always)
func slow_mov32RMB(_ s: State, _ i: Ins) -> Next { loadRegisterSlow(s, i, 4) { $0 } }

@_silgen_name("gate_exec_movzx8M32B") @inline(__always)
func exec_movzx8M32B(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: Int(i.seg), 1, indexed: false) { $0 } }
@_silgen_name("gate_exec_slow_movzx8M32B") @inline(__always)
func slow_movzx8M32B(_ s: State, _ i: Ins) -> Next { loadRegisterSlow(s, i, 1) { $0 } }

@_silgen_name("gate_exec_mov32MRB") @inline(__always)
func exec_mov32MRB(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: Int(i.seg), 4, s.r32(Int(i.reg)), indexed: false) }
@_silgen_name("gate_exec_slow_mov32MRB") @inline(__always)
func slow_mov32MRB(_ s: State, _ i: Ins) -> Next { slow_mov32MR(s, i) }

@_silgen_name("gate_exec_mov8MRB") @inline(__always)
func exec_mov8MRB(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: Int(i.seg), 1, s.r8(Int(i.reg)), indexed: false) }
@_silgen_name("gate_exec_slow_mov8MRB") @inline(__always)
func slow_mov8MRB(_ s: State, _ i: Ins) -> Next { slow_mov8MR(s, i) }

@_silgen_name("gate_exec_mov8MIB") @inline(__always)
func exec_mov8MIB(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: Int(i.seg), 1, i.imm, indexed: false, immediate: true) }
@_silgen_name("gate_exec_slow_mov8MIB") @inline(__always)
func slow_mov8MIB(_ s: State, _ i: Ins) -> Next { slow_mov8MI(s, i) }

@_silgen_name("gate_exec_cmp32RMB") @inline(__always)
func exec_cmp32RMB(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: Int(i.seg), size: 4, indexed: false, immediate: false) { _ = s.sub32(s.r32(Int(i.reg)), $0) } }
@_silgen_name("gate_exec_slow_cmp32RMB") @inline(__always)
func slow_cmp32RMB(_ s: State, _ i: Ins) -> Next { slow_cmp32RM(s, i) }

@_silgen_name("gate_exec_cmp32MIB") @inline(__always)
func exec_cmp32MIB(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: Int(i.seg), size: 4, indexed: false, immediate: true) { _ = s.sub32($0, i.imm) } }
@_silgen_name("gate_exec_slow_cmp32MIB") @inline(__always)
func slow_cmp32MIB(_ s: State, _ i: Ins) -> Next { slow_cmp32MI(s, i) }

@_silgen_name("gate_exec_cmp8MIB") @inline(__always)
func exec_cmp8MIB(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: Int(i.seg), size: 1, indexed: false, immediate: true) { s.setFlags(.sub, 1, dst: $0, src: i.imm, res: ($0 &- i.imm) & 0xff) } }
@_silgen_name("gate_exec_slow_cmp8MIB") @inline(__always)
func slow_cmp8MIB(_ s: State, _ i: Ins) -> Next { slow_cmp8MI(s, i) }

extension Op {
    /// The form for an operand without an index register, if there is one.
    var baseAddressed: Op? {
        switch self {
        case .mov32RM: return .mov32RMB
        case .movzx8M32: return .movzx8M32B
        case .mov32MR: return .mov32MRB
        case .mov8MR: return .mov8MRB
        case .mov8MI: return .mov8MIB
        case .cmp32RM: return .cmp32RMB
        case .cmp32MI: return .cmp32MIB
        case .cmp8MI: return .cmp8MIB
        default: return nil
        }
    }
}

extension HandlerTable {
    /// This file's shims, compiled beside their bodies (see `aluShim`).
    @inline(never)
    static func baseAddressedShim(_ op: Op) -> Shim? {
        switch op {
        case .mov32RMB: return gate_tc_mov32RMB
        case .movzx8M32B: return gate_tc_movzx8M32B
        case .mov32MRB: return gate_tc_mov32MRB
        case .mov8MRB: return gate_tc_mov8MRB
        case .mov8MIB: return gate_tc_mov8MIB
        case .cmp32RMB: return gate_tc_cmp32RMB
        case .cmp32MIB: return gate_tc_cmp32MIB
        case .cmp8MIB: return gate_tc_cmp8MIB
        default: return nil
        }
    }
}
