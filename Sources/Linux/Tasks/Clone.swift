import IA32

/// fork, vfork and clone (kernel/fork.c, arch/i386/kernel/process.c). `sys_clone`
/// takes the caller's pt_regs: flags in EBX, the new stack in ECX, parent_tidptr in
/// EDX, the TLS `struct user_desc *` in ESI, child_tidptr in EDI. The child starts as a
/// copy of the caller halted in the same system-call stub — the same kernel stack and
/// pt_regs frame — with EAX = 0, so it leaves the kernel through the same exit path
/// (`iret` or `sysexit`) and returns 0; with a new stack its frame's ESP is that stack.
public enum CloneFlags {
    public static let vm: UInt32 = 0x0000_0100
    public static let fs: UInt32 = 0x0000_0200
    public static let files: UInt32 = 0x0000_0400
    public static let sighand: UInt32 = 0x0000_0800
    public static let vfork: UInt32 = 0x0000_4000
    public static let parent: UInt32 = 0x0000_8000
    public static let thread: UInt32 = 0x0001_0000
    public static let sysvsem: UInt32 = 0x0004_0000
    public static let settls: UInt32 = 0x0008_0000
    public static let parentSettid: UInt32 = 0x0010_0000
    public static let childCleartid: UInt32 = 0x0020_0000
    public static let childSettid: UInt32 = 0x0100_0000
    /// Namespaces and other flags Gate does not model: EINVAL rather than pretending.
    public static let unsupported: UInt32 = 0x7e02_0000 | 0x0000_1000
}

extension Kernel {
    /// do_fork. Returns the child's id to the parent (or −errno).
    func clone(_ c: SyscallContext, flags: UInt32, stack: UInt32, parentTid: UInt32, tls: UInt32,
               childTid: UInt32) -> Int32 {
        let parentTask = current
        let parent = parentTask.process
        if flags & CloneFlags.thread != 0 && flags & CloneFlags.sighand == 0 { return Errno.EINVAL.negated }
        if flags & CloneFlags.sighand != 0 && flags & CloneFlags.vm == 0 { return Errno.EINVAL.negated }
        if flags & CloneFlags.unsupported != 0 { return Errno.EINVAL.negated }
        let tid = nextPid
        let child: Task
        if flags & CloneFlags.thread != 0 {
            child = Task(tid: tid, process: parent)
            let r = startThread(child, of: parentTask, c, flags: flags, stack: stack, tls: tls)
            if r < 0 { return r }
            parent.threads.append(child)
        } else {
            // CLONE_VM|CLONE_VFORK (vfork, posix_spawn) shares the memory while the
            // parent sleeps; CLONE_VM alone, without CLONE_THREAD, gets a copy.
            guard let p = forkProcess(parent, pid: tid, c, flags: flags, stack: stack, tls: tls) else {
                return Errno.ENOMEM.negated
            }
            child = p.threads[0]
        }
        nextPid += 1
        child.trap = parentTask.trap            // dup_task_struct copies the thread struct
        tasks.append(child)
        if flags & CloneFlags.parentSettid != 0 { _ = c.setU32(UInt32(bitPattern: tid), at: parentTid) }
        if flags & CloneFlags.childSettid != 0 {
            _ = child.process.memory.write(childTid, GuestLayout.le32(UInt32(bitPattern: tid)))
        }
        if flags & CloneFlags.childCleartid != 0 { child.clearChildTid = childTid }
        if flags & CloneFlags.vfork != 0 {
            // The parent sleeps until the child lets go of the (shared) memory.
            let done = WaitQueue()
            let p = child.process
            p.vforkDone = done
            return c.block(Wait(queues: [done], interrupted: nil, wakesOnSignal: false, retry: { p.vforkDone == nil ? tid : nil }))
        }
        return tid
    }

    /// A new thread of the caller's process: its saved state is the caller's, with
    /// EAX = 0 and its own kernel stack copy, TLS slots and signal mask.
    private func startThread(_ child: Task, of parent: Task, _ c: SyscallContext, flags: UInt32, stack: UInt32,
                             tls: UInt32) -> Int32 {
        let p = parent.process
        let memory = p.memory
        var tlsBytes = memory.read(Kernel.tlsAddress, count: Kernel.tlsSize, need: PagePermission.kernelRead) ?? []
        if flags & CloneFlags.settls != 0 {
            // Install the descriptor, take the slots as the child's, put the caller's back.
            let mine = tlsBytes
            let r = ProcessSyscalls.installTLS(c, descriptor: tls, gdtIn: memory)
            tlsBytes = memory.read(Kernel.tlsAddress, count: Kernel.tlsSize, need: PagePermission.kernelRead) ?? []
            memory.poke(Kernel.tlsAddress, mine)
            if r < 0 { return r }
        }
        var state = p.cpu.savedState
        state.gpr.0 = 0
        var kstack = memory.read(KernelLayout.kernelStack, count: Int(KernelLayout.threadSize),
                                 need: PagePermission.kernelRead) ?? []
        if stack != 0 && c.regsAddress != 0 {
            let o = Int(c.regsAddress - KernelLayout.kernelStack + PtRegs.OLDESP)
            kstack.replaceSubrange(o..<o + 4, with: GuestLayout.le32(stack))
        }
        child.savedCPU = state
        child.savedKernelStack = kstack
        child.savedTLS = tlsBytes
        // A thread shares handlers but has its own mask; CLONE_VM drops the alternate stack.
        child.savedSignals = ThreadSignals(blocked: p.signals.blocked)
        return 0
    }

    /// copy_process for a new process: an eager copy of the address space, a CPU
    /// loaded with the caller's state, descriptors copied (or shared with CLONE_FILES).
    private func forkProcess(_ parent: Process, pid: Int32, _ c: SyscallContext, flags: UInt32, stack: UInt32,
                             tls: UInt32) -> Process? {
        let shares = flags & CloneFlags.vm != 0 && flags & CloneFlags.vfork != 0
        let memory: GuestMemory
        var parentKernel: (stack: [UInt8], tls: [UInt8])? = nil
        if shares {
            // The child runs on the same memory while the parent sleeps, with the same
            // kernel half: the parent's kernel stack (its pt_regs) and TLS slots are put
            // aside and come back when the child execs or exits.
            memory = parent.memory
            parentKernel = (memory.read(KernelLayout.kernelStack, count: Int(KernelLayout.threadSize),
                                        need: PagePermission.kernelRead) ?? [],
                            memory.read(Kernel.tlsAddress, count: Kernel.tlsSize, need: PagePermission.kernelRead) ?? [])
        } else {
            guard let m = GuestMemory() else { return nil }
            parent.memory.copyForFork(areas: parent.mm.areas, into: m)
            memory = m
        }
        let cpu = CPU(memory: memory, model: options.model)
        cpu.restore(parent.cpu.savedState)
        cpu.setRegister(.eax, 0)
        let p = Process(memory: memory, cpu: cpu)
        p.mm = shares ? parent.mm : parent.mm.copy(over: memory)
        if let parentKernel {
            p.vforkParent = parent
            p.vforkParentKernel = parentKernel
        }
        p.kernel = self
        p.pid = pid
        let realParent = flags & CloneFlags.parent != 0 ? (parent.parent ?? parent) : parent
        if flags & CloneFlags.parent != 0 && parent.parent == nil {
            p.parent = nil
            p.parentPid = parent.parentPid
        } else {
            p.parent = realParent
            p.parentPid = realParent.pid
            realParent.children.append(p)
        }
        p.pgid = parent.pgid
        p.sid = parent.sid
        p.uid = parent.uid; p.gid = parent.gid; p.groups = parent.groups
        p.name = parent.name
        p.personality = parent.personality
        p.dumpable = parent.dumpable
        p.signals = parent.signals
        p.signals.pending = 0
        p.signals.info = [SigInfo?](repeating: nil, count: 65)
        p.signals.savedMask = nil
        p.executable = parent.executable
        p.arguments = parent.arguments
        p.environment = parent.environment
        p.auxv = parent.auxv
        p.fs = parent.fs
        p.files = flags & CloneFlags.files != 0 ? parent.files : parent.files.copy()
        p.exitSignal = flags & 0xff
        let task = Task(tid: pid, process: p)
        p.threads = [task]
        p.activeThread = task
        processes[pid] = p
        if stack != 0 && c.regsAddress != 0 {
            memory.store32(c.regsAddress + PtRegs.OLDESP, stack)
        }
        if flags & CloneFlags.settls != 0 {
            if ProcessSyscalls.installTLS(c, descriptor: tls, gdtIn: memory) == 0 {
                p.loadUserSegment(.gs, cpu.segment(.gs).selector)
                p.loadUserSegment(.fs, cpu.segment(.fs).selector)
            }
        }
        return p
    }

    /// A CLONE_VM|CLONE_VFORK child let go of its parent's memory (exec or exit): the
    /// parent's kernel stack and TLS slots go back, its block cache hears of code writes
    /// again (and forgets blocks the child may have made stale).
    func releaseVforkMemory(_ p: Process) {
        guard let parent = p.vforkParent, let saved = p.vforkParentKernel else { return }
        p.vforkParent = nil
        p.vforkParentKernel = nil
        parent.memory.poke(KernelLayout.kernelStack, saved.stack)
        parent.memory.poke(Kernel.tlsAddress, saved.tls)
        parent.memory.codeObserver = parent.cpu.blocks
        parent.cpu.blocks.flush()
    }
}
