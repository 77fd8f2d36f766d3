// The small language the opcode tables are written in, and the code that turns one
// table entry into a mnemonic and operands.
//
// An entry is a string: a mnemonic, then operands in Intel order separated by commas,
// e.g. "add~ Ev,Iv". The mnemonic may carry:
//   name32|name16   a different mnemonic under the operand-size prefix ("cwtl|cbtw")
//   ~               AT&T size suffix (b/w/l) when the ModRM operand is memory ("movl")
//   ^               suffix "w" only when the ModRM operand is memory and 16 bits ("pushw")
//   =               print the operands in Intel order (enter, bound)
// "(bad)" is an invalid encoding.
//
// Opcodes whose meaning depends on a mandatory prefix are rows of four entries separated by
// ";": no prefix, 66, F3, F2 (trailing ones may be left out; an empty one is invalid).
// objdump picks the column from the last F3/F2 prefix if there is one, else from 66, and
// that prefix then belongs to the opcode and is not printed. Markers in front of a row, in
// this order, say how objdump treats the prefixes that do not fit:
//   any:entry    one entry whatever the prefixes (they print as unused)
//   mod:         a register/memory mismatch is checked before the prefix is looked at,
//                so the prefix stays unused and prints
//   norep:       F2 and F3 select nothing and print as unused
//   tbl:entry    a real prefix table with only the first column filled; without it a
//                one-entry row is an instruction that rejects 66, F2 and F3 with a bare
//                "(bad)" (objdump prints no prefix names then)
//   x66:         one instruction whose operands widen to XMM under 66; F2/F3 make it a
//                bare "(bad)"
//   66:entry     exists only with 66 and without F2/F3; anything else is a bare "(bad)"

/// One decoded opcode-table entry.
struct DisEntry: Sendable {
    /// One name, or the names for 32- and 16-bit operand size.
    let names: [String]
    let memorySuffix: Bool
    let wordSuffix: Bool
    let keepOrder: Bool
    let operands: [DisOperand]

    var isBad: Bool { names.first == "(bad)" }

    static let bad = DisEntry("(bad)")

    init(_ spec: String) {
        let parts = spec.split(separator: " ", maxSplits: 1)
        var name = parts.first.map(String.init) ?? "(bad)"
        func flag(_ c: Character) -> Bool {
            guard let i = name.firstIndex(of: c), name != "(bad)" else { return false }
            name.remove(at: i)
            return true
        }
        memorySuffix = flag("~")
        wordSuffix = flag("^")
        keepOrder = flag("=")
        names = name == "(bad)" ? [name] : name.split(separator: "|").map(String.init)
        operands = parts.count > 1 ? parts[1].split(separator: ",").map { DisOperand($0) } : []
    }

    /// Parses a whole table.
    static func table(_ specs: [String]) -> [DisEntry] { specs.map { DisEntry($0) } }
}

extension DisDecoder {
    /// Decodes the operands of `entry` and sets the mnemonic and operand texts.
    mutating func emit(_ entry: DisEntry) throws {
        if entry.isBad {
            setBad()
            return
        }
        // objdump: a register where only memory fits (or the reverse) makes the entry
        // invalid; the ModRM byte is then not part of the instruction.
        if try !modrmFits(entry) {
            setBad()
            return
        }
        // objdump settles the operand size (and so uses a 66 prefix) with the mnemonic,
        // before it reads any operand bytes: it matters when those run past 15 bytes.
        let hasRM = entry.operands.contains { if case .rm = $0 { return true } else { return false } }
        let registerForm = hasRM ? (try peekModrm() >> 6 == 3) || entry.memorySuffix || entry.wordSuffix : false
        if entry.names.count > 1 || entry.operands.contains(where: { $0.followsOperandSize(registerForm: registerForm) }) {
            _ = vSize()
        }
        var texts: [String] = []
        for op in entry.operands {
            do {
                texts.append(try operandText(op))
            } catch is DisBadOperand {
                // objdump's BadOp: "(bad)" for this operand, and the instruction ends after
                // its first opcode byte; later operands read on from there.
                texts.append("(bad)")
                pos = opcodeStart + 1
            }
        }
        var name = entry.names[0]
        if entry.names.count > 1 && vSize() == 16 { name = entry.names[1] }
        if entry.memorySuffix && hasModrm && mod != 3 {
            name += sizeSuffix(entry)
        }
        if entry.wordSuffix && hasModrm && mod != 3 && vSize() == 16 {
            name += "w"
        }
        mnemonic = name
        operands = entry.keepOrder ? texts : texts.reversed()
    }

    /// Whether the ModRM byte has the form (register or memory) the entry's plain r/m
    /// operands require. BadOp operands are checked while decoding instead.
    mutating func modrmFits(_ entry: DisEntry) throws -> Bool {
        for op in entry.operands {
            if case .rm(let o) = op, !o.badOp, !(o.memory && o.register) {
                if (try peekModrm() >> 6 == 3) != o.register { return false }
            }
        }
        return true
    }

    /// The AT&T suffix for the size of the entry's ModRM operand.
    mutating func sizeSuffix(_ entry: DisEntry) -> String {
        for op in entry.operands {
            if case .rm(let o) = op, case .general(let s) = o.file {
                switch s {
                case .b: return "b"
                case .w: return "w"
                case .d: return "l"
                case .v: return vSize() == 16 ? "w" : "l"
                }
            }
        }
        return vSize() == 16 ? "w" : "l"
    }
}

/// The variants of one opcode selected by a mandatory prefix (66, F3 or F2).
struct DisPrefixRow: Sendable {
    /// Entries for no prefix, 66, F3 and F2; nil is an invalid encoding.
    var cols: [DisEntry?]
    /// Written "66:entry".
    var dataOnly = false
    /// Written "mod:...".
    var modFirst = false
    /// Written "any:entry": one entry whatever the prefixes (they print as unused).
    var anyPrefix = false
    /// Written "norep:...": F2 and F3 select nothing and print as unused.
    var ignoresRep = false
    /// Written "x66:...": F2 and F3 are invalid with it (no columns of their own).
    var noRepColumns = false
    /// Written "tbl:entry": a prefix table with only the unprefixed column filled, where
    /// a one-column row otherwise means an entry that rejects every mandatory prefix.
    var isTable = false

    init(_ spec: String) {
        var spec = Substring(spec)
        if spec.hasPrefix("any:") {
            cols = [DisEntry(String(spec.dropFirst(4))), nil, nil, nil]
            anyPrefix = true
            return
        }
        if spec.hasPrefix("mod:") {
            modFirst = true
            spec = spec.dropFirst(4)
        }
        if spec.hasPrefix("norep:") {
            ignoresRep = true
            spec = spec.dropFirst(6)
        }
        if spec.hasPrefix("tbl:") {
            isTable = true
            spec = spec.dropFirst(4)
        }
        if spec.hasPrefix("x66:") {
            noRepColumns = true
            spec = spec.dropFirst(4)
        }
        if spec.hasPrefix("66:") {
            cols = [nil, DisEntry(String(spec.dropFirst(3))), nil, nil]
            dataOnly = true
            return
        }
        cols = spec.split(separator: ";", omittingEmptySubsequences: false).map { c -> DisEntry? in
            c.isEmpty ? nil : DisEntry(String(c))
        }
        while cols.count < 4 { cols.append(nil) }
    }
}

extension DisDecoder {
    /// The column a mandatory prefix selects, consuming that prefix.
    mutating func selectColumn(ignoringRep: Bool = false) -> Int {
        if !ignoringRep && (lastRepz >= 0 || lastRepnz >= 0) {
            if lastRepz > lastRepnz {
                dropped.insert(lastRepz)
                return 2
            }
            dropped.insert(lastRepnz)
            return 3
        }
        if lastData >= 0 {
            usedData = true
            return 1
        }
        return 0
    }

    /// Emits the column of `row` the prefixes select. `consumeModrm` makes the ModRM byte
    /// part of a valid instruction even when no operand reads it (0F 01 C8 monitor...).
    mutating func emitColumn(_ row: DisPrefixRow, consumeModrm: Bool = false) throws {
        if row.anyPrefix, let entry = row.cols[0] {
            if consumeModrm && !entry.isBad { try modrm() }
            try emit(entry)
            return
        }
        if row.modFirst, let any = row.cols.first(where: { $0 != nil }) ?? nil, try !modrmFits(any) {
            setBad()
            return
        }
        if row.dataOnly {
            guard data16, lastRepz < 0, lastRepnz < 0, let entry = row.cols[1] else {
                bareBad()
                return
            }
            usedData = true
            try emit(entry)
            return
        }
        // objdump: an instruction that exists only without a mandatory prefix is rejected
        // outright ("(bad)" alone) when 66, F2 or F3 is present.
        let direct = !row.isTable && row.cols[0] != nil && row.cols[1...].allSatisfy { $0 == nil }
        if (direct && !row.ignoresRep && (lastData >= 0 || lastRepz >= 0 || lastRepnz >= 0))
            || (row.noRepColumns && (lastRepz >= 0 || lastRepnz >= 0)) {
            bareBad()
            return
        }
        let col = selectColumn(ignoringRep: row.ignoresRep)
        guard let entry = row.cols[col], !entry.isBad else {
            // A prefix selecting nothing: invalid, the prefix consumed, others printed.
            setBad()
            return
        }
        if consumeModrm { try modrm() }
        try emit(entry)
    }
}
