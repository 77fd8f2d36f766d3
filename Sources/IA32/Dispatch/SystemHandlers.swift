import IA32Dispatch

/// Handlers for string instructions (Execute/Strings.swift), the system instructions
/// (Execute/System.swift: interrupts, the fast system-call pair, MSRs, CPUID, TSC,
/// descriptor tables, privileged instructions), the x87 and MMX escapes (X87/), and
/// the two that only raise: undefined encodings and unfetchable bytes.

// MARK: Strings

@_silgen_name("gate_exec_movs") @inline(__always)
func exec_movs(_ s: State, _ i: Ins) -> Next { s.string(i, kind: 0); return s.proceed(i) }

@_silgen_name("gate_exec_stos") @inline(__always)
func exec_stos(_ s: State, _ i: Ins) -> Next { s.string(i, kind: 1); return s.proceed(i) }

/// rep stosl, libc's memset of a small structure: forwards, through a flat ES, all on
/// one page that holds no decoded code. Anything else is the general `string`.
@_silgen_name("gate_exec_repStos32") @inline(__always)
func exec_repStos32(_ s: State, _ i: Ins) -> Bool {
    let ecx = Reg.ecx.rawValue, edi = Reg.edi.rawValue
    let count = s.r32(ecx)
    let es = s.segmentCache(SegReg.es.rawValue)
    guard !s.df, count <= 1024, es.pointee.fast & SegmentCache.fastWrite != 0 else { return false }
    let d = es.pointee.base &+ s.r32(edi)
    let bytes = count &* 4
    guard d & 0xfff &+ bytes <= 0x1000,
          s.pointee.perm[Int(d &>> 12)] & s.pointee.writeMask == s.pointee.writeNeed else { return false }
    let p = s.pointee.mem + Int(d)
    let v = s.r32(0)
    // Two words at a time, then the odd one.
    let pair = UInt64(v) | UInt64(v) << 32
    var k = 0
    while k &+ 8 <= Int(bytes) { p.storeBytes(of: pair, toByteOffset: k, as: UInt64.self); k &+= 8 }
    if k < Int(bytes) { p.storeBytes(of: v, toByteOffset: k, as: UInt32.self) }
    s.setR32(edi, s.r32(edi) &+ bytes)
    s.setR32(ecx, 0)
    return true
}
@_silgen_name("gate_exec_slow_repStos32") @inline(__always)
func slow_repStos32(_ s: State, _ i: Ins) -> Next { exec_stos(s, i) }

@_silgen_name("gate_exec_lods") @inline(__always)
func exec_lods(_ s: State, _ i: Ins) -> Next { s.string(i, kind: 2); return s.proceed(i) }

@_silgen_name("gate_exec_cmps") @inline(__always)
func exec_cmps(_ s: State, _ i: Ins) -> Next { s.string(i, kind: 3); return s.proceed(i) }

@_silgen_name("gate_exec_scas") @inline(__always)
func exec_scas(_ s: State, _ i: Ins) -> Next { s.string(i, kind: 4); return s.proceed(i) }

// MARK: Raising

@_silgen_name("gate_exec_undefined") @inline(__always)
func exec_undefined(_ s: State, _ i: Ins) -> Next { s.raise(Vector.invalidOpcode); return nil }

@_silgen_name("gate_exec_ud2") @inline(__always)
func exec_ud2(_ s: State, _ i: Ins) -> Next { s.raise(Vector.invalidOpcode); return nil }

@_silgen_name("gate_exec_fetchFault") @inline(__always)
func exec_fetchFault(_ s: State, _ i: Ins) -> Next {
    var err: UInt32 = s.pointee.perm[Int(i.imm >> 12)] & PagePermission.read != 0 ? 1 : 0
    if s.pointee.cpl == 3 { err |= 4 }
    s.raise(Vector.pageFault, err, address: i.imm)
    return nil
}

// MARK: Interrupts and the fast system-call pair (all end their blocks)

@_silgen_name("gate_exec_int3") @inline(__always)
func exec_int3(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    s.raiseTrap(Vector.breakpoint)
    return nil
}

@_silgen_name("gate_exec_intN") @inline(__always)
func exec_intN(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    s.softwareInterrupt(i.imm, icebp: i.sub == 1)
    return s.leaveAfter(i)
}

@_silgen_name("gate_exec_into") @inline(__always)
func exec_into(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    if s.of { s.raiseTrap(Vector.overflow) }
    return s.leaveAfter(i)
}

@_silgen_name("gate_exec_iret") @inline(__always)
func exec_iret(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    s.iret(i)
    return s.leaveAfter(i)
}

@_silgen_name("gate_exec_sysenter") @inline(__always)
func exec_sysenter(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    s.sysenter()
    return s.leaveAfter(i)
}

@_silgen_name("gate_exec_sysexit") @inline(__always)
func exec_sysexit(_ s: State, _ i: Ins) -> Next {
    s.pointee.eip = i.next
    s.sysexit()
    return s.leaveAfter(i)
}

/// hlt at CPL 0 stops the machine (Gate's kernel runs system-call bodies there), or
/// goes to the halt service in place (`CPU.serviceHalts`).
@_silgen_name("gate_exec_hlt") @inline(__always)
func exec_hlt(_ s: State, _ i: Ins) -> Next {
    if s.pointee.cpl != 0 {
        s.raise(Vector.generalProtection)
        return nil
    }
    guard let service = s.pointee.haltService else {
        s.requestStop(.halt)
        return nil
    }
    return serviceHalt(s, i, service)
}

/// Out of line: the service is a call into the kernel, and this keeps its register
/// saving out of every other handler's way.
@inline(never)
func serviceHalt(_ s: State, _ i: Ins, _ service: CPU.HaltService) -> Next {
    s.pointee.eip = i.next
    // The block so far retires now, as it would if `run` stopped here: the service
    // may switch to another task's state.
    let ran = Int64(i.pointee.pos) + 1
    s.retireNow(ran)
    let flushes = s.pointee.flushes
    if service(s.pointee.haltContext, i.next &- 1) && s.pointee.eip == i.next && s.pointee.cpl == 0
        && !s.pointee.attention && s.pointee.flushes == flushes {
        // Same task, same code: on through the block's tail, which retires the block.
        s.retireNow(-ran)
        return i.successor
    }
    s.pointee.serviced = true
    s.pointee.exitTail = nil
    return nil
}

// MARK: MSRs, CPUID, TSC

@_silgen_name("gate_exec_rdmsr") @inline(__always)
func exec_rdmsr(_ s: State, _ i: Ins) -> Next { s.rdmsr(); return s.proceed(i) }

@_silgen_name("gate_exec_wrmsr") @inline(__always)
func exec_wrmsr(_ s: State, _ i: Ins) -> Next { s.wrmsr(); return s.proceed(i) }

@_silgen_name("gate_exec_cpuid") @inline(__always)
func exec_cpuid(_ s: State, _ i: Ins) -> Next { s.cpuid(); return i.successor }

/// The count is retired per block: the instructions before this one in its block are
/// added here.
@_silgen_name("gate_exec_rdtsc") @inline(__always)
func exec_rdtsc(_ s: State, _ i: Ins) -> Next { s.rdtsc(blockOffset: UInt32(i.pointee.pos)); return i.successor }

// MARK: Descriptor tables, selectors, privileged instructions

@_silgen_name("gate_exec_lgdt") @inline(__always)
func exec_lgdt(_ s: State, _ i: Ins) -> Next { s.descriptorTable(i); return s.proceed(i) }

@_silgen_name("gate_exec_lidt") @inline(__always)
func exec_lidt(_ s: State, _ i: Ins) -> Next { s.descriptorTable(i); return s.proceed(i) }

@_silgen_name("gate_exec_sgdt") @inline(__always)
func exec_sgdt(_ s: State, _ i: Ins) -> Next { s.descriptorTable(i); return s.proceed(i) }

@_silgen_name("gate_exec_sidt") @inline(__always)
func exec_sidt(_ s: State, _ i: Ins) -> Next { s.descriptorTable(i); return s.proceed(i) }

@_silgen_name("gate_exec_lldt") @inline(__always)
func exec_lldt(_ s: State, _ i: Ins) -> Next { s.systemSelector(i); return s.proceed(i) }

@_silgen_name("gate_exec_sldt") @inline(__always)
func exec_sldt(_ s: State, _ i: Ins) -> Next { s.systemSelector(i); return s.proceed(i) }

@_silgen_name("gate_exec_ltr") @inline(__always)
func exec_ltr(_ s: State, _ i: Ins) -> Next { s.systemSelector(i); return s.proceed(i) }

@_silgen_name("gate_exec_str") @inline(__always)
func exec_str(_ s: State, _ i: Ins) -> Next { s.systemSelector(i); return s.proceed(i) }

@_silgen_name("gate_exec_smsw") @inline(__always)
func exec_smsw(_ s: State, _ i: Ins) -> Next { s.systemSelector(i); return s.proceed(i) }

@_silgen_name("gate_exec_lmsw") @inline(__always)
func exec_lmsw(_ s: State, _ i: Ins) -> Next { s.systemSelector(i); return s.proceed(i) }

@_silgen_name("gate_exec_lar") @inline(__always)
func exec_lar(_ s: State, _ i: Ins) -> Next { s.accessCheck(i); return s.proceed(i) }

@_silgen_name("gate_exec_lsl") @inline(__always)
func exec_lsl(_ s: State, _ i: Ins) -> Next { s.accessCheck(i); return s.proceed(i) }

@_silgen_name("gate_exec_verr") @inline(__always)
func exec_verr(_ s: State, _ i: Ins) -> Next { s.accessCheck(i); return s.proceed(i) }

@_silgen_name("gate_exec_verw") @inline(__always)
func exec_verw(_ s: State, _ i: Ins) -> Next { s.accessCheck(i); return s.proceed(i) }

@_silgen_name("gate_exec_privileged") @inline(__always)
func exec_privileged(_ s: State, _ i: Ins) -> Next { s.privileged(i); return s.proceed(i) }

// MARK: x87, MMX, fxsave/fxrstor

@_silgen_name("gate_exec_x87") @inline(__always)
func exec_x87(_ s: State, _ i: Ins) -> Next { s.x87(i); return s.proceed(i) }

extension HandlerTable {
    /// This file's shims. Naming them here, beside their bodies, compiles each shim into
    /// the same LLVM module as its body, so the body inlines into it.
    @inline(never)
    static func systemShim(_ op: Op) -> Shim? {
        switch op {
        case .movs: return gate_tc_movs
        case .stos: return gate_tc_stos
        case .repStos32: return gate_tc_repStos32
        case .lods: return gate_tc_lods
        case .cmps: return gate_tc_cmps
        case .scas: return gate_tc_scas
        case .undefined: return gate_tc_undefined
        case .ud2: return gate_tc_ud2
        case .fetchFault: return gate_tc_fetchFault
        case .int3: return gate_tc_int3
        case .intN: return gate_tc_intN
        case .into: return gate_tc_into
        case .iret: return gate_tc_iret
        case .sysenter: return gate_tc_sysenter
        case .sysexit: return gate_tc_sysexit
        case .hlt: return gate_tc_hlt
        case .rdmsr: return gate_tc_rdmsr
        case .wrmsr: return gate_tc_wrmsr
        case .cpuid: return gate_tc_cpuid
        case .rdtsc: return gate_tc_rdtsc
        case .lgdt: return gate_tc_lgdt
        case .lidt: return gate_tc_lidt
        case .sgdt: return gate_tc_sgdt
        case .sidt: return gate_tc_sidt
        case .lldt: return gate_tc_lldt
        case .sldt: return gate_tc_sldt
        case .ltr: return gate_tc_ltr
        case .str: return gate_tc_str
        case .smsw: return gate_tc_smsw
        case .lmsw: return gate_tc_lmsw
        case .lar: return gate_tc_lar
        case .lsl: return gate_tc_lsl
        case .verr: return gate_tc_verr
        case .verw: return gate_tc_verw
        case .privileged: return gate_tc_privileged
        case .x87: return gate_tc_x87
        default: return nil
        }
    }
}
