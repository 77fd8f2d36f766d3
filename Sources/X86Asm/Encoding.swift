// Prefixes, ModRM/SIB/displacement encoding and the generic instruction emitters
// every encoder is built from.

/// Prefixes requested with `rep()`, `lock()`, `seg(_:)`, ... for the next instruction.
struct Prefixes {
    var seg: Seg?
    var opsize = false
    var rep: UInt8?
    var lock = false

    var isEmpty: Bool { seg == nil && !opsize && rep == nil && !lock }
}

/// The r/m operand of a ModRM instruction: a register number or memory.
enum RM {
    case reg(UInt8)
    case mem(Mem)

    var mem: Mem? {
        if case .mem(let m) = self { return m }
        return nil
    }
}

/// ModRM (+ SIB + displacement) bytes for a memory operand, and where the
/// displacement starts when a label has to be patched into it.
struct EncodedMem {
    var bytes: [UInt8]
    var dispOffset: Int?
}

extension Assembler {
    // MARK: Prefix functions (apply to the next instruction)

    /// `rep` / `repe` (F3) on the next instruction.
    public mutating func rep() { pending.rep = 0xF3 }
    /// `repe` (F3), the same byte as `rep`.
    public mutating func repe() { pending.rep = 0xF3 }
    /// `repne` (F2) on the next instruction.
    public mutating func repne() { pending.rep = 0xF2 }
    /// `lock` (F0) on the next instruction.
    public mutating func lock() { pending.lock = true }
    /// Operand-size override (66) on the next instruction.
    public mutating func opsize() { pending.opsize = true }
    /// Segment override on the next instruction. Unlike `Mem.seg`, this is
    /// emitted even when it names the default segment (as `ds mov ...` in GNU as).
    public mutating func seg(_ s: Seg) { pending.seg = s }

    /// Emits prefixes requested but not consumed by an instruction.
    mutating func flushPrefixes() {
        if !pending.isEmpty { _ = emitPrefixes(mem: nil, word: false) }
    }

    /// Emits the pending prefixes merged with the instruction's own, in the order
    /// GNU as uses: segment, operand size, rep/repne, lock. A `Mem.seg` equal to
    /// the operand's default segment is dropped, as GNU as does.
    mutating func emitPrefixes(mem: Mem?, word: Bool) -> Bool {
        var seg = pending.seg
        if let m = mem, let s = m.seg {
            if let p = seg, p != s {
                record(.invalidOperands("two segment overrides (\(p) and \(s))"))
                pending = Prefixes()
                return false
            }
            if seg == nil && s != m.defaultSeg { seg = s }
        }
        if let s = seg { emit(s.overridePrefix) }
        if word || pending.opsize { emit(0x66) }
        if let r = pending.rep { emit(r) }
        if pending.lock { emit(0xF0) }
        pending = Prefixes()
        return true
    }

    // MARK: ModRM

    /// Encodes `m` with `reg` in the ModRM reg field, choosing the shortest
    /// displacement (none, disp8, disp32) exactly as GNU as does.
    func encode(_ m: Mem, reg: UInt8) throws -> EncodedMem {
        let r = (reg & 7) << 3
        let ss: UInt8
        switch m.scale {
        case 1: ss = 0
        case 2: ss = 1
        case 4: ss = 2
        case 8: ss = 3
        default: throw AsmError.invalidOperands("scale \(m.scale) (must be 1, 2, 4 or 8)")
        }
        if m.index == .esp { throw AsmError.invalidOperands("%esp cannot be an index register") }
        if m.index == nil && m.scale != 1 { throw AsmError.invalidOperands("scale \(m.scale) without an index") }
        let disp32 = withUnsafeBytes(of: m.disp.littleEndian) { Array($0) }

        guard let base = m.base else {
            if let index = m.index {
                // SIB with no base: mod 00, base 101, disp32.
                return EncodedMem(bytes: [r | 0b100, ss << 6 | index.rawValue << 3 | 0b101] + disp32, dispOffset: 2)
            }
            return EncodedMem(bytes: [r | 0b101] + disp32, dispOffset: 1)
        }

        // mod: 00 no displacement (not with an EBP base), 01 disp8, 10 disp32.
        let mod: UInt8
        var disp: [UInt8]
        if m.label != nil || Int8(exactly: m.disp) == nil {
            mod = 0b10; disp = disp32
        } else if m.disp == 0 && base != .ebp {
            mod = 0b00; disp = []
        } else {
            mod = 0b01; disp = [UInt8(bitPattern: Int8(m.disp))]
        }
        var out: [UInt8]
        if let index = m.index {
            out = [mod << 6 | r | 0b100, ss << 6 | index.rawValue << 3 | base.rawValue]
        } else if base == .esp {
            out = [mod << 6 | r | 0b100, 0x24]
        } else {
            out = [mod << 6 | r | base.rawValue]
        }
        let at = out.count
        out += disp
        return EncodedMem(bytes: out, dispOffset: disp.count == 4 ? at : nil)
    }

    // MARK: Generic emitters

    /// Prefixes + opcode for an instruction without ModRM.
    mutating func op(_ opcode: [UInt8], word: Bool = false) {
        _ = emitPrefixes(mem: nil, word: word)
        emit(opcode)
    }

    /// Prefixes + opcode + ModRM (+ SIB + disp) + immediate.
    mutating func op(_ opcode: [UInt8], reg: UInt8, rm: RM, word: Bool = false, imm: [UInt8] = []) {
        switch rm {
        case .reg(let n):
            _ = emitPrefixes(mem: nil, word: word)
            emit(opcode)
            emit(0xC0 | (reg & 7) << 3 | (n & 7))
        case .mem(let m):
            let e: EncodedMem
            do { e = try encode(m, reg: reg) } catch {
                record(error as? AsmError ?? .invalidOperands("\(error)"))
                pending = Prefixes()
                return
            }
            guard emitPrefixes(mem: m, word: word) else { return }
            emit(opcode)
            let start = bytes.count
            emit(e.bytes)
            if let l = m.label, let d = e.dispOffset {
                // The displacement bytes hold `disp`; the fixup writes label + disp.
                addFixup(Fixup(kind: .abs32, offset: start + d, label: l, addend: m.disp))
            }
        }
        emit(imm)
    }

    /// The `moffs` forms (A0–A3): `mov abs,%al/%ax/%eax` and back.
    mutating func moffs(_ opcode: UInt8, _ m: Mem, word: Bool) {
        guard emitPrefixes(mem: m, word: word) else { return }
        emit(opcode)
        if let l = m.label {
            emitAbs32(l, addend: m.disp)
        } else {
            emit32(UInt32(bitPattern: m.disp))
        }
    }

    /// True for a memory operand with neither base nor index (the `moffs` forms apply).
    func isAbsolute(_ m: Mem) -> Bool { m.base == nil && m.index == nil }

    // MARK: Immediates

    func imm32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    func imm16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    /// The value as a sign-extended byte, when it survives sign extension.
    func simm8(_ v: UInt32) -> UInt8? {
        Int8(exactly: Int32(bitPattern: v)).map { UInt8(bitPattern: $0) }
    }
    func simm8(_ v: UInt16) -> UInt8? {
        Int8(exactly: Int16(bitPattern: v)).map { UInt8(bitPattern: $0) }
    }
}
