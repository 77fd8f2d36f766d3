import Foundation
import Testing
@testable import Linux

/// The vsyscall page: 2.6's code at 2.6's addresses, and an ELF object the host binutils
/// read without a complaint.
struct VDSOImageTests {
    static let kinds: [VDSOImage.Kind] = [.int80, .sysenter]

    static func u16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
    static func i32(_ b: [UInt8], _ o: Int) -> Int32 { Int32(bitPattern: u32(b, o)) }

    /// The bytes at absolute address `address`.
    static func code(_ image: VDSOImage, at address: UInt32, count: Int) -> [UInt8] {
        let o = Int(address - VDSOImage.base)
        return Array(image.bytes[o..<o + count])
    }

    // MARK: The page and its code

    @Test(arguments: kinds)
    func isOnePage(kind: VDSOImage.Kind) {
        let image = VDSOImage(kind: kind)
        #expect(image.kind == kind)
        #expect(image.bytes.count == 4096)
        #expect(VDSOImage.base == 0xffffe000)
    }

    @Test(arguments: kinds)
    func symbolAddresses(kind: VDSOImage.Kind) {
        let image = VDSOImage(kind: kind)
        #expect(image.vsyscall == 0xffffe400)
        #expect(image.sigreturn == 0xffffe420)
        #expect(image.rtSigreturn == 0xffffe440)
        #expect(image.symbols["__kernel_vsyscall"] == image.vsyscall)
        #expect(image.symbols["__kernel_sigreturn"] == image.sigreturn)
        #expect(image.symbols["__kernel_rt_sigreturn"] == image.rtSigreturn)
        switch kind {
        case .int80:
            #expect(image.sysenterReturn == nil)
            #expect(image.symbols.count == 3)
        case .sysenter:
            #expect(image.sysenterReturn == 0xffffe410)
            #expect(image.symbols["SYSENTER_RETURN"] == 0xffffe410)
            #expect(image.symbols.count == 4)
        }
    }

    @Test func int80Code() {
        let image = VDSOImage(kind: .int80)
        #expect(Self.code(image, at: image.vsyscall, count: 3) == [0xcd, 0x80, 0xc3])
        // .org __kernel_vsyscall+32,0x90
        #expect(Self.code(image, at: image.vsyscall + 3, count: 29) == [UInt8](repeating: 0x90, count: 29))
    }

    @Test func sysenterCode() {
        let image = VDSOImage(kind: .sysenter)
        let expected: [UInt8] = [0x51, 0x52, 0x55, 0x89, 0xe5, 0x0f, 0x34]
            + [UInt8](repeating: 0x90, count: 7)
            + [0xeb, 0xf3, 0x5d, 0x5a, 0x59, 0xc3]
        #expect(Self.code(image, at: image.vsyscall, count: 20) == expected)
        // SYSENTER_RETURN is the pop %ebp right after the restart jmp, whose target is
        // the mov %esp,%ebp (SYSENTER_RETURN - 13).
        let ret = image.sysenterReturn!
        #expect(Self.code(image, at: ret - 2, count: 3) == [0xeb, 0xf3, 0x5d])
        #expect(Self.code(image, at: ret - 13, count: 2) == [0x89, 0xe5])
        #expect(Self.code(image, at: image.vsyscall + 20, count: 12) == [UInt8](repeating: 0x90, count: 12))
    }

    @Test(arguments: kinds)
    func sigreturnCode(kind: VDSOImage.Kind) {
        let image = VDSOImage(kind: kind)
        #expect(image.sigreturn == image.vsyscall + 32)
        #expect(image.rtSigreturn == image.vsyscall + 64)
        #expect(Self.code(image, at: image.sigreturn, count: 8) == [0x58, 0xb8, 0x77, 0x00, 0x00, 0x00, 0xcd, 0x80])
        #expect(Self.code(image, at: image.rtSigreturn, count: 7) == [0xb8, 0xad, 0x00, 0x00, 0x00, 0xcd, 0x80])
        // The byte before each sigreturn entry (where its FDE starts) is a nop.
        #expect(Self.code(image, at: image.sigreturn - 1, count: 1) == [0x90])
        #expect(Self.code(image, at: image.rtSigreturn - 1, count: 1) == [0x90])
        #expect(Self.code(image, at: image.rtSigreturn + 7, count: 25) == [UInt8](repeating: 0x90, count: 25))
    }

    // MARK: The ELF structure, read back by hand

    struct Section { var name: String; var type: UInt32; var addr: UInt32; var offset: Int; var size: Int
        var link: Int; var info: UInt32; var entsize: Int }

    static func sections(_ b: [UInt8]) -> [String: Section] {
        let shoff = Int(u32(b, 32)), shnum = Int(u16(b, 48)), shstrndx = Int(u16(b, 50))
        func raw(_ i: Int) -> (UInt32, Section) {
            let o = shoff + i * 40
            return (u32(b, o), Section(name: "", type: u32(b, o + 4), addr: u32(b, o + 12), offset: Int(u32(b, o + 16)),
                                       size: Int(u32(b, o + 20)), link: Int(u32(b, o + 24)), info: u32(b, o + 28),
                                       entsize: Int(u32(b, o + 36))))
        }
        let strtab = raw(shstrndx).1
        var result: [String: Section] = [:]
        for i in 1..<shnum {
            var (nameOff, s) = raw(i)
            s.name = cString(b, strtab.offset + Int(nameOff))
            result[s.name] = s
        }
        return result
    }

    static func cString(_ b: [UInt8], _ o: Int) -> String {
        String(decoding: b[o...].prefix { $0 != 0 }, as: UTF8.self)
    }

    @Test(arguments: kinds)
    func elfHeaderAndSegments(kind: VDSOImage.Kind) {
        let b = VDSOImage(kind: kind).bytes
        #expect(Array(b[0..<7]) == [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1])     // ELF32, LSB, version 1
        #expect(Self.u16(b, 16) == 3)                                       // ET_DYN
        #expect(Self.u16(b, 18) == 3)                                       // EM_386
        #expect(Self.u32(b, 24) == 0xffffe400)                              // e_entry = __kernel_vsyscall
        let phoff = Int(Self.u32(b, 28)), phnum = Int(Self.u16(b, 44))
        let types = (0..<phnum).map { Self.u32(b, phoff + $0 * 32) }
        #expect(types == [1, 2, 4, 0x6474_e550])                            // LOAD DYNAMIC NOTE GNU_EH_FRAME
        // PT_LOAD: from the start of the page, read + execute, page aligned.
        #expect(Self.u32(b, phoff + 4) == 0)
        #expect(Self.u32(b, phoff + 8) == 0xffffe000)
        #expect(Self.u32(b, phoff + 24) == 5)
        #expect(Self.u32(b, phoff + 28) == 4096)
        // Everything, section headers included, is inside the page.
        let shoff = Int(Self.u32(b, 32)), shnum = Int(Self.u16(b, 48))
        #expect(shoff + shnum * 40 <= 4096)
        // The note: "Linux", LINUX_VERSION_CODE.
        let s = Self.sections(b)
        let note = s[".note"]!
        #expect(Self.u32(b, note.offset) == 6 && Self.u32(b, note.offset + 4) == 4)
        #expect(Self.cString(b, note.offset + 12) == "Linux")
        #expect(Self.u32(b, note.offset + 20) == VDSOImage.linuxVersionCode)
        // Every allocated section sits at its address.
        for (_, sec) in s where sec.addr != 0 {
            #expect(sec.addr == VDSOImage.base + UInt32(sec.offset))
        }
    }

    /// Looking each exported name up through .hash the way ld.so does finds it, with
    /// version LINUX_2.5.
    @Test(arguments: kinds)
    func dynamicSymbolsResolveThroughHash(kind: VDSOImage.Kind) {
        let image = VDSOImage(kind: kind)
        let b = image.bytes
        let s = Self.sections(b)
        let hash = s[".hash"]!, dynsym = s[".dynsym"]!, dynstr = s[".dynstr"]!, versym = s[".gnu.version"]!
        let verdef = s[".gnu.version_d"]!
        let nbucket = Self.u32(b, hash.offset), nchain = Int(Self.u32(b, hash.offset + 4))
        #expect(nchain == dynsym.size / 16)
        // Version definitions: index 1 the base (linux-gate.so.1), index 2 LINUX_2.5.
        var versions: [UInt16: String] = [:]
        var o = verdef.offset
        while true {
            let flags = Self.u16(b, o + 2), ndx = Self.u16(b, o + 4)
            let name = Self.cString(b, dynstr.offset + Int(Self.u32(b, o + Int(Self.u32(b, o + 12)))))
            #expect(Self.u32(b, o + 8) == ELFWriter.hash(name))
            #expect((flags == 1) == (ndx == 1))
            versions[ndx] = name
            let next = Int(Self.u32(b, o + 16))
            if next == 0 { break }
            o += next
        }
        #expect(versions == [1: "linux-gate.so.1", 2: "LINUX_2.5"])

        func lookup(_ name: String) -> (value: UInt32, size: UInt32, info: UInt8, version: String?)? {
            var i = Int(Self.u32(b, hash.offset + 8 + Int(ELFWriter.hash(name) % nbucket) * 4))
            while i != 0 {
                let sym = dynsym.offset + i * 16
                if Self.cString(b, dynstr.offset + Int(Self.u32(b, sym))) == name {
                    return (Self.u32(b, sym + 4), Self.u32(b, sym + 8), b[sym + 12],
                            versions[Self.u16(b, versym.offset + i * 2)])
                }
                i = Int(Self.u32(b, hash.offset + 8 + Int(nbucket) * 4 + i * 4))
            }
            return nil
        }
        let sizes = ["__kernel_vsyscall": kind == .sysenter ? 20 : 3, "__kernel_sigreturn": 8,
                     "__kernel_rt_sigreturn": 7]
        for (name, size) in sizes {
            let sym = lookup(name)
            #expect(sym?.value == image.symbols[name])
            #expect(sym?.size == UInt32(size))
            #expect(sym?.info == 0x12)                                   // STB_GLOBAL, STT_FUNC
            #expect(sym?.version == "LINUX_2.5")
        }
        #expect(lookup("LINUX_2.5")?.info == 0x11)                      // STB_GLOBAL, STT_OBJECT
        #expect(lookup("SYSENTER_RETURN") == nil)                        // local to the DSO
    }

    /// The .eh_frame_hdr table is sorted and each entry names an FDE covering its
    /// function (the sigreturn ones from the nop before the entry point).
    @Test(arguments: kinds)
    func ehFrameHeaderIndexesTheFDEs(kind: VDSOImage.Kind) {
        let image = VDSOImage(kind: kind)
        let b = image.bytes
        let s = Self.sections(b)
        let hdr = s[".eh_frame_hdr"]!, eh = s[".eh_frame"]!
        #expect(Array(b[hdr.offset..<hdr.offset + 4]) == [1, 0x1b, 0x03, 0x3b])
        #expect(hdr.addr + 4 &+ UInt32(bitPattern: Self.i32(b, hdr.offset + 4)) == eh.addr)
        let count = Int(Self.u32(b, hdr.offset + 8))
        #expect(count == 3)
        var ranges: [(UInt32, UInt32)] = []
        for k in 0..<count {
            let loc = hdr.addr &+ UInt32(bitPattern: Self.i32(b, hdr.offset + 12 + k * 8))
            let fde = hdr.addr &+ UInt32(bitPattern: Self.i32(b, hdr.offset + 16 + k * 8))
            let fo = Int(fde - VDSOImage.base)
            #expect(fo >= eh.offset && fo < eh.offset + eh.size)
            let pcField = fde + 8
            let begin = pcField &+ UInt32(bitPattern: Self.i32(b, fo + 8))
            #expect(begin == loc)
            ranges.append((begin, Self.u32(b, fo + 12)))
        }
        #expect(ranges.map { $0.0 } == ranges.map { $0.0 }.sorted())
        let vsyscallLength: UInt32 = kind == .sysenter ? 20 : 3
        #expect(ranges.map { $0.0 } == [image.vsyscall, image.sigreturn - 1, image.rtSigreturn - 1])
        #expect(ranges.map { $0.1 } == [vsyscallLength, 9, 8])
    }

    // MARK: Host binutils

    /// The path of `tool` on PATH, or nil.
    static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `tool arguments file` on the image written to a temporary file; nil when the
    /// tool is not installed.
    static func run(_ tool: String, _ arguments: [String], on image: VDSOImage)
        throws -> (status: Int32, stdout: String, stderr: String)?
    {
        guard let path = which(tool) else { return nil }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vdso-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("linux-gate.so.1")
        try Data(image.bytes).write(to: file)
        let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Foundation.Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = arguments + [file.path]
        p.environment = ["LC_ALL": "C", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
        p.standardOutput = outHandle
        p.standardError = errHandle
        try p.run()
        p.waitUntilExit()
        try outHandle.close(); try errHandle.close()
        return (p.terminationStatus, try String(contentsOf: out, encoding: .utf8),
                try String(contentsOf: err, encoding: .utf8))
    }

    @Test(arguments: kinds)
    func readelfReadsItCleanly(kind: VDSOImage.Kind) throws {
        guard let r = try Self.run("readelf", ["-a", "-W"], on: VDSOImage(kind: kind)) else { return }
        #expect(r.status == 0)
        #expect(r.stderr == "")
        #expect(!r.stdout.contains("Warning"))
        #expect(r.stdout.contains("DYN (Shared object file)"))
        #expect(r.stdout.contains("Intel 80386"))
        #expect(r.stdout.contains("Entry point address:               0xffffe400"))
        #expect(r.stdout.contains("Library soname: [linux-gate.so.1]"))
        #expect(r.stdout.contains("__kernel_vsyscall@@LINUX_2.5"))
        #expect(r.stdout.contains("__kernel_sigreturn@@LINUX_2.5"))
        #expect(r.stdout.contains("__kernel_rt_sigreturn@@LINUX_2.5"))
        #expect(r.stdout.contains("Flags: BASE  Index: 1  Cnt: 1  Name: linux-gate.so.1"))
        #expect(r.stdout.contains("Index: 2  Cnt: 1  Name: LINUX_2.5"))
        #expect(r.stdout.contains("GNU_EH_FRAME"))
        #expect(r.stdout.contains("description data: 00 02 03 00"))   // LINUX_VERSION_CODE 3.2.0
        for name in [".hash", ".dynsym", ".dynstr", ".gnu.version", ".gnu.version_d", ".text", ".note",
                     ".eh_frame_hdr", ".eh_frame", ".dynamic", ".shstrtab"] {
            #expect(r.stdout.contains(" \(name) "))
        }
    }

    @Test(arguments: kinds)
    func objdumpDisassemblesIt(kind: VDSOImage.Kind) throws {
        guard let r = try Self.run("objdump", ["-d"], on: VDSOImage(kind: kind)) else { return }
        #expect(r.status == 0)
        #expect(r.stderr == "")
        #expect(!r.stdout.contains("Warning"))
        // The blocks of disassembly, by the symbol heading each one.
        var blocks: [String: String] = [:]
        for block in r.stdout.components(separatedBy: "\n\n") {
            guard let head = block.split(separator: "\n").first, head.hasSuffix(">:"),
                  let open = head.firstIndex(of: "<") else { continue }
            let name = head[head.index(after: open)...].dropLast(2).split(separator: "@").first.map(String.init) ?? ""
            blocks[name] = block
        }
        let vsyscall = try #require(blocks["__kernel_vsyscall"])
        #expect(vsyscall.hasPrefix("ffffe400 <__kernel_vsyscall"))
        switch kind {
        case .int80:
            #expect(vsyscall.contains("int    $0x80"))
            #expect(vsyscall.contains("ret"))
        case .sysenter:
            #expect(vsyscall.contains("sysenter"))
            #expect(vsyscall.contains("jmp    ffffe403"))
            #expect(vsyscall.contains("ffffe410:\t5d"))
        }
        #expect(blocks["__kernel_sigreturn"]?.contains("mov    $0x77,%eax") == true)
        #expect(blocks["__kernel_rt_sigreturn"]?.contains("mov    $0xad,%eax") == true)
    }

    @Test(arguments: kinds)
    func readelfReadsTheFrames(kind: VDSOImage.Kind) throws {
        guard let r = try Self.run("readelf", ["--debug-dump=frames"], on: VDSOImage(kind: kind)) else { return }
        #expect(r.status == 0)
        #expect(r.stderr == "")
        #expect(!r.stdout.contains("Warning"))
        #expect(r.stdout.contains("Augmentation:          \"zR\""))
        #expect(r.stdout.contains("Augmentation:          \"zRS\""))
        #expect(r.stdout.contains("DW_CFA_def_cfa: r4 (esp) ofs 4"))
        #expect(r.stdout.contains("pc=ffffe41f..ffffe428"))
        #expect(r.stdout.contains("pc=ffffe43f..ffffe447"))
        #expect(r.stdout.contains("DW_CFA_def_cfa_expression (DW_OP_breg4 (esp): 32; DW_OP_deref)"))
        #expect(r.stdout.contains("DW_CFA_expression: r8 (eip) (DW_OP_breg4 (esp): 216)"))
        switch kind {
        case .int80:
            #expect(r.stdout.contains("pc=ffffe400..ffffe403"))
        case .sysenter:
            #expect(r.stdout.contains("pc=ffffe400..ffffe414"))
            #expect(r.stdout.contains("DW_CFA_def_cfa_offset: 16"))
            #expect(r.stdout.contains("DW_CFA_offset: r5 (ebp) at cfa-16"))
            #expect(r.stdout.contains("DW_CFA_advance_loc4: 14 to ffffe411"))
            #expect(r.stdout.contains("DW_CFA_restore: r5 (ebp)"))
            #expect(r.stdout.contains("DW_CFA_advance_loc: 1 to ffffe413"))
        }
    }
}
