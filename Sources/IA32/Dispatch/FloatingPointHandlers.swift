import IA32Dispatch

/// Handlers for the hot x87 forms, one operation each (the decoder picks them from the
/// form it decodes): what `x87(_:)` does before its switch, then the form's own handler
/// (X87/X87Handlers.swift), without the switch. Every form here is a waiting
/// instruction that records the last-instruction pointers.

extension UnsafeMutablePointer where Pointee == CPUState {
    /// A pending unmasked exception raises #MF at this instruction; otherwise the
    /// instruction pointers are recorded. False: #MF raised.
    @inline(__always) func x87Begin(_ i: Ins) -> Bool {
        let f = fpu
        if _slowPath(f.pointee.swRaw & UInt32(X87Flag.errorSummary) != 0) {
            raise(Vector.fpuError)
            return false
        }
        f.pointee.fip = i.imm2
        f.pointee.fcs = pointee.seg.regs.1.selector
        f.pointee.fop = UInt16(truncatingIfNeeded: i.imm &>> 16)
        return true
    }
}

@_silgen_name("gate_exec_x87Fadd32") @inline(__always)
func exec_x87Fadd32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fadd32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fmul32") @inline(__always)
func exec_x87Fmul32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fmul32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fsub32") @inline(__always)
func exec_x87Fsub32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fsub32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fsubr32") @inline(__always)
func exec_x87Fsubr32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fsubr32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fdiv32") @inline(__always)
func exec_x87Fdiv32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fdiv32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fdivr32") @inline(__always)
func exec_x87Fdivr32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fdivr32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fadd64") @inline(__always)
func exec_x87Fadd64(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fadd64(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fmul64") @inline(__always)
func exec_x87Fmul64(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fmul64(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fsub64") @inline(__always)
func exec_x87Fsub64(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fsub64(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fsubr64") @inline(__always)
func exec_x87Fsubr64(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fsubr64(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fdiv64") @inline(__always)
func exec_x87Fdiv64(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fdiv64(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fdivr64") @inline(__always)
func exec_x87Fdivr64(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fdivr64(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fiadd16") @inline(__always)
func exec_x87Fiadd16(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fiadd16(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fimul16") @inline(__always)
func exec_x87Fimul16(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fimul16(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fisub16") @inline(__always)
func exec_x87Fisub16(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fisub16(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fisubr16") @inline(__always)
func exec_x87Fisubr16(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fisubr16(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fidiv16") @inline(__always)
func exec_x87Fidiv16(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fidiv16(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fidivr16") @inline(__always)
func exec_x87Fidivr16(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fidivr16(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fiadd32") @inline(__always)
func exec_x87Fiadd32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fiadd32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fimul32") @inline(__always)
func exec_x87Fimul32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fimul32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fisub32") @inline(__always)
func exec_x87Fisub32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fisub32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fisubr32") @inline(__always)
func exec_x87Fisubr32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fisubr32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fidiv32") @inline(__always)
func exec_x87Fidiv32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fidiv32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fidivr32") @inline(__always)
func exec_x87Fidivr32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fidivr32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FaddST0") @inline(__always)
func exec_x87FaddST0(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_faddST0(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FmulST0") @inline(__always)
func exec_x87FmulST0(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fmulST0(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FsubST0") @inline(__always)
func exec_x87FsubST0(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fsubST0(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FsubrST0") @inline(__always)
func exec_x87FsubrST0(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fsubrST0(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FdivST0") @inline(__always)
func exec_x87FdivST0(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fdivST0(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FdivrST0") @inline(__always)
func exec_x87FdivrST0(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fdivrST0(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FaddSTi") @inline(__always)
func exec_x87FaddSTi(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_faddSTi(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FmulSTi") @inline(__always)
func exec_x87FmulSTi(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fmulSTi(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FsubrSTi") @inline(__always)
func exec_x87FsubrSTi(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fsubrSTi(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FsubSTi") @inline(__always)
func exec_x87FsubSTi(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fsubSTi(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FdivrSTi") @inline(__always)
func exec_x87FdivrSTi(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fdivrSTi(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FdivSTi") @inline(__always)
func exec_x87FdivSTi(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fdivSTi(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Faddp") @inline(__always)
func exec_x87Faddp(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_faddp(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fmulp") @inline(__always)
func exec_x87Fmulp(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fmulp(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fsubrp") @inline(__always)
func exec_x87Fsubrp(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fsubrp(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fsubp") @inline(__always)
func exec_x87Fsubp(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fsubp(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fdivrp") @inline(__always)
func exec_x87Fdivrp(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fdivrp(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fdivp") @inline(__always)
func exec_x87Fdivp(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fdivp(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fld64") @inline(__always)
func exec_x87Fld64(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fld64(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fld32") @inline(__always)
func exec_x87Fld32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fld32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fild32") @inline(__always)
func exec_x87Fild32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fild32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FldST") @inline(__always)
func exec_x87FldST(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fldST(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fst32") @inline(__always)
func exec_x87Fst32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fst32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fstp32") @inline(__always)
func exec_x87Fstp32(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fstp32(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fst64") @inline(__always)
func exec_x87Fst64(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fst64(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fstp64") @inline(__always)
func exec_x87Fstp64(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fstp64(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FstST") @inline(__always)
func exec_x87FstST(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fstST(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FstpST") @inline(__always)
func exec_x87FstpST(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fstpST(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fxch") @inline(__always)
func exec_x87Fxch(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fxch(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87FldConst") @inline(__always)
func exec_x87FldConst(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fldConst(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fchs") @inline(__always)
func exec_x87Fchs(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fchs(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fabs") @inline(__always)
func exec_x87Fabs(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fabs(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fsqrt") @inline(__always)
func exec_x87Fsqrt(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fsqrt(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fcom") @inline(__always)
func exec_x87Fcom(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fcom(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fcomp") @inline(__always)
func exec_x87Fcomp(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fcomp(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fucom") @inline(__always)
func exec_x87Fucom(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fucom(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fucomp") @inline(__always)
func exec_x87Fucomp(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fucomp(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fcompp") @inline(__always)
func exec_x87Fcompp(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fcompp(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fucompp") @inline(__always)
func exec_x87Fucompp(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fucompp(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fcomi") @inline(__always)
func exec_x87Fcomi(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fcomi(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fcomip") @inline(__always)
func exec_x87Fcomip(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fcomip(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fucomi") @inline(__always)
func exec_x87Fucomi(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fucomi(i)
    return s.proceed(i)
}

@_silgen_name("gate_exec_x87Fucomip") @inline(__always)
func exec_x87Fucomip(_ s: State, _ i: Ins) -> Next {
    guard s.x87Begin(i) else { return nil }
    s.x87_fucomip(i)
    return s.proceed(i)
}

extension Op {
    /// The operation of its own for x87 form `form`, if it has one.
    static func x87(_ form: X87Op) -> Op? {
        switch form {
        case .fadd32: return .x87Fadd32
        case .fmul32: return .x87Fmul32
        case .fsub32: return .x87Fsub32
        case .fsubr32: return .x87Fsubr32
        case .fdiv32: return .x87Fdiv32
        case .fdivr32: return .x87Fdivr32
        case .fadd64: return .x87Fadd64
        case .fmul64: return .x87Fmul64
        case .fsub64: return .x87Fsub64
        case .fsubr64: return .x87Fsubr64
        case .fdiv64: return .x87Fdiv64
        case .fdivr64: return .x87Fdivr64
        case .fiadd16: return .x87Fiadd16
        case .fimul16: return .x87Fimul16
        case .fisub16: return .x87Fisub16
        case .fisubr16: return .x87Fisubr16
        case .fidiv16: return .x87Fidiv16
        case .fidivr16: return .x87Fidivr16
        case .fiadd32: return .x87Fiadd32
        case .fimul32: return .x87Fimul32
        case .fisub32: return .x87Fisub32
        case .fisubr32: return .x87Fisubr32
        case .fidiv32: return .x87Fidiv32
        case .fidivr32: return .x87Fidivr32
        case .faddST0: return .x87FaddST0
        case .fmulST0: return .x87FmulST0
        case .fsubST0: return .x87FsubST0
        case .fsubrST0: return .x87FsubrST0
        case .fdivST0: return .x87FdivST0
        case .fdivrST0: return .x87FdivrST0
        case .faddSTi: return .x87FaddSTi
        case .fmulSTi: return .x87FmulSTi
        case .fsubrSTi: return .x87FsubrSTi
        case .fsubSTi: return .x87FsubSTi
        case .fdivrSTi: return .x87FdivrSTi
        case .fdivSTi: return .x87FdivSTi
        case .faddp: return .x87Faddp
        case .fmulp: return .x87Fmulp
        case .fsubrp: return .x87Fsubrp
        case .fsubp: return .x87Fsubp
        case .fdivrp: return .x87Fdivrp
        case .fdivp: return .x87Fdivp
        case .fld64: return .x87Fld64
        case .fld32: return .x87Fld32
        case .fild32: return .x87Fild32
        case .fldST: return .x87FldST
        case .fst32: return .x87Fst32
        case .fstp32: return .x87Fstp32
        case .fst64: return .x87Fst64
        case .fstp64: return .x87Fstp64
        case .fstST: return .x87FstST
        case .fstpST: return .x87FstpST
        case .fxch: return .x87Fxch
        case .fldConst: return .x87FldConst
        case .fchs: return .x87Fchs
        case .fabs: return .x87Fabs
        case .fsqrt: return .x87Fsqrt
        case .fcom: return .x87Fcom
        case .fcomp: return .x87Fcomp
        case .fucom: return .x87Fucom
        case .fucomp: return .x87Fucomp
        case .fcompp: return .x87Fcompp
        case .fucompp: return .x87Fucompp
        case .fcomi: return .x87Fcomi
        case .fcomip: return .x87Fcomip
        case .fucomi: return .x87Fucomi
        case .fucomip: return .x87Fucomip
        default: return nil
        }
    }
}

extension HandlerTable {
    /// This file's shims, compiled beside their bodies (see `aluShim`).
    @inline(never)
    static func floatingPointShim(_ op: Op) -> Shim? {
        switch op {
        case .x87Fadd32: return gate_tc_x87Fadd32
        case .x87Fmul32: return gate_tc_x87Fmul32
        case .x87Fsub32: return gate_tc_x87Fsub32
        case .x87Fsubr32: return gate_tc_x87Fsubr32
        case .x87Fdiv32: return gate_tc_x87Fdiv32
        case .x87Fdivr32: return gate_tc_x87Fdivr32
        case .x87Fadd64: return gate_tc_x87Fadd64
        case .x87Fmul64: return gate_tc_x87Fmul64
        case .x87Fsub64: return gate_tc_x87Fsub64
        case .x87Fsubr64: return gate_tc_x87Fsubr64
        case .x87Fdiv64: return gate_tc_x87Fdiv64
        case .x87Fdivr64: return gate_tc_x87Fdivr64
        case .x87Fiadd16: return gate_tc_x87Fiadd16
        case .x87Fimul16: return gate_tc_x87Fimul16
        case .x87Fisub16: return gate_tc_x87Fisub16
        case .x87Fisubr16: return gate_tc_x87Fisubr16
        case .x87Fidiv16: return gate_tc_x87Fidiv16
        case .x87Fidivr16: return gate_tc_x87Fidivr16
        case .x87Fiadd32: return gate_tc_x87Fiadd32
        case .x87Fimul32: return gate_tc_x87Fimul32
        case .x87Fisub32: return gate_tc_x87Fisub32
        case .x87Fisubr32: return gate_tc_x87Fisubr32
        case .x87Fidiv32: return gate_tc_x87Fidiv32
        case .x87Fidivr32: return gate_tc_x87Fidivr32
        case .x87FaddST0: return gate_tc_x87FaddST0
        case .x87FmulST0: return gate_tc_x87FmulST0
        case .x87FsubST0: return gate_tc_x87FsubST0
        case .x87FsubrST0: return gate_tc_x87FsubrST0
        case .x87FdivST0: return gate_tc_x87FdivST0
        case .x87FdivrST0: return gate_tc_x87FdivrST0
        case .x87FaddSTi: return gate_tc_x87FaddSTi
        case .x87FmulSTi: return gate_tc_x87FmulSTi
        case .x87FsubrSTi: return gate_tc_x87FsubrSTi
        case .x87FsubSTi: return gate_tc_x87FsubSTi
        case .x87FdivrSTi: return gate_tc_x87FdivrSTi
        case .x87FdivSTi: return gate_tc_x87FdivSTi
        case .x87Faddp: return gate_tc_x87Faddp
        case .x87Fmulp: return gate_tc_x87Fmulp
        case .x87Fsubrp: return gate_tc_x87Fsubrp
        case .x87Fsubp: return gate_tc_x87Fsubp
        case .x87Fdivrp: return gate_tc_x87Fdivrp
        case .x87Fdivp: return gate_tc_x87Fdivp
        case .x87Fld64: return gate_tc_x87Fld64
        case .x87Fld32: return gate_tc_x87Fld32
        case .x87Fild32: return gate_tc_x87Fild32
        case .x87FldST: return gate_tc_x87FldST
        case .x87Fst32: return gate_tc_x87Fst32
        case .x87Fstp32: return gate_tc_x87Fstp32
        case .x87Fst64: return gate_tc_x87Fst64
        case .x87Fstp64: return gate_tc_x87Fstp64
        case .x87FstST: return gate_tc_x87FstST
        case .x87FstpST: return gate_tc_x87FstpST
        case .x87Fxch: return gate_tc_x87Fxch
        case .x87FldConst: return gate_tc_x87FldConst
        case .x87Fchs: return gate_tc_x87Fchs
        case .x87Fabs: return gate_tc_x87Fabs
        case .x87Fsqrt: return gate_tc_x87Fsqrt
        case .x87Fcom: return gate_tc_x87Fcom
        case .x87Fcomp: return gate_tc_x87Fcomp
        case .x87Fucom: return gate_tc_x87Fucom
        case .x87Fucomp: return gate_tc_x87Fucomp
        case .x87Fcompp: return gate_tc_x87Fcompp
        case .x87Fucompp: return gate_tc_x87Fucompp
        case .x87Fcomi: return gate_tc_x87Fcomi
        case .x87Fcomip: return gate_tc_x87Fcomip
        case .x87Fucomi: return gate_tc_x87Fucomi
        case .x87Fucomip: return gate_tc_x87Fucomip
        default: return nil
        }
    }
}
