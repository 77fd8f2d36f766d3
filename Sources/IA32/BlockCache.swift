#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decoded basic blocks, keyed by EIP. Instructions live in one flat pool of
/// fixed-size structs; a direct-mapped table finds a block in one probe. When the pool
/// fills, everything is dropped and decoding starts over (QEMU's tb_flush). Pages that
/// hold decoded code carry `PagePermission.code`, so writes to them find their way here.
public final class BlockCache: CodeWriteObserver {
    /// One decoded block: `count` instructions from `start` in the pool.
    struct Block {
        var eip: UInt32
        var count: Int32
        /// The block's instructions in the pool, [start, end), and the EIP after its
        /// last one: what the run loop needs at every block, kept ready.
        var start: UnsafeMutablePointer<Instruction>
        var end: UnsafeMutablePointer<Instruction>
        var endEIP: UInt32
        /// First and last guest page the block's bytes occupy.
        var page: UInt32
        var lastPage: UInt32
        var valid: Bool
        /// The two blocks last run after this one, most recent first, for chaining
        /// (-1: none). Two, because a conditional branch has two successors and a
        /// function's `ret` often alternates between two callers.
        var chain: Int32 = -1
        var chainEIP: UInt32 = 0
        var chainCPL: UInt8 = 0
        var chain2: Int32 = -1
        var chain2EIP: UInt32 = 0
        var chain2CPL: UInt8 = 0
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
    /// Blocks registered per guest page, for invalidation.
    var blocksByPage: [UInt32: [Int32]] = [:]
    unowned let memory: GuestMemory

    /// Statistics: blocks decoded and pages invalidated.
    public private(set) var decodedBlocks = 0
    public private(set) var invalidations = 0

    init(memory: GuestMemory) {
        self.memory = memory
        pool = .allocate(capacity: BlockCache.poolCapacity)
        blocks = .allocate(capacity: BlockCache.blockCapacity)
        // Zero means an empty slot (entries are block index + 1), so the table can come
        // zero-filled from the host and cost nothing until used.
        // Every program decodes a few thousand instructions at start-up: have the host
        // provide the first pages of the pool and the block array in one call rather
        // than a page fault each.
        GuestMemory.populate(UnsafeMutableRawBufferPointer(start: pool, count: 256 << 10))
        GuestMemory.populate(UnsafeMutableRawBufferPointer(start: blocks, count: 128 << 10))
        table = calloc(BlockCache.tableSize, MemoryLayout<Int32>.stride)!
            .bindMemory(to: Int32.self, capacity: BlockCache.tableSize)
    }

    deinit {
        pool.deallocate()
        blocks.deallocate()
        free(table)
    }

    @inline(__always) static func slot(_ eip: UInt32) -> Int {
        Int((eip ^ (eip >> 13)) & UInt32(tableSize - 1))
    }

    /// The cached block for `eip`, if any.
    @inline(__always) func lookup(_ eip: UInt32) -> Int32 {
        let b = table[BlockCache.slot(eip)] &- 1
        if b >= 0 && blocks[Int(b)].eip == eip && blocks[Int(b)].valid { return b }
        return -1
    }

    /// Drops every decoded block.
    public func flush() {
        for (page, _) in blocksByPage {
            memory.perm[Int(page)] &= ~PagePermission.code
        }
        blocksByPage.removeAll(keepingCapacity: true)
        table.update(repeating: 0, count: BlockCache.tableSize)
        poolUsed = 0
        blockCount = 0
    }

    /// Decodes the block at `eip` (linear address `linear`) and caches it.
    func decode(_ s: UnsafeMutablePointer<CPUState>, eip: UInt32, linear: UInt32) -> Int32 {
        if poolUsed + BlockCache.maxBlockLength > BlockCache.poolCapacity || blockCount == BlockCache.blockCapacity {
            flush()
        }
        var decoder = Decoder(memory: s.pointee.mem, permissions: s.pointee.perm, need: s.pointee.readNeed)
        let first = poolUsed
        var e = eip
        var l = linear
        let firstPage = linear >> 12
        var lastPage = firstPage
        var n = 0
        while n < BlockCache.maxBlockLength {
            var ins = decoder.decode(eip: e, linear: l)
            // rdtsc adds the instructions before it in the block to the retired count,
            // which the run loop updates only when a block ends.
            if ins.op == .rdtsc { ins.imm = UInt32(n) }
            // An instruction that cannot be fetched starts its own block, so the fault
            // is raised only if execution really reaches it.
            if ins.op == .fetchFault && n > 0 { break }
            pool[first + n] = ins
            n += 1
            let end = l &+ UInt32(ins.length) &- 1
            lastPage = max(lastPage, end >> 12)
            if ins.bits & Instruction.endsBlock != 0 { break }
            e &+= UInt32(ins.length)
            l &+= UInt32(ins.length)
            if l >> 12 != firstPage { break }
        }
        poolUsed += n
        let index = Int32(blockCount)
        blocks[blockCount] = Block(eip: eip, count: Int32(n),
                                   start: pool + first, end: pool + first + n, endEIP: pool[first + n - 1].next,
                                   page: firstPage, lastPage: lastPage, valid: true)
        blockCount += 1
        decodedBlocks += 1
        table[BlockCache.slot(eip)] = index + 1
        for p in firstPage...lastPage where p < UInt32(GuestMemory.pageCount) {
            if memory.perm[Int(p)] & PagePermission.read != 0 {
                memory.perm[Int(p)] |= PagePermission.code
            }
            blocksByPage[p, default: []].append(index)
        }
        return index
    }

    /// A write reached a page holding decoded code: forget that page's blocks.
    public func codeWritten(page: UInt32) {
        invalidations += 1
        guard let list = blocksByPage.removeValue(forKey: page) else { return }
        for b in list { blocks[Int(b)].valid = false }
    }
}
