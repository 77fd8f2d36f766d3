/// Decimal adjust instructions: daa, das, aaa, aas, aam, aad (Intel SDM vol. 2
/// pseudocode). Flags the manual leaves undefined follow what P6-class parts produce
/// where that is known; the differential corpus masks them.
extension UnsafeMutablePointer where Pointee == CPUState {
    @inline(__always) private func resultFlags(_ al: UInt32) -> UInt32 {
        var f = parityFlag(al)
        if al & 0xff == 0 { f |= EFLAGS.zf }
        if al & 0x80 != 0 { f |= EFLAGS.sf }
        return f
    }

    func daa() {
        let oldAL = r8(0)
        let oldCF = cf
        var al = oldAL
        var c = false, a = false
        if al & 0xf > 9 || af {
            al = (al &+ 6) & 0xff
            c = oldCF || oldAL > 0xf9
            a = true
        }
        if oldAL > 0x99 || oldCF {
            al = (al &+ 0x60) & 0xff
            c = true
        } else {
            c = false
        }
        setR8(0, al)
        let bits = resultFlags(al) | (c ? EFLAGS.cf : 0) | (a ? EFLAGS.af : 0)
        setStatusFlags(bits, mask: EFLAGS.arith & ~EFLAGS.of)
    }

    func das() {
        let oldAL = r8(0)
        let oldCF = cf
        var al = oldAL
        var c = false, a = false
        if al & 0xf > 9 || af {
            al = (al &- 6) & 0xff
            c = oldCF || oldAL < 6
            a = true
        }
        if oldAL > 0x99 || oldCF {
            al = (al &- 0x60) & 0xff
            c = true
        }
        setR8(0, al)
        let bits = resultFlags(al) | (c ? EFLAGS.cf : 0) | (a ? EFLAGS.af : 0)
        setStatusFlags(bits, mask: EFLAGS.arith & ~EFLAGS.of)
    }

    func aaa() {
        if r8(0) & 0xf > 9 || af {
            setR16(0, r16(0) &+ 0x106)
            setR8(0, r8(0) & 0xf)
            setStatusFlags(EFLAGS.af | EFLAGS.cf, mask: EFLAGS.af | EFLAGS.cf)
        } else {
            setR8(0, r8(0) & 0xf)
            setStatusFlags(0, mask: EFLAGS.af | EFLAGS.cf)
        }
    }

    func aas() {
        if r8(0) & 0xf > 9 || af {
            setR16(0, r16(0) &- 6)
            setR8(4, r8(4) &- 1)
            setR8(0, r8(0) & 0xf)
            setStatusFlags(EFLAGS.af | EFLAGS.cf, mask: EFLAGS.af | EFLAGS.cf)
        } else {
            setR8(0, r8(0) & 0xf)
            setStatusFlags(0, mask: EFLAGS.af | EFLAGS.cf)
        }
    }

    func aam(_ base: UInt32) {
        if base == 0 { raise(Vector.divideError); return }
        let al = r8(0)
        setR8(4, al / base)
        setR8(0, al % base)
        setArithmeticFlags(resultFlags(al % base))
    }

    func aad(_ base: UInt32) {
        let al = (r8(0) &+ r8(4) &* base) & 0xff
        setR16(0, al)
        setArithmeticFlags(resultFlags(al))
    }
}
