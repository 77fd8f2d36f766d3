// The decoder's state for one instruction: the bytes read so far, the prefixes and which of
// them the instruction used, the ModRM byte, and the mnemonic and operands being built.
// `finishText()` turns that into objdump's text.

/// The bytes ended before the instruction did (objdump: its first byte alone, as `.byte`
/// or a prefix name). objdump also reads no more than 20 bytes for one instruction.
struct DisTruncated: Error {}

/// Register names by their 3-bit number, as objdump spells them.
enum DisRegs {
    static let r8: [String] = ["%al", "%cl", "%dl", "%bl", "%ah", "%ch", "%dh", "%bh"]
    static let r16: [String] = ["%ax", "%cx", "%dx", "%bx", "%sp", "%bp", "%si", "%di"]
    static let r32: [String] = ["%eax", "%ecx", "%edx", "%ebx", "%esp", "%ebp", "%esi", "%edi"]
    // objdump: encodings 6 and 7 name no segment register and print as "%?".
    static let seg: [String] = ["%es", "%cs", "%ss", "%ds", "%fs", "%gs", "%?", "%?"]
    static let mm: [String] = (0..<8).map { "%mm\($0)" }
    static let xmm: [String] = (0..<8).map { "%xmm\($0)" }
    static let base16: [String] = ["%bx,%si", "%bx,%di", "%bp,%si", "%bp,%di", "%si", "%di", "%bp", "%bx"]
}

/// One instruction being decoded. `Disassembler.decode` makes one per instruction.
struct DisDecoder {
    let code: [UInt8]
    let address: UInt32
    /// Index of the next byte to read; after decoding, the instruction's length.
    var pos = 0
    var length: Int { pos }

    // MARK: Prefixes

    /// The prefix bytes in order (objdump prints the unused ones by name).
    var prefixBytes: [UInt8] = []
    /// Prefixes the instruction consumed; they are not printed.
    var dropped: Set<Int> = []
    /// Prefixes printed under another name ("rep", "bnd", "notrack").
    var renamed: [Int: String] = [:]
    /// Index in `prefixBytes` of the last prefix of each kind, or -1.
    var lastSeg = -1, lastData = -1, lastAddr = -1, lastRepz = -1, lastRepnz = -1
    /// An FWAIT (0x9B) merged into the x87 instruction that follows it.
    var fwait = false
    /// Whether the operand size, address size or segment prefix changed the instruction.
    var usedData = false, usedAddr = false, usedSeg = false
    /// objdump: after `notrack`, a memory operand shows no segment.
    var segmentSuppressed = false
    /// Where the opcode starts (after the prefixes) and ends (before any ModRM byte).
    var opcodeStart = 0, opcodeEnd = 0
    /// objdump: some invalid encodings print a bare "(bad)", without prefix names.
    var bare = false
    /// Memory operands cannot use 16-bit addressing (MPX): they print "(bad)".
    var rejectAddr16 = false

    var data16: Bool { lastData >= 0 }
    var addr16: Bool { lastAddr >= 0 }
    /// The segment override in force (the last segment prefix), if any.
    var segmentPrefix: UInt8? { lastSeg >= 0 ? prefixBytes[lastSeg] : nil }

    // MARK: ModRM

    private(set) var modrmByte: UInt8 = 0
    private(set) var hasModrm = false
    var mod: Int { Int(modrmByte >> 6) }
    var reg: Int { Int(modrmByte >> 3) & 7 }
    var rm: Int { Int(modrmByte) & 7 }

    // MARK: Output

    var mnemonic = ""
    /// Operands in the order objdump prints them (AT&T: source first).
    var operands: [String] = []

    init(code: [UInt8], address: UInt32) {
        self.code = code
        self.address = address
    }

    // MARK: Reading bytes

    mutating func next() throws -> UInt8 {
        guard pos < code.count else { throw DisTruncated() }
        defer { pos += 1 }
        return code[pos]
    }

    /// The next byte without consuming it.
    func peek() throws -> UInt8 {
        guard pos < code.count else { throw DisTruncated() }
        return code[pos]
    }

    mutating func imm8() throws -> UInt32 { UInt32(try next()) }
    mutating func imm16() throws -> UInt32 { UInt32(try next()) | UInt32(try next()) << 8 }
    mutating func imm32() throws -> UInt32 { try imm16() | (try imm16()) << 16 }

    /// Reads the ModRM byte once; later calls return the same byte.
    @discardableResult
    mutating func modrm() throws -> UInt8 {
        if !hasModrm {
            modrmByte = try next()
            hasModrm = true
        }
        return modrmByte
    }

    /// Looks at the ModRM byte without consuming it: objdump does not count the ModRM byte
    /// of an invalid group member in the instruction's length.
    mutating func peekModrm() throws -> UInt8 {
        if hasModrm { return modrmByte }
        return try peek()
    }

    // MARK: Sizes

    /// Operand size in bits for a `v` operand; notes that the 0x66 prefix mattered.
    mutating func vSize() -> Int {
        usedData = true
        return data16 ? 16 : 32
    }

    // MARK: The decoding driver

    /// Decodes the instruction and returns objdump's text for it.
    mutating func decodeInstruction() throws -> String {
        if let text = try scanPrefixes() { return text }
        opcodeStart = pos
        let op = try next()
        opcodeEnd = pos
        try decodeOneByte(op)
        if pos > Disassembler.maxLength {
            // objdump: an instruction longer than 15 bytes is "(bad)", 15 bytes long, after
            // the prefixes it left unused.
            pos = Disassembler.maxLength
            setBad()
            bare = false
        }
        return finishText()
    }

    /// Reads the prefix bytes. Returns the whole text when the prefixes are the instruction
    /// (too many of them, or an FWAIT that is not followed by an x87 instruction).
    private mutating func scanPrefixes() throws -> String? {
        // objdump: FWAIT is an instruction of its own, and prefixes before it are its
        // prefixes; but directly before an x87 opcode it merges into that instruction
        // (fstsw, fstcw, ...). A leading FWAIT does not end the prefix run.
        var fwaitAt = -1
        scan: while true {
            let b = try peek()
            let index = prefixBytes.count
            switch b {
            case 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65: lastSeg = index
            case 0x66: lastData = index
            case 0x67: lastAddr = index
            case 0xf3: lastRepz = index
            case 0xf2: lastRepnz = index
            case 0xf0: break
            case 0x9b:
                pos += 1
                let first = fwaitAt < 0 && prefixBytes.isEmpty
                fwaitAt = index
                if first { continue scan }
                break scan
            default:
                break scan
            }
            prefixBytes.append(b)
            pos += 1
            // objdump: 14 prefixes in a row are printed on their own, as one "instruction".
            if prefixBytes.count == Disassembler.maxLength - 1 {
                return prefixBytes.map { prefixName($0) }.joined(separator: " ")
            }
        }
        if fwaitAt >= 0 {
            // objdump looks at the next opcode byte to decide, so a cut-off FWAIT is truncated.
            if (0xd8...0xdf).contains(try peek()) {
                fwait = true
                return nil
            }
            pos = fwaitAt + 1
            return (prefixBytes[..<fwaitAt].map { prefixName($0) } + ["fwait"]).joined(separator: " ")
        }
        return nil
    }

    func prefixName(_ b: UInt8) -> String {
        switch b {
        case 0x26: return "es"
        case 0x2e: return "cs"
        case 0x36: return "ss"
        case 0x3e: return "ds"
        case 0x64: return "fs"
        case 0x65: return "gs"
        case 0x66: return "data16"
        case 0x67: return "addr16"
        case 0xf0: return "lock"
        case 0xf2: return "repnz"
        case 0xf3: return "repz"
        default: return "fwait"
        }
    }

    // MARK: Building the result

    /// Marks the instruction invalid: objdump prints "(bad)" and no operands.
    mutating func setBad() {
        mnemonic = "(bad)"
        operands = []
    }

    /// objdump's invalid-prefix verdict: a bare "(bad)" covering the prefixes and opcode.
    mutating func bareBad() {
        setBad()
        bare = true
        pos = opcodeEnd
    }

    /// The final text: unused prefixes by name, the mnemonic padded to six columns and a
    /// space, then the operands.
    func finishText() -> String {
        if bare { return mnemonic }
        var words: [String] = []
        for (i, b) in prefixBytes.enumerated() {
            if dropped.contains(i) { continue }
            if i == lastSeg && usedSeg { continue }
            if i == lastData && usedData { continue }
            if i == lastAddr && usedAddr { continue }
            words.append(renamed[i] ?? prefixName(b))
        }
        words.append(mnemonic)
        var text = words.joined(separator: " ")
        if !operands.isEmpty {
            if text.count < 6 { text += String(repeating: " ", count: 6 - text.count) }
            text += " " + operands.joined(separator: ",")
        }
        return text
    }
}
