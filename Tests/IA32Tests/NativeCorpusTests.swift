import Foundation
import Testing
@testable import IA32

/// The differential test at its strongest: where this host can build and run i386
/// code, the corpus is generated afresh and executed on the real CPU now, and Gate must
/// agree with that run too (not only with the recording committed to the repository).
struct NativeCorpusTests {
    static let tools = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tools/difftest")

    /// Runs a shell command; nil if it failed.
    static func shell(_ command: String) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    /// The native harness, built once; nil where i386 code cannot be built or run here.
    static let harness: String? = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gate-harness-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let bin = dir.appendingPathComponent("harness").path
        guard shell("gcc -m32 -O1 -static -o '\(bin)' '\(tools.path)/harness.c'") != nil,
              shell("echo | '\(bin)'") != nil else { return nil }
        return bin
    }()

    static var families: [String] {
        shell("python3 '\(tools.path)/gen.py' --list")?.split(whereSeparator: \.isWhitespace).map(String.init) ?? []
    }

    @Test("fresh native run agrees with Gate", .enabled(if: harness != nil, "no i386 execution on this host"),
          arguments: families)
    func family(_ name: String) throws {
        let h = try #require(NativeCorpusTests.harness)
        let text = try #require(NativeCorpusTests.shell("python3 '\(NativeCorpusTests.tools.path)/gen.py' \(name) | '\(h)'"))
        let (total, failed, report) = CorpusTests.check(text)
        if failed > 0 { print(report.prefix(10).joined(separator: "\n")) }
        #expect(total > 100)
        #expect(failed == 0, "\(failed) of \(total) fresh native cases in \(name) differ")
    }
}
