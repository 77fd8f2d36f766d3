import ArgumentParser
import Foundation
import IA32
import Linux
import X86Asm

extension Gate {
    /// `gate demo`: runs a built-in i386 program; needs no files.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a built-in i386 program through both system-call gates.",
            discussion: """
                The program calls getpid(2) the old way, `int $0x80`, and the new way, \
                `call *AT_SYSINFO` into linux-gate.so.1's __kernel_vsyscall (sysenter on \
                a CPU with SEP), writes a line through the vDSO, runs an integer loop and \
                exits. Gate reports the calls per entry path and the interpreter's speed.
                """)

        @Option(help: "Loop iterations.")
        var iterations: UInt32 = 100_000_000

        @Option(help: "CPU model (see `gate cpus`).")
        var cpu: String = CPUModel.default.name

        func run() throws {
            guard let model = CPUModel.named(cpu) else { throw ValidationError("unknown CPU model '\(cpu)'") }
            var options = Kernel.Options()
            options.model = model
            let kernel = try Kernel(options: options)
            let image = ExecutableImage.make(code: try DemoProgram.code(iterations: iterations))
            try kernel.exec(image: image, path: "/demo", arguments: ["demo"])
            let clock = ContinuousClock()
            let started = clock.now
            let exit = kernel.run()
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let count = kernel.process.cpu.instructionCount
            print("exit: \(exit); __kernel_vsyscall is the \(kernel.boot.vdso.kind) image on \(model.description)")
            print("system calls by entry path: int80 \(kernel.entries[.int80, default: 0]), sysenter \(kernel.entries[.sysenter, default: 0])")
            print(String(format: "%llu guest instructions in %.3f s: %.0f MIPS", count, seconds, Double(count) / seconds / 1e6))
        }
    }
}

/// The demo's guest program, assembled by X86Asm.
enum DemoProgram {
    static func code(iterations: UInt32) throws -> [UInt8] {
        var a = Assembler(origin: ExecutableImage.codeAddress)
        let message = a.newLabel("message"), afterEnv = a.newLabel(), auxLoop = a.newLabel()
        let found = a.newLabel(), loop = a.newLabel(), skipEnv = a.newLabel()
        // Find AT_SYSINFO (32) in the auxiliary vector above envp.
        a.mov(.ecx, Mem(base: .esp))                               // argc
        a.lea(.esi, Mem(base: .esp, index: .ecx, scale: 4, disp: 8))  // envp
        a.bind(skipEnv)
        a.mov(.eax, Mem(base: .esi)); a.add(.esi, imm: 4)
        a.test(.eax, .eax); a.j(.ne, skipEnv)
        a.bind(afterEnv)
        a.bind(auxLoop)
        a.mov(.eax, Mem(base: .esi)); a.add(.esi, imm: 8)
        a.cmp(.eax, imm: 32); a.j(.e, found)
        a.test(.eax, .eax); a.j(.ne, auxLoop)
        a.bind(found)
        a.mov(.edi, Mem(base: .esi, disp: -4))                     // __kernel_vsyscall
        // getpid the old way, then through the vDSO.
        a.mov(.eax, imm: 20); a.int(0x80)
        a.mov(.eax, imm: 20); a.call(.edi)
        // write(1, message, length) through the vDSO.
        let text = Array("hello from i386 code, through linux-gate.so.1\n".utf8)
        a.mov(.eax, imm: 4); a.mov(.ebx, imm: 1); a.mov(.ecx, label: message); a.mov(.edx, imm: UInt32(text.count))
        a.call(.edi)
        // A simple integer loop: add, lea, xor, dec, jnz.
        a.mov(.ecx, imm: iterations); a.xor(.eax, .eax); a.mov(.edx, imm: 1)
        a.bind(loop)
        a.add(.eax, .edx)
        a.lea(.edx, Mem(base: .edx, index: .edx, scale: 1, disp: 3))
        a.xor(.edx, .eax)
        a.dec(.ecx)
        a.j(.ne, loop)
        // exit(0) the old way.
        a.mov(.eax, imm: 1); a.xor(.ebx, .ebx); a.int(0x80)
        a.bind(message)
        a.raw(text)
        return try a.finish()
    }
}
