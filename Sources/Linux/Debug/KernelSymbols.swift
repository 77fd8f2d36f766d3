/// Names for the addresses a system call passes through: the kernel entry text's labels
/// (`system_call`, `sysenter_entry`, `syscall_call`, …), one `sys_NAME` per system-call
/// stub, and the vDSO's symbols (`__kernel_vsyscall`, `SYSENTER_RETURN`, …) — what
/// objdump would print as `<symbol>:` headers if the kernel had been built from source.
public struct KernelSymbols: Sendable {
    private let byAddress: [UInt32: String]
    /// Sorted start addresses, for `nearest(below:)`.
    private let starts: [UInt32]

    public init(kernel: Kernel) {
        var names: [UInt32: String] = [:]
        for (name, address) in kernel.boot.entry.symbols { names[address] = name }
        for (name, address) in kernel.boot.vdso.symbols where names[address] == nil { names[address] = name }
        let base = kernel.boot.entry.stubBase
        for number in 0..<UInt32(Boot.syscallCount) {
            let name = kernel.entry(number).map { "sys_" + $0.name } ?? "sys_ni_syscall"
            names[base + number * 4] = name
        }
        byAddress = names
        starts = names.keys.sorted()
    }

    /// The symbol that starts exactly at `address`, if any.
    public func name(at address: UInt32) -> String? { byAddress[address] }

    /// `symbol+0xoff` for an address in the kernel half or the vDSO, as gdb prints it.
    public func describe(_ address: UInt32) -> String? {
        guard address >= KernelLayout.pageOffset else { return nil }
        var lo = 0, hi = starts.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if starts[mid] <= address { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let start = starts[lo - 1]
        let name = byAddress[start]!
        return address == start ? name : name + "+0x" + String(address - start, radix: 16)
    }
}

extension UInt32 {
    /// Eight hex digits, as objdump, the traces and /proc/self/maps print addresses.
    public var hex8: String {
        let s = String(self, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}
