import Foundation
import Testing
@testable import IA32
@testable import Linux

/// `--strace` lines are strace's own format: for the calls whose arguments do not
/// depend on the run, Gate's line (without its entry-path tag) equals host strace's
/// line for the native run of the same program.
struct StraceTests {
    static func gateLines(_ program: String, model: CPUModel) throws -> [String] {
        var lines: [String] = []
        let formatter = StraceFormatter()
        var options = Kernel.Options()
        options.model = model
        options.environment = GateHarness.environment
        let null = open("/dev/null", O_WRONLY)
        defer { close(null) }
        options.stdout = null
        let kernel = try Kernel(options: options)
        let memory = kernel.process.memory
        kernel.syscallObserver = { path, number, entry, regs, result in
            lines.append(formatter.line(path: path, entry: entry, number: number, regs: regs, result: result, memory: memory))
        }
        try kernel.exec(path: program, arguments: [program])
        _ = kernel.run()
        return lines
    }

    @Test(arguments: [CPUModel.pentium, .pentium2])
    func taggedWithTheEntryPath(model: CPUModel) throws {
        let lines = try StraceTests.gateLines(GateHarness.programs.appendingPathComponent("hello-static").path, model: model)
        let write = try #require(lines.first { $0.contains("write(1, ") })
        #expect(write.hasPrefix(model == .pentium ? "[int80] " : "[sysenter] "))
        #expect(write.hasSuffix("write(1, \"hello, world from i386 with 0 ar\"..., 42) = 42"))
        #expect(lines.last == "[\(model == .pentium ? "int80" : "sysenter")] exit_group(0)                           = ?")
        #expect(lines.contains { $0.contains("= -1 ENOSYS (Function not implemented)") })   // rseq, reported honestly
    }

    @Test(.enabled(if: GateHarness.nativeI386 && FileManager.default.isExecutableFile(atPath: "/usr/bin/strace"),
                   "needs native i386 execution and host strace"))
    func matchesHostStrace() throws {
        let program = GateHarness.programs.appendingPathComponent("hello-static").path
        let log = NSTemporaryDirectory() + "gate-strace-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        p.arguments = ["-s", "32", "-o", log, program]
        p.environment = ["PATH": "/bin:/usr/bin"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let native = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let mine = try StraceTests.gateLines(program, model: .pentium2).map { String($0.drop { $0 != "]" }.dropFirst(2)) }
        for call in ["write(1, ", "exit_group("] {
            let n = try #require(native.first { $0.hasPrefix(call) })
            let g = try #require(mine.first { $0.hasPrefix(call) })
            #expect(g == n)
        }
    }
}
