import ArgumentParser
import IA32

extension Gate {
    /// `gate cpus`: the CPU models, their CPUID signature and SEP.
    struct CPUs: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "cpus", abstract: "List the CPU models.")

        func run() {
            print("model        family model stepping  signature  SEP  sysenter  description")
            for m in CPUModel.all {
                let name = m.name.padded(to: 12)
                let sig = "0x" + String(m.signature, radix: 16)
                print("\(name) \(pad(m.family, 6)) \(pad(m.model, 5)) \(pad(m.stepping, 8))  \(sig.padded(to: 9))  \(m.hasSEP ? "yes" : "no ")  \(m.sysenterWorks ? "works   " : "#UD     ")  \(m.description)\(m == .default ? " (default)" : "")")
            }
        }

        func pad(_ v: UInt32, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: " ", count: max(0, n - s.count)) + s
        }
    }
}
