// The public face of the disassembler: one instruction in, objdump's text out.
//
// The decoder itself lives in the other files of this folder:
//   DisassemblerDecoder.swift     per-instruction state: prefixes, ModRM, the final text
//   DisassemblerOperands.swift    operand kinds, registers, memory operands, immediates
//   DisassemblerTables.swift      the table language (entries and prefix rows)
//   DisassemblerOneByte.swift     the one-byte opcode map and its groups
//   DisassemblerTwoByte.swift     the 0x0F map: system and integer instructions
//   DisassemblerSIMD.swift        MMX/SSE opcodes of the 0x0F map
//   DisassemblerThreeByte.swift   the 0x0F38 and 0x0F3A maps
//   DisassemblerX87.swift         the D8-DF escape
// The target is byte-for-byte agreement with GNU objdump 2.40 (`objdump -d -M i386`, AT&T
// syntax); every quirk copied from it is marked "objdump:" where it is implemented.

/// One decoded instruction, as objdump prints it.
public struct DisassembledInstruction: Sendable, Equatable {
    /// Address of the first byte.
    public let address: UInt32
    /// The instruction's bytes (its length is `bytes.count`).
    public let bytes: [UInt8]
    /// The text objdump prints after the bytes, e.g. `"mov    %esp,%ebp"`, `"call   *%gs:0x10"`,
    /// `"int    $0x80"`, `"sysenter"`, `"(bad)"`.
    public let text: String
    /// The number of bytes the instruction occupies.
    public var length: Int { bytes.count }

    public init(address: UInt32, bytes: [UInt8], text: String) {
        self.address = address
        self.bytes = bytes
        self.text = text
    }
}

/// An AT&T-syntax i386 disassembler whose output matches GNU objdump 2.40 byte for byte.
///
/// It covers the i686 integer instruction set (one-byte and 0x0F maps, 16-bit operand and
/// address sizes, all prefixes), the x87 escape, MMX, SSE through SSE4.2 and the few other
/// extensions glibc's static i386 binaries use (CET, TSX, `xgetbv`, ...). Branch targets
/// print as absolute addresses, as objdump prints them for a section without symbols.
///
///     let i = Disassembler.decode([0x89, 0xe5], at: 0x8049000)
///     i.text   // "mov    %esp,%ebp"
public enum Disassembler {
    /// objdump never decodes an instruction longer than this...
    static let maxLength = 15
    /// ...nor reads more than this many bytes for one.
    static let fetchLimit = 20

    /// Decodes one instruction from `bytes` (which may be longer than the instruction) at
    /// `address`. Bytes that end mid-instruction decode as objdump shows a section's last,
    /// truncated instruction: its first byte alone, as `.byte 0x..` (or a prefix's name).
    /// An empty collection gives an empty instruction with the text `"(bad)"`.
    public static func decode(_ bytes: some Collection<UInt8>, at address: UInt32) -> DisassembledInstruction {
        let window = Array(bytes.prefix(fetchLimit))
        guard let first = window.first else {
            return DisassembledInstruction(address: address, bytes: [], text: "(bad)")
        }
        var decoder = DisDecoder(code: window, address: address)
        do {
            let text = try decoder.decodeInstruction()
            return DisassembledInstruction(address: address, bytes: Array(window[..<decoder.length]), text: text)
        } catch {
            // objdump: an instruction cut off by the end of the section prints as its first
            // byte alone: a prefix by its name, anything else as data.
            let prefixes: [UInt8] = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x9b]
            let text = prefixes.contains(first) ? decoder.prefixName(first) : ".byte 0x" + disHex(first)
            return DisassembledInstruction(address: address, bytes: [first], text: text)
        }
    }

    /// Decodes a whole buffer the way objdump walks a section: instruction after
    /// instruction, each starting where the previous one ended. (objdump's default
    /// abbreviation of long zero runs as `...` is not reproduced; compare with `objdump -z`.)
    public static func disassemble(_ bytes: [UInt8], at address: UInt32) -> [DisassembledInstruction] {
        var out: [DisassembledInstruction] = []
        var offset = 0
        while offset < bytes.count {
            let i = decode(bytes[offset...], at: address &+ UInt32(truncatingIfNeeded: offset))
            out.append(i)
            offset += max(i.length, 1)
        }
        return out
    }

    /// objdump's line(s) for one instruction:
    /// `" 8049000:\t89 e5                \tmov    %esp,%ebp"`.
    ///
    /// The address column is eight hex digits with leading zeros blanked, as objdump prints
    /// it for a section ending at or above 0x1000000 (any ordinary ELF executable). Bytes go
    /// seven to a line; the rest continue on lines of their own that carry only the address
    /// and the bytes (each byte, as in objdump, followed by a space).
    public static func objdumpLines(_ i: DisassembledInstruction) -> [String] {
        let perLine = 7
        var lines: [String] = []
        var start = 0
        repeat {
            let chunk = i.bytes[start..<min(start + perLine, i.bytes.count)]
            var line = objdumpAddress(i.address &+ UInt32(start)) + ":\t"
            for b in chunk { line += disHex2(b) + " " }
            if start == 0 {
                line += String(repeating: " ", count: (perLine - chunk.count) * 3)
                line += "\t" + i.text
            }
            lines.append(line)
            start += perLine
        } while start < i.bytes.count
        return lines
    }

    /// An address as objdump prints it: eight hex digits, leading zeros as spaces.
    static func objdumpAddress(_ a: UInt32) -> String {
        var s = Array(disHex(a))
        while s.count < 8 { s.insert(" ", at: 0) }
        return String(s)
    }
}

/// Lower-case hex without leading zeros.
@inline(__always) func disHex<T: BinaryInteger>(_ v: T) -> String { String(v, radix: 16) }

/// Two lower-case hex digits.
func disHex2(_ b: UInt8) -> String {
    let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}
