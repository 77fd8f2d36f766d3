/// Guest memory accesses made by instructions: segment translation, the permission
/// byte test, and the slow paths for page-straddling accesses, faults and writes to
/// pages holding decoded code.
extension UnsafeMutablePointer where Pointee == CPUState {

    // MARK: Linear addresses

    @inline(__always) func read8L(_ a: UInt32) -> UInt32 {
        let need = pointee.readNeed
        if _fastPath(pointee.perm[Int(a &>> 12)] & need == need) {
            return UInt32(pointee.mem.load(fromByteOffset: Int(a), as: UInt8.self))
        }
        return readSlow(a, 1)
    }

    @inline(__always) func read16L(_ a: UInt32) -> UInt32 {
        let need = pointee.readNeed
        if _fastPath(pointee.perm[Int(a &>> 12)] & need == need && a & 0xfff != 0xfff) {
            return UInt32(pointee.mem.loadUnaligned(fromByteOffset: Int(a), as: UInt16.self))
        }
        return readSlow(a, 2)
    }

    @inline(__always) func read32L(_ a: UInt32) -> UInt32 {
        let need = pointee.readNeed
        if _fastPath(pointee.perm[Int(a &>> 12)] & need == need && a & 0xfff <= 0xffc) {
            return pointee.mem.loadUnaligned(fromByteOffset: Int(a), as: UInt32.self)
        }
        return readSlow(a, 4)
    }

    @inline(__always) func readL(_ a: UInt32, _ size: Int) -> UInt32 {
        size == 4 ? read32L(a) : (size == 2 ? read16L(a) : read8L(a))
    }

    @inline(__always) func write8L(_ a: UInt32, _ v: UInt32) {
        let need = pointee.writeNeed
        if _fastPath(pointee.perm[Int(a &>> 12)] & (need | PagePermission.code) == need) {
            pointee.mem.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: Int(a), as: UInt8.self)
            return
        }
        writeSlow(a, 1, v)
    }

    @inline(__always) func write16L(_ a: UInt32, _ v: UInt32) {
        let need = pointee.writeNeed
        if _fastPath(pointee.perm[Int(a &>> 12)] & (need | PagePermission.code) == need && a & 0xfff != 0xfff) {
            pointee.mem.storeBytes(of: UInt16(truncatingIfNeeded: v), toByteOffset: Int(a), as: UInt16.self)
            return
        }
        writeSlow(a, 2, v)
    }

    @inline(__always) func write32L(_ a: UInt32, _ v: UInt32) {
        let need = pointee.writeNeed
        if _fastPath(pointee.perm[Int(a &>> 12)] & (need | PagePermission.code) == need && a & 0xfff <= 0xffc) {
            pointee.mem.storeBytes(of: v, toByteOffset: Int(a), as: UInt32.self)
            return
        }
        writeSlow(a, 4, v)
    }

    @inline(__always) func writeL(_ a: UInt32, _ size: Int, _ v: UInt32) {
        if size == 4 { write32L(a, v) } else if size == 2 { write16L(a, v) } else { write8L(a, v) }
    }

    /// Whether 4 bytes at linear `a` lie on one page that may be written and holds no
    /// decoded code, so a read-modify-write can go straight to host memory.
    @inline(__always) func writable32(_ a: UInt32) -> Bool {
        let need = pointee.writeNeed
        return pointee.perm[Int(a &>> 12)] & (need | PagePermission.code) == need && a & 0xfff <= 0xffc
    }

    /// Checks that a later write of `size` bytes at `a` will succeed, raising #PF if
    /// not. Read-modify-write instructions call this before reading, so a fault on the
    /// write leaves nothing half done.
    @inline(__always) func probeWrite(_ a: UInt32, _ size: Int) -> Bool {
        let need = pointee.writeNeed
        let last = a &+ UInt32(size - 1)
        if _fastPath(pointee.perm[Int(a &>> 12)] & need == need && a & 0xfff <= 0x1000 - UInt32(size)) { return true }
        return probeSlow(a, last, need, write: true)
    }

    // MARK: Slow paths

    /// The first byte of [a, a+size) whose page lacks `need`, if any.
    private func firstDenied(_ a: UInt32, _ size: Int, _ need: UInt8) -> UInt32? {
        if pointee.perm[Int(a &>> 12)] & need != need { return a }
        let last = a &+ UInt32(size - 1)
        if last &>> 12 != a &>> 12, pointee.perm[Int(last &>> 12)] & need != need {
            return last & ~0xfff
        }
        return nil
    }

    /// Raises #PF for an access to `a`; the error code says present, write and user
    /// as the hardware would (Intel SDM vol. 3, 4.7).
    private func pageFault(_ a: UInt32, write: Bool) {
        var err: UInt32 = 0
        if pointee.perm[Int(a &>> 12)] & PagePermission.read != 0 { err |= 1 }
        if write { err |= 2 }
        if pointee.cpl == 3 { err |= 4 }
        raise(Vector.pageFault, err, address: a)
    }

    private func probeSlow(_ a: UInt32, _ last: UInt32, _ need: UInt8, write: Bool) -> Bool {
        if let bad = firstDenied(a, Int(last &- a) + 1, need) {
            pageFault(bad, write: write)
            return false
        }
        return true
    }

    @inline(never)
    func readSlow(_ a: UInt32, _ size: Int) -> UInt32 {
        if let bad = firstDenied(a, size, pointee.readNeed) {
            pageFault(bad, write: false)
            return 0
        }
        var v: UInt32 = 0
        for i in 0..<size {
            let b = pointee.mem.load(fromByteOffset: Int(a &+ UInt32(i)), as: UInt8.self)
            v |= UInt32(b) << (8 * i)
        }
        return v
    }

    @inline(never)
    func writeSlow(_ a: UInt32, _ size: Int, _ v: UInt32) {
        if let bad = firstDenied(a, size, pointee.writeNeed) {
            pageFault(bad, write: true)
            return
        }
        let last = a &+ UInt32(size - 1)
        if (pointee.perm[Int(a &>> 12)] | pointee.perm[Int(last &>> 12)]) & PagePermission.code != 0 {
            // Self-modifying code: drop the decoded blocks and leave the current one.
            pointee.memoryRef.takeUnretainedValue().noteWrite(a, length: UInt32(size))
            pointee.codeWritten = true
            needAttention()
        }
        for i in 0..<size {
            pointee.mem.storeBytes(of: UInt8(truncatingIfNeeded: v >> (8 * i)), toByteOffset: Int(a &+ UInt32(i)), as: UInt8.self)
        }
    }

    // MARK: Segmented addresses

    /// The descriptor cache of segment register `i`, in place: indexing the register
    /// tuple through `SegmentFile`'s subscript is a six-way switch on every access.
    @inline(__always) func segmentCache(_ i: Int) -> UnsafeMutablePointer<SegmentCache> {
        withUnsafeMutablePointer(to: &pointee.seg.regs) {
            UnsafeMutableRawPointer($0).assumingMemoryBound(to: SegmentCache.self) + i
        }
    }

    /// Translates segment:offset to a linear address, raising #GP (#SS for SS) when the
    /// access leaves the segment's limit, goes through a null selector, or writes to a
    /// code or read-only segment (Intel SDM vol. 3, 5.3 and 5.5).
    @inline(__always) func linear(_ seg: Int, _ ea: UInt32, _ size: Int, write: Bool = false) -> UInt32 {
        let s = segmentCache(seg)
        // Writable flat data segments (type 0b0x1x) need no checks: Linux's DS, ES, SS.
        if _slowPath(s.pointee.limit != 0xffff_ffff || (write && s.pointee.type & 0xa != 0x2)) {
            if !s.pointee.allows(ea, size) || (write && s.pointee.type & 0xa != 0x2) {
                raise(seg == SegReg.ss.rawValue ? Vector.stackFault : Vector.generalProtection, 0)
            }
        }
        return s.pointee.base &+ ea
    }

    /// Reads through a segment. A flat segment (4 GiB limit) cannot fault on the limit,
    /// so only the page is checked; the others take `linear`'s full checks.
    @inline(__always) func read(_ seg: Int, _ ea: UInt32, _ size: Int) -> UInt32 {
        let s = segmentCache(seg)
        if _fastPath(s.pointee.fast & SegmentCache.fastRead != 0) { return readL(s.pointee.base &+ ea, size) }
        return readSegmented(seg, ea, size)
    }

    /// Writes through a segment; flat and writable is the fast case. Nothing is written
    /// once the instruction has faulted, so a fault never leaves half an instruction done.
    @inline(__always) func write(_ seg: Int, _ ea: UInt32, _ size: Int, _ v: UInt32) {
        let s = segmentCache(seg)
        if _fastPath(s.pointee.fast & SegmentCache.fastWrite != 0 && !faulted) {
            writeL(s.pointee.base &+ ea, size, v)
            return
        }
        writeSegmented(seg, ea, size, v)
    }

    @inline(never)
    func readSegmented(_ seg: Int, _ ea: UInt32, _ size: Int) -> UInt32 {
        let a = linear(seg, ea, size)
        if _slowPath(faulted) { return 0 }
        return readL(a, size)
    }

    @inline(never)
    func writeSegmented(_ seg: Int, _ ea: UInt32, _ size: Int, _ v: UInt32) {
        let a = linear(seg, ea, size, write: true)
        if _slowPath(faulted) { return }
        writeL(a, size, v)
    }
}
