// Hand-picked checks of the disassembler's API and of the texts Gate itself relies on
// (the vsyscall page, the kernel entry code). Every expected text here is what GNU objdump
// 2.40 prints for the same bytes; the exhaustive comparisons are in
// DisassemblerObjdumpTests.swift.
import Testing
@testable import X86Asm

struct DisassemblerTests {
    /// Decodes hex at 0x8049000 and returns (length, text).
    func dis(_ hex: String, at address: UInt32 = 0x0804_9000) -> (Int, String) {
        let i = Disassembler.decode(bytes(hex), at: address)
        return (i.length, i.text)
    }

    func bytes(_ hex: String) -> [UInt8] {
        let h = Array(hex.filter { !$0.isWhitespace })
        return stride(from: 0, to: h.count, by: 2).map { UInt8(String(h[$0...$0 + 1]), radix: 16)! }
    }

    @Test func basicForms() {
        #expect(dis("89e5") == (2, "mov    %esp,%ebp"))
        #expect(dis("65ff1510000000") == (7, "call   *%gs:0x10"))
        #expect(dis("cd80") == (2, "int    $0x80"))
        #expect(dis("0f34") == (2, "sysenter"))
        #expect(dis("0f35") == (2, "sysexit"))
        #expect(dis("c3") == (1, "ret"))
        #expect(dis("c700 01000000") == (6, "movl   $0x1,(%eax)"))
        #expect(dis("0fb6c0") == (3, "movzbl %al,%eax"))
        #expect(dis("660fbec0") == (4, "movsbw %al,%ax"))
        #expect(dis("99") == (1, "cltd"))
        #expect(dis("98") == (1, "cwtl"))
        #expect(dis("cb") == (1, "lret"))
        #expect(dis("ea785634122301") == (7, "ljmp   $0x123,$0x12345678"))
        #expect(dis("df7dfc") == (3, "fistpll -0x4(%ebp)"))
        #expect(dis("dfe0") == (2, "fnstsw %ax"))
        #expect(dis("9bdfe0") == (3, "fstsw  %ax"))
        #expect(dis("d6") == (1, "(bad)"))
        #expect(dis("0f77") == (2, "emms"))
        #expect(dis("0fae00") == (3, "fxsave (%eax)"))
    }

    @Test func memoryOperands() {
        #expect(dis("8b45fc") == (3, "mov    -0x4(%ebp),%eax"))
        #expect(dis("8d848500000000") == (7, "lea    0x0(%ebp,%eax,4),%eax"))
        #expect(dis("8b048500000000") == (7, "mov    0x0(,%eax,4),%eax"))
        #expect(dis("8b0424") == (3, "mov    (%esp),%eax"))
        #expect(dis("8d742600") == (4, "lea    0x0(%esi,%eiz,1),%esi"))
        #expect(dis("a1fcffffff") == (5, "mov    0xfffffffc,%eax"))
        #expect(dis("64a100000000") == (6, "mov    %fs:0x0,%eax"))
        #expect(dis("678b46fc") == (4, "mov    -0x4(%bp),%eax"))
        #expect(dis("678b00") == (3, "mov    (%bx,%si),%eax"))
    }

    @Test func prefixesAndStrings() {
        #expect(dis("f3ab") == (2, "rep stos %eax,%es:(%edi)"))
        #expect(dis("f3a6") == (2, "repz cmpsb %es:(%edi),%ds:(%esi)"))
        #expect(dis("f2ae") == (2, "repnz scas %es:(%edi),%al"))
        #expect(dis("f00fb10a") == (4, "lock cmpxchg %ecx,(%edx)"))
        #expect(dis("66 90") == (2, "xchg   %ax,%ax"))
        #expect(dis("f390") == (2, "pause"))
        #expect(dis("2e90") == (2, "cs nop"))
        #expect(dis("6666 90") == (3, "data16 xchg %ax,%ax"))
        #expect(dis("f3c3") == (2, "repz ret"))
        #expect(dis("2e 0f1f840000000000") == (9, "nopl   %cs:0x0(%eax,%eax,1)"))
        #expect(dis("3effe0") == (3, "notrack jmp *%eax"))
    }

    @Test func branchTargets() {
        #expect(dis("e800000000") == (5, "call   0x8049005"))
        #expect(dis("ebfe") == (2, "jmp    0x8049000"))
        #expect(dis("0f8400000000", at: 0x1000_0000) == (6, "je     0x10000006"))
        #expect(dis("66e80000") == (4, "callw  0x9004"))
        #expect(dis("2e7400") == (3, "je,pn  0x8049003"))
        #expect(dis("e300") == (2, "jecxz  0x8049002"))
        #expect(dis("67e300") == (3, "jcxz   0x8049003"))
    }

    @Test func truncatedAndEmpty() {
        #expect(dis("c7") == (1, ".byte 0xc7"))
        #expect(dis("66") == (1, "data16"))
        #expect(dis("9b") == (1, "fwait"))
        let empty = Disassembler.decode([UInt8](), at: 0x1000)
        #expect(empty.length == 0 && empty.text == "(bad)")
        // More bytes than the instruction: only its own are taken.
        #expect(dis("89e5 89e5") == (2, "mov    %esp,%ebp"))
    }

    @Test func objdumpLineFormat() {
        let i = Disassembler.decode(bytes("89e5"), at: 0x0804_9000)
        #expect(Disassembler.objdumpLines(i) == [" 8049000:\t89 e5                \tmov    %esp,%ebp"])
        // Seven bytes a line; the rest continue with their own address and no text.
        let long = Disassembler.decode(bytes("c784850000000001000000"), at: 0x0804_9000)
        #expect(Disassembler.objdumpLines(long) == [
            " 8049000:\tc7 84 85 00 00 00 00 \tmovl   $0x1,0x0(%ebp,%eax,4)",
            " 8049007:\t01 00 00 00 ",
        ])
        let high = Disassembler.decode(bytes("c3"), at: 0xffff_e400)
        #expect(Disassembler.objdumpLines(high) == ["ffffe400:\tc3                   \tret"])
    }

    @Test func disassembleWalksLikeObjdump() {
        // The sysenter flavour of __kernel_vsyscall, as the design brief spells it out.
        let code = bytes("51 52 55 89e5 0f34 90909090909090 ebf3 5d 5a 59 c3")
        let out = Disassembler.disassemble(code, at: 0xffff_e400).map(\.text)
        #expect(out == ["push   %ecx", "push   %edx", "push   %ebp", "mov    %esp,%ebp", "sysenter",
                        "nop", "nop", "nop", "nop", "nop", "nop", "nop", "jmp    0xffffe403",
                        "pop    %ebp", "pop    %edx", "pop    %ecx", "ret"])
        let addresses = Disassembler.disassemble(code, at: 0xffff_e400).map(\.address)
        #expect(addresses.first == 0xffff_e400 && addresses.last == 0xffff_e413)
    }

    @Test func assemblerRoundTrip() throws {
        // What X86Asm assembles, the disassembler reads back (GNU as syntax on both sides).
        var a = Assembler(origin: 0xc000_0000)
        let top = a.label("top")
        a.push(.ebp)
        a.mov(.ebp, .esp)
        a.int(0x80)
        a.cpuid()
        a.rdtsc()
        a.j(.nz, top)
        a.ret()
        let code = try a.finish()
        let text = Disassembler.disassemble(code, at: 0xc000_0000).map(\.text)
        #expect(text == ["push   %ebp", "mov    %esp,%ebp", "int    $0x80", "cpuid", "rdtsc",
                         "jne    0xc0000000", "ret"])
    }
}
