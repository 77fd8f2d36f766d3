/// What a decoded instruction does. The decoder picks the operation once and stores
/// its handler in the instruction (Dispatch/HandlerTable.swift); executing never
/// re-reads the bytes. Cases group by the `Execute/` file that implements them.
public enum Op: UInt16, CaseIterable, Sendable {
    // Invalid encodings and undecodable bytes.
    case undefined = 0          // #UD
    case fetchFault             // the bytes could not be fetched: #PF at this EIP

    // ALU.swift — `sub` holds the ALU operation (0 add … 7 cmp, the ModRM /r order).
    case aluRMReg, aluRegRM, aluRMImm
    case add32RR, sub32RR, cmp32RR, xor32RR, and32RR, or32RR, add32RI, sub32RI, cmp32RI, and32RI
    case cmp32RM, cmp32MI, cmp32MR, add32RM
    case or32RI, xor32RI, sub32RM, and32RM, or32RM, xor32RM
    /// Carry-chained arithmetic (64-bit sums, comparison results): adc and sbb.
    case adc32RR, sbb32RR, adc32RI, sbb32RI
    /// 32-bit `op mem, reg` and `op mem, imm` for add, or, and, sub, xor (`sub` = kind).
    case alu32MR, alu32MI
    case cmp8MI, cmp8RR
    case inc, dec, inc32R, dec32R, neg, not, testRMReg, testRMImm, test32RR, test32RI

    // Shift.swift — `sub` holds rol ror rcl rcr shl shr sal sar.
    case shiftImm, shiftCL, shld, shrd
    /// 32-bit register shifted by an immediate count in 1...31.
    case shl32RI, shr32RI, sar32RI, shld32RRI, shrd32RRI

    // MulDiv.swift
    case mul, imul1, div, idiv, imul2, imul3
    case imul32RR, imul32RRI

    // BitOps.swift — `sub` 0 bt, 1 bts, 2 btr, 3 btc.
    case btReg, btImm, bsf, bsr, bswap

    // DataMove.swift
    case movRMReg, movRegRM, movRMImm, mov32RR, mov32RM, mov32MR, mov32RI
    case mov8MR, mov8RM, mov8MI
    /// movzx/movsx into a 32-bit register from an 8- or 16-bit register or memory.
    case movzx8R32, movzx16R32, movzx8M32, movzx16M32, movsx8M32, movsx16M32
    case movzx, movsx, lea, lea32, xchg, xadd, cmpxchg, cmpxchg8b
    case cbw, cwd, lahf, sahf, xlat, salc, setcc, cmovcc
    /// setcc into a byte register.
    case setccR
    case movRMSreg, movSregRM, loadFarPointer, arpl, bound
    case clc, stc, cmc, cld, std, cli, sti, nop

    // Stack.swift
    case pushReg, popReg, pushImm, pushRM, popRM, pushSreg, popSreg
    case pusha, popa, pushf, popf, enter, leave
    case push32R, pop32R

    // Control.swift — branch targets are resolved to EIP values at decode time.
    case jcc, jmp, jmpRM, call, callRM, ret, retImm, loop, jecxz
    /// jcc by condition (all but jo/jno/jp/jnp), each reading a recorded 32-bit
    /// compare or logic result directly.
    case jb, jae, je, jne, jbe, ja, js, jns, jl, jge, jle, jg
    /// A 32-bit compare or test and the jcc right after it, run as one (Decoder/
    /// BranchFusion.swift), by the jcc's condition; the compare's operands. The jcc
    /// stays in the block, unexecuted, between the fused compare and the block's tail.
    case cmpRRJb, cmpRRJae, cmpRRJe, cmpRRJne, cmpRRJbe, cmpRRJa, cmpRRJs, cmpRRJns, cmpRRJl, cmpRRJge, cmpRRJle, cmpRRJg
    case cmpRIJb, cmpRIJae, cmpRIJe, cmpRIJne, cmpRIJbe, cmpRIJa, cmpRIJs, cmpRIJns, cmpRIJl, cmpRIJge, cmpRIJle, cmpRIJg
    case testRRJb, testRRJae, testRRJe, testRRJne, testRRJbe, testRRJa, testRRJs, testRRJns, testRRJl, testRRJge, testRRJle, testRRJg
    case jmpFar, callFar, jmpFarRM, callFarRM, retFar

    // Strings.swift — `sub` 0 none, 1 rep/repe, 2 repne.
    case movs, stos, lods, cmps, scas, repStos32

    // BCD.swift
    case daa, das, aaa, aas, aam, aad

    // System.swift — interrupts, the fast system-call pair, MSRs, CPUID, privileged ops.
    case int3, intN, into, iret, hlt, ud2
    case sysenter, sysexit, rdmsr, wrmsr, cpuid, rdtsc
    case lgdt, lidt, sgdt, sidt, lldt, sldt, ltr, str, smsw, lmsw, lar, lsl, verr, verw
    case privileged             // #GP(0) at CPL > 0 (in/out, mov crN, clts, invlpg…)
    case x87                    // x87 escapes, fwait, MMX, fxsave/fxrstor: X87/, form in `imm`

    /// Flagless forms for instructions whose flags nothing reads (Decoder/FlagLiveness.swift).
    case add32RRNF, sub32RRNF, xor32RRNF, and32RRNF, or32RRNF
    case add32RINF, sub32RINF, and32RINF, or32RINF, xor32RINF
    case shl32RINF, shr32RINF, sar32RINF, imul32RRNF, imul32RRINF, inc32RNF, dec32RNF

    /// A compare of memory with an immediate fused with the je or jne after it (the
    /// string and flag-scanning idiom `cmpb $0,(%eax); jne`).
    case cmp8MIJe, cmp8MIJne, cmp8MIBJe, cmp8MIBJne, cmp32MIJe, cmp32MIJne, cmp32MIBJe, cmp32MIBJne
    /// Memory forms for operands without an index register (Dispatch/BaseAddressedHandlers.swift).
    case mov32RMB, movzx8M32B, mov32MRB, mov8MRB, mov8MIB, cmp32RMB, cmp32MIB, cmp8MIB
    /// `movzbl (base),reg` and the flagless `add $imm,reg'` right after it, run as one
    /// (Decoder/LoadAdvanceFusion.swift, Dispatch/LoadAdvanceHandlers.swift): the step of
    /// every byte-scanning loop. The add stays in its slot and runs on its own only when
    /// the load takes the general path.
    case movzx8M32BAdvance
    /// `xor` into a register and `imul $imm` of it right after, both flagless: a hash
    /// step, run as one (Decoder/HashStepFusion.swift, Dispatch/HashStepHandlers.swift).
    /// The multiply stays in its slot.
    case xorMul32RR, xorMul32RM
    /// Two to eight `push %r32` or `pop %r32` in a row, run as one (Decoder/
    /// StackRunFusion.swift, Dispatch/StackRunHandlers.swift): `sub` counts them and
    /// `imm` holds their registers, four bits each, first in the low bits. The rest of
    /// the run stays in its slots for the general path.
    case push32RRun, pop32RRun

    /// The hot x87 forms, each an operation of its own (Dispatch/FloatingPointHandlers.swift)
    /// rather than `.x87` and a second dispatch on the form.
    case x87Fadd32, x87Fmul32, x87Fsub32, x87Fsubr32, x87Fdiv32, x87Fdivr32, x87Fadd64, x87Fmul64
    case x87Fsub64, x87Fsubr64, x87Fdiv64, x87Fdivr64, x87Fiadd16, x87Fimul16, x87Fisub16
    case x87Fisubr16, x87Fidiv16, x87Fidivr16, x87Fiadd32, x87Fimul32, x87Fisub32, x87Fisubr32
    case x87Fidiv32, x87Fidivr32, x87FaddST0, x87FmulST0, x87FsubST0, x87FsubrST0, x87FdivST0
    case x87FdivrST0, x87FaddSTi, x87FmulSTi, x87FsubrSTi, x87FsubSTi, x87FdivrSTi, x87FdivSTi
    case x87Faddp, x87Fmulp, x87Fsubrp, x87Fsubp, x87Fdivrp, x87Fdivp, x87Fld64, x87Fld32
    case x87Fild32, x87FldST, x87Fst32, x87Fstp32, x87Fst64, x87Fstp64, x87FstST, x87FstpST
    case x87Fxch, x87FldConst, x87Fchs, x87Fabs, x87Fsqrt, x87Fcom, x87Fcomp, x87Fucom, x87Fucomp
    case x87Fcompp, x87Fucompp, x87Fcomi, x87Fcomip, x87Fucomi, x87Fucomip

    // Not instructions: the record after a block's last instruction (Dispatch/BlockTail.swift)
    // and the mark left on the first instruction of a block that code writes invalidated.
    case blockTail, invalidBlock
}

/// A decoded instruction: small, fixed-size, and complete, so executing it reads no
/// instruction bytes. Register operands are indices; a memory operand is its parts.
///
/// The first word is the handler that executes it, so the interpreter goes from one
/// instruction to the next with a load and a jump (Dispatch/, direct threading). The
/// layout is shared with `BlockTail`, which takes the same slot size in the block pool.
public struct Instruction: @unchecked Sendable {
    /// The C shim that runs this instruction (`HandlerTable`); set by the decoder.
    public var handler: UnsafeRawPointer? = nil
    public var op: Op = .undefined
    /// Operand size in bytes: 1, 2 or 4.
    public var size: UInt8 = 4
    /// Length in bytes, prefixes included.
    public var length: UInt8 = 0
    /// Sub-operation or condition code (see `Op`).
    public var sub: UInt8 = 0
    /// The ModRM reg field, or the register an opcode names.
    public var reg: UInt8 = 0
    /// The register operand when the r/m operand is a register.
    public var rm: UInt8 = 0
    /// Memory operand: base and index registers (`Instruction.none`), scale as a shift.
    public var base: UInt8 = Instruction.none
    public var index: UInt8 = Instruction.none
    public var scale: UInt8 = 0
    /// Segment of the memory operand (after overrides).
    public var seg: UInt8 = UInt8(SegReg.ds.rawValue)
    public var bits: UInt8 = 0
    /// Position in its block: the instructions before it that retire with it.
    public var pos: UInt8 = 0
    public var disp: UInt32 = 0
    /// EIP of the following instruction.
    public var next: UInt32 = 0
    /// Immediates. A flat memory form that has none keeps its page memo here instead,
    /// the two as one aligned word (Dispatch/PageMemo.swift).
    public var imm: UInt32 = 0
    public var imm2: UInt32 = 0

    /// "No register" in `base` and `index`: register 8 reads as 0 (`CPUState.zeroRegister`).
    public static let none: UInt8 = 8

    // `bits` flags.
    public static let memoryOperand: UInt8 = 1 << 0
    public static let addressSize16: UInt8 = 1 << 1
    public static let lockPrefix: UInt8 = 1 << 2
    public static let endsBlock: UInt8 = 1 << 3
    public static let segmentOverride: UInt8 = 1 << 4
    /// Decoded while DS, ES and SS were flat with base 0, with no memory operand or one in
    /// DS, ES or SS: the handler may be the operation's flat form (Dispatch/FlatHandlers.swift).
    public static let flatOperand: UInt8 = 1 << 5

    @inline(__always) public var isMemory: Bool { bits & Instruction.memoryOperand != 0 }
    @inline(__always) public var addr16: Bool { bits & Instruction.addressSize16 != 0 }
    @inline(__always) var sz: Int { Int(size) }

    public init() {}
}

/// Handlers read the decoded instruction in place, through a pointer, so the
/// interpreter loads only the fields an instruction uses rather than copying all of it
/// before dispatch.
public typealias Ins = UnsafePointer<Instruction>

extension UnsafePointer where Pointee == Instruction {
    @inline(__always) var op: Op { pointee.op }
    @inline(__always) var size: UInt8 { pointee.size }
    @inline(__always) var sz: Int { Int(pointee.size) }
    @inline(__always) var length: UInt8 { pointee.length }
    @inline(__always) var sub: UInt8 { pointee.sub }
    @inline(__always) var reg: UInt8 { pointee.reg }
    @inline(__always) var rm: UInt8 { pointee.rm }
    @inline(__always) var base: UInt8 { pointee.base }
    @inline(__always) var index: UInt8 { pointee.index }
    @inline(__always) var scale: UInt8 { pointee.scale }
    @inline(__always) var seg: UInt8 { pointee.seg }
    @inline(__always) var disp: UInt32 { pointee.disp }
    @inline(__always) var imm: UInt32 { pointee.imm }
    @inline(__always) var imm2: UInt32 { pointee.imm2 }
    @inline(__always) var next: UInt32 { pointee.next }
    @inline(__always) var isMemory: Bool { pointee.bits & Instruction.memoryOperand != 0 }
    @inline(__always) var addr16: Bool { pointee.bits & Instruction.addressSize16 != 0 }
}
