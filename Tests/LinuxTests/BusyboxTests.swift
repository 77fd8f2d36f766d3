import Foundation
import Testing
@testable import IA32
@testable import Linux

/// Debian's busybox-static:i386 applets give their native output in Gate. Each case
/// runs in a fresh directory holding the same fixture files. Expectations come from
/// running the same binary natively now (where the host can) and from the recording in
/// `Programs/busybox.expected` (`GATE_RECORD=1` rewrites it from native runs).
struct BusyboxTests {
    /// (name, applet arguments, stdin file or nil). Later cases may use files earlier
    /// cases made, so every case runs in its own copy of the fixtures.
    static let cases: [(String, [String], String?)] = [
        ("echo", ["echo", "hello", "world"], nil),
        ("cat", ["cat", "poem.txt"], nil),
        ("sort", ["sort", "words.txt"], nil),
        ("sort-numeric-reverse", ["sort", "-n", "-r", "numbers.txt"], nil),
        ("md5sum", ["md5sum", "poem.txt", "words.txt"], nil),
        ("sha256sum", ["sha256sum", "poem.txt"], nil),
        ("sha1sum", ["sha1sum", "numbers.txt"], nil),
        ("gzip-gunzip", ["sh", "-c", "true"], nil),   // replaced below by two runs
        ("awk", ["awk", "{ s += $1; print NR, $1 * 2 } END { print \"sum\", s }", "numbers.txt"], nil),
        ("sed", ["sed", "-e", "s/o/0/g", "-e", "2d", "poem.txt"], nil),
        ("grep", ["grep", "-n", "-i", "THE", "poem.txt"], nil),
        ("grep-missing", ["grep", "zebra", "poem.txt"], nil),
        ("find", ["find", ".", "-name", "*.txt"], nil),
        ("wc", ["wc", "poem.txt", "words.txt"], nil),
        ("date", ["date", "-u", "-d", "@1234567890", "+%Y-%m-%d %H:%M:%S %A"], nil),
        ("od", ["od", "-A", "x", "-t", "x1z", "numbers.txt"], nil),
        ("head", ["head", "-n", "2", "poem.txt"], nil),
        ("tail", ["tail", "-n", "2", "poem.txt"], nil),
        ("cut", ["cut", "-d", " ", "-f", "2", "poem.txt"], nil),
        ("tr", ["tr", "a-z", "A-Z"], "poem.txt"),
        ("uniq", ["uniq", "-c", "dups.txt"], nil),
        ("expr", ["expr", "6", "*", "7"], nil),
        ("seq", ["seq", "3", "2", "15"], nil),
        ("stat", ["stat", "-c", "%n %s %F %a", "poem.txt", "sub"], nil),
        ("ls", ["ls", "-a", "."], nil),
        ("ls-R", ["ls", "-R", "sub"], nil),
        ("basename", ["basename", "/usr/lib/libfoo.so.1", ".1"], nil),
        ("dirname", ["dirname", "/usr/lib/libfoo.so.1"], nil),
        ("printf", ["printf", "%05d|%-6s|%x|%c\\n", "42", "ab", "255", "Z"], nil),
        ("false", ["false"], nil),
        ("test", ["test", "-d", "sub"], nil),
        ("hexdump", ["hexdump", "-C", "words.txt"], nil),
        ("cmp", ["cmp", "poem.txt", "words.txt"], nil),
        ("factor", ["factor", "1234567890"], nil),
        ("rev", ["rev", "words.txt"], nil),
        ("nl", ["nl", "poem.txt"], nil),
        ("fold", ["fold", "-w", "10", "poem.txt"], nil),
        ("tac", ["tac", "words.txt"], nil),
    ]

    /// Multi-step cases: each step's output is concatenated.
    static let scripts: [(String, [[String]])] = [
        ("gzip-gunzip", [["gzip", "-k", "poem.txt"], ["ls", "poem.txt.gz"], ["gunzip", "-c", "poem.txt.gz"]]),
        ("tar", [["tar", "-cf", "a.tar", "sub"], ["tar", "-tf", "a.tar"], ["rm", "-r", "sub"], ["tar", "-xf", "a.tar"],
                 ["cat", "sub/inner/deep.txt"]]),
        ("touch-rm-mkdir", [["touch", "new.txt"], ["mkdir", "-p", "x/y/z"], ["ls", "-R", "x"], ["rm", "new.txt"],
                            ["ls"], ["rmdir", "x/y/z"], ["mv", "words.txt", "moved.txt"], ["ls"]]),
        ("cp-ln", [["cp", "poem.txt", "copy.txt"], ["ln", "-s", "copy.txt", "link"], ["readlink", "link"], ["cat", "link"]]),
        ("chmod", [["chmod", "600", "poem.txt"], ["stat", "-c", "%a", "poem.txt"]]),
    ]

    /// A fresh directory with the fixture files.
    static func fixtures() throws -> String {
        let dir = NSTemporaryDirectory() + "gate-bb-\(UUID().uuidString)"
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/sub/inner", withIntermediateDirectories: true)
        func put(_ name: String, _ text: String) throws {
            try text.write(toFile: dir + "/" + name, atomically: false, encoding: .utf8)
        }
        try put("poem.txt", "The quick brown fox\njumps over the lazy dog\nand then the fox sleeps\nunder the old oak tree\n")
        try put("words.txt", "pear\napple\nfig\nbanana\ncherry\napple\n")
        try put("numbers.txt", "10\n3\n250\n-7\n42\n")
        try put("dups.txt", "a\na\nb\nc\nc\nc\na\n")
        try put("sub/one.txt", "1\n")
        try put("sub/inner/deep.txt", "deep inside\n")
        // Fixed times so nothing depends on when the test runs.
        for f in ["poem.txt", "words.txt", "numbers.txt", "dups.txt", "sub/one.txt", "sub/inner/deep.txt", "sub/inner", "sub"] {
            try fm.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)], ofItemAtPath: dir + "/" + f)
        }
        return dir
    }

    enum Runner { case gate, native }

    static func run(_ runner: Runner, steps: [[String]], stdin: String?) throws -> GateHarness.Result {
        let dir = try fixtures()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var combined = GateHarness.Result(stdout: [], status: 0)
        for argv in steps {
            let input = stdin.map { dir + "/" + $0 }
            let r = runner == .gate
                ? try GateHarness.gate(GateHarness.busybox, argv, cwd: dir, stdinPath: input)
                : try GateHarness.native(GateHarness.busybox, argv, cwd: dir, stdinPath: input)
            combined.stdout += r.stdout
            combined.status = r.status
        }
        return combined
    }

    static var allCases: [(String, [[String]], String?)] {
        cases.filter { $0.0 != "gzip-gunzip" }.map { ($0.0, [$0.1], $0.2) } + scripts.map { ($0.0, $0.1, nil) }
    }

    static let recordingURL = GateHarness.programs.appendingPathComponent("busybox.expected")

    /// name → result, from the recording.
    static func recorded() -> [String: GateHarness.Result] {
        guard let text = try? String(contentsOf: recordingURL, encoding: .utf8) else { return [:] }
        var out: [String: GateHarness.Result] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count == 3, let status = Int32(f[1]), let data = Data(base64Encoded: String(f[2])) else { continue }
            out[String(f[0])] = GateHarness.Result(stdout: [UInt8](data), status: status)
        }
        return out
    }

    @Test(.enabled(if: GateHarness.haveFixtures || ProcessInfo.processInfo.environment["CI"] != nil,
                   "busybox fixture not fetched (Tools/fixtures/fetch.sh)"))
    func appletsMatchNative() throws {
        #expect(GateHarness.haveFixtures, "CI must fetch the fixtures")
        let recording = BusyboxTests.recorded()
        var record: [String] = []
        var passed = 0
        for (name, steps, stdin) in BusyboxTests.allCases {
            let mine = try BusyboxTests.run(.gate, steps: steps, stdin: stdin)
            if GateHarness.nativeI386 {
                let native = try BusyboxTests.run(.native, steps: steps, stdin: stdin)
                #expect(mine == native, "\(name): gate \(mine) vs native \(native)")
                record.append("\(name)\t\(native.status)\t\(Data(native.stdout).base64EncodedString())")
            }
            if let r = recording[name] {
                #expect(mine == r, "\(name): gate \(mine) vs recorded \(r)")
            } else if !GateHarness.nativeI386 {
                Issue.record("\(name): no recorded expectation")
            }
            if (recording[name].map { $0 == mine } ?? true) { passed += 1 }
        }
        #expect(passed >= 25)
        if ProcessInfo.processInfo.environment["GATE_RECORD"] != nil {
            try (record.joined(separator: "\n") + "\n").write(to: BusyboxTests.recordingURL, atomically: true, encoding: .utf8)
        }
    }
}
