// The disassembler against GNU objdump 2.40, line for line:
//  1. recorded expectations (Disassembly/*.txt, made by Tools/disasm/record.py), which need no
//     tools on the host;
//  2. live objdump on a freshly built static i386 binary (or the busybox fixture), when
//     objdump, objcopy and a way to get such a binary exist.
import Foundation
import Testing
@testable import X86Asm

/// A stream of objdump output: the lines it printed for a buffer disassembled from `base`.
struct ObjdumpStream {
    var name: String
    var base: UInt32
    var lines: [String] = []

    /// The disassembled bytes, read back from the lines' byte columns.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        for line in lines {
            guard let colon = line.range(of: ":\t") else { continue }
            let column = line[colon.upperBound...].prefix { $0 != "\t" }
            for pair in column.split(separator: " ") { out.append(UInt8(pair, radix: 16)!) }
        }
        return out
    }

    /// Lines where our output differs from objdump's: (index, objdump's line, ours).
    func mismatches() -> [(Int, String, String)] {
        var ours: [String] = []
        for i in Disassembler.disassemble(bytes, at: base) { ours += Disassembler.objdumpLines(i) }
        var out: [(Int, String, String)] = []
        for n in 0..<max(lines.count, ours.count) {
            let a = n < lines.count ? lines[n] : "<missing>"
            let b = n < ours.count ? ours[n] : "<missing>"
            if a != b { out.append((n, a, b)) }
        }
        return out
    }

    /// Parses a recorded file: "# stream NAME base 0xADDR" headers, each followed by lines.
    static func parse(_ text: String) -> [ObjdumpStream] {
        var streams: [ObjdumpStream] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# stream ") {
                let f = line.split(separator: " ")
                streams.append(ObjdumpStream(name: String(f[2]), base: UInt32(f[4].dropFirst(2), radix: 16)!))
            } else if !line.hasPrefix("#") && !streams.isEmpty {
                streams[streams.count - 1].lines.append(String(line))
            }
        }
        return streams
    }
}

/// The recorded expectation files.
enum RecordedDisassembly {
    static var directory: URL? { Bundle.module.url(forResource: "Disassembly", withExtension: nil) }

    static var files: [String] {
        guard let dir = directory,
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        return names.filter { $0.hasSuffix(".txt") }.sorted()
    }
}

struct DisassemblerObjdumpTests {
    @Test func recordedFilesArePresent() {
        #expect(RecordedDisassembly.files.count >= 8, "Disassembly/*.txt missing from the test bundle")
    }

    @Test(arguments: RecordedDisassembly.files)
    func recordedExpectations(_ file: String) throws {
        let url = try #require(RecordedDisassembly.directory).appendingPathComponent(file)
        let streams = ObjdumpStream.parse(try String(contentsOf: url, encoding: .utf8))
        #expect(!streams.isEmpty)
        var total = 0, bad = 0
        for s in streams {
            let m = s.mismatches()
            total += s.lines.count
            bad += m.count
            for (n, want, got) in m.prefix(5) {
                Issue.record("\(file) \(s.name) line \(n):\n  objdump: \(want)\n  ours:    \(got)")
            }
        }
        #expect(bad == 0, "\(file): \(bad) of \(total) lines differ from objdump")
    }

    @Test func liveObjdumpOnAStaticBinary() throws {
        guard let objdump = findTool("objdump"), let objcopy = findTool("objcopy") else {
            print("note: objdump/objcopy not found; skipping the live comparison")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("disasm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        guard let elf = try staticBinary(in: dir) else {
            print("note: no i386 static binary (gcc -m32 or the busybox fixture); skipping")
            return
        }
        guard (try? capture(objdump, ["--version"]))?.contains("2.40") == true else {
            print("note: objdump is not 2.40; its output may differ, skipping the live comparison")
            return
        }
        let text = dir.appendingPathComponent("text.bin")
        _ = try capture(objcopy, ["-O", "binary", "--only-section=.text", elf.path, text.path])
        let headers = try capture(objdump, ["-h", elf.path])
        let textLine = try #require(headers.split(separator: "\n").first { $0.split(separator: " ").dropFirst().first == ".text" })
        let vma = try #require(UInt32(textLine.split(separator: " ")[3], radix: 16))
        let listing = try capture(objdump, ["-D", "-z", "-b", "binary", "-m", "i386",
                                           "--adjust-vma=0x" + String(vma, radix: 16), text.path])
        var stream = ObjdumpStream(name: elf.lastPathComponent, base: vma)
        var started = false
        for line in listing.split(separator: "\n") {
            if started { stream.lines.append(String(line)) } else if line.hasSuffix("<.data>:") { started = true }
        }
        let data = try Data(contentsOf: text)
        #expect(stream.bytes.count == data.count, "objdump's byte columns do not cover .text")
        let m = stream.mismatches()
        for (n, want, got) in m.prefix(10) {
            Issue.record("\(elf.lastPathComponent) .text line \(n):\n  objdump: \(want)\n  ours:    \(got)")
        }
        #expect(m.isEmpty, "\(m.count) of \(stream.lines.count) lines differ from live objdump")
    }

    /// Builds Tools/disasm/sample.c with gcc -m32 -O2 -static, or falls back to the busybox
    /// fixture.
    private func staticBinary(in dir: URL) throws -> URL? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        if let gcc = findTool("gcc") {
            let out = dir.appendingPathComponent("sample")
            let src = root.appendingPathComponent("Tools/disasm/sample.c")
            if (try? capture(gcc, ["-m32", "-O2", "-static", src.path, "-o", out.path, "-lm"])) != nil,
               FileManager.default.fileExists(atPath: out.path) {
                return out
            }
        }
        let busybox = root.appendingPathComponent("Tools/fixtures/i386-root/bin/busybox")
        return FileManager.default.fileExists(atPath: busybox.path) ? busybox : nil
    }

    /// Runs a tool and returns its standard output; throws when it fails.
    private func capture(_ tool: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        _ = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ToolFailure(description: "\(tool) \(args.joined(separator: " ")) failed")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
