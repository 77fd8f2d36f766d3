/// Handlers chosen at decode time per operand form (DESIGN.md, "Hot loop"): after an
/// instruction is decoded into its general `Op`, the commonest forms — 32-bit
/// register and memory operands, byte compares and moves, shifts by a constant — are
/// given an `Op` of their own whose handler does no size or operand-kind dispatch.
/// Every specialised form executes exactly as the general one would; the instruction
/// tests run both through the same corpus.
extension Decoder {
    /// The jcc handler for each condition code; jo, jno, jp and jnp keep the general one.
    static let jccByCondition: [Op?] = [nil, nil, .jb, .jae, .je, .jne, .jbe, .ja, .js, .jns, nil, nil, .jl, .jge, .jle, .jg]

    /// Called once per decoded instruction without a LOCK prefix (locked forms keep
    /// the general handlers, which do the read-modify-write as one step).
    mutating func specialize() {
        // Memory operands with 16-bit addressing keep the general handlers, so the
        // specialised ones compute 32-bit effective addresses without a test (`ea32`).
        if i.isMemory && i.addr16 { return }
        switch i.op {
        case .aluRMReg, .aluRegRM, .aluRMImm:
            if i.size == 4 { specializeALU32() } else if i.size == 1 { specializeALU8() }
        case .shiftImm:
            // A masked count of 0 changes nothing, not even the flags: general path.
            if i.size == 4 && !i.isMemory && i.imm & 0x1f != 0 {
                i.imm &= 0x1f
                switch i.sub {
                case 4, 6: i.op = .shl32RI
                case 5: i.op = .shr32RI
                case 7: i.op = .sar32RI
                default: break
                }
            }
        case .imul2 where i.size == 4 && !i.isMemory: i.op = .imul32RR
        case .imul3 where i.size == 4 && !i.isMemory: i.op = .imul32RRI
        case .movzx where i.size == 4:
            if i.sub == 1 { i.op = i.isMemory ? .movzx8M32 : .movzx8R32 }
            else { i.op = i.isMemory ? .movzx16M32 : .movzx16R32 }
        case .movsx where i.size == 4 && i.isMemory:
            i.op = i.sub == 1 ? .movsx8M32 : .movsx16M32
        case .jcc:
            if let op = Decoder.jccByCondition[Int(i.sub & 0xf)] { i.op = op }
        case .setcc where !i.isMemory: i.op = .setccR
        case .testRMImm where i.size == 4 && !i.isMemory: i.op = .test32RI
        // A masked count of 0 changes nothing, not even the flags: general path.
        case .shld where i.size == 4 && !i.isMemory && i.sub == 0 && i.imm & 0x1f != 0:
            i.imm &= 0x1f; i.op = .shld32RRI
        case .shrd where i.size == 4 && !i.isMemory && i.sub == 0 && i.imm & 0x1f != 0:
            i.imm &= 0x1f; i.op = .shrd32RRI
        case .stos where i.size == 4 && i.sub != 0 && !i.addr16: i.op = .repStos32
        case .movRMReg where i.size == 1 && i.isMemory: i.op = .mov8MR
        case .movRegRM where i.size == 1 && i.isMemory: i.op = .mov8RM
        case .movRMImm where i.size == 1 && i.isMemory: i.op = .mov8MI
        default: break
        }
        if i.isMemory && i.index == Instruction.none, let lean = i.op.baseAddressed { i.op = lean }
    }

    /// The 32-bit ALU forms. Register-register forms take dst = rm, src = reg.
    private mutating func specializeALU32() {
        let k = i.sub
        switch i.op {
        case .aluRMReg where !i.isMemory, .aluRegRM where !i.isMemory:
            let special: Op?
            switch k {
            case 0: special = .add32RR
            case 1: special = .or32RR
            case 2: special = .adc32RR
            case 3: special = .sbb32RR
            case 4: special = .and32RR
            case 5: special = .sub32RR
            case 6: special = .xor32RR
            case 7: special = .cmp32RR
            default: special = nil
            }
            if let special {
                if i.op == .aluRegRM { swap(&i.reg, &i.rm) }
                i.op = special
            }
        case .aluRMImm where !i.isMemory:
            switch k {
            case 0: i.op = .add32RI
            case 1: i.op = .or32RI
            case 2: i.op = .adc32RI
            case 3: i.op = .sbb32RI
            case 4: i.op = .and32RI
            case 5: i.op = .sub32RI
            case 6: i.op = .xor32RI
            case 7: i.op = .cmp32RI
            default: break
            }
        case .aluRegRM:
            switch k {
            case 0: i.op = .add32RM
            case 1: i.op = .or32RM
            case 4: i.op = .and32RM
            case 5: i.op = .sub32RM
            case 6: i.op = .xor32RM
            case 7: i.op = .cmp32RM
            default: break
            }
        case .aluRMReg:
            if k == 7 { i.op = .cmp32MR } else if k != 2 && k != 3 { i.op = .alu32MR }
        case .aluRMImm:
            if k == 7 { i.op = .cmp32MI } else if k != 2 && k != 3 { i.op = .alu32MI }
        default: break
        }
    }

    /// Byte compares: `cmpb $imm, mem` (loops over byte arrays) and `cmp %r8, %r8`.
    private mutating func specializeALU8() {
        guard i.sub == 7 else { return }
        if i.op == .aluRMImm && i.isMemory { i.op = .cmp8MI }
        else if i.op == .aluRMReg && !i.isMemory { i.op = .cmp8RR }
    }
}
