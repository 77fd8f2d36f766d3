import ArgumentParser
import Foundation
import IA32
import Linux

extension Gate {
    /// `gate demo`: runs a built-in i386 program; needs no files.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a built-in i386 program and report the interpreter's speed.")

        @Option(help: "Loop iterations.")
        var iterations: UInt32 = 100_000_000

        @Option(help: "CPU model (see `gate cpus`).")
        var cpu: String = CPUModel.default.name

        func run() throws {
            guard let model = CPUModel.named(cpu) else { throw ValidationError("unknown CPU model '\(cpu)'") }
            let program = DemoProgram.integerLoop(iterations: iterations)
            guard let process = BareProcess(code: program, at: DemoProgram.address, arguments: ["demo"], model: model) else {
                fail("cannot reserve guest address space", status: 1)
            }
            process.sink = { _, bytes in FileHandle.standardOutput.write(Data(bytes)) }
            let clock = ContinuousClock()
            let started = clock.now
            let exit = process.run()
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let count = process.cpu.instructionCount
            print("guest result: 0x\(String(process.cpu.register(.ebx), radix: 16)) (\(exit))")
            print(String(format: "%llu guest instructions in %.3f s: %.0f MIPS on %@", count, seconds,
                         Double(count) / seconds / 1e6, model.description))
        }
    }
}

/// The demo's guest program, as machine code.
enum DemoProgram {
    static let address: UInt32 = 0x0804_8000

    /// A simple integer loop (add, lea, xor, dec, jnz), a write(2) of a greeting and
    /// exit(2) with the loop's result in EBX.
    static func integerLoop(iterations: UInt32) -> [UInt8] {
        let message = Array("hello from i386 code, through int $0x80\n".utf8)
        var code: [UInt8] = []
        code += [0xb9] + le(iterations)            // mov ecx, iterations
        code += [0x31, 0xc0]                       // xor eax, eax
        code += [0xba] + le(1)                     // mov edx, 1
        code += [0x01, 0xd0]                       // loop: add eax, edx
        code += [0x8d, 0x54, 0x12, 0x03]           //   lea edx, [edx+edx+3]
        code += [0x31, 0xc2]                       //   xor edx, eax
        code += [0x49]                             //   dec ecx
        code += [0x75, 0xf5]                       //   jnz loop
        code += [0x89, 0xc6]                       // mov esi, eax
        let messageAt = address + UInt32(code.count + 31)
        code += [0xb8] + le(4)                     // mov eax, 4 (write)
        code += [0xbb] + le(1)                     // mov ebx, 1
        code += [0xb9] + le(messageAt)             // mov ecx, message
        code += [0xba] + le(UInt32(message.count)) // mov edx, length
        code += [0xcd, 0x80]                       // int $0x80
        code += [0x89, 0xf3]                       // mov ebx, esi
        code += [0xb8] + le(1)                     // mov eax, 1 (exit)
        code += [0xcd, 0x80]                       // int $0x80
        precondition(address + UInt32(code.count) == messageAt)
        return code + message
    }

    static func le(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}
