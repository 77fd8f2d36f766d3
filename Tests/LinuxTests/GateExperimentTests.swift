import Foundation
import Testing
@testable import IA32
@testable import Linux

/// The article's experiments, inside Gate: dump the vsyscall page through
/// /proc/self/mem with busybox dd and disassemble it on the host; see AT_SYSINFO with
/// LD_SHOW_AUXV; and run dynamically linked Debian programs over an i386 root.
struct GateExperimentTests {
    static let fixtures = GateHarness.haveFixtures || ProcessInfo.processInfo.environment["CI"] != nil

    static func objdump(_ path: String) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/objdump")
        p.arguments = ["-d", path]
        let pipe = Pipe()
        p.standardOutput = pipe
        guard (try? p.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test(.enabled(if: fixtures, "busybox fixture not fetched"), arguments: [CPUModel.pentium2, .pentium])
    func ddOfProcSelfMemDumpsTheVDSO(model: CPUModel) throws {
        let dir = NSTemporaryDirectory() + "gate-dd-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try GateHarness.gate(GateHarness.busybox,
                                     ["dd", "if=/proc/self/mem", "of=linux-gate.dso", "bs=4096", "skip=1048574", "count=1"],
                                     model: model, cwd: dir)
        #expect(r.status == 0, "\(r)")
        let dumped = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/linux-gate.dso")))
        let kind: VDSOImage.Kind = model == .pentium ? .int80 : .sysenter
        #expect(dumped == VDSOImage(kind: kind).bytes)
        guard let text = GateExperimentTests.objdump(dir + "/linux-gate.dso") else { return }
        #expect(text.contains("<__kernel_vsyscall@@LINUX_2.5>:") || text.contains("<__kernel_vsyscall>:"))
        #expect(text.contains(model == .pentium ? "int    $0x80" : "sysenter"))
    }

    @Test(.enabled(if: fixtures, "i386 root not fetched"))
    func ldShowAuxvPrintsTheGate() throws {
        let root = GateHarness.fixtureRoot.path
        let r = try GateHarness.gate(root + "/bin/true", [], root: root,
                                     environment: GateHarness.environment + ["LD_SHOW_AUXV=1"])
        let text = String(decoding: r.stdout, as: UTF8.self)
        #expect(r.status == 0)
        #expect(text.contains("AT_SYSINFO:           0xffffe"))
        #expect(text.contains("AT_SYSINFO_EHDR:      0xffffe000"))
        #expect(text.contains("AT_PLATFORM:          i686"))
    }

    /// Dynamically linked coreutils over the extracted libc6:i386, compared with the
    /// same binaries run natively over the same root (through its own ld-linux.so.2).
    @Test(.enabled(if: fixtures, "i386 root not fetched"))
    func dynamicCoreutilsMatchNative() throws {
        let root = GateHarness.fixtureRoot.path
        let work = "/tmp/gate-dyn-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root + work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root + work) }
        try "pear\napple\nfig\nbanana\n".write(toFile: root + work + "/fruit.txt", atomically: false, encoding: .utf8)
        try "x\n".write(toFile: root + work + "/x.txt", atomically: false, encoding: .utf8)
        let cases: [(String, [String])] = [
            ("/bin/ls", [work]),
            ("/bin/ls", ["-n", "--time-style=+", work]),
            ("/usr/bin/sort", [work + "/fruit.txt"]),
            ("/usr/bin/md5sum", [work + "/fruit.txt", work + "/x.txt"]),
            ("/usr/bin/sha256sum", [work + "/fruit.txt"]),
            ("/usr/bin/wc", [work + "/fruit.txt"]),
            ("/bin/cat", [work + "/fruit.txt"]),
            ("/usr/bin/head", ["-n", "2", work + "/fruit.txt"]),
            ("/usr/bin/tr", ["a-z", "A-Z"]),
            ("/bin/echo", ["dynamic", "echo"]),
        ]
        for (program, args) in cases {
            let stdin = program.hasSuffix("/tr") ? root + work + "/fruit.txt" : nil
            let mine = try GateHarness.gate(root + program, args, root: root, stdinPath: stdin)
            #expect(mine.status == 0, "\(program) \(args): \(mine)")
            if GateHarness.nativeI386 {
                // Natively the paths are host paths, so the root's files are named with it.
                let nativeArgs = [root + program] + args.map { $0.hasPrefix("/tmp/") ? root + $0 : $0 }
                let native = try GateHarness.native(root + "/lib/ld-linux.so.2",
                                                    ["--library-path", root + "/lib/i386-linux-gnu:" + root + "/usr/lib/i386-linux-gnu"] + nativeArgs,
                                                    stdinPath: stdin)
                let fixed = String(decoding: native.stdout, as: UTF8.self).replacingOccurrences(of: root, with: "")
                #expect(String(decoding: mine.stdout, as: UTF8.self) == fixed, "\(program) \(args)")
                #expect(mine.status == native.status)
            }
        }
    }
}
