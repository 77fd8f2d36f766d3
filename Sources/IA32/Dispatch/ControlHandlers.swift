import IA32Dispatch

/// Handlers for control transfers (Execute/Control.swift). Each one ends its block:
/// it retires the block and goes on through the block's tail (Dispatch/BlockTail.swift).
///
/// Static ones (conditional branches, direct jmp and call) pick the tail's slot by the
/// way they went and leave EIP to be set only if they return to the run loop: nothing
/// inside a block reads it. Dynamic ones set EIP as the instruction defines it and look
/// the slot up by EIP and CPL. A terminator that pushes its return address pushes its
/// own `next`; one that faults returns to the run loop, which puts EIP back on it.

extension UnsafeMutablePointer where Pointee == CPUState {
    /// The end of a dynamic terminator: back to the run loop if it raised anything.
    @inline(__always) func leaveAfter(_ i: Ins) -> Next {
        pointee.attention ? nil : leaveBlockDynamic(i)
    }
}

// MARK: Conditional branches

@_silgen_name("gate_exec_jcc") @inline(__always)
func exec_jcc(_ s: State, _ i: Ins) -> Next {
    let cc = Int(i.sub)
    let taken: Bool
    // je/jne after a lazily recorded operation: kept inline.
    if cc & 0xe == 4 && s.pointee.flags.op != .none {
        taken = (s.pointee.flags.res == 0) != (cc & 1 != 0)
    } else {
        taken = s.conditionOutOfLine(cc)
    }
    return s.leaveBlock(i, taken: taken)
}

@_silgen_name("gate_exec_jb") @inline(__always)
func exec_jb(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.below) }

@_silgen_name("gate_exec_jae") @inline(__always)
func exec_jae(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: !s.below) }

@_silgen_name("gate_exec_je") @inline(__always)
func exec_je(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.zf) }

@_silgen_name("gate_exec_jne") @inline(__always)
func exec_jne(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: !s.zf) }

@_silgen_name("gate_exec_jbe") @inline(__always)
func exec_jbe(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.belowOrEqual) }

@_silgen_name("gate_exec_ja") @inline(__always)
func exec_ja(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: !s.belowOrEqual) }

@_silgen_name("gate_exec_js") @inline(__always)
func exec_js(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.sf) }

@_silgen_name("gate_exec_jns") @inline(__always)
func exec_jns(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: !s.sf) }

@_silgen_name("gate_exec_jl") @inline(__always)
func exec_jl(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.less) }

@_silgen_name("gate_exec_jge") @inline(__always)
func exec_jge(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: !s.less) }

@_silgen_name("gate_exec_jle") @inline(__always)
func exec_jle(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.lessOrEqual) }

@_silgen_name("gate_exec_jg") @inline(__always)
func exec_jg(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: !s.lessOrEqual) }

@_silgen_name("gate_exec_loop") @inline(__always)
func exec_loop(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.loopTaken(i)) }

@_silgen_name("gate_exec_jecxz") @inline(__always)
func exec_jecxz(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.jecxzTaken(i)) }

// MARK: Direct jmp and call

@_silgen_name("gate_exec_jmp") @inline(__always)
func exec_jmp(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: true) }

@_silgen_name("gate_exec_call") @inline(__always)
func exec_call(_ s: State, _ i: Ins) -> Next { callDirect(s, i, flat: false) }

@inline(__always)
func callDirect(_ s: State, _ i: Ins, flat: Bool) -> Next {
    guard i.size == 4 && s.fastPush32(i.next, flat: flat) else { return slowPath }
    return s.leaveBlock(i, taken: true)
}
@_silgen_name("gate_exec_slow_call") @inline(__always)
func slow_call(_ s: State, _ i: Ins) -> Next {
    s.push(i.next, i.sz)
    if _slowPath(s.faulted) { return nil }
    return s.leaveBlock(i, taken: true)
}

// MARK: Indirect transfers and returns

extension UnsafeMutablePointer where Pointee == CPUState {
    /// A 32-bit r/m operand, if reading it cannot fault: the target of an indirect jmp
    /// or call, the value of push r/m.
    @inline(__always) func fastTarget(_ i: Ins, seg: Int) -> UInt32? {
        guard i.size == 4 else { return nil }
        if !i.isMemory { return r32(Int(i.rm)) }
        guard !i.addr16, let p = hostRead(seg, ea32(i), 4) else { return nil }
        return p.loadUnaligned(as: UInt32.self)
    }
}

@_silgen_name("gate_exec_jmpRM") @inline(__always)
func exec_jmpRM(_ s: State, _ i: Ins) -> Next { jumpIndirect(s, i, seg: Int(i.seg)) }

@inline(__always)
func jumpIndirect(_ s: State, _ i: Ins, seg: Int) -> Next {
    guard let target = s.fastTarget(i, seg: seg) else { return slowPath }
    s.pointee.eip = target
    return s.leaveBlockDynamic(i)
}
@_silgen_name("gate_exec_slow_jmpRM") @inline(__always)
func slow_jmpRM(_ s: State, _ i: Ins) -> Next { s.jmpRM(i); return s.leaveAfter(i) }

/// call *r/m32: the target is read before the return address is pushed.
@_silgen_name("gate_exec_callRM") @inline(__always)
func exec_callRM(_ s: State, _ i: Ins) -> Next { callIndirect(s, i, seg: Int(i.seg), flat: false) }

@inline(__always)
func callIndirect(_ s: State, _ i: Ins, seg: Int, flat: Bool) -> Next {
    guard let target = s.fastTarget(i, seg: seg), s.fastPush32(i.next, flat: flat) else { return slowPath }
    s.pointee.eip = target
    return s.leaveBlockDynamic(i)
}
@_silgen_name("gate_exec_slow_callRM") @inline(__always)
func slow_callRM(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    s.callRM(i)
    return s.leaveAfter(i)
}

@_silgen_name("gate_exec_ret") @inline(__always)
func exec_ret(_ s: State, _ i: Ins) -> Next { returnNear(s, i, flat: false) }

@inline(__always)
func returnNear(_ s: State, _ i: Ins, flat: Bool) -> Next {
    guard i.size == 4, let target = s.fastPop32(flat: flat) else { return slowPath }
    s.pointee.eip = target
    return s.leaveBlockDynamic(i)
}
@_silgen_name("gate_exec_slow_ret") @inline(__always)
func slow_ret(_ s: State, _ i: Ins) -> Next { s.ret(i, release: 0); return s.leaveAfter(i) }

@_silgen_name("gate_exec_retImm") @inline(__always)
func exec_retImm(_ s: State, _ i: Ins) -> Next { s.ret(i, release: i.imm); return s.leaveAfter(i) }

// MARK: Far transfers

@_silgen_name("gate_exec_jmpFar") @inline(__always)
func exec_jmpFar(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    s.jmpFar(selector: UInt16(i.imm2), offset: i.imm)
    return s.leaveAfter(i)
}

@_silgen_name("gate_exec_callFar") @inline(__always)
func exec_callFar(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    s.callFar(selector: UInt16(i.imm2), offset: i.imm, i.sz)
    return s.leaveAfter(i)
}

@_silgen_name("gate_exec_jmpFarRM") @inline(__always)
func exec_jmpFarRM(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    if let (sel, off) = s.farPointer(i) { s.jmpFar(selector: sel, offset: off) }
    return s.leaveAfter(i)
}

@_silgen_name("gate_exec_callFarRM") @inline(__always)
func exec_callFarRM(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    if let (sel, off) = s.farPointer(i) { s.callFar(selector: sel, offset: off, i.sz) }
    return s.leaveAfter(i)
}

@_silgen_name("gate_exec_retFar") @inline(__always)
func exec_retFar(_ s: State, _ i: Ins) -> Next { s.retFar(i); return s.leaveAfter(i) }

extension HandlerTable {
    /// This file's shims. Naming them here, beside their bodies, compiles each shim into
    /// the same LLVM module as its body, so the body inlines into it.
    @inline(never)
    static func controlShim(_ op: Op) -> Shim? {
        switch op {
        case .jcc: return gate_tc_jcc
        case .jb: return gate_tc_jb
        case .jae: return gate_tc_jae
        case .je: return gate_tc_je
        case .jne: return gate_tc_jne
        case .jbe: return gate_tc_jbe
        case .ja: return gate_tc_ja
        case .js: return gate_tc_js
        case .jns: return gate_tc_jns
        case .jl: return gate_tc_jl
        case .jge: return gate_tc_jge
        case .jle: return gate_tc_jle
        case .jg: return gate_tc_jg
        case .loop: return gate_tc_loop
        case .jecxz: return gate_tc_jecxz
        case .jmp: return gate_tc_jmp
        case .call: return gate_tc_call
        case .jmpRM: return gate_tc_jmpRM
        case .callRM: return gate_tc_callRM
        case .ret: return gate_tc_ret
        case .retImm: return gate_tc_retImm
        case .jmpFar: return gate_tc_jmpFar
        case .callFar: return gate_tc_callFar
        case .jmpFarRM: return gate_tc_jmpFarRM
        case .callFarRM: return gate_tc_callFarRM
        case .retFar: return gate_tc_retFar
        default: return nil
        }
    }
}
