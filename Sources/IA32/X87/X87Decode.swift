/// The x87 instruction forms the decoder chooses between (Intel SDM vol. 2, table A-7 to
/// A-22, with the undocumented aliases P6 and later execute). An `.x87` instruction keeps
/// its form in bits 0–7 of `imm` and the 11-bit FPU opcode (as fnstenv stores it) in bits
/// 16–26, its own EIP (the FPU instruction pointer) in `imm2`, `sub` = opcode & 7 and the
/// ModRM fields as usual: recording the last-instruction pointers then costs the
/// interpreter two loads and no arithmetic.
///
/// Forms are ordered: everything before `fldcw` updates the last-instruction pointers
/// ("non-control" instructions); everything from `fninit` on is non-waiting (does not
/// raise a pending #MF).
enum X87Op: UInt8, CaseIterable {
    /// #UD.
    case invalid = 0

    // Arithmetic with a memory operand, eight forms each in ModRM reg order (add mul com
    // comp sub subr div divr): D8 m32fp, DC m64fp, DE m16int, DA m32int.
    case fadd32, fmul32, fcom32, fcomp32, fsub32, fsubr32, fdiv32, fdivr32
    case fadd64, fmul64, fcom64, fcomp64, fsub64, fsubr64, fdiv64, fdivr64
    case fiadd16, fimul16, ficom16, ficomp16, fisub16, fisubr16, fidiv16, fidivr16
    case fiadd32, fimul32, ficom32, ficomp32, fisub32, fisubr32, fidiv32, fidivr32
    /// D8 C0+: ST(0) ← ST(0) op ST(i).
    case faddST0, fmulST0, fsubST0, fsubrST0, fdivST0, fdivrST0
    /// DC C0+: ST(i) ← ST(i) op ST(0) (Intel's names; DC E0+ "fsubr st(i),st" computes
    /// ST(0) − ST(i)).
    case faddSTi, fmulSTi, fsubrSTi, fsubSTi, fdivrSTi, fdivSTi
    /// DE C0+: as the DC forms, then pop.
    case faddp, fmulp, fsubrp, fsubp, fdivrp, fdivp

    case fld32, fld64, fld80, fldST, fild16, fild32, fild64, fbld
    case fst32, fst64, fstp32, fstp64, fstp80, fstST, fstpST, fstp1, fbstp
    case fist16, fist32, fistp16, fistp32, fistp64, fisttp16, fisttp32, fisttp64
    case fxch, fnop, fchs, fabs, ftst, fxam
    /// fld1 fldl2t fldl2e fldpi fldlg2 fldln2 fldz (ModRM rm 0…6).
    case fldConst
    case f2xm1, fyl2x, fptan, fpatan, fxtract, fprem1, fdecstp, fincstp
    case fprem, fyl2xp1, fsqrt, fsincos, frndint, fscale, fsin, fcos
    /// fcmovb/e/be/u (DA) and nb/ne/nbe/nu (DB): `sub` bit 0 (DB) negates, reg selects.
    case fcmov
    case fcom, fcomp, fucom, fucomp, fcompp, fucompp
    case fcomi, fcomip, fucomi, fucomip
    case ffree, ffreep

    // Control instructions: waiting, but they leave the pointers alone.
    case fldcw, fldenv, frstor, fwait
    // MMX (MMX.swift): waiting, and they leave the pointers alone too.
    case emms, movdToMMX, movdFromMMX, movqToMMX, movqFromMMX, mmxShiftImmediate, mmxBinary
    // Non-waiting control instructions.
    case fninit, fnclex, fnstcw, fnstsw, fnstswAX, fnstenv, fnsave, fxsave, fxrstor
    /// fneni, fndisi, fnsetpm: 8087/287 controls, no-ops since the 387.
    case fnnop

    static let firstControl = X87Op.fldcw.rawValue
    static let firstNonWaiting = X87Op.fninit.rawValue
}

extension Decoder {
    /// Decodes the D8–DF escape whose ModRM byte is at linear address `at` (already
    /// consumed by `modrm()`).
    mutating func decodeX87(_ opcode: UInt8, modrmAt at: UInt32) {
        i.op = .x87
        i.sub = opcode & 7
        guard fetchFaultAddress == nil else { return }
        let m = mem.load(fromByteOffset: Int(at), as: UInt8.self)
        let form = X87Op.form(opcode: opcode, modrm: m)
        i.imm = UInt32(form.rawValue) | (UInt32(opcode & 7) << 8 | UInt32(m)) << 16
        i.imm2 = eip
        // The hot forms have operations of their own (Dispatch/FloatingPointHandlers.swift).
        if let op = Op.x87(form) { i.op = op }
    }
}

extension X87Op {
    /// The register-register arithmetic form for ModRM reg `reg` (fcom and fcomp for 2
    /// and 3) in the group starting at `add`.
    static func register(_ reg: UInt8, _ add: X87Op) -> X87Op {
        switch reg {
        case 2: return .fcom
        case 3: return .fcomp
        case 0, 1: return X87Op(rawValue: add.rawValue + reg)!
        default: return X87Op(rawValue: add.rawValue + reg - 2)!
        }
    }

    static func form(opcode: UInt8, modrm m: UInt8) -> X87Op {
        let reg = (m >> 3) & 7
        let rm = m & 7
        let memory = m < 0xc0
        switch opcode & 7 {
        case 0:
            if memory { return X87Op(rawValue: X87Op.fadd32.rawValue + reg)! }
            return register(reg, .faddST0)
        case 1:
            if memory {
                switch reg {
                case 0: return .fld32
                case 2: return .fst32
                case 3: return .fstp32
                case 4: return .fldenv
                case 5: return .fldcw
                case 6: return .fnstenv
                case 7: return .fnstcw
                default: return .invalid
                }
            }
            switch m {
            case 0xc0...0xc7: return .fldST
            case 0xc8...0xcf: return .fxch
            case 0xd0: return .fnop
            case 0xd8...0xdf: return .fstp1           // fstp1 alias
            case 0xe0: return .fchs
            case 0xe1: return .fabs
            case 0xe4: return .ftst
            case 0xe5: return .fxam
            case 0xe8...0xee: return .fldConst
            case 0xf0: return .f2xm1
            case 0xf1: return .fyl2x
            case 0xf2: return .fptan
            case 0xf3: return .fpatan
            case 0xf4: return .fxtract
            case 0xf5: return .fprem1
            case 0xf6: return .fdecstp
            case 0xf7: return .fincstp
            case 0xf8: return .fprem
            case 0xf9: return .fyl2xp1
            case 0xfa: return .fsqrt
            case 0xfb: return .fsincos
            case 0xfc: return .frndint
            case 0xfd: return .fscale
            case 0xfe: return .fsin
            case 0xff: return .fcos
            default: return .invalid
            }
        case 2:
            if memory { return X87Op(rawValue: X87Op.fiadd32.rawValue + reg)! }
            if m < 0xe0 { return .fcmov }
            return m == 0xe9 ? .fucompp : .invalid
        case 3:
            if memory {
                switch reg {
                case 0: return .fild32
                case 1: return .fisttp32
                case 2: return .fist32
                case 3: return .fistp32
                case 5: return .fld80
                case 7: return .fstp80
                default: return .invalid
                }
            }
            switch m {
            case 0xc0...0xdf: return .fcmov
            case 0xe0, 0xe1, 0xe4: return .fnnop       // feni, fdisi, fsetpm: no-ops since the 387
            case 0xe2: return .fnclex
            case 0xe3: return .fninit
            case 0xe8...0xef: return .fucomi
            case 0xf0...0xf7: return .fcomi
            default: return .invalid
            }
        case 4:
            if memory { return X87Op(rawValue: X87Op.fadd64.rawValue + reg)! }
            return register(reg, .faddSTi)
        case 5:
            if memory {
                switch reg {
                case 0: return .fld64
                case 1: return .fisttp64
                case 2: return .fst64
                case 3: return .fstp64
                case 4: return .frstor
                case 6: return .fnsave
                case 7: return .fnstsw
                default: return .invalid
                }
            }
            switch reg {
            case 0: return .ffree
            case 1: return .fxch                      // fxch4 alias
            case 2: return .fstST
            case 3: return .fstpST
            case 4: return .fucom
            case 5: return .fucomp
            default: return .invalid
            }
        case 6:
            if memory { return X87Op(rawValue: X87Op.fiadd16.rawValue + reg)! }
            if reg == 2 { return .fcomp }             // fcomp5 alias
            if reg == 3 { return rm == 1 ? .fcompp : .invalid }
            return register(reg, .faddp)
        default:
            if memory {
                switch reg {
                case 0: return .fild16
                case 1: return .fisttp16
                case 2: return .fist16
                case 3: return .fistp16
                case 4: return .fbld
                case 5: return .fild64
                case 6: return .fbstp
                default: return .fistp64
                }
            }
            switch reg {
            case 0: return .ffreep
            case 1: return .fxch                      // fxch7 alias
            case 2, 3: return .fstpST                 // fstp8, fstp9 aliases
            case 4: return m == 0xe0 ? .fnstswAX : .invalid
            case 5: return .fucomip
            case 6: return .fcomip
            default: return .invalid
            }
        }
    }
}
