// One out-of-line handler per hot x87 form, so that each is compiled with its operation
// and operand type as constants: the x87 dispatch (X87Execute.swift) jumps straight to the
// right code with no second switch. The bodies are the two inlined templates below; the
// switches in them fold away because every argument is a literal.

/// The six arithmetic operations, with `a` = ST(0) and `b` = the other operand
/// (memory or ST(i)); the `r` forms are the reversed ones.
@usableFromInline enum X87ArithOp { case add, mul, sub, subr, div, divr }

/// How a memory operand of an arithmetic instruction is read and widened.
@usableFromInline enum X87MemOperand { case float32, float64, int16, int32 }

extension UnsafeMutablePointer where Pointee == CPUState {
    @inline(__always) func x87Compute(_ op: X87ArithOp, _ a: F80, _ b: F80, _ fl: inout UInt16) -> F80 {
        let cw = fpu.pointee.cw
        switch op {
        case .add: return X87Arithmetic.add(a, b, cw: cw, flags: &fl)
        case .mul: return X87Arithmetic.mul(a, b, cw: cw, flags: &fl)
        case .sub: return X87Arithmetic.sub(a, b, cw: cw, flags: &fl)
        case .subr: return X87Arithmetic.sub(b, a, cw: cw, flags: &fl)
        case .div: return X87Arithmetic.div(a, b, cw: cw, flags: &fl)
        case .divr: return X87Arithmetic.div(b, a, cw: cw, flags: &fl)
        }
    }

    /// ST(0) ← ST(0) op memory.
    @inline(__always) func x87MemoryArith(_ i: Ins, _ op: X87ArithOp, _ operand: X87MemOperand) {
        let e = ea(i)
        var fl: UInt16 = 0
        let b: F80
        switch operand {
        case .float64:
            let v = read64(i, e)
            if faulted { return }
            b = X87Arithmetic.widen(v, double: true, quiet: false, flags: &fl)
        case .float32:
            let v = read(Int(i.seg), e, 4)
            if faulted { return }
            b = X87Arithmetic.widen(UInt64(v), double: false, quiet: false, flags: &fl)
        case .int16:
            let v = read(Int(i.seg), e, 2)
            if faulted { return }
            b = X87Arithmetic.fromInt(Int64(Int16(truncatingIfNeeded: v)))
        case .int32:
            let v = read(Int(i.seg), e, 4)
            if faulted { return }
            b = X87Arithmetic.fromInt(Int64(Int32(bitPattern: v)))
        }
        notePointer(i, e)
        var r = F80.indefinite
        if let a = arithOperandST0(b, &fl) { r = x87Compute(op, a, b, &fl) }
        commitArith(r, dest: 0, pop: false, fl)
    }

    /// ST(0) or ST(i) ← ST(0) op ST(i), popping for the `p` forms.
    @inline(__always) func x87RegisterArith(_ i: Ins, _ op: X87ArithOp, intoST0: Bool, pop: Bool) {
        var fl: UInt16 = 0
        var r = F80.indefinite
        if let (a, b) = arithOperands(Int(i.rm), &fl) { r = x87Compute(op, a, b, &fl) }
        commitArith(r, dest: intoST0 ? 0 : Int(i.rm), pop: pop, fl)
    }

    // MARK: ST(0) ← ST(0) op memory

    @inline(never) func x87_fadd32(_ i: Ins) { x87MemoryArith(i, .add, .float32) }
    @inline(never) func x87_fmul32(_ i: Ins) { x87MemoryArith(i, .mul, .float32) }
    @inline(never) func x87_fsub32(_ i: Ins) { x87MemoryArith(i, .sub, .float32) }
    @inline(never) func x87_fsubr32(_ i: Ins) { x87MemoryArith(i, .subr, .float32) }
    @inline(never) func x87_fdiv32(_ i: Ins) { x87MemoryArith(i, .div, .float32) }
    @inline(never) func x87_fdivr32(_ i: Ins) { x87MemoryArith(i, .divr, .float32) }
    @inline(never) func x87_fadd64(_ i: Ins) { x87MemoryArith(i, .add, .float64) }
    @inline(never) func x87_fmul64(_ i: Ins) { x87MemoryArith(i, .mul, .float64) }
    @inline(never) func x87_fsub64(_ i: Ins) { x87MemoryArith(i, .sub, .float64) }
    @inline(never) func x87_fsubr64(_ i: Ins) { x87MemoryArith(i, .subr, .float64) }
    @inline(never) func x87_fdiv64(_ i: Ins) { x87MemoryArith(i, .div, .float64) }
    @inline(never) func x87_fdivr64(_ i: Ins) { x87MemoryArith(i, .divr, .float64) }
    @inline(never) func x87_fiadd16(_ i: Ins) { x87MemoryArith(i, .add, .int16) }
    @inline(never) func x87_fimul16(_ i: Ins) { x87MemoryArith(i, .mul, .int16) }
    @inline(never) func x87_fisub16(_ i: Ins) { x87MemoryArith(i, .sub, .int16) }
    @inline(never) func x87_fisubr16(_ i: Ins) { x87MemoryArith(i, .subr, .int16) }
    @inline(never) func x87_fidiv16(_ i: Ins) { x87MemoryArith(i, .div, .int16) }
    @inline(never) func x87_fidivr16(_ i: Ins) { x87MemoryArith(i, .divr, .int16) }
    @inline(never) func x87_fiadd32(_ i: Ins) { x87MemoryArith(i, .add, .int32) }
    @inline(never) func x87_fimul32(_ i: Ins) { x87MemoryArith(i, .mul, .int32) }
    @inline(never) func x87_fisub32(_ i: Ins) { x87MemoryArith(i, .sub, .int32) }
    @inline(never) func x87_fisubr32(_ i: Ins) { x87MemoryArith(i, .subr, .int32) }
    @inline(never) func x87_fidiv32(_ i: Ins) { x87MemoryArith(i, .div, .int32) }
    @inline(never) func x87_fidivr32(_ i: Ins) { x87MemoryArith(i, .divr, .int32) }

    // MARK: Register forms

    @inline(never) func x87_faddST0(_ i: Ins) { x87RegisterArith(i, .add, intoST0: true, pop: false) }
    @inline(never) func x87_fmulST0(_ i: Ins) { x87RegisterArith(i, .mul, intoST0: true, pop: false) }
    @inline(never) func x87_fsubST0(_ i: Ins) { x87RegisterArith(i, .sub, intoST0: true, pop: false) }
    @inline(never) func x87_fsubrST0(_ i: Ins) { x87RegisterArith(i, .subr, intoST0: true, pop: false) }
    @inline(never) func x87_fdivST0(_ i: Ins) { x87RegisterArith(i, .div, intoST0: true, pop: false) }
    @inline(never) func x87_fdivrST0(_ i: Ins) { x87RegisterArith(i, .divr, intoST0: true, pop: false) }
    @inline(never) func x87_faddSTi(_ i: Ins) { x87RegisterArith(i, .add, intoST0: false, pop: false) }
    @inline(never) func x87_fmulSTi(_ i: Ins) { x87RegisterArith(i, .mul, intoST0: false, pop: false) }
    @inline(never) func x87_fsubrSTi(_ i: Ins) { x87RegisterArith(i, .sub, intoST0: false, pop: false) }
    @inline(never) func x87_fsubSTi(_ i: Ins) { x87RegisterArith(i, .subr, intoST0: false, pop: false) }
    @inline(never) func x87_fdivrSTi(_ i: Ins) { x87RegisterArith(i, .div, intoST0: false, pop: false) }
    @inline(never) func x87_fdivSTi(_ i: Ins) { x87RegisterArith(i, .divr, intoST0: false, pop: false) }
    @inline(never) func x87_faddp(_ i: Ins) { x87RegisterArith(i, .add, intoST0: false, pop: true) }
    @inline(never) func x87_fmulp(_ i: Ins) { x87RegisterArith(i, .mul, intoST0: false, pop: true) }
    @inline(never) func x87_fsubrp(_ i: Ins) { x87RegisterArith(i, .sub, intoST0: false, pop: true) }
    @inline(never) func x87_fsubp(_ i: Ins) { x87RegisterArith(i, .subr, intoST0: false, pop: true) }
    @inline(never) func x87_fdivrp(_ i: Ins) { x87RegisterArith(i, .div, intoST0: false, pop: true) }
    @inline(never) func x87_fdivp(_ i: Ins) { x87RegisterArith(i, .divr, intoST0: false, pop: true) }

    // MARK: Loads and stores of doubles and singles

    @inline(never) func x87_fld64(_ i: Ins) {
        let e = ea(i)
        let v = read64(i, e)
        if faulted { return }
        notePointer(i, e)
        var fl: UInt16 = 0
        pushValue(X87Arithmetic.widen(v, double: true, quiet: true, flags: &fl), fl)
    }

    @inline(never) func x87_fld32(_ i: Ins) {
        let e = ea(i)
        let v = read(Int(i.seg), e, 4)
        if faulted { return }
        notePointer(i, e)
        var fl: UInt16 = 0
        pushValue(X87Arithmetic.widen(UInt64(v), double: false, quiet: true, flags: &fl), fl)
    }

    @inline(never) func x87_fst64(_ i: Ins) { storeBinary(i, double: true, pop: false) }
    @inline(never) func x87_fstp64(_ i: Ins) { storeBinary(i, double: true, pop: true) }
    @inline(never) func x87_fst32(_ i: Ins) { storeBinary(i, double: false, pop: false) }
    @inline(never) func x87_fstp32(_ i: Ins) { storeBinary(i, double: false, pop: true) }
}
