// MMX and SSE-SSE4.2 opcodes of the 0x0F map, in the prefix-row notation of
// DisassemblerTables.swift (columns: none;66;F3;F2).

extension DisDecoder {
    static func simdRow(_ spec: String) -> DisPrefixRow { DisPrefixRow(spec) }

    /// MMX "P,Q" in column 0 and SSE2 "V,W" in column 1.
    static func mmxRow(_ name: String) -> String { "x66:\(name) P,Q;\(name) V,W" }

    /// SSE packed/scalar arithmetic: ps, pd, ss, sd.
    static func arithRow(_ name: String) -> String {
        "\(name)ps V,W;\(name)pd V,W;\(name)ss V,W;\(name)sd V,W"
    }

    static let simdTable: [DisPrefixRow?] = {
        var t = [String?](repeating: nil, count: 256)
        t[0x10] = "movups V,W;movupd V,W;movss V,W;movsd V,W"
        t[0x11] = "movups W,V;movupd W,V;movss W,V;movsd W,V"
        t[0x12] = "movlps V,W;movlpd V,M;movsldup V,W;movddup V,W"
        t[0x13] = "mod:x66:movlps M,V;movlpd M,V"
        t[0x14] = "x66:unpcklps V,W;unpcklpd V,W"
        t[0x15] = "x66:unpckhps V,W;unpckhpd V,W"
        t[0x16] = "movhps V,W;movhpd V,M;movshdup V,W"
        t[0x17] = "mod:x66:movhps M,V;movhpd M,V"
        t[0x28] = "x66:movaps V,W;movapd V,W"
        t[0x29] = "x66:movaps W,V;movapd W,V"
        t[0x2a] = "cvtpi2ps V,Q;cvtpi2pd V,Q;cvtsi2ss V,Ed;cvtsi2sd V,Ed"
        t[0x2b] = "movntps M,V;movntpd M,V;movntss M,V;movntsd M,V"
        t[0x2c] = "cvttps2pi P,W;cvttpd2pi P,W;cvttss2si Gd,W;cvttsd2si Gd,W"
        t[0x2d] = "cvtps2pi P,W;cvtpd2pi P,W;cvtss2si Gd,W;cvtsd2si Gd,W"
        t[0x2e] = "ucomiss V,W;ucomisd V,W"
        t[0x2f] = "comiss V,W;comisd V,W"
        t[0x50] = "mod:x66:movmskps Gd,U;movmskpd Gd,U"
        t[0x51] = arithRow("sqrt")
        t[0x52] = "rsqrtps V,W;;rsqrtss V,W"
        t[0x53] = "rcpps V,W;;rcpss V,W"
        t[0x54] = "x66:andps V,W;andpd V,W"
        t[0x55] = "x66:andnps V,W;andnpd V,W"
        t[0x56] = "x66:orps V,W;orpd V,W"
        t[0x57] = "x66:xorps V,W;xorpd V,W"
        t[0x58] = arithRow("add")
        t[0x59] = arithRow("mul")
        t[0x5a] = "cvtps2pd V,W;cvtpd2ps V,W;cvtss2sd V,W;cvtsd2ss V,W"
        t[0x5b] = "cvtdq2ps V,W;cvtps2dq V,W;cvttps2dq V,W"
        t[0x5c] = arithRow("sub")
        t[0x5d] = arithRow("min")
        t[0x5e] = arithRow("div")
        t[0x5f] = arithRow("max")
        let mmx60: [String] = ["punpcklbw", "punpcklwd", "punpckldq", "packsswb", "pcmpgtb", "pcmpgtw",
                               "pcmpgtd", "packuswb", "punpckhbw", "punpckhwd", "punpckhdq", "packssdw"]
        for (i, n) in mmx60.enumerated() { t[0x60 + i] = mmxRow(n) }
        // objdump: the first three unpacks are prefix tables rather than 66-widened entries.
        for i in 0..<3 { t[0x60 + i] = "\(mmx60[i]) P,Q;\(mmx60[i]) V,W" }
        t[0x6c] = "66:punpcklqdq V,W"
        t[0x6d] = "66:punpckhqdq V,W"
        t[0x6e] = "x66:movd P,Ed;movd V,Ed"
        t[0x6f] = "movq P,Q;movdqa V,W;movdqu V,W"
        t[0x70] = "pshufw P,Q,Ib;pshufd V,W,Ib;pshufhw V,W,Ib;pshuflw V,W,Ib"
        t[0x71] = "G12"; t[0x72] = "G13"; t[0x73] = "G14"
        t[0x74] = mmxRow("pcmpeqb")
        t[0x75] = mmxRow("pcmpeqw")
        t[0x76] = mmxRow("pcmpeqd")
        t[0x77] = "emms"
        t[0x78] = "vmread Ed,Gd;extrq U!,Ib,Ib;;insertq V,U!,Ib,Ib"
        t[0x79] = "vmwrite Gd,Ed;extrq V,U!;;insertq V,U!"
        t[0x7c] = ";haddpd V,W;;haddps V,W"
        t[0x7d] = ";hsubpd V,W;;hsubps V,W"
        t[0x7e] = "movd Ed,P;movd Ed,V;movq V,W"
        t[0x7f] = "movq Q,P;movdqa W,V;movdqu W,V"
        t[0xc2] = "cmpps V,W,Ib;cmppd V,W,Ib;cmpss V,W,Ib;cmpsd V,W,Ib"
        t[0xc3] = "mod:movnti M,Gd"
        t[0xc4] = "x66:pinsrw P,Ed,Ib;pinsrw V,Ed,Ib"
        t[0xc5] = "x66:pextrw Gd,N!,Ib;pextrw Gd,U!,Ib"
        t[0xc6] = "x66:shufps V,W,Ib;shufpd V,W,Ib"
        t[0xd0] = ";addsubpd V,W;;addsubps V,W"
        let mmxD1: [String] = ["psrlw", "psrld", "psrlq", "paddq", "pmullw"]
        for (i, n) in mmxD1.enumerated() { t[0xd1 + i] = mmxRow(n) }
        t[0xd6] = ";movq W,V;movq2dq V,Nx!;movdq2q Px,U!"
        t[0xd7] = "mod:norep:pmovmskb Gd,N;pmovmskb Gd,U"
        let mmxD8: [String] = ["psubusb", "psubusw", "pminub", "pand", "paddusb", "paddusw", "pmaxub", "pandn",
                               "pavgb", "psraw", "psrad", "pavgw", "pmulhuw", "pmulhw"]
        for (i, n) in mmxD8.enumerated() { t[0xd8 + i] = mmxRow(n) }
        t[0xe6] = ";cvttpd2dq V,W;cvtdq2pd V,W;cvtpd2dq V,W"
        t[0xe7] = "movntq M!,P;movntdq M,V"
        let mmxE8: [String] = ["psubsb", "psubsw", "pminsw", "por", "paddsb", "paddsw", "pmaxsw", "pxor"]
        for (i, n) in mmxE8.enumerated() { t[0xe8 + i] = mmxRow(n) }
        t[0xf0] = ";;;lddqu V,M"
        let mmxF1: [String] = ["psllw", "pslld", "psllq", "pmuludq", "pmaddwd", "psadbw"]
        for (i, n) in mmxF1.enumerated() { t[0xf1 + i] = mmxRow(n) }
        t[0xf7] = "maskmovq P,N!;maskmovdqu V,U!"
        let mmxF8: [String] = ["psubb", "psubw", "psubd", "psubq", "paddb", "paddw", "paddd"]
        for (i, n) in mmxF8.enumerated() { t[0xf8 + i] = mmxRow(n) }
        return t.map { $0.map(simdRow) }
    }()

    /// The shift-by-immediate groups 12-14 (0F 71-73), indexed by ModRM.reg.
    static let shiftGroups: [[DisPrefixRow?]] = [
        [nil, nil, simdRow("x66:psrlw N,Ib;psrlw U,Ib"), nil, simdRow("x66:psraw N,Ib;psraw U,Ib"), nil,
         simdRow("x66:psllw N,Ib;psllw U,Ib"), nil],
        [nil, nil, simdRow("x66:psrld N,Ib;psrld U,Ib"), nil, simdRow("x66:psrad N,Ib;psrad U,Ib"), nil,
         simdRow("x66:pslld N,Ib;pslld U,Ib"), nil],
        [nil, nil, simdRow("x66:psrlq N,Ib;psrlq U,Ib"), simdRow("66:psrldq U,Ib"), nil, nil,
         simdRow("x66:psllq N,Ib;psllq U,Ib"), simdRow("66:pslldq U,Ib")],
    ]

    /// objdump's names for cmpps/cmppd/cmpss/cmpsd predicates 0-7.
    static let comparePredicates: [String] = ["eq", "lt", "le", "unord", "neq", "nlt", "nle", "ord"]

    /// Decodes a row of the 0x0F SIMD table.
    mutating func decodeSIMD(_ row: DisPrefixRow) throws {
        let op = code[pos - 1]
        if op >= 0x71 && op <= 0x73 {
            let m = try peekModrm()
            guard m >> 6 == 3, let r = Self.shiftGroups[Int(op - 0x71)][regOf(m)] else {
                setBad()
                return
            }
            try emitColumn(r)
            return
        }
        try emitColumn(row)
        let m = hasModrm ? modrmByte : 0
        switch op {
        case 0x12 where mnemonic == "movlps" && m >> 6 == 3:
            mnemonic = "movhlps"
        case 0x16 where mnemonic == "movhps" && m >> 6 == 3:
            mnemonic = "movlhps"
        case 0xc2:
            pseudoCompare()
        case 0xc5 where usedData && m >> 6 != 3:
            // objdump: the SSE2 form with a memory operand is rejected outright.
            bareBad()
        default:
            break
        }
    }

    /// objdump: cmpXXps with a predicate 0-7 prints as cmpeqps, cmpltps, ... without the
    /// immediate.
    mutating func pseudoCompare() {
        guard mnemonic != "(bad)", let imm = operands.first, imm.hasPrefix("$0x"),
              let v = Int(imm.dropFirst(3), radix: 16), v < 8 else { return }
        mnemonic = "cmp" + Self.comparePredicates[v] + mnemonic.dropFirst(3)
        operands.removeFirst()
    }
}
