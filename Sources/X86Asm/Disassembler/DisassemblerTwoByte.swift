// The 0x0F opcode map: system instructions, cmovcc/setcc/jcc, bit instructions, and the
// dispatch into the MMX/SSE tables (DisassemblerSIMD.swift) and the three-byte maps.

extension DisDecoder {
    /// Integer entries of the 0x0F map; "" marks opcodes decoded in code or by the SIMD tables.
    static let twoByteTable: [DisEntry] = DisEntry.table(twoByteSpecs)

    private static let twoByteSpecs: [String] = {
        var t = [String](repeating: "(bad)", count: 256)
        t[0x00] = ""; t[0x01] = ""
        t[0x02] = "lar Gv,Ev"; t[0x03] = "lsl Gv,Ev"
        t[0x05] = "syscall"; t[0x06] = "clts"; t[0x07] = "sysret"
        t[0x08] = "invd"; t[0x0b] = "ud2"
        t[0x0d] = ""; t[0x0e] = "femms"
        t[0x18] = ""
        for o in 0x19...0x1f { t[o] = "" }
        t[0x20] = "mov Rd,Cd"; t[0x21] = "mov Rd,Dd"
        t[0x22] = "mov Cd,Rd"; t[0x23] = "mov Dd,Rd"
        t[0x24] = "mov Rd,Td"; t[0x26] = "mov Td,Rd"
        t[0x30] = "wrmsr"; t[0x31] = "rdtsc"; t[0x32] = "rdmsr"; t[0x33] = "rdpmc"
        t[0x34] = "sysenter"; t[0x35] = "sysexit"; t[0x37] = "getsec"
        t[0x38] = ""; t[0x3a] = ""
        for (i, c) in conditions.enumerated() {
            t[0x40 + i] = "cmov\(c) Gv,Ev"
            t[0x80 + i] = "j\(c) Jv"
            t[0x90 + i] = "set\(c) Eb"
        }
        t[0xa0] = "push|pushw FS"; t[0xa1] = "pop|popw FS"
        t[0xa2] = "cpuid"; t[0xa3] = "bt Ev,Gv"
        t[0xa4] = "shld Ev,Gv,Ib"; t[0xa5] = "shld Ev,Gv,CL"
        t[0xa8] = "push|pushw GS"; t[0xa9] = "pop|popw GS"
        t[0xaa] = "rsm"; t[0xab] = "bts Ev,Gv"
        t[0xac] = "shrd Ev,Gv,Ib"; t[0xad] = "shrd Ev,Gv,CL"
        t[0xae] = ""; t[0xaf] = "imul Gv,Ev"
        t[0xb0] = "cmpxchg Eb,Gb"; t[0xb1] = "cmpxchg Ev,Gv"
        t[0xb2] = "lss Gv,M"; t[0xb3] = "btr Ev,Gv"
        t[0xb4] = "lfs Gv,M"; t[0xb5] = "lgs Gv,M"
        t[0xb6] = "movzbl|movzbw Gv,Eb"; t[0xb7] = "movzwl|movzww Gv,Ew"
        t[0xb8] = ""; t[0xb9] = "ud1 Gv,Ev"; t[0xba] = ""; t[0xbb] = "btc Ev,Gv"
        t[0xbc] = ""; t[0xbd] = ""
        t[0xbe] = "movsbl|movsbw Gv,Eb"; t[0xbf] = "movswl|movsww Gv,Ew"
        t[0xc0] = "xadd Eb,Gb"; t[0xc1] = "xadd Ev,Gv"
        t[0xc7] = ""
        for r in 0..<8 { t[0xc8 + r] = "bswap Zv" }
        t[0xff] = "ud0 Gv,Ev"
        return t
    }()

    static let group6: [DisEntry] = DisEntry.table([
        "sldt Ev", "str Ev", "lldt Ew", "ltr Ew", "verr Ew", "verw Ew", "(bad)", "(bad)"])
    static let group7Memory: [DisEntry] = DisEntry.table([
        "sgdtl|sgdtw M", "sidtl|sidtw M", "lgdtl|lgdtw M", "lidtl|lidtw M",
        "smsw Ew", "", "lmsw Ew", "invlpg M"])
    /// 0F 01 /5 with a memory operand.
    static let rstorssp = DisPrefixRow(";;rstorssp M")
    /// Group 7 with mod = 3, by the ModRM byte's low six bits (0xC0...0xFF). Rows with ";"
    /// depend on a mandatory prefix; the others ignore prefixes.
    static let group7Register: [DisPrefixRow] = [
        "any:enclv", "any:vmcall", "any:vmlaunch", "any:vmresume", "any:vmxoff", "any:pconfig", "tbl:wrmsrns",
        "any:(bad)", "any:monitor %edx,%ecx,aAX", "any:mwait %ecx,%eax", "any:clac", "any:stac",
        ";tdcall", "", "", "tbl:encls",
        "any:xgetbv", "any:xsetbv", "any:(bad)", "any:(bad)", "any:vmfunc", "any:xend", "any:xtest", "any:enclu",
        "any:vmrun", "vmmcall;;vmgexit;vmgexit", "any:vmload", "any:vmsave", "any:stgi", "any:clgi",
        "any:skinit", "any:invlpga",
        "any:smsw Ev", "any:smsw Ev", "any:smsw Ev", "any:smsw Ev", "any:smsw Ev", "any:smsw Ev",
        "any:smsw Ev", "any:smsw Ev",
        "serialize;;setssbsy;xsusldtrk", ";;;xresldtrk", ";;saveprevssp", "any:(bad)", "", "",
        "tbl:rdpkru", "tbl:wrpkru",
        "any:lmsw Ew", "any:lmsw Ew", "any:lmsw Ew", "any:lmsw Ew", "any:lmsw Ew", "any:lmsw Ew",
        "any:lmsw Ew", "any:lmsw Ew",
        "any:swapgs", "any:rdtscp", "monitorx %edx,%ecx,aAX;;mcommit", "mwaitx %ebx,%ecx,%eax",
        "any:clzero", "tbl:rdpru", "tbl:invlpgb", "tlbsync;;;pvalidate",
    ].map { DisPrefixRow($0) }

    static let group8: [DisEntry] = DisEntry.table([
        "(bad)", "(bad)", "(bad)", "(bad)", "bt~ Ev,Ib", "bts~ Ev,Ib", "btr~ Ev,Ib", "btc~ Ev,Ib"])

    /// The 0x0F opcodes that carry a ModRM byte, as a bit set (bit n of word n/32).
    /// objdump reads that byte before it looks at the opcode's table entry, so at the end of
    /// the bytes even an invalid opcode of this kind is a truncated instruction.
    static let twoByteHasModrm: [UInt32] = [0xffffa00f, 0x0000ff7f, 0xffffffff, 0xff7fffff, 0xffff0000, 0xfffff8f8, 0xffff00ff, 0xffffffff]

    /// Decodes an instruction of the 0x0F map whose second byte is `op`.
    mutating func decodeTwoByte(_ op: UInt8) throws {
        opcodeEnd = pos
        if Self.twoByteHasModrm[Int(op >> 5)] >> (op & 31) & 1 != 0 { _ = try peekModrm() }
        if let row = Self.simdTable[Int(op)] {
            try decodeSIMD(row)
            return
        }
        switch op {
        case 0x00:
            try emit(Self.group6[regOf(try peekModrm())])
        case 0x01:
            let m = try peekModrm()
            if m >> 6 != 3 {
                if regOf(m) == 5 {
                    try emitColumn(Self.rstorssp)
                } else {
                    try emit(Self.group7Memory[regOf(m)])
                }
                return
            }
            try emitColumn(Self.group7Register[Int(m & 0x3f)], consumeModrm: true)
        case 0x0f:
            try decode3DNow()
        case 0x0d:
            let r = regOf(try peekModrm())
            let names = ["prefetch", "prefetchw", "prefetchwt1", "prefetch", "prefetch", "prefetch", "prefetch", "prefetch"]
            try emit(DisEntry(names[r] + " M!"))
        case 0x18:
            let m = try peekModrm()
            let names = ["prefetchnta", "prefetcht0", "prefetcht1", "prefetcht2"]
            if m >> 6 != 3 && regOf(m) < 4 {
                try emit(DisEntry(names[regOf(m)] + " M"))
            } else {
                try emit(Self.hintNop)
            }
        case 0x1a, 0x1b:
            try decodeMPX(op)
        case 0x19...0x1f:
            try decodeHintNop(op)
        case 0x38:
            try decodeThreeByte38(try next())
        case 0x3a:
            try decodeThreeByte3A(try next())
        case 0x80...0x8f:
            try emit(Self.twoByteTable[Int(op)])
            branchHint()
            boundCheck()
        case 0xa6, 0xa7:
            try decodePadLock(op)
        case 0xae:
            try decodeGroup15()
        case 0x09:
            try emitColumn(Self.mandatoryRows[0])
        case 0xb8:
            try emitColumn(Self.mandatoryRows[1])
        case 0xba:
            let r = regOf(try peekModrm())
            try emit(Self.group8[r])
            if r > 4 { hardwareLockElision(.locked) }
        case 0xbc:
            try emitColumn(Self.mandatoryRows[2])
        case 0xbd:
            try emitColumn(Self.mandatoryRows[3])
        case 0xc7:
            try decodeGroup9()
        default:
            try emit(Self.twoByteTable[Int(op)])
            if [0xab, 0xb0, 0xb1, 0xb3, 0xbb, 0xc0, 0xc1].contains(op) { hardwareLockElision(.locked) }
        }
    }

    /// 0F 09, 0F B8, 0F BC, 0F BD: integer instructions selected by a mandatory prefix.
    static let mandatoryRows: [DisPrefixRow] = [
        "wbinvd;;wbnoinvd", ";;popcnt Gv,Ev", "bsf Gv,Ev;bsf Gv,Ev;tzcnt Gv,Ev", "bsr Gv,Ev;bsr Gv,Ev;lzcnt Gv,Ev",
    ].map { DisPrefixRow($0) }
    static let hintNop = DisEntry("nop~ Ev")

    /// 0F 19-1F: hint NOPs, and the CET and cache instructions that live among them.
    mutating func decodeHintNop(_ op: UInt8) throws {
        let m = try peekModrm()
        if op == 0x1c && m >> 6 != 3 && regOf(m) == 0 && lastData < 0 && lastRepz < 0 && lastRepnz < 0 {
            try emit(DisEntry("cldemote M"))
            return
        }
        if op == 0x1e && lastRepz >= 0 && lastRepz > lastRepnz {
            if m == 0xfb || m == 0xfa {
                dropped.insert(lastRepz)
                try modrm()
                mnemonic = m == 0xfb ? "endbr32" : "endbr64"
                return
            }
            if m >> 6 == 3 && regOf(m) == 1 {
                dropped.insert(lastRepz)
                try emit(DisEntry("rdsspd Rd"))
                return
            }
        }
        try emit(Self.hintNop)
        // objdump: where the hint NOP sits in a prefix table (0F 1C, and 0F 1E under F3), a
        // 66 next to F2/F3 sizes the operand yet still prints as "data16".
        if data16 && ((op == 0x1c && (lastRepz >= 0 || lastRepnz >= 0)) || (op == 0x1e && lastRepz > lastRepnz)) {
            usedData = false
        }
    }

    /// Group 15 (0F AE): fxsave and friends, the fences, and newer instructions selected
    /// by a mandatory prefix.
    static let group15Memory: [DisPrefixRow] = [
        "any:fxsave M", "any:fxrstor M", "any:ldmxcsr M", "any:stmxcsr M",
        "xsave M;;ptwrite Ed", "xrstor M", "xsaveopt M;clwb M;clrssbsy M", "clflush M;clflushopt M",
    ].map { DisPrefixRow($0) }
    static let group15Register: [DisPrefixRow] = [
        ";;rdfsbase Rv", ";;rdgsbase Rv", ";;wrfsbase Rv", ";;wrgsbase Rv",
        ";;ptwrite Ed", "lfence;;incsspd Rd", "mfence;tpause Rd;umonitor Rd;umwait Rd",
    ].map { DisPrefixRow($0) }

    mutating func decodeGroup15() throws {
        let m = try peekModrm()
        let r = regOf(m)
        if m >> 6 != 3 {
            try emitColumn(Self.group15Memory[r])
        } else if r == 7 {
            // objdump: sfence ignores prefixes but wants r/m zero.
            if m & 7 == 0 {
                try modrm()
                mnemonic = "sfence"
            } else {
                setBad()
            }
        } else if r == 6 && m & 7 != 0 && lastData < 0 && lastRepz < 0 && lastRepnz < 0 {
            // objdump: mfence wants r/m zero.
            setBad()
        } else {
            try emitColumn(Self.group15Register[r], consumeModrm: true)
        }
    }

    /// Group 9 (0F C7): cmpxchg8b, the XSAVE and VMX pointer instructions, rdrand/rdseed.
    mutating func decodeGroup9() throws {
        let m = try peekModrm()
        let r = regOf(m)
        if m >> 6 == 3 {
            switch r {
            case 1: try emit(DisEntry("cmpxchg8b M!"))
            case 6: try emitColumn(DisPrefixRow("rdrand Rv;rdrand Rv"))
            case 7: try emitColumn(DisPrefixRow("rdseed Rv;rdseed Rv;rdpid Rd"))
            default: setBad()
            }
            return
        }
        switch r {
        case 1:
            try emit(DisEntry("cmpxchg8b M"))
            hardwareLockElision(.locked)
        case 3: try emit(DisEntry("xrstors M"))
        case 4: try emit(DisEntry("xsavec M"))
        case 5: try emit(DisEntry("xsaves M"))
        case 6: try emitColumn(DisPrefixRow("vmptrld M;vmclear M;vmxon M"))
        case 7: try emit(DisEntry("vmptrst M"))
        default: setBad()
        }
    }

    /// VIA PadLock (0F A6, 0F A7): named by the ModRM byte; any other mod/rm is objdump's
    /// BadOp under the name the reg field selects.
    mutating func decodePadLock(_ op: UInt8) throws {
        let names: [String] = op == 0xa6
            ? ["montmul", "xsha1", "xsha256"]
            : ["xstore-rng", "xcrypt-ecb", "xcrypt-cbc", "xcrypt-ctr", "xcrypt-cfb", "xcrypt-ofb"]
        let m = try peekModrm()
        let r = regOf(m)
        guard r < names.count else {
            setBad()
            return
        }
        if m == 0xc0 | UInt8(r << 3) {
            try modrm()
            mnemonic = names[r]
        } else {
            mnemonic = names[r]
            operands = ["(bad)"]
            pos = opcodeStart + 1
        }
    }

    /// Intel MPX (0F 1A, 0F 1B), selected by a mandatory prefix.
    mutating func decodeMPX(_ op: UInt8) throws {
        // objdump: without a prefix the register forms are plain hint NOPs.
        let m = try peekModrm()
        let noPrefix = lastRepz < 0 && lastRepnz < 0 && lastData < 0
        // objdump: bndmk (F3 0F 1B) wants memory; with a register it is a NOP too, and the
        // F3 prints.
        let bndmkRegister = op == 0x1b && lastRepz > lastRepnz && m >> 6 == 3
        if (noPrefix || bndmkRegister) && m >> 6 == 3 {
            try emit(DisEntry("nop Ev"))
            if bndmkRegister { usedData = false }
            return
        }
        // MPX has no 16-bit addressing: such a memory operand is "(bad)".
        rejectAddr16 = true
        let row = op == 0x1a
            ? Self.simdRow("bndldx B,M;bndmov B,Bm;bndcl B,Ed;bndcu B,Ed")
            : Self.simdRow("bndstx M,B;bndmov Bm,B;bndmk B,M;bndcn B,Ed")
        try emitColumn(row)
    }

    /// AMD 3DNow! (0F 0F ModRM ... suffix): the byte after the operands names the operation.
    static let threeDNowNames: [UInt8: String] = [
        0x0c: "pi2fw", 0x0d: "pi2fd", 0x1c: "pf2iw", 0x1d: "pf2id", 0x8a: "pfnacc", 0x8e: "pfpnacc",
        0x90: "pfcmpge", 0x94: "pfmin", 0x96: "pfrcp", 0x97: "pfrsqrt", 0x9a: "pfsub", 0x9e: "pfadd",
        0xa0: "pfcmpgt", 0xa4: "pfmax", 0xa6: "pfrcpit1", 0xa7: "pfrsqit1", 0xaa: "pfsubr", 0xae: "pfacc",
        0xb0: "pfcmpeq", 0xb4: "pfmul", 0xb6: "pfrcpit2", 0xb7: "pmulhrw", 0xbb: "pswapd", 0xbf: "pavgusb",
    ]

    mutating func decode3DNow() throws {
        // objdump: under 0x66 the MMX operands print as XMM registers.
        try emit(DisEntry("3dnow Px,Qx"))
        guard let name = Self.threeDNowNames[try next()] else {
            // An unknown suffix is objdump's BadOp: "(bad)" after the first opcode byte.
            setBad()
            pos = opcodeStart + 1
            return
        }
        mnemonic = name
    }
}
