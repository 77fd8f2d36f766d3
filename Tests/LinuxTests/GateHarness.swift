import Foundation
@testable import IA32
@testable import Linux

/// Runs i386 programs the two ways the tests compare: in Gate (in this process, with
/// its standard streams on temporary files) and natively (where the host can).
enum GateHarness {
    struct Result: Equatable, CustomStringConvertible {
        var stdout: [UInt8]
        var status: Int32
        var description: String { "status \(status), stdout \(String(decoding: stdout, as: UTF8.self).debugDescription)" }
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let programs = repository.appendingPathComponent("Tests/LinuxTests/Programs")
    /// The unpacked Debian i386 packages (`Tools/fixtures/fetch.sh`).
    static let fixtureRoot = repository.appendingPathComponent("Tools/fixtures/i386-root")
    static var busybox: String { fixtureRoot.appendingPathComponent("bin/busybox").path }
    static var haveFixtures: Bool { FileManager.default.isExecutableFile(atPath: busybox) }
    static let environment = ["PATH=/bin:/usr/bin", "TZ=UTC", "LC_ALL=C", "HOME=/"]

    /// Whether this host runs i386 programs natively (the oracle is available).
    static let nativeI386: Bool = {
        let p = Process()
        p.executableURL = programs.appendingPathComponent("crcsort")
        p.standardOutput = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 117
    }()

    /// A host pseudo-terminal: the master's descriptor and the slave's path (nil where
    /// there are none). posix_openpt by hand (Swift's Glibc leaves it out): open the
    /// multiplexer without making it a controlling terminal, unlock, ask the number.
    static func pseudoTerminal() -> (master: Int32, slave: String)? {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard master >= 0 else { return nil }
        var unlock: Int32 = 0, number: UInt32 = 0
        guard ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
            close(master)
            return nil
        }
        return (master, "/dev/pts/\(number)")
    }

    static func temporaryFile() -> (Int32, String) {
        let path = NSTemporaryDirectory() + "gate-\(UUID().uuidString)"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        return (fd, path)
    }

    /// Runs `program` in Gate; `stdinPath` feeds its standard input.
    static func gate(_ program: String, _ args: [String], model: CPUModel = .default, root: String = "/",
                     cwd: String? = nil, stdinPath: String? = nil, environment: [String] = environment,
                     kernel inspect: ((Kernel) -> Void)? = nil) throws -> Result {
        let (out, outPath) = temporaryFile()
        defer { close(out); unlink(outPath) }
        let input = stdinPath.map { open($0, O_RDONLY) } ?? open("/dev/null", O_RDONLY)
        defer { close(input) }
        var options = Kernel.Options()
        options.model = model
        options.root = root
        options.environment = environment
        options.stdin = input
        options.stdout = out
        options.stderr = out
        let kernel = try Kernel(options: options)
        if let cwd { kernel.process.fs.cwd = cwd }
        try kernel.exec(path: program, arguments: [program] + args)
        let exit = kernel.run()
        inspect?(kernel)
        let data = FileManager.default.contents(atPath: outPath) ?? Data()
        return Result(stdout: [UInt8](data), status: exit.shellStatus)
    }

    /// Runs `program` natively (stdout and stderr together, as in `gate`).
    ///
    /// Spawned with every signal unblocked and at its default action: the test
    /// runner's threads block most signals and Gate ignores SIGPIPE in the host, and a
    /// child would inherit both (a shell's sigsuspend would never see SIGCHLD).
    static func native(_ program: String, _ args: [String], cwd: String? = nil, stdinPath: String? = nil,
                       environment: [String] = environment) throws -> Result {
        let (out, outPath) = temporaryFile()
        defer { close(out); unlink(outPath) }
        let input = stdinPath.map { open($0, O_RDONLY) } ?? open("/dev/null", O_RDONLY)
        defer { close(input) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input, 0)
        posix_spawn_file_actions_adddup2(&actions, out, 1)
        posix_spawn_file_actions_adddup2(&actions, out, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        // The directory change goes through the host shell (posix_spawn_file_actions_addchdir_np
        // is not in Swift's Glibc module); `exec` keeps the clean signal state.
        let command = cwd.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, program] } ?? [program]
        let argv = (command + args).map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        var st: Int32 = 0
        while waitpid(pid, &st, 0) < 0 && errno == EINTR {}
        let data = FileManager.default.contents(atPath: outPath) ?? Data()
        let status = st & 0x7f != 0 ? 128 + (st & 0x7f) : (st >> 8) & 0xff
        return Result(stdout: [UInt8](data), status: status)
    }
}
