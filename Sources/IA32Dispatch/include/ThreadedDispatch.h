// Direct-threaded dispatch for the IA32 interpreter (DESIGN.md, "Hot loop").
//
// Every decoded instruction carries a pointer to its handler. A handler is a C shim that
// calls the Swift body for its operation (`gate_exec_NAME`, defined in Swift with
// @_silgen_name), then jumps straight to the handler of the instruction the body returns,
// with a guaranteed tail call. There is no central loop and no shared indirect jump: each
// handler ends in its own jump, which the host's branch predictor learns separately.
//
// The shims are `static inline` in this header so that Swift's Clang importer compiles
// them into the IA32 module itself, in the same LLVM module as the Swift bodies: the
// statement-level always_inline then inlines each body into its shim (WasmKit's
// technique). Nothing here knows the layout of the state or of an instruction beyond
// the first word of an instruction, which is its handler.
#ifndef GATE_THREADED_DISPATCH_H
#define GATE_THREADED_DISPATCH_H

#include <stdint.h>

#if defined(__clang__) && __clang_major__ >= 16
#define GATE_INLINE_CALL [[clang::always_inline]]
#else
#define GATE_INLINE_CALL
#endif

/// A handler: runs the instruction `i` on the processor state `s` and whatever follows it
/// in the same chain of tail calls. Returns the instruction at which execution left the
/// chain: one whose body asked to return to the run loop.
typedef const void *(*gate_handler)(void *s, const void *i);

/// The first word of every instruction (and of every block tail) is its handler.
#define GATE_NEXT_HANDLER(n) (*(gate_handler const *)(n))

/// Defines `gate_tc_NAME`, the shim for the Swift body `gate_exec_NAME`. The body returns
/// the next instruction to run, or null to leave the chain here.
#define GATE_HANDLER(name)                                                               \
    static inline const void *gate_tc_##name(void *s, const void *i) {                  \
        __attribute__((swiftcall)) const void *gate_exec_##name(void *s, const void *i); \
        const void *n;                                                                   \
        GATE_INLINE_CALL n = gate_exec_##name(s, i);                                     \
        if (__builtin_expect(n == 0, 0)) return i;                                       \
        __attribute__((musttail)) return GATE_NEXT_HANDLER(n)(s, n);                     \
    }

/// The size of an instruction (and of a block tail) in the block pool; the Swift side
/// checks it against `MemoryLayout<Instruction>.stride`.
#define GATE_INSTRUCTION_SIZE 40

/// The general body's shim for an operation with a fast and a general body: never
/// inlined, so the fast shim that tail-calls it saves no registers.
#define GATE_SLOW_SHIM(name)                                                                    \
    __attribute__((noinline)) static const void *gate_tc_slow_##name(void *s, const void *i) { \
        __attribute__((swiftcall)) const void *gate_exec_slow_##name(void *s, const void *i);  \
        const void *n;                                                                          \
        GATE_INLINE_CALL n = gate_exec_slow_##name(s, i);                                       \
        if (__builtin_expect(n == 0, 0)) return i;                                              \
        __attribute__((musttail)) return GATE_NEXT_HANDLER(n)(s, n);                            \
    }

/// A fast shim `shim` around the fast body `body` of an operation whose general shim is
/// `slow`: the body has no calls in it (so the shim saves no registers) and returns false
/// when it cannot finish (a segment that is not flat, a page it may not touch, an access
/// across pages…); the general body then runs the instruction from the start. Otherwise
/// execution goes on `slots` instructions later: 1, or 2 for a fused pair whose second
/// instruction keeps its slot unexecuted.
#define GATE_FAST_SHIM_SLOTS(shim, body, slow, slots)                                     \
    static inline const void *shim(void *s, const void *i) {                             \
        __attribute__((swiftcall)) _Bool body(void *s, const void *i);                   \
        _Bool done;                                                                       \
        GATE_INLINE_CALL done = body(s, i);                                               \
        if (__builtin_expect(!done, 0)) __attribute__((musttail)) return slow(s, i);      \
        const void *n = (const char *)i + (slots) * GATE_INSTRUCTION_SIZE;                \
        __attribute__((musttail)) return GATE_NEXT_HANDLER(n)(s, n);                      \
    }
#define GATE_FAST_SHIM(shim, body, slow) GATE_FAST_SHIM_SLOTS(shim, body, slow, 1)

/// The same for a terminator, whose fast body returns where to go (null: the run loop)
/// or GATE_SLOW for the general body.
#define GATE_SLOW ((const void *)1)
#define GATE_FAST_TERMINATOR_SHIM(shim, body, slow)                                       \
    static inline const void *shim(void *s, const void *i) {                             \
        __attribute__((swiftcall)) const void *body(void *s, const void *i);             \
        const void *n;                                                                    \
        GATE_INLINE_CALL n = body(s, i);                                                  \
        if (__builtin_expect((uintptr_t)n <= 1, 0)) {                                     \
            if (n) __attribute__((musttail)) return slow(s, i);                           \
            return i;                                                                     \
        }                                                                                 \
        __attribute__((musttail)) return GATE_NEXT_HANDLER(n)(s, n);                      \
    }

/// An operation with a fast body `gate_exec_NAME` and a general one `gate_exec_slow_NAME`.
#define GATE_SPLIT_HANDLER(name) \
    GATE_SLOW_SHIM(name) GATE_FAST_SHIM(gate_tc_##name, gate_exec_##name, gate_tc_slow_##name)
#define GATE_SPLIT_TERMINATOR(name) \
    GATE_SLOW_SHIM(name) GATE_FAST_TERMINATOR_SHIM(gate_tc_##name, gate_exec_##name, gate_tc_slow_##name)

/// The flat form of such an operation (`gate_tc_flat_NAME`, Sources/IA32/Dispatch/
/// FlatHandlers.swift): another fast body, the same general one.
#define GATE_FLAT_HANDLER(name) GATE_FAST_SHIM(gate_tc_flat_##name, gate_exec_flat_##name, gate_tc_slow_##name)
#define GATE_FLAT_TERMINATOR(name) \
    GATE_FAST_TERMINATOR_SHIM(gate_tc_flat_##name, gate_exec_flat_##name, gate_tc_slow_##name)

// One shim per `Op` case (Sources/IA32/Decoder/Instruction.swift). Each family's file in
// Sources/IA32/Dispatch names its shims in a switch, and a test checks that every `Op` is
// in one; a shim without its Swift body does not link.
GATE_HANDLER(undefined) GATE_HANDLER(fetchFault) GATE_HANDLER(aluRMReg)
GATE_HANDLER(aluRegRM) GATE_HANDLER(aluRMImm) GATE_HANDLER(add32RR) GATE_HANDLER(sub32RR)
GATE_HANDLER(cmp32RR) GATE_HANDLER(xor32RR) GATE_HANDLER(and32RR) GATE_HANDLER(or32RR)
GATE_HANDLER(add32RI) GATE_HANDLER(sub32RI) GATE_HANDLER(cmp32RI) GATE_HANDLER(and32RI)
GATE_HANDLER(or32RI) GATE_HANDLER(xor32RI) GATE_HANDLER(adc32RR) GATE_HANDLER(sbb32RR)
GATE_HANDLER(adc32RI) GATE_HANDLER(sbb32RI) GATE_HANDLER(cmp8RR) GATE_HANDLER(inc)
GATE_HANDLER(dec) GATE_HANDLER(inc32R) GATE_HANDLER(dec32R) GATE_HANDLER(neg)
GATE_HANDLER(not) GATE_HANDLER(testRMReg) GATE_HANDLER(testRMImm) GATE_HANDLER(test32RR) GATE_HANDLER(test32RI)
GATE_HANDLER(shiftImm) GATE_HANDLER(shiftCL) GATE_HANDLER(shld) GATE_HANDLER(shrd)
GATE_HANDLER(shl32RI) GATE_HANDLER(shr32RI) GATE_HANDLER(sar32RI)
GATE_HANDLER(shld32RRI) GATE_HANDLER(shrd32RRI) GATE_HANDLER(mul)
GATE_HANDLER(imul1) GATE_HANDLER(div) GATE_HANDLER(idiv) GATE_HANDLER(imul2)
GATE_HANDLER(imul3) GATE_HANDLER(imul32RR) GATE_HANDLER(imul32RRI) GATE_HANDLER(btReg)
GATE_HANDLER(btImm) GATE_HANDLER(bsf) GATE_HANDLER(bsr) GATE_HANDLER(bswap)
GATE_HANDLER(movRMReg) GATE_HANDLER(movRegRM) GATE_HANDLER(mov32RR) GATE_HANDLER(mov32RI)
GATE_HANDLER(movzx8R32) GATE_HANDLER(movzx16R32) GATE_HANDLER(movzx) GATE_HANDLER(movsx)
GATE_HANDLER(lea) GATE_HANDLER(lea32) GATE_HANDLER(xchg) GATE_HANDLER(xadd)
GATE_HANDLER(cmpxchg) GATE_HANDLER(cmpxchg8b) GATE_HANDLER(cbw) GATE_HANDLER(cwd)
GATE_HANDLER(lahf) GATE_HANDLER(sahf) GATE_HANDLER(xlat) GATE_HANDLER(salc)
GATE_HANDLER(setcc) GATE_HANDLER(cmovcc) GATE_HANDLER(setccR) GATE_HANDLER(movRMSreg)
GATE_HANDLER(loadFarPointer) GATE_HANDLER(arpl) GATE_HANDLER(bound)
GATE_HANDLER(clc) GATE_HANDLER(stc) GATE_HANDLER(cmc) GATE_HANDLER(cld) GATE_HANDLER(std)
GATE_HANDLER(cli) GATE_HANDLER(sti) GATE_HANDLER(nop) GATE_HANDLER(pushReg)
GATE_HANDLER(popReg) GATE_HANDLER(popRM)
GATE_HANDLER(pusha) GATE_HANDLER(popa) GATE_SPLIT_HANDLER(pushf)
GATE_HANDLER(popf) GATE_HANDLER(enter) GATE_HANDLER(leave) GATE_HANDLER(jcc)
GATE_HANDLER(jmp) GATE_HANDLER(retImm)
GATE_HANDLER(loop) GATE_HANDLER(jecxz) 

GATE_HANDLER(jmpFar) GATE_HANDLER(callFar) GATE_HANDLER(jmpFarRM) GATE_HANDLER(callFarRM)
GATE_HANDLER(retFar) GATE_HANDLER(movs) GATE_HANDLER(stos) GATE_HANDLER(lods)
GATE_HANDLER(cmps) GATE_HANDLER(scas) GATE_HANDLER(daa) GATE_HANDLER(das) GATE_HANDLER(aaa)
GATE_HANDLER(aas) GATE_HANDLER(aam) GATE_HANDLER(aad) GATE_HANDLER(int3) GATE_HANDLER(intN)
GATE_HANDLER(into) GATE_HANDLER(iret) GATE_HANDLER(hlt) GATE_HANDLER(ud2)
GATE_HANDLER(sysenter) GATE_HANDLER(sysexit) GATE_HANDLER(rdmsr) GATE_HANDLER(wrmsr)
GATE_HANDLER(cpuid) GATE_HANDLER(rdtsc) GATE_HANDLER(lgdt) GATE_HANDLER(lidt)
GATE_HANDLER(sgdt) GATE_HANDLER(sidt) GATE_HANDLER(lldt) GATE_HANDLER(sldt)
GATE_HANDLER(ltr) GATE_HANDLER(str) GATE_HANDLER(smsw) GATE_HANDLER(lmsw) GATE_HANDLER(lar)
GATE_HANDLER(lsl) GATE_HANDLER(verr) GATE_HANDLER(verw) GATE_HANDLER(privileged)
GATE_HANDLER(x87) GATE_HANDLER(blockTail) GATE_HANDLER(invalidBlock)
GATE_HANDLER(add32RRNF) GATE_HANDLER(sub32RRNF) GATE_HANDLER(xor32RRNF) GATE_HANDLER(and32RRNF)
GATE_HANDLER(or32RRNF) GATE_HANDLER(add32RINF) GATE_HANDLER(sub32RINF) GATE_HANDLER(and32RINF)
GATE_HANDLER(or32RINF) GATE_HANDLER(xor32RINF) GATE_HANDLER(shl32RINF) GATE_HANDLER(shr32RINF)
GATE_HANDLER(sar32RINF) GATE_HANDLER(imul32RRNF) GATE_HANDLER(imul32RRINF) GATE_HANDLER(inc32RNF)
GATE_HANDLER(dec32RNF)
GATE_HANDLER(jb) GATE_HANDLER(jae) GATE_HANDLER(je) GATE_HANDLER(jne) GATE_HANDLER(jbe)
GATE_HANDLER(ja) GATE_HANDLER(js) GATE_HANDLER(jns) GATE_HANDLER(jl) GATE_HANDLER(jge)
GATE_HANDLER(jle) GATE_HANDLER(jg)
GATE_HANDLER(cmpRRJb) GATE_HANDLER(cmpRRJae) GATE_HANDLER(cmpRRJe) GATE_HANDLER(cmpRRJne)
GATE_HANDLER(cmpRRJbe) GATE_HANDLER(cmpRRJa) GATE_HANDLER(cmpRRJs) GATE_HANDLER(cmpRRJns)
GATE_HANDLER(cmpRRJl) GATE_HANDLER(cmpRRJge) GATE_HANDLER(cmpRRJle) GATE_HANDLER(cmpRRJg)
GATE_HANDLER(cmpRIJb) GATE_HANDLER(cmpRIJae) GATE_HANDLER(cmpRIJe) GATE_HANDLER(cmpRIJne)
GATE_HANDLER(cmpRIJbe) GATE_HANDLER(cmpRIJa) GATE_HANDLER(cmpRIJs) GATE_HANDLER(cmpRIJns)
GATE_HANDLER(cmpRIJl) GATE_HANDLER(cmpRIJge) GATE_HANDLER(cmpRIJle) GATE_HANDLER(cmpRIJg)
GATE_HANDLER(testRRJb) GATE_HANDLER(testRRJae) GATE_HANDLER(testRRJe)
GATE_HANDLER(testRRJne) GATE_HANDLER(testRRJbe) GATE_HANDLER(testRRJa)
GATE_HANDLER(testRRJs) GATE_HANDLER(testRRJns) GATE_HANDLER(testRRJl)
GATE_HANDLER(testRRJge) GATE_HANDLER(testRRJle) GATE_HANDLER(testRRJg)
GATE_HANDLER(x87Fadd32) GATE_HANDLER(x87Fmul32) GATE_HANDLER(x87Fsub32)
GATE_HANDLER(x87Fsubr32) GATE_HANDLER(x87Fdiv32) GATE_HANDLER(x87Fdivr32)
GATE_HANDLER(x87Fadd64) GATE_HANDLER(x87Fmul64) GATE_HANDLER(x87Fsub64)
GATE_HANDLER(x87Fsubr64) GATE_HANDLER(x87Fdiv64) GATE_HANDLER(x87Fdivr64)
GATE_HANDLER(x87Fiadd16) GATE_HANDLER(x87Fimul16) GATE_HANDLER(x87Fisub16)
GATE_HANDLER(x87Fisubr16) GATE_HANDLER(x87Fidiv16) GATE_HANDLER(x87Fidivr16)
GATE_HANDLER(x87Fiadd32) GATE_HANDLER(x87Fimul32) GATE_HANDLER(x87Fisub32)
GATE_HANDLER(x87Fisubr32) GATE_HANDLER(x87Fidiv32) GATE_HANDLER(x87Fidivr32)
GATE_HANDLER(x87FaddST0) GATE_HANDLER(x87FmulST0) GATE_HANDLER(x87FsubST0)
GATE_HANDLER(x87FsubrST0) GATE_HANDLER(x87FdivST0) GATE_HANDLER(x87FdivrST0)
GATE_HANDLER(x87FaddSTi) GATE_HANDLER(x87FmulSTi) GATE_HANDLER(x87FsubrSTi)
GATE_HANDLER(x87FsubSTi) GATE_HANDLER(x87FdivrSTi) GATE_HANDLER(x87FdivSTi)
GATE_HANDLER(x87Faddp) GATE_HANDLER(x87Fmulp) GATE_HANDLER(x87Fsubrp) GATE_HANDLER(x87Fsubp)
GATE_HANDLER(x87Fdivrp) GATE_HANDLER(x87Fdivp) GATE_HANDLER(x87Fld64) GATE_HANDLER(x87Fld32)
GATE_HANDLER(x87Fild32) GATE_HANDLER(x87FldST) GATE_HANDLER(x87Fst32)
GATE_HANDLER(x87Fstp32) GATE_HANDLER(x87Fst64) GATE_HANDLER(x87Fstp64)
GATE_HANDLER(x87FstST) GATE_HANDLER(x87FstpST) GATE_HANDLER(x87Fxch)
GATE_HANDLER(x87FldConst) GATE_HANDLER(x87Fchs) GATE_HANDLER(x87Fabs) GATE_HANDLER(x87Fsqrt)
GATE_HANDLER(x87Fcom) GATE_HANDLER(x87Fcomp) GATE_HANDLER(x87Fucom) GATE_HANDLER(x87Fucomp)
GATE_HANDLER(x87Fcompp) GATE_HANDLER(x87Fucompp) GATE_HANDLER(x87Fcomi)
GATE_HANDLER(x87Fcomip) GATE_HANDLER(x87Fucomi) GATE_HANDLER(x87Fucomip)

// Operations with a fast and a general body.
GATE_SPLIT_HANDLER(mov32RM) GATE_SPLIT_HANDLER(mov32MR) GATE_SPLIT_HANDLER(mov8MR)
GATE_SPLIT_HANDLER(mov8RM) GATE_SPLIT_HANDLER(mov8MI) GATE_SPLIT_HANDLER(movzx8M32)
GATE_SPLIT_HANDLER(movzx16M32) GATE_SPLIT_HANDLER(movsx8M32) GATE_SPLIT_HANDLER(movsx16M32)
GATE_SPLIT_HANDLER(cmp32RM) GATE_SPLIT_HANDLER(cmp32MR) GATE_SPLIT_HANDLER(cmp32MI)
GATE_SPLIT_HANDLER(cmp8MI) GATE_SPLIT_HANDLER(add32RM) GATE_SPLIT_HANDLER(sub32RM)
GATE_SPLIT_HANDLER(and32RM) GATE_SPLIT_HANDLER(or32RM) GATE_SPLIT_HANDLER(xor32RM)
GATE_SPLIT_HANDLER(alu32MR) GATE_SPLIT_HANDLER(alu32MI) GATE_SPLIT_HANDLER(push32R)
GATE_SPLIT_HANDLER(pop32R) GATE_SPLIT_HANDLER(pushImm) GATE_SPLIT_TERMINATOR(call)
GATE_SPLIT_TERMINATOR(ret) GATE_SPLIT_HANDLER(movRMImm)
GATE_SPLIT_HANDLER(movSregRM) GATE_SPLIT_HANDLER(pushSreg) GATE_SPLIT_HANDLER(popSreg)
GATE_SPLIT_TERMINATOR(jmpRM) GATE_SPLIT_TERMINATOR(callRM) GATE_SPLIT_HANDLER(pushRM)
GATE_SPLIT_HANDLER(mov32RMB) GATE_SPLIT_HANDLER(movzx8M32B) GATE_SPLIT_HANDLER(mov32MRB)
GATE_SPLIT_HANDLER(mov8MRB) GATE_SPLIT_HANDLER(mov8MIB) GATE_SPLIT_HANDLER(cmp32RMB) GATE_SPLIT_HANDLER(cmp32MIB)
GATE_SPLIT_HANDLER(cmp8MIB) GATE_SPLIT_HANDLER(repStos32)
GATE_SPLIT_TERMINATOR(cmp8MIJe) GATE_SPLIT_TERMINATOR(cmp8MIJne) GATE_SPLIT_TERMINATOR(cmp8MIBJe) GATE_SPLIT_TERMINATOR(cmp8MIBJne)
GATE_SPLIT_TERMINATOR(cmp32MIJe) GATE_SPLIT_TERMINATOR(cmp32MIJne) GATE_SPLIT_TERMINATOR(cmp32MIBJe) GATE_SPLIT_TERMINATOR(cmp32MIBJne)

// The flat forms (after the operations they belong to, whose general shims they share).
GATE_FLAT_HANDLER(add32RM) GATE_FLAT_HANDLER(sub32RM) GATE_FLAT_HANDLER(and32RM)
GATE_FLAT_HANDLER(or32RM) GATE_FLAT_HANDLER(xor32RM) GATE_FLAT_HANDLER(cmp32RM)
GATE_FLAT_HANDLER(cmp32MR) GATE_FLAT_HANDLER(cmp32MI) GATE_FLAT_HANDLER(cmp8MI)
GATE_FLAT_HANDLER(alu32MR) GATE_FLAT_HANDLER(alu32MI) GATE_FLAT_HANDLER(mov32RM)
GATE_FLAT_HANDLER(movzx8M32) GATE_FLAT_HANDLER(movzx16M32) GATE_FLAT_HANDLER(movsx8M32)
GATE_FLAT_HANDLER(movsx16M32) GATE_FLAT_HANDLER(mov32MR) GATE_FLAT_HANDLER(mov8MR)
GATE_FLAT_HANDLER(mov8MI) GATE_FLAT_HANDLER(mov8RM) GATE_FLAT_HANDLER(movRMImm)
GATE_FLAT_HANDLER(mov32RMB) GATE_FLAT_HANDLER(movzx8M32B) GATE_FLAT_HANDLER(mov32MRB)
GATE_FLAT_HANDLER(mov8MRB) GATE_FLAT_HANDLER(mov8MIB) GATE_FLAT_HANDLER(cmp32RMB)
GATE_FLAT_HANDLER(cmp32MIB) GATE_FLAT_HANDLER(cmp8MIB) GATE_FLAT_TERMINATOR(cmp8MIJe)
GATE_FLAT_TERMINATOR(cmp8MIJne) GATE_FLAT_TERMINATOR(cmp8MIBJe)
GATE_FLAT_TERMINATOR(cmp8MIBJne) GATE_FLAT_TERMINATOR(cmp32MIJe)
GATE_FLAT_TERMINATOR(cmp32MIJne) GATE_FLAT_TERMINATOR(cmp32MIBJe)
GATE_FLAT_TERMINATOR(cmp32MIBJne) GATE_FLAT_HANDLER(push32R) GATE_FLAT_HANDLER(pop32R)
GATE_FLAT_HANDLER(pushImm) GATE_FLAT_HANDLER(pushRM) GATE_FLAT_TERMINATOR(call)
GATE_FLAT_TERMINATOR(ret) GATE_FLAT_TERMINATOR(jmpRM) GATE_FLAT_TERMINATOR(callRM)
// Fused pairs (Sources/IA32/Dispatch/LoadAdvanceHandlers.swift).
GATE_SLOW_SHIM(movzx8M32BAdvance)
GATE_FAST_SHIM_SLOTS(gate_tc_movzx8M32BAdvance, gate_exec_movzx8M32BAdvance, gate_tc_slow_movzx8M32BAdvance, 2)
GATE_FAST_SHIM_SLOTS(gate_tc_flat_movzx8M32BAdvance, gate_exec_flat_movzx8M32BAdvance,
                     gate_tc_slow_movzx8M32BAdvance, 2)
// Hash steps (Sources/IA32/Dispatch/HashStepHandlers.swift): the xor and the multiply after it.
GATE_HANDLER(xorMul32RR)
GATE_SLOW_SHIM(xorMul32RM)
GATE_FAST_SHIM_SLOTS(gate_tc_xorMul32RM, gate_exec_xorMul32RM, gate_tc_slow_xorMul32RM, 2)
GATE_FAST_SHIM_SLOTS(gate_tc_flat_xorMul32RM, gate_exec_flat_xorMul32RM, gate_tc_slow_xorMul32RM, 2)
// Runs of register pushes and pops (Sources/IA32/Dispatch/StackRunHandlers.swift).
GATE_SPLIT_TERMINATOR(push32RRun) GATE_FLAT_TERMINATOR(push32RRun)
GATE_SPLIT_TERMINATOR(pop32RRun) GATE_FLAT_TERMINATOR(pop32RRun)

/// An empty statement the optimizer may neither move nor merge. Placed in one arm of a
/// two-way choice of the next instruction, it keeps the choice a branch, which the
/// host predicts and runs ahead of, instead of a select, which waits for its condition:
/// a loop's next iteration would otherwise wait for the guest's compare, every time.
static inline void gate_keep_branch(void) { __asm__ volatile(""); }

/// Spends `count` instructions of the budget at `budget`; whether any is left. Written
/// in C so that it compiles to one subtraction in memory and a branch on its flags.
static inline _Bool gate_spend(int64_t *budget, uint32_t count) {
    return (*budget -= count) > 0;
}

/// Runs the chain of handlers that starts at instruction `i`; returns where it left.
static inline const void *gate_run(void *s, const void *i) {
    return GATE_NEXT_HANDLER(i)(s, i);
}

#endif
