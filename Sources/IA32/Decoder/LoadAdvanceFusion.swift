/// Byte-load and pointer-advance fusion within a decoded block. Loops over bytes —
/// checksums, hashes, string scans, parsers — step with `movzbl (%edx),%edi; add
/// $1,%edx`, and the add's flags are nearly always overwritten unread. When FlagLiveness
/// has given such an add its flagless form, the load becomes one handler that also
/// advances (`Op.movzx8M32BAdvance`), saving a dispatch and a register load per byte.
/// The add keeps its slot: positions, counts and the block's tail are unchanged, and
/// it runs on its own when the load takes the general path (a fault, a segment with a
/// base), after the load, as the CPU would.
enum LoadAdvanceFusion {
    /// Fuses the `movzx8M32B` at `k` with the add after it if there is one; the slots
    /// the rule covered (Superinstructions.fuse).
    static func fuse(_ block: UnsafeMutablePointer<Instruction>, at k: Int, count n: Int) -> Int {
        guard k + 1 < n, block[k + 1].op == .add32RINF else { return 1 }
        block[k].op = .movzx8M32BAdvance
        block[k].handler = HandlerTable.handler(for: block[k])
        return 2
    }
}
