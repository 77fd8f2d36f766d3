import Foundation
import Testing
@testable import IA32

/// Runs the differential corpus recorded on a real i386-capable CPU
/// (`Tools/difftest/`, format in its README) through `IA32`, one instruction per case,
/// and compares every register, the defined flags, EIP, exceptions and memory.
struct CorpusTests {
    static let codeAddress: UInt32 = 0x2000_0800
    static let windowAddress: UInt32 = 0x3000_0f00

    struct Case {
        var name: String
        var line: String
        var code: [UInt8]
        var input: [UInt32]       // eax ecx edx ebx esp ebp esi edi eflags
        var seed: UInt32
        var output: [UInt32]      // … eflags eip
        var exception: (vector: Int32, error: UInt32, cr2: UInt32)?
        var memory: [(Int, [UInt8])]
        var mask: UInt32
    }

    static func hex(_ s: Substring) -> UInt32 { UInt32(s, radix: 16)! }

    static func bytes(_ s: Substring) -> [UInt8] {
        var out: [UInt8] = []
        var it = s.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }

    static func parse(_ line: String) -> Case {
        let f = line.split(separator: ";", omittingEmptySubsequences: false)
        let exc: (Int32, UInt32, UInt32)?
        if f[5] == "-" {
            exc = nil
        } else {
            let e = f[5].split(separator: ",")
            exc = (Int32(hex(e[0])), hex(e[1]), hex(e[2]))
        }
        var mem: [(Int, [UInt8])] = []
        if f[6] != "-" {
            for run in f[6].split(separator: ",") {
                let p = run.split(separator: ":")
                mem.append((Int(hex(p[0])), bytes(p[1])))
            }
        }
        return Case(name: String(f[0]), line: line, code: bytes(f[1]),
                    input: f[2].split(separator: " ").map(hex), seed: hex(f[3]),
                    output: f[4].split(separator: " ").map(hex), exception: exc, memory: mem,
                    mask: hex(f[7]))
    }

    /// The window's initial bytes: xorshift32 from the seed, then EFLAGS|TF below ESP.
    static func window(_ c: Case) -> [UInt8] {
        var w = [UInt8](repeating: 0, count: 256)
        var x = c.seed
        for i in 0..<64 {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5
            for b in 0..<4 { w[i * 4 + b] = UInt8(truncatingIfNeeded: x >> (8 * b)) }
        }
        let esp = c.input[4]
        if esp >= windowAddress + 4 && esp <= windowAddress + 256 {
            let o = Int(esp - 4 - windowAddress)
            let f = c.input[8] | 0x100
            for b in 0..<4 { w[o + b] = UInt8(truncatingIfNeeded: f >> (8 * b)) }
        }
        return w
    }

    /// A machine laid out as the harness lays out its process.
    final class Machine {
        let memory = GuestMemory()!
        let cpu: CPU
        init() {
            cpu = CPU(memory: memory)
            // The host kernel's (x86-64) user-accessible gates: int3, into, int $0x80.
            cpu.handInterruptsToHost(userGates: [3, 4, 0x80])
            memory.map(0x2000_0000, length: 0x1000, permission: PagePermission.userRead | PagePermission.exec)
            memory.map(0x3000_0000, length: 0x1000, permission: PagePermission.userWrite)
        }

        /// Runs one case; returns a description of each difference.
        func run(_ c: Case) -> [String] {
            var code = [UInt8](repeating: 0xf4, count: 64)
            code.replaceSubrange(0..<c.code.count, with: c.code)
            memory.poke(CorpusTests.codeAddress, code)
            memory.poke(0x3000_0000, [UInt8](repeating: 0, count: 0xf00))
            let initial = CorpusTests.window(c)
            memory.poke(CorpusTests.windowAddress, initial)
            for r in 0..<8 { cpu.setRegister(Reg(rawValue: r)!, c.input[r]) }
            cpu.eflags = c.input[8]
            cpu.eip = CorpusTests.codeAddress
            var stop = cpu.step()
            // int $3 / int $4 reach the kernel's #BP / #OF handlers, as traps.
            if case .softwareInterrupt(let v) = stop, v == 3 || v == 4 {
                stop = .exception(PendingFault(vector: Int32(v), isTrap: true))
            }

            var diffs: [String] = []
            let names = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"]
            for r in 0..<8 where cpu.register(Reg(rawValue: r)!) != c.output[r] {
                diffs.append("\(names[r]) \(h(cpu.register(Reg(rawValue: r)!))) want \(h(c.output[r]))")
            }
            if (cpu.eflags ^ c.output[8]) & c.mask != 0 {
                diffs.append("eflags \(h(cpu.eflags)) want \(h(c.output[8])) (mask \(h(c.mask)))")
            }
            if cpu.eip != c.output[9] { diffs.append("eip \(h(cpu.eip)) want \(h(c.output[9]))") }
            switch (stop, c.exception) {
            case (.budgetExhausted, nil): break
            case (.exception(let f), let e?):
                if f.vector != e.vector || f.errorCode != e.error || (e.vector == 14 && f.address != e.cr2) {
                    diffs.append("exception \(f.vector)/\(h(f.errorCode))/\(h(f.address)) want \(e.vector)/\(h(e.error))/\(h(e.cr2))")
                }
            default:
                diffs.append("stop \(stop) want \(c.exception.map { "exception \($0.vector)/\(h($0.error))" } ?? "none")")
            }
            var expected = initial
            for (off, bytes) in c.memory { expected.replaceSubrange(off..<off + bytes.count, with: bytes) }
            let actual = memory.read(CorpusTests.windowAddress, count: 256)!
            if actual != expected {
                let firstDiff = (0..<256).first { actual[$0] != expected[$0] }!
                diffs.append("memory differs from window offset \(String(firstDiff, radix: 16))")
            }
            if memory.read(0x3000_0000, count: 0xf00)!.contains(where: { $0 != 0 }) {
                diffs.append("wrote outside the window")
            }
            return diffs
        }

        func h(_ v: UInt32) -> String { String(v, radix: 16) }
    }

    static var corpusFiles: [URL] {
        guard let dir = Bundle.module.url(forResource: "Corpus", withExtension: nil),
              let files = try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
        else { return [] }
        return files.filter { $0.pathExtension == "txt" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("corpus files are present") func corpusPresent() {
        #expect(CorpusTests.corpusFiles.count >= 8)
    }

    /// Runs every case in `text` (corpus lines); returns the count, the failures and a
    /// report of the first few.
    static func check(_ text: String) -> (total: Int, failed: Int, report: [String]) {
        let machine = Machine()
        var total = 0, failed = 0
        var report: [String] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            let c = CorpusTests.parse(String(line))
            total += 1
            let d = machine.run(c)
            if !d.isEmpty {
                failed += 1
                if report.count < 25 { report.append("\(c.name) [\(c.line)]: " + d.joined(separator: "; ")) }
            }
        }
        return (total, failed, report)
    }

    @Test("differential corpus: 0 mismatches", arguments: CorpusTests.corpusFiles.map(\.lastPathComponent))
    func corpus(file: String) throws {
        let url = CorpusTests.corpusFiles.first { $0.lastPathComponent == file }!
        let (total, failed, report) = CorpusTests.check(try String(contentsOf: url, encoding: .utf8))
        if failed > 0 { print("\(file): \(failed)/\(total) mismatches\n" + report.joined(separator: "\n")) }
        #expect(total > 0)
        #expect(failed == 0, "\(failed) of \(total) cases in \(file) differ from the CPU")
    }
}
