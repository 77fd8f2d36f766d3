/// Runs of register pushes and pops within a decoded block. Function prologues and
/// epilogues save and restore callee-saved registers in a row (`push %ebp; push %edi;
/// push %esi; push %ebx`), and so do the gate's paths: `__kernel_vsyscall` pushes three,
/// SAVE_ALL seven, SYSENTER_RETURN pops three. A run of two to eight becomes one handler
/// that checks the stack once for the whole run (`Op.push32RRun`, `Op.pop32RRun`). The
/// rest of the run keeps its slots: positions, counts and the block's tail are unchanged,
/// and when the run cannot take the fast path (a page boundary inside it, a page it may
/// not touch or that holds decoded code, a stack segment short of 4 GiB) its first
/// instruction runs alone and the others follow from their own slots, as single steps
/// would.
///
/// `%esp` is left out of runs: `push %esp` stores the pointer before its decrement, and
/// `pop %esp` loads the pointer.
enum StackRunFusion {
    /// The registers of a run are packed four bits each in `imm`, so eight at most.
    static let longest = 8

    /// Fuses the run of `push32R` or `pop32R` that starts at `k`; the slots the rule
    /// covered (Superinstructions.fuse).
    static func fuse(_ block: UnsafeMutablePointer<Instruction>, at k: Int, count n: Int) -> Int {
        let op = block[k].op
        let esp = UInt8(Reg.esp.rawValue)
        guard block[k].reg != esp else { return 1 }
        var length = 1
        var registers = UInt32(block[k].reg)
        while k + length < n, length < longest, block[k + length].op == op, block[k + length].reg != esp {
            registers |= UInt32(block[k + length].reg) << (4 * UInt32(length))
            length += 1
        }
        if length > 1 {
            block[k].op = op == .push32R ? .push32RRun : .pop32RRun
            block[k].sub = UInt8(length)
            block[k].imm = registers
            block[k].handler = HandlerTable.handler(for: block[k])
        }
        return length
    }
}
