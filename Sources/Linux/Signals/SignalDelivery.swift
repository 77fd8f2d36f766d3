import IA32

/// Signal delivery (arch/i386/kernel/signal.c): on the way back to user mode the exit
/// path sees TIF_SIGPENDING, calls do_notify_resume with the pt_regs frame, and do_signal
/// rewrites that frame so that `iret` lands in the handler with a `sigframe` or
/// `rt_sigframe` on the user stack; the handler returns through `__kernel_sigreturn`
/// (or its SA_RESTORER) into sigreturn, which puts every register back.
extension Kernel {
    /// `TIF_SIGPENDING` in `thread_info.flags`: the exit path must call do_notify_resume.
    static let TIF_SIGPENDING: UInt32 = 1 << 2

    /// Sets or clears TIF_SIGPENDING to match the signals that can be delivered now
    /// (and a pass after a stop that the running thread still owes its exit path).
    func updateSignalPending() {
        let address = KernelLayout.kernelStack + KernelLayout.tiFlags
        let flags = process.memory.load32(address)
        let work = process.signals.deliverable != 0 || current.signalPassAfterStop
        let wanted = work ? flags | Kernel.TIF_SIGPENDING : flags & ~Kernel.TIF_SIGPENDING
        if wanted != flags { process.memory.store32(address, wanted) }
    }

    /// What get_signal_to_deliver found for the running thread.
    enum SignalDecision {
        /// A handler to run.
        case handler(UInt32, SigInfo, SignalState.Action)
        /// No handler: nothing deliverable is left (ignored signals were dropped).
        case none
        /// A stop signal stopped the process (JobControl.swift).
        case stopped
        /// A signal's default action ends the process.
        case killed
    }

    /// get_signal_to_deliver: takes deliverable signals in order, dropping ignored ones,
    /// until one has a handler or a default action does something: stop the process
    /// (a terminal stop signal does nothing to an orphaned process group, which no one
    /// could continue), or end it.
    func getSignal() -> SignalDecision {
        let p = process
        while let (signal, taken) = p.signals.dequeue() {
            var info = taken
            p.timerSignalTaken(&info)
            let action = p.signals.actions[Int(signal)]
            if action.handler > SignalState.Action.ignore { return .handler(signal, info, action) }
            if p.signals.isIgnored(signal) { continue }
            if isStopSignal(signal) {
                if signal != SignalState.SIGSTOP && isOrphanedGroup(p.pgid) { continue }
                stop(p, signal: signal)
                return .stopped
            }
            p.exitStatus = Int32(signal)
            return .killed
        }
        return .none
    }

    /// do_notify_resume → do_signal, with `regsAddress` = the pt_regs frame (EAX at the
    /// call). The exit path calls it again while TIF_SIGPENDING stays set, as entry.S's
    /// work_pending loop does: each call builds one handler's frame, and the last one
    /// built runs first.
    func doSignal(regsAt regsAddress: UInt32) {
        defer { updateSignalPending() }
        let task = current
        task.signalPassAfterStop = false
        var regs = UserRegisters(PtRegs(memory: process.memory, at: regsAddress), cpu: process.cpu)
        switch getSignal() {
        case .handler(let signal, let info, let action):
            restartBeforeHandler(&regs, action: action)
            guard setUpFrame(signal, info, action, &regs) else { return }
            process.store(regs, ptRegsAt: regsAddress)
        case .none:
            // No handler runs: the mask sigsuspend replaced comes back, and an
            // interrupted call is made again.
            if let saved = process.signals.savedMask {
                process.signals.blocked = saved
                process.signals.savedMask = nil
            }
            restartWithoutHandler(&regs)
            process.store(regs, ptRegsAt: regsAddress)
        case .stopped:
            // The thread sleeps in do_signal_stop: when continued, its exit path comes
            // back here to take what else is pending and restart the interrupted call.
            task.signalPassAfterStop = true
        case .killed:
            break
        }
    }

    func isStopSignal(_ s: UInt32) -> Bool { s == 19 || s == 20 || s == 21 || s == 22 }

    // MARK: System-call restart (the 2.6 rules)

    /// handle_signal: an interrupted call returns -EINTR, unless SA_RESTART (for
    /// -ERESTARTSYS) or -ERESTARTNOINTR asks to run it again; then EIP steps back over the
    /// two-byte `int $0x80` — or, on the sysenter path, onto the vDSO's `jmp` just before
    /// SYSENTER_RETURN, which enters the kernel again.
    func restartBeforeHandler(_ r: inout UserRegisters, action: SignalState.Action) {
        guard Int32(bitPattern: r.origEAX) >= 0 else { return }
        switch -Int32(bitPattern: r.eax) {
        case Errno.ERESTART_RESTARTBLOCK.rawValue, Errno.ERESTARTNOHAND.rawValue:
            r.eax = UInt32(bitPattern: Errno.EINTR.negated)
        case Errno.ERESTARTSYS.rawValue where action.flags & SignalState.SA_RESTART == 0:
            r.eax = UInt32(bitPattern: Errno.EINTR.negated)
        case Errno.ERESTARTSYS.rawValue, Errno.ERESTARTNOINTR.rawValue:
            r.eax = r.origEAX
            r.eip &-= 2
        default:
            break
        }
    }

    /// do_signal with no handler to run: every restartable call is made again.
    func restartWithoutHandler(_ r: inout UserRegisters) {
        guard Int32(bitPattern: r.origEAX) >= 0 else { return }
        switch -Int32(bitPattern: r.eax) {
        case Errno.ERESTARTNOHAND.rawValue, Errno.ERESTARTSYS.rawValue, Errno.ERESTARTNOINTR.rawValue:
            r.eax = r.origEAX
            r.eip &-= 2
        case Errno.ERESTART_RESTARTBLOCK.rawValue:
            r.eax = 0       // __NR_restart_syscall
            r.eip &-= 2
        default:
            break
        }
    }

    // MARK: Building the frame

    /// setup_frame / setup_rt_frame: writes the frame below the user stack and points
    /// the registers at the handler. A frame that cannot be written kills with SIGSEGV.
    func setUpFrame(_ signal: UInt32, _ info: SigInfo, _ action: SignalState.Action,
                    _ r: inout UserRegisters) -> Bool {
        var signals = process.signals
        // sigsuspend and friends: the frame keeps the mask from before the call.
        if let saved = signals.savedMask { signals.blocked = saved }
        let rt = action.flags & SignalState.SA_SIGINFO != 0
        let size = rt ? SignalFrame.rtSigframeSize : SignalFrame.sigframeSize
        let frame = SignalFrame.address(size: size, esp: r.esp, action: action, signals: signals)
        // setup_sigcontext: the thread's last trap, whatever signal this is.
        let trap = current.trap
        let trapno = trap.number, err = trap.errorCode, cr2 = trap.cr2
        let fpu = FPUFrame.save(process.cpu.fpu, fxsr: FPUFrame.usesFXSR(process.cpu.model))
        let vdso = boot.vdso
        var bytes: [UInt8]
        if rt {
            let fpAddress = frame &+ UInt32(SignalFrame.rtFP)
            var b = GuestLayout.Builder(size: size)
            b.u32(0, action.flags & SignalState.SA_RESTORER != 0 ? action.restorer : vdso.rtSigreturn)
            b.u32(4, signal)
            b.u32(8, frame &+ UInt32(SignalFrame.rtInfo))
            b.u32(12, frame &+ UInt32(SignalFrame.rtUC))
            for (k, v) in info.bytes.enumerated() { b.u8(SignalFrame.rtInfo + k, v) }
            let uc = SignalFrame.rtUC
            b.u32(uc + SignalFrame.ucStack, signals.altStack.sp)
            b.u32(uc + SignalFrame.ucStack + 4, signals.altStack.flags == 2 ? 2 : (signals.onAltStack(r.esp) ? 1 : 0))
            b.u32(uc + SignalFrame.ucStack + 8, signals.altStack.size)
            let sc = SignalFrame.sigcontext(r, fpstate: fpAddress, oldmask: UInt32(truncatingIfNeeded: signals.blocked),
                                            trapno: trapno, err: err, cr2: cr2)
            for (k, v) in sc.enumerated() { b.u8(uc + SignalFrame.ucMcontext + k, v) }
            for (k, v) in GuestLayout.le64(signals.blocked).enumerated() { b.u8(uc + SignalFrame.ucSigmask + k, v) }
            for (k, v) in fpu.enumerated() { b.u8(SignalFrame.rtFP + k, v) }
            // movl $__NR_rt_sigreturn,%eax; int $0x80 — kept for debuggers that look for it.
            for (k, v) in ([0xb8] + GuestLayout.le32(173) + [0xcd, 0x80, 0x00]).enumerated() { b.u8(SignalFrame.rtRetcode + k, v) }
            bytes = b.bytes
        } else {
            let fpAddress = frame &+ UInt32(SignalFrame.sigframeFP)
            var b = GuestLayout.Builder(size: size)
            b.u32(0, action.flags & SignalState.SA_RESTORER != 0 ? action.restorer : vdso.sigreturn)
            b.u32(4, signal)
            let sc = SignalFrame.sigcontext(r, fpstate: fpAddress, oldmask: UInt32(truncatingIfNeeded: signals.blocked),
                                            trapno: trapno, err: err, cr2: cr2)
            for (k, v) in sc.enumerated() { b.u8(SignalFrame.sigframeSC + k, v) }
            for (k, v) in fpu.enumerated() { b.u8(SignalFrame.sigframeFP + k, v) }
            b.u32(SignalFrame.sigframeExtramask, UInt32(truncatingIfNeeded: signals.blocked >> 32))
            // popl %eax; movl $__NR_sigreturn,%eax; int $0x80
            for (k, v) in ([0x58, 0xb8] + GuestLayout.le32(119) + [0xcd, 0x80]).enumerated() { b.u8(SignalFrame.sigframeRetcode + k, v) }
            bytes = b.bytes
        }
        guard process.memory.write(frame, bytes) else {
            process.exitStatus = 11         // force_sigsegv: the frame would not fit
            return false
        }
        r.esp = frame
        r.eip = action.handler
        r.eax = signal
        r.edx = rt ? frame &+ UInt32(SignalFrame.rtInfo) : 0
        r.ecx = rt ? frame &+ UInt32(SignalFrame.rtUC) : 0
        r.ds = KernelLayout.userDS; r.es = KernelLayout.userDS; r.ss = KernelLayout.userDS
        r.cs = KernelLayout.userCS
        r.eflags &= ~Kernel.trapFlag         // the handler is not single-stepped
        // The handler runs with its mask added, and its own signal blocked unless SA_NODEFER.
        var add = action.mask
        if action.flags & SignalState.SA_NODEFER == 0 { add |= SignalState.bit(signal) }
        process.signals.blocked = (signals.blocked | add) & ~SignalState.unblockable
        process.signals.savedMask = nil
        if action.flags & SignalState.SA_RESETHAND != 0 {
            process.signals.actions[Int(signal)] = SignalState.Action()
        }
        process.cpu.resetFPU()              // the handler starts with a clean FPU
        return true
    }
}

/// Writing the registers a signal changes back to where the CPU will take them from.
extension Process {
    /// Writes the registers into the pt_regs frame that RESTORE_ALL and iret will
    /// reload, and fs/gs (not in the 2.6 frame) straight into the CPU.
    func store(_ r: UserRegisters, ptRegsAt a: UInt32) {
        let m = memory
        m.store32(a + PtRegs.EBX, r.ebx); m.store32(a + PtRegs.ECX, r.ecx); m.store32(a + PtRegs.EDX, r.edx)
        m.store32(a + PtRegs.ESI, r.esi); m.store32(a + PtRegs.EDI, r.edi); m.store32(a + PtRegs.EBP, r.ebp)
        m.store32(a + PtRegs.EAX, r.eax); m.store32(a + PtRegs.DS, UInt32(r.ds)); m.store32(a + PtRegs.ES, UInt32(r.es))
        m.store32(a + PtRegs.ORIG_EAX, r.origEAX); m.store32(a + PtRegs.EIP, r.eip)
        m.store32(a + PtRegs.CS, UInt32(r.cs)); m.store32(a + PtRegs.EFLAGS, r.eflags)
        m.store32(a + PtRegs.OLDESP, r.esp); m.store32(a + PtRegs.OLDSS, UInt32(r.ss))
        loadUserSegment(.fs, r.fs)
        loadUserSegment(.gs, r.gs)
    }

    /// The registers a trap gate's `iret` returns to: EIP, CS, EFLAGS, ESP and SS into
    /// the frame the gate pushed at `a`, the rest straight into the CPU.
    func store(_ r: UserRegisters, interruptFrameAt a: UInt32) {
        let m = memory
        m.store32(a, r.eip); m.store32(a + 4, UInt32(r.cs)); m.store32(a + 8, r.eflags)
        m.store32(a + 12, r.esp); m.store32(a + 16, UInt32(r.ss))
        cpu.setRegister(.eax, r.eax); cpu.setRegister(.ebx, r.ebx); cpu.setRegister(.ecx, r.ecx)
        cpu.setRegister(.edx, r.edx); cpu.setRegister(.esi, r.esi); cpu.setRegister(.edi, r.edi)
        cpu.setRegister(.ebp, r.ebp)
        for (s, v) in [(SegReg.ds, r.ds), (.es, r.es), (.fs, r.fs), (.gs, r.gs)] { loadUserSegment(s, v) }
    }

    /// The registers straight into the CPU (a fault at CPL 3: no frame to return through).
    func load(_ r: UserRegisters, into cpu: CPU) {
        cpu.setRegister(.eax, r.eax); cpu.setRegister(.ebx, r.ebx); cpu.setRegister(.ecx, r.ecx)
        cpu.setRegister(.edx, r.edx); cpu.setRegister(.esi, r.esi); cpu.setRegister(.edi, r.edi)
        cpu.setRegister(.ebp, r.ebp); cpu.setRegister(.esp, r.esp)
        cpu.eip = r.eip
        cpu.eflags = r.eflags
        for (s, v) in [(SegReg.ds, r.ds), (.es, r.es), (.fs, r.fs), (.gs, r.gs)] { loadUserSegment(s, v) }
    }

    /// loadsegment with the kernel's fixup: a selector that does not load becomes null.
    func loadUserSegment(_ s: SegReg, _ selector: UInt16) {
        if cpu.loadSegment(s, selector: selector) != nil {
            _ = cpu.loadSegment(s, selector: 0)
        }
    }
}

