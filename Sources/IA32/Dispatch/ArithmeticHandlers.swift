import IA32Dispatch

/// Handlers for shifts and rotates (Execute/Shift.swift), multiply and divide
/// (Execute/MulDiv.swift), bit tests and scans (Execute/BitOps.swift) and decimal
/// adjustment (Execute/BCD.swift).

// MARK: Shifts

@_silgen_name("gate_exec_shiftImm") @inline(__always)
func exec_shiftImm(_ s: State, _ i: Ins) -> Next { s.shift(i, count: i.imm); return s.proceed(i) }

@_silgen_name("gate_exec_shiftCL") @inline(__always)
func exec_shiftCL(_ s: State, _ i: Ins) -> Next { s.shift(i, count: s.r8(1)); return s.proceed(i) }

@_silgen_name("gate_exec_shld") @inline(__always)
func exec_shld(_ s: State, _ i: Ins) -> Next { s.doubleShift(i, left: true); return s.proceed(i) }

@_silgen_name("gate_exec_shrd") @inline(__always)
func exec_shrd(_ s: State, _ i: Ins) -> Next { s.doubleShift(i, left: false); return s.proceed(i) }

/// shld/shrd $count,%reg,%reg: 64-bit shifts in 32-bit code (and libc's device
/// numbers in stat). The count is masked and not 0 (Specialization.swift).
@_silgen_name("gate_exec_shld32RRI") @inline(__always)
func exec_shld32RRI(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.doubleShift32(s.r32(Int(i.rm)), s.r32(Int(i.reg)), i.imm, left: true))
    return i.successor
}

@_silgen_name("gate_exec_shrd32RRI") @inline(__always)
func exec_shrd32RRI(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.doubleShift32(s.r32(Int(i.rm)), s.r32(Int(i.reg)), i.imm, left: false))
    return i.successor
}

@_silgen_name("gate_exec_shl32RI") @inline(__always)
func exec_shl32RI(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm))
    let r = d &<< i.imm
    s.setR32(Int(i.rm), r)
    s.recordFlags32(.shl, d, i.imm, r)
    return i.successor
}

@_silgen_name("gate_exec_shr32RI") @inline(__always)
func exec_shr32RI(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm))
    let r = d &>> i.imm
    s.setR32(Int(i.rm), r)
    s.recordFlags32(.shr, d, i.imm, r)
    return i.successor
}

@_silgen_name("gate_exec_sar32RI") @inline(__always)
func exec_sar32RI(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm))
    let r = UInt32(bitPattern: Int32(bitPattern: d) &>> Int32(i.imm))
    s.setR32(Int(i.rm), r)
    s.recordFlags32(.sar, d, i.imm, r)
    return i.successor
}

// MARK: Multiply and divide

@_silgen_name("gate_exec_mul") @inline(__always)
func exec_mul(_ s: State, _ i: Ins) -> Next { s.multiply(i, signed: false); return s.proceed(i) }

@_silgen_name("gate_exec_imul1") @inline(__always)
func exec_imul1(_ s: State, _ i: Ins) -> Next { s.multiply(i, signed: true); return s.proceed(i) }

@_silgen_name("gate_exec_div") @inline(__always)
func exec_div(_ s: State, _ i: Ins) -> Next { s.divide(i, signed: false); return s.proceed(i) }

@_silgen_name("gate_exec_idiv") @inline(__always)
func exec_idiv(_ s: State, _ i: Ins) -> Next { s.divide(i, signed: true); return s.proceed(i) }

@_silgen_name("gate_exec_imul2") @inline(__always)
func exec_imul2(_ s: State, _ i: Ins) -> Next {
    let v = s.readRM(i)
    if _slowPath(s.faulted) { return nil }
    s.imulTruncating(i, s.reg(Int(i.reg), i.sz), v)
    return i.successor
}

@_silgen_name("gate_exec_imul3") @inline(__always)
func exec_imul3(_ s: State, _ i: Ins) -> Next {
    let v = s.readRM(i)
    if _slowPath(s.faulted) { return nil }
    s.imulTruncating(i, v, i.imm)
    return i.successor
}

@_silgen_name("gate_exec_imul32RR") @inline(__always)
func exec_imul32RR(_ s: State, _ i: Ins) -> Next {
    s.imul32(i, s.r32(Int(i.reg)), s.r32(Int(i.rm)))
    return i.successor
}

@_silgen_name("gate_exec_imul32RRI") @inline(__always)
func exec_imul32RRI(_ s: State, _ i: Ins) -> Next {
    s.imul32(i, s.r32(Int(i.rm)), i.imm)
    return i.successor
}

// MARK: Bits

@_silgen_name("gate_exec_btReg") @inline(__always)
func exec_btReg(_ s: State, _ i: Ins) -> Next { s.bitTestReg(i); return s.proceed(i) }

@_silgen_name("gate_exec_btImm") @inline(__always)
func exec_btImm(_ s: State, _ i: Ins) -> Next { s.bitTestImm(i); return s.proceed(i) }

@_silgen_name("gate_exec_bsf") @inline(__always)
func exec_bsf(_ s: State, _ i: Ins) -> Next { s.bitScan(i, reverse: false); return s.proceed(i) }

@_silgen_name("gate_exec_bsr") @inline(__always)
func exec_bsr(_ s: State, _ i: Ins) -> Next { s.bitScan(i, reverse: true); return s.proceed(i) }

@_silgen_name("gate_exec_bswap") @inline(__always)
func exec_bswap(_ s: State, _ i: Ins) -> Next { s.bswap(i); return i.successor }

// MARK: Decimal

@_silgen_name("gate_exec_daa") @inline(__always)
func exec_daa(_ s: State, _ i: Ins) -> Next { s.daa(); return i.successor }

@_silgen_name("gate_exec_das") @inline(__always)
func exec_das(_ s: State, _ i: Ins) -> Next { s.das(); return i.successor }

@_silgen_name("gate_exec_aaa") @inline(__always)
func exec_aaa(_ s: State, _ i: Ins) -> Next { s.aaa(); return i.successor }

@_silgen_name("gate_exec_aas") @inline(__always)
func exec_aas(_ s: State, _ i: Ins) -> Next { s.aas(); return i.successor }

/// aam raises #DE for a zero base.
@_silgen_name("gate_exec_aam") @inline(__always)
func exec_aam(_ s: State, _ i: Ins) -> Next { s.aam(i.imm); return s.proceed(i) }

@_silgen_name("gate_exec_aad") @inline(__always)
func exec_aad(_ s: State, _ i: Ins) -> Next { s.aad(i.imm); return i.successor }

extension HandlerTable {
    /// This file's shims. Naming them here, beside their bodies, compiles each shim into
    /// the same LLVM module as its body, so the body inlines into it.
    @inline(never)
    static func arithmeticShim(_ op: Op) -> Shim? {
        switch op {
        case .shiftImm: return gate_tc_shiftImm
        case .shiftCL: return gate_tc_shiftCL
        case .shld: return gate_tc_shld
        case .shrd: return gate_tc_shrd
        case .shld32RRI: return gate_tc_shld32RRI
        case .shrd32RRI: return gate_tc_shrd32RRI
        case .shl32RI: return gate_tc_shl32RI
        case .shr32RI: return gate_tc_shr32RI
        case .sar32RI: return gate_tc_sar32RI
        case .mul: return gate_tc_mul
        case .imul1: return gate_tc_imul1
        case .div: return gate_tc_div
        case .idiv: return gate_tc_idiv
        case .imul2: return gate_tc_imul2
        case .imul3: return gate_tc_imul3
        case .imul32RR: return gate_tc_imul32RR
        case .imul32RRI: return gate_tc_imul32RRI
        case .btReg: return gate_tc_btReg
        case .btImm: return gate_tc_btImm
        case .bsf: return gate_tc_bsf
        case .bsr: return gate_tc_bsr
        case .bswap: return gate_tc_bswap
        case .daa: return gate_tc_daa
        case .das: return gate_tc_das
        case .aaa: return gate_tc_aaa
        case .aas: return gate_tc_aas
        case .aam: return gate_tc_aam
        case .aad: return gate_tc_aad
        default: return nil
        }
    }
}
