import IA32
import Linux
import X86Asm

/// The demo's side-by-side view of one system call made both ways: what each path
/// executes, how often it changes privilege and stack, and what it would cost.
struct GatePathsReport {
    let kernel: Kernel
    let model: CPUModel
    let walks: (int80: GateWalk, vsyscall: GateWalk)

    func print(listing: Bool) {
        let left = walks.int80, right = walks.vsyscall
        let rightTitle = "call *AT_SYSINFO (" + (right.path == .sysenter ? "sysenter" : "int $0x80") + ")"
        Swift.print("getpid(), made both ways on \(model.name) (\(model.description)):")
        Swift.print("")
        line("", "int $0x80", rightTitle)
        line("instructions", "\(left.instructions) (\(left.userInstructions) user, \(left.kernelInstructions) kernel)",
             "\(right.instructions) (\(right.userInstructions) user, \(right.kernelInstructions) kernel)")
        line("privilege changes", "\(left.privilegeChanges)", "\(right.privilegeChanges)")
        line("stack switches", stacks(left), stacks(right))
        let published = EntryCostTable.measurements(forModel: model.name)
        for m in published {
            // What the same two paths cost on this model's real hardware, as published.
            line("cycles, \(m.call)()", format("%.0f", m.int80Cycles), format("%.0f", m.sysenterCycles))
        }
        line("result (eax)", result(left), result(right))
        for m in published {
            Swift.print("  (cycles: \(m.machine), \(m.source))")
        }
        guard listing else { Swift.print(""); return }
        Swift.print("")
        let a = lines(left), b = lines(right)
        for k in 0..<max(a.count, b.count) {
            let l = k < a.count ? a[k] : "", r = k < b.count ? b[k] : ""
            Swift.print(pad(l, 52) + "│ " + r)
        }
        Swift.print("")
    }

    func result(_ w: GateWalk) -> String { w.result.map { String(Int32(bitPattern: $0)) } ?? "?" }

    /// `2: user → kernel stack → user`
    func stacks(_ w: GateWalk) -> String {
        let switches = w.stackSwitches
        guard let first = switches.first else { return "0" }
        let chain = [first.from] + switches.map(\.to)
        return "\(switches.count): " + chain.map(\.rawValue).joined(separator: " → ")
    }

    /// One line per instruction, `3 08048066  int    $0x80`, with `<symbol>` lines.
    func lines(_ w: GateWalk) -> [String] {
        let symbols = KernelSymbols(kernel: kernel)
        var out: [String] = []
        for s in w.steps {
            if let name = symbols.name(at: s.eip) { out.append("  <\(name)>") }
            let text = Disassembler.decode(s.bytes, at: s.eip).text
            out.append("\(s.cpl) \(s.eip.hex8)  \(text)")
        }
        return out
    }

    func line(_ label: String, _ a: String, _ b: String) {
        Swift.print(pad(label, 26) + pad(a, 40) + b)
    }

    func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
    }

}
