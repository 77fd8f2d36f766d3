/// The one-byte opcode map (Intel SDM vol. 2, table A-2).
extension Decoder {
    mutating func decodeOneByte(_ op: UInt8) {
        let v = Int(i.size)   // operand size of the "v" forms
        switch op {
        // add or adc sbb and sub xor cmp: six forms each.
        case 0x00...0x3f where op & 7 < 6:
            i.sub = op >> 3
            let byteForm = op & 1 == 0
            i.size = byteForm ? 1 : i.size
            switch op & 7 {
            case 0, 1:
                modrm(); i.op = .aluRMReg
            case 2, 3:
                modrm(); i.op = .aluRegRM
            default:
                i.op = .aluRMImm; i.rm = 0
                i.imm = fetchImm(Int(i.size))
            }
        case 0x06, 0x0e, 0x16, 0x1e:
            i.op = .pushSreg; i.reg = op >> 3
        case 0x07, 0x17, 0x1f:
            i.op = .popSreg; i.reg = op >> 3
        case 0x27: i.op = .daa; i.size = 1
        case 0x2f: i.op = .das; i.size = 1
        case 0x37: i.op = .aaa
        case 0x3f: i.op = .aas
        case 0x40...0x47:
            i.op = v == 4 ? .inc32R : .inc; i.rm = op & 7
        case 0x48...0x4f:
            i.op = v == 4 ? .dec32R : .dec; i.rm = op & 7
        case 0x50...0x57:
            i.op = v == 4 ? .push32R : .pushReg; i.reg = op & 7
        case 0x58...0x5f:
            i.op = v == 4 ? .pop32R : .popReg; i.reg = op & 7
        case 0x60: i.op = .pusha
        case 0x61: i.op = .popa
        case 0x62:
            modrm(); i.op = i.isMemory ? .bound : .undefined
        case 0x63:
            modrm(); i.op = .arpl; i.size = 2
        case 0x68:
            i.op = .pushImm; i.imm = fetchImm(v)
        case 0x69:
            modrm(); i.op = .imul3; i.imm = fetchImm(v)
        case 0x6a:
            i.op = .pushImm; i.imm = fetchImm8SignExtended()
        case 0x6b:
            modrm(); i.op = .imul3; i.imm = fetchImm8SignExtended()
        case 0x6c...0x6f:
            i.op = .privileged   // ins/outs: #GP(0) at CPL 3 with IOPL 0
        case 0x70...0x7f:
            i.op = .jcc; i.sub = op & 0xf; i.imm = relativeTarget(1); i.bits |= Instruction.endsBlock
        case 0x80, 0x81, 0x82, 0x83:
            if op != 0x81 && op != 0x83 { i.size = 1 }
            modrm()
            i.op = .aluRMImm; i.sub = i.reg
            i.imm = op == 0x83 ? fetchImm8SignExtended() : fetchImm(Int(i.size))
        case 0x84, 0x85:
            if op == 0x84 { i.size = 1 }
            modrm(); i.op = .testRMReg
            if i.size == 4 && !i.isMemory { i.op = .test32RR }
        case 0x86, 0x87:
            if op == 0x86 { i.size = 1 }
            modrm(); i.op = .xchg
        case 0x88, 0x89, 0x8a, 0x8b:
            if op & 1 == 0 { i.size = 1 }
            modrm()
            i.op = op < 0x8a ? .movRMReg : .movRegRM
            if i.size == 4 {
                if !i.isMemory { i.op = .mov32RR; if op == 0x89 { swap(&i.reg, &i.rm) } }
                // The specialised memory forms add 32-bit addresses; 16-bit ones wrap.
                else if !addr16 { i.op = op == 0x89 ? .mov32MR : .mov32RM }
            }
        case 0x8c:
            modrm(); i.op = i.reg < 6 ? .movRMSreg : .undefined
            if i.isMemory { i.size = 2 }
        case 0x8d:
            modrm(); i.op = i.isMemory ? (i.size == 4 && !addr16 ? .lea32 : .lea) : .undefined
        case 0x8e:
            modrm(); i.size = 2
            i.op = (i.reg < 6 && i.reg != 1) ? .movSregRM : .undefined
        case 0x8f:
            modrm(); i.op = i.reg == 0 ? .popRM : .undefined
        case 0x90:
            i.op = .nop   // also pause (F3 90)
        case 0x91...0x97:
            i.op = .xchg; i.reg = 0; i.rm = op & 7
        case 0x98: i.op = .cbw
        case 0x99: i.op = .cwd
        case 0x9a:
            i.op = .callFar; i.imm = fetchImm(v); i.imm2 = fetch16(); i.bits |= Instruction.endsBlock
        case 0x9b: i.op = .x87; i.imm = UInt32(X87Op.fwait.rawValue)   // fwait: raises a pending #MF
        case 0x9c: i.op = .pushf
        case 0x9d: i.op = .popf; i.bits |= Instruction.endsBlock
        case 0x9e: i.op = .sahf
        case 0x9f: i.op = .lahf
        case 0xa0, 0xa1:
            if op == 0xa0 { i.size = 1 }
            absoluteOperand(); i.op = .movRegRM; i.reg = 0
            // mov %gs:0x14,%eax (the stack protector's canary, per call in libc).
            if i.size == 4 && !addr16 { i.op = .mov32RM }
        case 0xa2, 0xa3:
            if op == 0xa2 { i.size = 1 }
            absoluteOperand(); i.op = .movRMReg; i.reg = 0
            if i.size == 4 && !addr16 { i.op = .mov32MR }
        case 0xa4, 0xa5: stringOp(.movs, byte: op == 0xa4)
        case 0xa6, 0xa7: stringOp(.cmps, byte: op == 0xa6)
        case 0xa8, 0xa9:
            if op == 0xa8 { i.size = 1 }
            i.op = .testRMImm; i.rm = 0; i.imm = fetchImm(Int(i.size))
        case 0xaa, 0xab: stringOp(.stos, byte: op == 0xaa)
        case 0xac, 0xad: stringOp(.lods, byte: op == 0xac)
        case 0xae, 0xaf: stringOp(.scas, byte: op == 0xae)
        case 0xb0...0xb7:
            i.op = .movRMImm; i.size = 1; i.rm = op & 7; i.imm = fetchImm(1)
        case 0xb8...0xbf:
            i.rm = op & 7; i.imm = fetchImm(v)
            i.op = v == 4 ? .mov32RI : .movRMImm
        case 0xc0, 0xc1, 0xd0, 0xd1, 0xd2, 0xd3:
            if op & 1 == 0 { i.size = 1 }
            modrm(); i.sub = i.reg
            if op >= 0xd2 {
                i.op = .shiftCL
            } else {
                i.op = .shiftImm
                i.imm = op >= 0xd0 ? 1 : UInt32(fetch8())
            }
        case 0xc2:
            i.op = .retImm; i.imm = fetch16(); i.bits |= Instruction.endsBlock
        case 0xc3:
            i.op = .ret; i.bits |= Instruction.endsBlock
        case 0xc4, 0xc5:
            modrm()
            i.op = i.isMemory ? .loadFarPointer : .undefined
            i.sub = op == 0xc4 ? UInt8(SegReg.es.rawValue) : UInt8(SegReg.ds.rawValue)
        case 0xc6, 0xc7:
            if op == 0xc6 { i.size = 1 }
            modrm()
            i.imm = fetchImm(Int(i.size))
            i.op = i.reg == 0 ? .movRMImm : .undefined
        case 0xc8:
            i.op = .enter; i.imm = fetch16(); i.imm2 = UInt32(fetch8())
        case 0xc9: i.op = .leave
        case 0xca:
            i.op = .retFar; i.imm = fetch16(); i.bits |= Instruction.endsBlock
        case 0xcb:
            i.op = .retFar; i.bits |= Instruction.endsBlock
        case 0xcc: i.op = .int3; i.bits |= Instruction.endsBlock
        case 0xcd: i.op = .intN; i.imm = UInt32(fetch8()); i.bits |= Instruction.endsBlock
        case 0xce: i.op = .into; i.bits |= Instruction.endsBlock
        case 0xcf: i.op = .iret; i.bits |= Instruction.endsBlock
        case 0xd4: i.op = .aam; i.imm = UInt32(fetch8())
        case 0xd5: i.op = .aad; i.imm = UInt32(fetch8())
        case 0xd6: i.op = .salc
        case 0xd7: i.op = .xlat; i.size = 1
        case 0xd8...0xdf:
            let at = cursor
            modrm(); decodeX87(op, modrmAt: at)
        case 0xe0, 0xe1, 0xe2:
            i.op = .loop; i.sub = op & 3; i.imm = relativeTarget(1); i.bits |= Instruction.endsBlock
        case 0xe3:
            i.op = .jecxz; i.imm = relativeTarget(1); i.bits |= Instruction.endsBlock
        case 0xe4...0xe7, 0xec...0xef:
            if op <= 0xe7 { _ = fetch8() }
            i.op = .privileged   // in/out
        case 0xe8:
            i.op = .call; i.imm = relativeTarget(v); i.bits |= Instruction.endsBlock
        case 0xe9:
            i.op = .jmp; i.imm = relativeTarget(v); i.bits |= Instruction.endsBlock
        case 0xea:
            i.op = .jmpFar; i.imm = fetchImm(v); i.imm2 = fetch16(); i.bits |= Instruction.endsBlock
        case 0xeb:
            i.op = .jmp; i.imm = relativeTarget(1); i.bits |= Instruction.endsBlock
        case 0xf1:
            i.op = .intN; i.imm = 1; i.sub = 1; i.bits |= Instruction.endsBlock   // int1 / icebp
        case 0xf4: i.op = .hlt; i.bits |= Instruction.endsBlock
        case 0xf5: i.op = .cmc
        case 0xf6, 0xf7:
            if op == 0xf6 { i.size = 1 }
            modrm()
            switch i.reg {
            case 0, 1: i.op = .testRMImm; i.imm = fetchImm(Int(i.size))
            case 2: i.op = .not
            case 3: i.op = .neg
            case 4: i.op = .mul
            case 5: i.op = .imul1
            case 6: i.op = .div
            default: i.op = .idiv
            }
        case 0xf8: i.op = .clc
        case 0xf9: i.op = .stc
        case 0xfa: i.op = .cli
        case 0xfb: i.op = .sti
        case 0xfc: i.op = .cld
        case 0xfd: i.op = .std
        case 0xfe:
            i.size = 1
            modrm()
            i.op = i.reg == 0 ? .inc : (i.reg == 1 ? .dec : .undefined)
        case 0xff:
            modrm()
            switch i.reg {
            case 0: i.op = .inc
            case 1: i.op = .dec
            case 2: i.op = .callRM; i.bits |= Instruction.endsBlock
            case 3: i.op = i.isMemory ? .callFarRM : .undefined; i.bits |= Instruction.endsBlock
            case 4: i.op = .jmpRM; i.bits |= Instruction.endsBlock
            case 5: i.op = i.isMemory ? .jmpFarRM : .undefined; i.bits |= Instruction.endsBlock
            case 6: i.op = .pushRM
            default: i.op = .undefined
            }
        default:
            invalid()
        }
    }

    mutating func stringOp(_ op: Op, byte: Bool) {
        i.op = op
        if byte { i.size = 1 }
        i.sub = rep
    }
}
