/// Executes one decoded instruction. On entry `eip` already points past it; a fault
/// is left in `fault` for the run loop, which puts EIP back on the instruction.
///
/// This is the interpreter's dispatch: one `switch` over `Op`'s literal cases, which
/// the compiler turns into a jump table. Handlers are free functions over the raw
/// state pointer, so moving to threaded dispatch later is mechanical.
@inline(__always)
func execute(_ s: UnsafeMutablePointer<CPUState>, _ i: Ins) {
    switch i.op {
    case .undefined: s.raise(Vector.invalidOpcode)
    case .fetchFault:
        var err: UInt32 = s.pointee.perm[Int(i.imm >> 12)] & PagePermission.read != 0 ? 1 : 0
        if s.pointee.cpl == 3 { err |= 4 }
        s.raise(Vector.pageFault, err, address: i.imm)

    // ALU
    case .aluRMReg: s.aluRMReg(i)
    case .aluRegRM: s.aluRegRM(i)
    case .aluRMImm: s.aluRMImm(i)
    case .add32RR: s.setR32(Int(i.rm), s.add32(s.r32(Int(i.rm)), s.r32(Int(i.reg))))
    case .sub32RR: s.setR32(Int(i.rm), s.sub32(s.r32(Int(i.rm)), s.r32(Int(i.reg))))
    case .cmp32RR: _ = s.sub32(s.r32(Int(i.rm)), s.r32(Int(i.reg)))
    case .xor32RR: s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) ^ s.r32(Int(i.reg))))
    case .and32RR: s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg))))
    case .or32RR: s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) | s.r32(Int(i.reg))))
    case .test32RR: _ = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    case .add32RI: s.setR32(Int(i.rm), s.add32(s.r32(Int(i.rm)), i.imm))
    case .sub32RI: s.setR32(Int(i.rm), s.sub32(s.r32(Int(i.rm)), i.imm))
    case .cmp32RI: _ = s.sub32(s.r32(Int(i.rm)), i.imm)
    case .and32RI: s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) & i.imm))
    case .cmp32RM:
        let v = s.read(Int(i.seg), s.ea(i), 4)
        if !s.faulted { _ = s.sub32(s.r32(Int(i.reg)), v) }
    case .add32RM:
        let v = s.read(Int(i.seg), s.ea(i), 4)
        if !s.faulted { s.setR32(Int(i.reg), s.add32(s.r32(Int(i.reg)), v)) }
    case .cmp32MR:
        let v = s.read(Int(i.seg), s.ea(i), 4)
        if !s.faulted { _ = s.sub32(v, s.r32(Int(i.reg))) }
    case .cmp32MI:
        let v = s.read(Int(i.seg), s.ea(i), 4)
        if !s.faulted { _ = s.sub32(v, i.imm) }
    case .adc32RR: s.setR32(Int(i.rm), s.adc32(s.r32(Int(i.rm)), s.r32(Int(i.reg))))
    case .sbb32RR: s.setR32(Int(i.rm), s.sbb32(s.r32(Int(i.rm)), s.r32(Int(i.reg))))
    case .adc32RI: s.setR32(Int(i.rm), s.adc32(s.r32(Int(i.rm)), i.imm))
    case .sbb32RI: s.setR32(Int(i.rm), s.sbb32(s.r32(Int(i.rm)), i.imm))
    case .or32RI: s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) | i.imm))
    case .xor32RI: s.setR32(Int(i.rm), s.logic32(s.r32(Int(i.rm)) ^ i.imm))
    case .sub32RM:
        let v = s.read(Int(i.seg), s.ea(i), 4)
        if !s.faulted { s.setR32(Int(i.reg), s.sub32(s.r32(Int(i.reg)), v)) }
    case .and32RM:
        let v = s.read(Int(i.seg), s.ea(i), 4)
        if !s.faulted { s.setR32(Int(i.reg), s.logic32(s.r32(Int(i.reg)) & v)) }
    case .or32RM:
        let v = s.read(Int(i.seg), s.ea(i), 4)
        if !s.faulted { s.setR32(Int(i.reg), s.logic32(s.r32(Int(i.reg)) | v)) }
    case .xor32RM:
        let v = s.read(Int(i.seg), s.ea(i), 4)
        if !s.faulted { s.setR32(Int(i.reg), s.logic32(s.r32(Int(i.reg)) ^ v)) }
    case .alu32MR: s.alu32Memory(i, s.r32(Int(i.reg)))
    case .alu32MI: s.alu32Memory(i, i.imm)
    case .cmp8MI:
        let v = s.read(Int(i.seg), s.ea(i), 1)
        if !s.faulted { s.setFlags(.sub, 1, dst: v, src: i.imm, res: (v &- i.imm) & 0xff) }
    case .cmp8RR:
        let d = s.r8(Int(i.rm)), v = s.r8(Int(i.reg))
        s.setFlags(.sub, 1, dst: d, src: v, res: (d &- v) & 0xff)
    case .inc: s.incDec(i, inc: true)
    case .dec: s.incDec(i, inc: false)
    case .inc32R:
        let d = s.r32(Int(i.rm))
        let c = s.cf
        s.setR32(Int(i.rm), d &+ 1)
        s.pointee.flags = LazyFlags(op: .inc, carryIn: c, sign: 0x8000_0000, dst: d, src: 1, res: d &+ 1)
    case .dec32R:
        let d = s.r32(Int(i.rm))
        let c = s.cf
        s.setR32(Int(i.rm), d &- 1)
        s.pointee.flags = LazyFlags(op: .dec, carryIn: c, sign: 0x8000_0000, dst: d, src: 1, res: d &- 1)
    case .neg: s.neg(i)
    case .not: s.not(i)
    case .testRMReg: s.test(i, s.reg(Int(i.reg), i.sz))
    case .testRMImm: s.test(i, i.imm)

    // Shifts
    case .shiftImm: s.shift(i, count: i.imm)
    case .shiftCL: s.shift(i, count: s.r8(1))
    case .shl32RI:
        let d = s.r32(Int(i.rm))
        let r = d &<< i.imm
        s.setR32(Int(i.rm), r)
        s.recordFlags32(.shl, d, i.imm, r)
    case .shr32RI:
        let d = s.r32(Int(i.rm))
        let r = d &>> i.imm
        s.setR32(Int(i.rm), r)
        s.recordFlags32(.shr, d, i.imm, r)
    case .sar32RI:
        let d = s.r32(Int(i.rm))
        let r = UInt32(bitPattern: Int32(bitPattern: d) &>> Int32(i.imm))
        s.setR32(Int(i.rm), r)
        s.recordFlags32(.sar, d, i.imm, r)
    case .shld: s.doubleShift(i, left: true)
    case .shrd: s.doubleShift(i, left: false)

    // Multiply and divide
    case .mul: s.multiply(i, signed: false)
    case .imul1: s.multiply(i, signed: true)
    case .div: s.divide(i, signed: false)
    case .idiv: s.divide(i, signed: true)
    case .imul2:
        let v = s.readRM(i)
        if !s.faulted { s.imulTruncating(i, s.reg(Int(i.reg), i.sz), v) }
    case .imul3:
        let v = s.readRM(i)
        if !s.faulted { s.imulTruncating(i, v, i.imm) }

    case .imul32RR: s.imul32(i, s.r32(Int(i.reg)), s.r32(Int(i.rm)))
    case .imul32RRI: s.imul32(i, s.r32(Int(i.rm)), i.imm)

    // Bits
    case .btReg: s.bitTestReg(i)
    case .btImm: s.bitTestImm(i)
    case .bsf: s.bitScan(i, reverse: false)
    case .bsr: s.bitScan(i, reverse: true)
    case .bswap: s.bswap(i)

    // Data movement
    case .movRMReg: s.writeRM(i, s.reg(Int(i.reg), i.sz))
    case .movRegRM:
        let v = s.readRM(i)
        if !s.faulted { s.setReg(Int(i.reg), i.sz, v) }
    case .movRMImm: s.writeRM(i, i.imm)
    case .mov32RR: s.setR32(Int(i.reg), s.r32(Int(i.rm)))
    case .mov32RM:
        let v = s.read(Int(i.seg), s.ea(i), 4)
        if !s.faulted { s.setR32(Int(i.reg), v) }
    case .mov32MR: s.write(Int(i.seg), s.ea(i), 4, s.r32(Int(i.reg)))
    case .mov32RI: s.setR32(Int(i.rm), i.imm)
    case .mov8MR: s.write(Int(i.seg), s.ea(i), 1, s.r8(Int(i.reg)))
    case .mov8RM:
        let v = s.read(Int(i.seg), s.ea(i), 1)
        if !s.faulted { s.setR8(Int(i.reg), v) }
    case .mov8MI: s.write(Int(i.seg), s.ea(i), 1, i.imm)
    case .movzx8R32: s.setR32(Int(i.reg), s.r8(Int(i.rm)))
    case .movzx16R32: s.setR32(Int(i.reg), s.r16(Int(i.rm)))
    case .movzx8M32:
        let v = s.read(Int(i.seg), s.ea(i), 1)
        if !s.faulted { s.setR32(Int(i.reg), v) }
    case .movzx16M32:
        let v = s.read(Int(i.seg), s.ea(i), 2)
        if !s.faulted { s.setR32(Int(i.reg), v) }
    case .movsx8M32:
        let v = s.read(Int(i.seg), s.ea(i), 1)
        if !s.faulted { s.setR32(Int(i.reg), UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: v)))) }
    case .movsx16M32:
        let v = s.read(Int(i.seg), s.ea(i), 2)
        if !s.faulted { s.setR32(Int(i.reg), UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: v)))) }
    case .movzx: s.movzxsx(i, signExtend: false)
    case .movsx: s.movzxsx(i, signExtend: true)
    case .lea: s.setReg(Int(i.reg), i.sz, s.ea(i))
    case .lea32: s.setR32(Int(i.reg), s.ea(i))
    case .xchg: s.xchg(i)
    case .xadd: s.xadd(i)
    case .cmpxchg: s.cmpxchg(i)
    case .cmpxchg8b: s.cmpxchg8b(i)
    case .cbw: s.cbw(i)
    case .cwd: s.cwd(i)
    case .lahf: s.lahf()
    case .sahf: s.sahf()
    case .xlat: s.xlat(i)
    case .salc: s.setR8(0, s.cf ? 0xff : 0)
    case .setcc: s.setcc(i)
    case .setccR: s.setR8(Int(i.rm), s.conditionOutOfLine(Int(i.sub)) ? 1 : 0)
    case .cmovcc: s.cmovcc(i)
    case .movRMSreg: s.movFromSreg(i)
    case .movSregRM: s.movToSreg(i)
    case .loadFarPointer: s.loadFarPointer(i)
    case .arpl: s.arpl(i)
    case .bound: s.bound(i)
    case .clc: s.setStatusFlags(0, mask: EFLAGS.cf)
    case .stc: s.setStatusFlags(EFLAGS.cf, mask: EFLAGS.cf)
    case .cmc: s.setStatusFlags(s.cf ? 0 : EFLAGS.cf, mask: EFLAGS.cf)
    case .cld: s.pointee.eflagsRaw &= ~EFLAGS.df
    case .std: s.pointee.eflagsRaw |= EFLAGS.df
    case .cli: s.setInterruptFlag(false)
    case .sti: s.setInterruptFlag(true)
    case .nop: break

    // Stack
    case .pushReg: s.push(s.reg(Int(i.reg), i.sz), i.sz)
    case .popReg:
        let v = s.pop(i.sz)
        if !s.faulted { s.setReg(Int(i.reg), i.sz, v) }
    case .push32R: s.push32(s.r32(Int(i.reg)))
    case .pop32R:
        let v = s.read(SegReg.ss.rawValue, s.esp, 4)
        if !s.faulted {
            s.esp = s.esp &+ 4
            s.setR32(Int(i.reg), v)
        }
    case .pushImm: s.push(i.imm, i.sz)
    case .pushRM:
        let v = s.readRM(i)
        if !s.faulted { s.push(v, i.sz) }
    case .popRM: s.popRM(i)
    case .pushSreg: s.pushSreg(i)
    case .popSreg: s.popSreg(i)
    case .pusha: s.pusha(i)
    case .popa: s.popa(i)
    case .pushf: s.pushf(i)
    case .popf: s.popf(i)
    case .enter: s.enter(i)
    case .leave: s.leave(i)

    // Control
    case .jcc:
        let cc = Int(i.sub)
        // je/jne after a lazily recorded operation: the commonest branch, kept inline.
        if cc & 0xe == 4 && s.pointee.flags.op != .none {
            if (s.pointee.flags.res == 0) != (cc & 1 != 0) { s.pointee.eip = i.imm }
        } else if s.conditionOutOfLine(cc) {
            s.pointee.eip = i.imm
        }
    case .jccB: if s.below != (i.sub & 1 != 0) { s.pointee.eip = i.imm }
    case .jccE: if s.zf != (i.sub & 1 != 0) { s.pointee.eip = i.imm }
    case .jccBE: if s.belowOrEqual != (i.sub & 1 != 0) { s.pointee.eip = i.imm }
    case .jccS: if s.sf != (i.sub & 1 != 0) { s.pointee.eip = i.imm }
    case .jccL: if s.less != (i.sub & 1 != 0) { s.pointee.eip = i.imm }
    case .jccLE: if s.lessOrEqual != (i.sub & 1 != 0) { s.pointee.eip = i.imm }
    case .jmp: s.pointee.eip = i.imm
    case .jmpRM: s.jmpRM(i)
    case .call: s.callNear(i.imm, i.sz)
    case .callRM: s.callRM(i)
    case .ret: s.ret(i, release: 0)
    case .retImm: s.ret(i, release: i.imm)
    case .loop: s.loop(i)
    case .jecxz: s.jecxz(i)
    case .jmpFar: s.jmpFar(selector: UInt16(i.imm2), offset: i.imm)
    case .callFar: s.callFar(selector: UInt16(i.imm2), offset: i.imm, i.sz)
    case .jmpFarRM:
        if let (sel, off) = s.farPointer(i) { s.jmpFar(selector: sel, offset: off) }
    case .callFarRM:
        if let (sel, off) = s.farPointer(i) { s.callFar(selector: sel, offset: off, i.sz) }
    case .retFar: s.retFar(i)

    // Strings
    case .movs: s.string(i, kind: 0)
    case .stos: s.string(i, kind: 1)
    case .lods: s.string(i, kind: 2)
    case .cmps: s.string(i, kind: 3)
    case .scas: s.string(i, kind: 4)

    // Decimal
    case .daa: s.daa()
    case .das: s.das()
    case .aaa: s.aaa()
    case .aas: s.aas()
    case .aam: s.aam(i.imm)
    case .aad: s.aad(i.imm)

    // System
    case .int3: s.raiseTrap(Vector.breakpoint)
    case .intN: s.softwareInterrupt(i.imm, icebp: i.sub == 1)
    case .into: if s.of { s.raiseTrap(Vector.overflow) }
    case .iret: s.iret(i)
    case .hlt:
        if s.pointee.cpl != 0 { s.raise(Vector.generalProtection) } else { s.requestStop(.halt) }
    case .ud2: s.raise(Vector.invalidOpcode)
    case .sysenter: s.sysenter()
    case .sysexit: s.sysexit()
    case .rdmsr: s.rdmsr()
    case .wrmsr: s.wrmsr()
    case .cpuid: s.cpuid()
    case .rdtsc: s.rdtsc(blockOffset: i.imm)
    case .lgdt, .lidt, .sgdt, .sidt: s.descriptorTable(i)
    case .lldt, .sldt, .ltr, .str, .smsw, .lmsw: s.systemSelector(i)
    case .lar, .lsl, .verr, .verw: s.accessCheck(i)
    case .privileged: s.privileged(i)
    case .x87: s.x87(i)
    }
}
