/// add, or, adc, sbb, and, sub, xor, cmp; inc, dec, neg, not, test.
/// Results are computed here; the flags are recorded lazily (`LazyFlags`).
extension UnsafeMutablePointer where Pointee == CPUState {
    /// ALU operation `kind` (0 add, 1 or, 2 adc, 3 sbb, 4 and, 5 sub, 6 xor, 7 cmp) on
    /// operands of `size` bytes. Returns the result, or nil for cmp.
    @inline(__always) func alu(_ kind: Int, _ size: Int, _ d: UInt32, _ src: UInt32) -> UInt32? {
        let m = sizeMask(size)
        switch kind {
        case 0:
            let r = (d &+ src) & m
            setFlags(.add, size, dst: d, src: src, res: r)
            return r
        case 1:
            let r = d | src
            setFlags(.logic, size, dst: d, src: src, res: r)
            return r
        case 2:
            let c = cf
            let r = (d &+ src &+ (c ? 1 : 0)) & m
            setFlags(.adc, size, dst: d, src: src, res: r, carryIn: c)
            return r
        case 3:
            let c = cf
            let r = (d &- src &- (c ? 1 : 0)) & m
            setFlags(.sbb, size, dst: d, src: src, res: r, carryIn: c)
            return r
        case 4:
            let r = d & src
            setFlags(.logic, size, dst: d, src: src, res: r)
            return r
        case 5:
            let r = (d &- src) & m
            setFlags(.sub, size, dst: d, src: src, res: r)
            return r
        case 6:
            let r = d ^ src
            setFlags(.logic, size, dst: d, src: src, res: r)
            return r
        default:
            setFlags(.sub, size, dst: d, src: src, res: (d &- src) & m)
            return nil
        }
    }

    /// `op r/m, reg`
    @inline(__always) func aluRMReg(_ i: Ins) {
        let size = i.sz
        let src = reg(Int(i.reg), size)
        if i.sub == 7 { compareRM(i, size, src); return }
        modifyRM(i, size) { alu(Int(i.sub), size, $0, src) }
    }

    /// cmp r/m, x only reads its destination: it works on read-only memory.
    @inline(__always) func compareRM(_ i: Ins, _ size: Int, _ src: UInt32) {
        let d = readRM(i, size)
        if _slowPath(faulted) { return }
        _ = alu(7, size, d, src)
    }

    /// `op reg, r/m`
    @inline(__always) func aluRegRM(_ i: Ins) {
        let size = i.sz
        let src = readRM(i, size)
        if _slowPath(faulted) { return }
        if let r = alu(Int(i.sub), size, reg(Int(i.reg), size), src) { setReg(Int(i.reg), size, r) }
    }

    /// `op r/m, imm` (and the AL/eAX short forms, decoded with rm = 0)
    @inline(__always) func aluRMImm(_ i: Ins) {
        let size = i.sz
        if i.sub == 7 { compareRM(i, size, i.imm); return }
        modifyRM(i, size) { alu(Int(i.sub), size, $0, i.imm) }
    }

    // MARK: Specialised 32-bit forms (dst = rm, src = reg)

    @inline(__always) func add32(_ d: UInt32, _ s: UInt32) -> UInt32 {
        let r = d &+ s
        recordFlags32(.add, d, s, r)
        return r
    }

    @inline(__always) func sub32(_ d: UInt32, _ s: UInt32) -> UInt32 {
        let r = d &- s
        recordFlags32(.sub, d, s, r)
        return r
    }

    @inline(__always) func adc32(_ d: UInt32, _ s: UInt32) -> UInt32 {
        let c = cf
        let r = d &+ s &+ (c ? 1 : 0)
        pointee.flags = LazyFlags(op: .adc, carryIn: c, sign: 0x8000_0000, dst: d, src: s, res: r)
        return r
    }

    @inline(__always) func sbb32(_ d: UInt32, _ s: UInt32) -> UInt32 {
        let c = cf
        let r = d &- s &- (c ? 1 : 0)
        pointee.flags = LazyFlags(op: .sbb, carryIn: c, sign: 0x8000_0000, dst: d, src: s, res: r)
        return r
    }

    @inline(__always) func logic32(_ r: UInt32) -> UInt32 {
        // A logic result's flags read only `res`: dst, src and carryIn may stay stale.
        pointee.flags.op = .logic
        pointee.flags.sign = 0x8000_0000
        pointee.flags.res = r
        return r
    }

    /// Records a 32-bit add, sub or shift (`s` is the count) field by field; carryIn is
    /// read only by adc, sbb, inc and dec, which set it themselves.
    @inline(__always) func recordFlags32(_ op: FlagOp, _ d: UInt32, _ s: UInt32, _ r: UInt32) {
        pointee.flags.op = op
        pointee.flags.sign = 0x8000_0000
        pointee.flags.dst = d
        pointee.flags.src = s
        pointee.flags.res = r
    }

    /// 32-bit add, or, and, sub or xor (`kind` as in `alu`), flags recorded lazily.
    @inline(__always) func alu32(_ kind: UInt8, _ d: UInt32, _ v: UInt32) -> UInt32 {
        switch kind {
        case 0: return add32(d, v)
        case 1: return logic32(d | v)
        case 4: return logic32(d & v)
        case 5: return sub32(d, v)
        default: return logic32(d ^ v)
        }
    }

    /// `op mem32, src` for add, or, and, sub, xor: one translation and one permission
    /// test serve both the read and the write.
    @inline(__always) func alu32Memory(_ i: Ins, _ src: UInt32) {
        let a = operandAddress(i, 4, write: true)
        if _slowPath(faulted) { return }
        if _fastPath(writable32(a)) {
            let d = pointee.mem.loadUnaligned(fromByteOffset: Int(a), as: UInt32.self)
            pointee.mem.storeBytes(of: alu32(i.sub, d, src), toByteOffset: Int(a), as: UInt32.self)
        } else {
            modifyRM(i, 4) { alu(Int(i.sub), 4, $0, src) }
        }
    }

    // MARK: inc dec neg not test

    @inline(__always) func incDec(_ i: Ins, inc: Bool) {
        let size = i.sz
        let m = sizeMask(size)
        let c = cf
        modifyRM(i, size) { d in
            let r = (inc ? d &+ 1 : d &- 1) & m
            setFlags(inc ? .inc : .dec, size, dst: d, src: 1, res: r, carryIn: c)
            return r
        }
    }

    @inline(__always) func neg(_ i: Ins) {
        let size = i.sz
        let m = sizeMask(size)
        modifyRM(i, size) { d in
            let r = (0 &- d) & m
            setFlags(.sub, size, dst: 0, src: d, res: r)
            return r
        }
    }

    @inline(__always) func not(_ i: Ins) {
        let size = i.sz
        let m = sizeMask(size)
        modifyRM(i, size) { d in ~d & m }
    }

    @inline(__always) func test(_ i: Ins, _ src: UInt32) {
        let size = i.sz
        let d = readRM(i, size)
        if _slowPath(faulted) { return }
        setFlags(.logic, size, dst: 0, src: 0, res: d & src)
    }
}
