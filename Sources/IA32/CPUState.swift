/// General-purpose register numbers in the order the ModRM `reg` field encodes them.
public enum Reg: Int, CaseIterable, Sendable {
    case eax = 0, ecx, edx, ebx, esp, ebp, esi, edi
}

/// Segment register numbers in the order `mov Sreg` and the override prefixes use.
public enum SegReg: Int, CaseIterable, Sendable {
    case es = 0, cs, ss, ds, fs, gs
}

/// The architectural state of one IA-32 processor, laid out as a plain struct so the
/// interpreter reaches every field through one `UnsafeMutablePointer` with no
/// reference counting, exclusivity checks or copy-on-write (DESIGN.md, "Hot loop").
///
/// `gpr` must stay the first stored property: register operands are read by index as
/// `UInt32`s (and `AL…BH` as bytes) at fixed offsets from the start of the struct.
public struct CPUState {
    /// EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI.
    public var gpr: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
    /// Register number 8, always 0: a memory operand without a base or index register
    /// names this one (`Instruction.none`), so effective addresses need no branches.
    let zeroRegister: UInt32 = 0
    public var eip: UInt32 = 0

    /// EFLAGS. While `flags.op != .none` its six arithmetic bits are stale and
    /// `LazyFlags` holds what is needed to compute them.
    public var eflagsRaw: UInt32 = 0x202
    public var flags = LazyFlags()

    /// Segment registers and their descriptor caches.
    public var seg = SegmentFile()

    /// Current privilege level: 0 (kernel) or 3 (user).
    public var cpl: UInt8 = 3

    /// Guest memory, copied here so the hot loop needs no class access.
    public var mem: UnsafeMutableRawPointer
    public var perm: UnsafeMutablePointer<UInt8>
    /// The memory's page-memo epoch (Dispatch/PageMemo.swift).
    var memoEpoch: UnsafeMutablePointer<UInt64>
    /// The address space object, unretained (the owning `CPU` keeps it alive).
    var memoryRef: Unmanaged<GuestMemory>
    /// The permission bits an access needs at the current CPL (see `PagePermission`).
    public var readNeed: UInt8 = PagePermission.userRead
    public var writeNeed: UInt8 = PagePermission.userWrite
    /// `writeNeed` plus the code bit: a page passes a fast write when its byte masked
    /// with this equals `writeNeed` (permitted, and no decoded code to invalidate).
    public var writeMask: UInt8 = PagePermission.userWrite | PagePermission.code

    /// A pending exception raised by the instruction being executed (vector < 0: none).
    public var fault = PendingFault()
    /// Set when a write hit a page holding decoded code: the current block is stale.
    public var codeWritten: Bool = false
    /// Set with any of `fault`, `stop` or `codeWritten` (`needAttention`): the handler
    /// returns to the run loop after this instruction instead of going on.
    public var attention: Bool = false
    /// Set by a string instruction that stopped part way because it overwrote decoded
    /// code: EIP stays on it, so the rest runs from freshly decoded bytes.
    public var restartInstruction: Bool = false
    /// Instructions `run` may still retire. Each block subtracts its count as it
    /// retires (one subtraction in memory and a branch), and the chain of handlers
    /// returns to the run loop once none is left.
    public var budget: Int64 = 0
    /// `budget` when the running chain of handlers started. The run loop adds what the
    /// chain spent to `retired` when it returns; inside a chain, `currentRetired` does.
    var chainBudget: Int64 = 0
    /// Services `hlt` at CPL 0 in place (`CPU.serviceHalts`), with its context.
    var haltService: CPU.HaltService? = nil
    var haltContext: UnsafeMutableRawPointer? = nil
    /// Set when the halt service handled a `hlt` and `run` must return `.serviced`.
    var serviced: Bool = false
    /// DS, ES and SS are flat (4 GiB, writable) with base 0, as Linux always has them:
    /// blocks decoded while this holds use the handlers' flat forms, which look at no
    /// segment (Dispatch/FlatHandlers.swift). Kept by `segmentsChanged`.
    public internal(set) var flatData: Bool = true
    /// Set when DS, ES or SS stopped being flat: the run loop drops every decoded block.
    var flushBlocks: Bool = false
    /// Counts block-cache flushes: a `hlt` serviced in place goes on in its block only
    /// if the block is still there.
    var flushes: Int = 0
    /// The block tail the last chain of handlers left by (nil: none to link), for the
    /// run loop to link to the block that comes next.
    var exitTail: UnsafeMutableRawPointer? = nil

    /// Why the interpreter must return to its caller after this instruction (`StopCode`).
    public var stop: StopCode = .none
    /// The vector of a software interrupt handed to the host, or the opcode of an
    /// unsupported privileged instruction.
    public var stopValue: UInt32 = 0
    /// When set, `int n` is handed to the embedding (`StopReason.softwareInterrupt`)
    /// instead of going through the IDT: user-mode emulation without a kernel model.
    public var interruptsToHost: Bool = false
    /// With `interruptsToHost`: the vectors whose gates user code may use (DPL 3), as a
    /// 256-bit set. Other vectors raise #GP(vector·8+2), as a DPL-0 gate would.
    public var userGates: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    /// CPUID answers and optional instructions of the model being emulated.
    public var cpuidSignature: UInt32 = 0
    public var cpuidFeatures: UInt32 = 0
    public var sysenterWorks: Bool = false

    /// Model-specific registers Gate implements.
    public var msr = MSRFile()
    /// The last data or stack segment load that passed its checks (SegmentLoading.swift).
    var segmentMemo = SegmentLoadMemo()
    /// Instructions retired. The time-stamp counter is this plus `tscOffset`, so runs
    /// are deterministic.
    public var retired: UInt64 = 0
    public var tscOffset: UInt64 = 0

    /// The x87 FPU (X87/FPUState.swift).
    public var fpu = FPUState()

    init(memory: GuestMemory) {
        mem = memory.base
        perm = memory.perm
        memoEpoch = memory.memoEpoch
        memoryRef = Unmanaged.passUnretained(memory)
    }
}

/// Why an instruction asked the run loop to stop.
public enum StopCode: UInt8, Sendable {
    case none = 0, softwareInterrupt, halt, unsupported
}

/// An exception raised during an instruction; faults leave EIP at the instruction.
public struct PendingFault: Equatable, Sendable {
    public var vector: Int32 = -1
    public var errorCode: UInt32 = 0
    /// A trap (int3, into, single-step) leaves EIP after the instruction.
    public var isTrap: Bool = false
    /// For #PF: the faulting linear address (what CR2 would hold).
    public var address: UInt32 = 0
    public var isPending: Bool { vector >= 0 }

    public init(vector: Int32 = -1, errorCode: UInt32 = 0, isTrap: Bool = false, address: UInt32 = 0) {
        self.vector = vector
        self.errorCode = errorCode
        self.isTrap = isTrap
        self.address = address
    }
}

/// The model-specific registers that Linux 2.6 uses on i386.
public struct MSRFile: Sendable {
    public static let sysenterCS: UInt32 = 0x174
    public static let sysenterESP: UInt32 = 0x175
    public static let sysenterEIP: UInt32 = 0x176
    public static let timeStampCounter: UInt32 = 0x10

    public var sysenterCS: UInt32 = 0
    public var sysenterESP: UInt32 = 0
    public var sysenterEIP: UInt32 = 0
}

extension UnsafeMutablePointer where Pointee == CPUState {
    @inline(__always) var raw: UnsafeMutableRawPointer { UnsafeMutableRawPointer(self) }

    @inline(__always) func r32(_ i: Int) -> UInt32 {
        raw.load(fromByteOffset: i &<< 2, as: UInt32.self)
    }
    @inline(__always) func setR32(_ i: Int, _ v: UInt32) {
        raw.storeBytes(of: v, toByteOffset: i &<< 2, as: UInt32.self)
    }
    @inline(__always) func r16(_ i: Int) -> UInt32 {
        UInt32(raw.load(fromByteOffset: i &<< 2, as: UInt16.self))
    }
    @inline(__always) func setR16(_ i: Int, _ v: UInt32) {
        raw.storeBytes(of: UInt16(truncatingIfNeeded: v), toByteOffset: i &<< 2, as: UInt16.self)
    }
    /// AL, CL, DL, BL, AH, CH, DH, BH: byte 0 of EAX…EBX, then byte 1 of them.
    @inline(__always) func r8(_ i: Int) -> UInt32 {
        UInt32(raw.load(fromByteOffset: ((i & 3) &<< 2) | (i &>> 2), as: UInt8.self))
    }
    @inline(__always) func setR8(_ i: Int, _ v: UInt32) {
        raw.storeBytes(of: UInt8(truncatingIfNeeded: v), toByteOffset: ((i & 3) &<< 2) | (i &>> 2), as: UInt8.self)
    }
    /// A register of `size` bytes (1, 2 or 4).
    @inline(__always) func reg(_ i: Int, _ size: Int) -> UInt32 {
        size == 4 ? r32(i) : (size == 2 ? r16(i) : r8(i))
    }
    @inline(__always) func setReg(_ i: Int, _ size: Int, _ v: UInt32) {
        if size == 4 { setR32(i, v) } else if size == 2 { setR16(i, v) } else { setR8(i, v) }
    }

    /// Instructions retired up to the start of the running block, including the blocks
    /// the running chain of handlers retired and the run loop has not yet counted.
    @inline(__always) var currentRetired: UInt64 {
        pointee.retired &+ UInt64(bitPattern: pointee.chainBudget &- pointee.budget)
    }

    /// Counts in `retired` what the running chain has spent of the budget.
    @inline(__always) func settleRetired() {
        pointee.retired &+= UInt64(bitPattern: pointee.chainBudget &- pointee.budget)
        pointee.chainBudget = pointee.budget
    }

    /// Retires `n` instructions outside a block's tail (a block left part way).
    @inline(__always) func retireNow(_ n: Int64) {
        settleRetired()
        pointee.retired &+= UInt64(bitPattern: n)
        pointee.budget &-= n
        pointee.chainBudget = pointee.budget
    }

    /// Whether DS, ES and SS are all flat, writable and based at 0.
    var dataSegmentsFlat: Bool {
        let es = pointee.seg.regs.0, ss = pointee.seg.regs.2, ds = pointee.seg.regs.3
        return es.fast & ss.fast & ds.fast & SegmentCache.fastWrite != 0 && es.base | ss.base | ds.base == 0
    }

    /// After DS, ES or SS changed: blocks decoded in the flat forms cannot run once they
    /// are not flat, so the run loop is asked to drop them (after this instruction when
    /// `inInstruction`, at the next `run` otherwise).
    func segmentsChanged(inInstruction: Bool = true) {
        let flat = dataSegmentsFlat
        if pointee.flatData && !flat {
            pointee.flushBlocks = true
            if inInstruction { needAttention() }
        }
        pointee.flatData = flat
    }

    @inline(__always) var esp: UInt32 {
        get { pointee.gpr.4 }
        nonmutating set { pointee.gpr.4 = newValue }
    }

    /// Raises an exception; the instruction has no further architectural effect.
    @inline(__always) func raise(_ vector: Int32, _ errorCode: UInt32 = 0, address: UInt32 = 0) {
        if pointee.fault.vector < 0 {
            pointee.fault = PendingFault(vector: vector, errorCode: errorCode, address: address)
            needAttention()
        }
    }
    /// Raises a trap-class exception: EIP stays after the instruction.
    @inline(__always) func raiseTrap(_ vector: Int32) {
        if pointee.fault.vector < 0 {
            pointee.fault = PendingFault(vector: vector, errorCode: 0, isTrap: true, address: 0)
            needAttention()
        }
    }

    /// Makes the run loop stop after the current instruction and look at why.
    @inline(__always) func needAttention() {
        pointee.attention = true
    }

    /// Asks the run loop to return to its caller after this instruction.
    @inline(__always) func requestStop(_ code: StopCode, _ value: UInt32 = 0) {
        pointee.stop = code
        pointee.stopValue = value
        needAttention()
    }
    @inline(__always) var faulted: Bool { pointee.fault.vector >= 0 }
}

/// Exception vectors (Intel SDM vol. 3, table 6-1).
public enum Vector {
    public static let divideError: Int32 = 0       // #DE
    public static let debug: Int32 = 1             // #DB
    public static let breakpoint: Int32 = 3        // #BP (int3)
    public static let overflow: Int32 = 4          // #OF (into)
    public static let boundRange: Int32 = 5        // #BR
    public static let invalidOpcode: Int32 = 6     // #UD
    public static let deviceNotAvailable: Int32 = 7 // #NM
    public static let stackFault: Int32 = 12       // #SS
    public static let generalProtection: Int32 = 13 // #GP
    public static let pageFault: Int32 = 14        // #PF
    public static let fpuError: Int32 = 16         // #MF
    public static let alignmentCheck: Int32 = 17   // #AC
}
