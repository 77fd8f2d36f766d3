import ArgumentParser
import IA32
import Linux

extension Gate {
    /// `gate auxv PROGRAM`: the auxiliary vector the program would receive.
    struct Auxv: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the auxiliary vector a program would receive, as LD_SHOW_AUXV=1 does.")

        @Option(help: "CPU model (see `gate cpus`).")
        var cpu: String = CPUModel.default.name

        @Option(help: "Directory holding the guest's root filesystem.")
        var root: String = "/"

        @Argument(help: "The program.")
        var program: String

        func run() throws {
            guard let model = CPUModel.named(cpu) else { throw ValidationError("unknown CPU model '\(cpu)'") }
            var options = Kernel.Options()
            options.model = model
            options.root = root
            let kernel = try Kernel(options: options)
            do {
                try kernel.exec(path: program, arguments: [program])
            } catch let e as ExecError {
                fail(e.description, status: e.shellStatus)
            }
            for line in AuxvFormatter.lines(kernel.process) { print(line) }
        }
    }
}

/// Formats an auxiliary vector the way glibc's `_dl_show_auxv` prints it.
enum AuxvFormatter {
    static let hwcapNames = ["fpu", "vme", "de", "pse", "tsc", "msr", "pae", "mce", "cx8", "apic", "10", "sep",
                             "mtrr", "pge", "mca", "cmov", "pat", "pse36", "pn", "clflush", "20", "dts", "acpi",
                             "mmx", "fxsr", "sse", "sse2", "ss", "ht", "tm", "ia64", "pbe"]

    static func lines(_ p: Linux.Process) -> [String] {
        var out: [String] = []
        for (type, value) in p.auxv {
            guard let t = AuxType(rawValue: type), t != .null else { continue }
            let label = (t.name + ":").padded(to: 22)
            switch t {
            case .hwcap:
                let names = (0..<32).filter { value & (1 << $0) != 0 }.map { hwcapNames[$0] }
                out.append("AT_HWCAP:    " + names.joined(separator: " "))
            case .pagesz, .clktck, .phent, .phnum, .uid, .euid, .gid, .egid, .secure:
                out.append(label + String(value))
            case .execfn, .platform:
                let s = p.memory.readCString(value, need: PagePermission.read).map { String(decoding: $0, as: UTF8.self) } ?? "?"
                out.append(label + s)
            default:
                out.append(label + "0x" + String(value, radix: 16))
            }
        }
        return out
    }
}
