import ArgumentParser
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

        @Flag(help: "Leave out the side-by-side instruction listing.")
        var brief = false

        func run() throws {
            guard let model = CPUModel.named(cpu) else { throw ValidationError("unknown CPU model '\(cpu)'") }
            var options = Kernel.Options()
            options.model = model
            let kernel = try Kernel(options: options)
            let image = ExecutableImage.make(code: try GuestPrograms.demo(iterations: iterations))
            try kernel.exec(image: image, path: "/demo", arguments: ["demo"])
            // Follow the two getpid calls instruction by instruction; the rest runs at
            // full speed.
            let walker = GateWalker(kernel: kernel)
            walker.collect(2, from: kernel)
            let clock = ContinuousClock()
            let started = clock.now
            let exit = kernel.run()
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let count = kernel.process.cpu.instructionCount
            print("")
            if walker.completed.count == 2 {
                GatePathsReport(kernel: kernel, model: model, walks: (walker.completed[0], walker.completed[1]))
                    .print(listing: !brief)
            }
            print("exit: \(exit); __kernel_vsyscall is the \(kernel.boot.vdso.kind) image on \(model.description)")
            print("system calls by entry path: int80 \(kernel.entries[.int80, default: 0]), sysenter \(kernel.entries[.sysenter, default: 0])")
            print(format("%llu guest instructions in %.3f s: %.0f MIPS", count, seconds, Double(count) / seconds / 1e6))
        }
    }
}
