/// The processor's side of the system-call gates — `int n` through the IDT with the
/// TSS stack switch, `iret`, `sysenter`/`sysexit` — and the other system instructions:
/// MSRs, CPUID, RDTSC, descriptor-table registers, privileged instructions.
extension UnsafeMutablePointer where Pointee == CPUState {
    // MARK: int n / iret

    /// `int n` (and int1): handed to the host in user-mode emulation, otherwise
    /// delivered through the IDT as a software interrupt.
    func softwareInterrupt(_ vector: UInt32, icebp: Bool) {
        if pointee.interruptsToHost {
            if icebp { raiseTrap(Vector.debug); return }
            let g = pointee.userGates
            let word = vector < 64 ? g.0 : vector < 128 ? g.1 : vector < 192 ? g.2 : g.3
            guard word & (1 << UInt64(vector & 63)) != 0 else {
                raise(Vector.generalProtection, vector * 8 + 2)
                return
            }
            requestStop(.softwareInterrupt, vector)
            return
        }
        deliverInterrupt(Int(vector), software: !icebp, errorCode: nil)
    }

    /// Delivers interrupt `vector` through a 32-bit interrupt or trap gate (Intel SDM
    /// vol. 3, 6.12): privilege check for software interrupts, the stack switch to
    /// SS0:ESP0 from the TSS when entering a more privileged level, and the frame
    /// (SS, ESP,) EFLAGS, CS, EIP (, error code). EIP is the return address.
    @discardableResult
    public func deliverInterrupt(_ vector: Int, software: Bool, errorCode: UInt32?) -> Bool {
        let idtErr = UInt32(vector * 8 + 2) | (software ? 0 : 1)
        if UInt32(vector * 8 + 7) > UInt32(pointee.seg.idtLimit) {
            raise(Vector.generalProtection, idtErr); return false
        }
        let ga = pointee.seg.idtBase &+ UInt32(vector * 8)
        guard pointee.perm[Int(ga >> 12)] & PagePermission.read != 0 else {
            raise(Vector.pageFault, 0, address: ga); return false
        }
        let low = pointee.mem.loadUnaligned(fromByteOffset: Int(ga), as: UInt32.self)
        let high = pointee.mem.loadUnaligned(fromByteOffset: Int(ga &+ 4), as: UInt32.self)
        let type = (high >> 8) & 0x1f
        let gateDPL = UInt8((high >> 13) & 3)
        guard type == 0x0e || type == 0x0f else { raise(Vector.generalProtection, idtErr); return false }
        if software && gateDPL < pointee.cpl { raise(Vector.generalProtection, idtErr); return false }
        guard high & 0x8000 != 0 else { raise(11, idtErr); return false }

        let selector = UInt16(low >> 16)
        let offset = (high & 0xffff_0000) | (low & 0xffff)
        guard let code = fetchDescriptor(selector) else { return false }
        guard code.isCodeOrData, code.isCode, code.present, code.dpl <= pointee.cpl else {
            raise(Vector.generalProtection, UInt32(selector & 0xfffc)); return false
        }
        let oldFlags = eflags
        let oldCS = UInt32(pointee.seg.regs.1.selector)
        let oldEIP = pointee.eip
        let oldSS = UInt32(pointee.seg.regs.2.selector)
        let oldESP = esp
        let newCPL = code.dpl
        if newCPL < pointee.cpl {
            // Inner-privilege entry: take SS0:ESP0 from the TSS.
            let tss = pointee.seg.tssBase
            let esp0 = pointee.mem.loadUnaligned(fromByteOffset: Int(tss &+ 4), as: UInt32.self)
            let ss0 = pointee.mem.loadUnaligned(fromByteOffset: Int(tss &+ 8), as: UInt16.self)
            setCPL(newCPL)
            guard loadSegment(SegReg.ss.rawValue, ss0) else { return false }
            esp = esp0
            push(oldSS, 4)
            push(oldESP, 4)
        }
        push(oldFlags, 4)
        push(oldCS, 4)
        push(oldEIP, 4)
        if let errorCode { push(errorCode, 4) }
        if faulted { return false }
        pointee.seg.regs.1 = Self.cache((selector & 0xfffc) | UInt16(newCPL), code)
        setCPL(newCPL)
        pointee.eip = offset
        var f = eflags & ~(EFLAGS.tf | EFLAGS.nt | EFLAGS.rf | EFLAGS.vm)
        if type == 0x0e { f &= ~EFLAGS.if }
        setEFLAGS(f)
        return true
    }

    /// iret in protected mode: same-privilege, or to an outer level with SS:ESP popped
    /// too and data segment registers the new level may not use set to null.
    func iret(_ i: Ins) {
        let size = i.sz
        if pointee.eflagsRaw & EFLAGS.nt != 0 {
            requestStop(.unsupported, 0xcf)   // task return: Gate models no hardware task switches
            return
        }
        let newEIP = top(size)
        let newCS = UInt16(truncatingIfNeeded: top(size, offset: UInt32(size)))
        let newFlags = top(size, offset: UInt32(2 * size))
        if faulted { return }
        let rpl = UInt8(newCS & 3)
        let cpl = pointee.cpl
        if rpl < cpl { raise(Vector.generalProtection, UInt32(newCS & 0xfffc)); return }
        var newESP: UInt32 = 0, newSS: UInt16 = 0
        if rpl > cpl {
            newESP = top(size, offset: UInt32(3 * size))
            newSS = UInt16(truncatingIfNeeded: top(size, offset: UInt32(4 * size)))
            if faulted { return }
        }
        guard let code = fetchDescriptor(newCS) else { return }
        guard code.isCodeOrData, code.isCode, code.type & 4 != 0 ? code.dpl <= rpl : code.dpl == rpl else {
            raise(Vector.generalProtection, UInt32(newCS & 0xfffc)); return
        }
        guard code.present else { raise(11, UInt32(newCS & 0xfffc)); return }
        writeEFLAGS(newFlags & ~EFLAGS.vm, size: size)
        pointee.seg.regs.1 = Self.cache(newCS, code)
        pointee.eip = newEIP
        if rpl > cpl {
            setCPL(rpl)
            guard loadSegment(SegReg.ss.rawValue, newSS) else { return }
            esp = newESP
            for s in [SegReg.es, .ds, .fs, .gs] {
                let c = pointee.seg[s.rawValue]
                let conformingCode = c.type & 0xc == 0xc
                if c.usable && !conformingCode && c.dpl < rpl {
                    var null = SegmentCache()
                    null.usable = false
                    null.limit = 0
                    pointee.seg[s.rawValue] = null
                }
            }
            segmentsChanged()
        } else {
            esp = esp &+ UInt32(3 * size)
        }
    }

    // MARK: sysenter / sysexit

    /// SYSENTER (Intel SDM vol. 2): flat CPL-0 CS and SS from IA32_SYSENTER_CS, EIP and
    /// ESP from their MSRs, VM and IF cleared. It saves nothing.
    func sysenter() {
        guard pointee.sysenterWorks else { raise(Vector.invalidOpcode); return }
        let cs = UInt16(truncatingIfNeeded: pointee.msr.sysenterCS)
        if cs & 0xfffc == 0 { raise(Vector.generalProtection); return }
        // Only VM, IF and RF change: the arithmetic flags may stay pending (computing
        // them was a third of the instruction's cost, on every system call).
        pointee.eflagsRaw &= ~(EFLAGS.vm | EFLAGS.if | EFLAGS.rf)
        if _slowPath(pointee.eflagsRaw & EFLAGS.tf != 0) { needAttention() }
        pointee.seg.regs.1 = SegmentCache(selector: cs & 0xfffc, base: 0, limit: 0xffff_ffff, dpl: 0, type: 0xb)
        pointee.seg.regs.2 = SegmentCache(selector: (cs & 0xfffc) &+ 8, base: 0, limit: 0xffff_ffff, dpl: 0, type: 0x3)
        segmentsChanged()
        setCPL(0)
        esp = pointee.msr.sysenterESP
        pointee.eip = pointee.msr.sysenterEIP
    }

    /// SYSEXIT: CPL-3 flat CS = SYSENTER_CS+16, SS = SYSENTER_CS+24, EIP := EDX,
    /// ESP := ECX. #GP(0) unless at CPL 0 with SYSENTER_CS set.
    func sysexit() {
        guard pointee.sysenterWorks else { raise(Vector.invalidOpcode); return }
        let cs = UInt16(truncatingIfNeeded: pointee.msr.sysenterCS)
        if cs & 0xfffc == 0 || pointee.cpl != 0 { raise(Vector.generalProtection); return }
        pointee.seg.regs.1 = SegmentCache(selector: (cs &+ 16) | 3, base: 0, limit: 0xffff_ffff, dpl: 3, type: 0xb)
        pointee.seg.regs.2 = SegmentCache(selector: (cs &+ 24) | 3, base: 0, limit: 0xffff_ffff, dpl: 3, type: 0x3)
        segmentsChanged()
        setCPL(3)
        pointee.eip = r32(Reg.edx.rawValue)
        esp = r32(Reg.ecx.rawValue)
    }

    // MARK: MSRs, CPUID, TSC

    func rdmsr() {
        if pointee.cpl != 0 { raise(Vector.generalProtection); return }
        let v: UInt64
        switch r32(Reg.ecx.rawValue) {
        case MSRFile.sysenterCS: v = UInt64(pointee.msr.sysenterCS)
        case MSRFile.sysenterESP: v = UInt64(pointee.msr.sysenterESP)
        case MSRFile.sysenterEIP: v = UInt64(pointee.msr.sysenterEIP)
        case MSRFile.timeStampCounter: v = currentRetired &+ pointee.tscOffset
        default: raise(Vector.generalProtection); return
        }
        setR32(0, UInt32(truncatingIfNeeded: v))
        setR32(2, UInt32(truncatingIfNeeded: v >> 32))
    }

    func wrmsr() {
        if pointee.cpl != 0 { raise(Vector.generalProtection); return }
        let lo = r32(0), hi = r32(2)
        switch r32(Reg.ecx.rawValue) {
        case MSRFile.sysenterCS: pointee.msr.sysenterCS = lo & 0xffff
        case MSRFile.sysenterESP: pointee.msr.sysenterESP = lo
        case MSRFile.sysenterEIP: pointee.msr.sysenterEIP = lo
        case MSRFile.timeStampCounter: pointee.tscOffset = (UInt64(hi) << 32 | UInt64(lo)) &- currentRetired
        default: raise(Vector.generalProtection)
        }
    }

    func cpuid() {
        let vendor: (UInt32, UInt32, UInt32) = (0x756e_6547, 0x4965_6e69, 0x6c65_746e)  // "GenuineIntel"
        if r32(0) == 0 {
            setR32(0, 1); setR32(3, vendor.0); setR32(2, vendor.1); setR32(1, vendor.2)
        } else {
            setR32(0, pointee.cpuidSignature); setR32(3, 0); setR32(1, 0); setR32(2, pointee.cpuidFeatures)
        }
    }

    /// The counter is the number of instructions retired before this one (plus the
    /// offset a wrmsr set), so a run is deterministic.
    func rdtsc(blockOffset: UInt32) {
        let tsc = currentRetired &+ UInt64(blockOffset) &+ pointee.tscOffset
        setR32(0, UInt32(truncatingIfNeeded: tsc))
        setR32(2, UInt32(truncatingIfNeeded: tsc >> 32))
    }

    // MARK: Descriptor-table registers

    /// A privileged instruction at CPL > 0: #GP(0). At CPL 0, Gate's kernel never
    /// executes the ones it does not model, so reaching one stops the machine.
    func privileged(_ i: Ins) {
        if i.sub == 1 { raise(Vector.generalProtection); return }   // over-long instruction
        if pointee.cpl != 0 { raise(Vector.generalProtection); return }
        requestStop(.unsupported, UInt32(i.op.rawValue))
    }

    func descriptorTable(_ i: Ins) {
        let e = ea(i)
        let seg = Int(i.seg)
        switch i.op {
        case .lgdt, .lidt:
            if pointee.cpl != 0 { raise(Vector.generalProtection); return }
            let limit = read(seg, e, 2)
            var base = read(seg, e &+ 2, 4)
            if faulted { return }
            if i.size == 2 { base &= 0x00ff_ffff }
            if i.op == .lgdt {
                pointee.seg.gdtBase = base; pointee.seg.gdtLimit = UInt16(limit)
            } else {
                pointee.seg.idtBase = base; pointee.seg.idtLimit = UInt16(limit)
            }
        case .sgdt, .sidt:
            let (base, limit) = i.op == .sgdt ? (pointee.seg.gdtBase, pointee.seg.gdtLimit) : (pointee.seg.idtBase, pointee.seg.idtLimit)
            let a = linear(seg, e, 6, write: true)
            if faulted || !probeWrite(a, 2) || !probeWrite(a &+ 2, 4) { return }
            write(seg, e, 2, UInt32(limit))
            write(seg, e &+ 2, 4, base)
        default:
            break
        }
    }

    /// sldt, str, smsw, lldt, ltr, lmsw.
    func systemSelector(_ i: Ins) {
        switch i.op {
        case .sldt: writeRM(i, i.isMemory ? 2 : i.sz, UInt32(pointee.seg.ldtSelector))
        case .str: writeRM(i, i.isMemory ? 2 : i.sz, UInt32(pointee.seg.trSelector))
        // CR0: PE, ET, NE (an FPU is present: EM clear).
        case .smsw: writeRM(i, i.isMemory ? 2 : i.sz, 0x31)
        case .lldt, .ltr:
            if pointee.cpl != 0 { raise(Vector.generalProtection); return }
            let sel = UInt16(readRM(i, 2))
            if faulted { return }
            if i.op == .lldt && sel & 0xfffc == 0 {
                pointee.seg.ldtSelector = sel; pointee.seg.ldtBase = 0; pointee.seg.ldtLimit = 0
                return
            }
            if sel & 4 != 0 { raise(Vector.generalProtection, UInt32(sel & 0xfffc)); return }
            guard let d = fetchDescriptor(sel) else { return }
            // An LDT descriptor for lldt; an available or busy 32-bit TSS for ltr.
            let wanted = i.op == .lldt ? d.type == 0x2 : d.type == 0x9 || d.type == 0xb
            guard !d.isCodeOrData, wanted else {
                raise(Vector.generalProtection, UInt32(sel & 0xfffc)); return
            }
            if i.op == .lldt {
                pointee.seg.ldtSelector = sel; pointee.seg.ldtBase = d.base; pointee.seg.ldtLimit = d.limit
            } else {
                pointee.seg.trSelector = sel; pointee.seg.tssBase = d.base
            }
        default:
            privileged(i)   // lmsw
        }
    }

    /// lar, lsl, verr, verw: ZF says whether the selector is usable at this privilege.
    func accessCheck(_ i: Ins) {
        let sel = UInt16(truncatingIfNeeded: readRM(i, 2))
        if faulted { return }
        var ok = false
        var d: SegmentDescriptor? = nil
        if sel & 0xfffc != 0 {
            let saved = pointee.fault
            d = fetchDescriptor(sel)
            // A selector outside its table clears ZF rather than faulting.
            if faulted && pointee.fault.vector == Vector.generalProtection { pointee.fault = saved }
            if faulted { return }
        }
        if let d {
            let conformingCode = d.isCodeOrData && d.type & 0xc == 0xc
            let privilegeOK = conformingCode || d.dpl >= max(pointee.cpl, UInt8(sel & 3))
            switch i.op {
            case .verr: ok = d.isCodeOrData && privilegeOK && (!d.isCode || d.type & 2 != 0)
            case .verw: ok = d.isCodeOrData && privilegeOK && !d.isCode && d.type & 2 != 0
            case .lsl: ok = privilegeOK && (d.isCodeOrData || [1, 2, 3, 9, 0xb].contains(d.type))
            default: ok = privilegeOK && (d.isCodeOrData || [1, 2, 3, 4, 5, 9, 0xb, 0xc].contains(d.type))
            }
            if ok && i.op == .lsl { setReg(Int(i.reg), i.sz, d.limit) }
            if ok && i.op == .lar { setReg(Int(i.reg), i.sz, d.high & 0x00f0_ff00) }
        }
        setStatusFlags(ok ? EFLAGS.zf : 0, mask: EFLAGS.zf)
    }
}
