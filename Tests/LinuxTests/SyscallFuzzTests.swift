import Foundation
import Testing
@testable import IA32
@testable import Linux

/// Bad system-call arguments never crash Gate: every implemented call gets random
/// numbers and pointers (wild, kernel-half, and into mapped memory full of random bytes),
/// inside a throwaway root with /dev/null for its standard streams, and must return a
/// result or -errno. Left out: calls that block by design (sleeps, poll, select, reads
/// that wait) and pipe creation (a full pipe would block the writer), and getrandom
/// (slow with random sizes).
struct SyscallFuzzTests {
    static let skipped: Set<String> = ["nanosleep", "clock_nanosleep", "clock_nanosleep_time64", "poll", "select",
                                       "_newselect", "ppoll", "ppoll_time64", "pselect6", "pselect6_time64",
                                       "read", "readv", "pread64", "preadv", "pipe", "pipe2", "getrandom",
                                       "exit", "exit_group"]
    /// Calls whose results are addresses, old values or unsigned counts, not errors, when
    /// negative: alarm returns the seconds left of a timer setitimer may have set to 2^31
    /// seconds or more.
    static let anyResult: Set<String> = ["mmap", "mmap2", "mremap", "brk", "time", "times", "personality", "alarm"]

    @Test func randomArgumentsEndInResultsOrErrors() throws {
        let dir = NSTemporaryDirectory() + "gate-fuzz-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/d", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let null = open("/dev/null", O_RDWR)
        defer { close(null) }
        var options = Kernel.Options()
        options.root = dir
        options.stdin = null; options.stdout = null; options.stderr = null
        let kernel = try Kernel(options: options)
        let p = kernel.process
        let scratch: UInt32 = 0x1000_0000
        p.mm.map(scratch, length: 0x4000, permission: PagePermission.userWrite)
        var rng = SystemRandomNumberGenerator()
        var calls = 0
        for group in SyscallCatalog.groups {
            for entry in group where !SyscallFuzzTests.skipped.contains(entry.name) {
                for round in 0..<20 {
                    var bytes = (0..<0x4000).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    for k in stride(from: 0, to: bytes.count, by: 97) { bytes[k] = 0 }
                    p.memory.poke(scratch, bytes)
                    func arg() -> UInt32 {
                        switch UInt32.random(in: 0..<6, using: &rng) {
                        case 0: return UInt32.random(in: 0...UInt32.max, using: &rng)
                        case 1: return UInt32.random(in: 0...16, using: &rng)
                        case 2: return 0xc000_0000 &+ UInt32.random(in: 0..<0x1000, using: &rng)
                        case 3: return 0xffff_ff00 &+ UInt32.random(in: 0..<0x100, using: &rng)
                        default: return scratch &+ UInt32.random(in: 0..<0x4000, using: &rng)
                        }
                    }
                    let r = entry.body(SyscallContext(process: p, number: entry.number,
                                                      args: (arg(), arg(), arg(), arg(), arg(), arg())))
                    #expect(r >= -4095 || SyscallFuzzTests.anyResult.contains(entry.name),
                            "\(entry.name) round \(round) returned \(r)")
                    p.exitStatus = nil
                    calls += 1
                }
            }
        }
        #expect(calls > 2_000)
    }
}
