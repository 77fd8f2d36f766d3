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
    static func native(_ program: String, _ args: [String], cwd: String? = nil, stdinPath: String? = nil,
                       environment: [String] = environment) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: program)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        p.environment = Dictionary(uniqueKeysWithValues: environment.map {
            let kv = $0.split(separator: "=", maxSplits: 1)
            return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
        })
        let (out, outPath) = temporaryFile()
        defer { close(out); unlink(outPath) }
        p.standardOutput = FileHandle(fileDescriptor: out, closeOnDealloc: false)
        p.standardError = FileHandle(fileDescriptor: out, closeOnDealloc: false)
        p.standardInput = stdinPath.map { FileHandle(forReadingAtPath: $0)! } ?? FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let data = FileManager.default.contents(atPath: outPath) ?? Data()
        let status = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        return Result(stdout: [UInt8](data), status: status)
    }
}
