// The assembler's buffer: bytes, labels, fixups, data directives and pending prefixes.
// Instruction encoders live in the Instructions*.swift extensions.

/// A position in the program, bound once to an address. Create one with
/// `Assembler.newLabel` (forward references) or `Assembler.label` (bound at once).
public struct Label: Hashable, Sendable {
    let id: Int
}

/// What `Assembler.finish()` throws. The first problem in program order wins.
public enum AsmError: Error, Equatable, CustomStringConvertible {
    /// A label was referenced but never bound.
    case undefinedLabel(String)
    /// A `rel8` branch (`jmp(short:)`, `j(_:short:)`, `loop`, `jecxz`) cannot reach its target.
    case branchOutOfRange(String)
    /// An operand combination the processor cannot encode (ESP as an index, a bad
    /// scale, `mov %eax,%cs`, a label bound twice, ...).
    case invalidOperands(String)

    public var description: String {
        switch self {
        case .undefinedLabel(let s): return "undefined label \(s)"
        case .branchOutOfRange(let s): return "branch out of range: \(s)"
        case .invalidOperands(let s): return "invalid operands: \(s)"
        }
    }
}

/// A small i386 (32-bit) machine-code assembler.
///
/// Operands are in Intel order (destination first); encodings match what
/// `as --32` produces for the same instruction. Errors in operands are recorded
/// and thrown by `finish()`, so the encoders themselves do not throw.
///
///     var a = Assembler(origin: 0xC000_0000)
///     let loop = a.label("loop")
///     a.dec(.ecx)
///     a.j(.nz, loop)
///     a.ret()
///     let code = try a.finish()
public struct Assembler: Sendable {
    /// Address of the first byte.
    public let origin: UInt32
    /// The bytes emitted so far; forward references stay zero until `finish()`.
    public private(set) var bytes: [UInt8] = []

    private var labelNames: [String] = []
    private var labelAddresses: [UInt32?] = []
    private var fixups: [Fixup] = []
    private var namedSymbols = SymbolList()
    private var errors: [AsmError] = []
    var pending = Prefixes()

    public init(origin: UInt32 = 0) {
        self.origin = origin
    }

    /// Address of the next byte.
    public var here: UInt32 { origin &+ UInt32(truncatingIfNeeded: bytes.count) }

    // MARK: Labels

    /// A new, unbound label. `name` appears in errors and, once bound, in `symbols`.
    public mutating func newLabel(_ name: String = "") -> Label {
        let l = Label(id: labelNames.count)
        labelNames.append(name)
        labelAddresses.append(nil)
        return l
    }

    /// Binds `l` to `here`.
    public mutating func bind(_ l: Label) {
        flushPrefixes()
        guard labelAddresses.indices.contains(l.id) else {
            record(.invalidOperands("label #\(l.id) belongs to another assembler"))
            return
        }
        if labelAddresses[l.id] != nil {
            record(.invalidOperands("label \(name(of: l)) bound twice"))
            return
        }
        labelAddresses[l.id] = here
        if !labelNames[l.id].isEmpty { namedSymbols[labelNames[l.id]] = here }
    }

    /// A new label bound to `here` and recorded in `symbols`.
    public mutating func label(_ name: String) -> Label {
        let l = newLabel(name)
        bind(l)
        return l
    }

    /// Named labels bound so far, by name (a later binding of a name wins).
    public var symbols: [String: UInt32] { namedSymbols.dictionary }

    /// The same, in the order they were bound.
    public var symbolList: SymbolList { namedSymbols }

    /// The address `l` is bound to, if it is bound.
    public func address(of l: Label) -> UInt32? {
        labelAddresses.indices.contains(l.id) ? labelAddresses[l.id] : nil
    }

    func name(of l: Label) -> String {
        guard labelNames.indices.contains(l.id) else { return "#\(l.id)" }
        return labelNames[l.id].isEmpty ? "#\(l.id)" : labelNames[l.id]
    }

    // MARK: Finishing

    /// Resolves every fixup and returns the finished bytes (also left in `bytes`).
    /// Throws the first recorded operand error, else the first undefined label or
    /// out-of-range `rel8` branch.
    public mutating func finish() throws -> [UInt8] {
        flushPrefixes()
        if let e = errors.first { throw e }
        for f in fixups {
            if let e = resolve(f) { throw e }
        }
        return bytes
    }

    mutating func record(_ e: AsmError) {
        errors.append(e)
    }

    // MARK: Fixups

    enum FixupKind {
        case rel8, rel32, abs32
    }

    struct Fixup {
        var kind: FixupKind
        /// Offset of the field in `bytes`.
        var offset: Int
        var label: Label
        /// Added to the label's address (`abs32` only).
        var addend: Int32 = 0
        /// Address the branch is relative to: the end of the instruction (`rel8`/`rel32`).
        var base: UInt32 = 0
    }

    /// Records a fixup for a field already emitted at `offset`, and
    /// resolves it now if the label is already bound.
    mutating func addFixup(_ f: Fixup) {
        fixups.append(f)
        if address(of: f.label) != nil, let e = resolve(f) {
            record(e)
        }
    }

    /// Writes the fixup's value; returns the error instead if it cannot.
    mutating func resolve(_ f: Fixup) -> AsmError? {
        guard let target = address(of: f.label) else {
            return .undefinedLabel(name(of: f.label))
        }
        switch f.kind {
        case .abs32:
            patch32(at: f.offset, target &+ UInt32(bitPattern: f.addend))
        case .rel32:
            patch32(at: f.offset, target &- f.base)
        case .rel8:
            let d = Int64(target) - Int64(f.base)
            guard let d8 = Int8(exactly: d) else {
                return .branchOutOfRange("\(name(of: f.label)) is \(d) bytes from the rel8 branch at 0x\(String(f.base - 2, radix: 16))")
            }
            bytes[f.offset] = UInt8(bitPattern: d8)
        }
        return nil
    }

    private mutating func patch32(at i: Int, _ v: UInt32) {
        bytes[i] = UInt8(truncatingIfNeeded: v)
        bytes[i + 1] = UInt8(truncatingIfNeeded: v >> 8)
        bytes[i + 2] = UInt8(truncatingIfNeeded: v >> 16)
        bytes[i + 3] = UInt8(truncatingIfNeeded: v >> 24)
    }

    // MARK: Emission primitives

    mutating func emit(_ b: UInt8) { bytes.append(b) }
    mutating func emit(_ bs: [UInt8]) { bytes.append(contentsOf: bs) }
    mutating func emit16(_ v: UInt16) { bytes.append(UInt8(truncatingIfNeeded: v)); bytes.append(UInt8(v >> 8)) }
    mutating func emit32(_ v: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v >> 16))
        bytes.append(UInt8(truncatingIfNeeded: v >> 24))
    }

    /// Emits a 32-bit field holding the absolute address of `l` (plus `addend`).
    mutating func emitAbs32(_ l: Label, addend: Int32 = 0) {
        emit32(0)
        addFixup(Fixup(kind: .abs32, offset: bytes.count - 4, label: l, addend: addend))
    }

    // MARK: Data

    /// Appends raw bytes.
    public mutating func raw(_ b: [UInt8]) {
        flushPrefixes()
        emit(b)
    }

    /// Pads with `fill` until `here` is a multiple of `n` (`.balign n, fill`).
    public mutating func align(_ n: Int, fill: UInt8 = 0x90) {
        flushPrefixes()
        guard n > 1 else { return }
        let n32 = UInt32(n)
        while here % n32 != 0 { emit(fill) }
    }

    /// `.long v`
    public mutating func dd(_ v: UInt32) { flushPrefixes(); emit32(v) }
    /// `.word v`
    public mutating func dw(_ v: UInt16) { flushPrefixes(); emit16(v) }
    /// `.byte v`
    public mutating func db(_ v: UInt8) { flushPrefixes(); emit(v) }
    /// `.long label`: the label's absolute address.
    public mutating func dd(_ l: Label) { flushPrefixes(); emitAbs32(l) }
    /// `.ascii s` (UTF-8, no terminator).
    public mutating func ascii(_ s: String) { flushPrefixes(); emit(Array(s.utf8)) }
    /// `.asciz s` (UTF-8 plus a NUL).
    public mutating func asciz(_ s: String) { ascii(s); emit(0) }
}
