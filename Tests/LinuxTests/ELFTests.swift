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

    /// A program is read a page at a time: the headers from the first, each segment
    /// straight into guest memory. Program headers past the first page still load.
    @Test(arguments: [false, true])
    func programsLoadFromTheirFile(headersLate: Bool) throws {
        // Three pages of code, the first word of the bss after them: exit(bss + 42).
        let size = 3 * 4096
        let bss = ExecutableImage.codeAddress + UInt32(size)
        var code: [UInt8] = [0xa1] + le(bss) +                         // mov bss,%eax
            [0x83, 0xc0, 42, 0x89, 0xc3, 0xb8, 1, 0, 0, 0, 0xcd, 0x80]   // add $42; mov %eax,%ebx; exit
        code += [UInt8](repeating: 0x90, count: size - code.count)
        var image = ExecutableImage.make(code: code, bss: 64)
        if headersLate {
            // A copy of the program header at offset 8192, in the padding, and the ELF
            // header pointing at it.
            image.replaceSubrange(8192..<8224, with: image[52..<84])
            image.replaceSubrange(28..<32, with: le(8192))
        }
        let path = NSTemporaryDirectory() + "gate-elf-\(UUID().uuidString)"
        FileManager.default.createFile(atPath: path, contents: Data(image))
        defer { unlink(path) }
        let file = try #require(try ProgramFile(path: path))
        // Only the first page is read, unless the headers are beyond it.
        #expect(file.elf.isComplete == headersLate)
        #expect(file.elf.bytes.count == (headersLate ? image.count : ProgramFile.firstRead))
        let result = try GateHarness.gate(path, [])
        #expect(result.status == 42)
    }

    private func le(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    @Test func aProgramShorterThanItsSegmentsIsTruncated() throws {
        var image = ExecutableImage.make(code: [0xb8, 1, 0, 0, 0, 0xcd, 0x80])
        image.removeLast(3)
        #expect(throws: ELFError.truncated) { try ELFFile(image, fileSize: image.count) }
        let elf = try ELFFile(Array(image.prefix(84)), fileSize: image.count + 3)
        #expect(!elf.isComplete)
    }

    @Test func executableImageIsAValidELF() throws {
        let image = ExecutableImage.make(code: [0xb8, 1, 0, 0, 0, 0xcd, 0x80])
        let elf = try ELFFile(image)
        #expect(elf.entry == ExecutableImage.codeAddress)
        #expect(elf.programHeaders.count == 1)
        #expect(elf.interpreter == nil)
    }
}
