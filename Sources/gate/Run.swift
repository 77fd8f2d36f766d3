import ArgumentParser
import Foundation
import IA32
import Linux

extension Gate {
    /// `gate run PROGRAM [ARGS…]`
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run an i386 program.",
            discussion: """
                Until the kernel model lands, programs run with a minimal system-call \
                hook (write, exit, exit_group); every other call returns -ENOSYS.
                """)

        @Option(help: "CPU model (see `gate cpus`).")
        var cpu: String = CPUModel.default.name

        @Argument(help: "The program to run.")
        var program: String

        @Argument(parsing: .captureForPassthrough, help: "Arguments for the program.")
        var arguments: [String] = []

        func run() throws {
            guard let model = CPUModel.named(cpu) else {
                throw ValidationError("unknown CPU model '\(cpu)'; see `gate cpus`")
            }
            guard let data = FileManager.default.contents(atPath: program) else {
                fail("\(program): no such file", status: 127)
            }
            let process: BareProcess
            do {
                process = try BareProcess(executable: [UInt8](data), arguments: [program] + arguments, model: model)
            } catch let e as ELFError {
                fail("\(program): \(e)", status: 126)
            }
            process.sink = { fd, bytes in
                let handle = fd == 2 ? FileHandle.standardError : FileHandle.standardOutput
                handle.write(Data(bytes))
            }
            let exit = process.run()
            if case .signaled(let sig, let fault) = exit {
                let f = String(format: "vector %d at eip 0x%08x, address 0x%08x", fault.vector, process.cpu.eip, fault.address)
                FileHandle.standardError.write(Data("gate: \(program): killed by signal \(sig) (\(f))\n".utf8))
            }
            throw ExitCode(exit.shellStatus)
        }
    }
}

/// Prints a one-line error and exits with a shell-like status.
func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("gate: \(message)\n".utf8))
    Foundation.exit(status)
}
