/// Executing x87 instructions: the stack discipline (TOP, tags, overflow and underflow),
/// memory operands, the status word's exception flags and condition codes, the pending
/// #MF of unmasked exceptions, and the last-instruction pointers. The arithmetic itself
/// lives behind `X87Arithmetic`.
///
/// Exceptions (Intel SDM vol. 1, 8.5 and 4.9): each operation reports the exceptions it
/// detects as flags. Masked, the flag is set and the instruction delivers the default
/// result. Unmasked, the flag and ES are set and #MF is raised at the next waiting x87
/// instruction (not this one); for invalid, denormal and divide-by-zero (detected before
/// computing) the destination and the stack are left unchanged, for overflow and
/// underflow a register destination gets the result with its exponent adjusted by
/// ∓24576 and a memory destination is not written, and for precision the result is
/// delivered normally.
extension UnsafeMutablePointer where Pointee == CPUState {
    @inline(__always) var fpu: UnsafeMutablePointer<FPUState> {
        UnsafeMutableRawPointer(self).advanced(by: MemoryLayout<CPUState>.offset(of: \CPUState.fpu)!)
            .assumingMemoryBound(to: FPUState.self)
    }

    /// Executes an `.x87` instruction (including fwait and MMX).
    @inline(never)
    func x87(_ i: Ins) {
        let f = fpu
        let form = unsafeBitCast(UInt8(truncatingIfNeeded: i.imm), to: X87Op.self)
        // ES is tested first: it is almost never set, so the common path is one test.
        if _slowPath(f.pointee.swRaw & UInt32(X87Flag.errorSummary) != 0) && form.rawValue < X87Op.firstNonWaiting {
            raise(Vector.fpuError)
            return
        }
        if form.rawValue < X87Op.firstControl {
            f.pointee.fip = i.imm2
            f.pointee.fcs = pointee.seg.regs.1.selector
            f.pointee.fop = UInt16(truncatingIfNeeded: i.imm &>> 16)
        }
        // Every case is a call, so this dispatch needs no stack frame of its own.
        switch form {
        case .fadd32: x87_fadd32(i)
        case .fmul32: x87_fmul32(i)
        case .fcom32: compareMemory(i, .m32, pop: false)
        case .fcomp32: compareMemory(i, .m32, pop: true)
        case .fsub32: x87_fsub32(i)
        case .fsubr32: x87_fsubr32(i)
        case .fdiv32: x87_fdiv32(i)
        case .fdivr32: x87_fdivr32(i)
        case .fadd64: x87_fadd64(i)
        case .fmul64: x87_fmul64(i)
        case .fcom64: compareMemory(i, .m64, pop: false)
        case .fcomp64: compareMemory(i, .m64, pop: true)
        case .fsub64: x87_fsub64(i)
        case .fsubr64: x87_fsubr64(i)
        case .fdiv64: x87_fdiv64(i)
        case .fdivr64: x87_fdivr64(i)
        case .fiadd16: x87_fiadd16(i)
        case .fimul16: x87_fimul16(i)
        case .ficom16: compareMemory(i, .i16, pop: false)
        case .ficomp16: compareMemory(i, .i16, pop: true)
        case .fisub16: x87_fisub16(i)
        case .fisubr16: x87_fisubr16(i)
        case .fidiv16: x87_fidiv16(i)
        case .fidivr16: x87_fidivr16(i)
        case .fiadd32: x87_fiadd32(i)
        case .fimul32: x87_fimul32(i)
        case .ficom32: compareMemory(i, .i32, pop: false)
        case .ficomp32: compareMemory(i, .i32, pop: true)
        case .fisub32: x87_fisub32(i)
        case .fisubr32: x87_fisubr32(i)
        case .fidiv32: x87_fidiv32(i)
        case .fidivr32: x87_fidivr32(i)
        case .faddST0: x87_faddST0(i)
        case .fmulST0: x87_fmulST0(i)
        case .fsubST0: x87_fsubST0(i)
        case .fsubrST0: x87_fsubrST0(i)
        case .fdivST0: x87_fdivST0(i)
        case .fdivrST0: x87_fdivrST0(i)
        case .faddSTi: x87_faddSTi(i)
        case .fmulSTi: x87_fmulSTi(i)
        case .fsubrSTi: x87_fsubrSTi(i)
        case .fsubSTi: x87_fsubSTi(i)
        case .fdivrSTi: x87_fdivrSTi(i)
        case .fdivSTi: x87_fdivSTi(i)
        case .faddp: x87_faddp(i)
        case .fmulp: x87_fmulp(i)
        case .fsubrp: x87_fsubrp(i)
        case .fsubp: x87_fsubp(i)
        case .fdivrp: x87_fdivrp(i)
        case .fdivp: x87_fdivp(i)
        case .fld64: x87_fld64(i)
        case .fld32: x87_fld32(i)
        case .fild32: x87_fild32(i)
        case .fld80, .fild16, .fild64, .fbld:
            loadMemory(i, form)
        case .fldST: x87_fldST(i)
        case .fst32: x87_fst32(i)
        case .fstp32: x87_fstp32(i)
        case .fst64: x87_fst64(i)
        case .fstp64: x87_fstp64(i)
        case .fist16, .fistp16, .fisttp16:
            storeInteger(i, bits: 16, pop: form != .fist16, truncate: form == .fisttp16)
        case .fist32, .fistp32, .fisttp32:
            storeInteger(i, bits: 32, pop: form != .fist32, truncate: form == .fisttp32)
        case .fistp64, .fisttp64:
            storeInteger(i, bits: 64, pop: true, truncate: form == .fisttp64)
        case .fstST: x87_fstST(i)
        case .fstpST: x87_fstpST(i)
        case .fstp1:
            storeRegister(Int(i.rm), form)
        case .fxch: x87_fxch(i)
        case .fldConst: x87_fldConst(i)
        case .fchs: x87_fchs(i)
        case .fabs: x87_fabs(i)
        case .fsqrt: x87_fsqrt(i)
        case .f2xm1, .frndint, .fsin, .fcos:
            unaryOnST0(form)
        case .fyl2x, .fyl2xp1, .fpatan, .fscale, .fprem, .fprem1:
            binaryOnST0ST1(form)
        case .fptan, .fsincos, .fxtract:
            twoResults(form)
        case .fcom: x87_fcom(i)
        case .fcomp: x87_fcomp(i)
        case .fucom: x87_fucom(i)
        case .fucomp: x87_fucomp(i)
        case .fcompp: x87_fcompp(i)
        case .fucompp: x87_fucompp(i)
        case .fcomi: x87_fcomi(i)
        case .fcomip: x87_fcomip(i)
        case .fucomi: x87_fucomi(i)
        case .fucomip: x87_fucomip(i)
        case .fcmov:
            conditionalMove(i)
        case .fldenv, .frstor, .fnstenv, .fnsave:
            environment(i, form)
        case .fxsave, .fxrstor:
            extendedState(i, save: form == .fxsave)
        case .emms, .movdToMMX, .movdFromMMX, .movqToMMX, .movqFromMMX, .mmxShiftImmediate, .mmxBinary:
            mmx(i, form)
        // Listed rather than `default`, so that the jump table needs no range check.
        case .invalid, .fstp80, .fbstp, .fnop, .ftst, .fxam, .fdecstp, .fincstp, .ffree, .ffreep, .fldcw,
             .fwait, .fninit, .fnclex, .fnstcw, .fnstsw, .fnstswAX, .fnnop:
            x87Other(i, form)
        }
    }

    /// The rest: constants, classification, stack control, the control and status words,
    /// 80-bit stores.
    @inline(never)
    func x87Other(_ i: Ins, _ form: X87Op) {
        let f = fpu
        switch form {
        case .fstp80, .fbstp:
            let e = ea(i)
            let a = linear(Int(i.seg), e, 10, write: true)
            if faulted || !probeWrite(a, 10) { return }
            notePointer(i, e)
            var x = f.st(0)
            var fl: UInt16 = 0
            if f.isEmpty(0) {
                fl = X87Flag.invalid | X87Flag.stackFault
                x = F80.indefinite
            } else if form == .fbstp {
                x = X87Arithmetic.toPackedBCD(x, rc: X87Control.rounding(f.pointee.cw), flags: &fl)
            }
            if fl & X87Flag.invalid != 0 {
                if f.pointee.cw & X87Flag.invalid == 0 { finish(fl); return }
                // The real indefinite, or the packed BCD indefinite (same bytes).
                x = F80(sig: 0xc000_0000_0000_0000, se: 0xffff)
            }
            write32L(a, UInt32(truncatingIfNeeded: x.sig))
            write32L(a &+ 4, UInt32(truncatingIfNeeded: x.sig >> 32))
            write16L(a &+ 8, UInt32(x.se))
            f.pop()
            finish(fl)
        case .ftst:
            compareST0(with: F80.zero, operandFlags: 0, quiet: false, pops: 0, eflags: false, emptyOther: false)
        case .fxam:
            f.pointee.sw = (f.pointee.sw & ~X87Flag.conditions) | X87Arithmetic.examine(f.st(0), empty: f.isEmpty(0))
        case .fdecstp:
            f.pointee.top = (f.pointee.top &- 1) & 7
            f.pointee.sw &= ~X87Flag.c1
        case .fincstp:
            f.pointee.top = (f.pointee.top &+ 1) & 7
            f.pointee.sw &= ~X87Flag.c1
        case .ffree:
            f.pointee.empty |= 1 << ((f.pointee.top + Int(i.rm)) & 7)
            f.pointee.sw &= ~X87Flag.c1
        case .ffreep:
            f.pointee.empty |= 1 << ((f.pointee.top + Int(i.rm)) & 7)
            f.pop()
            f.pointee.sw &= ~X87Flag.c1
        case .fldcw:
            let v = read(Int(i.seg), ea(i), 2)
            if faulted { return }
            f.loadControlWord(UInt16(truncatingIfNeeded: v))
        case .fnstcw:
            write(Int(i.seg), ea(i), 2, UInt32(f.pointee.cw))
        case .fnstsw:
            write(Int(i.seg), ea(i), 2, UInt32(f.pointee.statusWord))
        case .fnstswAX:
            setR16(0, UInt32(f.pointee.statusWord))
        case .fnclex:
            f.pointee.sw &= ~(X87Flag.exceptions | X87Flag.stackFault | X87Flag.errorSummary | X87Flag.busy)
        case .fninit:
            f.pointee.initialize()
        case .fnop, .fwait, .fnnop:
            break
        default:
            raise(Vector.invalidOpcode)
        }
    }

    /// fst/fstp st(i) and the fstp1 alias.
    @inline(never)
    func storeRegister(_ j: Int, _ form: X87Op) {
        let f = fpu
        if form == .fstp1 {
            // D9 D8+i, the undocumented alias of fstp: on the recording CPU (AMD Zen 3) an
            // empty ST(0) raises no stack underflow and leaves ST(i) as it was, value and
            // tag; otherwise it is fstp.
            if !f.isEmpty(0) {
                f.setST(j, f.st(0))
                f.markValid(j)
            }
            f.pop()
            f.pointee.sw &= ~X87Flag.c1
            return
        }
        // A register-to-register copy of the raw bits.
        var x = f.st(0)
        var fl: UInt16 = 0
        if _slowPath(f.isEmpty(0)) {
            fl = X87Flag.invalid | X87Flag.stackFault
            if f.pointee.cw & X87Flag.invalid == 0 { finish(fl); return }
            x = F80.indefinite
        }
        f.setST(j, x)
        f.markValid(j)
        if form == .fstpST { f.pop() }
        finish(fl)
    }

    @inline(never)
    func exchange(_ j: Int) {
        let f = fpu
        var fl: UInt16 = 0
        var a = f.st(0), b = f.st(j)
        if _slowPath(f.isEmpty(0) || f.isEmpty(j)) {
            fl = X87Flag.invalid | X87Flag.stackFault
            if f.pointee.cw & X87Flag.invalid == 0 { finish(fl); return }
            if f.isEmpty(0) { a = F80.indefinite }
            if f.isEmpty(j) { b = F80.indefinite }
            f.markValid(0)
            f.markValid(j)
        }
        f.setST(0, b)
        f.setST(j, a)
        finish(fl)
    }

    /// fcmovcc: DA C0+ (b, e, be, u) and DB C0+ (the negations).
    @inline(never)
    func conditionalMove(_ i: Ins) {
        let f = fpu
        let cc: Bool
        switch i.reg & 3 {
        case 0: cc = cf
        case 1: cc = zf
        case 2: cc = cf || zf
        default: cc = pf
        }
        let j = Int(i.rm)
        if _slowPath(f.isEmpty(0) || f.isEmpty(j)) {
            let fl = X87Flag.invalid | X87Flag.stackFault
            if f.pointee.cw & X87Flag.invalid != 0 {
                // Masked: ST(0) becomes the indefinite whatever the condition.
                f.setST(0, F80.indefinite)
                f.markValid(0)
            }
            finish(fl)
            return
        }
        if cc != (i.sub & 1 != 0) { f.setST(0, f.st(j)) }
    }

    // MARK: Handlers (kept out of line so the dispatch stays small)

    enum MemoryOperand { case m32, m64, i16, i32 }

    /// Reads an arithmetic memory operand as a register value (and the flags of its
    /// conversion); nil after a fault.
    @inline(__always)
    func memoryOperand(_ i: Ins, _ e: UInt32, _ type: MemoryOperand, _ fl: inout UInt16) -> F80? {
        switch type {
        case .m64:
            let v = read64(i, e)
            if faulted { return nil }
            return X87Arithmetic.widen(v, double: true, quiet: false, flags: &fl)
        case .m32:
            let v = read(Int(i.seg), e, 4)
            if faulted { return nil }
            return X87Arithmetic.widen(UInt64(v), double: false, quiet: false, flags: &fl)
        case .i16:
            let v = read(Int(i.seg), e, 2)
            if faulted { return nil }
            return X87Arithmetic.fromInt(Int64(Int16(truncatingIfNeeded: v)))
        case .i32:
            let v = read(Int(i.seg), e, 4)
            if faulted { return nil }
            return X87Arithmetic.fromInt(Int64(Int32(bitPattern: v)))
        }
    }

    /// fcom/fcomp/ficom/ficomp with a memory operand.
    @inline(never)
    func compareMemory(_ i: Ins, _ type: MemoryOperand, pop: Bool) {
        let e = ea(i)
        var fl: UInt16 = 0
        guard let b = memoryOperand(i, e, type, &fl) else { return }
        notePointer(i, e)
        compareST0(with: b, operandFlags: fl, quiet: false, pops: pop ? 1 : 0, eflags: false, emptyOther: false)
    }

    @inline(never)
    func loadMemory(_ i: Ins, _ form: X87Op) {
        let e = ea(i)
        var fl: UInt16 = 0
        let x: F80
        switch form {
        case .fld64:
            let v = read64(i, e)
            if faulted { return }
            x = X87Arithmetic.widen(v, double: true, quiet: true, flags: &fl)
        case .fld32:
            let v = read(Int(i.seg), e, 4)
            if faulted { return }
            x = X87Arithmetic.widen(UInt64(v), double: false, quiet: true, flags: &fl)
        case .fld80:
            x = read80(i, e)
            if faulted { return }
        case .fild16:
            let v = read(Int(i.seg), e, 2)
            if faulted { return }
            x = X87Arithmetic.fromInt(Int64(Int16(truncatingIfNeeded: v)))
        case .fild32:
            let v = read(Int(i.seg), e, 4)
            if faulted { return }
            x = X87Arithmetic.fromInt(Int64(Int32(bitPattern: v)))
        case .fild64:
            let v = read64(i, e)
            if faulted { return }
            x = X87Arithmetic.fromInt(Int64(bitPattern: v))
        default:
            let raw = read80(i, e)
            if faulted { return }
            x = X87Arithmetic.fromPackedBCD(raw)
        }
        notePointer(i, e)
        pushValue(x, fl)
    }

    @inline(never)
    func loadRegister(_ src: Int) {
        let f = fpu
        var fl: UInt16 = 0
        var x = f.st(src)
        if f.isEmpty(src) { x = F80.indefinite; fl = X87Flag.invalid | X87Flag.stackFault }
        pushValue(x, fl)
    }

    // MARK: Memory operands

    @inline(__always) func read64(_ i: Ins, _ e: UInt32) -> UInt64 {
        let a = linear(Int(i.seg), e, 8)
        if faulted { return 0 }
        let need = pointee.readNeed
        if _fastPath(pointee.perm[Int(a &>> 12)] & need == need && a & 0xfff <= 0xff8) {
            return pointee.mem.loadUnaligned(fromByteOffset: Int(a), as: UInt64.self)
        }
        let lo = read32L(a)
        if faulted { return 0 }
        let hi = read32L(a &+ 4)
        return UInt64(hi) << 32 | UInt64(lo)
    }

    @inline(__always) func read80(_ i: Ins, _ e: UInt32) -> F80 {
        let a = linear(Int(i.seg), e, 10)
        if faulted { return F80.zero }
        let lo = read32L(a)
        if faulted { return F80.zero }
        let hi = read32L(a &+ 4)
        if faulted { return F80.zero }
        let se = read16L(a &+ 8)
        return F80(sig: UInt64(hi) << 32 | UInt64(lo), se: UInt16(truncatingIfNeeded: se))
    }

    /// Writes 8 bytes at linear `a` (already probed).
    @inline(__always) func write64L(_ a: UInt32, _ v: UInt64) {
        let need = pointee.writeNeed
        if _fastPath(pointee.perm[Int(a &>> 12)] & (need | PagePermission.code) == need && a & 0xfff <= 0xff8) {
            pointee.mem.storeBytes(of: v, toByteOffset: Int(a), as: UInt64.self)
            return
        }
        write32L(a, UInt32(truncatingIfNeeded: v))
        write32L(a &+ 4, UInt32(truncatingIfNeeded: v >> 32))
    }

    /// Records the data pointer of an instruction with a memory operand.
    @inline(__always) func notePointer(_ i: Ins, _ e: UInt32) {
        let f = fpu
        f.pointee.fdp = e
        f.pointee.fds = pointee.seg[Int(i.seg)].selector
    }

    // MARK: Status

    /// Merges an instruction's exception flags and C1 into the status word and sets ES
    /// (and B) for an unmasked one. C1 is replaced; C0, C2 and C3 are left alone.
    @inline(__always) func finish(_ flags: UInt16) {
        let f = fpu
        var sw = (f.pointee.sw & ~X87Flag.c1) | (flags & (X87Flag.c1 | X87Flag.exceptions | X87Flag.stackFault))
        if _slowPath(flags & X87Flag.exceptions != 0 && sw & ~f.pointee.cw & X87Flag.exceptions != 0) {
            sw |= X87Flag.errorSummary | X87Flag.busy
        }
        f.pointee.sw = sw
    }

    /// Whether an unmasked invalid, denormal or divide-by-zero exception stops the
    /// instruction before it writes anything.
    @inline(__always) func blocked(_ flags: UInt16) -> Bool {
        flags & X87Flag.preComputation != 0 && flags & X87Flag.preComputation & ~fpu.pointee.cw != 0
    }

    /// Reports the exceptions of an instruction stopped by `blocked`: only those found
    /// before computing (and C1 of a stack overflow).
    @inline(__always) func finishBlocked(_ flags: UInt16) {
        var kept = flags & (X87Flag.preComputation | X87Flag.stackFault)
        if flags & X87Flag.stackFault != 0 { kept |= flags & X87Flag.c1 }
        finish(kept)
    }

    // MARK: Arithmetic (the per-operation handlers are in X87Handlers.swift)

    /// ST(0) as the first operand with memory operand `b`; nil (and a stack fault in
    /// `flags`) when ST(0) is empty.
    @inline(__always) func arithOperandST0(_ b: F80, _ flags: inout UInt16) -> F80? {
        let f = fpu
        if _slowPath(f.isEmpty(0)) {
            flags = X87Flag.invalid | X87Flag.stackFault
            return nil
        }
        let a = f.st(0)
        // A NaN or unsupported operand takes precedence over the denormal that the memory
        // operand's conversion found.
        if _slowPath(flags != 0 && (!a.isNormal || !b.isNormal)) {
            let ka = a.kind, kb = b.kind
            if ka == .quietNaN || ka == .signalingNaN || ka == .unsupported || kb == .quietNaN || kb == .signalingNaN {
                flags &= ~X87Flag.denormal
            }
        }
        return a
    }

    /// ST(0) and ST(j); nil (and a stack fault in `flags`) when either is empty.
    @inline(__always) func arithOperands(_ j: Int, _ flags: inout UInt16) -> (F80, F80)? {
        let f = fpu
        if _slowPath(f.isEmpty(0) || f.isEmpty(j)) {
            flags = X87Flag.invalid | X87Flag.stackFault
            return nil
        }
        return (f.st(0), f.st(j))
    }

    /// Delivers an arithmetic result to ST(dest) (and pops), unless an unmasked
    /// pre-computation exception stops the instruction.
    @inline(__always) func commitArith(_ r: F80, dest: Int, pop: Bool, _ flags: UInt16) {
        let f = fpu
        if _slowPath(blocked(flags)) { finishBlocked(flags); return }
        f.setST(dest, r)
        f.markValid(dest)
        if pop { f.pop() }
        finish(flags)
    }

    /// ST(0) ← g(ST(0)) for the one-operand instructions.
    @inline(never)
    func unaryOnST0(_ form: X87Op) {
        let f = fpu
        var flags: UInt16 = 0
        var r: F80
        if _slowPath(f.isEmpty(0)) {
            flags = X87Flag.invalid | X87Flag.stackFault
            r = F80.indefinite
        } else {
            let x = f.st(0), cw = f.pointee.cw
            switch form {
            case .fchs: r = x.negated()
            case .fabs: r = x.magnitude()
            case .f2xm1: r = X87Arithmetic.f2xm1(x, cw: cw, flags: &flags)
            case .fsqrt: r = X87Arithmetic.sqrt(x, cw: cw, flags: &flags)
            case .frndint: r = X87Arithmetic.roundToIntegral(x, cw: cw, flags: &flags)
            case .fsin: r = X87Arithmetic.sin(x, cw: cw, flags: &flags)
            default: r = X87Arithmetic.cos(x, cw: cw, flags: &flags)
            }
        }
        // fsin/fcos report an out-of-range operand (left unchanged) in C2.
        if form == .fsin || form == .fcos {
            f.pointee.sw = (f.pointee.sw & ~X87Flag.c2) | (flags & X87Flag.c2)
        }
        if _slowPath(blocked(flags)) { finishBlocked(flags); return }
        f.setST(0, r)
        f.markValid(0)
        finish(flags & ~X87Flag.c2)
    }

    /// Pushes a loaded value, with stack overflow when ST(7) is not empty.
    @inline(__always) func pushValue(_ x: F80, _ fl: UInt16) {
        let f = fpu
        var flags = fl
        var v = x
        let slot = (f.pointee.top &- 1) & 7
        if _slowPath(f.pointee.empty & (1 << slot) == 0) {
            // Stack overflow (C1 = 1), unless the source was an empty register: that
            // underflow is what gets reported.
            flags = X87Flag.invalid | X87Flag.stackFault | (fl & X87Flag.stackFault != 0 ? 0 : X87Flag.c1)
            v = F80.indefinite
        }
        // A denormal m32/m64 does not stop a load even when DE is unmasked: the recording
        // CPU loads it and leaves #MF pending.
        if _slowPath(blocked(flags & ~X87Flag.denormal)) { finishBlocked(flags); return }
        f.pointee.top = slot
        f.pointee.empty &= ~(1 << slot)
        f.setPhysical(slot, v)
        finish(flags)
    }

    @inline(never)
    func storeBinary(_ i: Ins, double: Bool, pop: Bool) {
        let f = fpu
        let size = double ? 8 : 4
        let e = ea(i)
        let a = linear(Int(i.seg), e, size, write: true)
        if faulted || !probeWrite(a, size) { return }
        notePointer(i, e)
        var flags: UInt16 = 0
        var bits: UInt64?
        if _slowPath(f.isEmpty(0)) {
            flags = X87Flag.invalid | X87Flag.stackFault
            bits = double ? 0xfff8_0000_0000_0000 : 0xffc0_0000
        } else {
            bits = X87Arithmetic.narrow(f.st(0), double: double, cw: f.pointee.cw, flags: &flags)
        }
        guard let v = bits, !blocked(flags) else {
            if bits == nil {
                // Unmasked overflow or underflow: nothing stored, only OE/UE reported.
                finish(flags & ~(X87Flag.precision | X87Flag.c1))
            } else {
                finishBlocked(flags)
            }
            return
        }
        if double { write64L(a, v) } else { write32L(a, UInt32(truncatingIfNeeded: v)) }
        if pop { f.pop() }
        finish(flags)
    }

    @inline(never)
    func storeInteger(_ i: Ins, bits: Int, pop: Bool, truncate: Bool) {
        let f = fpu
        let size = bits / 8
        let e = ea(i)
        let a = linear(Int(i.seg), e, size, write: true)
        if faulted || !probeWrite(a, size) { return }
        notePointer(i, e)
        var flags: UInt16 = 0
        var v: Int64?
        if _slowPath(f.isEmpty(0)) {
            flags = X87Flag.invalid | X87Flag.stackFault
            v = nil
        } else {
            let rc = truncate ? X87Control.roundChop : X87Control.rounding(f.pointee.cw)
            v = X87Arithmetic.toInt(f.st(0), bits: bits, rc: rc, flags: &flags)
        }
        if _slowPath(blocked(flags)) { finishBlocked(flags); return }
        // The integer indefinite: the most negative integer of the size.
        let raw: UInt64 = v.map { UInt64(bitPattern: $0) } ?? UInt64(1) << (bits - 1)
        if bits == 16 { write16L(a, UInt32(truncatingIfNeeded: raw)) }
        else {
            write32L(a, UInt32(truncatingIfNeeded: raw))
            if bits == 64 { write32L(a &+ 4, UInt32(truncatingIfNeeded: raw >> 32)) }
        }
        if pop { f.pop() }
        finish(flags)
    }

    // MARK: Two-operand and two-result instructions

    @inline(never)
    func binaryOnST0ST1(_ form: X87Op) {
        let f = fpu
        var flags: UInt16 = 0
        let cw = f.pointee.cw
        if _slowPath(f.isEmpty(0) || f.isEmpty(1)) {
            flags = X87Flag.invalid | X87Flag.stackFault
            // fprem/fprem1 clear C2 (and C1) on a stack fault; C0 and C3 stay.
            if form == .fprem || form == .fprem1 { f.pointee.sw &= ~X87Flag.c2 }
            if blocked(flags) { finishBlocked(flags); return }
            switch form {
            case .fprem, .fprem1, .fscale:
                f.setST(0, F80.indefinite); f.markValid(0)
            default:
                f.setST(1, F80.indefinite); f.markValid(1)
                f.pop()
            }
            finish(flags)
            return
        }
        let x = f.st(0), y = f.st(1)
        switch form {
        case .fprem, .fprem1:
            let (r, cc) = X87Arithmetic.remainder(x, y, ieee: form == .fprem1, cw: cw, flags: &flags)
            // A NaN or invalid result (or an unmasked exception) clears C1 and C2 and
            // leaves C0 and C3; otherwise C0 C3 C1 are quotient bits and C2 "incomplete".
            let special = r.isNaN || blocked(flags) || flags & X87Flag.invalid != 0
            let conditions = special ? X87Flag.c1 | X87Flag.c2 : X87Flag.conditions
            f.pointee.sw &= ~conditions
            if blocked(flags) { finishBlocked(flags); return }
            f.setST(0, r)
            finish(flags & ~X87Flag.c1)
            if !special { f.pointee.sw |= cc }
        case .fscale:
            let r = X87Arithmetic.scale(x, y, cw: cw, flags: &flags)
            if blocked(flags) { finishBlocked(flags); return }
            f.setST(0, r)
            finish(flags)
        default:
            let r: F80
            switch form {
            case .fyl2x: r = X87Arithmetic.yl2x(x, y, cw: cw, flags: &flags)
            case .fyl2xp1: r = X87Arithmetic.yl2xp1(x, y, cw: cw, flags: &flags)
            default: r = X87Arithmetic.atan2(y, x, cw: cw, flags: &flags)
            }
            if blocked(flags) { finishBlocked(flags); return }
            f.setST(1, r)
            f.pop()
            finish(flags)
        }
    }

    @inline(never)
    func twoResults(_ form: X87Op) {
        let f = fpu
        var flags: UInt16 = 0
        let cw = f.pointee.cw
        let slot = (f.pointee.top &- 1) & 7
        if _slowPath(f.isEmpty(0)) {
            flags = X87Flag.invalid | X87Flag.stackFault
            if form != .fxtract { f.pointee.sw &= ~X87Flag.c2 }
            if blocked(flags) { finishBlocked(flags); return }
            // Masked: both results are the indefinite.
            f.setST(0, F80.indefinite); f.markValid(0)
            f.pointee.top = slot
            f.setPhysical(slot, F80.indefinite)
            f.pointee.empty &= ~(1 << slot)
            finish(flags)
            return
        }
        if _slowPath(f.pointee.empty & (1 << slot) == 0) {
            flags = X87Flag.invalid | X87Flag.stackFault | X87Flag.c1
            if form != .fxtract { f.pointee.sw &= ~X87Flag.c2 }
            if blocked(flags) { finishBlocked(flags); return }
            f.setST(0, F80.indefinite)
            f.pointee.top = slot
            f.setPhysical(slot, F80.indefinite)
            finish(flags)
            return
        }
        let x = f.st(0)
        let (st1, st0): (F80, F80)
        switch form {
        case .fptan: (st1, st0) = X87Arithmetic.tan(x, cw: cw, flags: &flags)
        case .fsincos: (st1, st0) = X87Arithmetic.sincos(x, cw: cw, flags: &flags)
        default: (st1, st0) = X87Arithmetic.extract(x, cw: cw, flags: &flags)
        }
        if blocked(flags) { finishBlocked(flags); return }
        if flags & X87Flag.c2 != 0 {
            // Operand out of range (|x| ≥ 2^63): nothing changes but C2.
            f.pointee.sw |= X87Flag.c2
            finish(flags & ~X87Flag.c2)
            return
        }
        f.setST(0, st1)
        f.pointee.top = slot
        f.setPhysical(slot, st0)
        f.pointee.empty &= ~(1 << slot)
        if form != .fxtract { f.pointee.sw &= ~X87Flag.c2 }
        finish(flags)
    }

    // MARK: Comparisons

    /// fcom/fucom/fcomi families with ST(j).
    @inline(never)
    func compareRegisters(_ j: Int, quiet: Bool, pops: Int, eflags: Bool) {
        let f = fpu
        compareST0(with: f.st(j), operandFlags: 0, quiet: quiet, pops: pops, eflags: eflags, emptyOther: f.isEmpty(j))
    }

    /// Compares ST(0) with `b`: C3 C2 C0 (or ZF PF CF) = 000 greater, 001 less, 100 equal,
    /// 111 unordered. fcom raises #IA for any NaN, fucom only for signaling ones.
    func compareST0(with b: F80, operandFlags: UInt16, quiet: Bool, pops: Int, eflags: Bool, emptyOther: Bool) {
        let f = fpu
        var flags = operandFlags
        var cc: UInt16
        if _slowPath(f.isEmpty(0) || emptyOther) {
            flags = X87Flag.invalid | X87Flag.stackFault
            cc = X87Flag.c0 | X87Flag.c2 | X87Flag.c3
        } else {
            let a = f.st(0)
            if _slowPath(flags != 0) {
                let ka = a.kind, kb = b.kind
                if ka == .quietNaN || ka == .signalingNaN || ka == .unsupported || kb == .quietNaN || kb == .signalingNaN {
                    flags &= ~X87Flag.denormal
                }
            }
            cc = X87Arithmetic.compare(a, b, quiet: quiet, flags: &flags)
        }
        // The condition codes are written even when an unmasked exception stops the
        // instruction; only the pops are skipped.
        let stop = blocked(flags)
        if eflags {
            var bits: UInt32 = 0
            if cc & X87Flag.c0 != 0 { bits |= EFLAGS.cf }
            if cc & X87Flag.c2 != 0 { bits |= EFLAGS.pf }
            if cc & X87Flag.c3 != 0 { bits |= EFLAGS.zf }
            setArithmeticFlags(bits)
        } else {
            f.pointee.sw = (f.pointee.sw & ~(X87Flag.c0 | X87Flag.c2 | X87Flag.c3)) | cc
        }
        if _slowPath(stop) {
            // fcomi and friends leave C1 alone here too, unless there is a stack fault.
            let c1 = f.pointee.sw & X87Flag.c1
            finishBlocked(flags)
            if eflags && flags & X87Flag.stackFault == 0 { f.pointee.sw |= c1 }
            return
        }
        for _ in 0..<pops { f.pop() }
        if eflags && flags & X87Flag.stackFault == 0 {
            // fcomi and friends leave C1 alone (the recording CPU; a stack fault clears it).
            let c1 = f.pointee.sw & X87Flag.c1
            finish(flags)
            f.pointee.sw |= c1
        } else {
            finish(flags & ~X87Flag.c1)
        }
    }
}

extension UnsafeMutablePointer where Pointee == FPUState {
    @inline(__always) func physicalIndex(_ i: Int) -> Int { (pointee.top &+ i) & 7 }

    @inline(__always) func physical(_ p: Int) -> F80 {
        UnsafeMutableRawPointer(self).load(fromByteOffset: p &* MemoryLayout<F80>.stride, as: F80.self)
    }
    @inline(__always) func setPhysical(_ p: Int, _ v: F80) {
        UnsafeMutableRawPointer(self).storeBytes(of: v, toByteOffset: p &* MemoryLayout<F80>.stride, as: F80.self)
    }
    @inline(__always) func st(_ i: Int) -> F80 { physical(physicalIndex(i)) }
    @inline(__always) func setST(_ i: Int, _ v: F80) { setPhysical(physicalIndex(i), v) }
    @inline(__always) func isEmpty(_ i: Int) -> Bool { pointee.empty & (1 << physicalIndex(i)) != 0 }
    @inline(__always) func markValid(_ i: Int) { pointee.empty &= ~(1 << physicalIndex(i)) }

    /// Marks ST(0) empty and increments TOP.
    @inline(__always) func pop() {
        pointee.empty |= 1 << pointee.top
        pointee.top = (pointee.top &+ 1) & 7
    }

    /// fldcw: reserved bits read back as the hardware returns them; an exception flag
    /// that the new word unmasks becomes pending (ES).
    func loadControlWord(_ v: UInt16) {
        pointee.cw = (v & 0x1f3f) | 0x0040
        updateErrorSummary()
    }

    func updateErrorSummary() {
        if pointee.sw & ~pointee.cw & X87Flag.exceptions != 0 {
            pointee.sw |= X87Flag.errorSummary | X87Flag.busy
        } else {
            pointee.sw &= ~(X87Flag.errorSummary | X87Flag.busy)
        }
    }
}
