import Testing
@testable import X86Asm

struct AssemblerTests {
    @Test func builds() { _ = Assembler() }
}
