import IA32Dispatch

/// The flat forms of the handlers with memory fast paths: the same fast bodies, for
/// instructions decoded while DS, ES and SS were flat with base 0 (`CPUState.flatData`)
/// whose operand is in one of them, so the fast path looks at no segment at all
/// (`flatSegment`). Their general bodies are the ordinary forms' own. Blocks decoded this
/// way are dropped if one of those segments ever stops being flat
/// (`CPUState.segmentsChanged`); Linux never does that to a process.

@_silgen_name("gate_exec_flat_add32RM") @inline(__always)
func exec_flat_add32RM(_ s: State, _ i: Ins) -> Bool { registerFromMemory(s, i, seg: flatSegment) { s.add32($0, $1) } }

@_silgen_name("gate_exec_flat_sub32RM") @inline(__always)
func exec_flat_sub32RM(_ s: State, _ i: Ins) -> Bool { registerFromMemory(s, i, seg: flatSegment) { s.sub32($0, $1) } }

@_silgen_name("gate_exec_flat_and32RM") @inline(__always)
func exec_flat_and32RM(_ s: State, _ i: Ins) -> Bool { registerFromMemory(s, i, seg: flatSegment) { s.logic32($0 & $1) } }

@_silgen_name("gate_exec_flat_or32RM") @inline(__always)
func exec_flat_or32RM(_ s: State, _ i: Ins) -> Bool { registerFromMemory(s, i, seg: flatSegment) { s.logic32($0 | $1) } }

@_silgen_name("gate_exec_flat_xor32RM") @inline(__always)
func exec_flat_xor32RM(_ s: State, _ i: Ins) -> Bool { registerFromMemory(s, i, seg: flatSegment) { s.logic32($0 ^ $1) } }

@_silgen_name("gate_exec_flat_cmp32RM") @inline(__always)
func exec_flat_cmp32RM(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: flatSegment, size: 4, immediate: false) { _ = s.sub32(s.r32(Int(i.reg)), $0) } }

@_silgen_name("gate_exec_flat_cmp32MR") @inline(__always)
func exec_flat_cmp32MR(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: flatSegment, size: 4, immediate: false) { _ = s.sub32($0, s.r32(Int(i.reg))) } }

@_silgen_name("gate_exec_flat_cmp32MI") @inline(__always)
func exec_flat_cmp32MI(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: flatSegment, size: 4, immediate: true) { _ = s.sub32($0, i.imm) } }

@_silgen_name("gate_exec_flat_cmp8MI") @inline(__always)
func exec_flat_cmp8MI(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: flatSegment, size: 1, immediate: true) { s.setFlags(.sub, 1, dst: $0, src: i.imm, res: ($0 &- i.imm) & 0xff) } }

@_silgen_name("gate_exec_flat_alu32MR") @inline(__always)
func exec_flat_alu32MR(_ s: State, _ i: Ins) -> Bool { modifyMemory32(s, i, seg: flatSegment, s.r32(Int(i.reg)), immediate: false) }

@_silgen_name("gate_exec_flat_alu32MI") @inline(__always)
func exec_flat_alu32MI(_ s: State, _ i: Ins) -> Bool { modifyMemory32(s, i, seg: flatSegment, i.imm, immediate: true) }

@_silgen_name("gate_exec_flat_mov32RM") @inline(__always)
func exec_flat_mov32RM(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: flatSegment, 4) { $0 } }

@_silgen_name("gate_exec_flat_movzx8M32") @inline(__always)
func exec_flat_movzx8M32(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: flatSegment, 1) { $0 } }

@_silgen_name("gate_exec_flat_movzx16M32") @inline(__always)
func exec_flat_movzx16M32(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: flatSegment, 2) { $0 } }

@_silgen_name("gate_exec_flat_movsx8M32") @inline(__always)
func exec_flat_movsx8M32(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: flatSegment, 1) { UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: $0))) } }

@_silgen_name("gate_exec_flat_movsx16M32") @inline(__always)
func exec_flat_movsx16M32(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: flatSegment, 2) { UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: $0))) } }

@_silgen_name("gate_exec_flat_mov32MR") @inline(__always)
func exec_flat_mov32MR(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: flatSegment, 4, s.r32(Int(i.reg))) }

@_silgen_name("gate_exec_flat_mov8MR") @inline(__always)
func exec_flat_mov8MR(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: flatSegment, 1, s.r8(Int(i.reg))) }

@_silgen_name("gate_exec_flat_mov8MI") @inline(__always)
func exec_flat_mov8MI(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: flatSegment, 1, i.imm, immediate: true) }

@_silgen_name("gate_exec_flat_mov8RM") @inline(__always)
func exec_flat_mov8RM(_ s: State, _ i: Ins) -> Bool { loadByteRegister(s, i, seg: flatSegment) }

@_silgen_name("gate_exec_flat_movRMImm") @inline(__always)
func exec_flat_movRMImm(_ s: State, _ i: Ins) -> Bool { storeImmediate32(s, i, seg: flatSegment) }

@_silgen_name("gate_exec_flat_mov32RMB") @inline(__always)
func exec_flat_mov32RMB(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: flatSegment, 4, indexed: false) { $0 } }

@_silgen_name("gate_exec_flat_movzx8M32B") @inline(__always)
func exec_flat_movzx8M32B(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: flatSegment, 1, indexed: false) { $0 } }

@_silgen_name("gate_exec_flat_mov32MRB") @inline(__always)
func exec_flat_mov32MRB(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: flatSegment, 4, s.r32(Int(i.reg)), indexed: false) }

@_silgen_name("gate_exec_flat_mov8MRB") @inline(__always)
func exec_flat_mov8MRB(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: flatSegment, 1, s.r8(Int(i.reg)), indexed: false) }

@_silgen_name("gate_exec_flat_mov8MIB") @inline(__always)
func exec_flat_mov8MIB(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: flatSegment, 1, i.imm, indexed: false, immediate: true) }

@_silgen_name("gate_exec_flat_cmp32RMB") @inline(__always)
func exec_flat_cmp32RMB(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: flatSegment, size: 4, indexed: false, immediate: false) { _ = s.sub32(s.r32(Int(i.reg)), $0) } }

@_silgen_name("gate_exec_flat_cmp32MIB") @inline(__always)
func exec_flat_cmp32MIB(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: flatSegment, size: 4, indexed: false, immediate: true) { _ = s.sub32($0, i.imm) } }

@_silgen_name("gate_exec_flat_cmp8MIB") @inline(__always)
func exec_flat_cmp8MIB(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: flatSegment, size: 1, indexed: false, immediate: true) { s.setFlags(.sub, 1, dst: $0, src: i.imm, res: ($0 &- i.imm) & 0xff) } }

@_silgen_name("gate_exec_flat_cmp8MIJe") @inline(__always)
func exec_flat_cmp8MIJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: flatSegment, size: 1, indexed: true, jumpIfZero: true) }

@_silgen_name("gate_exec_flat_cmp8MIJne") @inline(__always)
func exec_flat_cmp8MIJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: flatSegment, size: 1, indexed: true, jumpIfZero: false) }

@_silgen_name("gate_exec_flat_cmp8MIBJe") @inline(__always)
func exec_flat_cmp8MIBJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: flatSegment, size: 1, indexed: false, jumpIfZero: true) }

@_silgen_name("gate_exec_flat_cmp8MIBJne") @inline(__always)
func exec_flat_cmp8MIBJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: flatSegment, size: 1, indexed: false, jumpIfZero: false) }

@_silgen_name("gate_exec_flat_cmp32MIJe") @inline(__always)
func exec_flat_cmp32MIJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: flatSegment, size: 4, indexed: true, jumpIfZero: true) }

@_silgen_name("gate_exec_flat_cmp32MIJne") @inline(__always)
func exec_flat_cmp32MIJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: flatSegment, size: 4, indexed: true, jumpIfZero: false) }

@_silgen_name("gate_exec_flat_cmp32MIBJe") @inline(__always)
func exec_flat_cmp32MIBJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: flatSegment, size: 4, indexed: false, jumpIfZero: true) }

@_silgen_name("gate_exec_flat_cmp32MIBJne") @inline(__always)
func exec_flat_cmp32MIBJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: flatSegment, size: 4, indexed: false, jumpIfZero: false) }

@_silgen_name("gate_exec_flat_push32R") @inline(__always)
func exec_flat_push32R(_ s: State, _ i: Ins) -> Bool { s.fastPush32(s.r32(Int(i.reg)), flat: true) }

@_silgen_name("gate_exec_flat_pop32R") @inline(__always)
func exec_flat_pop32R(_ s: State, _ i: Ins) -> Bool { popRegister(s, i, flat: true) }

@_silgen_name("gate_exec_flat_pushImm") @inline(__always)
func exec_flat_pushImm(_ s: State, _ i: Ins) -> Bool { i.size == 4 && s.fastPush32(i.imm, flat: true) }

@_silgen_name("gate_exec_flat_pushRM") @inline(__always)
func exec_flat_pushRM(_ s: State, _ i: Ins) -> Bool { pushOperand(s, i, seg: flatSegment, flat: true) }

@_silgen_name("gate_exec_flat_call") @inline(__always)
func exec_flat_call(_ s: State, _ i: Ins) -> Next { callDirect(s, i, flat: true) }

@_silgen_name("gate_exec_flat_ret") @inline(__always)
func exec_flat_ret(_ s: State, _ i: Ins) -> Next { returnNear(s, i, flat: true) }

@_silgen_name("gate_exec_flat_jmpRM") @inline(__always)
func exec_flat_jmpRM(_ s: State, _ i: Ins) -> Next { jumpIndirect(s, i, seg: flatSegment) }

@_silgen_name("gate_exec_flat_callRM") @inline(__always)
func exec_flat_callRM(_ s: State, _ i: Ins) -> Next { callIndirect(s, i, seg: flatSegment, flat: true) }

extension HandlerTable {
    /// The flat forms' shims, by operation (see `aluShim`).
    @inline(never)
    static func flatShim(_ op: Op) -> Shim? {
        switch op {
        case .add32RM: return gate_tc_flat_add32RM
        case .sub32RM: return gate_tc_flat_sub32RM
        case .and32RM: return gate_tc_flat_and32RM
        case .or32RM: return gate_tc_flat_or32RM
        case .xor32RM: return gate_tc_flat_xor32RM
        case .cmp32RM: return gate_tc_flat_cmp32RM
        case .cmp32MR: return gate_tc_flat_cmp32MR
        case .cmp32MI: return gate_tc_flat_cmp32MI
        case .cmp8MI: return gate_tc_flat_cmp8MI
        case .alu32MR: return gate_tc_flat_alu32MR
        case .alu32MI: return gate_tc_flat_alu32MI
        case .mov32RM: return gate_tc_flat_mov32RM
        case .movzx8M32: return gate_tc_flat_movzx8M32
        case .movzx16M32: return gate_tc_flat_movzx16M32
        case .movsx8M32: return gate_tc_flat_movsx8M32
        case .movsx16M32: return gate_tc_flat_movsx16M32
        case .mov32MR: return gate_tc_flat_mov32MR
        case .mov8MR: return gate_tc_flat_mov8MR
        case .mov8MI: return gate_tc_flat_mov8MI
        case .mov8RM: return gate_tc_flat_mov8RM
        case .movRMImm: return gate_tc_flat_movRMImm
        case .mov32RMB: return gate_tc_flat_mov32RMB
        case .movzx8M32B: return gate_tc_flat_movzx8M32B
        case .mov32MRB: return gate_tc_flat_mov32MRB
        case .mov8MRB: return gate_tc_flat_mov8MRB
        case .mov8MIB: return gate_tc_flat_mov8MIB
        case .cmp32RMB: return gate_tc_flat_cmp32RMB
        case .cmp32MIB: return gate_tc_flat_cmp32MIB
        case .cmp8MIB: return gate_tc_flat_cmp8MIB
        case .cmp8MIJe: return gate_tc_flat_cmp8MIJe
        case .cmp8MIJne: return gate_tc_flat_cmp8MIJne
        case .cmp8MIBJe: return gate_tc_flat_cmp8MIBJe
        case .cmp8MIBJne: return gate_tc_flat_cmp8MIBJne
        case .cmp32MIJe: return gate_tc_flat_cmp32MIJe
        case .cmp32MIJne: return gate_tc_flat_cmp32MIJne
        case .cmp32MIBJe: return gate_tc_flat_cmp32MIBJe
        case .cmp32MIBJne: return gate_tc_flat_cmp32MIBJne
        case .push32R: return gate_tc_flat_push32R
        case .pop32R: return gate_tc_flat_pop32R
        case .pushImm: return gate_tc_flat_pushImm
        case .pushRM: return gate_tc_flat_pushRM
        case .call: return gate_tc_flat_call
        case .ret: return gate_tc_flat_ret
        case .jmpRM: return gate_tc_flat_jmpRM
        case .callRM: return gate_tc_flat_callRM
        // Named in the file of its body, as every shim must be to have the body inlined.
        case .movzx8M32BAdvance: return loadAdvanceFlatShim(op)
        case .xorMul32RM: return hashStepFlatShim(op)
        case .push32RRun, .pop32RRun: return stackRunFlatShim(op)
        default: return nil
        }
    }
}
