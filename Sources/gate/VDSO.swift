import ArgumentParser
import IA32
import Linux
import X86Asm

extension Gate {
    /// `gate vdso [--cpu MODEL] [-o FILE]`: linux-gate.so.1 as the model's kernel maps it.
    struct VDSO: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vdso",
            abstract: "Write linux-gate.so.1, the vsyscall page, as the kernel builds it for a CPU model.",
            discussion: """
                The image is the sysenter one when the kernel's boot code enables SYSENTER \
                on that CPU, else the int $0x80 one. Without -o, a hex dump of the \
                page's ELF up to its section headers is printed.
                """)

        @Option(help: "CPU model (see `gate cpus`).")
        var cpu: String = CPUModel.default.name

        @Option(name: .shortAndLong, help: "Write the 4096-byte page to this file.")
        var output: String?

        @Flag(name: .shortAndLong, help: "Disassemble the page's code (as objdump -d prints it) instead of a hex dump.")
        var disassemble = false

        func run() throws {
            guard let model = CPUModel.named(cpu) else { throw ValidationError("unknown CPU model '\(cpu)'") }
            // Boot a kernel on this CPU: its boot code decides which image gets mapped.
            var options = Kernel.Options()
            options.model = model
            let kernel = try Kernel(options: options)
            let image = kernel.boot.vdso
            if let output {
                guard writeFile(output, image.bytes) else {
                    fail("\(output): cannot write", status: 1)
                }
                print("wrote \(output): linux-gate.so.1, \(image.kind) image, __kernel_vsyscall at 0x\(String(image.vsyscall, radix: 16))")
                return
            }
            print("linux-gate.so.1 for \(model.description): \(image.kind) image")
            for (name, address) in image.symbols.sorted(by: { $0.value < $1.value }) {
                print("  0x\(String(address, radix: 16))  \(name)")
            }
            if disassemble {
                printDisassembly(image)
                return
            }
            let used = image.bytes.lastIndex { $0 != 0 }.map { ($0 + 16) & ~15 } ?? 0
            for row in stride(from: 0, to: used, by: 16) {
                let bytes = image.bytes[row..<min(row + 16, used)]
                let hex = bytes.map { format("%02x", $0) }.joined(separator: " ")
                let text = String(bytes.map { (32...126).contains($0) ? Character(UnicodeScalar($0)) : "." })
                print(format("%08x  ", VDSOImage.base + UInt32(row)) + hex.padded(to: 48) + " |\(text)|")
            }
        }
    
        /// `.text` from `__kernel_vsyscall` to the end of `__kernel_rt_sigreturn`
        /// (`movl $173,%eax; int $0x80`), with objdump's `<symbol>:` headers.
        func printDisassembly(_ image: VDSOImage) {
            let start = image.vsyscall, end = image.rtSigreturn + 7
            let offset = Int(start - VDSOImage.base)
            let code = Array(image.bytes[offset..<offset + Int(end - start)])
            let names = Dictionary(image.symbols.map { ($0.value, $0.key) }, uniquingKeysWith: { a, b in min(a, b) })
            for i in Disassembler.disassemble(code, at: start) {
                if let name = names[i.address] { print("\n" + format("%08x", i.address) + " <\(name)>:") }
                Disassembler.objdumpLines(i).forEach { print($0) }
            }
        }
    }
}
