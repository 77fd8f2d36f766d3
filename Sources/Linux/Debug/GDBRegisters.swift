import IA32

/// The registers the stub shows gdb, in the order of the target description — which is
/// also their number in `p`/`P` packets and their place in the `g` packet: the core
/// feature (general registers, eip, eflags, the six segment selectors, the x87 stack and
/// its control registers), then the Linux feature's `orig_eax`.
public enum GDBRegister: Equatable, Sendable {
    case general(Reg)
    case eip, eflags
    case segment(SegReg)
    /// ST(i), the x87 stack slot relative to TOP, as 10 bytes.
    case st(Int)
    case fctrl, fstat, ftag, fiseg, fioff, foseg, fooff, fop
    case origEAX

    /// All of them, by remote number.
    public static let all: [GDBRegister] =
        Reg.allCases.map { .general($0) } + [.eip, .eflags]
        + [SegReg.cs, .ss, .ds, .es, .fs, .gs].map { .segment($0) }
        + (0..<8).map { .st($0) }
        + [.fctrl, .fstat, .ftag, .fiseg, .fioff, .foseg, .fooff, .fop]
        + [.origEAX]

    /// The remote number of a register (its index in `all`).
    public static func number(of r: GDBRegister) -> Int { all.firstIndex(of: r)! }

    /// The name gdb's i386 support looks the register up by.
    public var name: String {
        switch self {
        case .general(let r): return "\(r)"
        case .eip: return "eip"
        case .eflags: return "eflags"
        case .segment(let s): return "\(s)"
        case .st(let i): return "st\(i)"
        case .fctrl: return "fctrl"
        case .fstat: return "fstat"
        case .ftag: return "ftag"
        case .fiseg: return "fiseg"
        case .fioff: return "fioff"
        case .foseg: return "foseg"
        case .fooff: return "fooff"
        case .fop: return "fop"
        case .origEAX: return "orig_eax"
        }
    }

    /// Bytes in the `g` packet and in `p` replies.
    public var size: Int {
        if case .st = self { return 10 }
        return 4
    }

    /// EFLAGS bits a debugger may change, as ptrace allows (CF PF AF ZF SF DF OF AC).
    /// TF stays out: the stub single-steps without it, and a set TF would make the CPU
    /// raise #DB, which kills the process with SIGTRAP.
    static let writableFlags: UInt32 = 0x0004_0cd5
}

/// Reads and writes `GDBRegister`s on a CPU, little-endian as gdb's i386 target wants.
struct GDBRegisterAccess {
    let cpu: CPU
    /// `orig_eax` is a kernel notion (the call number saved in pt_regs, -1 outside a
    /// call); gdb writes -1 there when it changes the pc. Kept here, used nowhere.
    var origEAX: UInt32 = 0xffff_ffff

    func read(_ r: GDBRegister) -> [UInt8] {
        let fpu = cpu.fpu
        switch r {
        case .general(let g): return le32(cpu.register(g))
        case .eip: return le32(cpu.eip)
        case .eflags: return le32(cpu.eflags)
        case .segment(let s): return le32(UInt32(cpu.segment(s).selector))
        case .st(let i): return fpu.st(i).bytes
        case .fctrl: return le32(UInt32(fpu.cw))
        case .fstat: return le32(UInt32(fpu.statusWord))
        case .ftag: return le32(UInt32(fpu.tagWord))
        case .fiseg: return le32(UInt32(fpu.fcs))
        case .fioff: return le32(fpu.fip)
        case .foseg: return le32(UInt32(fpu.fds))
        case .fooff: return le32(fpu.fdp)
        case .fop: return le32(UInt32(fpu.fop))
        case .origEAX: return le32(origEAX)
        }
    }

    /// Writes one register; false when the value cannot be loaded (a segment selector
    /// the processor would refuse, or a change of CS or SS, which only a far transfer
    /// may make).
    mutating func write(_ r: GDBRegister, _ bytes: [UInt8]) -> Bool {
        guard bytes.count == r.size else { return false }
        let v = bytes.count == 4 ? bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }.littleEndian : 0
        switch r {
        case .general(let g): cpu.setRegister(g, v)
        case .eip: cpu.eip = v
        case .eflags:
            cpu.eflags = (cpu.eflags & ~GDBRegister.writableFlags) | (v & GDBRegister.writableFlags)
        case .segment(let s):
            let selector = UInt16(truncatingIfNeeded: v)
            if selector == cpu.segment(s).selector { return v >> 16 == 0 }
            if s == .cs || s == .ss || v >> 16 != 0 { return false }
            return cpu.loadSegment(s, selector: selector) == nil
        case .origEAX: origEAX = v
        default: writeFPU(r, bytes, v)
        }
        return true
    }

    private func writeFPU(_ r: GDBRegister, _ bytes: [UInt8], _ v: UInt32) {
        var fpu = cpu.fpu
        switch r {
        case .st(let i):
            let sig = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * $1) }
            fpu.setST(i, F80(sig: sig, se: UInt16(bytes[8]) | UInt16(bytes[9]) << 8))
        case .fctrl: fpu.cw = UInt16(truncatingIfNeeded: v) & 0x1f3f | 0x0040   // bit 6 reads as 1
        case .fstat: fpu.setStatusWord(UInt16(truncatingIfNeeded: v))
        case .ftag: fpu.setTagWord(UInt16(truncatingIfNeeded: v))
        case .fiseg: fpu.fcs = UInt16(truncatingIfNeeded: v)
        case .fioff: fpu.fip = v
        case .foseg: fpu.fds = UInt16(truncatingIfNeeded: v)
        case .fooff: fpu.fdp = v
        case .fop: fpu.fop = UInt16(truncatingIfNeeded: v) & 0x7ff
        default: return
        }
        cpu.fpu = fpu
    }

    /// The whole `g` packet payload.
    func readAll() -> [UInt8] { GDBRegister.all.flatMap { read($0) } }

    /// Applies a `G` packet payload; false if it is the wrong size or a register
    /// refuses its value (the others are still written).
    mutating func writeAll(_ bytes: [UInt8]) -> Bool {
        let total = GDBRegister.all.reduce(0) { $0 + $1.size }
        guard bytes.count == total else { return false }
        var offset = 0
        var ok = true
        for r in GDBRegister.all {
            ok = write(r, Array(bytes[offset..<offset + r.size])) && ok
            offset += r.size
        }
        return ok
    }

    func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
}
