/// push and pop in every form, pusha/popa, pushf/popf, enter and leave.
extension UnsafeMutablePointer where Pointee == CPUState {
    /// pop r/m: ESP is incremented before the destination's address is computed
    /// (Intel SDM vol. 2, POP), so `pop [esp]` writes above the popped slot.
    func popRM(_ i: Ins) {
        let size = i.sz
        let oldESP = esp
        let v = top(size)
        if faulted { return }
        esp = oldESP &+ UInt32(size)
        writeRM(i, size, v)
        if faulted { esp = oldESP }
    }

    func pushSreg(_ i: Ins) {
        let sel = UInt32(pointee.seg[Int(i.reg)].selector)
        if i.size == 4 {
            // P6-family and later parts write only the low word of the 32-bit slot.
            let sp = esp &- 4
            write(SegReg.ss.rawValue, sp, 2, sel)
            if !faulted { esp = sp }
        } else {
            push(sel, 2)
        }
    }

    func popSreg(_ i: Ins) {
        let size = i.sz
        let sel = top(size)
        if faulted { return }
        if loadSegment(Int(i.reg), UInt16(truncatingIfNeeded: sel)) { esp = esp &+ UInt32(size) }
    }

    func pusha(_ i: Ins) {
        let size = i.sz
        let sp = esp
        let bottom = sp &- UInt32(8 * size)
        let a = linear(SegReg.ss.rawValue, bottom, 8 * size, write: true)
        if faulted || !probeWrite(a, 4 * size) || !probeWrite(a &+ UInt32(4 * size), 4 * size) { return }
        // EAX is stored highest; EDI lowest; the ESP slot holds ESP before the push.
        for r in 0..<8 {
            let v = r == Reg.esp.rawValue ? sp : r32(r)
            writeL(a &+ UInt32((7 - r) * size), size, v)
        }
        esp = bottom
    }

    /// popa: registers are loaded one by one (EDI first) and ESP only at the end, so a
    /// page fault part way leaves the registers already loaded changed and ESP as it
    /// was — what the hardware does (the differential corpus records it).
    func popa(_ i: Ins) {
        let size = i.sz
        let sp = esp
        for slot in 0..<8 {
            let v = read(SegReg.ss.rawValue, sp &+ UInt32(slot * size), size)
            if faulted { return }
            if slot != 3 { setReg(7 - slot, size, v) }   // the saved ESP is read, then dropped
        }
        esp = sp &+ UInt32(8 * size)
    }

    /// pushf: EFLAGS with VM and RF cleared.
    func pushf(_ i: Ins) {
        push(eflags & ~(EFLAGS.vm | EFLAGS.rf), i.sz)
    }

    /// popf: which bits may change depends on CPL and IOPL (Intel SDM vol. 2, POPF).
    func popf(_ i: Ins) {
        let size = i.sz
        let v = pop(size)
        if faulted { return }
        writeEFLAGS(v, size: size)
    }

    /// Writes EFLAGS as popf/iret at the current privilege may.
    func writeEFLAGS(_ v: UInt32, size: Int) {
        var changeable: UInt32 = EFLAGS.arith | EFLAGS.tf | EFLAGS.df | EFLAGS.nt | EFLAGS.ac | EFLAGS.id
        let cpl = UInt32(pointee.cpl)
        let iopl = (pointee.eflagsRaw & EFLAGS.iopl) >> 12
        if cpl == 0 { changeable |= EFLAGS.iopl }
        if cpl <= iopl { changeable |= EFLAGS.if }
        if size == 2 { changeable &= 0xffff }
        let old = eflags
        setEFLAGS((old & ~changeable) | (v & changeable))
    }

    /// enter: the frame pointer chain is walked through EBP whatever the operand size,
    /// since Linux's stack segment is 32-bit (Intel SDM vol. 2, ENTER, StackSize = 32).
    func enter(_ i: Ins) {
        let size = i.sz
        let allocation = i.imm & 0xffff
        let level = i.imm2 & 0x1f
        let savedESP = esp, savedEBP = r32(Reg.ebp.rawValue)
        push(reg(Reg.ebp.rawValue, size), size)
        let frame = esp
        if level > 0 {
            var bp = savedEBP
            for _ in 1..<level {
                bp = bp &- UInt32(size)
                let v = read(SegReg.ss.rawValue, bp, size)
                if faulted { break }
                push(v, size)
            }
            if !faulted { push(frame, size) }
        }
        // The final stack pointer must be writable (Intel SDM vol. 2, ENTER).
        let newESP = esp &- allocation
        if !faulted && allocation != 0 {
            let a = linear(SegReg.ss.rawValue, newESP, 1, write: true)
            if !faulted { _ = probeWrite(a, 1) }
        }
        if faulted {
            esp = savedESP
            setR32(Reg.ebp.rawValue, savedEBP)
            return
        }
        setReg(Reg.ebp.rawValue, size, frame)
        esp = newESP
    }

    func leave(_ i: Ins) {
        let size = i.sz
        let bp = r32(Reg.ebp.rawValue)
        let v = read(SegReg.ss.rawValue, bp, size)
        if faulted { return }
        esp = bp &+ UInt32(size)
        setReg(Reg.ebp.rawValue, size, v)
    }
}
