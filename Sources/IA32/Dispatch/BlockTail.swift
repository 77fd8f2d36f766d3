import IA32Dispatch

/// The record the block cache puts after a block's last instruction, in the same pool
/// slot size as an `Instruction`, and how a block is left.
///
/// A block's last instruction either transfers control itself (a *terminator*: jcc,
/// jmp, call, ret, int, iret, sysenter…) and then reads the tail that follows it, or it
/// is an ordinary instruction whose successor is the tail, whose own handler then does
/// the fall-through. Either way the tail says how many instructions the block retired,
/// and where control went the last times, as pointers straight to the first
/// instruction of the next block. Following one costs a load and a jump: the
/// interpreter leaves the chain of tail calls only when a tail has no link for where
/// control went, when the instruction budget runs out, or for an instruction that needs
/// the run loop.
///
/// Links are of two kinds. A *static* terminator has its targets fixed by the code
/// (a conditional branch: taken, slot 0, or not, slot 1; a direct jmp or call; a block
/// that just falls through), so the slot is chosen without comparing addresses. Every
/// other terminator (ret, indirect jumps and calls, far transfers, int, iret, sysenter,
/// sysexit) is *dynamic*: each slot remembers the EIP and CPL it was made for, the two
/// most recent first. Static terminators never change CPL, and the block cache keys
/// blocks by CPL, so a block only ever runs at the privilege level it was decoded for.
struct BlockTail {
    /// The fall-through handler (`gate_tc_blockTail`): runs when the block's last
    /// instruction is not a terminator.
    var handler: UnsafeRawPointer?
    /// Always `.blockTail`, at the offset where an instruction keeps its `op`: tells a
    /// tail from an instruction when the run loop gets one back.
    var op: Op = .blockTail
    var dynamic: Bool = false
    /// Dynamic links: the CPL each slot was made for (0xff: empty).
    var cpl0: UInt8 = 0xff
    /// Instructions in the block, retired when it is left through its tail.
    var count: UInt16 = 0
    var cpl1: UInt8 = 0xff
    /// Static links: the taken target and the fall-through EIP. Dynamic links: the EIP
    /// each slot was made for.
    var eip0: UInt32 = 0
    var eip1: UInt32 = 0
    /// The first instruction of the block each slot leads to (nil: not linked yet).
    var target0: UnsafeRawPointer? = nil
    var target1: UnsafeRawPointer? = nil

    /// The tail for a block of `count` instructions ending with `last`.
    init(after last: Instruction, count: Int) {
        handler = HandlerTable.blockTail
        self.count = UInt16(count)
        if last.op.isStaticTerminator {
            eip0 = last.op == .jmp || last.op == .call || last.op.isConditionalBranch ? last.imm : last.next
            eip1 = last.next
        } else if last.op.isTerminator {
            dynamic = true
        } else {
            eip0 = last.next
            eip1 = last.next
        }
    }

    /// Records that control left this tail's block for `eip` at `cpl`, where the block
    /// starting at `target` runs.
    mutating func link(eip: UInt32, cpl: UInt8, to target: UnsafeRawPointer) {
        if dynamic {
            if eip0 == eip && cpl0 == cpl { target0 = target; return }
            eip1 = eip0; cpl1 = cpl0; target1 = target0
            eip0 = eip; cpl0 = cpl; target0 = target
        } else {
            if eip == eip0 { target0 = target }
            if eip == eip1 { target1 = target }
        }
    }
}

extension Op {
    /// Ops whose handler transfers control and then reads the block tail after it; the
    /// decoder ends a block after each of them.
    var isTerminator: Bool { isStaticTerminator || isDynamicTerminator }

    var isConditionalBranch: Bool {
        switch self {
        case .jcc, .jb, .jae, .je, .jne, .jbe, .ja, .js, .jns, .jl, .jge, .jle, .jg, .loop, .jecxz: return true
        default: return false
        }
    }

    var isStaticTerminator: Bool { isConditionalBranch || self == .jmp || self == .call }

    var isDynamicTerminator: Bool {
        switch self {
        case .jmpRM, .callRM, .ret, .retImm, .jmpFar, .callFar, .jmpFarRM, .callFarRM, .retFar,
             .int3, .intN, .into, .iret, .sysenter, .sysexit:
            return true
        default:
            return false
        }
    }
}

extension UnsafeMutablePointer where Pointee == CPUState {
    /// The tail after terminator `i`.
    @inline(__always) func tail(after i: Ins) -> UnsafeMutablePointer<BlockTail> {
        UnsafeMutableRawPointer(mutating: i + 1).assumingMemoryBound(to: BlockTail.self)
    }

    /// Retires the block and says whether the budget allows going on to the next one.
    @inline(__always) func retire(_ tail: UnsafeMutablePointer<BlockTail>) -> Bool {
        gate_spend(&pointee.budget, UInt32(tail.pointee.count))
    }

    /// Leaves the block through a static terminator: to the taken target (slot 0) or
    /// the fall-through (slot 1). EIP is written only when control returns to the run
    /// loop (which links the slot): while blocks follow each other nothing reads it.
    @inline(__always) func leaveBlock(_ i: Ins, taken: Bool) -> Next {
        leave(tail(after: i), slot: taken)
    }

    @inline(__always) func leave(_ t: UnsafeMutablePointer<BlockTail>, slot taken: Bool) -> Next {
        let target: UnsafeRawPointer?
        // A branch, not a select (gate_keep_branch): the host predicts it and fetches
        // the next block's instructions before the guest's condition is known.
        if taken {
            gate_keep_branch()
            target = t.pointee.target0
        } else {
            target = t.pointee.target1
        }
        if _fastPath(retire(t) && target != nil) { return target }
        pointee.eip = taken ? t.pointee.eip0 : t.pointee.eip1
        pointee.exitTail = UnsafeMutableRawPointer(t)
        return nil
    }

    /// Leaves the block through a dynamic terminator, which has set EIP (and maybe CPL).
    @inline(__always) func leaveBlockDynamic(_ i: Ins) -> Next {
        let t = tail(after: i)
        if _fastPath(retire(t)) {
            let eip = pointee.eip, cpl = pointee.cpl
            if t.pointee.eip0 == eip && t.pointee.cpl0 == cpl, let n = t.pointee.target0 { return n }
            if t.pointee.eip1 == eip && t.pointee.cpl1 == cpl, let n = t.pointee.target1 { return n }
        }
        pointee.exitTail = UnsafeMutableRawPointer(t)
        return nil
    }
}

/// The fall-through: the block's last instruction was not a terminator.
@_silgen_name("gate_exec_blockTail") @inline(__always)
func exec_blockTail(_ s: State, _ i: Ins) -> Next {
    s.leave(UnsafeMutableRawPointer(mutating: i).assumingMemoryBound(to: BlockTail.self), slot: false)
}

/// The first instruction of a block that self-modifying code invalidated: links into
/// it from other blocks still exist, so it sends control back to the run loop, which
/// decodes the new bytes. EIP was set by the block that jumped here.
@_silgen_name("gate_exec_invalidBlock") @inline(__always)
func exec_invalidBlock(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next &- UInt32(i.length)
    s.pointee.exitTail = nil
    return nil
}

extension HandlerTable {
    /// This file's shims. Naming them here, beside their bodies, compiles each shim into
    /// the same LLVM module as its body, so the body inlines into it.
    @inline(never)
    static func blockEndShim(_ op: Op) -> Shim? {
        switch op {
        case .blockTail: return gate_tc_blockTail
        case .invalidBlock: return gate_tc_invalidBlock
        default: return nil
        }
    }
}
