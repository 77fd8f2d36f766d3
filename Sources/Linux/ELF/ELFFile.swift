/// Why an executable cannot be loaded; each case reads as a one-line message.
public enum ELFError: Error, Equatable, CustomStringConvertible {
    case notELF
    case truncated
    case wrongClass(UInt8)
    case wrongMachine(UInt16)
    case wrongType(UInt16)
    case badProgramHeaders
    case badSegment(String)

    public var description: String {
        switch self {
        case .notELF: return "not an ELF file"
        case .truncated: return "truncated ELF file"
        case .wrongClass(let c): return c == 2 ? "64-bit ELF, not an i386 program" : "unsupported ELF class \(c)"
        case .wrongMachine(let m):
            let names: [UInt16: String] = [62: "x86-64", 183: "AArch64", 40: "ARM", 8: "MIPS", 243: "RISC-V"]
            return "ELF for \(names[m] ?? "machine \(m)"), not i386"
        case .wrongType(let t): return "ELF type \(t) is not an executable or shared object"
        case .badProgramHeaders: return "corrupt ELF program headers"
        case .badSegment(let why): return "corrupt ELF segment: \(why)"
        }
    }
}

/// An ELF32 i386 executable or shared object, parsed and checked (the header fields
/// `binfmt_elf` reads, and its program headers).
public struct ELFFile {
    public struct ProgramHeader: Equatable {
        public var type: UInt32
        public var offset: UInt32
        public var vaddr: UInt32
        public var filesz: UInt32
        public var memsz: UInt32
        public var flags: UInt32
        public var align: UInt32

        public static let load: UInt32 = 1
        public static let interp: UInt32 = 3
        public static let phdr: UInt32 = 6
        public static let gnuStack: UInt32 = 0x6474_e551
    }

    public static let typeExec: UInt16 = 2
    public static let typeDyn: UInt16 = 3

    /// The file's bytes, or its first bytes when `fileSize` says there are more (the
    /// loader then maps the segments from the file): at least the header, the program
    /// headers and the PT_INTERP path.
    public let bytes: [UInt8]
    /// The size of the whole file.
    public let fileSize: Int
    /// Whether `bytes` is the whole file.
    public var isComplete: Bool { bytes.count == fileSize }
    public let type: UInt16
    public let entry: UInt32
    public let phoff: UInt32
    public let phentsize: UInt16
    public let programHeaders: [ProgramHeader]

    /// Parses `bytes`, the whole file or (with `fileSize`) its beginning. A beginning
    /// too short for the program headers or the PT_INTERP path is `.truncated`.
    public init(_ bytes: [UInt8], fileSize: Int? = nil) throws(ELFError) {
        self.bytes = bytes
        let fileSize = max(fileSize ?? bytes.count, bytes.count)
        self.fileSize = fileSize
        guard bytes.count >= 4, bytes[0] == 0x7f, bytes[1] == 0x45, bytes[2] == 0x4c, bytes[3] == 0x46 else {
            throw ELFError.notELF
        }
        guard bytes.count >= 52 else { throw ELFError.truncated }
        guard bytes[4] == 1 else { throw ELFError.wrongClass(bytes[4]) }
        guard bytes[5] == 1 else { throw ELFError.badSegment("not little-endian") }
        let machine = ELFFile.u16(bytes, 18)
        guard machine == 3 else { throw ELFError.wrongMachine(machine) }
        type = ELFFile.u16(bytes, 16)
        guard type == ELFFile.typeExec || type == ELFFile.typeDyn else { throw ELFError.wrongType(type) }
        entry = ELFFile.u32(bytes, 24)
        phoff = ELFFile.u32(bytes, 28)
        phentsize = ELFFile.u16(bytes, 42)
        let phnum = Int(ELFFile.u16(bytes, 44))
        guard phentsize == 32, phnum > 0, phnum <= 64 else { throw ELFError.badProgramHeaders }
        guard UInt64(phoff) + UInt64(phnum) * 32 <= UInt64(bytes.count) else { throw ELFError.truncated }
        var headers: [ProgramHeader] = []
        for n in 0..<phnum {
            let o = Int(phoff) + n * 32
            let h = ProgramHeader(type: ELFFile.u32(bytes, o), offset: ELFFile.u32(bytes, o + 4),
                                  vaddr: ELFFile.u32(bytes, o + 8), filesz: ELFFile.u32(bytes, o + 16),
                                  memsz: ELFFile.u32(bytes, o + 20), flags: ELFFile.u32(bytes, o + 24),
                                  align: ELFFile.u32(bytes, o + 28))
            if h.type == ProgramHeader.load {
                guard h.filesz <= h.memsz else { throw ELFError.badSegment("file size exceeds memory size") }
                guard UInt64(h.offset) + UInt64(h.filesz) <= UInt64(fileSize) else { throw ELFError.truncated }
                guard UInt64(h.vaddr) + UInt64(h.memsz) <= 0xc000_0000 else {
                    throw ELFError.badSegment("segment reaches into the kernel half")
                }
                guard h.offset & 0xfff == h.vaddr & 0xfff else {
                    throw ELFError.badSegment("offset and address disagree modulo the page size")
                }
            }
            if h.type == ProgramHeader.interp {
                guard UInt64(h.offset) + UInt64(h.filesz) <= UInt64(bytes.count) else { throw ELFError.truncated }
            }
            headers.append(h)
        }
        guard headers.contains(where: { $0.type == ProgramHeader.load }) else {
            throw ELFError.badSegment("no loadable segment")
        }
        programHeaders = headers
    }

    /// The PT_INTERP path, if the program asks for a dynamic linker.
    public var interpreter: String? {
        guard let h = programHeaders.first(where: { $0.type == ProgramHeader.interp }),
              UInt64(h.offset) + UInt64(h.filesz) <= UInt64(bytes.count), h.filesz > 0 else { return nil }
        let raw = bytes[Int(h.offset)..<Int(h.offset + h.filesz)].prefix { $0 != 0 }
        return String(decoding: raw, as: UTF8.self)
    }

    static func u16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
}
