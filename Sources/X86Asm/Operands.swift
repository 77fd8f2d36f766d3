// Registers, condition codes and memory operands of the i386 instruction set.

/// A 32-bit general-purpose register. The raw value is its ModRM/opcode number.
public enum R32: UInt8, CaseIterable, Sendable {
    case eax = 0, ecx, edx, ebx, esp, ebp, esi, edi
}

/// A 16-bit general-purpose register (the low half of the matching `R32`).
public enum R16: UInt8, CaseIterable, Sendable {
    case ax = 0, cx, dx, bx, sp, bp, si, di
}

/// An 8-bit general-purpose register, numbered as in ModRM (AH..BH are 4..7).
public enum R8: UInt8, CaseIterable, Sendable {
    case al = 0, cl, dl, bl, ah, ch, dh, bh
}

/// A segment register, numbered as in the `sreg` field of ModRM.
public enum Seg: UInt8, CaseIterable, Sendable {
    case es = 0, cs, ss, ds, fs, gs

    /// The segment-override prefix byte for this register.
    public var overridePrefix: UInt8 {
        switch self {
        case .es: return 0x26
        case .cs: return 0x2E
        case .ss: return 0x36
        case .ds: return 0x3E
        case .fs: return 0x64
        case .gs: return 0x65
        }
    }
}

/// A condition code, numbered as in `Jcc`/`SETcc`/`CMOVcc` (the low nibble of the opcode).
public enum Cond: UInt8, CaseIterable, Sendable {
    case o = 0, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g

    public static let c: Cond = .b
    public static let nc: Cond = .ae
    public static let z: Cond = .e
    public static let nz: Cond = .ne
    public static let nae: Cond = .b
    public static let nb: Cond = .ae
    public static let na: Cond = .be
    public static let nbe: Cond = .a
    public static let pe: Cond = .p
    public static let po: Cond = .np
    public static let nge: Cond = .l
    public static let nl: Cond = .ge
    public static let ng: Cond = .le
    public static let nle: Cond = .g

    /// The opposite condition (`e` ↔ `ne`, `b` ↔ `ae`, ...).
    public var inverted: Cond { Cond(rawValue: rawValue ^ 1)! }
}

/// A memory operand: `[seg:] disp(base, index, scale)`, in AT&T terms.
///
/// `label`, when set, adds the label's absolute address to `disp` when the
/// program is finished (the displacement is then always encoded as 32 bits,
/// as GNU as does for symbols).
public struct Mem: Hashable, Sendable {
    public var base: R32?
    public var index: R32?
    public var scale: UInt8
    public var disp: Int32
    public var seg: Seg?
    public var label: Label?

    public init(base: R32? = nil, index: R32? = nil, scale: UInt8 = 1, disp: Int32 = 0,
                seg: Seg? = nil, label: Label? = nil) {
        self.base = base
        self.index = index
        self.scale = scale
        self.disp = disp
        self.seg = seg
        self.label = label
    }

    /// An absolute address (`disp32` with neither base nor index).
    public static func abs(_ address: UInt32, seg: Seg? = nil) -> Mem {
        Mem(disp: Int32(bitPattern: address), seg: seg)
    }

    /// The address of `label` plus `disp`, optionally indexed: `label+disp(base, index, scale)`.
    public static func at(_ label: Label, base: R32? = nil, index: R32? = nil, scale: UInt8 = 1,
                          disp: Int32 = 0, seg: Seg? = nil) -> Mem {
        Mem(base: base, index: index, scale: scale, disp: disp, seg: seg, label: label)
    }

    /// The same operand with a segment override.
    public func with(seg: Seg) -> Mem {
        var m = self
        m.seg = seg
        return m
    }

    /// The segment the processor uses when there is no override: SS for an
    /// ESP or EBP base, DS otherwise.
    public var defaultSeg: Seg {
        base == .esp || base == .ebp ? .ss : .ds
    }
}

/// `disp(base)`: the common base-plus-displacement memory operand.
public func mem(_ base: R32, _ disp: Int32 = 0) -> Mem {
    Mem(base: base, disp: disp)
}

/// `disp(base, index, scale)`.
public func mem(_ base: R32?, _ index: R32, _ scale: UInt8, _ disp: Int32 = 0) -> Mem {
    Mem(base: base, index: index, scale: scale, disp: disp)
}
