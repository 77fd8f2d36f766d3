import X86Asm

/// The vsyscall page, linux-gate.so.1.
///
/// Linux 2.6 (arch/i386/kernel/sysenter.c) maps one page at 0xffffe000 in every process:
/// a small ELF shared object, prelinked to that address, built from vsyscall-int80.S or
/// vsyscall-sysenter.S (whichever the CPU's SEP feature selects at boot), followed by
/// vsyscall-sigreturn.S and vsyscall-note.S, laid out by vsyscall.lds. Gate builds the
/// same object here, section by section:
///
/// | address    | section          | contents                                              |
/// |------------|------------------|-------------------------------------------------------|
/// | 0xffffe000 | (headers)        | ELF header, 4 program headers (LOAD, DYNAMIC, NOTE, GNU_EH_FRAME) |
/// | 0xffffe0b4 | .hash            | SysV hash, 3 buckets                                  |
/// | 0xffffe0dc | .dynsym          | null, the three `__kernel_*` functions, `LINUX_2.5`   |
/// | 0xffffe12c | .dynstr          |                                                       |
/// | 0xffffe182 | .gnu.version     |                                                       |
/// | 0xffffe18c | .gnu.version_d   | `linux-gate.so.1` (base), `LINUX_2.5`                 |
/// | 0xffffe400 | .text            | `__kernel_vsyscall`, +32 `__kernel_sigreturn`, +64 `__kernel_rt_sigreturn` |
/// | 0xffffe460 | .note            | "Linux" note carrying LINUX_VERSION_CODE              |
/// | 0xffffe478 | .eh_frame_hdr    | binary-search table of the 3 FDEs                     |
/// | 0xffffe49c | .eh_frame        | 2 CIEs ("zR", "zRS"), 3 FDEs                          |
/// | after      | .dynamic         |                                                       |
///
/// then the non-allocated `.shstrtab` and the section header table, all inside the page;
/// the rest of the page is zero. The image is what `ld -shared -T vsyscall.lds` makes of
/// the 2.6 sources assembled by gas: gas turns the hand-written `DW_CFA_advance_loc4`
/// steps whose labels lie in one fragment into one-byte `DW_CFA_advance_loc` (ehopt.c),
/// `.org __kernel_vsyscall+32,0x90` pads with `nop`, and gas of that era filled the two
/// `.balign 32` gaps in the text (24 and 25 bytes, longer than its 15-byte multi-byte-nop
/// patterns) with single-byte `nop`s (0x90) as well. (Today's gas pads them with a short
/// `jmp` and `lea` nops instead; every other allocated byte is what binutils 2.40 makes of
/// the same sources, and its `.dynamic` keeps five spare DT_NULL slots this one omits.)
/// PT_LOAD runs from the page start to the end of `.dynamic`, as ld writes it: a segment
/// reaching the end of the page would have p_vaddr + p_memsz wrap to 0, which 32-bit
/// dynamic linkers (glibc's map-end bookkeeping) would misread.
public struct VDSOImage: Sendable {
    public enum Kind: Sendable { case int80, sysenter }

    public static let base: UInt32 = 0xffffe000
    static let pageSize = 4096

    /// LINUX_VERSION_CODE in the "Linux" note (vsyscall-note.S): 2.6.32.
    /// LINUX_VERSION_CODE in the "Linux" note: the release uname reports (3.2.0), since
    /// glibc refuses older kernels.
    static let linuxVersionCode: UInt32 = 0x03_02_00

    public let kind: Kind
    /// Exactly 4096 bytes: the page as mapped (file offset == address - base).
    public let bytes: [UInt8]
    /// Absolute addresses: "__kernel_vsyscall", "__kernel_sigreturn", "__kernel_rt_sigreturn", and for the
    /// sysenter image also "SYSENTER_RETURN" (the `pop %ebp` after the restart jmp).
    public let symbolList: SymbolList
    public var symbols: [String: UInt32] { symbolList.dictionary }

    public init(kind: Kind) {
        var builder = Builder(kind: kind)
        self.kind = kind
        self.bytes = builder.build()
        self.symbolList = builder.symbols
    }

    public var vsyscall: UInt32 { symbolList["__kernel_vsyscall"]! }
    public var sysenterReturn: UInt32? { symbolList["SYSENTER_RETURN"] }
    public var sigreturn: UInt32 { symbolList["__kernel_sigreturn"]! }
    public var rtSigreturn: UInt32 { symbolList["__kernel_rt_sigreturn"]! }
}

extension VDSOImage {
    /// Where vsyscall.lds puts `.text`: VSYSCALL_BASE + 0x400, leaving room for the
    /// dynamic symbol tables before it.
    static let textOffset = 0x400

    // Offsets of the entry points inside .text (vsyscall-sigreturn.S: `.org
    // __kernel_vsyscall+32` and `.balign 32`).
    static let sigreturnOffset = 32
    static let rtSigreturnOffset = 64
    static let textSize = 96

    static let nrSigreturn: UInt32 = 119
    static let nrRtSigreturn: UInt32 = 173

    // i386 struct sigcontext field offsets (asm-offsets SIGCONTEXT_*).
    static let sigcontextEdi: Int32 = 16
    static let sigcontextEsi: Int32 = 20
    static let sigcontextEbp: Int32 = 24
    static let sigcontextEsp: Int32 = 28
    static let sigcontextEbx: Int32 = 32
    static let sigcontextEdx: Int32 = 36
    static let sigcontextEcx: Int32 = 40
    static let sigcontextEax: Int32 = 44
    static let sigcontextEip: Int32 = 56
    /// offsetof(struct rt_sigframe, uc.uc_mcontext): pretcode, sig, pinfo, puc (16),
    /// siginfo (128), then uc_flags, uc_link, uc_stack (20).
    static let rtSigframeSigcontext: Int32 = 164
}

// MARK: - Building

extension VDSOImage {
    /// DWARF call frame instruction opcodes used by the 2.6 hand-written CFI.
    private enum CFA {
        static let advanceLoc: UInt8 = 0x40      // high 2 bits; delta in the low 6
        static let advanceLoc4: UInt8 = 0x04
        static let defCFA: UInt8 = 0x0c
        static let defCFAOffset: UInt8 = 0x0e
        static let defCFAExpression: UInt8 = 0x0f
        static let expression: UInt8 = 0x10
        static let offset: UInt8 = 0x80          // high 2 bits; register in the low 6
        static let restore: UInt8 = 0xc0         // high 2 bits; register in the low 6
        static let opBreg4: UInt8 = 0x74         // DW_OP_breg4 (esp)
        static let opDeref: UInt8 = 0x06
        static let pcrelSdata4: UInt8 = 0x1b     // DW_EH_PE_pcrel | DW_EH_PE_sdata4
        static let datarelSdata4: UInt8 = 0x3b   // DW_EH_PE_datarel | DW_EH_PE_sdata4
        static let udata4: UInt8 = 0x03
    }

    // DWARF register numbers on i386.
    private enum Reg {
        static let eax: UInt32 = 0, ecx: UInt32 = 1, edx: UInt32 = 2, ebx: UInt32 = 3
        static let esp: UInt32 = 4, ebp: UInt32 = 5, esi: UInt32 = 6, edi: UInt32 = 7, eip: UInt32 = 8
    }

    /// An FDE as `.eh_frame_hdr` indexes it.
    private struct FDERef {
        var initialLocation: UInt32
        var address: UInt32
    }

    private struct Builder {
        let kind: Kind
        var symbols = SymbolList()

        init(kind: Kind) { self.kind = kind }

        static let soname = "linux-gate.so.1"
        static let version = "LINUX_2.5"

        /// Section indexes, in vsyscall.lds order.
        enum Index {
            static let hash = 1, dynsym = 2, dynstr = 3, versym = 4, verdef = 5, text = 6
            static let note = 7, ehFrameHdr = 8, ehFrame = 9, dynamic = 10, shstrtab = 11
            static let count = 12
        }

        static func align(_ n: Int, _ a: Int) -> Int { (n + a - 1) / a * a }
        static func address(_ offset: Int) -> UInt32 { VDSOImage.base + UInt32(offset) }

        // MARK: .text

        /// The code of `__kernel_vsyscall` with its CFI labels (offsets from its start).
        struct VsyscallCode {
            var bytes: [UInt8]
            var sysenterReturn: Int?
            /// The FDE's call frame instructions.
            var cfi: [UInt8]
        }

        func vsyscallCode() -> VsyscallCode {
            switch kind {
            case .int80:
                // vsyscall-int80.S: int $0x80; ret. The CIE's initial rules (CFA = esp+4,
                // return address at CFA-4) hold throughout.
                return VsyscallCode(bytes: [0xcd, 0x80, 0xc3], sysenterReturn: nil, cfi: [])
            case .sysenter:
                // vsyscall-sysenter.S
                var code: [UInt8] = []
                code.append(0x51)                                  // push %ecx
                let pushEcx = code.count
                code.append(0x52)                                  // push %edx
                let pushEdx = code.count
                code.append(0x55)                                  // push %ebp
                let enterKernel = code.count
                code += [0x89, 0xe5]                               // 1: mov %esp,%ebp
                code += [0x0f, 0x34]                               // sysenter
                code += [UInt8](repeating: 0x90, count: 7)         // .space 7,0x90
                let jmpEnd = code.count + 2
                code += [0xeb, UInt8(truncatingIfNeeded: enterKernel - jmpEnd)]   // jmp 1b (restart point)
                let sysenterReturn = code.count
                code.append(0x5d)                                  // SYSENTER_RETURN: pop %ebp
                let popEbp = code.count
                code.append(0x5a)                                  // pop %edx
                let popEdx = code.count
                code.append(0x59)                                  // pop %ecx
                let popEcx = code.count
                code.append(0xc3)                                  // ret
                precondition(sysenterReturn == 16 && code.count == 20)

                // "We have to record all changes of the stack pointer": CFA = esp+8, +12,
                // +16 after each push (and %ebp saved at CFA-16), then back down after
                // each pop. %ecx and %edx are call-clobbered in the i386 ABI, and 2.6
                // records no rule for them. Each DW_CFA_advance_loc4 whose two labels gas
                // sees in one fragment becomes a one-byte DW_CFA_advance_loc; the one
                // spanning the `jmp` (a relaxable branch, which ends a fragment) stays
                // DW_CFA_advance_loc4.
                var cfi = ELFWriter.Bytes()
                func advance(_ delta: Int) {
                    precondition(delta > 0 && delta < 0x40)
                    cfi.u8(CFA.advanceLoc | UInt8(delta))
                }
                func advance4(_ delta: Int) { cfi.u8(CFA.advanceLoc4); cfi.u32(UInt32(delta)) }
                func cfaOffset(_ n: UInt32) { cfi.u8(CFA.defCFAOffset); cfi.uleb128(n) }
                advance(pushEcx); cfaOffset(8)
                advance(pushEdx - pushEcx); cfaOffset(12)
                advance(enterKernel - pushEdx); cfaOffset(16)
                cfi.u8(CFA.offset | UInt8(Reg.ebp)); cfi.uleb128(4)        // %ebp at CFA-16
                advance4(popEbp - enterKernel); cfaOffset(12)
                cfi.u8(CFA.restore | UInt8(Reg.ebp))
                advance(popEdx - popEbp); cfaOffset(8)
                advance(popEcx - popEdx); cfaOffset(4)
                return VsyscallCode(bytes: code, sysenterReturn: sysenterReturn, cfi: cfi.data)
            }
        }

        static let sigreturnCode: [UInt8] = {
            var b = ELFWriter.Bytes()
            b.u8(0x58)                                              // pop %eax
            b.u8(0xb8); b.u32(VDSOImage.nrSigreturn)                // mov $__NR_sigreturn,%eax
            b.append([0xcd, 0x80])                                  // int $0x80
            return b.data
        }()

        static let rtSigreturnCode: [UInt8] = {
            var b = ELFWriter.Bytes()
            b.u8(0xb8); b.u32(VDSOImage.nrRtSigreturn)              // mov $__NR_rt_sigreturn,%eax
            b.append([0xcd, 0x80])                                  // int $0x80
            return b.data
        }()

        // MARK: .eh_frame

        /// One CIE or FDE: the length word, `body`, then zero padding (DW_CFA_nop) to 4.
        static func entry(_ out: inout ELFWriter.Bytes, _ body: (inout ELFWriter.Bytes) -> Void) {
            let start = out.count
            out.u32(0)
            body(&out)
            out.align(4)
            out.put32(UInt32(out.count - start - 4), at: start)
        }

        /// A CIE: version 1, code alignment 1, data alignment -4, return address in
        /// column 8 (eip), FDE addresses pc-relative sdata4.
        static func cie(_ out: inout ELFWriter.Bytes, augmentation: String, initial: [UInt8]) -> Int {
            let start = out.count
            entry(&out) { b in
                b.u32(0)                        // CIE id
                b.u8(1)                         // version
                b.cString(augmentation)
                b.uleb128(1)                    // code alignment factor
                b.sleb128(-4)                   // data alignment factor
                b.u8(UInt8(Reg.eip))            // return address register
                b.uleb128(1)                    // augmentation data length
                b.u8(CFA.pcrelSdata4)           // R: FDE pointer encoding
                b.append(initial)
            }
            return start
        }

        /// An FDE for [start, start+length) under the CIE at `cieOffset`.
        static func fde(_ out: inout ELFWriter.Bytes, sectionAddress: UInt32, cieOffset: Int,
                        start: UInt32, length: UInt32, instructions: [UInt8]) -> FDERef {
            let fdeOffset = out.count
            entry(&out) { b in
                b.u32(UInt32(b.count - cieOffset))                      // CIE pointer
                let field = sectionAddress &+ UInt32(b.count)
                b.u32(start &- field)                                   // pc-relative start
                b.u32(length)
                b.uleb128(0)                                            // augmentation data
                b.append(instructions)
            }
            return FDERef(initialLocation: start, address: sectionAddress + UInt32(fdeOffset))
        }

        /// The sigreturn unwind rules (vsyscall-sigreturn.S): the CFA is the interrupted
        /// %esp saved in the sigcontext at `sc` bytes above %esp, and every register is
        /// found in that sigcontext (DW_CFA_def_cfa_expression / DW_CFA_expression).
        static func sigcontextRules(at sc: Int32) -> [UInt8] {
            var b = ELFWriter.Bytes()
            var expr = ELFWriter.Bytes()
            expr.u8(CFA.opBreg4); expr.sleb128(sc + VDSOImage.sigcontextEsp); expr.u8(CFA.opDeref)
            b.u8(CFA.defCFAExpression); b.uleb128(UInt32(expr.count)); b.append(expr.data)
            let saved: [(UInt32, Int32)] = [
                (Reg.eax, VDSOImage.sigcontextEax), (Reg.ecx, VDSOImage.sigcontextEcx),
                (Reg.edx, VDSOImage.sigcontextEdx), (Reg.ebx, VDSOImage.sigcontextEbx),
                (Reg.ebp, VDSOImage.sigcontextEbp), (Reg.esi, VDSOImage.sigcontextEsi),
                (Reg.edi, VDSOImage.sigcontextEdi), (Reg.eip, VDSOImage.sigcontextEip),
            ]
            for (reg, field) in saved {
                var e = ELFWriter.Bytes()
                e.u8(CFA.opBreg4); e.sleb128(sc + field)
                b.u8(CFA.expression); b.uleb128(reg); b.uleb128(UInt32(e.count)); b.append(e.data)
            }
            return b.data
        }

        /// `.eh_frame` at `address`: the vsyscall CIE and FDE from vsyscall-{int80,sysenter}.S,
        /// then the "zRS" (signal frame) CIE and the two sigreturn FDEs.
        static func ehFrame(address: UInt32, text: UInt32, vsyscall: VsyscallCode) -> ([UInt8], [FDERef]) {
            var out = ELFWriter.Bytes()
            var fdes: [FDERef] = []

            var initial = ELFWriter.Bytes()
            initial.u8(CFA.defCFA); initial.uleb128(Reg.esp); initial.uleb128(4)   // CFA = esp+4
            initial.u8(CFA.offset | UInt8(Reg.eip)); initial.uleb128(1)            // eip at CFA-4
            let cie1 = cie(&out, augmentation: "zR", initial: initial.data)
            fdes.append(fde(&out, sectionAddress: address, cieOffset: cie1, start: text,
                            length: UInt32(vsyscall.bytes.count), instructions: vsyscall.cfi))

            let cie2 = cie(&out, augmentation: "zRS", initial: [0])                 // DW_CFA_nop
            // The unwinder looks up return address - 1, so each range starts one byte
            // early, on the nop before the entry point.
            let sig = text + UInt32(VDSOImage.sigreturnOffset)
            var sigRules = sigcontextRules(at: 4)               // the handler's ret popped pretcode
            sigRules.append(CFA.advanceLoc | 2)                 // nop; popl %eax
            sigRules += sigcontextRules(at: 0)
            fdes.append(fde(&out, sectionAddress: address, cieOffset: cie2, start: sig - 1,
                            length: UInt32(sigreturnCode.count + 1), instructions: sigRules))

            let rt = text + UInt32(VDSOImage.rtSigreturnOffset)
            fdes.append(fde(&out, sectionAddress: address, cieOffset: cie2, start: rt - 1,
                            length: UInt32(rtSigreturnCode.count + 1),
                            instructions: sigcontextRules(at: VDSOImage.rtSigframeSigcontext - 4)))
            return (out.data, fdes)
        }

        /// `.eh_frame_hdr` at `address`: version 1, pointer to .eh_frame, FDE count, and
        /// the (initial location, FDE address) table sorted by location, both relative
        /// to the header.
        static func ehFrameHdr(address: UInt32, ehFrame: UInt32, fdes: [FDERef]) -> [UInt8] {
            var b = ELFWriter.Bytes()
            b.u8(1)
            b.u8(CFA.pcrelSdata4)       // eh_frame_ptr encoding
            b.u8(CFA.udata4)            // fde_count encoding
            b.u8(CFA.datarelSdata4)     // table encoding
            b.u32(ehFrame &- (address + 4))
            b.u32(UInt32(fdes.count))
            for f in fdes.sorted(by: { $0.initialLocation < $1.initialLocation }) {
                b.u32(f.initialLocation &- address)
                b.u32(f.address &- address)
            }
            return b.data
        }

        static func ehFrameHdrSize(fdes: Int) -> Int { 12 + 8 * fdes }

        // MARK: .note

        /// vsyscall-note.S: ELFNOTE(Linux, 0, LINUX_VERSION_CODE).
        static func note() -> [UInt8] {
            var b = ELFWriter.Bytes()
            let name = "Linux"
            b.u32(UInt32(name.utf8.count + 1))      // namesz
            b.u32(4)                                // descsz
            b.u32(0)                                // type
            b.cString(name); b.align(4)
            b.u32(VDSOImage.linuxVersionCode)
            return b.data
        }

        // MARK: The page

        mutating func build() -> [UInt8] {
            // Code.
            let vsys = vsyscallCode()
            var text = ELFWriter.Bytes(vsys.bytes)
            text.pad(to: VDSOImage.sigreturnOffset, fill: 0x90)        // .org __kernel_vsyscall+32,0x90
            text.append(Builder.sigreturnCode)
            text.pad(to: VDSOImage.rtSigreturnOffset, fill: 0x90)      // .balign 32
            text.append(Builder.rtSigreturnCode)
            text.pad(to: VDSOImage.textSize, fill: 0x90)               // .balign 32

            let textAddr = Builder.address(VDSOImage.textOffset)
            let sigAddr = textAddr + UInt32(VDSOImage.sigreturnOffset)
            let rtAddr = textAddr + UInt32(VDSOImage.rtSigreturnOffset)
            symbols["__kernel_vsyscall"] = textAddr
            symbols["__kernel_sigreturn"] = sigAddr
            symbols["__kernel_rt_sigreturn"] = rtAddr
            if let r = vsys.sysenterReturn { symbols["SYSENTER_RETURN"] = textAddr + UInt32(r) }

            // Dynamic symbols, in the order GNU ld emits them for this version script.
            var dynstr = ELFWriter.StringTable()
            for name in ["__kernel_vsyscall", "__kernel_sigreturn", "__kernel_rt_sigreturn",
                         Builder.soname, Builder.version] { dynstr.add(name) }
            let function = ELFWriter.symbolInfo(bind: ELFWriter.stbGlobal, type: ELFWriter.sttFunc)
            let textIndex = UInt16(Index.text)
            let dynsyms: [(String, ELFWriter.Symbol)] = [
                ("", .null),
                ("__kernel_vsyscall", .init(name: dynstr["__kernel_vsyscall"], value: textAddr,
                                            size: UInt32(vsys.bytes.count), info: function, shndx: textIndex)),
                (Builder.version, .init(name: dynstr[Builder.version], value: 0, size: 0,
                                        info: ELFWriter.symbolInfo(bind: ELFWriter.stbGlobal, type: ELFWriter.sttObject),
                                        shndx: ELFWriter.shnAbs)),
                ("__kernel_rt_sigreturn", .init(name: dynstr["__kernel_rt_sigreturn"], value: rtAddr,
                                                size: UInt32(Builder.rtSigreturnCode.count), info: function,
                                                shndx: textIndex)),
                ("__kernel_sigreturn", .init(name: dynstr["__kernel_sigreturn"], value: sigAddr,
                                             size: UInt32(Builder.sigreturnCode.count), info: function,
                                             shndx: textIndex)),
            ]
            var dynsym = ELFWriter.Bytes()
            dynsyms.forEach { $0.1.write(to: &dynsym) }
            let names = dynsyms.map { $0.0 }
            let hash = ELFWriter.sysvHash(names: names,
                                          buckets: ELFWriter.ldBucketCount(symbols: names.count - 1))

            // .gnu.version: every defined symbol is LINUX_2.5 (index 2); the null one local.
            var versym = ELFWriter.Bytes()
            for (i, _) in dynsyms.enumerated() { versym.u16(i == 0 ? 0 : 2) }

            // .gnu.version_d: the file's base version, then LINUX_2.5.
            var verdef = ELFWriter.Bytes()
            let versions: [(String, UInt16)] = [(Builder.soname, ELFWriter.verFlagBase), (Builder.version, 0)]
            for (i, (name, flags)) in versions.enumerated() {
                let last = i == versions.count - 1
                verdef.u16(ELFWriter.verDefCurrent); verdef.u16(flags)
                verdef.u16(UInt16(i + 1)); verdef.u16(1)                   // vd_ndx, vd_cnt
                verdef.u32(ELFWriter.hash(name))
                verdef.u32(UInt32(ELFWriter.verdefSize))                   // vd_aux
                verdef.u32(last ? 0 : UInt32(ELFWriter.verdefSize + ELFWriter.verdauxSize))   // vd_next
                verdef.u32(dynstr[name]); verdef.u32(0)                    // vda_name, vda_next
            }

            // Layout: headers, the dynamic symbol tables, then from +0x400 the text and the
            // read-only data vsyscall.lds places after it.
            let phnum = 4
            var offset = ELFWriter.headerSize + phnum * ELFWriter.programHeaderSize   // SIZEOF_HEADERS
            func place(_ size: Int, align: Int) -> Int {
                let at = Builder.align(offset, align)
                offset = at + size
                return at
            }
            let hashOff = place(hash.count, align: 4)
            let dynsymOff = place(dynsym.count, align: 4)
            let dynstrOff = place(dynstr.bytes.count, align: 1)
            let versymOff = place(versym.count, align: 2)
            let verdefOff = place(verdef.count, align: 4)
            precondition(offset <= VDSOImage.textOffset, "vDSO symbol tables overrun .text")
            offset = VDSOImage.textOffset
            let textOff = place(text.count, align: 32)
            let noteBytes = Builder.note()
            let noteOff = place(noteBytes.count, align: 4)
            let hdrOff = place(Builder.ehFrameHdrSize(fdes: 3), align: 4)
            let ehOff = Builder.align(offset, 4)
            let (ehFrame, fdes) = Builder.ehFrame(address: Builder.address(ehOff), text: textAddr, vsyscall: vsys)
            _ = place(ehFrame.count, align: 4)
            let hdr = Builder.ehFrameHdr(address: Builder.address(hdrOff), ehFrame: Builder.address(ehOff), fdes: fdes)

            var dynamic = ELFWriter.Bytes()
            let dynEntries: [(UInt32, UInt32)] = [
                (ELFWriter.dtSoname, dynstr[Builder.soname]),
                (ELFWriter.dtHash, Builder.address(hashOff)),
                (ELFWriter.dtStrtab, Builder.address(dynstrOff)),
                (ELFWriter.dtSymtab, Builder.address(dynsymOff)),
                (ELFWriter.dtStrsz, UInt32(dynstr.bytes.count)),
                (ELFWriter.dtSyment, UInt32(ELFWriter.symbolSize)),
                (ELFWriter.dtVerdef, Builder.address(verdefOff)),
                (ELFWriter.dtVerdefnum, UInt32(versions.count)),
                (ELFWriter.dtVersym, Builder.address(versymOff)),
                (ELFWriter.dtNull, 0),
            ]
            for (tag, value) in dynEntries { dynamic.u32(tag); dynamic.u32(value) }
            let dynamicOff = place(dynamic.count, align: 4)
            let loadEnd = offset                                  // end of the allocated image

            var shstrtab = ELFWriter.StringTable()
            let sectionNames = [".shstrtab", ".hash", ".dynsym", ".dynstr", ".gnu.version", ".gnu.version_d",
                                ".text", ".note", ".eh_frame_hdr", ".eh_frame", ".dynamic"]
            sectionNames.forEach { shstrtab.add($0) }
            let shstrtabOff = place(shstrtab.bytes.count, align: 1)
            let shoff = place(Index.count * ELFWriter.sectionHeaderSize, align: 4)
            precondition(offset <= VDSOImage.pageSize, "vDSO does not fit in a page")

            // Headers.
            typealias PH = ELFWriter.ProgramHeader
            func segment(_ type: UInt32, _ off: Int, _ size: Int, _ flags: UInt32, _ align: UInt32) -> PH {
                PH(type: type, offset: UInt32(off), vaddr: Builder.address(off), filesz: UInt32(size),
                   memsz: UInt32(size), flags: flags, align: align)
            }
            let programHeaders = [
                segment(ELFWriter.ptLoad, 0, loadEnd, ELFWriter.pfR | ELFWriter.pfX, UInt32(VDSOImage.pageSize)),
                segment(ELFWriter.ptDynamic, dynamicOff, dynamic.count, ELFWriter.pfR, 4),
                segment(ELFWriter.ptNote, noteOff, noteBytes.count, ELFWriter.pfR, 4),
                segment(ELFWriter.ptGNUEHFrame, hdrOff, hdr.count, ELFWriter.pfR, 4),
            ]
            precondition(programHeaders.count == phnum)

            typealias SH = ELFWriter.SectionHeader
            let a = ELFWriter.shfAlloc
            func section(_ name: String, _ type: UInt32, _ flags: UInt32, _ off: Int, _ size: Int,
                         link: Int = 0, info: UInt32 = 0, align: UInt32, entsize: UInt32 = 0) -> SH {
                SH(name: shstrtab[name], type: type, flags: flags,
                   addr: flags & a != 0 ? Builder.address(off) : 0, offset: UInt32(off), size: UInt32(size),
                   link: UInt32(link), info: info, addralign: align, entsize: entsize)
            }
            let sections: [SH] = [
                SH(),
                section(".hash", ELFWriter.shtHash, a, hashOff, hash.count, link: Index.dynsym, align: 4, entsize: 4),
                section(".dynsym", ELFWriter.shtDynsym, a, dynsymOff, dynsym.count, link: Index.dynstr,
                        info: 1, align: 4, entsize: UInt32(ELFWriter.symbolSize)),
                section(".dynstr", ELFWriter.shtStrtab, a, dynstrOff, dynstr.bytes.count, align: 1),
                section(".gnu.version", ELFWriter.shtGNUVersym, a, versymOff, versym.count, link: Index.dynsym,
                        align: 2, entsize: 2),
                section(".gnu.version_d", ELFWriter.shtGNUVerdef, a, verdefOff, verdef.count, link: Index.dynstr,
                        info: UInt32(versions.count), align: 4),
                section(".text", ELFWriter.shtProgbits, a | ELFWriter.shfExecinstr, textOff, text.count, align: 32),
                section(".note", ELFWriter.shtNote, a, noteOff, noteBytes.count, align: 4),
                section(".eh_frame_hdr", ELFWriter.shtProgbits, a, hdrOff, hdr.count, align: 4),
                section(".eh_frame", ELFWriter.shtProgbits, a, ehOff, ehFrame.count, align: 4),
                section(".dynamic", ELFWriter.shtDynamic, a | ELFWriter.shfWrite, dynamicOff, dynamic.count,
                        link: Index.dynstr, align: 4, entsize: UInt32(ELFWriter.dynamicSize)),
                section(".shstrtab", ELFWriter.shtStrtab, 0, shstrtabOff, shstrtab.bytes.count, align: 1),
            ]
            precondition(sections.count == Index.count)

            // Write the page.
            var page = ELFWriter.Bytes()
            ELFWriter.Header(type: ELFWriter.typeDyn, machine: ELFWriter.machine386, entry: textAddr,
                             phoff: UInt32(ELFWriter.headerSize), shoff: UInt32(shoff), phnum: UInt16(phnum),
                             shnum: UInt16(Index.count), shstrndx: UInt16(Index.shstrtab)).write(to: &page)
            programHeaders.forEach { $0.write(to: &page) }
            let contents: [(Int, [UInt8])] = [
                (hashOff, hash), (dynsymOff, dynsym.data), (dynstrOff, dynstr.bytes), (versymOff, versym.data),
                (verdefOff, verdef.data), (textOff, text.data), (noteOff, noteBytes), (hdrOff, hdr),
                (ehOff, ehFrame), (dynamicOff, dynamic.data), (shstrtabOff, shstrtab.bytes),
            ]
            for (off, data) in contents {
                page.pad(to: off)
                page.append(data)
            }
            page.pad(to: shoff)
            sections.forEach { $0.write(to: &page) }
            page.pad(to: VDSOImage.pageSize)
            return page.data
        }
    }
}
