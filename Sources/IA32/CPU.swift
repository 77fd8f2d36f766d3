/// Why `CPU.run` returned.
public enum StopReason: Equatable, Sendable {
    /// The instruction budget ran out; call `run` again to continue.
    case budgetExhausted
    /// An exception the processor would deliver; for faults EIP is at the instruction.
    case exception(PendingFault)
    /// `int n` in user-mode emulation (`interruptsToHost`); EIP is after the instruction.
    case softwareInterrupt(UInt8)
    /// `hlt` at CPL 0.
    case halted
    /// The halt service (`CPU.serviceHalts`) handled a `hlt` and asked for the caller:
    /// EIP and the rest of the state are as it left them; call `run` again to continue.
    case serviced
    /// A privileged instruction Gate does not model, executed at CPL 0.
    case unsupported(UInt32)
}

/// One IA-32 processor attached to an address space: the state, the decoded-block
/// cache and the run loop.
public final class CPU {
    public let memory: GuestMemory
    /// The architectural state, reached by pointer from the interpreter.
    public let state: UnsafeMutablePointer<CPUState>
    public let blocks: BlockCache
    public private(set) var model: CPUModel
    /// One instruction and its tail, for `step`.
    private let scratch: UnsafeMutablePointer<Instruction>
    /// Instructions retired since creation.
    public var instructionCount: UInt64 { state.pointee.retired }

    public init(memory: GuestMemory, model: CPUModel = .default) {
        self.memory = memory
        self.model = model
        state = .allocate(capacity: 1)
        state.initialize(to: CPUState(memory: memory))
        blocks = BlockCache(memory: memory, flushes: &state.pointee.flushes)
        scratch = .allocate(capacity: 2)
        scratch.initialize(repeating: Instruction(), count: 2)
        memory.codeObserver = blocks
        setModel(model)
        // A flat user-mode process, as Linux starts one.
        state.pointee.seg.regs.0 = .flat(selector: 0x7b, code: false)
        state.pointee.seg.regs.1 = .flat(selector: 0x73, code: true)
        state.pointee.seg.regs.2 = .flat(selector: 0x7b, code: false)
        state.pointee.seg.regs.3 = .flat(selector: 0x7b, code: false)
        var null = SegmentCache()
        null.usable = false
        null.limit = 0
        state.pointee.seg.regs.4 = null
        state.pointee.seg.regs.5 = null
        state.setCPL(3)
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
        scratch.deallocate()
    }

    /// A function that services `hlt` at CPL 0 in place, without `run` returning: it
    /// gets `context` and the address of the `hlt`, finds EIP just past it, and returns
    /// true when the CPU may go straight on (same task, nothing changed but registers
    /// and memory). Otherwise `run` returns `.serviced`. Gate's kernel runs its
    /// system-call bodies this way; nil makes every `hlt` stop `run` with `.halted`.
    public typealias HaltService = @convention(c) (UnsafeMutableRawPointer?, UInt32) -> Bool

    public func serviceHalts(_ service: HaltService?, context: UnsafeMutableRawPointer?) {
        state.pointee.haltService = service
        state.pointee.haltContext = context
    }

    /// User-mode emulation: `int n` through a DPL-3 gate stops `run` with
    /// `.softwareInterrupt(n)`; other vectors raise #GP as a DPL-0 gate would.
    public func handInterruptsToHost(userGates: [UInt8]) {
        state.pointee.interruptsToHost = true
        var g: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        for v in userGates {
            let bit = UInt64(1) << UInt64(v & 63)
            switch v >> 6 {
            case 0: g.0 |= bit
            case 1: g.1 |= bit
            case 2: g.2 |= bit
            default: g.3 |= bit
            }
        }
        state.pointee.userGates = g
    }

    public func setModel(_ m: CPUModel) {
        model = m
        state.pointee.cpuidSignature = m.signature
        state.pointee.cpuidFeatures = m.features
        state.pointee.sysenterWorks = m.sysenterWorks
    }

    // MARK: Registers

    public func register(_ r: Reg) -> UInt32 { state.r32(r.rawValue) }
    public func setRegister(_ r: Reg, _ v: UInt32) { state.setR32(r.rawValue, v) }
    public var eip: UInt32 {
        get { state.pointee.eip }
        set { state.pointee.eip = newValue }
    }
    public var eflags: UInt32 {
        get { state.eflags }
        set { state.setEFLAGS(newValue) }
    }
    public var cpl: UInt8 {
        get { state.pointee.cpl }
        set { state.setCPL(newValue) }
    }
    public func segment(_ s: SegReg) -> SegmentCache { state.pointee.seg[s.rawValue] }
    public func setSegment(_ s: SegReg, _ c: SegmentCache) {
        state.pointee.seg[s.rawValue] = c
        state.segmentsChanged(inInstruction: false)
    }

    /// Loads a segment register through the GDT/LDT with the processor's checks.
    public func loadSegment(_ s: SegReg, selector: UInt16) -> PendingFault? {
        state.pointee.fault = PendingFault()
        state.loadSegment(s.rawValue, selector)
        let f = state.pointee.fault
        state.pointee.fault = PendingFault()
        return f.isPending ? f : nil
    }

    // MARK: Running

    /// Runs until something needs the caller, or about `budget` instructions retire.
    ///
    /// Blocks run as chains of handlers that tail-call each other and follow the links
    /// in block tails from one block to the next (Dispatch/). The chain returns here
    /// only for an instruction that needs attention (an exception, a stop, a write to
    /// decoded code, TF), when the budget runs out, or when a block is left for an EIP
    /// its tail has no link for: then the next block is looked up (or decoded) and the
    /// tail linked to it, so the next time control goes straight there.
    public func run(budget: Int = Int.max) -> StopReason {
        let s = state
        let cache = blocks
        s.pointee.budget = Int64(max(budget, 0))
        s.pointee.chainBudget = s.pointee.budget
        if _slowPath(s.pointee.flushBlocks) { dropFlatBlocks() }
        // The tail the last chain left by, to link to the block that comes next.
        var from: UnsafeMutablePointer<BlockTail>? = nil
        var generation = cache.generation
        while s.pointee.budget > 0 {
            // TF is noticed here: setting it raises `attention`, which leaves the chain.
            if _slowPath(s.pointee.eflagsRaw & EFLAGS.tf != 0) {
                from = nil
                let r = step()
                if r != .budgetExhausted { return r }
                continue
            }
            let block = cache.blocks + Int(enterBlock())
            if let tail = from, cache.generation == generation {
                tail.pointee.link(eip: s.pointee.eip, cpl: s.pointee.cpl, to: UnsafeRawPointer(block.pointee.start))
            }
            generation = cache.generation
            let left = s.runChain(UnsafeRawPointer(block.pointee.start))
            s.settleRetired()
            if _slowPath(s.pointee.serviced) {
                s.pointee.serviced = false
                return .serviced
            }
            if _slowPath(s.pointee.attention) {
                from = nil
                if let stop = finishSlow(left.assumingMemoryBound(to: Instruction.self)) { return stop }
                continue
            }
            // Left through a tail, which gets linked to where control went; or at a
            // block invalidated under a link, which leaves nothing to link.
            from = s.pointee.exitTail?.assumingMemoryBound(to: BlockTail.self)
        }
        return .budgetExhausted
    }

    /// The block at EIP for the current CPL: looked up, or decoded.
    @inline(never)
    private func enterBlock() -> Int32 {
        let s = state
        let cache = blocks
        let eip = s.pointee.eip
        var b = cache.lookup(eip, cpl: s.pointee.cpl)
        if b >= 0 {
            // The page may have lost its permission since the block was decoded.
            let page = cache.blocks[Int(b)].page
            let need = s.pointee.readNeed
            if _slowPath(s.pointee.perm[Int(page)] & need != need) { b = -1 }
        }
        if b < 0 { b = cache.decode(s, eip: eip, linear: s.pointee.seg.regs.1.base &+ eip) }
        return b
    }

    /// After instruction `x` asked for attention: sets EIP as the instruction leaves it
    /// and retires what ran; nil means carry on (self-modifying code: continue in a
    /// freshly decoded block).
    private func finishSlow(_ x: UnsafePointer<Instruction>) -> StopReason? {
        let s = state
        s.pointee.attention = false
        if s.pointee.flushBlocks { dropFlatBlocks() }
        let start = x.pointee.next &- UInt32(x.pointee.length)
        // The instructions before it in its block, and itself unless it faulted.
        var n = Int(x.pointee.pos) + 1
        // A terminator set EIP itself; a string instruction that overwrote its own code
        // put it back on itself; any other instruction is followed by the next one.
        if !x.pointee.op.isTerminator && !s.pointee.restartInstruction { s.pointee.eip = x.pointee.next }
        s.pointee.restartInstruction = false
        s.pointee.codeWritten = false
        if s.pointee.fault.vector >= 0 {
            let f = s.pointee.fault
            s.pointee.fault = PendingFault()
            if !f.isTrap { s.pointee.eip = start; n -= 1 }
            account(n)
            return .exception(f)
        }
        account(n)
        let code = s.pointee.stop
        s.pointee.stop = .none
        switch code {
        case .softwareInterrupt: return .softwareInterrupt(UInt8(s.pointee.stopValue))
        case .halt: return .halted
        case .unsupported:
            s.pointee.eip = start
            return .unsupported(s.pointee.stopValue)
        case .none:
            return nil
        }
    }

    /// DS, ES or SS stopped being flat: no block decoded in the flat forms may run.
    private func dropFlatBlocks() {
        state.pointee.flushBlocks = false
        blocks.flush()
    }

    private func account(_ n: Int) {
        state.retireNow(Int64(n))
    }

    /// Decodes and executes exactly one instruction, bypassing the block cache: it runs
    /// as a block of its own whose tail links nowhere. With EFLAGS.TF set at its start,
    /// a #DB trap follows it, as on the hardware.
    public func step() -> StopReason {
        let s = state
        let tf = s.pointee.eflagsRaw & EFLAGS.tf != 0
        var i = decodeOne(at: s.pointee.eip)
        i.pos = 0
        scratch.pointee = i
        UnsafeMutableRawPointer(scratch + 1).assumingMemoryBound(to: BlockTail.self).pointee = BlockTail(after: i, count: 1)
        // A chain of its own, which its tail always ends; what it retires is spent from
        // the budget of the `run` it may be part of, as a block's would be.
        s.pointee.chainBudget = s.pointee.budget
        let left = s.runChain(UnsafeRawPointer(scratch))
        s.settleRetired()
        if s.pointee.serviced {
            s.pointee.serviced = false
            return .serviced
        }
        if s.pointee.attention {
            if let r = finishSlow(left.assumingMemoryBound(to: Instruction.self)) { return r }
        }
        if tf {
            return .exception(PendingFault(vector: Vector.debug, errorCode: 0, isTrap: true, address: 0))
        }
        return .budgetExhausted
    }

    /// Decodes the instruction at `eip` without executing or caching it.
    public func decodeOne(at eip: UInt32) -> Instruction {
        var d = Decoder(memory: state.pointee.mem, permissions: state.pointee.perm, need: state.pointee.readNeed,
                        flatData: state.pointee.flatData)
        return d.decode(eip: eip, linear: state.pointee.seg.regs.1.base &+ eip)
    }
}
