import CHostCalls

/// Random bytes for the guest (AT_RANDOM, getrandom(2)) from the host kernel in one
/// call: `UInt8.random(in:)` makes a host getrandom call per byte, 20 of them before
/// every program's first instruction.
enum HostRandom {
    static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBytes { gate_host_random($0.baseAddress, $0.count) }
        if status != 0 {
            // No usable host source (a seccomp filter, say): the standard library's.
            var generator = SystemRandomNumberGenerator()
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
        }
        return bytes
    }
}
