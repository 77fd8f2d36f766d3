import IA32Dispatch

/// Handlers for the ALU family (Execute/ALU.swift): the general forms, the 32-bit
/// register and memory forms chosen at decode time (Decoder/Specialization.swift),
/// inc/dec/neg/not/test. Register-only forms cannot fault and go straight on.

@_silgen_name("gate_exec_aluRMReg") @inline(__always)
func exec_aluRMReg(_ s: State, _ i: Ins) -> Next { s.aluRMReg(i); return s.proceed(i) }

@_silgen_name("gate_exec_aluRegRM") @inline(__always)
func exec_aluRegRM(_ s: State, _ i: Ins) -> Next { s.aluRegRM(i); return s.proceed(i) }

@_silgen_name("gate_exec_aluRMImm") @inline(__always)
func exec_aluRMImm(_ s: State, _ i: Ins) -> Next { s.aluRMImm(i); return s.proceed(i) }

// MARK: 32-bit register, register

@_silgen_name("gate_exec_add32RR") @inline(__always)
func exec_add32RR(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.add32(s.r32(Int(i.rm)), s.r32(Int(i.reg))))
    return i.successor
}

@_silgen_name("gate_exec_sub32RR") @inline(__always)
func exec_sub32RR(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.sub32(s.r32(Int(i.rm)), s.r32(Int(i.reg))))
    return i.successor
}

@_silgen_name("gate_exec_cmp32RR") @inline(__always)
func exec_cmp32RR(_ s: State, _ i: Ins) -> Next {
    _ = s.sub32(s.r32(Int(i.rm)), s.r32(Int(i.reg)))
    return i.successor
}

@_silgen_name("gate_exec_xor32RR") @inline(__always)
func exec_xor32RR(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) ^ s.r32(Int(i.reg))))
    return i.successor
}

@_silgen_name("gate_exec_and32RR") @inline(__always)
func exec_and32RR(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg))))
    return i.successor
}

@_silgen_name("gate_exec_or32RR") @inline(__always)
func exec_or32RR(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) | s.r32(Int(i.reg))))
    return i.successor
}

@_silgen_name("gate_exec_test32RR") @inline(__always)
func exec_test32RR(_ s: State, _ i: Ins) -> Next {
    _ = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return i.successor
}

/// test with an immediate on a register (`test $0xffff,%ecx` on the way out of a system call).
@_silgen_name("gate_exec_test32RI") @inline(__always)
func exec_test32RI(_ s: State, _ i: Ins) -> Next {
    _ = s.logic32(s.r32(Int(i.rm)) & i.imm)
    return i.successor
}

@_silgen_name("gate_exec_adc32RR") @inline(__always)
func exec_adc32RR(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.adc32(s.r32(Int(i.rm)), s.r32(Int(i.reg))))
    return i.successor
}

@_silgen_name("gate_exec_sbb32RR") @inline(__always)
func exec_sbb32RR(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.sbb32(s.r32(Int(i.rm)), s.r32(Int(i.reg))))
    return i.successor
}

// MARK: 32-bit register, immediate

@_silgen_name("gate_exec_add32RI") @inline(__always)
func exec_add32RI(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.add32(s.r32(Int(i.rm)), i.imm))
    return i.successor
}

@_silgen_name("gate_exec_sub32RI") @inline(__always)
func exec_sub32RI(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.sub32(s.r32(Int(i.rm)), i.imm))
    return i.successor
}

@_silgen_name("gate_exec_cmp32RI") @inline(__always)
func exec_cmp32RI(_ s: State, _ i: Ins) -> Next {
    _ = s.sub32(s.r32(Int(i.rm)), i.imm)
    return i.successor
}

@_silgen_name("gate_exec_and32RI") @inline(__always)
func exec_and32RI(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) & i.imm))
    return i.successor
}

@_silgen_name("gate_exec_or32RI") @inline(__always)
func exec_or32RI(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) | i.imm))
    return i.successor
}

@_silgen_name("gate_exec_xor32RI") @inline(__always)
func exec_xor32RI(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) ^ i.imm))
    return i.successor
}

@_silgen_name("gate_exec_adc32RI") @inline(__always)
func exec_adc32RI(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.adc32(s.r32(Int(i.rm)), i.imm))
    return i.successor
}

@_silgen_name("gate_exec_sbb32RI") @inline(__always)
func exec_sbb32RI(_ s: State, _ i: Ins) -> Next {
    s.setR32(Int(i.rm), s.sbb32(s.r32(Int(i.rm)), i.imm))
    return i.successor
}

// MARK: 32-bit with a memory operand

/// `op reg, mem`, fast: a read that cannot fault.
@inline(__always)
func registerFromMemory(_ s: State, _ i: Ins, seg: Int, _ f: (UInt32, UInt32) -> UInt32) -> Bool {
    guard let p = s.hostRead(seg, s.ea32(i), 4, memo: i) else { return false }
    s.setR32(Int(i.reg), f(s.r32(Int(i.reg)), p.loadUnaligned(as: UInt32.self)))
    return true
}

/// `op reg, mem`, general: a fault leaves the register and flags alone.
@inline(__always)
func registerFromMemorySlow(_ s: State, _ i: Ins, _ f: (UInt32, UInt32) -> UInt32) -> Next {
    let v = s.read(Int(i.seg), s.ea(i), 4)
    if _slowPath(s.faulted) { return nil }
    s.setR32(Int(i.reg), f(s.r32(Int(i.reg)), v))
    return i.successor
}

@_silgen_name("gate_exec_add32RM") @inline(__always)
func exec_add32RM(_ s: State, _ i: Ins) -> Bool { registerFromMemory(s, i, seg: Int(i.seg)) { s.add32($0, $1) } }
@_silgen_name("gate_exec_slow_add32RM") @inline(__always)
func slow_add32RM(_ s: State, _ i: Ins) -> Next { registerFromMemorySlow(s, i) { s.add32($0, $1) } }

@_silgen_name("gate_exec_sub32RM") @inline(__always)
func exec_sub32RM(_ s: State, _ i: Ins) -> Bool { registerFromMemory(s, i, seg: Int(i.seg)) { s.sub32($0, $1) } }
@_silgen_name("gate_exec_slow_sub32RM") @inline(__always)
func slow_sub32RM(_ s: State, _ i: Ins) -> Next { registerFromMemorySlow(s, i) { s.sub32($0, $1) } }

@_silgen_name("gate_exec_and32RM") @inline(__always)
func exec_and32RM(_ s: State, _ i: Ins) -> Bool { registerFromMemory(s, i, seg: Int(i.seg)) { s.logic32($0 & $1) } }
@_silgen_name("gate_exec_slow_and32RM") @inline(__always)
func slow_and32RM(_ s: State, _ i: Ins) -> Next { registerFromMemorySlow(s, i) { s.logic32($0 & $1) } }

@_silgen_name("gate_exec_or32RM") @inline(__always)
func exec_or32RM(_ s: State, _ i: Ins) -> Bool { registerFromMemory(s, i, seg: Int(i.seg)) { s.logic32($0 | $1) } }
@_silgen_name("gate_exec_slow_or32RM") @inline(__always)
func slow_or32RM(_ s: State, _ i: Ins) -> Next { registerFromMemorySlow(s, i) { s.logic32($0 | $1) } }

@_silgen_name("gate_exec_xor32RM") @inline(__always)
func exec_xor32RM(_ s: State, _ i: Ins) -> Bool { registerFromMemory(s, i, seg: Int(i.seg)) { s.logic32($0 ^ $1) } }
@_silgen_name("gate_exec_slow_xor32RM") @inline(__always)
func slow_xor32RM(_ s: State, _ i: Ins) -> Next { registerFromMemorySlow(s, i) { s.logic32($0 ^ $1) } }

/// A compare with a memory operand, fast: a read that cannot fault.
@inline(__always)
func compareMemory(_ s: State, _ i: Ins, seg: Int, size: UInt32, indexed: Bool = true, immediate: Bool,
                   _ f: (UInt32) -> Void) -> Bool {
    guard let p = s.hostRead(seg, s.ea32(i, indexed: indexed), size, memo: immediate ? nil : i) else { return false }
    f(size == 4 ? p.loadUnaligned(as: UInt32.self) : UInt32(p.load(as: UInt8.self)))
    return true
}

/// The same in general: a fault leaves the flags alone.
@inline(__always)
func compareMemorySlow(_ s: State, _ i: Ins, size: Int, _ f: (UInt32) -> Void) -> Next {
    let v = s.read(Int(i.seg), s.ea(i), size)
    if _slowPath(s.faulted) { return nil }
    f(v)
    return i.successor
}

@_silgen_name("gate_exec_cmp32RM") @inline(__always)
func exec_cmp32RM(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: Int(i.seg), size: 4, immediate: false) { _ = s.sub32(s.r32(Int(i.reg)), $0) } }
@_silgen_name("gate_exec_slow_cmp32RM") @inline(__always)
func slow_cmp32RM(_ s: State, _ i: Ins) -> Next { compareMemorySlow(s, i, size: 4) { _ = s.sub32(s.r32(Int(i.reg)), $0) } }

@_silgen_name("gate_exec_cmp32MR") @inline(__always)
func exec_cmp32MR(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: Int(i.seg), size: 4, immediate: false) { _ = s.sub32($0, s.r32(Int(i.reg))) } }
@_silgen_name("gate_exec_slow_cmp32MR") @inline(__always)
func slow_cmp32MR(_ s: State, _ i: Ins) -> Next { compareMemorySlow(s, i, size: 4) { _ = s.sub32($0, s.r32(Int(i.reg))) } }

@_silgen_name("gate_exec_cmp32MI") @inline(__always)
func exec_cmp32MI(_ s: State, _ i: Ins) -> Bool { compareMemory(s, i, seg: Int(i.seg), size: 4, immediate: true) { _ = s.sub32($0, i.imm) } }
@_silgen_name("gate_exec_slow_cmp32MI") @inline(__always)
func slow_cmp32MI(_ s: State, _ i: Ins) -> Next { compareMemorySlow(s, i, size: 4) { _ = s.sub32($0, i.imm) } }

@_silgen_name("gate_exec_cmp8MI") @inline(__always)
func exec_cmp8MI(_ s: State, _ i: Ins) -> Bool {
    compareMemory(s, i, seg: Int(i.seg), size: 1, immediate: true) { s.setFlags(.sub, 1, dst: $0, src: i.imm, res: ($0 &- i.imm) & 0xff) }
}
@_silgen_name("gate_exec_slow_cmp8MI") @inline(__always)
func slow_cmp8MI(_ s: State, _ i: Ins) -> Next {
    compareMemorySlow(s, i, size: 1) { s.setFlags(.sub, 1, dst: $0, src: i.imm, res: ($0 &- i.imm) & 0xff) }
}

/// `op mem32, src` for add, or, and, sub, xor, fast: one page, writable, no code.
@inline(__always)
func modifyMemory32(_ s: State, _ i: Ins, seg: Int, _ src: UInt32, immediate: Bool) -> Bool {
    guard let p = s.hostWrite(seg, s.ea32(i), 4, memo: immediate ? nil : i) else { return false }
    p.storeBytes(of: s.alu32(i.sub, p.loadUnaligned(as: UInt32.self), src), as: UInt32.self)
    return true
}

@_silgen_name("gate_exec_alu32MR") @inline(__always)
func exec_alu32MR(_ s: State, _ i: Ins) -> Bool { modifyMemory32(s, i, seg: Int(i.seg), s.r32(Int(i.reg)), immediate: false) }
@_silgen_name("gate_exec_slow_alu32MR") @inline(__always)
func slow_alu32MR(_ s: State, _ i: Ins) -> Next { s.alu32Memory(i, s.r32(Int(i.reg))); return s.proceed(i) }

@_silgen_name("gate_exec_alu32MI") @inline(__always)
func exec_alu32MI(_ s: State, _ i: Ins) -> Bool { modifyMemory32(s, i, seg: Int(i.seg), i.imm, immediate: true) }
@_silgen_name("gate_exec_slow_alu32MI") @inline(__always)
func slow_alu32MI(_ s: State, _ i: Ins) -> Next { s.alu32Memory(i, i.imm); return s.proceed(i) }

// MARK: Bytes

@_silgen_name("gate_exec_cmp8RR") @inline(__always)
func exec_cmp8RR(_ s: State, _ i: Ins) -> Next {
    let d = s.r8(Int(i.rm)), v = s.r8(Int(i.reg))
    s.setFlags(.sub, 1, dst: d, src: v, res: (d &- v) & 0xff)
    return i.successor
}

// MARK: inc, dec, neg, not, test

@_silgen_name("gate_exec_inc") @inline(__always)
func exec_inc(_ s: State, _ i: Ins) -> Next { s.incDec(i, inc: true); return s.proceed(i) }

@_silgen_name("gate_exec_dec") @inline(__always)
func exec_dec(_ s: State, _ i: Ins) -> Next { s.incDec(i, inc: false); return s.proceed(i) }

@_silgen_name("gate_exec_inc32R") @inline(__always)
func exec_inc32R(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm))
    let c = s.cf
    s.setR32(Int(i.rm), d &+ 1)
    s.pointee.flags = LazyFlags(op: .inc, carryIn: c, sign: 0x8000_0000, dst: d, src: 1, res: d &+ 1)
    return i.successor
}

@_silgen_name("gate_exec_dec32R") @inline(__always)
func exec_dec32R(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm))
    let c = s.cf
    s.setR32(Int(i.rm), d &- 1)
    s.pointee.flags = LazyFlags(op: .dec, carryIn: c, sign: 0x8000_0000, dst: d, src: 1, res: d &- 1)
    return i.successor
}

@_silgen_name("gate_exec_neg") @inline(__always)
func exec_neg(_ s: State, _ i: Ins) -> Next { s.neg(i); return s.proceed(i) }

@_silgen_name("gate_exec_not") @inline(__always)
func exec_not(_ s: State, _ i: Ins) -> Next { s.not(i); return s.proceed(i) }

@_silgen_name("gate_exec_testRMReg") @inline(__always)
func exec_testRMReg(_ s: State, _ i: Ins) -> Next { s.test(i, s.reg(Int(i.reg), i.sz)); return s.proceed(i) }

@_silgen_name("gate_exec_testRMImm") @inline(__always)
func exec_testRMImm(_ s: State, _ i: Ins) -> Next { s.test(i, i.imm); return s.proceed(i) }

extension HandlerTable {
    /// This file's shims. Naming them here, beside their bodies, compiles each shim into
    /// the same LLVM module as its body, so the body inlines into it.
    @inline(never)
    static func aluShim(_ op: Op) -> Shim? {
        switch op {
        case .aluRMReg: return gate_tc_aluRMReg
        case .aluRegRM: return gate_tc_aluRegRM
        case .aluRMImm: return gate_tc_aluRMImm
        case .add32RR: return gate_tc_add32RR
        case .sub32RR: return gate_tc_sub32RR
        case .cmp32RR: return gate_tc_cmp32RR
        case .xor32RR: return gate_tc_xor32RR
        case .and32RR: return gate_tc_and32RR
        case .or32RR: return gate_tc_or32RR
        case .test32RR: return gate_tc_test32RR
        case .test32RI: return gate_tc_test32RI
        case .adc32RR: return gate_tc_adc32RR
        case .sbb32RR: return gate_tc_sbb32RR
        case .add32RI: return gate_tc_add32RI
        case .sub32RI: return gate_tc_sub32RI
        case .cmp32RI: return gate_tc_cmp32RI
        case .and32RI: return gate_tc_and32RI
        case .or32RI: return gate_tc_or32RI
        case .xor32RI: return gate_tc_xor32RI
        case .adc32RI: return gate_tc_adc32RI
        case .sbb32RI: return gate_tc_sbb32RI
        case .add32RM: return gate_tc_add32RM
        case .sub32RM: return gate_tc_sub32RM
        case .and32RM: return gate_tc_and32RM
        case .or32RM: return gate_tc_or32RM
        case .xor32RM: return gate_tc_xor32RM
        case .cmp32RM: return gate_tc_cmp32RM
        case .cmp32MR: return gate_tc_cmp32MR
        case .cmp32MI: return gate_tc_cmp32MI
        case .alu32MR: return gate_tc_alu32MR
        case .alu32MI: return gate_tc_alu32MI
        case .cmp8MI: return gate_tc_cmp8MI
        case .cmp8RR: return gate_tc_cmp8RR
        case .inc: return gate_tc_inc
        case .dec: return gate_tc_dec
        case .inc32R: return gate_tc_inc32R
        case .dec32R: return gate_tc_dec32R
        case .neg: return gate_tc_neg
        case .not: return gate_tc_not
        case .testRMReg: return gate_tc_testRMReg
        case .testRMImm: return gate_tc_testRMImm
        default: return nil
        }
    }
}
