/// Dead-flag elimination within a decoded block. Most flag results are overwritten
/// before anything reads them: in `add $4,%edx; shl $13,%edi; xor %edi,%eax; …; cmp;
/// jne` only the cmp's flags matter. After a block is decoded, one backward pass finds
/// the instructions whose flags nothing in the block reads and gives them a variant
/// that computes the result only (`Op.withoutFlags`), saving the lazy-flag stores.
///
/// The pass is exact for anything that can observe EFLAGS: the flags are taken as live
/// at the end of every block (the next block may read them) and before every
/// instruction that may fault (a signal handler, a debugger or the kernel sees EFLAGS
/// as it stood before the faulting instruction). Single steps (`CPU.step`) decode one
/// instruction alone and keep every flag.
enum FlagLiveness {
    /// What an instruction does with the six arithmetic flags.
    enum Writes { case none, partial, all }

    struct Effect {
        /// Reads flags as inputs (adc's CF, a jcc's condition).
        var reads: Bool
        var writes: Writes
        /// May raise an exception: the flags before it are observable.
        var mayFault: Bool

        static let conservative = Effect(reads: true, writes: .none, mayFault: true)
        static let neutral = Effect(reads: false, writes: .none, mayFault: false)
        static let writesAll = Effect(reads: false, writes: .all, mayFault: false)
    }

    /// The effect of `i` on the flags; anything not listed is taken to read them and to
    /// be able to fault.
    static func effect(of i: Instruction) -> Effect {
        switch i.op {
        case .add32RR, .sub32RR, .cmp32RR, .xor32RR, .and32RR, .or32RR, .test32RR, .test32RI,
             .add32RI, .sub32RI, .cmp32RI, .and32RI, .or32RI, .xor32RI, .cmp8RR,
             .shl32RI, .shr32RI, .sar32RI, .imul32RR, .imul32RRI, .shld32RRI, .shrd32RRI:
            return .writesAll
        case .adc32RR, .sbb32RR, .adc32RI, .sbb32RI:
            return Effect(reads: true, writes: .all, mayFault: false)
        // CF passes through inc and dec.
        case .inc32R, .dec32R:
            return Effect(reads: false, writes: .partial, mayFault: false)
        case .mov32RR, .mov32RI, .movzx8R32, .movzx16R32, .lea, .lea32, .bswap, .nop, .cbw, .cwd:
            return .neutral
        case .aluRMReg, .aluRegRM, .aluRMImm:
            // Register forms of every size; adc and sbb read CF.
            if i.isMemory { return .conservative }
            return Effect(reads: i.sub == 2 || i.sub == 3, writes: .all, mayFault: false)
        case .movRMReg, .movRegRM, .movRMImm, .movzx, .movsx:
            return i.isMemory ? .conservative : .neutral
        default:
            return .conservative
        }
    }

    /// Rewrites the block's instructions whose flags are dead into their flagless forms.
    static func prune(_ block: UnsafeMutablePointer<Instruction>, count: Int) {
        var live = true   // at the end of the block
        for k in stride(from: count - 1, through: 0, by: -1) {
            let e = effect(of: block[k])
            if !live && e.writes != .none, let lean = block[k].op.withoutFlags {
                block[k].op = lean
                block[k].handler = HandlerTable.handler(for: block[k])
            }
            // Live before it: read by it, observable at its fault, or passed through it.
            live = e.reads || e.mayFault || (live && e.writes != .all)
        }
    }
}

extension Op {
    /// The same operation without its flags, for an instruction whose flags are dead.
    var withoutFlags: Op? {
        switch self {
        case .add32RR: return .add32RRNF
        case .sub32RR: return .sub32RRNF
        case .xor32RR: return .xor32RRNF
        case .and32RR: return .and32RRNF
        case .or32RR: return .or32RRNF
        case .add32RI: return .add32RINF
        case .sub32RI: return .sub32RINF
        case .and32RI: return .and32RINF
        case .or32RI: return .or32RINF
        case .xor32RI: return .xor32RINF
        case .shl32RI: return .shl32RINF
        case .shr32RI: return .shr32RINF
        case .sar32RI: return .sar32RINF
        case .imul32RR: return .imul32RRNF
        case .imul32RRI: return .imul32RRINF
        case .inc32R: return .inc32RNF
        case .dec32R: return .dec32RNF
        // A compare or test whose flags nobody reads does nothing at all.
        case .cmp32RR, .cmp32RI, .test32RR, .test32RI, .cmp8RR: return .nop
        default: return nil
        }
    }
}
