import Foundation
import Testing
@testable import Linux

/// ELF parsing rejects what binfmt_elf rejects, with a message a person can act on.
struct ELFTests {
    @Test func badInputIsAClearError() {
        #expect(throws: ELFError.notELF) { try ELFFile([0x23, 0x21, 0x2f, 0x62]) }
        #expect(throws: ELFError.truncated) { try ELFFile([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]) }
        var x64 = [UInt8](repeating: 0, count: 64)
        x64[0...3] = [0x7f, 0x45, 0x4c, 0x46]; x64[4] = 2
        #expect(throws: ELFError.wrongClass(2)) { try ELFFile(x64) }
        #expect(ELFError.wrongClass(2).description == "64-bit ELF, not an i386 program")
    }

    @Test func executableImageIsAValidELF() throws {
        let image = ExecutableImage.make(code: [0xb8, 1, 0, 0, 0, 0xcd, 0x80])
        let elf = try ELFFile(image)
        #expect(elf.entry == ExecutableImage.codeAddress)
        #expect(elf.programHeaders.count == 1)
        #expect(elf.interpreter == nil)
    }
}
