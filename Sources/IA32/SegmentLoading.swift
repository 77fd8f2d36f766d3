/// Loading segment registers from the GDT or LDT with the protection checks of
/// Intel SDM vol. 3, 5.5–5.8 (the parts a Linux process can reach: data segments for
/// DS/ES/FS/GS — glibc's %gs TLS — stack segments for SS, and same-privilege code
/// segments for far transfers).
extension UnsafeMutablePointer where Pointee == CPUState {
    /// Reads the descriptor `selector` names; raises #GP(selector) if it lies outside
    /// its table. Descriptor-table reads are supervisor accesses.
    func fetchDescriptor(_ selector: UInt16) -> SegmentDescriptor? {
        let index = UInt32(selector & 0xfff8)
        let ldt = selector & 4 != 0
        let tableBase = ldt ? pointee.seg.ldtBase : pointee.seg.gdtBase
        let tableLimit = ldt ? pointee.seg.ldtLimit : UInt32(pointee.seg.gdtLimit)
        if index + 7 > tableLimit || (ldt && pointee.seg.ldtLimit == 0) {
            raise(Vector.generalProtection, UInt32(selector & 0xfffc))
            return nil
        }
        let a = tableBase &+ index
        guard pointee.perm[Int(a >> 12)] & PagePermission.read != 0,
              pointee.perm[Int((a &+ 7) >> 12)] & PagePermission.read != 0 else {
            raise(Vector.pageFault, 0, address: a)
            return nil
        }
        return SegmentDescriptor(low: pointee.mem.loadUnaligned(fromByteOffset: Int(a), as: UInt32.self),
                                 high: pointee.mem.loadUnaligned(fromByteOffset: Int(a &+ 4), as: UInt32.self))
    }

    /// Sets the descriptor's accessed bit in memory, as the processor does on a load.
    private func markAccessed(_ selector: UInt16, _ d: SegmentDescriptor) {
        guard d.type & 1 == 0 else { return }
        let ldt = selector & 4 != 0
        let a = (ldt ? pointee.seg.ldtBase : pointee.seg.gdtBase) &+ UInt32(selector & 0xfff8) &+ 4
        if pointee.perm[Int(a >> 12)] & PagePermission.write != 0 {
            pointee.mem.storeBytes(of: d.high | 0x100, toByteOffset: Int(a), as: UInt32.self)
        }
    }

    static func cache(_ selector: UInt16, _ d: SegmentDescriptor) -> SegmentCache {
        SegmentCache(selector: selector, base: d.base, limit: d.limit, dpl: d.dpl, type: d.type, big: d.big)
    }

    /// Loads a data segment register (DS, ES, FS, GS) or SS. Returns false after
    /// raising the fault the checks call for.
    @discardableResult
    func loadSegment(_ sreg: Int, _ selector: UInt16) -> Bool {
        if sreg == SegReg.cs.rawValue {
            raise(Vector.invalidOpcode)
            return false
        }
        let rpl = UInt8(selector & 3)
        let cpl = pointee.cpl
        if selector & 0xfffc == 0 {
            if sreg == SegReg.ss.rawValue { raise(Vector.generalProtection); return false }
            var c = SegmentCache()
            c.selector = selector
            c.usable = false
            c.limit = 0
            pointee.seg[sreg] = c
            segmentsChanged()
            return true
        }
        guard let d = fetchDescriptor(selector) else { return false }
        // The kernel's entry and exit code reload the same user data selector into DS
        // and ES on every system call. The checks below depend only on the selector,
        // CPL, the kind of register and the descriptor's bytes, which are read anew each
        // time; when all of them match the last load that passed, so does the result.
        let key = UInt32(selector) | UInt32(cpl) << 16 | (sreg == SegReg.ss.rawValue ? 1 << 18 : 0) | 1 << 19
        let memo = pointee.segmentMemo
        if memo.key == key && memo.low == d.low && memo.high == d.high {
            segmentCache(sreg).pointee = memo.cache
            segmentsChanged()
            return true
        }
        let err = UInt32(selector & 0xfffc)
        if sreg == SegReg.ss.rawValue {
            // A writable data segment with RPL = DPL = CPL.
            guard d.isCodeOrData, !d.isCode, d.type & 2 != 0, rpl == cpl, d.dpl == cpl else {
                raise(Vector.generalProtection, err); return false
            }
            guard d.present else { raise(Vector.stackFault, err); return false }
        } else {
            // Data, or readable code; non-conforming ones need DPL ≥ max(CPL, RPL).
            guard d.isCodeOrData, !d.isCode || d.type & 2 != 0 else {
                raise(Vector.generalProtection, err); return false
            }
            let conformingCode = d.isCode && d.type & 4 != 0
            if !conformingCode && d.dpl < max(cpl, rpl) { raise(Vector.generalProtection, err); return false }
            guard d.present else { raise(11, err); return false }   // #NP
        }
        markAccessed(selector, d)
        let cache = Self.cache(selector, d)
        pointee.seg[sreg] = cache
        segmentsChanged()
        // As the descriptor now reads in memory (accessed bit set, if its page is
        // writable; if not, the next load misses and checks again).
        pointee.segmentMemo = SegmentLoadMemo(key: key, low: d.low, high: d.high | 0x100, cache: cache)
        return true
    }

    /// Loads CS for a far jmp/call/ret to a code segment at the current privilege
    /// (conforming or DPL = CPL). Privilege changes go through gates, which Linux user
    /// code never uses; they raise #GP.
    func loadCodeSegment(_ selector: UInt16, returning: Bool = false) -> Bool {
        let err = UInt32(selector & 0xfffc)
        if selector & 0xfffc == 0 { raise(Vector.generalProtection); return false }
        guard let d = fetchDescriptor(selector) else { return false }
        let cpl = pointee.cpl
        let rpl = UInt8(selector & 3)
        guard d.isCodeOrData, d.isCode else { raise(Vector.generalProtection, err); return false }
        let conforming = d.type & 4 != 0
        if conforming ? d.dpl > cpl : (d.dpl != cpl || (!returning && rpl > cpl) || (returning && rpl != cpl)) {
            raise(Vector.generalProtection, err); return false
        }
        guard d.present else { raise(11, err); return false }
        markAccessed(selector, d)
        pointee.seg[SegReg.cs.rawValue] = Self.cache((selector & 0xfffc) | UInt16(cpl), d)
        return true
    }

    /// Sets the privilege level and the page permissions accesses need at it.
    func setCPL(_ cpl: UInt8) {
        pointee.cpl = cpl
        pointee.readNeed = cpl == 3 ? PagePermission.userRead : PagePermission.kernelRead
        pointee.writeNeed = cpl == 3 ? PagePermission.userWrite : PagePermission.kernelWrite
        pointee.writeMask = pointee.writeNeed | PagePermission.code
    }
}

/// A data or stack segment load that passed its checks: the selector, CPL and register
/// kind (`key`, 0 when empty), the descriptor's bytes and the cache they produced.
struct SegmentLoadMemo {
    var key: UInt32 = 0
    var low: UInt32 = 0
    var high: UInt32 = 0
    var cache = SegmentCache()
}
