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
    /// Ctrl-C reaches the guest's foreground group: the shell's `sleep` child dies of
    /// SIGINT (status 130) and the shell runs its trap and goes on, as under a terminal.
    @Test(.enabled(if: GateHarness.haveFixtures, "busybox fixture not fetched"))
    func hostSigintGoesToTheForegroundGroup() throws {
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
        k.stopHost = {}                         // never the test runner
        k.syscallObserver = { _, _, _, _, _ in
            // Once the shell has started its `sleep` child, "press Ctrl-C".
            if !sent && k.current.tid > 1000 {
                sent = true
                HostSignals.raise(2)
            }
        }
        let argv = [GateHarness.busybox, "sh", "-c", "trap 'echo got INT' INT; sleep 5; echo after $?"]
        try k.exec(path: GateHarness.busybox, arguments: argv)
        #expect(k.run() == .exited(0))
        let r = GateHarness.Result(stdout: [UInt8](FileManager.default.contents(atPath: path) ?? Data()), status: 0)
        #expect(String(decoding: r.stdout, as: UTF8.self) == "got INT\nafter 130\n")
    }

    /// Ctrl-Z stops the foreground group — the shell and its `sleep` child — and Gate
    /// stops with its first process (the test stands in for the host's shell: it sees
    /// the stop and continues Gate, as `fg` would); both go on, and the interrupted
    /// sleep finishes its whole second.
    @Test(.enabled(if: GateHarness.haveFixtures, "busybox fixture not fetched"))
    func hostSigtstpStopsTheForegroundGroup() throws {
        var sent = false
        var hostStops = 0
        var firstStoppedAtHostStop = false
        let (fd, path) = GateHarness.temporaryFile()
        defer { close(fd); unlink(path) }
        let null = open("/dev/null", O_RDONLY)
        defer { close(null) }
        var options = Kernel.Options()
        options.stdin = null; options.stdout = fd; options.stderr = fd
        options.environment = GateHarness.environment
        let k = try Kernel(options: options)
        k.forwardsHostSignals = true
        k.stopHost = {
            hostStops += 1
            firstStoppedAtHostStop = k.initial.stopped
            HostSignals.raise(18)           // the host's shell continues Gate
        }
        k.syscallObserver = { _, _, _, _, _ in
            if !sent && k.current.tid > 1000 {
                sent = true
                HostSignals.raise(20)       // Ctrl-Z
            }
        }
        let argv = [GateHarness.busybox, "sh", "-c", "sleep 1; echo after $?"]
        let clock = ContinuousClock()
        let start = clock.now
        try k.exec(path: GateHarness.busybox, arguments: argv)
        #expect(k.run() == .exited(0))
        #expect(clock.now - start >= .milliseconds(990))
        #expect(hostStops == 1)
        #expect(firstStoppedAtHostStop)
        let out = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        #expect(out == "after 0\n")
    }
}
