import IA32Dispatch

/// The processor state as handlers see it.
typealias State = UnsafeMutablePointer<CPUState>
/// What a handler body returns: the next instruction to run, or nil to return to the
/// run loop (see ThreadedDispatch.h).
typealias Next = UnsafeRawPointer?

extension UnsafePointer where Pointee == Instruction {
    /// The instruction after this one in the block (or the block's tail).
    @inline(__always) var successor: Next { UnsafeRawPointer(self + 1) }
}

extension UnsafeMutablePointer where Pointee == CPUState {
    /// Goes on to the next instruction unless this one raised an exception, asked to
    /// stop, wrote to decoded code or set TF: then the run loop takes over.
    @inline(__always) func proceed(_ i: Ins) -> Next {
        pointee.attention ? nil : i.successor
    }

    /// Runs the chain of handlers from `i` until one returns to the run loop; the
    /// instruction (or tail) it left at.
    @inline(__always) func runChain(_ i: UnsafeRawPointer) -> UnsafeRawPointer {
        gate_run(UnsafeMutableRawPointer(self), i)!
    }
}

/// Every operation's handler, the C shim around its Swift body (Dispatch/*Handlers.swift),
/// as the address the decoder stores in each instruction.
enum HandlerTable {
    typealias Shim = @convention(c) (UnsafeMutableRawPointer?, UnsafeRawPointer?) -> UnsafeRawPointer?

    /// Indexed by `Op.rawValue`.
    static let table: UnsafeMutablePointer<UnsafeRawPointer> = {
        let t = UnsafeMutablePointer<UnsafeRawPointer>.allocate(capacity: Op.allCases.count)
        for op in Op.allCases {
            guard let h = shim(op) else { fatalError("no handler for \(op)") }
            t[Int(op.rawValue)] = unsafeBitCast(h, to: UnsafeRawPointer.self)
        }
        return t
    }()

    /// The flat forms (Dispatch/FlatHandlers.swift), by `Op.rawValue`; nil where an
    /// operation has none.
    static let flatTable: UnsafeMutablePointer<UnsafeRawPointer?> = {
        let t = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: Op.allCases.count)
        for op in Op.allCases { t[Int(op.rawValue)] = flatShim(op).map { unsafeBitCast($0, to: UnsafeRawPointer.self) } }
        return t
    }()

    /// The handler for `i`: its operation's flat form when the decoder marked the operand
    /// flat (`Instruction.flatOperand`) and there is one.
    @inline(__always) static func handler(for i: Instruction) -> UnsafeRawPointer {
        handler(for: i, table: table, flatTable: flatTable)
    }

    /// The same, from tables the caller already holds: each read of a lazy static
    /// goes through `swift_once`, which the decoder would otherwise pay per instruction.
    @inline(__always) static func handler(for i: Instruction, table: UnsafeMutablePointer<UnsafeRawPointer>,
                                          flatTable: UnsafeMutablePointer<UnsafeRawPointer?>) -> UnsafeRawPointer {
        if i.bits & Instruction.flatOperand != 0, let h = flatTable[Int(i.op.rawValue)] { return h }
        return table[Int(i.op.rawValue)]
    }

    static let blockTail = handler(.blockTail)
    static let invalidBlock = handler(.invalidBlock)

    @inline(__always) static func handler(_ op: Op) -> UnsafeRawPointer { table[Int(op.rawValue)] }

    /// Each family's file names its own shims (see `aluShim`); every `Op` must be in one,
    /// which `ThreadedDispatchTests` checks.
    /// Direct calls, not a loop over an array of the functions: each call through the
    /// array's closures retained and released it, 120,000 host instructions at every
    /// start for the table's 400 operations.
    static func shim(_ op: Op) -> Shim? {
        if let h = aluShim(op) { return h }
        if let h = arithmeticShim(op) { return h }
        if let h = dataMoveShim(op) { return h }
        if let h = stackShim(op) { return h }
        if let h = controlShim(op) { return h }
        if let h = systemShim(op) { return h }
        if let h = flaglessShim(op) { return h }
        if let h = fusedBranchShim(op) { return h }
        if let h = baseAddressedShim(op) { return h }
        if let h = loadAdvanceShim(op) { return h }
        if let h = hashStepShim(op) { return h }
        if let h = stackRunShim(op) { return h }
        if let h = floatingPointShim(op) { return h }
        return blockEndShim(op)
    }
}
