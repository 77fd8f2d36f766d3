// One out-of-line handler per hot x87 form, so that each is compiled with its operation
// and operand type as constants: the x87 dispatch (X87Execute.swift) jumps straight to the
// right code with no second switch.
//
// Each handler first tries its fast path (X87FastPaths.swift) — the common case of normal
// operands, round to nearest, non-empty registers, a flat segment and an accessible page —
// which decides everything before it changes anything. When any condition fails it has
// done nothing, and the general path (the templates below, and the handlers of
// X87Execute.swift) executes the instruction from the start.

/// The six arithmetic operations, with `a` = ST(0) and `b` = the other operand
/// (memory or ST(i)); the `r` forms are the reversed ones.
@usableFromInline enum X87ArithOp { case add, mul, sub, subr, div, divr }

/// How a memory operand of an arithmetic instruction is read and widened.
@usableFromInline enum X87MemOperand { case float32, float64, int16, int32 }

extension UnsafeMutablePointer where Pointee == CPUState {
    // MARK: General paths

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

    /// ST(0) ← ST(0) op memory: every case. One function for all the forms: it is reached
    /// for the other precision controls (the fast path again, with the shift a variable;
    /// the handler has tried precision control 64) and for everything the fast path
    /// declines.
    @inline(never)
    func x87MemoryArith(_ i: Ins, _ op: X87ArithOp, _ operand: X87MemOperand) {
        let s = fpu.pointee.nearestShift
        if s != 0 && s != X87Fast.general && x87FastMemoryArith(i, op, operand, shift: s) { return }
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
        if let a = arithOperandST0(b, &fl) {
            // A denormal memory dividend over a zero divisor reports only ZE, as a register
            // one does (SoftF80.divSpecial): the DE its conversion found is dropped.
            if op == .divr && a.isZero { fl &= ~X87Flag.denormal }
            r = x87Compute(op, a, b, &fl)
        }
        commitArith(r, dest: 0, pop: false, fl)
    }

    /// ST(0) or ST(i) ← ST(0) op ST(i), popping for the `p` forms: every case (as
    /// `x87MemoryArith`).
    @inline(never)
    func x87RegisterArith(_ i: Ins, _ op: X87ArithOp, intoST0: Bool, pop: Bool) {
        let s = fpu.pointee.nearestShift
        if s != 0 && s != X87Fast.general && x87FastRegisterArith(i, op, intoST0: intoST0, pop: pop, shift: s) {
            return
        }
        var fl: UInt16 = 0
        var r = F80.indefinite
        if let (a, b) = arithOperands(Int(i.rm), &fl) { r = x87Compute(op, a, b, &fl) }
        commitArith(r, dest: intoST0 ? 0 : Int(i.rm), pop: pop, fl)
    }

    // The handlers inline the fast path for precision control 64 (Linux's default) only:
    // with the shift a constant 0 the rounding shrinks to a few instructions, and the
    // handler needs so few registers that it saves none. The other precisions reach the
    // same fast path, with the shift a variable, one call away in the general function.

    @inline(__always) func x87MemoryArithForm(_ i: Ins, _ op: X87ArithOp, _ operand: X87MemOperand) {
        if fpu.pointee.nearestShift == 0 && x87FastMemoryArith(i, op, operand, shift: 0) { return }
        x87MemoryArith(i, op, operand)
    }

    @inline(__always) func x87RegisterArithForm(_ i: Ins, _ op: X87ArithOp, intoST0: Bool, pop: Bool) {
        if fpu.pointee.nearestShift == 0 && x87FastRegisterArith(i, op, intoST0: intoST0, pop: pop, shift: 0) { return }
        x87RegisterArith(i, op, intoST0: intoST0, pop: pop)
    }

    // MARK: ST(0) ← ST(0) op memory

    @inline(never) func x87_fadd32(_ i: Ins) { x87MemoryArithForm(i, .add, .float32) }
    @inline(never) func x87_fmul32(_ i: Ins) { x87MemoryArithForm(i, .mul, .float32) }
    @inline(never) func x87_fsub32(_ i: Ins) { x87MemoryArithForm(i, .sub, .float32) }
    @inline(never) func x87_fsubr32(_ i: Ins) { x87MemoryArithForm(i, .subr, .float32) }
    @inline(never) func x87_fdiv32(_ i: Ins) { x87MemoryArithForm(i, .div, .float32) }
    @inline(never) func x87_fdivr32(_ i: Ins) { x87MemoryArithForm(i, .divr, .float32) }
    @inline(never) func x87_fadd64(_ i: Ins) { x87MemoryArithForm(i, .add, .float64) }
    @inline(never) func x87_fmul64(_ i: Ins) { x87MemoryArithForm(i, .mul, .float64) }
    @inline(never) func x87_fsub64(_ i: Ins) { x87MemoryArithForm(i, .sub, .float64) }
    @inline(never) func x87_fsubr64(_ i: Ins) { x87MemoryArithForm(i, .subr, .float64) }
    @inline(never) func x87_fdiv64(_ i: Ins) { x87MemoryArithForm(i, .div, .float64) }
    @inline(never) func x87_fdivr64(_ i: Ins) { x87MemoryArithForm(i, .divr, .float64) }
    @inline(never) func x87_fiadd16(_ i: Ins) { x87MemoryArithForm(i, .add, .int16) }
    @inline(never) func x87_fimul16(_ i: Ins) { x87MemoryArithForm(i, .mul, .int16) }
    @inline(never) func x87_fisub16(_ i: Ins) { x87MemoryArithForm(i, .sub, .int16) }
    @inline(never) func x87_fisubr16(_ i: Ins) { x87MemoryArithForm(i, .subr, .int16) }
    @inline(never) func x87_fidiv16(_ i: Ins) { x87MemoryArithForm(i, .div, .int16) }
    @inline(never) func x87_fidivr16(_ i: Ins) { x87MemoryArithForm(i, .divr, .int16) }
    @inline(never) func x87_fiadd32(_ i: Ins) { x87MemoryArithForm(i, .add, .int32) }
    @inline(never) func x87_fimul32(_ i: Ins) { x87MemoryArithForm(i, .mul, .int32) }
    @inline(never) func x87_fisub32(_ i: Ins) { x87MemoryArithForm(i, .sub, .int32) }
    @inline(never) func x87_fisubr32(_ i: Ins) { x87MemoryArithForm(i, .subr, .int32) }
    @inline(never) func x87_fidiv32(_ i: Ins) { x87MemoryArithForm(i, .div, .int32) }
    @inline(never) func x87_fidivr32(_ i: Ins) { x87MemoryArithForm(i, .divr, .int32) }

    // MARK: Register forms

    @inline(never) func x87_faddST0(_ i: Ins) { x87RegisterArithForm(i, .add, intoST0: true, pop: false) }
    @inline(never) func x87_fmulST0(_ i: Ins) { x87RegisterArithForm(i, .mul, intoST0: true, pop: false) }
    @inline(never) func x87_fsubST0(_ i: Ins) { x87RegisterArithForm(i, .sub, intoST0: true, pop: false) }
    @inline(never) func x87_fsubrST0(_ i: Ins) { x87RegisterArithForm(i, .subr, intoST0: true, pop: false) }
    @inline(never) func x87_fdivST0(_ i: Ins) { x87RegisterArithForm(i, .div, intoST0: true, pop: false) }
    @inline(never) func x87_fdivrST0(_ i: Ins) { x87RegisterArithForm(i, .divr, intoST0: true, pop: false) }
    @inline(never) func x87_faddSTi(_ i: Ins) { x87RegisterArithForm(i, .add, intoST0: false, pop: false) }
    @inline(never) func x87_fmulSTi(_ i: Ins) { x87RegisterArithForm(i, .mul, intoST0: false, pop: false) }
    @inline(never) func x87_fsubrSTi(_ i: Ins) { x87RegisterArithForm(i, .sub, intoST0: false, pop: false) }
    @inline(never) func x87_fsubSTi(_ i: Ins) { x87RegisterArithForm(i, .subr, intoST0: false, pop: false) }
    @inline(never) func x87_fdivrSTi(_ i: Ins) { x87RegisterArithForm(i, .div, intoST0: false, pop: false) }
    @inline(never) func x87_fdivSTi(_ i: Ins) { x87RegisterArithForm(i, .divr, intoST0: false, pop: false) }
    @inline(never) func x87_faddp(_ i: Ins) { x87RegisterArithForm(i, .add, intoST0: false, pop: true) }
    @inline(never) func x87_fmulp(_ i: Ins) { x87RegisterArithForm(i, .mul, intoST0: false, pop: true) }
    @inline(never) func x87_fsubrp(_ i: Ins) { x87RegisterArithForm(i, .sub, intoST0: false, pop: true) }
    @inline(never) func x87_fsubp(_ i: Ins) { x87RegisterArithForm(i, .subr, intoST0: false, pop: true) }
    @inline(never) func x87_fdivrp(_ i: Ins) { x87RegisterArithForm(i, .div, intoST0: false, pop: true) }
    @inline(never) func x87_fdivp(_ i: Ins) { x87RegisterArithForm(i, .divr, intoST0: false, pop: true) }

    // MARK: Loads and stores of doubles and singles

    @inline(never) func x87_fld64(_ i: Ins) { if !x87FastLoad(i, double: true) { loadMemory(i, .fld64) } }
    @inline(never) func x87_fld32(_ i: Ins) { if !x87FastLoad(i, double: false) { loadMemory(i, .fld32) } }
    @inline(never) func x87_fst64(_ i: Ins) {
        if !x87FastStore(i, double: true, pop: false) { storeBinary(i, double: true, pop: false) }
    }
    @inline(never) func x87_fstp64(_ i: Ins) {
        if !x87FastStore(i, double: true, pop: true) { storeBinary(i, double: true, pop: true) }
    }
    @inline(never) func x87_fst32(_ i: Ins) {
        if !x87FastStore(i, double: false, pop: false) { storeBinary(i, double: false, pop: false) }
    }
    @inline(never) func x87_fstp32(_ i: Ins) {
        if !x87FastStore(i, double: false, pop: true) { storeBinary(i, double: false, pop: true) }
    }

    /// fild m32: an integer is always exact.
    @inline(never) func x87_fild32(_ i: Ins) {
        let f = fpu
        let slot = (f.pointee.top &- 1) & 7
        let seg = segmentCache(Int(i.seg))
        let e = ea(i)
        guard f.pointee.emptyRaw & f.emptyBit(slot) != 0, let p = x87FastAddress(seg, e, 4, write: false) else {
            loadMemory(i, .fild32)
            return
        }
        f.pointee.top = slot
        f.pointee.emptyRaw &= ~f.emptyBit(slot)
        f.setPhysical(slot, SoftF80.fromInt(Int64(p.loadUnaligned(as: Int32.self))))
        x87NotePointer(seg, e)
        f.pointee.swRaw &= ~UInt32(X87Flag.c1)
    }

    // MARK: Register moves

    /// fld st(i).
    @inline(never) func x87_fldST(_ i: Ins) {
        let f = fpu
        let top = f.pointee.top
        let src = (top &+ Int(i.rm)) & 7, slot = (top &- 1) & 7
        let empty = f.pointee.emptyRaw
        if _slowPath(empty & f.emptyBit(src) != 0 || empty & f.emptyBit(slot) == 0) {
            loadRegister(Int(i.rm))
            return
        }
        f.setPhysical(slot, f.physical(src))
        f.pointee.top = slot
        f.pointee.emptyRaw = empty & ~f.emptyBit(slot)
        f.pointee.swRaw &= ~UInt32(X87Flag.c1)
    }

    /// fxch st(i).
    @inline(never) func x87_fxch(_ i: Ins) {
        let f = fpu
        let top = f.pointee.top
        let j = (top &+ Int(i.rm)) & 7
        if _slowPath(f.pointee.emptyRaw & (f.emptyBit(top) | f.emptyBit(j)) != 0) {
            exchange(Int(i.rm))
            return
        }
        let a = f.physical(top)
        f.setPhysical(top, f.physical(j))
        f.setPhysical(j, a)
        f.pointee.swRaw &= ~UInt32(X87Flag.c1)
    }

    /// fst st(i) and fstp st(i): a copy of the raw bits.
    @inline(__always) func x87StoreST(_ i: Ins, pop: Bool) {
        let f = fpu
        let top = f.pointee.top
        let j = (top &+ Int(i.rm)) & 7
        let empty = f.pointee.emptyRaw
        if _slowPath(empty & f.emptyBit(top) != 0) {
            storeRegister(Int(i.rm), pop ? .fstpST : .fstST)
            return
        }
        f.setPhysical(j, f.physical(top))
        f.pointee.emptyRaw = empty & ~f.emptyBit(j)
        if pop { f.pop(from: top) }
        f.pointee.swRaw &= ~UInt32(X87Flag.c1)
    }
    @inline(never) func x87_fstST(_ i: Ins) { x87StoreST(i, pop: false) }
    @inline(never) func x87_fstpST(_ i: Ins) { x87StoreST(i, pop: true) }

    /// fld1 and fldz (the other constants depend on the rounding control).
    @inline(never) func x87_fldConst(_ i: Ins) {
        let f = fpu
        let slot = (f.pointee.top &- 1) & 7
        let k = i.rm
        if _slowPath((k != 0 && k != 6) || f.pointee.emptyRaw & f.emptyBit(slot) == 0) {
            pushValue(X87Arithmetic.constant(Int(k), rc: X87Control.rounding(f.pointee.cw)), 0)
            return
        }
        f.pointee.top = slot
        f.pointee.emptyRaw &= ~f.emptyBit(slot)
        f.setPhysical(slot, k == 0 ? F80.one : F80.zero)
        f.pointee.swRaw &= ~UInt32(X87Flag.c1)
    }

    // MARK: One-operand instructions

    /// fchs and fabs: sign changes, exact for every encoding.
    @inline(__always) func x87SignOp(_ form: X87Op) {
        let f = fpu
        let top = f.pointee.top
        if _slowPath(f.pointee.emptyRaw & f.emptyBit(top) != 0) {
            unaryOnST0(form)
            return
        }
        var x = f.physical(top)
        x.se = form == .fchs ? x.se ^ 0x8000 : x.se & 0x7fff
        f.setPhysical(top, x)
        f.pointee.swRaw &= ~UInt32(X87Flag.c1)
    }
    @inline(never) func x87_fchs(_ i: Ins) { x87SignOp(.fchs) }
    @inline(never) func x87_fabs(_ i: Ins) { x87SignOp(.fabs) }

    @inline(never) func x87_fsqrt(_ i: Ins) {
        let f = fpu
        let top = f.pointee.top
        let s = f.pointee.nearestShift
        var fl: UInt16 = 0
        if _slowPath(s == X87Fast.general || f.pointee.emptyRaw & f.emptyBit(top) != 0) {
            unaryOnST0(.fsqrt)
            return
        }
        guard let r = X87Fast.sqrt(f.physical(top), s, &fl) else {
            unaryOnST0(.fsqrt)
            return
        }
        f.setPhysical(top, r)
        x87FinishFast(fl)
    }

    // MARK: Comparisons

    /// fcomi/fucomi/fcomip/fucomip st(i): ZF PF CF. For zeros and normal numbers fcomi and
    /// fucomi are the same (neither raises anything), and C1 is left alone.
    @inline(__always) func x87CompareEFLAGS(_ i: Ins, quiet: Bool, pop: Bool) {
        let f = fpu
        let top = f.pointee.top
        let j = (top &+ Int(i.rm)) & 7
        guard f.pointee.emptyRaw & (f.emptyBit(top) | f.emptyBit(j)) == 0,
              let cc = X87Fast.compare(f.physical(top), f.physical(j)) else {
            compareRegisters(Int(i.rm), quiet: quiet, pops: pop ? 1 : 0, eflags: true)
            return
        }
        // All six arithmetic flags are replaced (OF SF AF cleared), so whatever the lazy
        // flags held is dropped rather than computed.
        let bits = (cc & X87Flag.c0 != 0 ? EFLAGS.cf : 0) | (cc & X87Flag.c3 != 0 ? EFLAGS.zf : 0)
        pointee.flags.op = .none
        pointee.eflagsRaw = (pointee.eflagsRaw & ~EFLAGS.arith) | bits
        if pop { f.pop(from: top) }
    }
    @inline(never) func x87_fcomi(_ i: Ins) { x87CompareEFLAGS(i, quiet: false, pop: false) }
    @inline(never) func x87_fcomip(_ i: Ins) { x87CompareEFLAGS(i, quiet: false, pop: true) }
    @inline(never) func x87_fucomi(_ i: Ins) { x87CompareEFLAGS(i, quiet: true, pop: false) }
    @inline(never) func x87_fucomip(_ i: Ins) { x87CompareEFLAGS(i, quiet: true, pop: true) }

    /// fcom/fucom families with ST(i): C3 C2 C0, C1 cleared.
    @inline(__always) func x87CompareStatus(_ j: Int, quiet: Bool, pops: Int) {
        let f = fpu
        let top = f.pointee.top
        let pj = (top &+ j) & 7
        guard f.pointee.emptyRaw & (f.emptyBit(top) | f.emptyBit(pj)) == 0,
              let cc = X87Fast.compare(f.physical(top), f.physical(pj)) else {
            compareRegisters(j, quiet: quiet, pops: pops, eflags: false)
            return
        }
        f.pointee.swRaw = (f.pointee.swRaw & ~UInt32(X87Flag.conditions)) | UInt32(cc)
        if pops >= 1 { f.pop(from: top) }
        if pops == 2 { f.pop(from: (top &+ 1) & 7) }
    }
    @inline(never) func x87_fcom(_ i: Ins) { x87CompareStatus(Int(i.rm), quiet: false, pops: 0) }
    @inline(never) func x87_fcomp(_ i: Ins) { x87CompareStatus(Int(i.rm), quiet: false, pops: 1) }
    @inline(never) func x87_fucom(_ i: Ins) { x87CompareStatus(Int(i.rm), quiet: true, pops: 0) }
    @inline(never) func x87_fucomp(_ i: Ins) { x87CompareStatus(Int(i.rm), quiet: true, pops: 1) }
    @inline(never) func x87_fcompp(_ i: Ins) { x87CompareStatus(1, quiet: false, pops: 2) }
    @inline(never) func x87_fucompp(_ i: Ins) { x87CompareStatus(1, quiet: true, pops: 2) }
}
