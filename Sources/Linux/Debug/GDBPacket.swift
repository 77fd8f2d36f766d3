/// Framing of the GDB remote serial protocol (GDB manual, "Overview" of the remote
/// protocol): a packet is `$` data `#` two hex checksum digits, the checksum being the
/// sum of the data bytes modulo 256. The receiver answers `+` (good) or `-` (send it
/// again) unless no-ack mode was negotiated. Outside a packet the single byte 0x03 is
/// the debugger's interrupt (Ctrl-C).
public enum GDBPacket {
    /// The interrupt byte gdb sends outside packets.
    public static let interrupt: UInt8 = 0x03

    /// The modulo-256 sum the `#xx` trailer carries.
    public static func checksum(_ data: some Sequence<UInt8>) -> UInt8 {
        data.reduce(0) { $0 &+ $1 }
    }

    /// `$data#cs`. `data` goes out as given: callers escape binary payloads first.
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "$")]
        out.reserveCapacity(data.count + 4)
        out += data
        out.append(UInt8(ascii: "#"))
        out += hexByte(checksum(data))
        return out
    }

    public static func frame(_ text: String) -> [UInt8] { frame(Array(text.utf8)) }

    /// Escapes binary data (qXfer replies): `#`, `$`, `}` and `*` become `}` followed by
    /// the byte XOR 0x20. `*` must be escaped too, since gdb expands `*` as run-length
    /// encoding in every reply it reads.
    public static func escape(_ data: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        for b in data {
            switch b {
            case UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "}"), UInt8(ascii: "*"):
                out.append(UInt8(ascii: "}"))
                out.append(b ^ 0x20)
            default:
                out.append(b)
            }
        }
        return out
    }

    /// Undoes `escape` (the data of an `X` packet); nil when the data ends inside an escape.
    public static func unescape(_ data: some Sequence<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        var escaped = false
        for b in data {
            if escaped { out.append(b ^ 0x20); escaped = false }
            else if b == UInt8(ascii: "}") { escaped = true }
            else { out.append(b) }
        }
        return escaped ? nil : out
    }

    // MARK: Hex

    static let digits = Array("0123456789abcdef".utf8)

    public static func hexByte(_ b: UInt8) -> [UInt8] { [digits[Int(b >> 4)], digits[Int(b & 15)]] }

    /// Bytes as lowercase hex, two digits each, in memory order.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        for b in bytes { out += hexByte(b) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Pairs of hex digits back to bytes; nil on an odd count or a non-hex digit.
    public static func bytes(hex: some StringProtocol) -> [UInt8]? {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = nibble(u[i]), let l = nibble(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// A big-endian hex number as addresses, lengths and register numbers are written
    /// in packets; nil when empty, not hex, or wider than 32 bits.
    public static func number(_ s: some StringProtocol) -> UInt32? {
        guard !s.isEmpty, s.count <= 8 else { return nil }
        return UInt32(s, radix: 16)
    }
}

/// What the byte stream from the debugger carries.
public enum GDBInput: Equatable, Sendable {
    /// A packet whose checksum matched: its data, still escaped.
    case packet([UInt8])
    /// A packet whose checksum did not match (answer `-`).
    case badChecksum
    /// `+`: the last packet arrived.
    case ack
    /// `-`: send the last packet again.
    case nack
    /// 0x03 outside a packet: stop the program.
    case interrupt
}

/// Turns the byte stream into `GDBInput`s, one byte at a time, so that both the
/// blocking read of a stopped stub and the non-blocking poll of a running one share it.
public struct GDBPacketDecoder {
    enum State { case idle, data, checksumHigh, checksumLow(UInt8) }

    /// Longer packets are dropped as garbage rather than buffered without bound.
    public static let maximumLength = 1 << 20

    var state = State.idle
    var data: [UInt8] = []

    public init() {}

    /// Feeds one byte; returns an input when one is complete.
    public mutating func feed(_ b: UInt8) -> GDBInput? {
        switch state {
        case .idle:
            switch b {
            case UInt8(ascii: "$"): state = .data; data.removeAll(keepingCapacity: true)
            case UInt8(ascii: "+"): return .ack
            case UInt8(ascii: "-"): return .nack
            case GDBPacket.interrupt: return .interrupt
            default: break          // line noise between packets
            }
        case .data:
            if b == UInt8(ascii: "#") {
                state = .checksumHigh
            } else if b == UInt8(ascii: "$") {
                data.removeAll(keepingCapacity: true)   // a new start: the old one was cut short
            } else if data.count >= GDBPacketDecoder.maximumLength {
                state = .idle
                return .badChecksum
            } else {
                data.append(b)
            }
        case .checksumHigh:
            guard let h = GDBPacket.nibble(b) else { state = .idle; return .badChecksum }
            state = .checksumLow(h)
        case .checksumLow(let h):
            state = .idle
            guard let l = GDBPacket.nibble(b), h << 4 | l == GDBPacket.checksum(data) else { return .badChecksum }
            return .packet(data)
        }
        return nil
    }
}
