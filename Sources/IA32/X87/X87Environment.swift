/// fnstenv, fldenv, fnsave, frstor: the FPU environment in memory (Intel SDM vol. 1,
/// figures 8-9 to 8-12). With a 32-bit operand size the protected-mode format is 28
/// bytes (each 16-bit field in a dword whose upper half stores as 0xffff); with 0x66 it
/// is the 14-byte 16-bit format. fnsave/frstor add the eight registers in ST order
/// (10 bytes each): 108 or 94 bytes.
extension UnsafeMutablePointer where Pointee == CPUState {
    @inline(never)
    func environment(_ i: Ins, _ form: X87Op) {
        let f = fpu
        let wide = i.size == 4
        let envSize = wide ? 28 : 14
        let total = (form == .fnsave || form == .frstor) ? envSize + 80 : envSize
        let storing = form == .fnstenv || form == .fnsave
        let a = linear(Int(i.seg), ea(i), total, write: storing)
        if faulted { return }
        if storing {
            guard probeWrite(a, total) else { return }
            let fs = f.pointee
            if wide {
                write32L(a, 0xffff_0000 | UInt32(fs.cw))
                write32L(a &+ 4, 0xffff_0000 | UInt32(fs.statusWord))
                write32L(a &+ 8, 0xffff_0000 | UInt32(fs.tagWord))
                write32L(a &+ 12, fs.fip)
                write32L(a &+ 16, UInt32(fs.fcs) | UInt32(fs.fop & 0x7ff) << 16)
                write32L(a &+ 20, fs.fdp)
                write32L(a &+ 24, 0xffff_0000 | UInt32(fs.fds))
            } else {
                write16L(a, UInt32(fs.cw))
                write16L(a &+ 2, UInt32(fs.statusWord))
                write16L(a &+ 4, UInt32(fs.tagWord))
                write16L(a &+ 6, fs.fip & 0xffff)
                write16L(a &+ 8, UInt32(fs.fcs))
                write16L(a &+ 10, fs.fdp & 0xffff)
                write16L(a &+ 12, UInt32(fs.fds))
            }
            if form == .fnsave {
                for k in 0..<8 {
                    let r = f.st(k)
                    let p = a &+ UInt32(envSize + 10 * k)
                    write32L(p, UInt32(truncatingIfNeeded: r.sig))
                    write32L(p &+ 4, UInt32(truncatingIfNeeded: r.sig >> 32))
                    write16L(p &+ 8, UInt32(r.se))
                }
                f.pointee.initialize()
            } else {
                // fnstenv then masks every exception.
                f.pointee.cw |= X87Control.masks
                f.updateErrorSummary()
            }
            return
        }
        // fldenv / frstor: read everything before changing anything.
        var cw: UInt32, sw: UInt32, tw: UInt32, fip: UInt32, fcsop: UInt32, fdp: UInt32, fds: UInt32
        if wide {
            cw = read32L(a); sw = read32L(a &+ 4); tw = read32L(a &+ 8)
            fip = read32L(a &+ 12); fcsop = read32L(a &+ 16); fdp = read32L(a &+ 20); fds = read32L(a &+ 24)
        } else {
            cw = read16L(a); sw = read16L(a &+ 2); tw = read16L(a &+ 4)
            fip = read16L(a &+ 6); fcsop = read16L(a &+ 8); fdp = read16L(a &+ 10); fds = read16L(a &+ 12)
        }
        if faulted { return }
        var regs: (F80, F80, F80, F80, F80, F80, F80, F80) = (F80.zero, F80.zero, F80.zero, F80.zero,
                                                             F80.zero, F80.zero, F80.zero, F80.zero)
        if form == .frstor {
            for k in 0..<8 {
                let p = a &+ UInt32(envSize + 10 * k)
                let lo = read32L(p), hi = read32L(p &+ 4), se = read16L(p &+ 8)
                if faulted { return }
                withUnsafeMutableBytes(of: &regs) {
                    $0.storeBytes(of: F80(sig: UInt64(hi) << 32 | UInt64(lo), se: UInt16(truncatingIfNeeded: se)),
                                  toByteOffset: k * MemoryLayout<F80>.stride, as: F80.self)
                }
            }
        }
        f.pointee.cw = (UInt16(truncatingIfNeeded: cw) & 0x1f3f) | 0x0040
        f.pointee.setStatusWord(UInt16(truncatingIfNeeded: sw))
        f.pointee.setTagWord(UInt16(truncatingIfNeeded: tw))
        f.pointee.fip = fip
        f.pointee.fcs = UInt16(truncatingIfNeeded: fcsop)
        f.pointee.fop = wide ? UInt16(truncatingIfNeeded: fcsop >> 16) & 0x7ff : 0
        f.pointee.fdp = fdp
        f.pointee.fds = UInt16(truncatingIfNeeded: fds)
        if form == .frstor {
            for k in 0..<8 {
                let r = withUnsafeBytes(of: &regs) { $0.load(fromByteOffset: k * MemoryLayout<F80>.stride, as: F80.self) }
                f.setST(k, r)
            }
        }
        f.updateErrorSummary()
    }

    /// fxsave/fxrstor: the 512-byte image (Intel SDM vol. 2, FXSAVE, table 3-53) with the
    /// abridged tag byte. The models have no SSE, so MXCSR and its mask store as 0 and the
    /// XMM area is left alone. The operand must be 16-byte aligned (#GP(0)).
    @inline(never)
    func extendedState(_ i: Ins, save: Bool) {
        let f = fpu
        let e = ea(i)
        let a = linear(Int(i.seg), e, 512, write: save)
        if faulted { return }
        if a & 15 != 0 { raise(Vector.generalProtection); return }
        if save {
            guard probeWrite(a, 512) else { return }
            // The header and the eight registers, word by word so that a write to
            // decoded code still invalidates it; the XMM area, which the models do not
            // have, is left as it was.
            let image = f.pointee.fxsaveImage
            for w in 0..<40 {
                let v = UInt32(image[4 * w]) | UInt32(image[4 * w + 1]) << 8
                    | UInt32(image[4 * w + 2]) << 16 | UInt32(image[4 * w + 3]) << 24
                write32L(a &+ UInt32(4 * w), v)
            }
            return
        }
        let w0 = read32L(a), w1 = read32L(a &+ 4), fip = read32L(a &+ 8), fcs = read32L(a &+ 12)
        let fdp = read32L(a &+ 16), fds = read32L(a &+ 20)
        if faulted { return }
        var regs: (F80, F80, F80, F80, F80, F80, F80, F80) = (F80.zero, F80.zero, F80.zero, F80.zero,
                                                             F80.zero, F80.zero, F80.zero, F80.zero)
        for k in 0..<8 {
            let p = a &+ UInt32(32 + 16 * k)
            let lo = read32L(p), hi = read32L(p &+ 4), se = read16L(p &+ 8)
            if faulted { return }
            withUnsafeMutableBytes(of: &regs) {
                $0.storeBytes(of: F80(sig: UInt64(hi) << 32 | UInt64(lo), se: UInt16(truncatingIfNeeded: se)),
                              toByteOffset: k * MemoryLayout<F80>.stride, as: F80.self)
            }
        }
        f.pointee.cw = (UInt16(truncatingIfNeeded: w0) & 0x1f3f) | 0x0040
        f.pointee.setStatusWord(UInt16(truncatingIfNeeded: w0 >> 16))
        f.pointee.empty = ~UInt8(truncatingIfNeeded: w1)
        f.pointee.fop = UInt16(truncatingIfNeeded: w1 >> 16) & 0x7ff
        f.pointee.fip = fip
        f.pointee.fcs = UInt16(truncatingIfNeeded: fcs)
        f.pointee.fdp = fdp
        f.pointee.fds = UInt16(truncatingIfNeeded: fds)
        for k in 0..<8 {
            let r = withUnsafeBytes(of: &regs) { $0.load(fromByteOffset: k * MemoryLayout<F80>.stride, as: F80.self) }
            f.setST(k, r)
        }
        f.updateErrorSummary()
    }
}
