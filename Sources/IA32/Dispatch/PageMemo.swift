/// Page memos: a flat load or store that reaches the same page as last time needs one
/// compare instead of its permission check.
///
/// Every flat memory access checks its page's permission byte and, unless it is a byte,
/// that it does not run past the end of the page (FastAccess.swift): half of a word
/// load's two dozen host instructions. Most instructions reach the same page time after
/// time (a stack slot, a buffer walked a word at a time), so a flat word or halfword
/// form with no immediate keeps, in its `imm` and `imm2` as one word, the page it last
/// passed the full check on, tagged with the address space's epoch:
/// `epoch << 32 | page`. An access is on that page, whole, in the same epoch exactly
/// when `(epoch << 32 | address) - memo` is at most `0x1000 - size`; any other page, or
/// another epoch, leaves a difference of at least a page or one that wraps past zero.
/// (A byte form gains nothing: its check is no dearer than the memo's.)
///
/// A memo vouches for what the full check found at the privilege level the
/// instruction's block was decoded for, the only one it runs at (`BlockCache` looks
/// blocks up by CPL): the page readable, or for a store writable with no decoded code on
/// it. Anything that can take such a right away starts a new epoch
/// (`GuestMemory.forgetPageMemos`): mapping over pages, unmapping and protecting them,
/// and decoding code from a writable page. An instruction's memo starts as 0, which no
/// epoch matches.
extension Instruction {
    /// Where the memo lives: `imm`, with `imm2` after it (BlockCache checks the layout).
    static let pageMemoOffset = 32
}

extension UnsafeMutablePointer where Pointee == CPUState {
    /// Whether `size` bytes at linear address `a` lie on the page `i` last vouched for,
    /// in this epoch. `key` is the epoch with `a` in its low word.
    @inline(__always) func pageMemoHit(_ i: Ins, _ key: UInt64, _ size: UInt32) -> Bool {
        let memo = UnsafeRawPointer(i).load(fromByteOffset: Instruction.pageMemoOffset, as: UInt64.self)
        return key &- memo <= UInt64(0x1000 &- size)
    }

    /// Records that `i` may reach the page of `key` unchecked while the epoch lasts.
    @inline(__always) func takePageMemo(_ i: Ins, _ key: UInt64) {
        guard key < GuestMemory.memoEpochsExhausted else { return }
        UnsafeMutableRawPointer(mutating: i).storeBytes(of: key & ~0xfff, toByteOffset: Instruction.pageMemoOffset,
                                                        as: UInt64.self)
    }

    /// `hostRead` for a flat operand of an instruction that keeps a page memo.
    @inline(__always) func memoRead(_ i: Ins, _ a: UInt32, _ size: UInt32) -> UnsafeMutableRawPointer? {
        let key = pointee.memoEpoch.pointee | UInt64(a)
        if pageMemoHit(i, key, size) { return pointee.mem + Int(a) }
        let p = pointee.perm[Int(a &>> 12)], need = pointee.readNeed
        guard p & need == need, a & 0xfff <= 0x1000 &- size else { return nil }
        takePageMemo(i, key)
        return pointee.mem + Int(a)
    }

    /// `hostWrite` for a flat operand of an instruction that keeps a page memo.
    @inline(__always) func memoWrite(_ i: Ins, _ a: UInt32, _ size: UInt32) -> UnsafeMutableRawPointer? {
        let key = pointee.memoEpoch.pointee | UInt64(a)
        if pageMemoHit(i, key, size) { return pointee.mem + Int(a) }
        let p = pointee.perm[Int(a &>> 12)]
        guard p & pointee.writeMask == pointee.writeNeed, a & 0xfff <= 0x1000 &- size else { return nil }
        takePageMemo(i, key)
        return pointee.mem + Int(a)
    }
}
