import IA32

/// Cuts each system call's walk out of a stream of instructions fed to it one at a time
/// (from `Kernel.beforeInstruction`). A walk starts at a user `int $0x80` outside the
/// vDSO, or at the user instruction that jumped to `__kernel_vsyscall` (the one seen just
/// before); it ends at the first user instruction outside the vDSO after the kernel ran.
public final class GateWalker {
    /// What `observe` saw.
    public enum Event {
        /// An instruction outside any walk.
        case outside
        /// The walk began: the starting step(s) (the `call` and the first vDSO
        /// instruction, or the `int $0x80`).
        case began([GateStep])
        /// The next instruction inside the walk.
        case step(GateStep)
        /// The walk is complete; the instruction about to run is outside it.
        case ended(GateWalk)
    }

    let memory: GuestMemory
    let vsyscall: UInt32
    let vdsoStart: UInt32, vdsoEnd: UInt32
    let dispatch: Set<UInt32>
    private var current: GateWalk?
    private var enteredKernel = false
    private var previous: (eip: UInt32, esp: UInt32, cpl: UInt8)?

    public init(kernel: Kernel) {
        memory = kernel.process.memory
        let vdso = kernel.boot.vdso
        vsyscall = vdso.vsyscall
        vdsoStart = vsyscall & ~0xfff
        vdsoEnd = vdsoStart &+ UInt32(max(vdso.bytes.count, 4096))
        dispatch = Set(["syscall_call", "sysenter_call"].compactMap { kernel.boot.entry.symbols[$0] })
    }

    /// The walk in progress, if the program stopped inside one (an exit never returns).
    public var unfinished: GateWalk? { current }
    /// Walks collected by `collect(_:from:)`.
    public private(set) var completed: [GateWalk] = []

    /// Follows the first `count` system calls `kernel` runs, then lets go of the CPU, so
    /// the rest of the program runs at full speed through the block cache.
    public func collect(_ count: Int, from kernel: Kernel) {
        kernel.beforeInstruction = { [unowned kernel] cpu in
            if case .ended(let walk) = self.observe(cpu) {
                self.completed.append(walk)
                if self.completed.count >= count { kernel.beforeInstruction = nil }
            }
        }
    }

    /// The bytes of the instruction at `eip` (kernel or user), by decoding its length.
    public static func step(_ cpu: CPU, memory: GuestMemory, eip: UInt32, esp: UInt32, cpl: UInt8) -> GateStep {
        let length = Int(cpu.decodeOne(at: eip).next &- eip)
        let bytes = memory.read(eip, count: max(1, min(length, 15)), need: PagePermission.read) ?? []
        return GateStep(eip: eip, cpl: cpl, esp: esp, bytes: bytes)
    }

    func inVDSO(_ eip: UInt32) -> Bool { eip >= vdsoStart && eip < vdsoEnd }

    public func observe(_ cpu: CPU) -> Event {
        let eip = cpu.eip, cpl = cpu.cpl, esp = cpu.register(.esp)
        defer { previous = (eip, esp, cpl) }
        if var walk = current {
            if cpl == 3 && enteredKernel && !inVDSO(eip) {
                walk.result = cpu.register(.eax)
                walk.landing = (eip, cpl, esp)
                current = nil
                return .ended(walk)
            }
            let s = GateWalker.step(cpu, memory: memory, eip: eip, esp: esp, cpl: cpl)
            if cpl == 0 && !enteredKernel {
                enteredKernel = true
            }
            if s.isSysenter || s.isInt80 { walk.number = cpu.register(.eax) }
            if cpl == 0 && dispatch.contains(eip) { walk.regsAtDispatch = PtRegs(memory: memory, at: esp) }
            walk.steps.append(s)
            current = walk
            return .step(s)
        }
        guard cpl == 3 else { return .outside }
        var started: [GateStep] = []
        if eip == vsyscall, let p = previous, p.cpl == 3, !inVDSO(p.eip) {
            started.append(GateWalker.step(cpu, memory: memory, eip: p.eip, esp: p.esp, cpl: 3))
        } else if inVDSO(eip) || memory.read(eip, count: 2, need: PagePermission.userRead) != [0xcd, 0x80] {
            return .outside
        }
        let s = GateWalker.step(cpu, memory: memory, eip: eip, esp: esp, cpl: cpl)
        started.append(s)
        var walk = GateWalk()
        walk.steps = started
        if s.isInt80 { walk.number = cpu.register(.eax) }
        current = walk
        enteredKernel = false
        return .began(started)
    }
}
