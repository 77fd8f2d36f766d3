/// Saving and restoring a processor's architectural state, for a kernel that runs
/// several tasks on one `CPU` (threads of a process) or starts a `CPU` on another
/// address space from a copy of this one's state (fork).
///
/// The state's memory fields (`mem`, `perm`, `memoEpoch`, the unretained `GuestMemory`)
/// always keep naming the CPU's own address space: a state taken from one CPU can be
/// loaded into another without the second one reaching into the first one's memory.
extension CPU {
    /// A copy of the whole architectural state (registers, flags, segments and their
    /// descriptor caches, CPL, MSRs, FPU, the retired-instruction count).
    public var savedState: CPUState { state.pointee }

    /// Loads `saved` (taken from this or another CPU) as this CPU's state.
    public func restore(_ saved: CPUState) {
        let mem = state.pointee.mem, perm = state.pointee.perm, ref = state.pointee.memoryRef
        let memoEpoch = state.pointee.memoEpoch
        let service = state.pointee.haltService, context = state.pointee.haltContext
        let flushes = state.pointee.flushes
        let budget = state.pointee.budget, chainBudget = state.pointee.chainBudget
        let flatData = state.pointee.flatData, flushBlocks = state.pointee.flushBlocks
        state.pointee = saved
        state.pointee.mem = mem
        state.pointee.perm = perm
        state.pointee.memoEpoch = memoEpoch
        state.pointee.memoryRef = ref
        // What belongs to this CPU rather than to the context it runs.
        state.pointee.haltService = service
        state.pointee.haltContext = context
        state.pointee.flushes = flushes
        state.pointee.budget = budget
        state.pointee.chainBudget = chainBudget
        // The decoded blocks belong to this CPU: whether they may stay is judged against
        // the flatness they were decoded under.
        state.pointee.flatData = flatData
        state.pointee.flushBlocks = flushBlocks
        state.segmentsChanged(inInstruction: false)
        state.pointee.serviced = false
        // Nothing from the other context's instruction may still be pending here.
        state.pointee.fault = PendingFault()
        state.pointee.stop = .none
        state.pointee.attention = false
        state.pointee.codeWritten = false
        state.pointee.restartInstruction = false
    }
}
