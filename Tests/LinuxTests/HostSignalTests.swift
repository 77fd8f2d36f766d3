import Foundation
import Testing
@testable import IA32
@testable import Linux

/// Signals from the host's terminal reach the guest's foreground process group:
/// Ctrl-C (SIGINT), Ctrl-Z (SIGTSTP) and the SIGCONT that continues Gate. The flags
/// the host's handlers raise are global, so these tests run one at a time, and none
/// lets Gate stop the host process (the test stands in for the host's shell).
@Suite(.serialized)
struct HostSignalTests {
    /// Runs busybox `sh -c script` with host signals forwarded, "pressing" `key` (the
    /// host signal it sends) once the shell has started a child. `stopHost` stands in
    /// for Gate stopping itself. Returns how Gate ended and what the guest printed.
    static func shell(_ script: String, pressing key: Int32, stopHost: @escaping (Kernel) -> Void = { _ in })
        throws -> (Kernel.Exit, String) {
        var sent = false
        let (fd, path) = GateHarness.temporaryFile()
        defer { close(fd); unlink(path) }
        let null = open("/dev/null", O_RDONLY)
        defer { close(null) }
        var options = Kernel.Options()
        options.stdin = null; options.stdout = fd; options.stderr = fd
        options.environment = GateHarness.environment
        let k = try Kernel(options: options)
        k.forwardsHostSignals = true
        k.stopHost = { stopHost(k) }
        k.syscallObserver = { _, _, _, _, _ in
            if !sent && k.current.tid > 1000 {
                sent = true
                HostSignals.raise(key)
            }
        }
        try k.exec(path: GateHarness.busybox, arguments: [GateHarness.busybox, "sh", "-c", script])
        let exit = k.run()
        return (exit, String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self))
    }

    /// Ctrl-C reaches the guest's foreground group: the shell's `sleep` child dies of
    /// SIGINT (status 130) and the shell runs its trap and goes on, as under a terminal.
    @Test(.enabled(if: GateHarness.haveFixtures, "busybox fixture not fetched"))
    func hostSigintGoesToTheForegroundGroup() throws {
        let (exit, out) = try HostSignalTests.shell("trap 'echo got INT' INT; sleep 5; echo after $?", pressing: 2)
        #expect(exit == .exited(0))
        #expect(out == "got INT\nafter 130\n")
    }

    /// Ctrl-Z stops the foreground group — the shell and its `sleep` child — and Gate
    /// stops with its first process (the test stands in for the host's shell: it sees
    /// the stop and continues Gate, as `fg` would); both go on, and the interrupted
    /// sleep finishes its whole second.
    @Test(.enabled(if: GateHarness.haveFixtures, "busybox fixture not fetched"))
    func hostSigtstpStopsTheForegroundGroup() throws {
        var hostStops = 0
        var firstStoppedAtHostStop = false
        let clock = ContinuousClock()
        let start = clock.now
        let (exit, out) = try HostSignalTests.shell("sleep 1; echo after $?", pressing: 20) { k in
            hostStops += 1
            firstStoppedAtHostStop = k.initial.stopped
            HostSignals.raise(18)           // the host's shell continues Gate
        }
        #expect(exit == .exited(0))
        #expect(clock.now - start >= .milliseconds(990))
        #expect(hostStops == 1)
        #expect(firstStoppedAtHostStop)
        #expect(out == "after 0\n")
    }
}
