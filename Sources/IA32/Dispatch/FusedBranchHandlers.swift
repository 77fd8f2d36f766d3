import IA32Dispatch

/// Handlers for a 32-bit compare or test fused with the jcc after it (Decoder/
/// BranchFusion.swift): the compare records its flags as usual (the next block may read
/// them), and the branch is decided from the operands in hand rather than from the
/// flags just stored. The block's tail is two slots on, past the jcc.

extension UnsafeMutablePointer where Pointee == CPUState {
    @inline(__always) func leaveFusedBlock(_ i: Ins, taken: Bool) -> Next {
        leave(UnsafeMutableRawPointer(mutating: i + 2).assumingMemoryBound(to: BlockTail.self), slot: taken)
    }
}

@_silgen_name("gate_exec_cmpRRJb") @inline(__always)
func exec_cmpRRJb(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d < v)
}

@_silgen_name("gate_exec_cmpRRJae") @inline(__always)
func exec_cmpRRJae(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d >= v)
}

@_silgen_name("gate_exec_cmpRRJe") @inline(__always)
func exec_cmpRRJe(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d == v)
}

@_silgen_name("gate_exec_cmpRRJne") @inline(__always)
func exec_cmpRRJne(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d != v)
}

@_silgen_name("gate_exec_cmpRRJbe") @inline(__always)
func exec_cmpRRJbe(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d <= v)
}

@_silgen_name("gate_exec_cmpRRJa") @inline(__always)
func exec_cmpRRJa(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d > v)
}

@_silgen_name("gate_exec_cmpRRJs") @inline(__always)
func exec_cmpRRJs(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d &- v) < 0)
}

@_silgen_name("gate_exec_cmpRRJns") @inline(__always)
func exec_cmpRRJns(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d &- v) >= 0)
}

@_silgen_name("gate_exec_cmpRRJl") @inline(__always)
func exec_cmpRRJl(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d) < Int32(bitPattern: v))
}

@_silgen_name("gate_exec_cmpRRJge") @inline(__always)
func exec_cmpRRJge(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d) >= Int32(bitPattern: v))
}

@_silgen_name("gate_exec_cmpRRJle") @inline(__always)
func exec_cmpRRJle(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d) <= Int32(bitPattern: v))
}

@_silgen_name("gate_exec_cmpRRJg") @inline(__always)
func exec_cmpRRJg(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = s.r32(Int(i.reg))
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d) > Int32(bitPattern: v))
}

@_silgen_name("gate_exec_cmpRIJb") @inline(__always)
func exec_cmpRIJb(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d < v)
}

@_silgen_name("gate_exec_cmpRIJae") @inline(__always)
func exec_cmpRIJae(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d >= v)
}

@_silgen_name("gate_exec_cmpRIJe") @inline(__always)
func exec_cmpRIJe(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d == v)
}

@_silgen_name("gate_exec_cmpRIJne") @inline(__always)
func exec_cmpRIJne(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d != v)
}

@_silgen_name("gate_exec_cmpRIJbe") @inline(__always)
func exec_cmpRIJbe(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d <= v)
}

@_silgen_name("gate_exec_cmpRIJa") @inline(__always)
func exec_cmpRIJa(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: d > v)
}

@_silgen_name("gate_exec_cmpRIJs") @inline(__always)
func exec_cmpRIJs(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d &- v) < 0)
}

@_silgen_name("gate_exec_cmpRIJns") @inline(__always)
func exec_cmpRIJns(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d &- v) >= 0)
}

@_silgen_name("gate_exec_cmpRIJl") @inline(__always)
func exec_cmpRIJl(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d) < Int32(bitPattern: v))
}

@_silgen_name("gate_exec_cmpRIJge") @inline(__always)
func exec_cmpRIJge(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d) >= Int32(bitPattern: v))
}

@_silgen_name("gate_exec_cmpRIJle") @inline(__always)
func exec_cmpRIJle(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d) <= Int32(bitPattern: v))
}

@_silgen_name("gate_exec_cmpRIJg") @inline(__always)
func exec_cmpRIJg(_ s: State, _ i: Ins) -> Next {
    let d = s.r32(Int(i.rm)), v = i.imm
    s.recordFlags32(.sub, d, v, d &- v)
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: d) > Int32(bitPattern: v))
}

@_silgen_name("gate_exec_testRRJb") @inline(__always)
func exec_testRRJb(_ s: State, _ i: Ins) -> Next {
    _ = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: false)   // CF is 0 after test
}

@_silgen_name("gate_exec_testRRJae") @inline(__always)
func exec_testRRJae(_ s: State, _ i: Ins) -> Next {
    _ = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: true)   // CF is 0 after test
}

@_silgen_name("gate_exec_testRRJe") @inline(__always)
func exec_testRRJe(_ s: State, _ i: Ins) -> Next {
    let r = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: r == 0)
}

@_silgen_name("gate_exec_testRRJne") @inline(__always)
func exec_testRRJne(_ s: State, _ i: Ins) -> Next {
    let r = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: r != 0)
}

@_silgen_name("gate_exec_testRRJbe") @inline(__always)
func exec_testRRJbe(_ s: State, _ i: Ins) -> Next {
    let r = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: r == 0)
}

@_silgen_name("gate_exec_testRRJa") @inline(__always)
func exec_testRRJa(_ s: State, _ i: Ins) -> Next {
    let r = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: r != 0)
}

@_silgen_name("gate_exec_testRRJs") @inline(__always)
func exec_testRRJs(_ s: State, _ i: Ins) -> Next {
    let r = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: r) < 0)
}

@_silgen_name("gate_exec_testRRJns") @inline(__always)
func exec_testRRJns(_ s: State, _ i: Ins) -> Next {
    let r = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: r) >= 0)
}

@_silgen_name("gate_exec_testRRJl") @inline(__always)
func exec_testRRJl(_ s: State, _ i: Ins) -> Next {
    let r = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: r) < 0)
}

@_silgen_name("gate_exec_testRRJge") @inline(__always)
func exec_testRRJge(_ s: State, _ i: Ins) -> Next {
    let r = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: r) >= 0)
}

@_silgen_name("gate_exec_testRRJle") @inline(__always)
func exec_testRRJle(_ s: State, _ i: Ins) -> Next {
    let r = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: r) <= 0)
}

@_silgen_name("gate_exec_testRRJg") @inline(__always)
func exec_testRRJg(_ s: State, _ i: Ins) -> Next {
    let r = s.logic32(s.r32(Int(i.rm)) & s.r32(Int(i.reg)))
    return s.leaveFusedBlock(i, taken: Int32(bitPattern: r) > 0)
}

// MARK: Memory compares with je/jne

/// `cmp $imm, mem` and a je (`zero`) or jne: fast when the read cannot fault.
@inline(__always)
func fusedMemoryCompare(_ s: State, _ i: Ins, seg: Int, size: UInt32, indexed: Bool, jumpIfZero: Bool) -> Next {
    guard let p = s.hostRead(seg, s.ea32(i, indexed: indexed), size) else { return slowPath }
    let d = size == 1 ? UInt32(p.load(as: UInt8.self)) : p.loadUnaligned(as: UInt32.self)
    return compareAndLeave(s, i, d, size: size, jumpIfZero: jumpIfZero)
}

/// The same in general: a fault returns to the run loop with the flags untouched.
@inline(__always)
func fusedMemoryCompareSlow(_ s: State, _ i: Ins, size: UInt32, jumpIfZero: Bool) -> Next {
    let d = s.read(Int(i.seg), s.ea(i), Int(size))
    if _slowPath(s.faulted) { return nil }
    return compareAndLeave(s, i, d, size: size, jumpIfZero: jumpIfZero)
}

@inline(__always)
func compareAndLeave(_ s: State, _ i: Ins, _ d: UInt32, size: UInt32, jumpIfZero: Bool) -> Next {
    let r = (d &- i.imm) & (size == 1 ? 0xff : 0xffff_ffff)
    s.setFlags(.sub, Int(size), dst: d, src: i.imm, res: r)
    return s.leaveFusedBlock(i, taken: (r == 0) == jumpIfZero)
}

@_silgen_name("gate_exec_cmp8MIJe") @inline(__always)
func exec_cmp8MIJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: Int(i.seg), size: 1, indexed: true, jumpIfZero: true) }
@_silgen_name("gate_exec_slow_cmp8MIJe") @inline(__always)
func slow_cmp8MIJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompareSlow(s, i, size: 1, jumpIfZero: true) }

@_silgen_name("gate_exec_cmp8MIJne") @inline(__always)
func exec_cmp8MIJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: Int(i.seg), size: 1, indexed: true, jumpIfZero: false) }
@_silgen_name("gate_exec_slow_cmp8MIJne") @inline(__always)
func slow_cmp8MIJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompareSlow(s, i, size: 1, jumpIfZero: false) }

@_silgen_name("gate_exec_cmp8MIBJe") @inline(__always)
func exec_cmp8MIBJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: Int(i.seg), size: 1, indexed: false, jumpIfZero: true) }
@_silgen_name("gate_exec_slow_cmp8MIBJe") @inline(__always)
func slow_cmp8MIBJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompareSlow(s, i, size: 1, jumpIfZero: true) }

@_silgen_name("gate_exec_cmp8MIBJne") @inline(__always)
func exec_cmp8MIBJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: Int(i.seg), size: 1, indexed: false, jumpIfZero: false) }
@_silgen_name("gate_exec_slow_cmp8MIBJne") @inline(__always)
func slow_cmp8MIBJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompareSlow(s, i, size: 1, jumpIfZero: false) }

@_silgen_name("gate_exec_cmp32MIJe") @inline(__always)
func exec_cmp32MIJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: Int(i.seg), size: 4, indexed: true, jumpIfZero: true) }
@_silgen_name("gate_exec_slow_cmp32MIJe") @inline(__always)
func slow_cmp32MIJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompareSlow(s, i, size: 4, jumpIfZero: true) }

@_silgen_name("gate_exec_cmp32MIJne") @inline(__always)
func exec_cmp32MIJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: Int(i.seg), size: 4, indexed: true, jumpIfZero: false) }
@_silgen_name("gate_exec_slow_cmp32MIJne") @inline(__always)
func slow_cmp32MIJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompareSlow(s, i, size: 4, jumpIfZero: false) }

@_silgen_name("gate_exec_cmp32MIBJe") @inline(__always)
func exec_cmp32MIBJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: Int(i.seg), size: 4, indexed: false, jumpIfZero: true) }
@_silgen_name("gate_exec_slow_cmp32MIBJe") @inline(__always)
func slow_cmp32MIBJe(_ s: State, _ i: Ins) -> Next { fusedMemoryCompareSlow(s, i, size: 4, jumpIfZero: true) }

@_silgen_name("gate_exec_cmp32MIBJne") @inline(__always)
func exec_cmp32MIBJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompare(s, i, seg: Int(i.seg), size: 4, indexed: false, jumpIfZero: false) }
@_silgen_name("gate_exec_slow_cmp32MIBJne") @inline(__always)
func slow_cmp32MIBJne(_ s: State, _ i: Ins) -> Next { fusedMemoryCompareSlow(s, i, size: 4, jumpIfZero: false) }

extension HandlerTable {
    /// This file's shims, compiled beside their bodies (see `aluShim`).
    @inline(never)
    static func fusedBranchShim(_ op: Op) -> Shim? {
        switch op {
        case .cmpRRJb: return gate_tc_cmpRRJb
        case .cmpRRJae: return gate_tc_cmpRRJae
        case .cmpRRJe: return gate_tc_cmpRRJe
        case .cmpRRJne: return gate_tc_cmpRRJne
        case .cmpRRJbe: return gate_tc_cmpRRJbe
        case .cmpRRJa: return gate_tc_cmpRRJa
        case .cmpRRJs: return gate_tc_cmpRRJs
        case .cmpRRJns: return gate_tc_cmpRRJns
        case .cmpRRJl: return gate_tc_cmpRRJl
        case .cmpRRJge: return gate_tc_cmpRRJge
        case .cmpRRJle: return gate_tc_cmpRRJle
        case .cmpRRJg: return gate_tc_cmpRRJg
        case .cmpRIJb: return gate_tc_cmpRIJb
        case .cmpRIJae: return gate_tc_cmpRIJae
        case .cmpRIJe: return gate_tc_cmpRIJe
        case .cmpRIJne: return gate_tc_cmpRIJne
        case .cmpRIJbe: return gate_tc_cmpRIJbe
        case .cmpRIJa: return gate_tc_cmpRIJa
        case .cmpRIJs: return gate_tc_cmpRIJs
        case .cmpRIJns: return gate_tc_cmpRIJns
        case .cmpRIJl: return gate_tc_cmpRIJl
        case .cmpRIJge: return gate_tc_cmpRIJge
        case .cmpRIJle: return gate_tc_cmpRIJle
        case .cmpRIJg: return gate_tc_cmpRIJg
        case .testRRJb: return gate_tc_testRRJb
        case .testRRJae: return gate_tc_testRRJae
        case .testRRJe: return gate_tc_testRRJe
        case .testRRJne: return gate_tc_testRRJne
        case .testRRJbe: return gate_tc_testRRJbe
        case .testRRJa: return gate_tc_testRRJa
        case .testRRJs: return gate_tc_testRRJs
        case .testRRJns: return gate_tc_testRRJns
        case .testRRJl: return gate_tc_testRRJl
        case .testRRJge: return gate_tc_testRRJge
        case .testRRJle: return gate_tc_testRRJle
        case .testRRJg: return gate_tc_testRRJg
        case .cmp8MIJe: return gate_tc_cmp8MIJe
        case .cmp8MIJne: return gate_tc_cmp8MIJne
        case .cmp8MIBJe: return gate_tc_cmp8MIBJe
        case .cmp8MIBJne: return gate_tc_cmp8MIBJne
        case .cmp32MIJe: return gate_tc_cmp32MIJe
        case .cmp32MIJne: return gate_tc_cmp32MIJne
        case .cmp32MIBJe: return gate_tc_cmp32MIBJe
        case .cmp32MIBJne: return gate_tc_cmp32MIBJne
        default: return nil
        }
    }
}
