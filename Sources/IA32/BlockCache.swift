import IA32Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decoded basic blocks, keyed by EIP and CPL. Instructions live in one flat pool of
/// fixed-size structs, each block followed by its tail (Dispatch/BlockTail.swift), which
/// links it to the blocks that ran after it; a direct-mapped table finds a block in one
/// probe. When the pool fills, everything is dropped and decoding starts over (QEMU's
/// tb_flush). Pages that hold decoded code carry `PagePermission.code`, so writes to
/// them find their way here.
public final class BlockCache: CodeWriteObserver {
    /// One decoded block: `count` instructions from `start` in the pool, then its tail.
    struct Block {
        var eip: UInt32
        /// The privilege level it was decoded for and only ever runs at: links between
        /// blocks then never need to check it (BlockTail.swift).
        var cpl: UInt8
        var valid: Bool
        var count: Int32
        var start: UnsafeMutablePointer<Instruction>
        /// First and last guest page the block's bytes occupy (the same page, or the
        /// next one when the last instruction straddles the boundary).
        var page: UInt32
        var lastPage: UInt32
        /// The next block (index + 1; 0 ends the list) on `page`'s list and on
        /// `lastPage`'s (`pageHeads`).
        var nextOnPage: Int32
        var nextOnLastPage: Int32
    }

    static let poolCapacity = 1 << 18
    static let blockCapacity = 1 << 16
    static let tableSize = 1 << 16
    /// A block ends after this many instructions even without a branch.
    static let maxBlockLength = 64

    let pool: UnsafeMutablePointer<Instruction>
    let blocks: UnsafeMutablePointer<Block>
    let table: UnsafeMutablePointer<Int32>
    var poolUsed = 0
    var blockCount = 0
    /// Counts flushes: a tail kept from before one points into reused pool memory.
    private(set) var generation = 0
    /// The CPU's count of flushes, which handlers can read (`CPUState.flushes`).
    private let flushes: UnsafeMutablePointer<Int>
    /// Per guest page, the head of the list of blocks with bytes on it (index + 1; 0
    /// for none), threaded through `Block.nextOnPage` and `nextOnLastPage`. An array
    /// over the whole address space, zero-filled by the host and touched only where
    /// code lives: a hashed table here cost a runtime generic instantiation and a
    /// conformance scan at start-up, and a hash and an array append per block.
    let pageHeads: UnsafeMutablePointer<Int32>
    /// The guest memory's permission bytes (the CPU that owns this cache keeps the
    /// memory alive). Held as the pointer rather than through an unowned reference to
    /// the memory, each use of which is a reference-count check and release: marking a
    /// decoded block's page cost a hundred host instructions that way.
    let perm: UnsafeMutablePointer<UInt8>
    /// The memory's page-memo epoch (Dispatch/PageMemo.swift), held the same way.
    let memoEpoch: UnsafeMutablePointer<UInt64>

    /// Statistics: blocks decoded and pages invalidated.
    public private(set) var decodedBlocks = 0
    public private(set) var invalidations = 0

    init(memory: GuestMemory, flushes: UnsafeMutablePointer<Int>) {
        perm = memory.perm
        memoEpoch = memory.memoEpoch
        self.flushes = flushes
        precondition(MemoryLayout<Instruction>.stride == Int(GATE_INSTRUCTION_SIZE)
                     && MemoryLayout<BlockTail>.stride == MemoryLayout<Instruction>.stride
                     && MemoryLayout<BlockTail>.offset(of: \.op) == MemoryLayout<Instruction>.offset(of: \.op)
                     && MemoryLayout<BlockTail>.offset(of: \.handler) == 0
                     && MemoryLayout<Instruction>.offset(of: \.handler) == 0
                     && MemoryLayout<Instruction>.offset(of: \.imm) == Instruction.pageMemoOffset
                     && MemoryLayout<Instruction>.offset(of: \.imm2) == Instruction.pageMemoOffset + 4,
                     "a block tail must fit an instruction's slot, and the page memo its immediates")
        pool = .allocate(capacity: BlockCache.poolCapacity)
        blocks = .allocate(capacity: BlockCache.blockCapacity)
        // Zero means an empty slot (entries are block index + 1), so the table can come
        // zero-filled from the host and cost nothing until used.
        // Every program decodes a few thousand instructions at start-up: have the host
        // provide the first pages of the pool and the block array in one call rather
        // than a page fault each.
        GuestMemory.populate(UnsafeMutableRawBufferPointer(start: pool, count: 256 << 10))
        GuestMemory.populate(UnsafeMutableRawBufferPointer(start: blocks, count: 128 << 10))
        let tableMemory = calloc(BlockCache.tableSize, MemoryLayout<Int32>.stride)!
        // The slots are spread by hash over all 64 pages: without this each of them
        // faults twice (a read maps the zero page, the first store copies it).
        GuestMemory.populate(UnsafeMutableRawBufferPointer(start: tableMemory,
                                                           count: BlockCache.tableSize * MemoryLayout<Int32>.stride))
        table = tableMemory.bindMemory(to: Int32.self, capacity: BlockCache.tableSize)
        pageHeads = calloc(GuestMemory.pageCount, MemoryLayout<Int32>.stride)!
            .bindMemory(to: Int32.self, capacity: GuestMemory.pageCount)
    }

    deinit {
        pool.deallocate()
        blocks.deallocate()
        free(table)
        free(pageHeads)
    }

    @inline(__always) static func slot(_ eip: UInt32) -> Int {
        Int((eip ^ (eip >> 13)) & UInt32(tableSize - 1))
    }

    /// The cached block for `eip` at `cpl`, if any.
    @inline(__always) func lookup(_ eip: UInt32, cpl: UInt8) -> Int32 {
        let b = table[BlockCache.slot(eip)] &- 1
        if b >= 0 && blocks[Int(b)].eip == eip && blocks[Int(b)].cpl == cpl && blocks[Int(b)].valid { return b }
        return -1
    }

    /// Drops every decoded block.
    public func flush() {
        func forget(_ page: UInt32) {
            guard page < UInt32(GuestMemory.pageCount) else { return }
            perm[Int(page)] &= ~PagePermission.code
            pageHeads[Int(page)] = 0
        }
        for b in 0..<blockCount {
            forget(blocks[b].page)
            forget(blocks[b].lastPage)
        }
        table.update(repeating: 0, count: BlockCache.tableSize)
        poolUsed = 0
        blockCount = 0
        generation += 1
        flushes.pointee += 1
    }

    /// Decodes the block at `eip` (linear address `linear`) for the current CPL and
    /// caches it.
    func decode(_ s: UnsafeMutablePointer<CPUState>, eip: UInt32, linear: UInt32) -> Int32 {
        if poolUsed + BlockCache.maxBlockLength + 1 > BlockCache.poolCapacity || blockCount == BlockCache.blockCapacity {
            flush()
        }
        var decoder = Decoder(memory: s.pointee.mem, permissions: s.pointee.perm, need: s.pointee.readNeed,
                              flatData: s.pointee.flatData)
        let first = poolUsed
        var e = eip
        var l = linear
        let firstPage = linear >> 12
        var lastPage = firstPage
        var n = 0
        while n < BlockCache.maxBlockLength {
            var ins = decoder.decode(eip: e, linear: l)
            // An instruction that cannot be fetched starts its own block, so the fault
            // is raised only if execution really reaches it.
            if ins.op == .fetchFault && n > 0 { break }
            ins.pos = UInt8(n)
            pool[first + n] = ins
            n += 1
            let end = l &+ UInt32(ins.length) &- 1
            lastPage = max(lastPage, end >> 12)
            if ins.bits & Instruction.endsBlock != 0 { break }
            e &+= UInt32(ins.length)
            l &+= UInt32(ins.length)
            if l >> 12 != firstPage { break }
        }
        FlagLiveness.prune(pool + first, count: n)
        BranchFusion.fuse(pool + first, count: n)
        Superinstructions.fuse(pool + first, count: n)
        UnsafeMutableRawPointer(pool + first + n).bindMemory(to: BlockTail.self, capacity: 1)
            .initialize(to: BlockTail(after: pool[first + n - 1], count: n))
        poolUsed += n + 1
        let index = Int32(blockCount)
        var block = Block(eip: eip, cpl: s.pointee.cpl, valid: true, count: Int32(n), start: pool + first,
                          page: firstPage, lastPage: lastPage, nextOnPage: 0, nextOnLastPage: 0)
        if firstPage < UInt32(GuestMemory.pageCount) {
            block.nextOnPage = pageHeads[Int(firstPage)]
            pageHeads[Int(firstPage)] = index + 1
            markCode(firstPage)
        }
        if lastPage != firstPage && lastPage < UInt32(GuestMemory.pageCount) {
            block.nextOnLastPage = pageHeads[Int(lastPage)]
            pageHeads[Int(lastPage)] = index + 1
            markCode(lastPage)
        }
        blocks[blockCount] = block
        blockCount += 1
        decodedBlocks += 1
        table[BlockCache.slot(eip)] = index + 1
        return index
    }

    private func markCode(_ page: UInt32) {
        let p = perm[Int(page)]
        if p & PagePermission.read != 0 {
            perm[Int(page)] = p | PagePermission.code
            // Writes to the page must now go where they can drop its blocks: a store's
            // page memo may not vouch for it any more.
            if p & (PagePermission.write | PagePermission.code) == PagePermission.write {
                GuestMemory.forgetPageMemos(memoEpoch)
            }
        }
    }

    /// A write reached a page holding decoded code: forget that page's blocks.
    public func codeWritten(page: UInt32) {
        invalidations += 1
        guard page < UInt32(GuestMemory.pageCount) else { return }
        var next = pageHeads[Int(page)]
        pageHeads[Int(page)] = 0
        while next != 0 {
            let b = Int(next - 1)
            // A block on two pages stays on the other page's list; that list still
            // runs through it, by the link for that page.
            next = blocks[b].page == page ? blocks[b].nextOnPage : blocks[b].nextOnLastPage
            guard blocks[b].valid else { continue }
            blocks[b].valid = false
            // Other blocks' tails may still link here: the first instruction now sends
            // control back to the run loop (its other fields still give its EIP).
            let head = blocks[b].start
            head.pointee.handler = HandlerTable.invalidBlock
            head.pointee.op = .invalidBlock
        }
    }
}
