// The fast paths of the hot x87 forms (their handlers are in X87Handlers.swift): the
// common case of operands that are normal numbers or zeros in non-empty registers or in
// guest memory reached through a flat segment on an accessible page, the control word
// rounding to nearest with PE masked, and a result that needs no exception. Each returns
// false (or nil) having changed nothing when its case does not apply, and the handler then
// runs the general path, which makes the access the long way and raises what it must.
//
// The arithmetic itself is X87FastArithmetic.swift.

extension UnsafeMutablePointer where Pointee == CPUState {
    // MARK: Operands

    /// The host address of a `size`-byte operand at offset `e` of segment `s`, when the
    /// segment is flat (4 GiB limit, and writable for a write: what `linear` lets through
    /// unchecked), the page allows the access (and, for a write, holds no decoded code)
    /// and the operand does not cross into the next page; nil otherwise.
    @inline(__always)
    func x87FastAddress(_ s: UnsafeMutablePointer<SegmentCache>, _ e: UInt32, _ size: UInt32,
                        write: Bool) -> UnsafeMutableRawPointer? {
        if _slowPath(s.pointee.limit != 0xffff_ffff || (write && s.pointee.type & 0xa != 0x2)) { return nil }
        let a = s.pointee.base &+ e
        let need = write ? pointee.writeNeed : pointee.readNeed
        let checked = write ? need | PagePermission.code : need
        if _slowPath(pointee.perm[Int(a &>> 12)] & checked != need || a & 0xfff > 0x1000 &- size) { return nil }
        return pointee.mem.advanced(by: Int(a))
    }

    /// Records the data pointer of an instruction whose memory operand is at offset `e`
    /// of segment `s`.
    @inline(__always) func x87NotePointer(_ s: UnsafeMutablePointer<SegmentCache>, _ e: UInt32) {
        let f = fpu
        f.pointee.fdp = e
        f.pointee.fds = s.pointee.selector
    }

    /// `finish` for an instruction whose only possible flags are PE and C1, with PE
    /// masked (`X87Fast.nearestShift`): C1 replaced, PE accumulated.
    @inline(__always) func x87FinishFast(_ flags: UInt16) {
        let f = fpu
        f.pointee.swRaw = (f.pointee.swRaw & ~UInt32(X87Flag.c1)) | UInt32(flags)
    }

    // MARK: The fast paths

    /// The operation on normal operands (see X87Fast).
    @inline(__always)
    func x87FastCompute(_ op: X87ArithOp, _ a: F80, _ b: F80, _ s: UInt32, _ fl: inout UInt16) -> F80? {
        switch op {
        case .add: return X87Fast.add(a, b, s, &fl)
        case .mul: return X87Fast.mul(a, b, s, &fl)
        case .sub: return X87Fast.sub(a, b, s, &fl)
        case .subr: return X87Fast.sub(b, a, s, &fl)
        case .div: return X87Fast.div(a, b, s, &fl)
        case .divr: return X87Fast.div(b, a, s, &fl)
        }
    }

    /// ST(0) ← ST(0) op memory in the common case, rounding with `s` bits below the
    /// rounding point (the caller has checked `nearestShift`); false, having done
    /// nothing, otherwise.
    @inline(__always)
    func x87FastMemoryArith(_ i: Ins, _ op: X87ArithOp, _ operand: X87MemOperand, shift s: UInt32) -> Bool {
        let f = fpu
        let top = f.pointee.top
        if _slowPath(f.pointee.emptyRaw & f.emptyBit(top) != 0) { return false }
        let seg = segmentCache(Int(i.seg))
        let e = ea(i)
        let b: F80?
        switch operand {
        case .float64:
            guard let p = x87FastAddress(seg, e, 8, write: false) else { return false }
            b = X87Fast.normalFromDouble(p.loadUnaligned(as: UInt64.self))
        case .float32:
            guard let p = x87FastAddress(seg, e, 4, write: false) else { return false }
            b = X87Fast.normalFromSingle(p.loadUnaligned(as: UInt32.self))
        case .int16:
            guard let p = x87FastAddress(seg, e, 2, write: false) else { return false }
            b = X87Fast.normalFromInt(Int32(p.loadUnaligned(as: Int16.self)))
        case .int32:
            guard let p = x87FastAddress(seg, e, 4, write: false) else { return false }
            b = X87Fast.normalFromInt(p.loadUnaligned(as: Int32.self))
        }
        let a = f.physical(top)
        guard let b, a.isNormal else { return false }
        var fl: UInt16 = 0
        guard let r = x87FastCompute(op, a, b, s, &fl) else { return false }
        f.setPhysical(top, r)
        x87NotePointer(seg, e)
        x87FinishFast(fl)
        return true
    }

    /// ST(0) or ST(i) ← ST(0) op ST(i) (and pop) in the common case, rounding with `s`
    /// bits below the rounding point (checked by the caller); false otherwise.
    @inline(__always)
    func x87FastRegisterArith(_ i: Ins, _ op: X87ArithOp, intoST0: Bool, pop: Bool, shift s: UInt32) -> Bool {
        let f = fpu
        let top = f.pointee.top
        let j = (top &+ Int(i.rm)) & 7
        if _slowPath(f.pointee.emptyRaw & (f.emptyBit(top) | f.emptyBit(j)) != 0) { return false }
        let a = f.physical(top), b = f.physical(j)
        var fl: UInt16 = 0
        guard X87Fast.bothNormal(a, b), let r = x87FastCompute(op, a, b, s, &fl) else { return false }
        // Both registers were valid, so the destination's tag stays valid.
        f.setPhysical(intoST0 ? top : j, r)
        if pop { f.pop(from: top) }
        x87FinishFast(fl)
        return true
    }

    /// fld m64/m32 in the common case (a normal number or a zero, no stack overflow).
    @inline(__always)
    func x87FastLoad(_ i: Ins, double: Bool) -> Bool {
        let f = fpu
        let slot = (f.pointee.top &- 1) & 7
        if _slowPath(f.pointee.emptyRaw & f.emptyBit(slot) == 0) { return false }
        let seg = segmentCache(Int(i.seg))
        let e = ea(i)
        guard let p = x87FastAddress(seg, e, double ? 8 : 4, write: false) else { return false }
        let value = double ? X87Fast.fromDouble(p.loadUnaligned(as: UInt64.self))
                           : X87Fast.fromSingle(p.loadUnaligned(as: UInt32.self))
        guard let x = value else { return false }
        f.pointee.top = slot
        f.pointee.emptyRaw &= ~f.emptyBit(slot)
        f.setPhysical(slot, x)
        x87NotePointer(seg, e)
        f.pointee.swRaw &= ~UInt32(X87Flag.c1)
        return true
    }

    /// fst/fstp m64/m32 in the common case (round to nearest, a normal number that stays
    /// normal in the narrower format, or a zero).
    @inline(__always)
    func x87FastStore(_ i: Ins, double: Bool, pop: Bool) -> Bool {
        let f = fpu
        let top = f.pointee.top
        // Precision control does not apply to stores; `nearestShift` still says whether the
        // rounding is to nearest with PE masked.
        if _slowPath(f.pointee.nearestShift == X87Fast.general || f.pointee.emptyRaw & f.emptyBit(top) != 0) {
            return false
        }
        let seg = segmentCache(Int(i.seg))
        let e = ea(i)
        guard let p = x87FastAddress(seg, e, double ? 8 : 4, write: true) else { return false }
        var fl: UInt16 = 0
        let a = f.physical(top)
        if double {
            guard let v = X87Fast.toDouble(a, &fl) else { return false }
            p.storeBytes(of: v, as: UInt64.self)
        } else {
            guard let v = X87Fast.toSingle(a, &fl) else { return false }
            p.storeBytes(of: v, as: UInt32.self)
        }
        x87NotePointer(seg, e)
        if pop { f.pop(from: top) }
        x87FinishFast(fl)
        return true
    }
}

extension UnsafeMutablePointer where Pointee == FPUState {
    /// Bit `p` of the empty mask: physical register `p` (0…7) is empty.
    @inline(__always) func emptyBit(_ p: Int) -> UInt32 { UInt32(1) &<< UInt32(truncatingIfNeeded: p) }

    /// Marks physical register `top` (the current TOP) empty and increments TOP.
    @inline(__always) func pop(from top: Int) {
        pointee.emptyRaw |= emptyBit(top)
        pointee.top = (top &+ 1) & 7
    }
}
