// Operand kinds of the opcode tables and how each one reads its bytes and prints.

/// The size of a register or immediate operand. `v` follows the operand-size prefix.
enum DisSize: Sendable, Equatable {
    case b, w, d, v
}

/// A register file an operand names registers from.
enum DisRegFile: Sendable, Equatable {
    case general(DisSize), mmx, xmm, control, debug, test, segment
    /// An MMX register that objdump names as XMM when a 66 prefix is present.
    case mmxOrXMM
    /// MPX bound registers %bnd0-%bnd3.
    case bound
    /// A general register the size of an address (movdir64b's destination pointer).
    case addressSized
}

/// A ModRM r/m operand: a register of `file` (mod = 3) or memory.
struct DisRM: Sendable, Equatable {
    var file: DisRegFile
    /// Which of the two forms the instruction accepts.
    var memory = true, register = true
    /// Printed with a leading "*" (indirect branches).
    var indirect = false
    /// objdump: the wrong form is "(bad)" in the operand's place, and decoding goes on after
    /// the first opcode byte (its BadOp), rather than a plain "(bad)" instruction.
    var badOp = false
}

/// One operand slot of an opcode-table entry, in the Intel manual's notation.
enum DisOperand: Sendable, Equatable {
    /// ModRM r/m, register or memory.
    case rm(DisRM)
    /// ModRM r/m as a register whatever the mod bits say (mov to/from control registers).
    case rmRegister(DisRegFile)
    /// ModRM reg field as a register of `file`.
    case reg(DisRegFile)
    /// An immediate of the given size, printed unsigned.
    case imm(DisSize)
    /// An 8-bit immediate sign-extended to the operand size.
    case simm8
    /// A branch target: rel8 or rel16/32.
    case rel(DisSize)
    /// A register named by the low three bits of the opcode byte.
    case opcodeReg(DisSize)
    /// A fixed register, by name without the "%" (v-sized names: "eAX").
    case fixed(String)
    /// A fixed segment register (0 = es ... 5 = gs).
    case segment(Int)
    /// A moffs: an absolute address the size of the address size.
    case moffs
    /// `%ds:(%esi)` of the string instructions (and xlat's `%ds:(%ebx)`).
    case stringSource(String)
    /// `%es:(%edi)` of the string instructions.
    case stringDest
    /// `(%dx)`, the port of ins/outs.
    case portDX
    /// A direct far pointer: `$seg,$offset`.
    case farPointer
    /// The x87 stack top `%st` and `%st(i)` from the ModRM r/m field.
    case st, sti

    /// Parses the table notation: Eb Ew Ed Ev Gb Gw Gd Gv M Ib Iw Iv Is Jb Jv Zb Zv AL eAX
    /// ES Sw Ob Xb Yb (DX) Ap Cd Dd Td Rd Rv ST STi P Q N V W U; a leading "*" makes an r/m
    /// operand indirect, a trailing "!" gives it objdump's BadOp behaviour.
    init(_ token: Substring) {
        var t = token
        let indirect = t.hasPrefix("*")
        if indirect { t = t.dropFirst() }
        let badOp = t.hasSuffix("!")
        if badOp { t = t.dropLast() }
        func size(_ c: Character?) -> DisSize {
            switch c {
            case "b": return .b
            case "w": return .w
            case "d": return .d
            default: return .v
            }
        }
        func rm(_ file: DisRegFile, memory: Bool = true, register: Bool = true) -> DisOperand {
            .rm(DisRM(file: file, memory: memory, register: register, indirect: indirect, badOp: badOp))
        }
        switch t {
        case "M": self = rm(.general(.v), register: false)
        case "Rd": self = .rmRegister(.general(.d))
        case "Rv": self = rm(.general(.v), memory: false)
        case "R32": self = rm(.general(.d), memory: false)
        case "Ib", "Iw", "Iv", "Id": self = .imm(size(t.last))
        case "Is": self = .simm8
        case "Jb", "Jv": self = .rel(size(t.last))
        case "Zb", "Zv", "Zd": self = .opcodeReg(size(t.last))
        case "ES": self = .segment(0)
        case "CS": self = .segment(1)
        case "SS": self = .segment(2)
        case "DS": self = .segment(3)
        case "FS": self = .segment(4)
        case "GS": self = .segment(5)
        case "Sw": self = .reg(.segment)
        case "Ga": self = .reg(.addressSized)
        case "Ob", "Ov": self = .moffs
        case "Xb", "Xv": self = .stringSource("%esi")
        case "XB": self = .stringSource("%ebx")
        case "Yb", "Yv": self = .stringDest
        case "(DX)": self = .portDX
        case "Ap": self = .farPointer
        case "Cd": self = .reg(.control)
        case "Dd": self = .reg(.debug)
        case "Td": self = .reg(.test)
        case "ST": self = .st
        case "STi": self = .sti
        case "P": self = .reg(.mmx)
        case "Px": self = .reg(.mmxOrXMM)
        case "Nx": self = rm(.mmxOrXMM, memory: false)
        case "Qx": self = rm(.mmxOrXMM)
        case "Q": self = rm(.mmx)
        case "N": self = rm(.mmx, memory: false)
        case "B": self = .reg(.bound)
        case "Bm": self = rm(.bound)
        case "V": self = .reg(.xmm)
        case "W": self = rm(.xmm)
        case "U": self = rm(.xmm, memory: false)
        default:
            if t.first == "E" {
                self = rm(.general(size(t.last)))
            } else if t.first == "G" {
                self = .reg(.general(size(t.last)))
            } else {
                self = .fixed(String(t))
            }
        }
    }

    /// Whether the operand's size follows the operand-size prefix (r/m operands: when they
    /// name a register).
    func followsOperandSize(registerForm: Bool) -> Bool {
        switch self {
        case .rm(let o): return o.file == .general(.v) && o.register && registerForm
        case .reg(let f), .rmRegister(let f): return f == .general(.v)
        case .imm(let s), .rel(let s), .opcodeReg(let s): return s == .v
        case .simm8, .farPointer: return true
        case .fixed(let name): return name.hasPrefix("e") && name.count == 3
        default: return false
        }
    }
}

/// An operand that cannot be encoded that way (objdump's "BadOp").
struct DisBadOperand: Error {}

extension DisDecoder {
    /// The register `n` of `file` as objdump prints it.
    mutating func registerName(_ file: DisRegFile, _ n: Int) -> String {
        switch file {
        case .general(let s):
            switch s {
            case .b: return DisRegs.r8[n]
            case .w: return DisRegs.r16[n]
            case .d: return DisRegs.r32[n]
            case .v: return vSize() == 16 ? DisRegs.r16[n] : DisRegs.r32[n]
            }
        case .mmx: return DisRegs.mm[n]
        case .mmxOrXMM:
            if data16 {
                usedData = true
                return DisRegs.xmm[n]
            }
            return DisRegs.mm[n]
        case .xmm: return DisRegs.xmm[n]
        case .control:
            // objdump: a LOCK prefix reaches control registers 8-15 (AMD's alternative
            // encoding of mov %cr8).
            if let lock = prefixBytes.lastIndex(of: 0xf0) {
                dropped.insert(lock)
                return "%cr\(n + 8)"
            }
            return "%cr\(n)"
        case .debug: return "%db\(n)"
        case .test: return "%tr\(n)"
        case .segment: return DisRegs.seg[n]
        case .bound: return n < 4 ? "%bnd\(n)" : "(bad)"
        case .addressSized:
            if addr16 { usedAddr = true }
            return addr16 ? DisRegs.r16[n] : DisRegs.r32[n]
        }
    }

    /// The text of one operand, reading its bytes.
    mutating func operandText(_ op: DisOperand) throws -> String {
        switch op {
        case .rm(let o):
            let m = try modrm()
            let star = o.indirect ? "*" : ""
            if m >> 6 == 3 {
                guard o.register else { throw DisBadOperand() }
                return star + registerName(o.file, rm)
            }
            guard o.memory else { throw DisBadOperand() }
            return star + (try memoryOperand())
        case .rmRegister(let file):
            try modrm()
            return registerName(file, rm)
        case .reg(let file):
            try modrm()
            return registerName(file, reg)
        case .imm(let s):
            switch s {
            case .b: return "$0x" + disHex(try imm8())
            case .w: return "$0x" + disHex(try imm16())
            case .d: return "$0x" + disHex(try imm32())
            case .v: return "$0x" + disHex(vSize() == 16 ? try imm16() : try imm32())
            }
        case .simm8:
            let v = UInt32(bitPattern: Int32(Int8(bitPattern: try next())))
            return "$0x" + disHex(vSize() == 16 ? v & 0xffff : v)
        case .rel(let s):
            let disp: UInt32
            var mask: UInt32 = 0xffff_ffff
            switch s {
            case .b:
                disp = UInt32(bitPattern: Int32(Int8(bitPattern: try next())))
            default:
                if vSize() == 16 {
                    disp = UInt32(bitPattern: Int32(Int16(bitPattern: UInt16(try imm16()))))
                    mask = 0xffff
                } else {
                    disp = try imm32()
                }
            }
            return "0x" + disHex((address &+ UInt32(pos) &+ disp) & mask)
        case .opcodeReg(let s):
            return registerName(.general(s), Int(code[pos - 1]) & 7)
        case .fixed(let name):
            if name.hasPrefix("%") { return name }
            if name == "aAX" {
                // A register holding an address: its size follows the address size.
                if addr16 { usedAddr = true }
                return addr16 ? "%ax" : "%eax"
            }
            if name.hasPrefix("e") && name.count == 3 {
                // eAX-style names follow the operand size.
                let low = String(name.dropFirst()).lowercased()
                return vSize() == 16 ? "%" + low : "%e" + low
            }
            return "%" + name.lowercased()
        case .segment(let n):
            return DisRegs.seg[n]
        case .moffs:
            let seg = segmentText(default: "")
            // objdump: the address-size prefix sizes the offset but still prints as addr16.
            let off = addr16 ? try imm16() : try imm32()
            return seg + "0x" + disHex(off)
        case .stringSource(let base):
            let seg = segmentText(default: "%ds:")
            if addr16 { usedAddr = true }
            return seg + "(" + (addr16 ? "%" + base.dropFirst(2) : base) + ")"
        case .stringDest:
            if addr16 { usedAddr = true }
            return "%es:(" + (addr16 ? "%di" : "%edi") + ")"
        case .portDX:
            return "(%dx)"
        case .farPointer:
            let off = vSize() == 16 ? try imm16() : try imm32()
            let seg = try imm16()
            return "$0x" + disHex(seg) + ",$0x" + disHex(off)
        case .st:
            return "%st"
        case .sti:
            try modrm()
            return "%st(\(rm))"
        }
    }

    /// "%fs:" for a segment override (marking it used), else `default`.
    mutating func segmentText(default def: String) -> String {
        guard let s = segmentPrefix, !segmentSuppressed else { return def }
        usedSeg = true
        return "%" + prefixName(s) + ":"
    }

    /// A signed displacement as objdump prints it next to registers: "-0x4", "0x0".
    func signedHex(_ v: Int64) -> String {
        v < 0 ? "-0x" + disHex(-v) : "0x" + disHex(v)
    }

    /// The memory operand of the current ModRM byte (mod != 3), reading SIB and displacement.
    mutating func memoryOperand() throws -> String {
        if addr16 && rejectAddr16 {
            try modrm()
            return segmentText(default: "") + "(bad)"
        }
        let seg = segmentText(default: "")
        let m = Int(try modrm())
        let mod = m >> 6, rm = m & 7
        if addr16 {
            usedAddr = true
            var disp: Int64? = nil
            switch mod {
            case 0 where rm == 6: disp = Int64(Int16(bitPattern: UInt16(try imm16())))
            case 1: disp = Int64(Int8(bitPattern: try next()))
            case 2: disp = Int64(Int16(bitPattern: UInt16(try imm16())))
            default: break
            }
            var s = seg
            if let d = disp { s += signedHex(d) }
            if !(mod == 0 && rm == 6) { s += "(" + DisRegs.base16[rm] + ")" }
            return s
        }
        var base: Int? = rm
        var index: Int? = nil
        var scale = 0
        var sib = false
        if rm == 4 {
            let b = Int(try next())
            sib = true
            scale = b >> 6
            index = (b >> 3) & 7 == 4 ? nil : (b >> 3) & 7
            base = b & 7
            if base == 5 && mod == 0 { base = nil }
        } else if rm == 5 && mod == 0 {
            base = nil
        }
        var disp: Int64? = nil
        switch mod {
        case 0 where base == nil: disp = Int64(Int32(bitPattern: try imm32()))
        case 1: disp = Int64(Int8(bitPattern: try next()))
        case 2: disp = Int64(Int32(bitPattern: try imm32()))
        default: break
        }
        var s = seg
        if !sib && base == nil {
            // An absolute address prints unsigned.
            return s + "0x" + disHex(UInt32(truncatingIfNeeded: disp ?? 0))
        }
        if let d = disp { s += signedHex(d) }
        s += "("
        if let b = base { s += DisRegs.r32[b] }
        if let i = index {
            s += "," + DisRegs.r32[i] + ",\(1 << scale)"
        } else if sib && !(base == 4 && scale == 0) {
            // objdump: a SIB byte without an index shows it as %eiz, except plain (%esp).
            s += ",%eiz,\(1 << scale)"
        }
        return s + ")"
    }
}
