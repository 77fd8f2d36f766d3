import Foundation
import Testing
@testable import IA32
@testable import Linux

/// A controlling terminal and job control on it, on a host pseudo-terminal: the `tty`
/// program makes it a new session's controlling terminal and runs background jobs
/// that read it, change it and write to it; Gate gives the recorded native output on
/// both entry paths, and so does a fresh native run.
struct TerminalTests {
    static func run(native: Bool, model: CPUModel = .default) throws -> GateHarness.Result? {
        guard let (master, slave) = GateHarness.pseudoTerminal() else { return nil }
        defer { close(master) }
        let program = GateHarness.programs.appendingPathComponent("tty").path
        return native ? try GateHarness.native(program, [slave]) : try GateHarness.gate(program, [slave], model: model)
    }

    @Test(arguments: [CPUModel.pentium, .pentium2])
    func jobControlOnAPseudoTerminal(model: CPUModel) throws {
        guard let r = try TerminalTests.run(native: false, model: model) else { return }   // no ptys here
        #expect(r == (try StaticProgramTests.expected("tty")), "\(r)")
    }

    @Test(.enabled(if: GateHarness.nativeI386, "no i386 execution on this host"))
    func recordingMatchesANativeRun() throws {
        guard let r = try TerminalTests.run(native: true) else { return }
        #expect(r == (try StaticProgramTests.expected("tty")), "\(r)")
    }
}
