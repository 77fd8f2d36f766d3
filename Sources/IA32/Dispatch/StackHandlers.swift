import IA32Dispatch

/// Handlers for the stack family (Execute/Stack.swift and the pushes and pops of
/// Operands.swift).

@_silgen_name("gate_exec_pushReg") @inline(__always)
func exec_pushReg(_ s: State, _ i: Ins) -> Next { s.push(s.reg(Int(i.reg), i.sz), i.sz); return s.proceed(i) }

@_silgen_name("gate_exec_popReg") @inline(__always)
func exec_popReg(_ s: State, _ i: Ins) -> Next {
    let v = s.pop(i.sz)
    if _slowPath(s.faulted) { return nil }
    s.setReg(Int(i.reg), i.sz, v)
    return i.successor
}

extension UnsafeMutablePointer where Pointee == CPUState {
    /// A 32-bit push that cannot fault or touch decoded code; false leaves it undone.
    @inline(__always) func fastPush32(_ v: UInt32, flat: Bool) -> Bool {
        let sp = esp &- 4
        guard let p = hostStackWrite(sp, 4, flat: flat) else { return false }
        p.storeBytes(of: v, as: UInt32.self)
        esp = sp
        return true
    }

    /// A 32-bit pop that cannot fault, or nil.
    @inline(__always) func fastPop32(flat: Bool) -> UInt32? {
        let sp = esp
        guard let p = hostRead(stackSegment(flat: flat), sp, 4) else { return nil }
        esp = sp &+ 4
        return p.loadUnaligned(as: UInt32.self)
    }
}

@_silgen_name("gate_exec_push32R") @inline(__always)
func exec_push32R(_ s: State, _ i: Ins) -> Bool { s.fastPush32(s.r32(Int(i.reg)), flat: false) }
@_silgen_name("gate_exec_slow_push32R") @inline(__always)
func slow_push32R(_ s: State, _ i: Ins) -> Next { s.push32(s.r32(Int(i.reg))); return s.proceed(i) }

/// pop %r32. ESP moves before the register is written: `pop %esp` loads the popped
/// value, not the incremented pointer.
@_silgen_name("gate_exec_pop32R") @inline(__always)
func exec_pop32R(_ s: State, _ i: Ins) -> Bool { popRegister(s, i, flat: false) }

@inline(__always)
func popRegister(_ s: State, _ i: Ins, flat: Bool) -> Bool {
    guard let v = s.fastPop32(flat: flat) else { return false }
    s.setR32(Int(i.reg), v)
    return true
}
@_silgen_name("gate_exec_slow_pop32R") @inline(__always)
func slow_pop32R(_ s: State, _ i: Ins) -> Next {
    let v = s.read(SegReg.ss.rawValue, s.esp, 4)
    if _slowPath(s.faulted) { return nil }
    s.esp = s.esp &+ 4
    s.setR32(Int(i.reg), v)
    return i.successor
}

@_silgen_name("gate_exec_pushImm") @inline(__always)
func exec_pushImm(_ s: State, _ i: Ins) -> Bool { i.size == 4 && s.fastPush32(i.imm, flat: false) }
@_silgen_name("gate_exec_slow_pushImm") @inline(__always)
func slow_pushImm(_ s: State, _ i: Ins) -> Next { s.push(i.imm, i.sz); return s.proceed(i) }

/// push r/m32: the operand is read before ESP moves (`push (%esp)` pushes the old top).
@_silgen_name("gate_exec_pushRM") @inline(__always)
func exec_pushRM(_ s: State, _ i: Ins) -> Bool { pushOperand(s, i, seg: Int(i.seg), flat: false) }

@inline(__always)
func pushOperand(_ s: State, _ i: Ins, seg: Int, flat: Bool) -> Bool {
    guard let v = s.fastTarget(i, seg: seg) else { return false }
    return s.fastPush32(v, flat: flat)
}
@_silgen_name("gate_exec_slow_pushRM") @inline(__always)
func slow_pushRM(_ s: State, _ i: Ins) -> Next {
    let v = s.readRM(i)
    if _slowPath(s.faulted) { return nil }
    s.push(v, i.sz)
    return s.proceed(i)
}

@_silgen_name("gate_exec_popRM") @inline(__always)
func exec_popRM(_ s: State, _ i: Ins) -> Next { s.popRM(i); return s.proceed(i) }

/// push %sreg with a 32-bit operand: P6-family and later parts write only the low word
/// of the slot (Stack.swift).
@_silgen_name("gate_exec_pushSreg") @inline(__always)
func exec_pushSreg(_ s: State, _ i: Ins) -> Bool {
    let sp = s.esp &- 4
    guard i.size == 4, let p = s.hostStackWrite(sp, 4, flat: false) else { return false }
    p.storeBytes(of: s.segmentCache(Int(i.reg)).pointee.selector, as: UInt16.self)
    s.esp = sp
    return true
}
@_silgen_name("gate_exec_slow_pushSreg") @inline(__always)
func slow_pushSreg(_ s: State, _ i: Ins) -> Next { s.pushSreg(i); return s.proceed(i) }

/// pop %sreg: the stack moves only once the load has passed.
@_silgen_name("gate_exec_popSreg") @inline(__always)
func exec_popSreg(_ s: State, _ i: Ins) -> Bool {
    let sp = s.esp
    guard i.size == 4, let p = s.hostRead(SegReg.ss.rawValue, sp, 4),
          s.fastLoadSegment(Int(i.reg), p.loadUnaligned(as: UInt16.self)) else { return false }
    s.esp = sp &+ 4
    return true
}
@_silgen_name("gate_exec_slow_popSreg") @inline(__always)
func slow_popSreg(_ s: State, _ i: Ins) -> Next { s.popSreg(i); return s.proceed(i) }

@_silgen_name("gate_exec_pusha") @inline(__always)
func exec_pusha(_ s: State, _ i: Ins) -> Next { s.pusha(i); return s.proceed(i) }

@_silgen_name("gate_exec_popa") @inline(__always)
func exec_popa(_ s: State, _ i: Ins) -> Next { s.popa(i); return s.proceed(i) }

/// pushf; the fast body pushes 32 bits onto one allowed page (the sysenter path's pushf).
@_silgen_name("gate_exec_pushf") @inline(__always)
func exec_pushf(_ s: State, _ i: Ins) -> Bool {
    i.size == 4 && s.fastPush32(s.eflags & ~(EFLAGS.vm | EFLAGS.rf), flat: false)
}
@_silgen_name("gate_exec_slow_pushf") @inline(__always)
func slow_pushf(_ s: State, _ i: Ins) -> Next { s.pushf(i); return s.proceed(i) }

/// popf ends its block: setting TF must reach the run loop, which single-steps.
@_silgen_name("gate_exec_popf") @inline(__always)
func exec_popf(_ s: State, _ i: Ins) -> Next { s.popf(i); return s.proceed(i) }

@_silgen_name("gate_exec_enter") @inline(__always)
func exec_enter(_ s: State, _ i: Ins) -> Next { s.enter(i); return s.proceed(i) }

@_silgen_name("gate_exec_leave") @inline(__always)
func exec_leave(_ s: State, _ i: Ins) -> Next { s.leave(i); return s.proceed(i) }

extension HandlerTable {
    /// This file's shims. Naming them here, beside their bodies, compiles each shim into
    /// the same LLVM module as its body, so the body inlines into it.
    @inline(never)
    static func stackShim(_ op: Op) -> Shim? {
        switch op {
        case .pushReg: return gate_tc_pushReg
        case .popReg: return gate_tc_popReg
        case .push32R: return gate_tc_push32R
        case .pop32R: return gate_tc_pop32R
        case .pushImm: return gate_tc_pushImm
        case .pushRM: return gate_tc_pushRM
        case .popRM: return gate_tc_popRM
        case .pushSreg: return gate_tc_pushSreg
        case .popSreg: return gate_tc_popSreg
        case .pusha: return gate_tc_pusha
        case .popa: return gate_tc_popa
        case .pushf: return gate_tc_pushf
        case .popf: return gate_tc_popf
        case .enter: return gate_tc_enter
        case .leave: return gate_tc_leave
        default: return nil
        }
    }
}
