// The three-byte opcode maps 0F 38 and 0F 3A (SSSE3, SSE4.1, SSE4.2, AES, SHA, and a few
// integer instructions that live there: movbe, crc32, adcx/adox, invpcid...). Rows use the
// prefix-row notation of DisassemblerTables.swift.

extension DisDecoder {
    static let map38: [DisPrefixRow?] = {
        var t = [String?](repeating: nil, count: 256)
        let ssse3: [String] = ["pshufb", "phaddw", "phaddd", "phaddsw", "pmaddubsw", "phsubw", "phsubd", "phsubsw",
                               "psignb", "psignw", "psignd", "pmulhrsw"]
        for (i, n) in ssse3.enumerated() { t[i] = mmxRow(n) }
        t[0x10] = "66:pblendvb V,W,XMM0"
        t[0x14] = "66:blendvps V,W,XMM0"
        t[0x15] = "66:blendvpd V,W,XMM0"
        t[0x17] = "66:ptest V,W"
        t[0x1c] = mmxRow("pabsb")
        t[0x1d] = mmxRow("pabsw")
        t[0x1e] = mmxRow("pabsd")
        let sse41: [Int: String] = [
            0x20: "pmovsxbw", 0x21: "pmovsxbd", 0x22: "pmovsxbq", 0x23: "pmovsxwd", 0x24: "pmovsxwq",
            0x25: "pmovsxdq", 0x28: "pmuldq", 0x29: "pcmpeqq", 0x2b: "packusdw",
            0x30: "pmovzxbw", 0x31: "pmovzxbd", 0x32: "pmovzxbq", 0x33: "pmovzxwd", 0x34: "pmovzxwq",
            0x35: "pmovzxdq", 0x37: "pcmpgtq", 0x38: "pminsb", 0x39: "pminsd", 0x3a: "pminuw",
            0x3b: "pminud", 0x3c: "pmaxsb", 0x3d: "pmaxsd", 0x3e: "pmaxuw", 0x3f: "pmaxud",
            0x40: "pmulld", 0x41: "phminposuw",
            0xdb: "aesimc",
            0xcf: "gf2p8mulb",
        ]
        for (o, n) in sse41 { t[o] = "66:\(n) V,W" }
        t[0x2a] = "mod:66:movntdqa V,M"
        t[0x80] = "66:invept Gd,M!"
        t[0x81] = "66:invvpid Gd,M!"
        t[0x82] = "66:invpcid Gd,M!"
        t[0xc8] = "sha1nexte V,W"
        t[0xc9] = "sha1msg1 V,W"
        t[0xca] = "sha1msg2 V,W"
        t[0xcb] = "sha256rnds2 V,W,XMM0"
        t[0xcc] = "sha256msg1 V,W"
        t[0xcd] = "sha256msg2 V,W"
        t[0xf0] = "movbe Gv,M!;movbe Gv,M!;;crc32~ Gd,Eb"
        t[0xf1] = "movbe M!,Gv;movbe M!,Gv;;crc32~ Gd,Ev"
        t[0xf5] = "mod:66:wrussd M,Gd"
        t[0xf6] = "wrssd M,Gd;adcx Gd,Ed;adox Gd,Ed"
        t[0xf8] = ";movdir64b Ga,M;enqcmds Ga,M;enqcmd Ga,M"
        t[0xf9] = "mod:movdiri M,Gd"
        t[0xfc] = "aadd M!,Gd;aand M!,Gd;axor M!,Gd;aor M!,Gd"
        // Key Locker (F3): the 0xD8 group is decoded in code.
        t[0xd8] = ""
        t[0xdc] = ";aesenc V,W;aesenc128kl V,M"
        t[0xdd] = ";aesenclast V,W;aesdec128kl V,M"
        t[0xde] = ";aesdec V,W;aesenc256kl V,M"
        t[0xdf] = ";aesdeclast V,W;aesdec256kl V,M"
        t[0xfa] = ";;encodekey128 Gd,R32"
        t[0xfb] = ";;encodekey256 Gd,R32"
        return t.map { $0.map(simdRow) }
    }()

    static let map3A: [DisPrefixRow?] = {
        var t = [String?](repeating: nil, count: 256)
        t[0x08] = "66:roundps V,W,Ib"
        t[0x09] = "66:roundpd V,W,Ib"
        t[0x0a] = "66:roundss V,W,Ib"
        t[0x0b] = "66:roundsd V,W,Ib"
        t[0x0c] = "66:blendps V,W,Ib"
        t[0x0d] = "66:blendpd V,W,Ib"
        t[0x0e] = "66:pblendw V,W,Ib"
        t[0x0f] = "x66:palignr P,Q,Ib;palignr V,W,Ib"
        t[0x14] = "66:pextrb Ed,V,Ib"
        t[0x15] = "66:pextrw Ed,V,Ib"
        t[0x16] = "66:pextrd Ed,V,Ib"
        t[0x17] = "66:extractps Ed,V,Ib"
        t[0x20] = "66:pinsrb V,Ed,Ib"
        t[0x21] = "66:insertps V,W,Ib"
        t[0x22] = "66:pinsrd V,Ed,Ib"
        t[0x40] = "66:dpps V,W,Ib"
        t[0x41] = "66:dppd V,W,Ib"
        t[0x42] = "66:mpsadbw V,W,Ib"
        t[0x44] = "66:pclmulqdq V,W,Ib"
        t[0x60] = "66:pcmpestrm V,W,Ib"
        t[0x61] = "66:pcmpestri V,W,Ib"
        t[0x62] = "66:pcmpistrm V,W,Ib"
        t[0x63] = "66:pcmpistri V,W,Ib"
        t[0xcc] = "sha1rnds4 V,W,Ib"
        t[0xce] = "66:gf2p8affineqb V,W,Ib"
        t[0xcf] = "66:gf2p8affineinvqb V,W,Ib"
        t[0xdf] = "66:aeskeygenassist V,W,Ib"
        t[0xf0] = ";;hreset Ib"  // decoded in code: the ModRM byte must be a register form
        return t.map { $0.map(simdRow) }
    }()

    /// objdump's names for the pclmulqdq immediates it knows.
    static let clmulNames: [Int: String] = [0x00: "pclmullqlqdq", 0x01: "pclmulhqlqdq", 0x02: "pclmullqhqdq",
                                            0x03: "pclmulhqhqdq", 0x10: "pclmullqhqdq", 0x11: "pclmulhqhqdq"]

    mutating func decodeThreeByte38(_ op: UInt8) throws {
        opcodeEnd = pos
        // Every three-byte opcode has a ModRM byte, and objdump reads it first.
        _ = try peekModrm()
        if op == 0xd8 {
            try decodeKeyLockerWide()
            return
        }
        guard let row = Self.map38[Int(op)] else {
            setBad()
            return
        }
        let registerForm = try peekModrm() >> 6 == 3
        if op == 0xdc && lastRepz > lastRepnz && registerForm {
            try emitColumn(DisPrefixRow(";;loadiwkey V,U"))
            return
        }
        try emitColumn(row)
    }

    mutating func decodeThreeByte3A(_ op: UInt8) throws {
        opcodeEnd = pos
        _ = try peekModrm()
        guard let row = Self.map3A[Int(op)] else {
            setBad()
            return
        }
        if op == 0xf0 {
            // hreset: ModRM byte C0, which prints nothing, then the immediate.
            if try peekModrm() != 0xc0 || lastRepz < 0 || lastRepz < lastRepnz {
                try emitColumn(DisPrefixRow(";;"))
                return
            }
            try modrm()
        }
        try emitColumn(row)
        if op == 0x44, let imm = operands.first, let v = Int(imm.dropFirst(3), radix: 16),
           let name = Self.clmulNames[v] {
            mnemonic = name
            operands.removeFirst()
        }
    }

    /// F3 0F 38 D8: the Key Locker "wide" instructions, by ModRM.reg, memory only.
    mutating func decodeKeyLockerWide() throws {
        let names = ["aesencwide128kl", "aesdecwide128kl", "aesencwide256kl", "aesdecwide256kl"]
        let r = regOf(try peekModrm())
        let entry = r < 4 ? names[r] + " M!" : ""
        try emitColumn(DisPrefixRow(";;" + entry))
    }
}
