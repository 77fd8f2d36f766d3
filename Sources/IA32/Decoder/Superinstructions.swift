/// The peephole pass over a decoded block, after FlagLiveness and BranchFusion: one walk,
/// and at each instruction the rule that can start there (each rule's file says why it
/// pays). A rule returns how many slots it covered; the walk goes on after them.
enum Superinstructions {
    static func fuse(_ block: UnsafeMutablePointer<Instruction>, count n: Int) {
        var k = 0
        while k < n {
            switch block[k].op {
            case .movzx8M32B: k += LoadAdvanceFusion.fuse(block, at: k, count: n)
            case .xor32RRNF, .xor32RM: k += HashStepFusion.fuse(block, at: k, count: n)
            case .push32R, .pop32R: k += StackRunFusion.fuse(block, at: k, count: n)
            default: k += 1
            }
        }
    }
}
