/// The fast paths of memory access for handlers with a fast and a general body
/// (GATE_SPLIT_HANDLER in ThreadedDispatch.h): the host address of an access that cannot
/// fault or touch decoded code, or nil, and the fast body hands the instruction to its
/// general body. Nothing here calls out of line, so a fast body saves no registers.

/// What a terminator's fast body returns to have the general body run the instruction
/// instead (GATE_SLOW); other fast bodies return false.
let slowPath = UnsafeRawPointer(bitPattern: 1)

/// The segment argument of the fast paths in the flat forms of the handlers
/// (Dispatch/FlatHandlers.swift): DS, ES and SS were flat with base 0 when the block was
/// decoded and still are (`CPUState.flatData`), so the segment needs no look at all.
let flatSegment = -1

extension UnsafeMutablePointer where Pointee == CPUState {
    /// The effective address of a memory operand with 32-bit addressing: the decoder
    /// gives the specialised forms no 0x67 operands (Decoder/Specialization.swift).
    @inline(__always) func ea32(_ i: Ins) -> UInt32 {
        i.disp &+ r32(Int(i.base)) &+ (r32(Int(i.index)) &<< UInt32(i.scale))
    }

    /// The same for a form the decoder chose for having no index register (the
    /// `…B` ops: base and displacement, or the displacement alone).
    @inline(__always) func ea32(_ i: Ins, indexed: Bool) -> UInt32 {
        indexed ? ea32(i) : i.disp &+ r32(Int(i.base))
    }

    /// The linear address of offset `ea` in segment `seg` if the segment lets `kind`
    /// (`SegmentCache.fastRead` or `fastWrite`) through unchecked; always for `flatSegment`.
    @inline(__always) func fastLinear(_ seg: Int, _ ea: UInt32, _ kind: UInt8) -> UInt32? {
        if seg == flatSegment { return ea }
        let c = segmentCache(seg)
        guard c.pointee.fast & kind != 0 else { return nil }
        return c.pointee.base &+ ea
    }

    /// Where `size` bytes at offset `ea` of segment `seg` may be read: a flat segment
    /// (a 4 GiB limit cannot be exceeded) and one readable page. A flat form passes its
    /// instruction as `memo` when it has no immediate, to use its page memo for a word or
    /// halfword (PageMemo.swift); a byte cannot run off its page, and checking its page
    /// costs no more than the memo does.
    @inline(__always) func hostRead(_ seg: Int, _ ea: UInt32, _ size: UInt32, memo: Ins? = nil) -> UnsafeMutableRawPointer? {
        if seg == flatSegment, size > 1, let memo { return memoRead(memo, ea, size) }
        let need = pointee.readNeed
        guard let a = fastLinear(seg, ea, SegmentCache.fastRead), pointee.perm[Int(a &>> 12)] & need == need,
              a & 0xfff <= 0x1000 &- size else { return nil }
        return pointee.mem + Int(a)
    }

    /// Where `size` bytes at offset `ea` of segment `seg` may be written: a flat writable
    /// data segment and one writable page that holds no decoded code; `memo` as for reads.
    @inline(__always) func hostWrite(_ seg: Int, _ ea: UInt32, _ size: UInt32, memo: Ins? = nil) -> UnsafeMutableRawPointer? {
        if seg == flatSegment, size > 1, let memo { return memoWrite(memo, ea, size) }
        let need = pointee.writeNeed
        guard let a = fastLinear(seg, ea, SegmentCache.fastWrite),
              pointee.perm[Int(a &>> 12)] & pointee.writeMask == need,
              a & 0xfff <= 0x1000 &- size else { return nil }
        return pointee.mem + Int(a)
    }

    /// The segment a stack access goes through: SS, or `flatSegment` in the flat forms.
    @inline(__always) func stackSegment(flat: Bool) -> Int { flat ? flatSegment : SegReg.ss.rawValue }

    /// Where a push of `size` bytes to `sp` may write. SS always holds a writable data
    /// segment (loading anything else into it faults), so only its limit is checked.
    @inline(__always) func hostStackWrite(_ sp: UInt32, _ size: UInt32, flat: Bool) -> UnsafeMutableRawPointer? {
        let a: UInt32
        if flat {
            a = sp
        } else {
            let c = segmentCache(SegReg.ss.rawValue)
            guard c.pointee.limit == 0xffff_ffff else { return nil }
            a = c.pointee.base &+ sp
        }
        let need = pointee.writeNeed
        guard pointee.perm[Int(a &>> 12)] & pointee.writeMask == need, a & 0xfff <= 0x1000 &- size else { return nil }
        return pointee.mem + Int(a)
    }

    /// Loads data segment register `sreg` (not CS) with a GDT selector, when the load
    /// is the same as the last one that passed its checks (SegmentLoading.swift): same
    /// selector, CPL and register kind, and the descriptor's bytes unchanged. That is
    /// every load on the system-call path (SAVE_ALL and RESTORE_ALL reload __USER_DS).
    @inline(__always) func fastLoadSegment(_ sreg: Int, _ selector: UInt16) -> Bool {
        let ss = SegReg.ss.rawValue
        let key = UInt32(selector) | UInt32(pointee.cpl) << 16 | (sreg == ss ? 1 << 18 : 0) | 1 << 19
        let index = UInt32(selector & 0xfff8)
        let a = pointee.seg.gdtBase &+ index
        guard selector & 0xfffc != 0, selector & 4 == 0, pointee.segmentMemo.key == key,
              index &+ 7 <= UInt32(pointee.seg.gdtLimit), a & 0xfff <= 0xff8,
              pointee.perm[Int(a &>> 12)] & PagePermission.read != 0,
              pointee.mem.loadUnaligned(fromByteOffset: Int(a), as: UInt32.self) == pointee.segmentMemo.low,
              pointee.mem.loadUnaligned(fromByteOffset: Int(a &+ 4), as: UInt32.self) == pointee.segmentMemo.high
        else { return false }
        segmentCache(sreg).pointee = pointee.segmentMemo.cache
        // The memo is of the last checked load: usually flat, but it need not be.
        if _slowPath(pointee.segmentMemo.cache.fast & SegmentCache.fastWrite == 0
                     || pointee.segmentMemo.cache.base != 0) { segmentsChanged() }
        return true
    }
}
