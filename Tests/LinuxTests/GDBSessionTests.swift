import Foundation
import Testing

/// The acceptance test of `gate run --gdb`: Debian's gdb, scripted with `-batch`,
/// attaches to the `gate` binary running a static glibc program, breaks at `main`,
/// single-steps into `__kernel_vsyscall` (naming it: gdb found linux-gate.so.1 through
/// the auxiliary vector and /proc/PID/maps), reads `$eax` there — getpid's number —
/// steps over `sysenter` to SYSENTER_RETURN, and continues to a clean exit.
struct GDBSessionTests {
    static let gdb = "/usr/bin/gdb"

    /// The `gate` executable of this build: beside the test bundle (Linux: the
    /// `.xctest` executable in the products directory; macOS: the bundle directory).
    static let gate: String? = {
        if let path = ProcessInfo.processInfo.environment["GATE_BINARY"] { return path }
        var starts = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(), Bundle.main.bundleURL]
        starts += Bundle.allBundles.map(\.bundleURL)
        for start in starts {
            var dir = start
            for _ in 0..<4 {
                let candidate = dir.appendingPathComponent("gate").path
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                   FileManager.default.isExecutableFile(atPath: candidate) {
                    return candidate
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }()

    static let source = """
        #include <unistd.h>
        int main(void) {
            pid_t p = getpid();
            return p > 0 ? 0 : 1;
        }
        """

    /// The test program, compiled once with the host's `gcc -m32 -static`; nil when that
    /// toolchain (gcc-multilib) is missing.
    static let program: String? = {
        let dir = NSTemporaryDirectory() + "gate-gdb-\(UUID().uuidString)"
        guard (try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)) != nil else { return nil }
        let c = dir + "/getpid.c", exe = dir + "/getpid"
        guard FileManager.default.createFile(atPath: c, contents: Data(source.utf8)) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["gcc", "-m32", "-static", "-O0", "-g", "-o", exe, c]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        p.waitUntilExit()
        return p.terminationStatus == 0 ? exe : nil
    }()

    static var canRun: Bool {
        FileManager.default.isExecutableFile(atPath: gdb) && gate != nil && program != nil
    }

    @Test(.enabled(if: GDBSessionTests.canRun,
                   "needs /usr/bin/gdb, the built gate executable and `gcc -m32 -static` (gcc-multilib)"))
    func gdbBreaksStepsIntoTheVDSOAndSeesTheExit() throws {
        let program = GDBSessionTests.program!
        let dir = URL(fileURLWithPath: program).deletingLastPathComponent().path
        defer { try? FileManager.default.removeItem(atPath: dir) }

        // Gate listens on a port the host picks and says which.
        let gate = Process()
        gate.executableURL = URL(fileURLWithPath: GDBSessionTests.gate!)
        gate.arguments = ["run", "--gdb", "0", program]
        let gateErr = Pipe()
        gate.standardError = gateErr
        gate.standardOutput = FileHandle.nullDevice
        try gate.run()
        defer { if gate.isRunning { gate.terminate() } }
        var banner = ""
        while !banner.contains("\n") {
            let chunk = gateErr.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            banner += String(decoding: chunk, as: UTF8.self)
        }
        let port = try #require(banner.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) },
                                "gate said: \(banner)")
        #expect(banner.hasPrefix("gate: waiting for gdb on 127.0.0.1:"))

        let script = """
            set pagination off
            set confirm off
            set architecture i386
            target remote 127.0.0.1:\(port)
            break main
            continue
            set $n = 0
            while ($pc != 0xffffe400 && $n < 1000)
              stepi
              set $n = $n + 1
            end
            printf "pc-in-vsyscall 0x%x\\n", $pc
            info symbol $pc
            p $eax
            info registers cs ss ds es fs gs
            stepi 5
            printf "pc-after-sysenter 0x%x\\n", $pc
            bt
            continue
            """
        let scriptPath = dir + "/session.gdb"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let gdb = Process()
        gdb.executableURL = URL(fileURLWithPath: GDBSessionTests.gdb)
        gdb.arguments = ["-batch", "-nx", "-x", scriptPath, program]
        let out = Pipe()
        gdb.standardOutput = out
        gdb.standardError = out
        try gdb.run()
        // A hung session must fail the test, not hang it.
        let watchdog = DispatchWorkItem { if gdb.isRunning { gdb.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let transcript = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        gdb.waitUntilExit()
        watchdog.cancel()
        gate.waitUntilExit()

        #expect(transcript.contains("Breakpoint 1, main () at"), "\(transcript)")
        #expect(transcript.contains("pc-in-vsyscall 0xffffe400"), "\(transcript)")
        #expect(transcript.contains("__kernel_vsyscall in section"), "\(transcript)")
        #expect(transcript.contains("$1 = 20"), "\(transcript)")                      // __NR_getpid
        #expect(transcript.contains(#/cs\s+0x73/#) && transcript.contains(#/gs\s+0x33/#), "\(transcript)")
        #expect(transcript.contains("pc-after-sysenter 0xffffe410"), "\(transcript)")  // SYSENTER_RETURN
        #expect(transcript.contains("in getpid ()") && transcript.contains("in main () at"), "\(transcript)")
        #expect(transcript.contains("exited normally"), "\(transcript)")
        #expect(gate.terminationStatus == 0)
    }
}
