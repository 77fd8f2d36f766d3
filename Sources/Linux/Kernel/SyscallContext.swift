import IA32

/// What a system-call body sees: the calling process, the call number and its six
/// arguments as `sys_call_table` passes them (EBX, ECX, EDX, ESI, EDI, EBP from the
/// `pt_regs` frame), and checked access to the caller's memory. A body returns the
/// value for EAX: a result, or `-errno` (−4095…−1).
public struct SyscallContext {
    /// Unowned and unchecked: a context lives only for the call it was made for, while
    /// the kernel holds the process (checked `unowned` costs three reference-count
    /// operations per call).
    public unowned(unsafe) let process: Process
    public let number: UInt32
    public let args: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    /// Where the entry code built `struct pt_regs` (sigreturn rewrites it; 0 when the
    /// call did not come through the gate, as in unit tests).
    public var regsAddress: UInt32 = 0

    public init(process: Process, number: UInt32, args: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)) {
        self.process = process
        self.number = number
        self.args = args
    }

    /// Argument `i` (0-based) as an unsigned 32-bit value.
    public func arg(_ i: Int) -> UInt32 {
        switch i {
        case 0: return args.0
        case 1: return args.1
        case 2: return args.2
        case 3: return args.3
        case 4: return args.4
        default: return args.5
        }
    }

    /// Argument `i` as a signed int (file descriptors, `AT_FDCWD`, counts).
    public func int(_ i: Int) -> Int32 { Int32(bitPattern: arg(i)) }

    public var memory: GuestMemory { process.memory }

    /// The process's memory, borrowed for `body` without a retain (`Process.unretainedMemory`):
    /// for one access, which cannot replace it.
    @inline(__always) func withMemory<R>(_ body: (GuestMemory) -> R) -> R {
        process.unretainedMemory._withUnsafeGuaranteedRef(body)
    }

    // MARK: User memory (copy_from_user / copy_to_user): nil or false means -EFAULT.

    public func bytes(at address: UInt32, count: Int) -> [UInt8]? {
        if count == 0 { return [] }
        return memory.read(address, count: count)
    }

    @discardableResult
    public func write(_ bytes: [UInt8], to address: UInt32) -> Bool {
        if bytes.isEmpty { return true }
        return memory.write(address, bytes)
    }

    /// Writes a structure of `size` bytes at `address` in place: zeroed, then filled by
    /// `fill`. False, with nothing written, when the guest may not write all of it.
    public func writeFields(size: Int, to address: UInt32, _ fill: (GuestLayout.Fields) -> Void) -> Bool {
        guard let p = withMemory({ $0.writableBytes(address, length: UInt32(size)) }) else { return false }
        p.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        fill(GuestLayout.Fields(start: p, size: size))
        return true
    }

    /// A NUL-terminated string of at most `max` bytes (PATH_MAX by default).
    public func string(at address: UInt32, max: Int = 4096) -> String? {
        guard let raw = memory.readCString(address, max: max) else { return nil }
        return String(decoding: raw, as: UTF8.self)
    }

    // Single words go straight between guest memory and the value: no array, and no
    // generic code across the module boundary (GuestMemory's generic `write(_:value:)`
    // ran unspecialized here, through FixedWidthInteger's witness table).

    public func u32(at address: UInt32) -> UInt32? {
        withMemory { m in m.check(address, length: 4, need: PagePermission.userRead) ? m.load32(address) : nil }
    }

    @discardableResult
    public func setU32(_ v: UInt32, at address: UInt32) -> Bool {
        guard let p = withMemory({ $0.writableWord(address, length: 4) }) else { return false }
        p.storeBytes(of: v.littleEndian, as: UInt32.self)
        return true
    }

    @discardableResult
    public func setU64(_ v: UInt64, at address: UInt32) -> Bool {
        guard let p = withMemory({ $0.writableWord(address, length: 8) }) else { return false }
        p.storeBytes(of: v.littleEndian, as: UInt64.self)
        return true
    }
}

/// Little-endian encoding helpers for building i386 structures.
public enum GuestLayout {
    public static func le16(_ v: UInt16) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
    public static func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
    public static func le64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }

    /// The little-endian 32-bit word at `offset` of a structure read from the guest.
    public static func u32(_ b: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(b[offset]) | UInt32(b[offset + 1]) << 8 | UInt32(b[offset + 2]) << 16 | UInt32(b[offset + 3]) << 24
    }

    /// Writes fields at fixed offsets into a zeroed structure of `size` bytes.
    public struct Builder {
        public private(set) var bytes: [UInt8]
        public init(size: Int) { bytes = [UInt8](repeating: 0, count: size) }
        public mutating func u8(_ off: Int, _ v: UInt8) { bytes[off] = v }
        // Fields are stored in place: a temporary array per field showed in stat's profile.
        public mutating func u16(_ off: Int, _ v: UInt16) { store(off, v) }
        public mutating func u32(_ off: Int, _ v: UInt32) { store(off, v) }
        public mutating func i32(_ off: Int, _ v: Int32) { u32(off, UInt32(bitPattern: v)) }
        public mutating func u64(_ off: Int, _ v: UInt64) { store(off, v) }
        private mutating func store<T: FixedWidthInteger>(_ off: Int, _ v: T) {
            bytes.withUnsafeMutableBytes { Fields(start: $0.baseAddress!, size: $0.count).store(off, v) }
        }
        public mutating func i64(_ off: Int, _ v: Int64) { u64(off, UInt64(bitPattern: v)) }
        public mutating func raw(_ off: Int, _ b: [UInt8]) { bytes.replaceSubrange(off..<off + b.count, with: b) }
    }

    /// Writes fields at fixed offsets of a structure in place: in guest memory, for the
    /// structures a hot call returns (`SyscallContext.writeFields`), where building an
    /// array first cost an allocation and a copy per call (stat's struct statx).
    public struct Fields {
        let start: UnsafeMutableRawPointer
        let size: Int
        init(start: UnsafeMutableRawPointer, size: Int) { self.start = start; self.size = size }
        public func u16(_ off: Int, _ v: UInt16) { store(off, v) }
        public func u32(_ off: Int, _ v: UInt32) { store(off, v) }
        public func u64(_ off: Int, _ v: UInt64) { store(off, v) }
        public func i64(_ off: Int, _ v: Int64) { store(off, v) }
        @inline(__always) func store<T: FixedWidthInteger>(_ off: Int, _ v: T) {
            precondition(off >= 0 && off + MemoryLayout<T>.size <= size)
            start.storeBytes(of: v.littleEndian, toByteOffset: off, as: T.self)
        }
    }
}
