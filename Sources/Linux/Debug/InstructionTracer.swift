import IA32
import X86Asm

/// `gate run --trace=…`: prints instructions as objdump would, user and kernel alike,
/// each with the privilege level it ran at. It can follow system calls (every one, the
/// N-th, or those of one name) from the user instruction that starts them through
/// `__kernel_vsyscall`, `sysenter`, `sysenter_entry`, SAVE_ALL, the table dispatch and
/// back out, printing `struct pt_regs` at the dispatch; or every instruction in a range of
/// addresses.
public final class InstructionTracer {
    /// What to trace.
    public enum Selection: Equatable, Sendable {
        /// System calls: all (`nil`), the N-th (1-based), or those with this name.
        case syscalls(nth: Int?, name: String?)
        /// Every instruction whose address lies in the range.
        case range(ClosedRange<UInt32>)

        /// Parses `syscall`, `syscall:N`, `syscall:NAME`, `all`, `START-END` or `START+LEN`
        /// (hex with 0x, or decimal).
        public init?(_ text: String) {
            func number(_ s: Substring) -> UInt32? {
                s.hasPrefix("0x") ? UInt32(s.dropFirst(2), radix: 16) : UInt32(s)
            }
            if text == "syscall" || text == "syscalls" { self = .syscalls(nth: nil, name: nil); return }
            if text.hasPrefix("syscall:") {
                let arg = text.dropFirst("syscall:".count)
                if let n = Int(arg), n > 0 { self = .syscalls(nth: n, name: nil) }
                else if !arg.isEmpty { self = .syscalls(nth: nil, name: String(arg)) }
                else { return nil }
                return
            }
            if text == "all" { self = .range(0...UInt32.max); return }
            if let dash = text.firstIndex(of: "-"), let lo = number(text[..<dash]),
               let hi = number(text[text.index(after: dash)...]), lo <= hi {
                self = .range(lo...hi); return
            }
            if let plus = text.firstIndex(of: "+"), let lo = number(text[..<plus]),
               let n = number(text[text.index(after: plus)...]), n > 0 {
                self = .range(lo...(lo &+ (n - 1))); return
            }
            return nil
        }
    }

    /// Unowned: the kernel keeps the tracer alive through its hook, not the reverse.
    unowned let kernel: Kernel
    let selection: Selection
    let symbols: KernelSymbols
    let walker: GateWalker
    let write: (String) -> Void
    private var callsSeen = 0
    private var tracingThisCall = false
    private var lastSymbolicEIP: UInt32?

    public init(kernel: Kernel, selection: Selection, write: @escaping (String) -> Void) {
        self.kernel = kernel
        self.selection = selection
        self.symbols = KernelSymbols(kernel: kernel)
        self.walker = GateWalker(kernel: kernel)
        self.write = write
    }

    /// Installs the tracer as the kernel's per-instruction hook (which keeps it alive).
    public func attach() {
        kernel.beforeInstruction = { cpu in self.observe(cpu) }
    }

    func observe(_ cpu: CPU) {
        switch selection {
        case .range(let r):
            guard r.contains(cpu.eip) else { return }
            let s = GateWalker.step(cpu, memory: kernel.process.memory, eip: cpu.eip,
                                    esp: cpu.register(.esp), cpl: cpu.cpl)
            print(s)
        case .syscalls(let nth, let name):
            switch walker.observe(cpu) {
            case .outside:
                return
            case .began(let steps):
                // EAX already holds the number: glibc loads it before `call *%gs:0x10`.
                callsSeen += 1
                let number = cpu.register(.eax)
                if let nth { tracingThisCall = nth == callsSeen }
                else if let name { tracingThisCall = kernel.entry(number)?.name == name }
                else { tracingThisCall = true }
                guard tracingThisCall else { return }
                let callName = kernel.entry(number).map { $0.name } ?? "syscall \(number)"
                header("system call \(callsSeen): \(callName) (eax=\(number)) from 0x\(steps[0].eip.hex8)")
                steps.forEach(print)
            case .step(let s):
                guard tracingThisCall else { return }
                print(s)
                if s.cpl == 0 && walker.dispatch.contains(s.eip) {
                    write("        pt_regs at dispatch: \(PtRegs(memory: kernel.process.memory, at: s.esp))")
                }
                if s.bytes.first == 0xf4, let n = stubNumber(s.eip) {
                    let body = kernel.entry(n).map { "sys_" + $0.name } ?? "sys_ni_syscall"
                    write("        (hlt: the kernel runs \(body)'s Swift body here)")
                }
            case .ended(let walk):
                if tracingThisCall {
                    let r = Int32(bitPattern: walk.result ?? 0)
                    write("        back in user mode at 0x\(cpu.eip.hex8): eax = \(r) "
                          + "(\(walk.instructions) instructions, \(walk.kernelInstructions) at CPL 0, path \(walk.path.rawValue))")
                }
                tracingThisCall = false
            }
        }
    }

    func stubNumber(_ eip: UInt32) -> UInt32? {
        let e = kernel.boot.entry
        guard eip >= e.stubBase && eip < e.notifyResume else { return nil }
        return (eip - e.stubBase) / 4
    }

    func header(_ text: String) { write("# " + text) }

    /// One line: `[cpl3]  804f2a5:\t65 ff 15 10 00 00 00 \tcall   *%gs:0x10`, with an
    /// objdump-style `<symbol>:` line before the first instruction of a named place.
    func print(_ s: GateStep) {
        if let name = symbols.name(at: s.eip) {
            write("\(s.eip.hex8) <\(name)>:")
        }
        let d = Disassembler.decode(s.bytes, at: s.eip)
        for (k, line) in Disassembler.objdumpLines(d).enumerated() {
            write((k == 0 ? "[cpl\(s.cpl)] " : "       ") + line)
        }
    }

}
