import Foundation
import Testing
@testable import IA32
@testable import Linux

/// Processes, threads and the plumbing between them, on real programs: Debian's
/// busybox `sh` running a script with pipelines, subshells, command substitution,
/// background jobs, `wait`, `trap` and `kill` (all of its children inside Gate), the
/// pthreads program, and a raw `clone` whose CLONE_CHILD_CLEARTID wakes its parent.
struct TaskTests {
    static let script = GateHarness.programs.appendingPathComponent("shell.sh")

    static func runScript(_ native: Bool, model: CPUModel = .default,
                          inspect: ((Kernel) -> Void)? = nil) throws -> GateHarness.Result {
        let dir = NSTemporaryDirectory() + "gate-sh-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try String(contentsOf: script, encoding: .utf8)
        return native
            ? try GateHarness.native(GateHarness.busybox, ["sh", "-c", text], cwd: dir)
            : try GateHarness.gate(GateHarness.busybox, ["sh", "-c", text], model: model, cwd: dir, kernel: inspect)
    }

    /// The host children of the thread running Gate (Linux /proc), nil where unknown.
    static func hostChildren() -> String? {
        // A procfs file reports size 0: read it with read(2), not a size-based API.
        let fd = open("/proc/thread-self/children", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = read(fd, &buf, buf.count)
        guard n >= 0 else { return nil }
        return String(decoding: buf[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    @Test(.enabled(if: GateHarness.haveFixtures, "busybox fixture not fetched"), arguments: [CPUModel.pentium, .pentium2])
    func busyboxShellScript(model: CPUModel) throws {
        let want = try StaticProgramTests.expected("shell")
        var spawned: Int32 = 0
        var clones = 0, execs = 0
        var hostChildrenSeen: [String] = []
        let r = try TaskTests.runScript(false, model: model) { k in spawned = k.nextPid - 1000 }
        #expect(r == want, "gate on \(model.name): \(r)\nwant \(want)")
        // Count what the guest did, and look at the host while it happens.
        var options = Kernel.Options()
        options.model = model
        let dir = NSTemporaryDirectory() + "gate-sh-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let null = open("/dev/null", O_RDWR)
        defer { close(null) }
        options.stdin = null; options.stdout = null; options.stderr = null
        options.environment = GateHarness.environment
        let kernel = try Kernel(options: options)
        kernel.process.fs.cwd = dir
        kernel.syscallObserver = { _, number, _, _, _ in
            if number == 120 || number == 2 || number == 190 { clones += 1 }
            if number == 11 { execs += 1 }
            if let c = TaskTests.hostChildren() { hostChildrenSeen.append(c) }
        }
        let text = try String(contentsOf: TaskTests.script, encoding: .utf8)
        try kernel.exec(path: GateHarness.busybox, arguments: [GateHarness.busybox, "sh", "-c", text])
        let exit = kernel.run()
        #expect(exit == .exited(0))
        #expect(clones >= 20, "the script forks for pipelines, subshells and jobs: \(clones)")
        #expect(spawned >= 20, "Gate gave out pids 1001…: \(spawned)")
        // Every child was a Gate task: the host thread running Gate never had one.
        #expect(!hostChildrenSeen.isEmpty && hostChildrenSeen.allSatisfy { $0.isEmpty }, "\(Set(hostChildrenSeen))")
    }

    @Test(.enabled(if: GateHarness.haveFixtures && GateHarness.nativeI386, "no busybox or no i386 execution"))
    func busyboxShellRecordingMatchesNative() throws {
        #expect(try TaskTests.runScript(true) == (try StaticProgramTests.expected("shell")))
    }

    /// The guest sees Gate's own pids, in order: $$ is 1000, children count up, and
    /// getppid in a child is its Gate parent.
    @Test(.enabled(if: GateHarness.haveFixtures, "busybox fixture not fetched"))
    func guestPidsAreGatesOwn() throws {
        let r = try GateHarness.gate(GateHarness.busybox, ["sh", "-c", "echo $$; sh -c 'echo $PPID $$'; (exit 0) & echo $!; wait"])
        #expect(String(decoding: r.stdout, as: UTF8.self) == "1000\n1000 1001\n1002\n")
    }

    /// A raw clone with its own stack and CLONE_CHILD_CLEARTID: the parent's FUTEX_WAIT
    /// on the tid word returns 0, woken by the kernel at the child's exit.
    @Test(arguments: [CPUModel.pentium, .pentium2])
    func rawCloneFutexWake(model: CPUModel) throws {
        var futexResults: [Int32] = []
        var options = Kernel.Options()
        options.model = model
        let (fd, path) = GateHarness.temporaryFile()
        defer { close(fd); unlink(path) }
        options.stdout = fd; options.stderr = fd
        let kernel = try Kernel(options: options)
        kernel.syscallObserver = { _, number, _, regs, result in
            if number == 240 && regs.ecx & 0x7f == 0 { futexResults.append(result) }
        }
        let program = GateHarness.programs.appendingPathComponent("rawclone").path
        try kernel.exec(path: program, arguments: [program])
        #expect(kernel.run() == .exited(0))
        #expect(futexResults.contains(0), "FUTEX_WAIT results: \(futexResults)")
        let out = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        #expect(out == (try String(contentsOf: GateHarness.programs.appendingPathComponent("rawclone.expected"), encoding: .utf8)))
    }

    /// fork's eager copy: a child of a program with a touched 2 MiB heap sees the
    /// parent's bytes, and the copy's cost is measured (printed for the notes).
    @Test func forkCopiesTheAddressSpace() throws {
        let kernel = try Kernel(options: Kernel.Options())
        let p = kernel.process
        p.mm.map(0x1000_0000, length: 2 << 20, permission: PagePermission.userWrite, name: "[heap]")
        for i in stride(from: 0, to: 2 << 20, by: 4096) { p.memory.store32(0x1000_0000 + UInt32(i), UInt32(i) | 1) }
        let child = GuestMemory()!
        let clock = ContinuousClock()
        let t = clock.measure { p.memory.copyForFork(areas: p.mm.areas, into: child) }
        for i in stride(from: 0, to: 2 << 20, by: 4096) {
            #expect(child.load32(0x1000_0000 + UInt32(i)) == UInt32(i) | 1)
        }
        #expect(child.permission(at: 0x1000_0000) == PagePermission.userWrite)
        #expect(child.permission(at: 0x2000_0000) == 0)
        print("fork copy of 2 MiB heap + kernel pages: \(t)")
    }

    /// Under a root with Debian's i386 userland, the shell's children exec dynamic
    /// coreutils (ld.so, libc from the root) inside Gate, in a pipeline and a command
    /// substitution.
    @Test(.enabled(if: GateHarness.haveFixtures, "fixtures not fetched"))
    func dynamicProgramsExecInsideGate() throws {
        let root = GateHarness.fixtureRoot.resolvingSymlinksInPath().path
        let script = "/bin/ls /usr | /usr/bin/wc -l; echo \"$(/usr/bin/env date -u -d @0 +%Y)\"; /usr/bin/sort --version | head -n 1"
        let r = try GateHarness.gate(root + "/bin/busybox", ["sh", "-c", script], root: root)
        #expect(r == GateHarness.Result(stdout: Array("5\n1970\nsort (GNU coreutils) 9.1\n".utf8), status: 0), "\(r)")
    }
}

/// The process table keeps processes in PID order, whatever order they come and go in.
struct ProcessTableTests {
    @Test func findsInsertsAndRemovesInPIDOrder() throws {
        let memory = try #require(GuestMemory())
        let cpu = CPU(memory: memory)
        var table = ProcessTable()
        var made: [Int32: Linux.Process] = [:]
        for pid: Int32 in [1005, 1000, 1003, 1009, 1001] {
            let p = Linux.Process(memory: memory, cpu: cpu)
            p.pid = pid
            made[pid] = p
            table[pid] = p
        }
        #expect(table.values.map(\.pid) == [1000, 1001, 1003, 1005, 1009])
        #expect(table[1003] === made[1003])
        #expect(table[1004] == nil)
        #expect(table.removeValue(forKey: 1003) === made[1003])
        #expect(table.removeValue(forKey: 1003) == nil)
        table[1000] = nil
        table[1009] = made[1009]                // setting again keeps one entry
        #expect(table.values.map(\.pid) == [1001, 1005, 1009])
        #expect(table.count == 3)
    }
}
