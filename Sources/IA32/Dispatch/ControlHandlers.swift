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

@_silgen_name("gate_exec_jccB") @inline(__always)
func exec_jccB(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.below != (i.sub & 1 != 0)) }

@_silgen_name("gate_exec_jccE") @inline(__always)
func exec_jccE(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.zf != (i.sub & 1 != 0)) }

@_silgen_name("gate_exec_jccBE") @inline(__always)
func exec_jccBE(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.belowOrEqual != (i.sub & 1 != 0)) }

@_silgen_name("gate_exec_jccS") @inline(__always)
func exec_jccS(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.sf != (i.sub & 1 != 0)) }

@_silgen_name("gate_exec_jccL") @inline(__always)
func exec_jccL(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.less != (i.sub & 1 != 0)) }

@_silgen_name("gate_exec_jccLE") @inline(__always)
func exec_jccLE(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.lessOrEqual != (i.sub & 1 != 0)) }

@_silgen_name("gate_exec_loop") @inline(__always)
func exec_loop(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.loopTaken(i)) }

@_silgen_name("gate_exec_jecxz") @inline(__always)
func exec_jecxz(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: s.jecxzTaken(i)) }

// MARK: Direct jmp and call

@_silgen_name("gate_exec_jmp") @inline(__always)
func exec_jmp(_ s: State, _ i: Ins) -> Next { s.leaveBlock(i, taken: true) }

@_silgen_name("gate_exec_call") @inline(__always)
func exec_call(_ s: State, _ i: Ins) -> Next {
    guard i.size == 4 && s.fastPush32(i.next) else { return slowPath }
    return s.leaveBlock(i, taken: true)
}
@_silgen_name("gate_exec_slow_call") @inline(__always)
func slow_call(_ s: State, _ i: Ins) -> Next {
    s.push(i.next, i.sz)
    if _slowPath(s.faulted) { return nil }
    return s.leaveBlock(i, taken: true)
}

// MARK: Indirect transfers and returns

@_silgen_name("gate_exec_jmpRM") @inline(__always)
func exec_jmpRM(_ s: State, _ i: Ins) -> Next { s.jmpRM(i); return s.leaveAfter(i) }

@_silgen_name("gate_exec_callRM") @inline(__always)
func exec_callRM(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    s.callRM(i)
    return s.leaveAfter(i)
}

@_silgen_name("gate_exec_ret") @inline(__always)
func exec_ret(_ s: State, _ i: Ins) -> Next {
    guard i.size == 4, let target = s.fastPop32() else { return slowPath }
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
        case .jccB: return gate_tc_jccB
        case .jccE: return gate_tc_jccE
        case .jccBE: return gate_tc_jccBE
        case .jccS: return gate_tc_jccS
        case .jccL: return gate_tc_jccL
        case .jccLE: return gate_tc_jccLE
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
