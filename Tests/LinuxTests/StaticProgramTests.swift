import Foundation
import Testing
@testable import IA32
@testable import Linux

/// Static glibc programs print exactly their native output through both gates:
/// `--cpu pentium` (no SEP: the int80 vDSO) and the default P6 (the sysenter vDSO),
/// and the per-path counters show which way each run went.
struct StaticProgramTests {
    static let programs: [(String, [String])] = [("hello-static", ["a", "b"]), ("filesys-static", []), ("crcsort", []),
                                                  ("signals", []), ("fpe", []), ("threads", []), ("rawclone", []),
                                                  ("processes", []), ("waits", []),
                                                  ("pipewrite", []), ("events", []),
                                                  ("traps", []), ("fpframe", []), ("jobs", []), ("sleeps", []),
                                                  ("robust", [])]

    /// The recorded output: `NAME.expected` from the native run, or `NAME.MODEL.expected`
    /// where the program sees a CPU model the host is not (fpframe: the Pentium has no
    /// FXSR, so its signal frames carry the fnsave format).
    static func expected(_ name: String, model: CPUModel? = nil) throws -> GateHarness.Result {
        let specific = model.map { GateHarness.programs.appendingPathComponent("\(name).\($0.name).expected") }
        let file = specific.flatMap { FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }
            ?? GateHarness.programs.appendingPathComponent(name + ".expected")
        let out = try Data(contentsOf: file)
        let statusFile = GateHarness.programs.appendingPathComponent(name + ".status")
        let status = (try? String(contentsOf: statusFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        return GateHarness.Result(stdout: [UInt8](out), status: status)
    }

    @Test(arguments: [CPUModel.pentium, .pentium2])
    func hello(model: CPUModel) throws {
        for (name, args) in StaticProgramTests.programs {
            let path = GateHarness.programs.appendingPathComponent(name).path
            var counts: [Kernel.EntryPath: Int] = [:]
            let r = try GateHarness.gate(path, args, model: model) { counts = $0.entries }
            let want = try StaticProgramTests.expected(name, model: model)
            #expect(r == want, "\(name) on \(model.name): got \(r), want \(want)")
            // crcsort makes raw int $0x80 calls itself; glibc goes through the vDSO.
            if model == .pentium || name == "crcsort" {
                #expect(counts[.sysenter, default: 0] == 0 && counts[.int80, default: 0] > 0)
            } else {
                #expect(counts[.sysenter, default: 0] > 0, "\(name) should use sysenter on \(model.name): \(counts)")
            }
        }
    }

    @Test(.enabled(if: GateHarness.nativeI386, "no i386 execution on this host"))
    func recordingsMatchNativeRuns() throws {
        for (name, args) in StaticProgramTests.programs {
            let path = GateHarness.programs.appendingPathComponent(name).path
            #expect(try GateHarness.native(path, args) == (try StaticProgramTests.expected(name)), "\(name)")
        }
    }

    @Test func badFilesGiveOneLineErrors() throws {
        let dir = NSTemporaryDirectory() + "gate-bad-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let hello = try [UInt8](Data(contentsOf: GateHarness.programs.appendingPathComponent("hello-static")))
        var random = [UInt8](repeating: 0, count: 4096)
        for i in random.indices { random[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        let cases: [(String, [UInt8], Int32)] = [
            ("truncated", Array(hello.prefix(200)), 126),
            ("random", random, 126),
            ("empty", [], 126),
            ("x86_64", [UInt8](try Data(contentsOf: URL(fileURLWithPath: "/bin/true"))), 126),
        ]
        for (name, bytes, status) in cases {
            let p = dir + "/" + name
            FileManager.default.createFile(atPath: p, contents: Data(bytes))
            do {
                _ = try GateHarness.gate(p, [])
                Issue.record("\(name) ran")
            } catch let e as ExecError {
                #expect(e.shellStatus == status, "\(name): \(e)")
                #expect(!e.description.contains("\n"))
            }
        }
        do {
            _ = try GateHarness.gate(dir + "/missing", [])
            Issue.record("a missing file ran")
        } catch let e as ExecError {
            #expect(e.shellStatus == 127)
        }
        // A dynamic program whose interpreter is not under the root.
        do {
            _ = try GateHarness.gate(GateHarness.fixtureRoot.appendingPathComponent("bin/ls").path, [], root: dir)
            Issue.record("ls ran without its interpreter")
        } catch let e as ExecError {
            #expect(e.shellStatus == 127, "\(e)")
        }
    }
}
