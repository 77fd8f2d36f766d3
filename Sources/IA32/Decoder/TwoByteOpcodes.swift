/// The two-byte (0F) opcode map as an i686 without SSE has it (Intel SDM vol. 2,
/// table A-3). MMX instructions and fxsave/fxrstor decode to `.x87` (X87/); SSE encodings
/// are #UD because the CPU models do not advertise them.
extension Decoder {
    mutating func decodeTwoByte(_ op: UInt8) {
        let v = Int(i.size)
        switch op {
        case 0x00:
            modrm()
            switch i.reg {
            case 0: i.op = .sldt
            case 1: i.op = .str
            case 2: i.op = .lldt
            case 3: i.op = .ltr
            case 4: i.op = .verr
            case 5: i.op = .verw
            default: i.op = .undefined
            }
            i.size = 2
        case 0x01:
            modrm()
            switch i.reg {
            case 0: i.op = i.isMemory ? .sgdt : .undefined
            case 1: i.op = i.isMemory ? .sidt : .undefined
            case 2: i.op = i.isMemory ? .lgdt : .undefined
            case 3: i.op = i.isMemory ? .lidt : .undefined
            case 4: i.op = .smsw
            case 6: i.op = .lmsw
            case 7: i.op = i.isMemory ? .privileged : .undefined   // invlpg
            default: i.op = .undefined
            }
            if i.reg == 4 || i.reg == 6 { i.size = i.isMemory ? 2 : i.size }
        case 0x02:
            modrm(); i.op = .lar
        case 0x03:
            modrm(); i.op = .lsl
        case 0x06, 0x08, 0x09:
            i.op = .privileged   // clts, invd, wbinvd
        case 0x0b:
            i.op = .ud2; i.bits |= Instruction.endsBlock
        case 0x18...0x1f:
            // Hint NOPs (and the 0F 18 prefetch hints): ModRM-addressed no-ops on P6.
            modrm(); i.op = .nop
        case 0x20...0x23:
            modrm(); i.op = .privileged   // mov to/from CRn, DRn
        case 0x30:
            i.op = .wrmsr; i.bits |= Instruction.endsBlock
        case 0x31:
            i.op = .rdtsc
        case 0x32:
            i.op = .rdmsr
        case 0x33:
            i.op = .privileged   // rdpmc with CR4.PCE clear
        case 0x34:
            i.op = .sysenter; i.bits |= Instruction.endsBlock
        case 0x35:
            i.op = .sysexit; i.bits |= Instruction.endsBlock
        case 0x40...0x4f:
            modrm(); i.op = .cmovcc; i.sub = op & 0xf
        case 0x80...0x8f:
            i.op = .jcc; i.sub = op & 0xf; i.imm = relativeTarget(v); i.bits |= Instruction.endsBlock
        case 0x90...0x9f:
            modrm(); i.op = .setcc; i.sub = op & 0xf; i.size = 1
        case 0xa0, 0xa8:
            i.op = .pushSreg; i.reg = op == 0xa0 ? 4 : 5
        case 0xa1, 0xa9:
            i.op = .popSreg; i.reg = op == 0xa1 ? 4 : 5
        case 0xa2:
            i.op = .cpuid
        case 0xa3, 0xab, 0xb3, 0xbb:
            modrm(); i.op = .btReg; i.sub = (op >> 3) & 3
        case 0xa4, 0xa5, 0xac, 0xad:
            modrm()
            i.op = op < 0xa8 ? .shld : .shrd
            if op & 1 == 0 { i.imm = UInt32(fetch8()) } else { i.sub = 1 }   // sub 1: count in CL
        case 0xaf:
            modrm(); i.op = .imul2
        case 0xb0, 0xb1:
            if op == 0xb0 { i.size = 1 }
            modrm(); i.op = .cmpxchg
        case 0xb2, 0xb4, 0xb5:
            modrm()
            i.op = i.isMemory ? .loadFarPointer : .undefined
            i.sub = op == 0xb2 ? UInt8(SegReg.ss.rawValue) : (op == 0xb4 ? UInt8(SegReg.fs.rawValue) : UInt8(SegReg.gs.rawValue))
        case 0xb6, 0xb7, 0xbe, 0xbf:
            modrm()
            i.op = op < 0xbe ? .movzx : .movsx
            i.sub = op & 1 == 0 ? 1 : 2   // source size
        case 0xba:
            modrm()
            i.imm = UInt32(fetch8())
            if i.reg >= 4 { i.op = .btImm; i.sub = i.reg & 3 } else { i.op = .undefined }
        case 0xbc:
            modrm(); i.op = .bsf
        case 0xbd:
            modrm(); i.op = .bsr
        case 0xc0, 0xc1:
            if op == 0xc0 { i.size = 1 }
            modrm(); i.op = .xadd
        case 0xc7:
            modrm()
            i.op = (i.reg == 1 && i.isMemory) ? .cmpxchg8b : .undefined
        case 0xc8...0xcf:
            i.op = .bswap; i.rm = op & 7
        case 0x60...0x7f, 0xd0...0xff:
            if Decoder.isMMX(op) { decodeMMX(op) } else { invalid() }
        case 0xae:
            // fxsave, fxrstor (X87/X87Environment.swift); the SSE forms are #UD.
            modrm()
            if i.isMemory && i.reg < 2 {
                i.op = .x87
                i.imm = UInt32((i.reg == 0 ? X87Op.fxsave : X87Op.fxrstor).rawValue)
            } else {
                invalid()
            }
        default:
            invalid()
        }
    }
}
