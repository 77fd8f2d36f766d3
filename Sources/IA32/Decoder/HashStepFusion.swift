/// Hash-step fusion within a decoded block. Multiplicative hashes — FNV-1a above all,
/// the usual hash of hash tables — step with `xor %c,%h; imul $prime,%h,%h` (or `xor
/// (%p),%h` for a word at a time). Interpreted, the hash register goes to the register
/// file and straight back between the two, and that round trip through memory is most
/// of the loop's time. When FlagLiveness has left both flagless, the pair becomes one
/// handler that keeps the value in a host register (`Op.xorMul32RR`, `Op.xorMul32RM`).
///
/// A word loop also steps its pointer in between (`xor (%edx),%edi; add $4,%edx; imul
/// $prime,%edi,%edi`). Such an instruction — flagless, on another register, unable to
/// fault — commutes with the multiply, so it moves after it first. Positions, counts
/// and the block's tail are unchanged; the xor's flags are dead (the multiply's
/// overwrite them, and nothing between can fault), and when the memory form cannot
/// take the fast path its general body runs the xor alone, with its flags, and the
/// multiply and the rest follow from their own slots.
enum HashStepFusion {
    /// Whether `i` is `imul $imm,%r,%r`, flagless.
    static func isMultiply(_ i: Instruction, of r: UInt8) -> Bool {
        i.op == .imul32RRINF && i.reg == r && i.rm == r
    }

    /// A flagless register instruction that cannot fault and touches neither `r` nor the
    /// flags: it commutes with a multiply of `r`.
    static func commutes(_ i: Instruction, with r: UInt8) -> Bool {
        switch i.op {
        case .add32RINF, .sub32RINF, .and32RINF, .or32RINF, .xor32RINF, .inc32RNF, .dec32RNF,
             .shl32RINF, .shr32RINF, .sar32RINF:
            return i.rm != r
        default:
            return false
        }
    }

    /// Fuses the xor at `k` with a multiply of its destination right after it (or one
    /// instruction later, across an instruction that commutes with it); the slots the
    /// rule covered (Superinstructions.fuse).
    static func fuse(_ block: UnsafeMutablePointer<Instruction>, at k: Int, count n: Int) -> Int {
        let memory = block[k].op == .xor32RM
        let h = memory ? block[k].reg : block[k].rm
        guard k + 1 < n else { return 1 }
        if k + 2 < n, !isMultiply(block[k + 1], of: h), commutes(block[k + 1], with: h),
           isMultiply(block[k + 2], of: h) {
            // Swap the records, each keeping the position of its slot.
            let (stepper, multiply) = (block[k + 1], block[k + 2])
            block[k + 1] = multiply
            block[k + 1].pos = stepper.pos
            block[k + 2] = stepper
            block[k + 2].pos = multiply.pos
        }
        guard isMultiply(block[k + 1], of: h) else { return 1 }
        block[k].op = memory ? .xorMul32RM : .xorMul32RR
        block[k].handler = HandlerTable.handler(for: block[k])
        return 2
    }
}
