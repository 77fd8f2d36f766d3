#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `gate run --gdb` listens: a TCP port on the loopback interface (a number), or
/// a unix socket (an argument containing `/`).
public enum GDBAddress: Equatable, Sendable, CustomStringConvertible {
    case tcp(port: UInt16)
    case unix(path: String)

    /// Parses `--gdb`'s argument; nil when it is neither a port nor a path.
    public init?(_ spec: String) {
        if spec.contains("/") { self = .unix(path: spec); return }
        let digits = spec.hasPrefix(":") ? String(spec.dropFirst()) : spec
        guard let port = UInt16(digits) else { return nil }
        self = .tcp(port: port)
    }

    public var description: String {
        switch self {
        case .tcp(let port): return "127.0.0.1:\(port)"
        case .unix(let path): return path
        }
    }
}

/// Failures setting up the connection, with the reason from the host.
public struct GDBTransportError: Error, CustomStringConvertible {
    public let description: String
}

/// A listening socket that takes exactly one debugger connection.
public final class GDBListener {
    let fd: Int32
    /// The address as bound: for TCP port 0, the port the host picked.
    public let address: GDBAddress

    public init(_ address: GDBAddress) throws {
        switch address {
        case .tcp(let port):
            let s = socket(AF_INET, GDBListener.stream, 0)
            guard s >= 0 else { throw GDBTransportError(description: "socket: \(GDBListener.lastError)") }
            var one: Int32 = 1
            setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian     // loopback only: no remote debugging by accident
            let bound = withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, listen(s, 1) == 0 else {
                let e = GDBListener.lastError
                close(s)
                throw GDBTransportError(description: "cannot listen on 127.0.0.1:\(port): \(e)")
            }
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) }
            }
            fd = s
            self.address = .tcp(port: UInt16(bigEndian: sin.sin_port))
        case .unix(let path):
            var sun = sockaddr_un()
            let capacity = MemoryLayout.size(ofValue: sun.sun_path)
            let bytes = Array(path.utf8)
            guard bytes.count < capacity else { throw GDBTransportError(description: "\(path): socket path too long") }
            // A socket left behind by an earlier run is replaced; any other file is not.
            var st = stat()
            if lstat(path, &st) == 0 {
                guard st.st_mode & S_IFMT == S_IFSOCK else {
                    throw GDBTransportError(description: "\(path): exists and is not a socket")
                }
                unlink(path)
            }
            let s = socket(AF_UNIX, GDBListener.stream, 0)
            guard s >= 0 else { throw GDBTransportError(description: "socket: \(GDBListener.lastError)") }
            sun.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &sun.sun_path) { raw in
                for (i, b) in bytes.enumerated() { raw[i] = b }
                raw[bytes.count] = 0
            }
            let bound = withUnsafePointer(to: &sun) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0, listen(s, 1) == 0 else {
                let e = GDBListener.lastError
                close(s)
                throw GDBTransportError(description: "cannot listen on \(path): \(e)")
            }
            fd = s
            self.address = address
        }
    }

    /// Waits for the debugger, then stops listening.
    public func accept() throws -> GDBTransport {
        while true {
            let c = acceptConnection(fd)
            if c >= 0 {
                close(fd)
                if case .unix(let path) = address { unlink(path) }
                return GDBTransport(connected: c)
            }
            if errno != EINTR {
                throw GDBTransportError(description: "accept: \(GDBListener.lastError)")
            }
        }
    }

    private func acceptConnection(_ s: Int32) -> Int32 {
        #if canImport(Glibc)
        return Glibc.accept(s, nil, nil)
        #else
        return Darwin.accept(s, nil, nil)
        #endif
    }

    #if canImport(Glibc)
    static let stream = Int32(SOCK_STREAM.rawValue)
    #else
    static let stream = SOCK_STREAM
    #endif

    static var lastError: String { String(cString: strerror(errno)) }
}

/// One connected debugger: blocking reads while the program is stopped, a
/// non-blocking poll while it runs, and writes. Any error or end of stream makes it
/// `closed`, which the stub takes as the debugger going away.
public final class GDBTransport {
    /// What a non-blocking look at the socket found.
    public enum Poll: Equatable { case nothing, bytes([UInt8]), closed }

    public private(set) var fd: Int32
    public var isClosed: Bool { fd < 0 }
    private var buffer: [UInt8] = []
    private var position = 0

    /// Wraps a connected stream socket (or one end of a socketpair, in tests).
    public init(connected fd: Int32) {
        self.fd = fd
        #if canImport(Darwin)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        // Every packet waits for an answer: Nagle's algorithm would hold small writes
        // back for the peer's delayed ack, tens of milliseconds per exchange.
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    /// The next byte, waiting for it; nil when the connection ended.
    public func readByte() -> UInt8? {
        if position == buffer.count {
            guard fill(wait: true) else { return nil }
        }
        defer { position += 1 }
        return buffer[position]
    }

    /// Whatever has arrived, without waiting.
    public func poll() -> Poll {
        if position < buffer.count {
            defer { buffer.removeAll(keepingCapacity: true); position = 0 }
            return .bytes(Array(buffer[position...]))
        }
        guard !isClosed else { return .closed }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let n = pollOnce(&p, 0)
        if n == 0 { return .nothing }
        if n < 0 { return errno == EINTR ? .nothing : .closed }
        guard fill(wait: false) else { return isClosed ? .closed : .nothing }
        defer { buffer.removeAll(keepingCapacity: true); position = 0 }
        return .bytes(buffer)
    }

    /// Waits up to `milliseconds` for input; false on timeout or a closed connection.
    public func waitReadable(milliseconds: Int32) -> Bool {
        if position < buffer.count { return true }
        guard !isClosed else { return false }
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return pollOnce(&p, milliseconds) > 0
    }

    /// Sends all of `bytes`; false (and closed) when the debugger is gone.
    @discardableResult
    public func write(_ bytes: [UInt8]) -> Bool {
        guard !isClosed else { return false }
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { raw in
                #if canImport(Glibc)
                send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
                #else
                send(fd, raw.baseAddress, raw.count, 0)
                #endif
            }
            if n < 0 {
                if errno == EINTR { continue }
                close()
                return false
            }
            sent += n
        }
        return true
    }

    public func close() {
        guard fd >= 0 else { return }
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
        fd = -1
    }

    /// Reads what is available into the buffer; false at end of stream, on an error
    /// (both close the transport) or, when not waiting, if nothing was there.
    private func fill(wait: Bool) -> Bool {
        guard !isClosed else { return false }
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, wait ? 0 : Int32(MSG_DONTWAIT)) }
            if n > 0 {
                buffer = Array(chunk[0..<n])
                position = 0
                return true
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && !wait && (errno == EAGAIN || errno == EWOULDBLOCK) { return false }
            close()
            return false
        }
    }

    private func pollOnce(_ p: inout pollfd, _ timeout: Int32) -> Int32 {
        #if canImport(Glibc)
        return Glibc.poll(&p, 1, timeout)
        #else
        return Darwin.poll(&p, 1, timeout)
        #endif
    }
}
