import Foundation
import Testing
@testable import IA32
@testable import Linux
import X86Asm

/// The GDB stub's pieces: packet framing, the target description, the packet handlers
/// against a real process, and whole exchanges over a socket pair with the program
/// running on another thread.
struct GDBStubTests {
    // MARK: Framing

    @Test func framesWithTheModulo256Checksum() {
        #expect(GDBPacket.checksum(Array("OK".utf8)) == 0x9a)
        #expect(String(decoding: GDBPacket.frame("OK"), as: UTF8.self) == "$OK#9a")
        #expect(String(decoding: GDBPacket.frame(""), as: UTF8.self) == "$#00")
    }

    @Test func escapesTheFourSpecialBytes() {
        let data: [UInt8] = [0x23, 0x24, 0x7d, 0x2a, 0x41]
        let escaped = GDBPacket.escape(data)
        #expect(escaped == [0x7d, 0x03, 0x7d, 0x04, 0x7d, 0x5d, 0x7d, 0x0a, 0x41])
        #expect(GDBPacket.unescape(escaped) == data)
        #expect(GDBPacket.unescape([0x41, 0x7d]) == nil)      // cut inside an escape
    }

    @Test func hexHelpers() {
        #expect(GDBPacket.hex([0x00, 0xab, 0x7f]) == "00ab7f")
        #expect(GDBPacket.bytes(hex: "00AB7f") == [0x00, 0xab, 0x7f])
        #expect(GDBPacket.bytes(hex: "abc") == nil)
        #expect(GDBPacket.bytes(hex: "zz") == nil)
        #expect(GDBPacket.number("ffffe400") == 0xffffe400)
        #expect(GDBPacket.number("") == nil)
        #expect(GDBPacket.number("100000000") == nil)
    }

    static func decode(_ text: String) -> [GDBInput] {
        var d = GDBPacketDecoder()
        return Array(text.utf8).compactMap { d.feed($0) }
    }

    @Test func decodesPacketsAcksAndInterrupts() {
        #expect(GDBStubTests.decode("$OK#9a") == [.packet(Array("OK".utf8))])
        #expect(GDBStubTests.decode("+-\u{3}") == [.ack, .nack, .interrupt])
        #expect(GDBStubTests.decode("$OK#9b") == [.badChecksum])
        #expect(GDBStubTests.decode("$OK#zz") == [.badChecksum])
        #expect(GDBStubTests.decode("noise$g#67") == [.packet([UInt8(ascii: "g")])])
        // A packet restarted before its end: the first part is dropped.
        #expect(GDBStubTests.decode("$m1$g#67") == [.packet([UInt8(ascii: "g")])])
        // 0x03 inside a packet is data, not an interrupt.
        var d = GDBPacketDecoder()
        let bytes: [UInt8] = [UInt8(ascii: "$"), 3, UInt8(ascii: "#")] + GDBPacket.hexByte(3)
        #expect(bytes.compactMap { d.feed($0) } == [.packet([3])])
    }

    @Test func parsesTheListenAddress() {
        #expect(GDBAddress("1234") == .tcp(port: 1234))
        #expect(GDBAddress(":1234") == .tcp(port: 1234))
        #expect(GDBAddress("/tmp/gate.sock") == .unix(path: "/tmp/gate.sock"))
        #expect(GDBAddress("./sock") == .unix(path: "./sock"))
        #expect(GDBAddress("localhost") == nil)
        #expect(GDBAddress("70000") == nil)
    }

    @Test func signalNumbersAreGDBs() {
        #expect(GDBSignal.gdb(fromLinux: 11) == 11)    // SEGV
        #expect(GDBSignal.gdb(fromLinux: 7) == 10)     // BUS
        #expect(GDBSignal.gdb(fromLinux: 17) == 20)    // CHLD
        #expect(GDBSignal.gdb(fromLinux: 10) == 30)    // USR1
        for s in Int32(1)...31 where s != 16 {
            #expect(GDBSignal.linux(fromGDB: GDBSignal.gdb(fromLinux: s)) == s)
        }
        #expect(GDBSignal.linux(fromGDB: 0) == nil)
    }

    // MARK: Target description

    @Test func targetDescriptionHasTheI386CoreRegisters() {
        let xml = GDBTargetDescription.xml
        #expect(xml.contains("<architecture>i386</architecture>"))
        #expect(xml.contains(#"<feature name="org.gnu.gdb.i386.core">"#))
        #expect(xml.contains(#"<feature name="org.gnu.gdb.i386.linux">"#))
        let names = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags",
                     "cs", "ss", "ds", "es", "fs", "gs"]
            + (0..<8).map { "st\($0)" } + ["fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop", "orig_eax"]
        for (n, name) in names.enumerated() {
            #expect(xml.contains(#"<reg name="\#(name)" "#) && xml.contains(#"regnum="\#(n)""#), "\(name)")
        }
        #expect(GDBRegister.all.map(\.name) == names)
        #expect(xml.components(separatedBy: "<reg ").count - 1 == names.count)
    }

    // MARK: Handlers

    /// A stub on a process that has exec'd a small program; its transport is one end of
    /// a socket pair nobody reads (the handlers are called directly).
    static func stub(code: [UInt8], model: CPUModel = .default) throws -> (GDBStub, Int32) {
        var options = Kernel.Options()
        options.model = model
        options.environment = GateHarness.environment
        let kernel = try Kernel(options: options)
        try kernel.exec(image: ExecutableImage.make(code: code), path: "/test", arguments: ["/test"])
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        return (GDBStub(kernel: kernel, transport: GDBTransport(connected: fds[0])), fds[1])
    }

    /// mov $3,%ebx; mov $1,%eax; int $0x80 — exit(3).
    static let exit3: [UInt8] = [0xbb, 3, 0, 0, 0, 0xb8, 1, 0, 0, 0, 0xcd, 0x80]

    static func text(_ r: GDBStub.Response) -> String? {
        if case .reply(let b) = r { return String(decoding: b, as: UTF8.self) }
        return nil
    }

    static func ask(_ stub: GDBStub, _ packet: String) -> String? { text(stub.respond(to: Array(packet.utf8))) }

    @Test func readsAndWritesRegisters() throws {
        let (stub, peer) = try GDBStubTests.stub(code: GDBStubTests.exit3)
        defer { close(peer) }
        let cpu = stub.kernel.process.cpu
        let g = try #require(GDBStubTests.ask(stub, "g"))
        #expect(g.count == 2 * (16 * 4 + 8 * 10 + 8 * 4 + 4))
        let eip = GDBPacket.hex(GuestLayout.le32(ExecutableImage.codeAddress))
        #expect(g.dropFirst(8 * 8).prefix(8) == eip[...])
        #expect(GDBStubTests.ask(stub, "p8") == eip)
        #expect(GDBStubTests.ask(stub, "pa") == "73000000")          // cs
        #expect(GDBStubTests.ask(stub, "pb") == "7b000000")          // ss
        #expect(GDBStubTests.ask(stub, "p18") == "7f030000")         // fctrl after fninit
        #expect(GDBStubTests.ask(stub, "p1a") == "ffff0000")         // ftag: all empty
        #expect(GDBStubTests.ask(stub, "p29") == "E22")
        #expect(GDBStubTests.ask(stub, "pq") == "E01")
        #expect(GDBStubTests.ask(stub, "P0=78563412") == "OK")
        #expect(cpu.register(.eax) == 0x1234_5678)
        #expect(GDBStubTests.ask(stub, "P10=0000000000000080ff3f") == "OK")   // st0 = 1.0
        #expect(cpu.fpu.st(0) == F80.one)
        #expect(GDBStubTests.ask(stub, "Pa=60000000") == "E22")   // CS only changes by a far transfer
        #expect(GDBStubTests.ask(stub, "Pd=00000000") == "OK")    // es := null selector
        #expect(cpu.segment(.es).selector == 0)
        #expect(GDBStubTests.ask(stub, "Pd=63000000") == "E22")   // a selector the GDT refuses
        // G writes back what g read.
        let again = try #require(GDBStubTests.ask(stub, "g"))
        #expect(GDBStubTests.ask(stub, "G" + again) == "OK")
        #expect(GDBStubTests.ask(stub, "g") == again)
        #expect(GDBStubTests.ask(stub, "G00") == "E22")
    }

    @Test func readsAndWritesMemory() throws {
        let (stub, peer) = try GDBStubTests.stub(code: GDBStubTests.exit3)
        defer { close(peer) }
        let entry = String(ExecutableImage.codeAddress, radix: 16)
        #expect(GDBStubTests.ask(stub, "m\(entry),5") == "bb03000000")
        #expect(GDBStubTests.ask(stub, "mffffe000,4") == "7f454c46")          // the vDSO's ELF header
        let kernelText = try #require(GDBStubTests.ask(stub, "mc0100000,4"))   // supervisor-only, still readable
        #expect(kernelText.count == 8 && !kernelText.hasPrefix("E"))
        #expect(GDBStubTests.ask(stub, "m0,4") == "E14")
        #expect(GDBStubTests.ask(stub, "m1000,0") == "")
        #expect(GDBStubTests.ask(stub, "mxyz,4") == "E01")
        #expect(GDBStubTests.ask(stub, "m10") == "E01")
        // A read running into an unmapped page stops short.
        #expect(GDBStubTests.ask(stub, "mffffeffe,4")?.count == 4)     // the vDSO page, then nothing
        // Writes reach read-only code too, as ptrace's do.
        #expect(GDBStubTests.ask(stub, "M\(entry),1:bc") == "OK")
        #expect(GDBStubTests.ask(stub, "m\(entry),1") == "bc")
        #expect(GDBStubTests.ask(stub, "M0,1:00") == "E14")
        #expect(GDBStubTests.ask(stub, "M\(entry),2:00") == "E01")
        // X: binary, escaped.
        let x = Array("X\(entry),2:".utf8) + [0x7d, 0x03, 0x41]
        #expect(GDBStubTests.text(stub.respond(to: x)) == "OK")
        #expect(GDBStubTests.ask(stub, "m\(entry),2") == "2341")
        #expect(GDBStubTests.ask(stub, "X\(entry),0:") == "OK")
    }

    @Test func int3WrittenIntoCodeBecomesABreakpoint() throws {
        let (stub, peer) = try GDBStubTests.stub(code: GDBStubTests.exit3)
        defer { close(peer) }
        let entry = String(ExecutableImage.codeAddress, radix: 16)
        #expect(GDBStubTests.ask(stub, "M\(entry),1:cc") == "OK")
        #expect(stub.writtenBreakpoints[ExecutableImage.codeAddress] == 0xbb)
        #expect(GDBStubTests.ask(stub, "m\(entry),1") == "bb")     // the program never sees the int3
        #expect(GDBStubTests.ask(stub, "M\(entry),1:bb") == "OK")
        #expect(stub.writtenBreakpoints.isEmpty)
    }

    @Test func queriesAndBreakpoints() throws {
        let (stub, peer) = try GDBStubTests.stub(code: GDBStubTests.exit3)
        defer { close(peer) }
        let supported = try #require(GDBStubTests.ask(stub, "qSupported:swbreak+;xmlRegisters=i386"))
        #expect(supported.contains("PacketSize=") && supported.contains("qXfer:features:read+") && supported.contains("swbreak+"))
        #expect(!supported.contains("multiprocess"))
        #expect(GDBStubTests.ask(stub, "qC") == "QC3e8")
        #expect(GDBStubTests.ask(stub, "qSupported:multiprocess+;swbreak+")?.contains("multiprocess+") == true)
        #expect(GDBStubTests.ask(stub, "qC") == "QCp3e8.3e8")
        #expect(GDBStubTests.ask(stub, "qfThreadInfo") == "mp3e8.3e8")
        #expect(GDBStubTests.ask(stub, "qsThreadInfo") == "l")
        #expect(GDBStubTests.ask(stub, "qAttached") == "1")
        #expect(GDBStubTests.ask(stub, "vMustReplyEmpty") == "")
        #expect(GDBStubTests.ask(stub, "qOffsets") == "")
        #expect(GDBStubTests.ask(stub, "Hg0") == "OK")
        #expect(GDBStubTests.ask(stub, "Jfoo") == "")
        #expect(GDBStubTests.ask(stub, "vCont?") == "vCont;c;C;s;S")
        #expect(GDBStubTests.ask(stub, "?")?.hasPrefix("T05") == true)

        // The target description, in pieces.
        let xml = GDBTargetDescription.xml
        let first = try #require(GDBStubTests.ask(stub, "qXfer:features:read:target.xml:0,40"))
        #expect(first == "m" + xml.prefix(64))
        let rest = try #require(GDBStubTests.ask(stub, "qXfer:features:read:target.xml:40,10000"))
        #expect(rest == "l" + xml.dropFirst(64))
        #expect(GDBStubTests.ask(stub, "qXfer:features:read:other.xml:0,100") == "E00")
        let auxv = try #require(stub.respond(to: Array("qXfer:auxv:read::0,1000".utf8)) as GDBStub.Response?)
        if case .reply(let b) = auxv {
            let raw = try #require(GDBPacket.unescape(b.dropFirst()))
            let pairs = stride(from: 0, to: raw.count - 7, by: 8).map {
                (raw[$0..<$0 + 4].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) },
                 raw[$0 + 4..<$0 + 8].withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) })
            }
            #expect(pairs.contains { $0.0 == 33 && $0.1 == 0xffffe000 })    // AT_SYSINFO_EHDR
        }
        #expect(GDBStubTests.ask(stub, "qXfer:exec-file:read:3e8:0,100") == "l/test")

        #expect(GDBStubTests.ask(stub, "Z0,8048054,1") == "OK")
        #expect(GDBStubTests.ask(stub, "Z1,ffffe400,1") == "OK")
        #expect(stub.breakpoints == [0x8048054, 0xffffe400])
        #expect(GDBStubTests.ask(stub, "z0,8048054,1") == "OK")
        #expect(stub.breakpoints == [0xffffe400])
        #expect(GDBStubTests.ask(stub, "Z2,8048054,4") == "OK")         // write watchpoint
        #expect(stub.watchpoints.count == 1)
        #expect(GDBStubTests.ask(stub, "z2,8048054,4") == "OK")
        #expect(stub.watchpoints.isEmpty)
        #expect(GDBStubTests.ask(stub, "Z3,8048054,4") == "")           // read watchpoints: unsupported
        #expect(GDBStubTests.ask(stub, "Z0,nothex,1") == "E01")

        #expect(stub.respond(to: Array("c".utf8)) == .resume(.go(step: false, signal: nil), reply: nil))
        #expect(stub.respond(to: Array("s".utf8)) == .resume(.go(step: true, signal: nil), reply: nil))
        #expect(stub.respond(to: Array("vCont;s:p3e8.3e8;c".utf8)) == .resume(.go(step: true, signal: nil), reply: nil))
        #expect(stub.respond(to: Array("vCont;C0b".utf8)) == .resume(.go(step: false, signal: 11), reply: nil))
        #expect(stub.respond(to: Array("C0a".utf8)) == .resume(.go(step: false, signal: 7), reply: nil))   // GDB's SIGBUS
        #expect(stub.respond(to: Array("D;3e8".utf8)) == .resume(.detach, reply: "OK"))
        #expect(stub.respond(to: Array("k".utf8)) == .resume(.kill, reply: nil))
    }

    @Test func hostFilesServeTheGuestsProc() throws {
        let (stub, peer) = try GDBStubTests.stub(code: GDBStubTests.exit3)
        defer { close(peer) }
        let path = GDBPacket.hex(Array("/proc/1000/task/1000/maps".utf8))
        #expect(GDBStubTests.ask(stub, "vFile:setfs:0") == "F0")
        let open = try #require(GDBStubTests.ask(stub, "vFile:open:\(path),0,1c0"))
        #expect(open.hasPrefix("F") && !open.hasPrefix("F-1"))
        let fd = open.dropFirst()
        let read = try #require(GDBStubTests.ask(stub, "vFile:pread:\(fd),1000,0"))
        #expect(read.contains("[vdso]"))
        #expect(GDBStubTests.ask(stub, "vFile:close:\(fd)") == "F0")
        #expect(GDBStubTests.ask(stub, "vFile:close:\(fd)") == "F-1,9")
        #expect(GDBStubTests.ask(stub, "vFile:open:\(GDBPacket.hex(Array("/nonexistent".utf8))),0,0") == "F-1,2")
        #expect(GDBStubTests.ask(stub, "vFile:open:\(path),1,0") == "F-1,d")      // read-only
        #expect(GDBStubTests.ask(stub, "vFile:unlink:\(path)") == "")
    }

    /// SplitMix64: a seeded generator, so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }

    @Test func malformedPacketsGetAnswersNotCrashes() throws {
        let (stub, peer) = try GDBStubTests.stub(code: GDBStubTests.exit3)
        defer { close(peer) }
        var rng = SplitMix(state: 0x6761_7465)
        let heads = ["g", "G", "p", "P", "m", "M", "X", "c", "C", "s", "S", "Z", "z", "H", "T", "?", "vCont;", "vCont?",
                     "vFile:open:", "vFile:pread:", "vFile:close:", "vFile:fstat:", "qXfer:features:read:target.xml:",
                     "qXfer:auxv:read::", "qXfer:exec-file:read:", "qSupported:", "qC", "Q", "D", "v", "q", "J"]
        let tail = Array("0123456789abcdefABCDEFxyz,:;=-.p}*#$".utf8) + [0, 0x7f, 0xff]
        for _ in 0..<20_000 {
            let head = heads.randomElement(using: &rng)!
            let n = Int.random(in: 0..<20, using: &rng)
            let packet = Array(head.utf8) + (0..<n).map { _ in tail.randomElement(using: &rng)! }
            if case .reply(let r) = stub.respond(to: packet) {
                let text = String(decoding: r, as: UTF8.self)
                if head == "m" || head == "p" || head == "g" { #expect(!text.isEmpty || packet.count > 1, "\(packet)") }
            }
        }
        // Specific malformed forms get E01 (or E22/E14 for well-formed but refused ones).
        for packet in ["m", "m,", "m1,", "M1,1", "M1,1:z0", "P", "P8", "P8=", "p", "C", "Cxx", "Z0", "Z0,1", "vCont;x",
                       "qXfer:features:read:target.xml", "qXfer:auxv:read::x,1"] {
            #expect(GDBStubTests.ask(stub, packet)?.hasPrefix("E") == true, "\(packet)")
        }
    }

    // MARK: Whole exchanges

    /// The debugger's end of the socket pair.
    final class Client {
        let transport: GDBTransport
        var decoder = GDBPacketDecoder()

        init(fd: Int32) { transport = GDBTransport(connected: fd) }

        func send(_ packet: String) { transport.write(GDBPacket.frame(packet)) }

        /// The next packet, acknowledged; nil after 10 s or at end of stream.
        func receive() -> String? {
            while transport.waitReadable(milliseconds: 10_000) {
                guard let b = transport.readByte() else { return nil }
                if case .packet(let p)? = decoder.feed(b) {
                    transport.write([UInt8(ascii: "+")])
                    return String(decoding: p, as: UTF8.self)
                }
            }
            return nil
        }

        func ask(_ packet: String) -> String? { send(packet); return receive() }
    }

    /// Runs `code` under the stub on another thread; `session` plays gdb.
    static func session(code: [UInt8], bss: UInt32 = 0, kernelStepping: Bool = false, image: String? = nil,
                        _ session: (Client, Kernel) throws -> Void) throws -> Kernel.Exit? {
        var options = Kernel.Options()
        options.environment = GateHarness.environment
        let null = open("/dev/null", O_WRONLY)
        defer { close(null) }
        options.stdout = null
        let kernel = try Kernel(options: options)
        if let image {
            try kernel.exec(path: image, arguments: [image])
        } else {
            try kernel.exec(image: ExecutableImage.make(code: code, bss: bss), path: "/test", arguments: ["/test"])
        }
        var fds: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        let stub = GDBStub(kernel: kernel, transport: GDBTransport(connected: fds[0]), kernelStepping: kernelStepping)
        stub.attach()
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var exit: Kernel.Exit?
        nonisolated(unsafe) let k = kernel
        Thread {
            let e = k.run()
            stub.finish(e)
            exit = e
            done.signal()
        }.start()
        let client = Client(fd: fds[1])
        try session(client, kernel)
        client.transport.close()
        guard done.wait(timeout: .now() + 30) == .success else { return nil }
        return exit
    }

    @Test func stepsContinuesAndReportsTheExit() throws {
        let exit = try GDBStubTests.session(code: GDBStubTests.exit3) { gdb, _ in
            #expect(gdb.ask("qSupported:swbreak+") != nil)
            #expect(gdb.ask("?")?.hasPrefix("T05") == true)
            let start = ExecutableImage.codeAddress
            #expect(gdb.ask("s")?.contains("08:" + GDBPacket.hex(GuestLayout.le32(start + 5)) + ";") == true)
            #expect(gdb.ask("Z0,\(String(start + 10, radix: 16)),1") == "OK")
            let hit = gdb.ask("c")
            #expect(hit?.hasPrefix("T05") == true && hit?.contains("swbreak:;") == true)
            #expect(gdb.ask("p0") == "01000000")          // eax = __NR_exit
            #expect(gdb.ask("P3=07000000") == "OK")       // exit(7) instead
            // Stepping over int $0x80 runs the whole call: here, to the exit.
            #expect(gdb.ask("vCont;s") == "W07")
        }
        #expect(exit == .exited(7))
    }

    @Test func stepOverSysenterLandsOnSysenterReturn() throws {
        let program = GateHarness.programs.appendingPathComponent("hello-static").path
        let exit = try GDBStubTests.session(code: [], image: program) { gdb, kernel in
            #expect(gdb.ask("qSupported:swbreak+") != nil)
            #expect(gdb.ask("Z0,ffffe405,1") == "OK")                  // the sysenter in __kernel_vsyscall
            #expect(gdb.ask("c")?.contains("08:05e4ffff;") == true)
            #expect(gdb.ask("s")?.contains("08:10e4ffff;") == true)    // SYSENTER_RETURN, after sysexit
            #expect(gdb.ask("pa") == "73000000")
            #expect(gdb.ask("z0,ffffe405,1") == "OK")
            #expect(gdb.ask("c") == "W00")
        }
        #expect(exit == .exited(0))
    }

    @Test func kernelSteppingStopsInTheEntryText() throws {
        let program = GateHarness.programs.appendingPathComponent("hello-static").path
        let exit = try GDBStubTests.session(code: [], kernelStepping: true, image: program) { gdb, kernel in
            #expect(gdb.ask("Z0,ffffe405,1") == "OK")
            #expect(gdb.ask("c") != nil)
            let stop = try #require(gdb.ask("s"))
            let eip = try #require(stop.split(separator: ";").first { $0.hasPrefix("08:") })
            let bytes = try #require(GDBPacket.bytes(hex: eip.dropFirst(3)))
            let address = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
            #expect(address == kernel.boot.entry.sysenterEntry)
            #expect(gdb.ask("pa") == "60000000")                        // kernel CS
            #expect(gdb.ask("D") == "OK")
        }
        #expect(exit == .exited(0))
    }

    @Test func writeWatchpointStopsAfterTheStore() throws {
        let target = ExecutableImage.codeAddress + 22                  // the bss word after the code
        let code: [UInt8] = [0xc7, 0x05] + GuestLayout.le32(target) + GuestLayout.le32(5) + GDBStubTests.exit3
        #expect(code.count == 22)
        let exit = try GDBStubTests.session(code: code, bss: 4) { gdb, _ in
            #expect(gdb.ask("Z2,\(String(target, radix: 16)),4") == "OK")
            let stop = try #require(gdb.ask("c"))
            #expect(stop.hasPrefix("T05watch:\(String(target, radix: 16));"))
            #expect(stop.contains("08:" + GDBPacket.hex(GuestLayout.le32(ExecutableImage.codeAddress + 10)) + ";"))
            #expect(gdb.ask("m\(String(target, radix: 16)),4") == "05000000")
            #expect(gdb.ask("c") == "W03")
        }
        #expect(exit == .exited(3))
    }

    @Test func interruptStopsARunningProgram() throws {
        let exit = try GDBStubTests.session(code: [0xeb, 0xfe]) { gdb, _ in     // jmp .
            gdb.send("c")
            gdb.transport.write([GDBPacket.interrupt])
            #expect(gdb.receive()?.hasPrefix("T02") == true)
            gdb.send("k")
        }
        #expect(exit == .signaled(9))
    }

    @Test func faultIsReportedBeforeTheProcessDies() throws {
        let exit = try GDBStubTests.session(code: [0xa1, 0, 0, 0, 0]) { gdb, _ in     // mov 0,%eax
            #expect(gdb.ask("c")?.hasPrefix("T0b") == true)
            #expect(gdb.ask("c") == "X0b")
        }
        #expect(exit == .signaled(11))
    }

    @Test func badChecksumIsRefusedAndDisconnectLeavesTheProgramRunning() throws {
        let exit = try GDBStubTests.session(code: GDBStubTests.exit3) { gdb, _ in
            gdb.transport.write(Array("$g#00".utf8))
            #expect(gdb.transport.waitReadable(milliseconds: 10_000))
            #expect(gdb.transport.readByte() == UInt8(ascii: "-"))
            #expect(gdb.ask("?")?.hasPrefix("T05") == true)
        }
        #expect(exit == .exited(3))
    }
}
