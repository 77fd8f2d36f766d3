import Foundation
import Testing
@testable import IA32
@testable import Linux

/// A libc-free static program (CRC-32 and a sort, raw `int $0x80` for write and exit)
/// gives the same bytes and exit status in Gate as on the real CPU.
struct BareProcessTests {
    static func program(_ name: String) -> URL {
        Bundle.module.url(forResource: "Programs", withExtension: nil)!.appendingPathComponent(name)
    }

    @Test func crcsortMatchesRecordedNativeRun() throws {
        let binary = try [UInt8](Data(contentsOf: BareProcessTests.program("crcsort")))
        let expected = try [UInt8](Data(contentsOf: BareProcessTests.program("crcsort.expected")))
        let status = try String(contentsOf: BareProcessTests.program("crcsort.status"), encoding: .utf8)
        for model in [CPUModel.pentium, .pentium2] {
            let p = try BareProcess(executable: binary, arguments: ["crcsort"], model: model)
            let exit = p.run()
            #expect(exit == .exited(Int32(status.trimmingCharacters(in: .whitespacesAndNewlines))!))
            #expect(p.output[1] == expected)
            #expect(p.unimplemented.isEmpty)
        }
    }

    /// Where this host runs i386 code, the recording is checked against a fresh native run.
    @Test func recordingMatchesNativeExecution() throws {
        let url = BareProcessTests.program("crcsort")
        let run = Process()
        run.executableURL = url
        let pipe = Pipe()
        run.standardOutput = pipe
        do { try run.run() } catch { return }   // no i386 execution on this host
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        run.waitUntilExit()
        let expected = try Data(contentsOf: BareProcessTests.program("crcsort.expected"))
        #expect(out == expected)
        let status = try String(contentsOf: BareProcessTests.program("crcsort.status"), encoding: .utf8)
        #expect(run.terminationStatus == Int32(status.trimmingCharacters(in: .whitespacesAndNewlines))!)
    }

    @Test func badInputIsAClearError() {
        #expect(throws: ELFError.notELF) { try ELFFile([0x23, 0x21, 0x2f, 0x62]) }
        #expect(throws: ELFError.truncated) { try ELFFile([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]) }
        var x64 = [UInt8](repeating: 0, count: 64)
        x64[0...3] = [0x7f, 0x45, 0x4c, 0x46]; x64[4] = 2
        #expect(throws: ELFError.wrongClass(2)) { try ELFFile(x64) }
    }
}
