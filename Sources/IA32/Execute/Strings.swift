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

    /// `rep movs` / `rep stos` forwards with 32-bit addressing through flat segments:
    /// copies or fills the run that fits in the current source and destination pages in
    /// one step, for as long as both pages allow the access and hold no decoded code.
    /// Returns true when ECX reached 0; otherwise the registers stand at the first
    /// element it did not do, and the element-by-element loop finishes (and faults) from
    /// there. A `movs` whose destination overlaps the source just ahead of it repeats a
    /// pattern element by element, which a block copy would not: it is left to the loop.
    private func repeatBulk(_ i: Ins, kind: Int, size: Int) -> Bool {
        let es = segmentCache(SegReg.es.rawValue)
        let src = segmentCache(Int(i.seg))
        guard es.pointee.limit == 0xffff_ffff, es.pointee.type & 0xa == 0x2,
              kind == 1 || src.pointee.limit == 0xffff_ffff else { return false }
        let writeNeed = pointee.writeNeed, readNeed = pointee.readNeed
        let unit = UInt32(size)
        let mem = pointee.mem
        var count = r32(Reg.ecx.rawValue)
        while count > 0 {
            let edi = r32(Reg.edi.rawValue), esi = r32(Reg.esi.rawValue)
            let d = es.pointee.base &+ edi
            guard pointee.perm[Int(d &>> 12)] & (writeNeed | PagePermission.code) == writeNeed else { break }
            var room = 0x1000 - (d & 0xfff)
            var sAddr: UInt32 = 0
            if kind == 0 {
                sAddr = src.pointee.base &+ esi
                guard pointee.perm[Int(sAddr &>> 12)] & readNeed == readNeed else { break }
                room = min(room, 0x1000 - (sAddr & 0xfff))
            }
            let n = min(count, room / unit)
            if n == 0 { break }   // an element straddles a page: the loop does it
            let bytes = Int(n * unit)
            if kind == 0 {
                if d > sAddr && d < sAddr &+ UInt32(bytes) { break }
                (mem + Int(d)).copyMemory(from: mem + Int(sAddr), byteCount: bytes)
                setR32(Reg.esi.rawValue, esi &+ UInt32(bytes))
            } else {
                let v = r32(0)
                let p = mem + Int(d)
                if size == 1 {
                    p.initializeMemory(as: UInt8.self, repeating: UInt8(truncatingIfNeeded: v), count: bytes)
                } else if size == 4 && d & 3 == 0 {
                    p.initializeMemory(as: UInt32.self, repeating: v, count: bytes / 4)
                } else {
                    for k in stride(from: 0, to: bytes, by: size) {
                        if size == 2 { p.storeBytes(of: UInt16(truncatingIfNeeded: v), toByteOffset: k, as: UInt16.self) }
                        else { p.storeBytes(of: v, toByteOffset: k, as: UInt32.self) }
                    }
                }
            }
            setR32(Reg.edi.rawValue, edi &+ UInt32(bytes))
            count -= n
            setR32(Reg.ecx.rawValue, count)
        }
        return count == 0
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
        // memcpy and memset: whole page-sized runs at once when nothing can fault.
        if repeated && kind <= 1 && !a16 && delta == UInt32(size) {
            if repeatBulk(i, kind: kind, size: size) { return }
        }

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
                pointee.restartInstruction = true
                return
            }
        }
    }
}
