// Differential-testing harness: the same program assembled by X86Asm and by GNU as.
import Foundation
import Testing
@testable import X86Asm

/// A program built twice in step: through the Swift `Assembler` and as AT&T source
/// lines for `as --32`. `check()` assembles the source with GNU as and compares bytes.
struct DiffProgram {
    var asm: Assembler
    private(set) var lines: [String] = []
    /// (byte offset in `asm.bytes` where a line's code starts, the line)
    private var marks: [(offset: Int, line: String)] = []
    private var labelNames: [Label: String] = [:]

    /// `origin` other than 0 links the object with `ld -Ttext` so absolute label
    /// addresses can be compared.
    init(origin: UInt32 = 0) {
        asm = Assembler(origin: origin)
    }

    /// One instruction (or several) built by `build`, written `att` for GNU as.
    mutating func add(_ att: String, _ build: (inout Assembler) -> Void) {
        marks.append((asm.bytes.count, att))
        lines.append(att)
        build(&asm)
    }

    mutating func newLabel(_ name: String) -> Label {
        let l = asm.newLabel(name)
        labelNames[l] = name
        return l
    }

    mutating func bind(_ l: Label) {
        asm.bind(l)
        lines.append("\(labelNames[l]!):")
    }

    mutating func label(_ name: String) -> Label {
        let l = newLabel(name)
        bind(l)
        return l
    }

    func name(_ l: Label) -> String { labelNames[l]! }

    /// `align`, written as an explicit fill (GNU as pads code with multi-byte nops).
    mutating func align(_ n: Int) {
        let pad = (n - Int(asm.here) % n) % n
        add(pad == 0 ? "" : ".fill \(pad),1,0x90") { $0.align(n) }
    }

    /// A memory operand in AT&T syntax.
    func m(_ x: Mem) -> String {
        var s = x.seg.map { "%\($0):" } ?? ""
        if let l = x.label {
            s += name(l) + (x.disp > 0 ? "+\(x.disp)" : x.disp < 0 ? "\(x.disp)" : "")
        } else if x.disp != 0 || (x.base == nil && x.index == nil) {
            s += "\(x.disp)"
        }
        if x.base != nil || x.index != nil {
            s += "(" + (x.base.map { "%\($0)" } ?? "")
            if let i = x.index { s += ",%\(i),\(x.scale)" }
            s += ")"
        }
        return s
    }

    /// Assembles `lines` with GNU as and expects the same bytes as `asm.finish()`.
    /// Skips (with a note) when the binutils are not installed.
    mutating func check(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let ours = try asm.finish()
        guard let theirs = try gnuAssemble(lines.joined(separator: "\n"), origin: asm.origin) else { return }
        if ours == theirs { return }
        let at = zip(ours, theirs).prefix { $0 == $1 }.count
        // The instruction that holds the first differing byte.
        let i = marks.lastIndex { $0.offset <= at } ?? 0
        let start = marks[i].offset
        let end = i + 1 < marks.count ? marks[i + 1].offset : ours.count
        let hex = { (b: ArraySlice<UInt8>) in b.map { String(format: "%02x", $0) }.joined(separator: " ") }
        Issue.record("""
            first difference at byte \(at) (\(ours.count) vs \(theirs.count) bytes), in `\(marks[i].line)`:
              X86Asm: \(hex(ours[start..<min(end, ours.count)]))
              GNU as: \(hex(theirs[start..<min(start + (end - start) + 4, theirs.count)]))
            """, sourceLocation: sourceLocation)
    }
}

struct ToolFailure: Error, CustomStringConvertible {
    var description: String
}

/// The path of `tool` on PATH, if any.
func findTool(_ tool: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for dir in path.split(separator: ":") {
        let p = "\(dir)/\(tool)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return nil
}

/// Runs `as --32` (and `ld -Ttext=origin` when `origin` is not 0) and
/// `objcopy -O binary -j .text` on `source`; nil when the tools are missing.
func gnuAssemble(_ source: String, origin: UInt32 = 0) throws -> [UInt8]? {
    guard let gas = findTool("as"), let objcopy = findTool("objcopy"),
          origin == 0 || findTool("ld") != nil else {
        print("note: GNU as/ld/objcopy not found; skipping the differential check")
        return nil
    }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("x86asm-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let src = dir.appendingPathComponent("x.s"), obj = dir.appendingPathComponent("x.o")
    let bin = dir.appendingPathComponent("x.bin")
    try (".code32\n.text\n" + source + "\n").write(to: src, atomically: true, encoding: .utf8)
    try run(gas, ["--32", "-o", obj.path, src.path])
    var image = obj
    if origin != 0 {
        image = dir.appendingPathComponent("x.elf")
        try run(findTool("ld")!, ["-m", "elf_i386", "-e", "0", "-Ttext=0x" + String(origin, radix: 16),
                                 "-o", image.path, obj.path])
    }
    try run(objcopy, ["-O", "binary", "-j", ".text", image.path, bin.path])
    return [UInt8](try Data(contentsOf: bin))
}

private func run(_ tool: String, _ args: [String]) throws {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = args
    let err = Pipe()
    p.standardError = err
    try p.run()
    let msg = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    if p.terminationStatus != 0 {
        throw ToolFailure(description: "\(tool) failed: \(String(decoding: msg, as: UTF8.self))")
    }
}

// MARK: Operand samples

let allR32 = R32.allCases
let allR16 = R16.allCases
let allR8 = R8.allCases

/// Immediates around every encoding boundary (imm8 sign extension, imm32).
let imms: [UInt32] = [0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x1000, 0x7FFF_FFFF, 0x8000_0000,
                      0xFFFF_FF80, 0xFFFF_FF7F, 0xFFFF_FFFF, 0xDEAD_BEEF]

/// Memory operands covering every ModRM/SIB shape.
let mems: [Mem] = {
    var out: [Mem] = []
    let disps: [Int32] = [0, 4, -4, 0x18, 127, -128, 128, -129, 0x1000, -0x1234_5678]
    for b in allR32 { for d in disps { out.append(mem(b, d)) } }
    for b in [R32.eax, .esp, .ebp, .edi] {
        for i in [R32.eax, .ebx, .ebp, .esi, .edi] {
            for s: UInt8 in [1, 2, 4, 8] {
                for d: Int32 in [0, 0x18, -8, 0x1000] { out.append(Mem(base: b, index: i, scale: s, disp: d)) }
            }
        }
    }
    for i in [R32.eax, .ebp, .edi] {
        for s: UInt8 in [1, 2, 4, 8] {
            for d: Int32 in [0, 0x1000, -4] { out.append(Mem(index: i, scale: s, disp: d)) }
        }
    }
    for a: UInt32 in [0, 0x10, 0x1000, 0xC000_0000, 0xFFFF_FFFC] { out.append(.abs(a)) }
    out += segMems
    return out
}()

/// Segment overrides, including the ones GNU as drops because they name the
/// default segment (`%ds:(%eax)`, `%ss:(%ebp)`).
let segMems: [Mem] = [
    Mem(base: .eax, seg: .fs), Mem(base: .ebx, disp: 8, seg: .gs), Mem(base: .ebp, disp: -4, seg: .es),
    Mem(base: .ebp, seg: .ss), Mem(base: .eax, seg: .ds), Mem(base: .esp, disp: 4, seg: .ds),
    Mem(base: .esp, seg: .ss), Mem(base: .ebx, index: .esi, scale: 2, seg: .cs),
    Mem(base: .eax, index: .ebp, seg: .ss), Mem(index: .ebp, scale: 2, seg: .ss),
    .abs(0x10, seg: .fs), .abs(0x20, seg: .gs), .abs(0x30, seg: .ds), .abs(0x40, seg: .ss),
]

/// A handful of memory operands for forms where the ModRM path is already covered.
let someMems: [Mem] = [
    mem(.eax), mem(.esp, 0x18), mem(.ebp, -8), mem(.ebp), mem(.esi, 0x1000),
    Mem(base: .ebx, index: .ecx, scale: 4, disp: -0x80), Mem(index: .eax, scale: 4, disp: 0x1000),
    .abs(0x1234), Mem(base: .eax, seg: .fs), Mem(base: .esp, seg: .gs),
]
