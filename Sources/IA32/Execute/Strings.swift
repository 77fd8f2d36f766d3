/// movs, stos, lods, cmps, scas with rep/repe/repne in both directions. A fault part
/// way leaves the registers at the faulting iteration, so the instruction restarts
/// where it stopped, as on the hardware.
extension UnsafeMutablePointer where Pointee == CPUState {
    @inline(__always) private func index(_ r: Int, _ a16: Bool) -> UInt32 {
        a16 ? r16(r) : r32(r)
    }

    @inline(__always) private func advance(_ r: Int, _ delta: UInt32, _ a16: Bool) {
        if a16 { setR16(r, r16(r) &+ delta) } else { setR32(r, r32(r) &+ delta) }
    }

    /// Runs one string instruction. `kind`: 0 movs, 1 stos, 2 lods, 3 cmps, 4 scas.
    func string(_ i: Ins, kind: Int) {
        let size = i.sz
        let a16 = i.addr16
        let delta: UInt32 = df ? 0 &- UInt32(size) : UInt32(size)
        let srcSeg = Int(i.seg)
        let es = SegReg.es.rawValue
        let esi = Reg.esi.rawValue, edi = Reg.edi.rawValue, ecx = Reg.ecx.rawValue
        let repeated = i.sub != 0
        if repeated && index(ecx, a16) == 0 { return }

        while true {
            switch kind {
            case 0:
                let v = read(srcSeg, index(esi, a16), size)
                if faulted { return }
                write(es, index(edi, a16), size, v)
                if faulted { return }
                advance(esi, delta, a16); advance(edi, delta, a16)
            case 1:
                write(es, index(edi, a16), size, reg(0, size))
                if faulted { return }
                advance(edi, delta, a16)
            case 2:
                let v = read(srcSeg, index(esi, a16), size)
                if faulted { return }
                setReg(0, size, v)
                advance(esi, delta, a16)
            case 3:
                // The destination is read first: its fault wins (as the hardware reports).
                let b = read(es, index(edi, a16), size)
                let a = read(srcSeg, index(esi, a16), size)
                if faulted { return }
                _ = alu(7, size, a, b)
                advance(esi, delta, a16); advance(edi, delta, a16)
            default:
                let b = read(es, index(edi, a16), size)
                if faulted { return }
                _ = alu(7, size, reg(0, size), b)
                advance(edi, delta, a16)
            }
            if !repeated { return }
            advance(ecx, 0xffff_ffff, a16)
            if index(ecx, a16) == 0 { return }
            if kind >= 3 {
                // repe stops on a difference, repne on a match.
                if i.sub == 1 && !zf { return }
                if i.sub == 2 && zf { return }
            }
            if _slowPath(pointee.codeWritten) {
                // The string overwrote decoded code: stop here; EIP re-executes the rest.
                pointee.eip = i.next &- UInt32(i.length)
                return
            }
        }
    }
}
