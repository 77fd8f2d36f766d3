/// Operand access shared by every instruction family: effective addresses, the r/m
/// operand as register or memory, and read-modify-write of a memory destination.
extension UnsafeMutablePointer where Pointee == CPUState {
    /// The effective address (offset within the segment) of the memory operand.
    @inline(__always) func ea(_ i: Ins) -> UInt32 {
        // A missing base or index is register 8, which reads as 0.
        var a = i.disp &+ r32(Int(i.base)) &+ (r32(Int(i.index)) &<< UInt32(i.scale))
        if _slowPath(i.addr16) { a &= 0xffff }
        return a
    }

    /// Linear address of the memory operand for an access of `size` bytes.
    @inline(__always) func operandAddress(_ i: Ins, _ size: Int, write: Bool = false) -> UInt32 {
        linear(Int(i.seg), ea(i), size, write: write)
    }

    /// Reads the r/m operand at the instruction's operand size.
    @inline(__always) func readRM(_ i: Ins) -> UInt32 {
        readRM(i, i.sz)
    }

    @inline(__always) func readRM(_ i: Ins, _ size: Int) -> UInt32 {
        if i.isMemory { return read(Int(i.seg), ea(i), size) }
        return reg(Int(i.rm), size)
    }

    @inline(__always) func writeRM(_ i: Ins, _ v: UInt32) {
        writeRM(i, i.sz, v)
    }

    @inline(__always) func writeRM(_ i: Ins, _ size: Int, _ v: UInt32) {
        if i.isMemory { write(Int(i.seg), ea(i), size, v) } else { setReg(Int(i.rm), size, v) }
    }

    /// Read-modify-write of the r/m operand: `f` maps the old value to the new one (nil:
    /// no write, as for cmp). A memory destination is checked for writing first so a
    /// fault changes nothing.
    @inline(__always) func modifyRM(_ i: Ins, _ size: Int, _ f: (UInt32) -> UInt32?) {
        if i.isMemory {
            let a = operandAddress(i, size, write: true)
            if _slowPath(faulted) { return }
            guard probeWrite(a, size) else { return }
            if let r = f(readL(a, size)) { writeL(a, size, r) }
        } else {
            if let r = f(reg(Int(i.rm), size)) { setReg(Int(i.rm), size, r) }
        }
    }

    // MARK: Stack

    /// Width of a stack slot for the current operand size.
    @inline(__always) func push(_ v: UInt32, _ size: Int) {
        let sp = esp &- UInt32(size)
        write(SegReg.ss.rawValue, sp, size, v)
        if _fastPath(!faulted) { esp = sp }
    }

    @inline(__always) func push32(_ v: UInt32) {
        let sp = esp &- 4
        let a = pointee.seg.regs.2.base &+ sp
        if _fastPath(pointee.seg.regs.2.limit == 0xffff_ffff) {
            write32L(a, v)
        } else {
            write(SegReg.ss.rawValue, sp, 4, v)
        }
        if _fastPath(!faulted) { esp = sp }
    }

    /// Reads the value on top of the stack without popping it.
    @inline(__always) func top(_ size: Int, offset: UInt32 = 0) -> UInt32 {
        read(SegReg.ss.rawValue, esp &+ offset, size)
    }

    @inline(__always) func pop(_ size: Int) -> UInt32 {
        let v = read(SegReg.ss.rawValue, esp, size)
        if _fastPath(!faulted) { esp = esp &+ UInt32(size) }
        return v
    }
}
