import IA32

/// The packets the stub answers (GDB manual, "Packets", "General Query Packets",
/// "Stop Reply Packets"). A malformed packet gets `E01`, a memory access that faults
/// `E14` (EFAULT), a value the target refuses `E22` (EINVAL); a packet the stub does not
/// know gets the empty reply, which tells gdb it is unsupported.
extension GDBStub {
    func respond(to packet: [UInt8]) -> Response {
        guard let first = packet.first else { return .text("") }
        // `X` carries binary data after the colon: only its header is text.
        if first == UInt8(ascii: "X") { return writeBinary(packet) }
        let text = String(decoding: packet, as: UTF8.self)
        let body = text.dropFirst()
        switch Character(UnicodeScalar(first)) {
        case "?": return .text(lastStopReply ?? stopReply(5, kernel.process.cpu, breakpoint: false))
        case "g": return .text(GDBPacket.hex(registers.readAll()))
        case "G":
            guard let bytes = GDBPacket.bytes(hex: body) else { return .text("E01") }
            return .text(registers.writeAll(bytes) ? "OK" : "E22")
        case "p":
            guard let n = GDBPacket.number(body) else { return .text("E01") }
            guard Int(n) < GDBRegister.all.count else { return .text("E22") }
            return .text(GDBPacket.hex(registers.read(GDBRegister.all[Int(n)])))
        case "P":
            let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let n = GDBPacket.number(parts[0]), let bytes = GDBPacket.bytes(hex: parts[1]) else {
                return .text("E01")
            }
            guard Int(n) < GDBRegister.all.count else { return .text("E22") }
            return .text(registers.write(GDBRegister.all[Int(n)], bytes) ? "OK" : "E22")
        case "m":
            guard let (address, length) = addressAndLength(body) else { return .text("E01") }
            let bytes = readMemory(address, min(Int(length), GDBStub.maximumTransfer))
            return .text(bytes.isEmpty && length > 0 ? "E14" : GDBPacket.hex(bytes))
        case "M":
            let parts = body.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let (address, length) = addressAndLength(parts[0]),
                  let bytes = GDBPacket.bytes(hex: parts[1]), bytes.count == Int(length) else { return .text("E01") }
            return .text(writeMemory(address, bytes) ? "OK" : "E14")
        case "c", "s":
            return resume(step: first == UInt8(ascii: "s"), signal: 0, address: body)
        case "C", "S":
            let parts = body.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
            guard let sig = UInt8(parts[0], radix: 16) else { return .text("E01") }
            return resume(step: first == UInt8(ascii: "S"), signal: sig, address: parts.count > 1 ? parts[1] : "")
        case "v":
            if body.hasPrefix("File:") {
                return .reply(hostFiles.respond(Array(packet.dropFirst("vFile:".count)), process: kernel.process) ?? [])
            }
            return verbose(String(body))
        case "Z", "z":
            return breakpoint(insert: first == UInt8(ascii: "Z"), body)
        case "D":
            return .resume(.detach, reply: "OK")
        case "k":
            return .resume(.kill, reply: nil)
        case "q":
            return query(String(body))
        case "Q":
            if body == "StartNoAckMode" {
                // The OK still travels in ack mode; gdb stops acknowledging after it.
                noAck = true
                return .text("OK")
            }
            return .text("")
        case "H":
            return .text("OK")      // one thread: every thread selection is that one
        case "T":
            return .text("OK")      // and it is alive
        default:
            return .text("")
        }
    }

    // MARK: Resuming

    /// `c`/`s`/`C`/`S`, with an optional address to resume at.
    func resume(step: Bool, signal: UInt8, address: Substring) -> Response {
        if !address.isEmpty {
            guard let a = GDBPacket.number(address) else { return .text("E01") }
            kernel.process.cpu.eip = a
        }
        return .resume(.go(step: step, signal: GDBSignal.linux(fromGDB: signal)), reply: nil)
    }

    /// `v` packets: `vCont?`, `vCont;…`, `vKill`; the rest (`vMustReplyEmpty`, `vFile`,
    /// `vRun`, …) are unsupported, answered empty.
    func verbose(_ body: String) -> Response {
        if body == "Cont?" { return .text("vCont;c;C;s;S") }
        if body.hasPrefix("Cont;") {
            // Actions apply to the first thread they match; with one thread that is
            // the first action (an action without a thread, or naming it, or -1).
            for action in body.dropFirst("Cont;".count).split(separator: ";") {
                let parts = action.split(separator: ":", maxSplits: 1)
                if parts.count == 2, !threadMatches(parts[1]) { continue }
                let verb = parts[0]
                switch verb.first {
                case "c": return .resume(.go(step: false, signal: nil), reply: nil)
                case "s": return .resume(.go(step: true, signal: nil), reply: nil)
                // A range step may be done one instruction at a time (gdb steps again
                // while the pc stays in the range).
                case "r": return .resume(.go(step: true, signal: nil), reply: nil)
                case "C", "S":
                    guard let sig = UInt8(verb.dropFirst(), radix: 16) else { return .text("E01") }
                    return .resume(.go(step: verb.first == "S", signal: GDBSignal.linux(fromGDB: sig)), reply: nil)
                case "t": return .text("OK")        // stop a thread that is already stopped
                default: return .text("E01")
                }
            }
            return .text("E01")
        }
        if body.hasPrefix("Kill") { return .resume(.kill, reply: "OK") }
        return .text("")
    }

    /// A thread id from a packet: ours (the pid, plain or as `p<pid>.<tid>`), 0 (any)
    /// or -1 (all).
    func threadMatches(_ id: Substring) -> Bool {
        if id == "-1" || id == "0" { return true }
        let tid = id.hasPrefix("p") ? (id.split(separator: ".").last ?? "") : id
        return tid == "-1" || UInt32(tid, radix: 16) == UInt32(kernel.process.pid)
    }

    // MARK: Breakpoints

    /// `Z`/`z` type 0 (software) and 1 (hardware) breakpoints share one set, both being
    /// an EIP comparison here. Type 2 is a write watchpoint; read and access watchpoints
    /// (3, 4) are unsupported: comparing contents cannot see a read.
    func breakpoint(insert: Bool, _ body: Substring) -> Response {
        let fields = body.split(separator: ";", maxSplits: 1).first.map { $0.split(separator: ",") } ?? []
        guard fields.count == 3, let type = Int(fields[0]), let address = GDBPacket.number(fields[1]),
              let kind = GDBPacket.number(fields[2]) else { return .text("E01") }
        switch type {
        case 0, 1:
            if insert { breakpoints.insert(address) } else { breakpoints.remove(address) }
        case 2:
            guard kind > 0, kind <= UInt32(GDBStub.maximumTransfer) else { return .text("E22") }
            let w = GDBWatchpoint(address: address, length: kind)
            if insert {
                watchpoints[w] = kernel.process.memory.read(address, count: Int(kind), need: PagePermission.read) ?? []
            } else {
                watchpoints[w] = nil
            }
        default:
            return .text("")
        }
        return .text("OK")
    }

    // MARK: Queries

    func query(_ body: String) -> Response {
        if body.hasPrefix("Supported") {
            let offered = body.split(separator: ":", maxSplits: 1).last?.split(separator: ";") ?? []
            multiprocess = offered.contains("multiprocess+")
            return .text("PacketSize=4000;QStartNoAckMode+;qXfer:features:read+;qXfer:auxv:read+;qXfer:exec-file:read+;"
                         + "swbreak+;hwbreak+" + (multiprocess ? ";multiprocess+" : ""))
        }
        if body.hasPrefix("Xfer:features:read:") {
            let rest = body.dropFirst("Xfer:features:read:".count)
            guard let colon = rest.lastIndex(of: ":") else { return .text("E01") }
            guard rest[..<colon] == "target.xml" else { return .text("E00") }
            return transfer(Array(GDBTargetDescription.xml.utf8), window: rest[rest.index(after: colon)...])
        }
        if body.hasPrefix("Xfer:auxv:read::") {
            let auxv = kernel.process.auxv.flatMap { GuestLayout.le32($0.0) + GuestLayout.le32($0.1) }
            return transfer(auxv, window: body.dropFirst("Xfer:auxv:read::".count))
        }
        if body.hasPrefix("Xfer:exec-file:read:") {
            // The annex is a pid (or empty, the current process): there is one.
            let rest = body.dropFirst("Xfer:exec-file:read:".count)
            guard let colon = rest.firstIndex(of: ":") else { return .text("E01") }
            return transfer(Array(kernel.process.executable.utf8), window: rest[rest.index(after: colon)...])
        }
        // The process existed before gdb came (so quitting gdb detaches, not kills).
        if body == "Attached" || body.hasPrefix("Attached:") { return .text("1") }
        switch body {
        case "C": return .text("QC" + threadID)
        case "fThreadInfo": return .text("m" + threadID)
        case "sThreadInfo": return .text("l")
        default: break
        }
        if body.hasPrefix("Symbol:") { return .text("OK") }    // no symbols wanted
        return .text("")
    }

    /// A `qXfer` read of `offset,length` of `document`: `m` and more to come, or `l` and
    /// the last part, the data escaped as binary.
    func transfer(_ document: [UInt8], window: Substring) -> Response {
        guard let (offset, length) = addressAndLength(window) else { return .text("E01") }
        let start = min(Int(offset), document.count)
        let end = min(start + min(Int(length), GDBStub.maximumTransfer), document.count)
        let last = end == document.count
        return .reply([UInt8(ascii: last ? "l" : "m")] + GDBPacket.escape(document[start..<end]))
    }

    // MARK: Memory

    /// `addr,length` in hex.
    func addressAndLength(_ s: Substring) -> (UInt32, UInt32)? {
        let parts = s.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = GDBPacket.number(parts[0]), let n = GDBPacket.number(parts[1]) else { return nil }
        return (a, n)
    }

    /// Reads what is mapped from `address` on — kernel pages included, which the
    /// debugger may read though the program may not — stopping at the first unmapped
    /// page (gdb accepts a short read; an empty one is the E14).
    func readMemory(_ address: UInt32, _ count: Int) -> [UInt8] {
        let memory = kernel.process.memory
        var out: [UInt8] = []
        var a = address
        var left = count
        while left > 0 {
            let n = min(left, Int(GuestMemory.pageSize - (a & (GuestMemory.pageSize - 1))))
            guard let chunk = memory.read(a, count: n, need: PagePermission.read) else { break }
            out += chunk
            left -= n
            let next = a &+ UInt32(n)
            if next < a { break }       // the top of the address space
            a = next
        }
        return out
    }

    /// Writes mapped memory whatever its protection, as ptrace's POKETEXT does (that is
    /// how a debugger patches code). A one-byte int3 written into executable code is gdb
    /// planting a breakpoint without `Z0`: kept as a breakpoint instead, and the later
    /// write of the original byte removes it.
    func writeMemory(_ address: UInt32, _ bytes: [UInt8]) -> Bool {
        let memory = kernel.process.memory
        guard memory.check(address, length: UInt32(bytes.count), need: PagePermission.read) else { return false }
        if bytes.count == 1 && memory.permission(at: address) & PagePermission.exec != 0 {
            let current = memory.read(address, count: 1, need: PagePermission.read)![0]
            if bytes[0] == 0xcc && writtenBreakpoints[address] == nil && current != 0xcc {
                writtenBreakpoints[address] = current
                return true
            }
            if let original = writtenBreakpoints.removeValue(forKey: address), bytes[0] == original {
                return true
            }
        }
        memory.poke(address, bytes)
        return true
    }

    /// `X addr,length:binary`.
    func writeBinary(_ packet: [UInt8]) -> Response {
        guard let colon = packet.firstIndex(of: UInt8(ascii: ":")) else { return .text("E01") }
        let header = String(decoding: packet[1..<colon], as: UTF8.self)
        guard let (address, length) = addressAndLength(Substring(header)),
              let data = GDBPacket.unescape(packet[(colon + 1)...]), data.count == Int(length) else { return .text("E01") }
        if data.isEmpty { return .text("OK") }      // gdb's probe for X support
        return .text(writeMemory(address, data) ? "OK" : "E14")
    }
}
