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
    /// Instructions retired since creation.
    public var instructionCount: UInt64 { state.pointee.retired }

    public init(memory: GuestMemory, model: CPUModel = .default) {
        self.memory = memory
        self.model = model
        state = .allocate(capacity: 1)
        state.initialize(to: CPUState(memory: memory))
        blocks = BlockCache(memory: memory)
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
    public func setSegment(_ s: SegReg, _ c: SegmentCache) { state.pointee.seg[s.rawValue] = c }

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
    public func run(budget: Int = Int.max) -> StopReason {
        let s = state
        var remaining = budget
        let cache = blocks
        outer: while remaining > 0 {
            // TF is noticed here: setting it raises `attention`, which leaves the block loop.
            if _slowPath(s.pointee.eflagsRaw & EFLAGS.tf != 0) {
                let r = step()
                remaining -= 1
                if r != .budgetExhausted { return r }
                continue
            }
            var b = nextBlock(after: -1)
            var block = cache.blocks + Int(b)
            while true {
                let first = block.pointee.start
                var ip = first
                let end = block.pointee.end
                // Only a block's last instruction reads EIP (branches, calls, int,
                // sysenter); the others cannot, so EIP is set once per block. A fault
                // in the middle finds its own address from the instruction.
                s.pointee.eip = block.pointee.endEIP
                // An instruction that needs attention sets `runLimit` to 0, so this one
                // comparison ends the block early as well as at its end.
                s.pointee.runLimit = UInt(bitPattern: end)
                repeat {
                    execute(s, UnsafePointer(ip))
                    ip += 1
                } while UInt(bitPattern: ip) < s.pointee.runLimit
                if _slowPath(s.pointee.attention) {
                    let raised = ip - 1
                    let executed = ip - first
                    let start = raised.pointee.next &- UInt32(raised.pointee.length)
                    // Unless a string instruction rewound itself to restart, carry on
                    // after this instruction.
                    if !(s.pointee.codeWritten && s.pointee.eip == start) && ip != end {
                        s.pointee.eip = raised.pointee.next
                    }
                    if let stop = finishSlow(start: start, executed: executed) { return stop }
                    // Self-modifying code or TF: start over from a fresh lookup.
                    s.pointee.codeWritten = false
                    remaining &-= executed
                    continue outer
                }
                let executed = Int(block.pointee.count)
                remaining &-= executed
                s.pointee.retired &+= UInt64(executed)
                if _slowPath(remaining <= 0) { break outer }
                // Block chaining: the successor this block jumped to last time.
                let c = block.pointee.chain, c2 = block.pointee.chain2
                let eip = s.pointee.eip, cpl = s.pointee.cpl
                if c >= 0 && block.pointee.chainEIP == eip && block.pointee.chainCPL == cpl
                    && cache.blocks[Int(c)].valid {
                    b = c
                } else if c2 >= 0 && block.pointee.chain2EIP == eip && block.pointee.chain2CPL == cpl
                    && cache.blocks[Int(c2)].valid {
                    b = c2
                } else {
                    b = nextBlock(after: b)
                }
                block = cache.blocks + Int(b)
            }
        }
        return .budgetExhausted
    }

    /// Looks up (or decodes) the block at EIP and links `previous` to it, so the next
    /// time the block loop follows the chain without the hash lookup and permission check.
    @inline(never)
    private func nextBlock(after previous: Int32) -> Int32 {
        let s = state
        let cache = blocks
        let eip = s.pointee.eip
        let cpl = s.pointee.cpl
        var b = cache.lookup(eip)
        if b >= 0 {
            // The page may have lost its permission since the block was decoded.
            let page = cache.blocks[Int(b)].page
            let need = s.pointee.readNeed
            if _slowPath(s.pointee.perm[Int(page)] & need != need) { b = -1 }
        }
        if b < 0 { b = cache.decode(s, eip: eip, linear: s.pointee.seg.regs.1.base &+ eip) }
        if previous >= 0 && cache.blocks[Int(previous)].valid {
            let p = cache.blocks + Int(previous)
            p.pointee.chain2 = p.pointee.chain
            p.pointee.chain2EIP = p.pointee.chainEIP
            p.pointee.chain2CPL = p.pointee.chainCPL
            p.pointee.chain = b
            p.pointee.chainEIP = eip
            p.pointee.chainCPL = cpl
        }
        return b
    }

    /// After an instruction that faulted, stopped or modified code; nil means carry on
    /// (self-modifying code: continue in a freshly decoded block).
    private func finishSlow(start: UInt32, executed: Int) -> StopReason? {
        let s = state
        var n = executed
        s.pointee.attention = false
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

    private func account(_ n: Int) {
        state.pointee.retired &+= UInt64(n)
    }

    /// Decodes and executes exactly one instruction, bypassing the block cache.
    /// With EFLAGS.TF set at its start, a #DB trap follows it, as on the hardware.
    public func step() -> StopReason {
        let s = state
        let tf = s.pointee.eflagsRaw & EFLAGS.tf != 0
        var i = decodeOne(at: s.pointee.eip)
        let start = s.pointee.eip
        s.pointee.eip = i.next
        withUnsafePointer(to: &i) { execute(s, $0) }
        if s.pointee.attention {
            s.pointee.codeWritten = false
            if let r = finishSlow(start: start, executed: 1) { return r }
        } else {
            account(1)
        }
        if tf {
            return .exception(PendingFault(vector: Vector.debug, errorCode: 0, isTrap: true, address: 0))
        }
        return .budgetExhausted
    }

    /// Decodes the instruction at `eip` without executing or caching it.
    public func decodeOne(at eip: UInt32) -> Instruction {
        var d = Decoder(memory: state.pointee.mem, permissions: state.pointee.perm, need: state.pointee.readNeed)
        return d.decode(eip: eip, linear: state.pointee.seg.regs.1.base &+ eip)
    }
}
