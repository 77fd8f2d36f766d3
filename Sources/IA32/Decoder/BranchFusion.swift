/// Compare-and-branch fusion within a decoded block. Most blocks end in `cmp` or
/// `test` and a conditional jump, and the jump reads nothing but what the compare just
/// computed. When a block ends that way, the compare becomes one instruction that also
/// branches (`Op.cmpRRJne` and the like), deciding from the operands it holds instead
/// of reloading the flags it stored, and saving a dispatch. The jcc stays in its slot,
/// not executed, so positions, counts and the block's tail are unchanged.
enum BranchFusion {
    /// jcc ops in the order the fused forms are declared.
    static let conditions: [Op] = [.jb, .jae, .je, .jne, .jbe, .ja, .js, .jns, .jl, .jge, .jle, .jg]
    static let afterCmpRR: [Op] = [.cmpRRJb, .cmpRRJae, .cmpRRJe, .cmpRRJne, .cmpRRJbe, .cmpRRJa,
                                   .cmpRRJs, .cmpRRJns, .cmpRRJl, .cmpRRJge, .cmpRRJle, .cmpRRJg]
    static let afterCmpRI: [Op] = [.cmpRIJb, .cmpRIJae, .cmpRIJe, .cmpRIJne, .cmpRIJbe, .cmpRIJa,
                                   .cmpRIJs, .cmpRIJns, .cmpRIJl, .cmpRIJge, .cmpRIJle, .cmpRIJg]
    static let afterTestRR: [Op] = [.testRRJb, .testRRJae, .testRRJe, .testRRJne, .testRRJbe, .testRRJa,
                                    .testRRJs, .testRRJns, .testRRJl, .testRRJge, .testRRJle, .testRRJg]

    /// Memory compares with an immediate, fused with a je or a jne. (A switch, not a
    /// dictionary: a hashed table keyed by `Op` costs a runtime conformance scan the
    /// first time it is built.)
    static func afterCmpMemory(_ compare: Op, je: Bool) -> Op? {
        switch compare {
        case .cmp8MI: return je ? .cmp8MIJe : .cmp8MIJne
        case .cmp8MIB: return je ? .cmp8MIBJe : .cmp8MIBJne
        case .cmp32MI: return je ? .cmp32MIJe : .cmp32MIJne
        case .cmp32MIB: return je ? .cmp32MIBJe : .cmp32MIBJne
        default: return nil
        }
    }

    /// Fuses the block's last two instructions if they are a 32-bit register compare or
    /// test and a jcc, or a compare of memory with an immediate and a je or jne.
    static func fuse(_ block: UnsafeMutablePointer<Instruction>, count n: Int) {
        guard n >= 2, let c = conditions.firstIndex(of: block[n - 1].op) else { return }
        let compare = block + (n - 2)
        let fused: Op
        switch compare.pointee.op {
        case .cmp32RR: fused = afterCmpRR[c]
        case .cmp32RI: fused = afterCmpRI[c]
        case .test32RR: fused = afterTestRR[c]
        default:
            guard block[n - 1].op == .je || block[n - 1].op == .jne,
                  let f = afterCmpMemory(compare.pointee.op, je: block[n - 1].op == .je) else { return }
            fused = f
        }
        compare.pointee.op = fused
        compare.pointee.handler = HandlerTable.handler(for: compare.pointee)
    }
}
