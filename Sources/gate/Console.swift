#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The command line's few needs for text, met without Foundation: linking Foundation
// (and the ICU data it drags in) cost `gate run` about 7 MiB of resident memory and
// several milliseconds of start-up, both of which the benchmarks count.

/// printf-style formatting through the C library (`%.3f`, `%08x`, `%llu`, …).
func format(_ pattern: String, _ args: CVarArg...) -> String {
    var buffer = [CChar](repeating: 0, count: 512)
    let n = withVaList(args) { vsnprintf(&buffer, buffer.count, pattern, $0) }
    if n >= buffer.count {
        buffer = [CChar](repeating: 0, count: Int(n) + 1)
        _ = withVaList(args) { vsnprintf(&buffer, buffer.count, pattern, $0) }
    }
    return String(cString: buffer)
}

extension String {
    /// The string left-aligned in a field of `width` characters (never cut).
    func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// Writes a whole string to a file descriptor.
func write(_ text: String, to fd: Int32) {
    var bytes = Array(text.utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
        if n <= 0 { return }
        done += n
    }
}

/// A line on standard error.
func printError(_ line: String) { write(line + "\n", to: 2) }

/// Prints a one-line error and exits with a shell-like status.
func fail(_ message: String, status: Int32) -> Never {
    printError("gate: \(message)")
    exit(status)
}

/// Ends the process with `status` (the C library's exit, which flushes stdio).
func exitProcess(_ status: Int32) -> Never { exit(status) }

/// The process environment as `NAME=value` strings.
func environmentStrings() -> [String] {
    var out: [String] = []
    var p = environ
    while let entry = p.pointee {
        out.append(String(cString: entry))
        p += 1
    }
    return out
}

/// Seconds since an arbitrary point, for timing runs.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Creates (or truncates) `path` and writes `bytes` to it; false when it cannot.
func writeFile(_ path: String, _ bytes: [UInt8]) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    return bytes.withUnsafeBytes { raw in
        var done = 0
        while done < raw.count {
            let n = write(fd, raw.baseAddress! + done, raw.count - done)
            if n <= 0 { return false }
            done += n
        }
        return true
    }
}

/// Lines written through a 64 KiB buffer: a full instruction trace is millions of them.
final class LineWriter {
    let fd: Int32
    /// Each line written at once: a log on the terminal interleaves with the program's
    /// own output in the order things happened.
    let unbuffered: Bool
    private var buffer: [UInt8] = []

    init(fd: Int32, unbuffered: Bool = false) {
        self.fd = fd
        self.unbuffered = unbuffered
        buffer.reserveCapacity(1 << 16)
    }

    /// Opens (creating or truncating) `path`, or nil.
    convenience init?(path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return nil }
        self.init(fd: fd)
    }

    func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0a)
        if unbuffered || buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { break }
            done += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}
