/// Small helpers for writing ELF32 little-endian images by hand: a byte buffer with the
/// encodings ELF and DWARF call frame information need, the header and table records,
/// and the System V symbol hash. Used to build the vsyscall page (`VDSOImage`).
enum ELFWriter {
    // e_ident, e_type, e_machine
    static let classELF32: UInt8 = 1
    static let dataLSB: UInt8 = 1
    static let versionCurrent: UInt8 = 1
    static let typeDyn: UInt16 = 3
    static let machine386: UInt16 = 3

    static let headerSize = 52
    static let programHeaderSize = 32
    static let sectionHeaderSize = 40
    static let symbolSize = 16
    static let dynamicSize = 8

    // p_type, p_flags
    static let ptLoad: UInt32 = 1
    static let ptDynamic: UInt32 = 2
    static let ptNote: UInt32 = 4
    static let ptGNUEHFrame: UInt32 = 0x6474_e550
    static let pfX: UInt32 = 1
    static let pfW: UInt32 = 2
    static let pfR: UInt32 = 4

    // sh_type, sh_flags
    static let shtProgbits: UInt32 = 1
    static let shtStrtab: UInt32 = 3
    static let shtHash: UInt32 = 5
    static let shtDynamic: UInt32 = 6
    static let shtNote: UInt32 = 7
    static let shtDynsym: UInt32 = 11
    static let shtGNUVerdef: UInt32 = 0x6fff_fffd
    static let shtGNUVersym: UInt32 = 0x6fff_ffff
    static let shfWrite: UInt32 = 1
    static let shfAlloc: UInt32 = 2
    static let shfExecinstr: UInt32 = 4

    // Symbols
    static let shnAbs: UInt16 = 0xfff1
    static let stbGlobal: UInt8 = 1
    static let sttObject: UInt8 = 1
    static let sttFunc: UInt8 = 2
    static func symbolInfo(bind: UInt8, type: UInt8) -> UInt8 { bind << 4 | type }

    // Dynamic tags
    static let dtNull: UInt32 = 0
    static let dtHash: UInt32 = 4
    static let dtStrtab: UInt32 = 5
    static let dtSymtab: UInt32 = 6
    static let dtStrsz: UInt32 = 10
    static let dtSyment: UInt32 = 11
    static let dtSoname: UInt32 = 14
    static let dtVersym: UInt32 = 0x6fff_fff0
    static let dtVerdef: UInt32 = 0x6fff_fffc
    static let dtVerdefnum: UInt32 = 0x6fff_fffd

    // Symbol versioning
    static let verDefCurrent: UInt16 = 1
    static let verFlagBase: UInt16 = 1
    static let verdefSize = 20
    static let verdauxSize = 8

    /// The System V ABI symbol hash (`elf_hash`), used by `.hash` and `vd_hash`.
    static func hash(_ name: String) -> UInt32 {
        var h: UInt32 = 0
        for c in name.utf8 {
            h = (h << 4) &+ UInt32(c)
            let g = h & 0xf000_0000
            if g != 0 { h ^= g >> 24 }
            h &= ~g
        }
        return h
    }

    /// A growing little-endian byte buffer.
    struct Bytes {
        private(set) var data: [UInt8] = []
        var count: Int { data.count }

        init() {}
        init(_ bytes: [UInt8]) { data = bytes }

        mutating func u8(_ v: UInt8) { data.append(v) }
        mutating func u16(_ v: UInt16) { data.append(UInt8(v & 0xff)); data.append(UInt8(v >> 8)) }
        mutating func u32(_ v: UInt32) {
            for shift in stride(from: 0, to: 32, by: 8) { data.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
        }
        mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
        mutating func append(_ bytes: [UInt8]) { data += bytes }
        /// A NUL-terminated string.
        mutating func cString(_ s: String) { data += Array(s.utf8); data.append(0) }

        /// DWARF unsigned LEB128.
        mutating func uleb128(_ value: UInt32) {
            var v = value
            repeat {
                var byte = UInt8(v & 0x7f)
                v >>= 7
                if v != 0 { byte |= 0x80 }
                data.append(byte)
            } while v != 0
        }

        /// DWARF signed LEB128.
        mutating func sleb128(_ value: Int32) {
            var v = value
            while true {
                let byte = UInt8(v & 0x7f)
                v >>= 7
                let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0)
                data.append(done ? byte : byte | 0x80)
                if done { return }
            }
        }

        /// Pads with `fill` up to a multiple of `alignment`.
        mutating func align(_ alignment: Int, fill: UInt8 = 0) {
            while data.count % alignment != 0 { data.append(fill) }
        }

        /// Pads with `fill` up to exactly `size` bytes (which must not be behind us).
        mutating func pad(to size: Int, fill: UInt8 = 0) {
            precondition(data.count <= size, "ELFWriter: content overruns offset \(size)")
            data.append(contentsOf: repeatElement(fill, count: size - data.count))
        }

        /// Overwrites bytes already written.
        mutating func put(_ bytes: [UInt8], at offset: Int) {
            data.replaceSubrange(offset..<offset + bytes.count, with: bytes)
        }

        mutating func put32(_ v: UInt32, at offset: Int) {
            put((0..<4).map { UInt8(truncatingIfNeeded: v >> UInt32($0 * 8)) }, at: offset)
        }
    }

    /// A string table (`.dynstr`, `.shstrtab`): offset 0 is the empty string.
    struct StringTable {
        private(set) var bytes: [UInt8] = [0]
        /// Each string's offset; a handful of names, searched in order (SymbolList says
        /// why not a dictionary).
        private var offsets: [(String, UInt32)] = [("", 0)]

        /// Adds `s` (once) and returns its offset.
        @discardableResult
        mutating func add(_ s: String) -> UInt32 {
            if let o = offset(s) { return o }
            let o = UInt32(bytes.count)
            bytes += Array(s.utf8)
            bytes.append(0)
            offsets.append((s, o))
            return o
        }

        private func offset(_ s: String) -> UInt32? { offsets.first { $0.0 == s }?.1 }

        subscript(_ s: String) -> UInt32 { offset(s)! }
    }

    struct ProgramHeader {
        var type: UInt32
        var offset: UInt32
        var vaddr: UInt32
        var filesz: UInt32
        var memsz: UInt32
        var flags: UInt32
        var align: UInt32

        func write(to b: inout Bytes) {
            b.u32(type); b.u32(offset); b.u32(vaddr); b.u32(vaddr)   // p_paddr = p_vaddr
            b.u32(filesz); b.u32(memsz); b.u32(flags); b.u32(align)
        }
    }

    struct SectionHeader {
        var name: UInt32 = 0
        var type: UInt32 = 0
        var flags: UInt32 = 0
        var addr: UInt32 = 0
        var offset: UInt32 = 0
        var size: UInt32 = 0
        var link: UInt32 = 0
        var info: UInt32 = 0
        var addralign: UInt32 = 0
        var entsize: UInt32 = 0

        func write(to b: inout Bytes) {
            b.u32(name); b.u32(type); b.u32(flags); b.u32(addr); b.u32(offset)
            b.u32(size); b.u32(link); b.u32(info); b.u32(addralign); b.u32(entsize)
        }
    }

    struct Symbol {
        var name: UInt32
        var value: UInt32
        var size: UInt32
        var info: UInt8
        var other: UInt8 = 0
        var shndx: UInt16

        static let null = Symbol(name: 0, value: 0, size: 0, info: 0, shndx: 0)

        func write(to b: inout Bytes) {
            b.u32(name); b.u32(value); b.u32(size); b.u8(info); b.u8(other); b.u16(shndx)
        }
    }

    /// The ELF file header.
    struct Header {
        var type: UInt16
        var machine: UInt16
        var entry: UInt32
        var phoff: UInt32
        var shoff: UInt32
        var phnum: UInt16
        var shnum: UInt16
        var shstrndx: UInt16

        func write(to b: inout Bytes) {
            b.append([0x7f, 0x45, 0x4c, 0x46, ELFWriter.classELF32, ELFWriter.dataLSB, ELFWriter.versionCurrent,
                      0 /* ELFOSABI_NONE */, 0 /* ABI version */])
            b.pad(to: b.count + 7)                    // e_ident padding to 16
            b.u16(type); b.u16(machine); b.u32(UInt32(ELFWriter.versionCurrent))
            b.u32(entry); b.u32(phoff); b.u32(shoff)
            b.u32(0)                                  // e_flags
            b.u16(UInt16(ELFWriter.headerSize))
            b.u16(UInt16(ELFWriter.programHeaderSize)); b.u16(phnum)
            b.u16(UInt16(ELFWriter.sectionHeaderSize)); b.u16(shnum)
            b.u16(shstrndx)
        }
    }

    /// A `.hash` section for `names` (index 0, the null symbol, included as ""), with
    /// `buckets` chains: each symbol is pushed on the front of its bucket's chain in table
    /// order, as GNU ld does.
    static func sysvHash(names: [String], buckets: Int) -> [UInt8] {
        var bucket = [UInt32](repeating: 0, count: buckets)
        var chain = [UInt32](repeating: 0, count: names.count)
        for (i, name) in names.enumerated() where i > 0 {
            let h = Int(hash(name) % UInt32(buckets))
            chain[i] = bucket[h]
            bucket[h] = UInt32(i)
        }
        var b = Bytes()
        b.u32(UInt32(buckets)); b.u32(UInt32(names.count))
        bucket.forEach { b.u32($0) }
        chain.forEach { b.u32($0) }
        return b.data
    }

    /// The bucket count GNU ld picks for `symbols` hashed names (its `elf_buckets` table).
    static func ldBucketCount(symbols: Int) -> Int {
        let sizes = [1, 3, 17, 37, 67, 97, 131, 197, 263, 521, 1031, 2053, 4099, 8209, 16411, 32771]
        var best = sizes[0]
        for (i, s) in sizes.enumerated() {
            best = s
            if i + 1 == sizes.count || symbols < sizes[i + 1] { break }
        }
        return best
    }
}
