import IA32Dispatch

/// Handlers for data movement (Execute/DataMove.swift): mov in its general and
/// specialised forms, movzx/movsx, lea, exchanges, conversions, flag moves, setcc and
/// cmovcc, segment-register moves, and the flag instructions.

// MARK: mov

@_silgen_name("gate_exec_movRMReg") @inline(__always)
func exec_movRMReg(_ s: State, _ i: Ins) -> Next { s.writeRM(i, s.reg(Int(i.reg), i.sz)); return s.proceed(i) }

@_silgen_name("gate_exec_movRegRM") @inline(__always)
func exec_movRegRM(_ s: State, _ i: Ins) -> Next {
    let v = s.readRM(i)
    if _slowPath(s.faulted) { return nil }
    s.setReg(Int(i.reg), i.sz, v)
    return i.successor
}

/// mov r/m, imm: split for a 32-bit memory destination (the commonest form that
/// reaches this general op).
@_silgen_name("gate_exec_movRMImm") @inline(__always)
func exec_movRMImm(_ s: State, _ i: Ins) -> Bool { storeImmediate32(s, i, seg: Int(i.seg)) }

@inline(__always)
func storeImmediate32(_ s: State, _ i: Ins, seg: Int) -> Bool {
    guard i.size == 4, i.isMemory, !i.addr16, let p = s.hostWrite(seg, s.ea32(i), 4) else { return false }
    p.storeBytes(of: i.imm, as: UInt32.self)
    return true
}
@_silgen_name("gate_exec_slow_movRMImm") @inline(__always)
func slow_movRMImm(_ s: State, _ i: Ins) -> Next { s.writeRM(i, i.imm); return s.proceed(i) }

@_silgen_name("gate_exec_mov32RR") @inline(__always)
func exec_mov32RR(_ s: State, _ i: Ins) -> Next { s.setR32(Int(i.reg), s.r32(Int(i.rm))); return i.successor }

@_silgen_name("gate_exec_mov32RI") @inline(__always)
func exec_mov32RI(_ s: State, _ i: Ins) -> Next { s.setR32(Int(i.rm), i.imm); return i.successor }

/// A load of `size` bytes into a 32-bit register, extended by `extend`: fast when it
/// cannot fault.
@inline(__always)
func loadRegister(_ s: State, _ i: Ins, seg: Int, _ size: UInt32, indexed: Bool = true, _ extend: (UInt32) -> UInt32) -> Bool {
    guard let p = s.hostRead(seg, s.ea32(i, indexed: indexed), size, memo: i) else { return false }
    let v = size == 4 ? p.loadUnaligned(as: UInt32.self)
        : (size == 2 ? UInt32(p.loadUnaligned(as: UInt16.self)) : UInt32(p.load(as: UInt8.self)))
    s.setR32(Int(i.reg), extend(v))
    return true
}

/// The same in general: a fault leaves the register alone.
@inline(__always)
func loadRegisterSlow(_ s: State, _ i: Ins, _ size: Int, _ extend: (UInt32) -> UInt32) -> Next {
    let v = s.read(Int(i.seg), s.ea(i), size)
    if _slowPath(s.faulted) { return nil }
    s.setR32(Int(i.reg), extend(v))
    return i.successor
}

@_silgen_name("gate_exec_mov32RM") @inline(__always)
func exec_mov32RM(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: Int(i.seg), 4) { $0 } }
@_silgen_name("gate_exec_slow_mov32RM") @inline(__always)
func slow_mov32RM(_ s: State, _ i: Ins) -> Next { loadRegisterSlow(s, i, 4) { $0 } }

@_silgen_name("gate_exec_movzx8M32") @inline(__always)
func exec_movzx8M32(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: Int(i.seg), 1) { $0 } }
@_silgen_name("gate_exec_slow_movzx8M32") @inline(__always)
func slow_movzx8M32(_ s: State, _ i: Ins) -> Next { loadRegisterSlow(s, i, 1) { $0 } }

@_silgen_name("gate_exec_movzx16M32") @inline(__always)
func exec_movzx16M32(_ s: State, _ i: Ins) -> Bool { loadRegister(s, i, seg: Int(i.seg), 2) { $0 } }
@_silgen_name("gate_exec_slow_movzx16M32") @inline(__always)
func slow_movzx16M32(_ s: State, _ i: Ins) -> Next { loadRegisterSlow(s, i, 2) { $0 } }

@_silgen_name("gate_exec_movsx8M32") @inline(__always)
func exec_movsx8M32(_ s: State, _ i: Ins) -> Bool {
    loadRegister(s, i, seg: Int(i.seg), 1) { UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: $0))) }
}
@_silgen_name("gate_exec_slow_movsx8M32") @inline(__always)
func slow_movsx8M32(_ s: State, _ i: Ins) -> Next {
    loadRegisterSlow(s, i, 1) { UInt32(bitPattern: Int32(Int8(truncatingIfNeeded: $0))) }
}

@_silgen_name("gate_exec_movsx16M32") @inline(__always)
func exec_movsx16M32(_ s: State, _ i: Ins) -> Bool {
    loadRegister(s, i, seg: Int(i.seg), 2) { UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: $0))) }
}
@_silgen_name("gate_exec_slow_movsx16M32") @inline(__always)
func slow_movsx16M32(_ s: State, _ i: Ins) -> Next {
    loadRegisterSlow(s, i, 2) { UInt32(bitPattern: Int32(Int16(truncatingIfNeeded: $0))) }
}

/// A store of `size` bytes of `v`: fast when it cannot fault or touch decoded code.
@inline(__always)
func storeMemory(_ s: State, _ i: Ins, seg: Int, _ size: UInt32, _ v: UInt32, indexed: Bool = true,
                 immediate: Bool = false) -> Bool {
    guard let p = s.hostWrite(seg, s.ea32(i, indexed: indexed), size, memo: immediate ? nil : i) else { return false }
    if size == 4 { p.storeBytes(of: v, as: UInt32.self) } else { p.storeBytes(of: UInt8(truncatingIfNeeded: v), as: UInt8.self) }
    return true
}

@_silgen_name("gate_exec_mov32MR") @inline(__always)
func exec_mov32MR(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: Int(i.seg), 4, s.r32(Int(i.reg))) }
@_silgen_name("gate_exec_slow_mov32MR") @inline(__always)
func slow_mov32MR(_ s: State, _ i: Ins) -> Next {
    s.write(Int(i.seg), s.ea(i), 4, s.r32(Int(i.reg)))
    return s.proceed(i)
}

@_silgen_name("gate_exec_mov8MR") @inline(__always)
func exec_mov8MR(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: Int(i.seg), 1, s.r8(Int(i.reg))) }
@_silgen_name("gate_exec_slow_mov8MR") @inline(__always)
func slow_mov8MR(_ s: State, _ i: Ins) -> Next {
    s.write(Int(i.seg), s.ea(i), 1, s.r8(Int(i.reg)))
    return s.proceed(i)
}

@_silgen_name("gate_exec_mov8MI") @inline(__always)
func exec_mov8MI(_ s: State, _ i: Ins) -> Bool { storeMemory(s, i, seg: Int(i.seg), 1, i.imm, immediate: true) }
@_silgen_name("gate_exec_slow_mov8MI") @inline(__always)
func slow_mov8MI(_ s: State, _ i: Ins) -> Next {
    s.write(Int(i.seg), s.ea(i), 1, i.imm)
    return s.proceed(i)
}

@_silgen_name("gate_exec_mov8RM") @inline(__always)
func exec_mov8RM(_ s: State, _ i: Ins) -> Bool { loadByteRegister(s, i, seg: Int(i.seg)) }

@inline(__always)
func loadByteRegister(_ s: State, _ i: Ins, seg: Int) -> Bool {
    guard let p = s.hostRead(seg, s.ea32(i), 1, memo: i) else { return false }
    s.setR8(Int(i.reg), UInt32(p.load(as: UInt8.self)))
    return true
}
@_silgen_name("gate_exec_slow_mov8RM") @inline(__always)
func slow_mov8RM(_ s: State, _ i: Ins) -> Next {
    let v = s.read(Int(i.seg), s.ea(i), 1)
    if _slowPath(s.faulted) { return nil }
    s.setR8(Int(i.reg), v)
    return i.successor
}

// MARK: movzx, movsx, lea

@_silgen_name("gate_exec_movzx8R32") @inline(__always)
func exec_movzx8R32(_ s: State, _ i: Ins) -> Next { s.setR32(Int(i.reg), s.r8(Int(i.rm))); return i.successor }

@_silgen_name("gate_exec_movzx16R32") @inline(__always)
func exec_movzx16R32(_ s: State, _ i: Ins) -> Next { s.setR32(Int(i.reg), s.r16(Int(i.rm))); return i.successor }

@_silgen_name("gate_exec_movzx") @inline(__always)
func exec_movzx(_ s: State, _ i: Ins) -> Next { s.movzxsx(i, signExtend: false); return s.proceed(i) }

@_silgen_name("gate_exec_movsx") @inline(__always)
func exec_movsx(_ s: State, _ i: Ins) -> Next { s.movzxsx(i, signExtend: true); return s.proceed(i) }

@_silgen_name("gate_exec_lea") @inline(__always)
func exec_lea(_ s: State, _ i: Ins) -> Next { s.setReg(Int(i.reg), i.sz, s.ea(i)); return i.successor }

/// lea with a 32-bit destination and 32-bit addressing (the decoder's choice).
@_silgen_name("gate_exec_lea32") @inline(__always)
func exec_lea32(_ s: State, _ i: Ins) -> Next { s.setR32(Int(i.reg), s.ea32(i)); return i.successor }

// MARK: Exchanges

@_silgen_name("gate_exec_xchg") @inline(__always)
func exec_xchg(_ s: State, _ i: Ins) -> Next { s.xchg(i); return s.proceed(i) }

@_silgen_name("gate_exec_xadd") @inline(__always)
func exec_xadd(_ s: State, _ i: Ins) -> Next { s.xadd(i); return s.proceed(i) }

@_silgen_name("gate_exec_cmpxchg") @inline(__always)
func exec_cmpxchg(_ s: State, _ i: Ins) -> Next { s.cmpxchg(i); return s.proceed(i) }

@_silgen_name("gate_exec_cmpxchg8b") @inline(__always)
func exec_cmpxchg8b(_ s: State, _ i: Ins) -> Next { s.cmpxchg8b(i); return s.proceed(i) }

// MARK: Conversions and flag moves

@_silgen_name("gate_exec_cbw") @inline(__always)
func exec_cbw(_ s: State, _ i: Ins) -> Next { s.cbw(i); return i.successor }

@_silgen_name("gate_exec_cwd") @inline(__always)
func exec_cwd(_ s: State, _ i: Ins) -> Next { s.cwd(i); return i.successor }

@_silgen_name("gate_exec_lahf") @inline(__always)
func exec_lahf(_ s: State, _ i: Ins) -> Next { s.lahf(); return i.successor }

@_silgen_name("gate_exec_sahf") @inline(__always)
func exec_sahf(_ s: State, _ i: Ins) -> Next { s.sahf(); return i.successor }

@_silgen_name("gate_exec_xlat") @inline(__always)
func exec_xlat(_ s: State, _ i: Ins) -> Next { s.xlat(i); return s.proceed(i) }

@_silgen_name("gate_exec_salc") @inline(__always)
func exec_salc(_ s: State, _ i: Ins) -> Next { s.setR8(0, s.cf ? 0xff : 0); return i.successor }

@_silgen_name("gate_exec_setcc") @inline(__always)
func exec_setcc(_ s: State, _ i: Ins) -> Next { s.setcc(i); return s.proceed(i) }

/// setcc into a byte register, the condition evaluated inline: a call would make the
/// handler save registers.
@_silgen_name("gate_exec_setccR") @inline(__always)
func exec_setccR(_ s: State, _ i: Ins) -> Next {
    s.setR8(Int(i.rm), s.condition(Int(i.sub)) ? 1 : 0)
    return i.successor
}

@_silgen_name("gate_exec_cmovcc") @inline(__always)
func exec_cmovcc(_ s: State, _ i: Ins) -> Next { s.cmovcc(i); return s.proceed(i) }

@_silgen_name("gate_exec_clc") @inline(__always)
func exec_clc(_ s: State, _ i: Ins) -> Next { s.setStatusFlags(0, mask: EFLAGS.cf); return i.successor }

@_silgen_name("gate_exec_stc") @inline(__always)
func exec_stc(_ s: State, _ i: Ins) -> Next { s.setStatusFlags(EFLAGS.cf, mask: EFLAGS.cf); return i.successor }

@_silgen_name("gate_exec_cmc") @inline(__always)
func exec_cmc(_ s: State, _ i: Ins) -> Next {
    s.setStatusFlags(s.cf ? 0 : EFLAGS.cf, mask: EFLAGS.cf)
    return i.successor
}

@_silgen_name("gate_exec_cld") @inline(__always)
func exec_cld(_ s: State, _ i: Ins) -> Next { s.pointee.eflagsRaw &= ~EFLAGS.df; return i.successor }

@_silgen_name("gate_exec_std") @inline(__always)
func exec_std(_ s: State, _ i: Ins) -> Next { s.pointee.eflagsRaw |= EFLAGS.df; return i.successor }

@_silgen_name("gate_exec_cli") @inline(__always)
func exec_cli(_ s: State, _ i: Ins) -> Next { s.setInterruptFlag(false); return s.proceed(i) }

@_silgen_name("gate_exec_sti") @inline(__always)
func exec_sti(_ s: State, _ i: Ins) -> Next { s.setInterruptFlag(true); return s.proceed(i) }

@_silgen_name("gate_exec_nop") @inline(__always)
func exec_nop(_ s: State, _ i: Ins) -> Next { i.successor }

// MARK: Segments and far pointers

@_silgen_name("gate_exec_movRMSreg") @inline(__always)
func exec_movRMSreg(_ s: State, _ i: Ins) -> Next { s.movFromSreg(i); return s.proceed(i) }

/// mov to a segment register; fast from a register when the load repeats the last one.
@_silgen_name("gate_exec_movSregRM") @inline(__always)
func exec_movSregRM(_ s: State, _ i: Ins) -> Bool {
    !i.isMemory && i.reg != UInt8(SegReg.cs.rawValue) && s.fastLoadSegment(Int(i.reg), UInt16(truncatingIfNeeded: s.r32(Int(i.rm))))
}
@_silgen_name("gate_exec_slow_movSregRM") @inline(__always)
func slow_movSregRM(_ s: State, _ i: Ins) -> Next { s.movToSreg(i); return s.proceed(i) }

@_silgen_name("gate_exec_loadFarPointer") @inline(__always)
func exec_loadFarPointer(_ s: State, _ i: Ins) -> Next { s.loadFarPointer(i); return s.proceed(i) }

@_silgen_name("gate_exec_arpl") @inline(__always)
func exec_arpl(_ s: State, _ i: Ins) -> Next { s.arpl(i); return s.proceed(i) }

@_silgen_name("gate_exec_bound") @inline(__always)
func exec_bound(_ s: State, _ i: Ins) -> Next { s.bound(i); return s.proceed(i) }

extension HandlerTable {
    /// This file's shims. Naming them here, beside their bodies, compiles each shim into
    /// the same LLVM module as its body, so the body inlines into it.
    @inline(never)
    static func dataMoveShim(_ op: Op) -> Shim? {
        switch op {
        case .movRMReg: return gate_tc_movRMReg
        case .movRegRM: return gate_tc_movRegRM
        case .movRMImm: return gate_tc_movRMImm
        case .mov32RR: return gate_tc_mov32RR
        case .mov32RI: return gate_tc_mov32RI
        case .mov32RM: return gate_tc_mov32RM
        case .mov32MR: return gate_tc_mov32MR
        case .mov8MR: return gate_tc_mov8MR
        case .mov8RM: return gate_tc_mov8RM
        case .mov8MI: return gate_tc_mov8MI
        case .movzx8R32: return gate_tc_movzx8R32
        case .movzx16R32: return gate_tc_movzx16R32
        case .movzx8M32: return gate_tc_movzx8M32
        case .movzx16M32: return gate_tc_movzx16M32
        case .movsx8M32: return gate_tc_movsx8M32
        case .movsx16M32: return gate_tc_movsx16M32
        case .movzx: return gate_tc_movzx
        case .movsx: return gate_tc_movsx
        case .lea: return gate_tc_lea
        case .lea32: return gate_tc_lea32
        case .xchg: return gate_tc_xchg
        case .xadd: return gate_tc_xadd
        case .cmpxchg: return gate_tc_cmpxchg
        case .cmpxchg8b: return gate_tc_cmpxchg8b
        case .cbw: return gate_tc_cbw
        case .cwd: return gate_tc_cwd
        case .lahf: return gate_tc_lahf
        case .sahf: return gate_tc_sahf
        case .xlat: return gate_tc_xlat
        case .salc: return gate_tc_salc
        case .setcc: return gate_tc_setcc
        case .setccR: return gate_tc_setccR
        case .cmovcc: return gate_tc_cmovcc
        case .clc: return gate_tc_clc
        case .stc: return gate_tc_stc
        case .cmc: return gate_tc_cmc
        case .cld: return gate_tc_cld
        case .std: return gate_tc_std
        case .cli: return gate_tc_cli
        case .sti: return gate_tc_sti
        case .nop: return gate_tc_nop
        case .movRMSreg: return gate_tc_movRMSreg
        case .movSregRM: return gate_tc_movSregRM
        case .loadFarPointer: return gate_tc_loadFarPointer
        case .arpl: return gate_tc_arpl
        case .bound: return gate_tc_bound
        default: return nil
        }
    }
}
