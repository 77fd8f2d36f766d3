/// jmp, jcc, call, ret, loop*, jecxz and the far transfers. Relative targets were
/// resolved by the decoder. Those that push a return address find `eip` pointing past
/// the instruction (their handlers in Dispatch/ControlHandlers.swift set it).
extension UnsafeMutablePointer where Pointee == CPUState {
    @inline(__always) func callNear(_ target: UInt32, _ size: Int) {
        push(pointee.eip, size)
        if !faulted { pointee.eip = target }
    }

    func callRM(_ i: Ins) {
        let size = i.sz
        let target = readRM(i, size)
        if faulted { return }
        callNear(target, size)
    }

    func jmpRM(_ i: Ins) {
        let target = readRM(i, i.sz)
        if !faulted { pointee.eip = target }
    }

    func ret(_ i: Ins, release: UInt32) {
        let size = i.sz
        let target = top(size)
        if faulted { return }
        esp = esp &+ UInt32(size) &+ release
        pointee.eip = size == 2 ? target & 0xffff : target
    }

    /// loop / loope / loopne (sub 2, 1, 0): whether the branch is taken. The count
    /// register is CX under 0x67.
    func loopTaken(_ i: Ins) -> Bool {
        let count: UInt32
        if i.addr16 {
            count = (r16(1) &- 1) & 0xffff
            setR16(1, count)
        } else {
            count = r32(1) &- 1
            setR32(1, count)
        }
        var taken = count != 0
        if i.sub == 1 { taken = taken && zf } else if i.sub == 0 { taken = taken && !zf }
        return taken
    }

    func jecxzTaken(_ i: Ins) -> Bool {
        (i.addr16 ? r16(1) : r32(1)) == 0
    }

    // MARK: Far transfers (same privilege only)

    func jmpFar(selector: UInt16, offset: UInt32) {
        if loadCodeSegment(selector) { pointee.eip = offset }
    }

    func callFar(selector: UInt16, offset: UInt32, _ size: Int) {
        let oldCS = UInt32(pointee.seg.regs.1.selector)
        let oldCache = pointee.seg.regs.1
        let sp = esp
        push(oldCS, size)
        push(pointee.eip, size)
        if faulted { esp = sp; return }
        if loadCodeSegment(selector) {
            pointee.eip = offset
        } else {
            esp = sp
            pointee.seg.regs.1 = oldCache
        }
    }

    func farPointer(_ i: Ins) -> (UInt16, UInt32)? {
        let e = ea(i)
        let off = read(Int(i.seg), e, i.sz)
        let sel = read(Int(i.seg), e &+ UInt32(i.sz), 2)
        return faulted ? nil : (UInt16(sel), off)
    }

    func retFar(_ i: Ins) {
        let size = i.sz
        let off = top(size)
        let sel = top(size, offset: UInt32(size))
        if faulted { return }
        if UInt8(sel & 3) != pointee.cpl { raise(Vector.generalProtection, sel & 0xfffc); return }
        if loadCodeSegment(UInt16(truncatingIfNeeded: sel), returning: true) {
            esp = esp &+ UInt32(2 * size) &+ (i.imm & 0xffff)
            pointee.eip = off
        }
    }
}
