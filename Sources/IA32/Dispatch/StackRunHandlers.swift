import IA32Dispatch

/// Handlers for runs of register pushes and pops (Decoder/StackRunFusion.swift). The fast
/// body checks the run's stack bytes once — one page, allowed, no decoded code under a
/// push — moves every register, and goes on past the run; otherwise the general body runs
/// the first push or pop alone and the rest of the run follows from its own slots.

/// The instruction after a run of `i.sub` slots.
@inline(__always)
func afterRun(_ i: Ins) -> Next { UnsafeRawPointer(i + Int(i.pointee.sub)) }

@inline(__always)
func pushRun(_ s: State, _ i: Ins, flat: Bool) -> Next {
    let bytes = UInt32(i.pointee.sub) &* 4
    let sp = s.esp &- bytes
    guard let p = s.hostStackWrite(sp, bytes, flat: flat) else { return slowPath }
    // The first push of the run stores highest.
    var registers = i.pointee.imm
    var offset = Int(bytes)
    repeat {
        offset -= 4
        p.storeBytes(of: s.r32(Int(registers & 0xf)), toByteOffset: offset, as: UInt32.self)
        registers >>= 4
    } while offset != 0
    s.esp = sp
    return afterRun(i)
}

@inline(__always)
func popRun(_ s: State, _ i: Ins, flat: Bool) -> Next {
    let bytes = UInt32(i.pointee.sub) &* 4
    let sp = s.esp
    guard let p = s.hostRead(s.stackSegment(flat: flat), sp, bytes) else { return slowPath }
    var registers = i.pointee.imm
    var offset = 0
    repeat {
        s.setR32(Int(registers & 0xf), p.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        registers >>= 4
        offset += 4
    } while offset != Int(bytes)
    s.esp = sp &+ bytes
    return afterRun(i)
}

@_silgen_name("gate_exec_push32RRun") @inline(__always)
func exec_push32RRun(_ s: State, _ i: Ins) -> Next { pushRun(s, i, flat: false) }
@_silgen_name("gate_exec_flat_push32RRun") @inline(__always)
func exec_flat_push32RRun(_ s: State, _ i: Ins) -> Next { pushRun(s, i, flat: true) }
/// The general body: the first push alone, then on to the next slot.
@_silgen_name("gate_exec_slow_push32RRun") @inline(__always)
func slow_push32RRun(_ s: State, _ i: Ins) -> Next { slow_push32R(s, i) }

@_silgen_name("gate_exec_pop32RRun") @inline(__always)
func exec_pop32RRun(_ s: State, _ i: Ins) -> Next { popRun(s, i, flat: false) }
@_silgen_name("gate_exec_flat_pop32RRun") @inline(__always)
func exec_flat_pop32RRun(_ s: State, _ i: Ins) -> Next { popRun(s, i, flat: true) }
/// The general body: the first pop alone, then on to the next slot.
@_silgen_name("gate_exec_slow_pop32RRun") @inline(__always)
func slow_pop32RRun(_ s: State, _ i: Ins) -> Next { slow_pop32R(s, i) }

extension HandlerTable {
    /// This file's shims, compiled beside their bodies (see `aluShim`).
    @inline(never)
    static func stackRunShim(_ op: Op) -> Shim? {
        switch op {
        case .push32RRun: return gate_tc_push32RRun
        case .pop32RRun: return gate_tc_pop32RRun
        default: return nil
        }
    }

    /// The flat forms' shims (for `flatShim`).
    @inline(never)
    static func stackRunFlatShim(_ op: Op) -> Shim? {
        switch op {
        case .push32RRun: return gate_tc_flat_push32RRun
        case .pop32RRun: return gate_tc_flat_pop32RRun
        default: return nil
        }
    }
}
