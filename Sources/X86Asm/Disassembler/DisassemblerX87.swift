// The x87 escape, opcodes D8-DF: memory forms by ModRM.reg, register forms by reg and rm.
//
// Names are written as objdump prints them; "#" marks the "n" of a no-wait mnemonic, which
// objdump drops when an FWAIT byte came first ("9b df e0" is "fstsw %ax"). Register forms
// are written in AT&T order with "i" for the ModRM.rm stack register. In the DC and DE
// rows sub/subr and div/divr are swapped against the Intel manual: AT&T (and objdump)
// keep the historical UnixWare assembler's names for the reversed-operand forms.

extension DisDecoder {
    static let x87MemoryNames: [[String]] = [
        ["fadds", "fmuls", "fcoms", "fcomps", "fsubs", "fsubrs", "fdivs", "fdivrs"],
        ["flds", "(bad)", "fsts", "fstps", "fldenv", "fldcw", "f#stenv", "f#stcw"],
        ["fiaddl", "fimull", "ficoml", "ficompl", "fisubl", "fisubrl", "fidivl", "fidivrl"],
        ["fildl", "fisttpl", "fistl", "fistpl", "(bad)", "fldt", "(bad)", "fstpt"],
        ["faddl", "fmull", "fcoml", "fcompl", "fsubl", "fsubrl", "fdivl", "fdivrl"],
        ["fldl", "fisttpll", "fstl", "fstpl", "frstor", "(bad)", "f#save", "f#stsw"],
        ["fiadds", "fimuls", "ficoms", "ficomps", "fisubs", "fisubrs", "fidivs", "fidivrs"],
        ["filds", "fisttps", "fists", "fistps", "fbld", "fildll", "fbstp", "fistpll"],
    ]

    /// Register forms: one template for all eight registers, or eight templates (by rm).
    static let x87RegisterForms: [[[String]]] = [
        [["fadd %st(i),%st"], ["fmul %st(i),%st"], ["fcom %st(i)"], ["fcomp %st(i)"],
         ["fsub %st(i),%st"], ["fsubr %st(i),%st"], ["fdiv %st(i),%st"], ["fdivr %st(i),%st"]],
        [["fld %st(i)"], ["fxch %st(i)"],
         ["fnop", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)"],
         ["(bad)"],
         ["fchs", "fabs", "(bad)", "(bad)", "ftst", "fxam", "(bad)", "(bad)"],
         ["fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz", "(bad)"],
         ["f2xm1", "fyl2x", "fptan", "fpatan", "fxtract", "fprem1", "fdecstp", "fincstp"],
         ["fprem", "fyl2xp1", "fsqrt", "fsincos", "frndint", "fscale", "fsin", "fcos"]],
        [["fcmovb %st(i),%st"], ["fcmove %st(i),%st"], ["fcmovbe %st(i),%st"], ["fcmovu %st(i),%st"],
         ["(bad)"], ["(bad)", "fucompp", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)"],
         ["(bad)"], ["(bad)"]],
        [["fcmovnb %st(i),%st"], ["fcmovne %st(i),%st"], ["fcmovnbe %st(i),%st"], ["fcmovnu %st(i),%st"],
         ["f#eni(8087 only)", "f#disi(8087 only)", "f#clex", "f#init",
          "f#setpm(287 only)", "frstpm(287 only)", "(bad)", "(bad)"],
         ["fucomi %st(i),%st"], ["fcomi %st(i),%st"], ["(bad)"]],
        [["fadd %st,%st(i)"], ["fmul %st,%st(i)"], ["(bad)"], ["(bad)"],
         ["fsub %st,%st(i)"], ["fsubr %st,%st(i)"], ["fdiv %st,%st(i)"], ["fdivr %st,%st(i)"]],
        [["ffree %st(i)"], ["(bad)"], ["fst %st(i)"], ["fstp %st(i)"],
         ["fucom %st(i)"], ["fucomp %st(i)"], ["(bad)"], ["(bad)"]],
        [["faddp %st,%st(i)"], ["fmulp %st,%st(i)"], ["(bad)"],
         ["(bad)", "fcompp", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)"],
         ["fsubp %st,%st(i)"], ["fsubrp %st,%st(i)"], ["fdivp %st,%st(i)"], ["fdivrp %st,%st(i)"]],
        [["ffreep %st(i)"], ["(bad)"], ["(bad)"], ["(bad)"],
         ["f#stsw %ax", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)"],
         ["fucomip %st(i),%st"], ["fcomip %st(i),%st"], ["(bad)"]],
    ]

    /// Decodes an x87 instruction (first opcode byte `op` in D8...DF).
    mutating func decodeX87(_ op: UInt8) throws {
        let esc = Int(op - 0xd8)
        let m = try modrm()
        if m >> 6 != 3 {
            var name = noWait(Self.x87MemoryNames[esc][reg])
            // objdump: the environment and state images have a 16-bit layout under 0x66,
            // shown with an "s" suffix.
            if ["fldenv", "fnstenv", "fstenv", "frstor", "fnsave", "fsave"].contains(name) && data16 {
                usedData = true
                name += "s"
            }
            let operand = try memoryOperand()
            mnemonic = name
            operands = [operand]
            return
        }
        let row = Self.x87RegisterForms[esc][reg]
        let template = row.count == 1 ? row[0] : row[rm]
        let parts = template.split(separator: " ", maxSplits: 1)
        mnemonic = noWait(String(parts[0]))
        if parts.count > 1 {
            operands = parts[1].split(separator: ",").map { $0 == "%st(i)" ? "%st(\(rm))" : String($0) }
        }
    }

    /// Resolves the "#" of a no-wait mnemonic.
    private func noWait(_ name: String) -> String {
        guard let i = name.firstIndex(of: "#") else { return name }
        return name[..<i] + (fwait ? "" : "n") + name[name.index(after: i)...]
    }
}
