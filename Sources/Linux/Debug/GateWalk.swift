import IA32

/// One instruction on a system call's way through the gate, seen just before it ran.
public struct GateStep: Sendable, Equatable {
    public let eip: UInt32
    public let cpl: UInt8
    public let esp: UInt32
    /// The instruction's bytes (its length is `bytes.count`).
    public let bytes: [UInt8]

    public var isSysenter: Bool { bytes == [0x0f, 0x34] }
    public var isSysexit: Bool { bytes == [0x0f, 0x35] }
    public var isInt80: Bool { bytes == [0xcd, 0x80] }
    public var isIret: Bool { bytes == [0xcf] }
}

/// One system call's whole journey: every instruction from the user instruction that
/// starts it (`int $0x80`, or the `call` into `__kernel_vsyscall`) to the last one before
/// the program continues after it, user and kernel alike.
public struct GateWalk: Sendable {
    public internal(set) var steps: [GateStep] = []
    /// EAX when the CPU entered the kernel: the system-call number.
    public internal(set) var number: UInt32 = 0
    /// `struct pt_regs` as `call *sys_call_table(,%eax,4)` dispatched it.
    public internal(set) var regsAtDispatch: PtRegs?
    /// The call's result, EAX back at CPL 3.
    public internal(set) var result: UInt32?
    /// Where the program went on after the walk (its first instruction, not part of it):
    /// the landing of the final `iret`, or the instruction after the `call`.
    public internal(set) var landing: (eip: UInt32, cpl: UInt8, esp: UInt32)?

    /// sysenter if the walk went through the instruction, otherwise int $0x80.
    public var path: Kernel.EntryPath { steps.contains(where: \.isSysenter) ? .sysenter : .int80 }
    public var instructions: Int { steps.count }
    public var kernelInstructions: Int { steps.reduce(0) { $0 + ($1.cpl == 0 ? 1 : 0) } }
    public var userInstructions: Int { instructions - kernelInstructions }

    /// The (CPL, ESP) of every step, and of the landing after the last one.
    var trail: [(cpl: UInt8, esp: UInt32)] {
        steps.map { ($0.cpl, $0.esp) } + (landing.map { [($0.cpl, $0.esp)] } ?? [])
    }

    /// Transitions between CPL 3 and CPL 0 (two per call: in and out).
    public var privilegeChanges: Int {
        let t = trail
        return zip(t, t.dropFirst()).reduce(0) { $0 + ($1.0.cpl != $1.1.cpl ? 1 : 0) }
    }

    /// Which stack ESP points into: the user's, the TSS's small sysenter stack, or the
    /// task's 8 KiB kernel stack.
    public enum Stack: String, Sendable { case user, sysenterStack = "TSS sysenter stack", kernel = "kernel stack" }

    public static func stack(of esp: UInt32) -> Stack {
        if esp < KernelLayout.pageOffset { return .user }
        if esp > KernelLayout.tss && esp <= KernelLayout.sysenterStackTop { return .sysenterStack }
        return .kernel
    }

    /// Each change of stack along the walk, in order: the TSS switch of `int $0x80`
    /// (or sysenter's SYSENTER_ESP and entry.S's move to esp0), and the way back.
    public var stackSwitches: [(from: Stack, to: Stack)] {
        let t = trail
        var out: [(Stack, Stack)] = []
        for (a, b) in zip(t, t.dropFirst()) {
            let from = GateWalk.stack(of: a.esp), to = GateWalk.stack(of: b.esp)
            if from != to { out.append((from, to)) }
        }
        return out
    }
}
