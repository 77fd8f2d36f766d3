// The one-byte opcode map: the table, its ModRM groups, and the opcodes whose text depends
// on prefixes in ways a table cannot say (string instructions, branch hints, bnd, notrack).

extension DisDecoder {
    /// Condition-code suffixes in opcode order, as objdump spells them.
    static let conditions: [String] = ["o", "no", "b", "ae", "e", "ne", "be", "a",
                                       "s", "ns", "p", "np", "l", "ge", "le", "g"]

    /// Entries of the one-byte map; "" marks opcodes decoded in code (prefixes, escapes,
    /// groups, x87).
    static let oneByteTable: [DisEntry] = DisEntry.table(oneByteSpecs)

    private static let aluNames: [String] = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"]

    private static let oneByteSpecs: [String] = {
        var t = [String](repeating: "", count: 256)
        for (i, n) in aluNames.enumerated() {
            let o = i * 8
            t[o] = "\(n) Eb,Gb"
            t[o + 1] = "\(n) Ev,Gv"
            t[o + 2] = "\(n) Gb,Eb"
            t[o + 3] = "\(n) Gv,Ev"
            t[o + 4] = "\(n) AL,Ib"
            t[o + 5] = "\(n) eAX,Iv"
        }
        t[0x06] = "push|pushw ES"; t[0x07] = "pop|popw ES"
        t[0x0e] = "push|pushw CS"
        t[0x16] = "push|pushw SS"; t[0x17] = "pop|popw SS"
        t[0x1e] = "push|pushw DS"; t[0x1f] = "pop|popw DS"
        t[0x27] = "daa"; t[0x2f] = "das"; t[0x37] = "aaa"; t[0x3f] = "aas"
        for r in 0..<8 {
            t[0x40 + r] = "inc Zv"
            t[0x48 + r] = "dec Zv"
            t[0x50 + r] = "push Zv"
            t[0x58 + r] = "pop Zv"
            t[0x91 + r] = r == 7 ? t[0x91 + r] : "xchg Zv,eAX"
            t[0xb0 + r] = "mov Zb,Ib"
            t[0xb8 + r] = "mov Zv,Iv"
        }
        t[0x60] = "pusha|pushaw"; t[0x61] = "popa|popaw"
        t[0x62] = "bound= Gv,M"; t[0x63] = "arpl Ew,Gw"
        t[0x68] = "push|pushw Iv"; t[0x69] = "imul Gv,Ev,Iv"
        t[0x6a] = "push|pushw Is"; t[0x6b] = "imul Gv,Ev,Is"
        t[0x6c] = "insb Yb,(DX)"; t[0x6d] = "insl|insw Yv,(DX)"
        t[0x6e] = "outsb (DX),Xb"; t[0x6f] = "outsl|outsw (DX),Xv"
        for (i, c) in conditions.enumerated() { t[0x70 + i] = "j\(c) Jb" }
        t[0x84] = "test Eb,Gb"; t[0x85] = "test Ev,Gv"
        t[0x86] = "xchg Eb,Gb"; t[0x87] = "xchg Ev,Gv"
        t[0x88] = "mov Eb,Gb"; t[0x89] = "mov Ev,Gv"
        t[0x8a] = "mov Gb,Eb"; t[0x8b] = "mov Gv,Ev"
        t[0x8c] = "mov Ev,Sw"; t[0x8d] = "lea Gv,M"; t[0x8e] = "mov Sw,Ev"
        t[0x98] = "cwtl|cbtw"; t[0x99] = "cltd|cwtd"
        t[0x9a] = "lcall|lcallw Ap"
        t[0x9c] = "pushf|pushfw"; t[0x9d] = "popf|popfw"
        t[0x9e] = "sahf"; t[0x9f] = "lahf"
        t[0xa0] = "mov AL,Ob"; t[0xa1] = "mov eAX,Ov"
        t[0xa2] = "mov Ob,AL"; t[0xa3] = "mov Ov,eAX"
        t[0xa4] = "movsb Yb,Xb"; t[0xa5] = "movsl|movsw Yv,Xv"
        t[0xa6] = "cmpsb Xb,Yb"; t[0xa7] = "cmpsl|cmpsw Xv,Yv"
        t[0xa8] = "test AL,Ib"; t[0xa9] = "test eAX,Iv"
        t[0xaa] = "stos Yb,AL"; t[0xab] = "stos Yv,eAX"
        t[0xac] = "lods AL,Xb"; t[0xad] = "lods eAX,Xv"
        t[0xae] = "scas AL,Yb"; t[0xaf] = "scas eAX,Yv"
        t[0xc2] = "ret|retw Iw"; t[0xc3] = "ret|retw"
        t[0xc4] = "les Gv,M"; t[0xc5] = "lds Gv,M"
        t[0xc8] = "enter|enterw= Iw,Ib"; t[0xc9] = "leave|leavew"
        t[0xca] = "lret|lretw Iw"; t[0xcb] = "lret|lretw"
        t[0xcc] = "int3"; t[0xcd] = "int Ib"; t[0xce] = "into"; t[0xcf] = "iret|iretw"
        t[0xd4] = "aam Ib"; t[0xd5] = "aad Ib"; t[0xd6] = "(bad)"; t[0xd7] = "xlat XB"
        t[0xe4] = "in AL,Ib"; t[0xe5] = "in eAX,Ib"
        t[0xe6] = "out Ib,AL"; t[0xe7] = "out Ib,eAX"
        t[0xe8] = "call|callw Jv"; t[0xe9] = "jmp|jmpw Jv"
        t[0xea] = "ljmp|ljmpw Ap"; t[0xeb] = "jmp Jb"
        t[0xec] = "in AL,(DX)"; t[0xed] = "in eAX,(DX)"
        t[0xee] = "out (DX),AL"; t[0xef] = "out (DX),eAX"
        t[0xf1] = "int1"; t[0xf4] = "hlt"; t[0xf5] = "cmc"
        t[0xf8] = "clc"; t[0xf9] = "stc"; t[0xfa] = "cli"; t[0xfb] = "sti"
        t[0xfc] = "cld"; t[0xfd] = "std"
        return t
    }()

    /// Groups 1-5, 1A and 11, indexed by opcode variant and ModRM.reg.
    static let group1: [[DisEntry]] = [" Eb,Ib", " Ev,Iv", " Eb,Ib", " Ev,Is"].map { operands in
        aluNames.map { DisEntry("\($0)~" + operands) }
    }
    /// Group 2 for C0 C1 D0 D1 D2 D3 (objdump names /6 "shl" too).
    static let group2: [[DisEntry]] = [" Eb,Ib", " Ev,Ib", " Eb", " Ev", " Eb,CL", " Ev,CL"].map { operands in
        ["rol~", "ror~", "rcl~", "rcr~", "shl~", "shr~", "shl~", "sar~"].map { DisEntry($0 + operands) }
    }
    static let group1A = DisEntry("pop^ Ev")
    static let group11: [DisEntry] = DisEntry.table(["mov~ Eb,Ib", "mov~ Ev,Iv", "xabort Ib", "xbegin|xbeginw Jv"])
    static let loops: [DisEntry] = DisEntry.table(["loopne Jb", "loope Jb", "loop Jb", "jecxz Jb",
                                                   "loopnew Jb", "loopew Jb", "loopw Jb", "jcxz Jb"])
    static let group3b: [DisEntry] = DisEntry.table([
        "test~ Eb,Ib", "test~ Eb,Ib", "not~ Eb", "neg~ Eb", "mul~ Eb", "imul~ Eb", "div~ Eb", "idiv~ Eb"])
    static let group3v: [DisEntry] = DisEntry.table([
        "test~ Ev,Iv", "test~ Ev,Iv", "not~ Ev", "neg~ Ev", "mul~ Ev", "imul~ Ev", "div~ Ev", "idiv~ Ev"])
    static let group4: [DisEntry] = DisEntry.table([
        "inc~ Eb", "dec~ Eb", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)", "(bad)"])
    static let group5: [DisEntry] = DisEntry.table([
        "inc~ Ev", "dec~ Ev", "call^ *Ev", "lcall^ *M", "jmp^ *Ev", "ljmp^ *M", "push^ Ev", "(bad)"])

    /// Decodes the instruction whose first opcode byte is `op`.
    mutating func decodeOneByte(_ op: UInt8) throws {
        switch op {
        case 0x0f:
            try decodeTwoByte(try next())
        case 0x80...0x83:
            let r = regOf(try peekModrm())
            try emit(Self.group1[Int(op & 3)][r])
            if r != 7 { hardwareLockElision(.locked) }
        case 0x8f:
            // Group 1A: only /0 is pop; the others are AMD's XOP escape, not decoded here.
            try emit(regOf(try peekModrm()) == 0 ? Self.group1A : .bad)
        case 0x90:
            if lastRepz > lastRepnz {
                dropped.insert(lastRepz)
                mnemonic = "pause"
            } else if data16 {
                usedData = true
                mnemonic = "xchg"
                operands = ["%ax", "%ax"]
            } else {
                mnemonic = "nop"
            }
        case 0xc0, 0xc1, 0xd0, 0xd1, 0xd2, 0xd3:
            let variant = op < 0xd0 ? Int(op & 1) : Int(op - 0xd0) + 2
            try emit(Self.group2[variant][regOf(try peekModrm())])
        case 0xc6, 0xc7:
            let m = try peekModrm()
            if m == 0xf8 {
                try modrm()
                try emit(Self.group11[Int(op & 1) + 2])
            } else {
                try emit(regOf(m) == 0 ? Self.group11[Int(op & 1)] : .bad)
                hardwareLockElision(.store)
            }
        case 0xd8...0xdf:
            try decodeX87(op)
        case 0xe0...0xe3:
            // objdump: the address-size prefix picks cx over ecx and prints as a suffix.
            if addr16 { usedAddr = true }
            try emit(Self.loops[Int(op - 0xe0) + (addr16 ? 4 : 0)])
            branchHint()
        case 0xf6, 0xf7:
            let r = regOf(try peekModrm())
            try emit((op == 0xf6 ? Self.group3b : Self.group3v)[r])
            if r == 2 || r == 3 { hardwareLockElision(.locked) }
        case 0xfe:
            let r = regOf(try peekModrm())
            try emit(Self.group4[r])
            if r < 2 { hardwareLockElision(.locked) }
        case 0xff:
            let r = regOf(try peekModrm())
            if r == 2 || r == 4 { noTrack() }
            try emit(Self.group5[r])
            if r == 2 || r == 4 { boundCheck() }
            if r < 2 { hardwareLockElision(.locked) }
        default:
            let entry = Self.oneByteTable[Int(op)]
            try emit(entry)
            switch op {
            case 0x6c...0x6f, 0xa4, 0xa5, 0xaa...0xad:
                // objdump: F3 before ins/outs/movs/lods/stos reads "rep", not "repz".
                if lastRepz >= 0 { renamed[lastRepz] = "rep" }
            case 0x70...0x7f:
                branchHint()
                boundCheck()
            case 0xc2, 0xc3, 0xe8, 0xe9, 0xeb:
                boundCheck()
            case 0x00, 0x01, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19, 0x20, 0x21, 0x28, 0x29, 0x30, 0x31:
                hardwareLockElision(.locked)
            case 0x86, 0x87:
                hardwareLockElision(.exchange)
            case 0x88, 0x89:
                hardwareLockElision(.store)
            default:
                break
            }
        }
    }

    /// The reg field of a ModRM byte.
    func regOf(_ m: UInt8) -> Int { Int(m >> 3) & 7 }

    /// objdump: a CS or DS prefix on a conditional branch is a static prediction hint,
    /// printed ",pn" / ",pt" (only when just one of the two is present).
    mutating func branchHint() {
        guard mnemonic != "(bad)" else { return }
        let cs = prefixBytes.contains(0x2e), ds = prefixBytes.contains(0x3e)
        guard cs != ds else { return }
        mnemonic += cs ? ",pn" : ",pt"
        dropped.insert(lastSeg)
    }

    enum ElisionKind { case locked, exchange, store }

    /// objdump: F2/F3 on a memory-writing instruction that can be locked are TSX's
    /// "xacquire"/"xrelease": with a LOCK prefix for read-modify-write instructions, always
    /// for xchg, and (F3 only) for mov to memory.
    mutating func hardwareLockElision(_ kind: ElisionKind) {
        guard hasModrm, mod != 3, mnemonic != "(bad)" else { return }
        if kind == .locked && !prefixBytes.contains(0xf0) { return }
        if kind == .store {
            // Only a final F3 makes a store "xrelease".
            if lastRepz > lastRepnz { renamed[lastRepz] = "xrelease" }
            return
        }
        if lastRepz >= 0 { renamed[lastRepz] = "xrelease" }
        if lastRepnz >= 0 { renamed[lastRepnz] = "xacquire" }
    }

    /// objdump: F2 before a near branch is Intel MPX's "bnd".
    mutating func boundCheck() {
        if lastRepnz >= 0 { renamed[lastRepnz] = "bnd" }
    }

    /// objdump: a DS prefix on an indirect near call or jump is CET's "notrack"; it takes the
    /// place of the last segment prefix, which then no longer applies to the operand.
    mutating func noTrack() {
        guard prefixBytes.contains(0x3e) else { return }
        renamed[lastSeg] = "notrack"
        segmentSuppressed = true
    }
}
