import Testing
@testable import IA32
@testable import Linux

/// getrandom(2) fills the guest's buffer from the host in one go (HostRandom).
struct HostRandomTests {
    @Test func getrandomFillsAMegabyte() throws {
        let size: UInt32 = 1 << 20
        let buffer = ExecutableImage.codeAddress + 0x100
        let le = { (v: UInt32) in (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        // getrandom(buffer, 1 MiB, 0); exit(result >> 16)
        var code: [UInt8] = [0xb8] + le(355) + [0xbb] + le(buffer) + [0xb9] + le(size) + [0x31, 0xd2, 0xcd, 0x80]
        code += [0xc1, 0xe8, 0x10, 0x89, 0xc3, 0xb8, 1, 0, 0, 0, 0xcd, 0x80]
        code += [UInt8](repeating: 0x90, count: 0x100 - code.count)
        var options = Kernel.Options()
        options.environment = GateHarness.environment
        let kernel = try Kernel(options: options)
        try kernel.exec(image: ExecutableImage.make(code: code, bss: size), path: "/test", arguments: ["/test"])
        #expect(kernel.run().shellStatus == 16)
        let bytes = try #require(kernel.process.memory.read(buffer, count: Int(size)))
        // About 4,096 zero bytes in a random megabyte (σ ≈ 64); all zeros if nothing came.
        let zeros = bytes.filter { $0 == 0 }.count
        #expect(zeros > 3_000 && zeros < 5_500, "\(zeros) zero bytes")
    }
}
